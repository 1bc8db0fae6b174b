"""Fault injection: make the next K matching requests slow, fail, break mid-body or reset.

A rule matches a method (or ``*``) and a path pattern: a shell-style glob by default (``*``
also crosses ``/``), or a regular expression with ``regex=True`` (``fullmatch`` on the path
only, never the query). The first rule added that still has requests left wins; each matching
request uses one. Rules are shared by the JSON API under ``/_mock/faults`` and the Python API,
so a test can use either.

Every field is checked when a rule is made (``ValueError`` naming the field: a 400 from the
JSON API). A regular expression is matched by the ``regex`` module with a time limit
(``REGEX_TIMEOUT``): a pattern that backtracks catastrophically, such as
``(/[^/]*|[^/]*)*X``, cannot hang the mock; a rule whose match runs out of time is removed,
with a warning in the log.

Chaos that repeats: a rule's ``probability`` (0 to 1) makes it apply to only that share of the
requests it matches, and ``cut_after_max`` makes a cut fall at a byte drawn from
``cut_after``..``cut_after_max``. Each rule draws from its own ``random.Random``; given a seed
(``MockConfig.fault_seed``, ``attachkit mock serve --seed``), the n-th rule added since the
start (or the last clear) is seeded from ``(seed, n)``, so the same seed, rules and requests
give the same faults on every run. Without one, rules draw from the operating system's entropy.
A request a rule's draw spares does not use up its ``times`` and goes on to the next rule.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import logging
import math
import random
import threading
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import regex

__all__ = ["FaultRule", "Faults", "HTTP_METHODS", "REGEX_TIMEOUT"]

log = logging.getLogger("attachkit.mock")

HTTP_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"}
)
REGEX_TIMEOUT = 0.05  # seconds for one path; regex checks its clock while it backtracks
_MAX_PATTERN = 1000
_MAX_TIMES = 1_000_000
_MAX_DELAY = 3600.0
_MAX_RETRY_AFTER_TEXT = 200


class RegexTimeout(Exception):
    """A rule's regular expression took longer than ``REGEX_TIMEOUT`` on a path."""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def _field_error(name: str, rule: str, value: Any) -> ValueError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return ValueError(f"fault field '{name}' must be {rule}, got {shown}")


