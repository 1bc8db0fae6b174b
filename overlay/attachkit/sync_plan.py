"""Many files at once, the part with no I/O: what a sync plans, reports, and paces itself by.

``attachkit sync SRC DST`` (``attachkit._async.sync_job``) lists what SRC holds, decides per
object whether to ``copy`` it, ``skip`` it (already at DST, unchanged) or ``refuse`` it (DST
would not take it: too large, a type COC does not accept, a name the services refuse), and then
copies ``jobs`` at a time. This module holds the values that plan and its outcome are made of,
the manifest of ``--files-from``, the ``--shard`` and ``--include``/``--exclude`` selection, and
the ``RateGate`` every worker of a run passes before a request (``--tps``, and a pause that a
429/503 with ``Retry-After`` puts on all of them, not only on the one that was told).
"""

from __future__ import annotations

import fnmatch
import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import attrs

from attachkit.addresses import Address, Held, local, parse_address
from attachkit.errors import ValidationError
from attachkit.transfer import RetryPolicy

__all__ = [
    "CheckItem",
    "CheckReport",
    "RateGate",
    "Shard",
    "SourceObject",
    "SyncItem",
    "SyncReport",
    "parse_manifest",
    "parse_shard",
    "selected",
]

Action = Literal["copy", "skip", "refuse"]
Status = Literal["planned", "copied", "skipped", "refused", "failed", "uncertain"]
MAX_MANIFEST_LINES = 1_000_000


SourceObject = Held
"""One object a sync may copy (``attachkit.addresses.Held``): where it is, its name, its
identity."""


@attrs.frozen
class SyncItem:
    """One object's line in the plan or the report."""

    source: str
    name: str | None
    size: int | None
    action: Action
    status: Status
    reason: str
    destination: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class SyncReport:
    """What a sync planned (``dry_run``) or did, one item per source object, in order."""

    items: tuple[SyncItem, ...]
    dry_run: bool
    ledger: str | None

    def count(self, status: Status) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def bytes_copied(self) -> int:
        return sum(item.size or 0 for item in self.items if item.status == "copied")

    @property
    def incomplete(self) -> tuple[SyncItem, ...]:
        """What did not end up at the destination: refused, failed, or of unknown fate."""
        return tuple(i for i in self.items if i.status in ("refused", "failed", "uncertain"))

    @property
    def ok(self) -> bool:
        return not self.incomplete

    def summary(self) -> str:
        done = "planned" if self.dry_run else "copied"
        counts = [
            f"{self.count('planned' if self.dry_run else 'copied')} {done}",
            f"{self.count('skipped')} up to date",
            f"{self.count('refused')} refused",
        ]
        if not self.dry_run:
            counts += [f"{self.count('failed')} failed", f"{self.count('uncertain')} uncertain"]
        return ", ".join(counts)


@attrs.frozen
class CheckItem:
    name: str
    status: Literal["match", "missing", "different", "extra"]
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class CheckReport:
    """Every name on either side: matching, missing at the destination, different, or extra."""

    items: tuple[CheckItem, ...]

    @property
    def ok(self) -> bool:
        return all(item.status == "match" for item in self.items)

    @property
    def problems(self) -> tuple[CheckItem, ...]:
        return tuple(item for item in self.items if item.status != "match")


def parse_manifest(text: str, source: str = "--files-from") -> list[Address]:
    """The object addresses of a ``--files-from`` file: one per line, ``#`` starts a comment.

    A line that is not an object's address is named by its number, before anything is sent.
    """
    found: list[Address] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if number > MAX_MANIFEST_LINES:
            raise ValidationError(source, f"has more than {MAX_MANIFEST_LINES} lines", "fewer")
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            address = parse_address(line)
        except ValidationError as error:
            raise ValidationError(source, f"line {number}: {error.problem}", error.rule) from None
        if not address.is_object or local(address) and address.directory:
            raise ValidationError(
                source, f"line {number}: {line[:200]!r} names a place, not one file",
                "an object's address, e.g. scrum://PROJECT/ISSUE/ATTACHMENT_ID",
            )  # fmt: skip
        found.append(address)
    return found


Shard = tuple[int, int]


def parse_shard(text: str) -> Shard:
    """``K/N`` with 1 <= K <= N: this machine takes the K-th of N shares."""
    share, _, total = text.partition("/")
    if not (share.isascii() and share.isdigit() and total.isascii() and total.isdigit()):
        raise ValidationError("--shard", f"{text!r} is not K/N", "K/N with 1 <= K <= N, e.g. 2/4")
    k, n = int(share), int(total)
    if not 1 <= k <= n or n > 10_000:
        raise ValidationError("--shard", f"{text!r} is out of range", "1 <= K <= N <= 10000")
    return k, n


def selected(
    obj: SourceObject,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    shard: Shard | None = None,
) -> bool:
    """Whether this run takes ``obj``: its name passes the filters and its address hashes
    to this machine's share (a stable hash, the same on every machine and run)."""
    name = obj.name or obj.address
    if include and not any(fnmatch.fnmatchcase(name, pattern) for pattern in include):
        return False
    if any(fnmatch.fnmatchcase(name, pattern) for pattern in exclude):
        return False
    if shard is not None:
        k, n = shard
        digest = hashlib.sha256(obj.address.encode()).digest()
        return int.from_bytes(digest[:8], "big") % n == k - 1
    return True


class RateGate:
    """What every worker of one run passes before a transfer: a shared rate and pauses.

    ``tps`` requests per second at most, over all workers (a token bucket that holds one
    second's worth); None for no rate. ``pause(seconds)`` holds every worker back that long:
    the retry policy of the run's facades calls it on each wait it makes, so a 429 or 503 with
    ``Retry-After`` told to one worker pauses them all.
    """

    def __init__(self, tps: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        if tps is not None and not tps > 0:
            raise ValidationError("--tps", f"{tps!r} is not a positive rate", "more than 0")
        self._tps = tps
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = 1.0 if tps is None else max(1.0, tps)
        self._filled = clock()
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def wait_time(self) -> float:
        """Seconds to wait before the next request may go; 0 takes a token now."""
        with self._lock:
            now = self._clock()
            if now < self._paused_until:
                return self._paused_until - now
            if self._tps is None:
                return 0.0
            self._tokens = min(max(1.0, self._tps), self._tokens + (now - self._filled) * self._tps)
            self._filled = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self._tps

    def retry_policy(self, base: RetryPolicy | None = None) -> RetryPolicy:
        """``base`` (or the default policy) whose every wait first pauses all workers."""
        policy = base or RetryPolicy()
        sleep, async_sleep = policy.sleep, policy.async_sleep

        def pause_all(seconds: float) -> None:
            self.pause(seconds)
            sleep(seconds)

        async def async_pause_all(seconds: float) -> None:
            self.pause(seconds)
            await async_sleep(seconds)

        return attrs.evolve(policy, sleep=pause_all, async_sleep=async_pause_all)

    def acquire(self) -> None:
        while (wait := self.wait_time()) > 0:
            time.sleep(wait)

    async def async_acquire(self) -> None:
        import anyio

        while (wait := self.wait_time()) > 0:
            await anyio.sleep(wait)
