"""Fault injection: make the next K matching requests slow, fail, break mid-body or reset.

A rule matches a method (or ``*``) and a path pattern: a shell-style glob by default (``*``
also crosses ``/``), or a regular expression with ``regex=True`` (matched with ``search``
semantics via ``fullmatch`` on the path only, never the query). The first rule added that
still has requests left wins; each matching request uses one. Rules are shared by the JSON
API under ``/_mock/faults`` and the Python API, so a test can use either.
"""

from __future__ import annotations

import fnmatch
import re
import threading
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["FaultRule", "Faults"]


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
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    matched: int = 0

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        if self.times < 1:
            raise ValueError("times must be at least 1")
        if self.delay < 0:
            raise ValueError("delay must not be negative")
        if self.status is not None and not 100 <= int(self.status) <= 599:
            raise ValueError("status must be an HTTP status code")
        if self.cut_after is not None and self.cut_after < 0:
            raise ValueError("cut_after must not be negative")
        actions = sum([self.status is not None, self.cut_after is not None, self.reset])
        if actions > 1:
            raise ValueError("a rule takes at most one of status, cut_after, reset")
        if actions == 0 and self.delay == 0:
            raise ValueError("a rule needs delay, status, cut_after or reset")
        self._compiled = re.compile(self.path if self.regex else fnmatch.translate(self.path))

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and self._compiled.fullmatch(path) is not None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Faults:
    """The active fault rules of one mock service; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def take(self, method: str, path: str) -> FaultRule | None:
        """The rule for this request, using up one of its ``times``; None for no fault."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.times -= 1
                    rule.matched += 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                    return rule
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

    # Shorthands for in-process tests.

    def delay(
        self, method: str, path: str, seconds: float, *, times: int = 1, regex: bool = False
    ) -> FaultRule:
        return self.add(FaultRule(path, method, times, regex, delay=seconds))

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
    ) -> FaultRule:
        return self.add(
            FaultRule(path, method, times, regex, delay, status, retry_after=retry_after, body=body)
        )

    def cut(
        self, method: str, path: str, after_bytes: int, *, times: int = 1, regex: bool = False
    ) -> FaultRule:
        return self.add(FaultRule(path, method, times, regex, cut_after=after_bytes))

    def reset_connection(
        self, method: str, path: str, *, times: int = 1, regex: bool = False
    ) -> FaultRule:
        return self.add(FaultRule(path, method, times, regex, reset=True))

    @staticmethod
    def rule_from_json(data: dict[str, Any]) -> FaultRule:
        allowed = set(FaultRule.__dataclass_fields__) - {"id", "matched"}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        if "path" not in data:
            raise ValueError("a fault needs a path pattern")
        return FaultRule(**data)