@dataclass
class FaultRule:
    """One fault. ``times`` is how many matching requests it still applies to."""

    path: str
    method: str = "*"
    times: int = 1
    regex: bool = False
    delay: float = 0.0  # seconds to wait before answering (combines with any action below)
    status: int | None = None  # answer this status with the service's error body
    retry_after: float | int | str | None = None  # Retry-After header with ``status``
    body: Any = None  # replaces the service-shaped error body of ``status``
    cut_after: int | None = None  # send this many body bytes, then close the connection
    reset: bool = False  # abort the connection (TCP RST) before answering
    probability: float = 1.0  # the share of matching requests it applies to (its own draw)
    cut_after_max: int | None = None  # with cut_after: cut at a byte drawn from the range
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    matched: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not 0 < len(self.path) <= _MAX_PATTERN:
            raise _field_error("path", f"a pattern of 1 to {_MAX_PATTERN} characters", self.path)
        if not isinstance(self.method, str) or self.method.upper() not in HTTP_METHODS | {"*"}:
            raise _field_error("method", "an HTTP method name or '*'", self.method)
        self.method = self.method.upper()
        if not _is_int(self.times) or not 1 <= self.times <= _MAX_TIMES:
            raise _field_error("times", f"an integer from 1 to {_MAX_TIMES}", self.times)
        if not isinstance(self.regex, bool):
            raise _field_error("regex", "true or false", self.regex)
        if not _is_number(self.delay) or not 0 <= self.delay <= _MAX_DELAY:
            raise _field_error("delay", f"a number of seconds from 0 to {_MAX_DELAY:g}", self.delay)
        if self.status is not None and (not _is_int(self.status) or not 100 <= self.status <= 599):
            raise _field_error("status", "an integer from 100 to 599", self.status)
        self._check_retry_after()
        if self.retry_after is not None and self.status is None:
            raise ValueError("fault field 'retry_after' goes with 'status'")
        if self.body is not None:
            if self.status is None:
                raise ValueError("fault field 'body' goes with 'status'")
            try:
                json.dumps(self.body, allow_nan=False)
            except (TypeError, ValueError):
                raise _field_error("body", "a JSON value", self.body) from None
        if self.cut_after is not None and (
            not _is_int(self.cut_after) or not 0 <= self.cut_after < 2**63
        ):
            raise _field_error("cut_after", "a non-negative integer (bytes)", self.cut_after)
        if not isinstance(self.reset, bool):
            raise _field_error("reset", "true or false", self.reset)
        if not _is_number(self.probability) or not 0 <= self.probability <= 1:
            raise _field_error("probability", "a number from 0 to 1", self.probability)
        if self.cut_after_max is not None:
            if self.cut_after is None:
                raise ValueError("fault field 'cut_after_max' goes with 'cut_after'")
            if not _is_int(self.cut_after_max) or not self.cut_after <= self.cut_after_max < 2**63:
                raise _field_error(
                    "cut_after_max", "an integer of bytes, at least cut_after", self.cut_after_max
                )
        actions = sum([self.status is not None, self.cut_after is not None, self.reset])
        if actions > 1:
            raise ValueError("a rule takes at most one of status, cut_after, reset")
        if actions == 0 and self.delay == 0:
            raise ValueError("a rule needs delay, status, cut_after or reset")
        source = self.path if self.regex else fnmatch.translate(self.path)
        try:
            self._compiled = regex.compile(source)
        except (regex.error, RecursionError, OverflowError) as exc:
            raise _field_error("path", "a valid regular expression", self.path) from exc
        # Not a field: the rule's own draws (Faults.add seeds it when the mock has a seed).
        self._random = random.Random()

    def draw(self) -> FaultRule | None:
        """This rule as it applies to one matching request, or None when its draw spares it.

        A rule with a cut range returns a copy whose ``cut_after`` is the drawn byte.
        """
        if self.probability < 1 and self._random.random() >= self.probability:
            return None
        if self.cut_after_max is None or self.cut_after is None:
            return self
        applied = copy.copy(self)
        applied.cut_after = self._random.randint(self.cut_after, self.cut_after_max)
        return applied

    def _check_retry_after(self) -> None:
        value = self.retry_after
        if value is None:
            return
        if isinstance(value, str):
            # It becomes a header value: printable ASCII only, so no CR/LF can split it.
            if not 0 < len(value) <= _MAX_RETRY_AFTER_TEXT or not all(
                " " <= ch <= "~" for ch in value
            ):
                raise _field_error(
                    "retry_after", "seconds, or printable ASCII text without CR/LF", value
                )
            return
        if not _is_number(value) or not 0 <= value < 10**9:
            raise _field_error("retry_after", "a non-negative number of seconds", value)

    def matches(self, method: str, path: str) -> bool:
        """Whether the rule applies; ``RegexTimeout`` when its pattern ran out of time."""
        if self.method not in ("*", method):
            return False
        try:
            return self._compiled.fullmatch(path, timeout=REGEX_TIMEOUT) is not None
        except TimeoutError:
            raise RegexTimeout(self.id) from None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Faults:
    """The active fault rules of one mock service; thread-safe."""

    def __init__(self, seed: int | None = None) -> None:
        if seed is not None and (not _is_int(seed) or not 0 <= seed < 2**64):
            raise ValueError("the fault seed must be an integer from 0 to 2**64 - 1")
        self.seed = seed
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._added = 0  # rules added since the start or the last clear: the next one's n

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            if self.seed is not None:
                # A str seed is hashed with SHA-512: stable across runs and Python versions.
                rule._random = random.Random(f"attachkit-fault:{self.seed}:{self._added}")
            self._added += 1
            self._rules.append(rule)
        return rule

    def take(self, method: str, path: str) -> FaultRule | None:
        """The rule for this request, using up one of its ``times``; None for no fault."""
        if not self._rules:  # every request asks: no lock, no copy when there are no rules
            return None
        with self._lock:
            for rule in list(self._rules):
                try:
                    matched = rule.matches(method, path)
                except RegexTimeout:
                    self._rules.remove(rule)
                    log.warning(
                        "removed fault rule %s: its regular expression took over %g s on a path",
                        rule.id,
                        REGEX_TIMEOUT,
                    )
                    continue
                if not matched:
                    continue
                applied = rule.draw()
                if applied is None:
                    continue
                rule.times -= 1
                rule.matched += 1
                if rule.times <= 0:
                    self._rules.remove(rule)
                return applied
        return None

    def list(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._added = 0

    # Shorthands for in-process tests.

    def delay(
        self,
        method: str,
        path: str,
        seconds: float,
        *,
        times: int = 1,
        regex: bool = False,
        probability: float = 1.0,
    ) -> FaultRule:
        return self.add(
            FaultRule(path, method, times, regex, delay=seconds, probability=probability)
        )

    def status(
        self,
        method: str,
        path: str,
        status: int,
        *,
        retry_after: float | int | str | None = None,
        body: Any = None,
        times: int = 1,
        regex: bool = False,
        delay: float = 0.0,
        probability: float = 1.0,
    ) -> FaultRule:
        """Answer ``status``; ``body`` (any JSON value) replaces the service's error body,
        so a rule can also stand in a wrong-shaped success answer."""
        return self.add(
            FaultRule(
                path,
                method,
                times,
                regex,
                delay,
                status,
                retry_after=retry_after,
                body=body,
                probability=probability,
            )
        )

    def cut(
        self,
        method: str,
        path: str,
        after_bytes: int,
        *,
        up_to: int | None = None,
        times: int = 1,
        regex: bool = False,
        probability: float = 1.0,
    ) -> FaultRule:
        """Close the connection after ``after_bytes`` of the body, or, with ``up_to``, after a
        number of bytes drawn from ``after_bytes``..``up_to``."""
        return self.add(
            FaultRule(
                path,
                method,
                times,
                regex,
                cut_after=after_bytes,
                cut_after_max=up_to,
                probability=probability,
            )
        )

    def reset_connection(
        self,
        method: str,
        path: str,
        *,
        times: int = 1,
        regex: bool = False,
        probability: float = 1.0,
    ) -> FaultRule:
        return self.add(FaultRule(path, method, times, regex, reset=True, probability=probability))

    @staticmethod
    def rule_from_json(data: dict[str, Any]) -> FaultRule:
        allowed = set(FaultRule.__dataclass_fields__) - {"id", "matched"}
        unknown = set(data) - allowed
        if unknown:
            names = ", ".join(sorted(repr(str(name))[:40] for name in unknown)[:10])
            raise ValueError(f"unknown fault fields: {names}")
        if "path" not in data:
            raise ValueError("a fault needs a path pattern")
        return FaultRule(**data)
