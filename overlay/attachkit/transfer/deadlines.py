"""How long an answer may take: a deadline on its head, a pace for the bodies read whole.

A read timeout bounds one read, so a server that sends a byte every half second never trips it
and keeps the client waiting for ever. Two bounds, derived from the read timeout the caller
gave (N seconds), close that:

- the head of every answer (status line and headers) must arrive within N s of the first read
  after the request went out: each read of the head waits at most what is left of that;
- a body attachkit reads whole (a JSON answer, an error body, the WorldServer login) must keep
  ``ANSWER_BYTES_PER_SECOND`` over every window of N s, as curl's ``--speed-limit``.

A download's body keeps its own ``LowSpeedLimit`` instead (the download engine calls
``paced_elsewhere``): it may run for hours, and its caller chooses that limit. With no read
timeout (``httpx.Timeout(None)``) neither bound applies. Either bound ends the call with
``TimeoutError``, which is not retried: the same server would drip again.

This module only decides; the reads happen in the facades' transport
(``_async/transport.py``), whose network streams ask ``BOUND`` which bound applies to
the read at hand. The transport sets it while it waits for a head and while a body is read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, Protocol

import attrs
import httpx

from attachkit.errors import TimeoutError

__all__ = [
    "ANSWER_BYTES_PER_SECOND",
    "BOUND",
    "BodyPace",
    "Bound",
    "HeadDeadline",
    "LowSpeedLimit",
    "SpeedWatch",
    "body_bound",
    "head_bound",
    "paced_elsewhere",
]

# The floor of a body read whole, as the download's default floor: a JSON answer is a few KiB
# and comes in one or two reads; one that comes slower than this for N s is a drip.
ANSWER_BYTES_PER_SECOND = 1024.0
# Set on a response (its public ``extensions``) whose body a reader paces by itself.
_PACED_ELSEWHERE = "attachkit.paced_elsewhere"


@attrs.frozen
class LowSpeedLimit:
    """End a transfer whose average rate stays under ``bytes_per_second`` for ``seconds``.

    curl's ``--speed-limit``/``--speed-time``: the read timeout is per read, so a server that
    sends one byte a second would otherwise keep a download alive forever. Measured over windows
    of ``seconds`` from the first byte of each attempt; a window at or above the rate starts the
    next. The transfer ends with ``TimeoutError`` and is not retried (the same server would
    drip again).
    """

    bytes_per_second: float = 1024.0
    seconds: float = 30.0


class SpeedWatch:
    """Counts the bytes of one transfer against a ``LowSpeedLimit``, window by window."""

    def __init__(
        self, limit: LowSpeedLimit, clock: Callable[[], float], subject: str = "the transfer"
    ) -> None:
        self.limit = limit
        self.clock = clock
        self.subject = subject
        self.restart()

    def restart(self) -> None:
        self.started = self.clock()
        self.received = 0

    def count(self, size: int) -> None:
        self.received += size
        elapsed = self.clock() - self.started
        if elapsed < self.limit.seconds:
            return
        if self.received < self.limit.bytes_per_second * elapsed:
            raise TimeoutError(
                f"{self.subject} stayed below {self.limit.bytes_per_second:g} bytes/s for "
                f"{self.limit.seconds:g} s ({self.received} bytes in {elapsed:.1f} s)"
            )
        self.restart()


class Bound(Protocol):
    """What a network stream asks around each read of an answer."""

    def before_read(self, timeout: float | None) -> float | None:
        """The timeout for this read (at most ``timeout``); raises when the bound is spent."""

    def after_read(self, size: int) -> None:
        """Count ``size`` bytes read; raises when they came too slowly."""

    def timed_out(self) -> None:
        """The read timed out: raises this bound's error when the bound shortened it."""


class HeadDeadline:
    """The head must arrive within ``seconds`` of the first read after the request went out."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._ends: float | None = None
        self._shortened = False

    def before_read(self, timeout: float | None) -> float | None:
        now = self.clock()
        if self._ends is None:
            self._ends = now + self.seconds
        left = self._ends - now
        if left <= 0:
            raise self._error()
        self._shortened = timeout is None or left < timeout
        return left if self._shortened else timeout

    def after_read(self, size: int) -> None:
        pass

    def timed_out(self) -> None:
        if self._shortened:
            raise self._error()

    def _error(self) -> TimeoutError:
        return TimeoutError(
            f"the answer's head took longer than {self.seconds:g} s "
            "(its status line and headers came too slowly)"
        )


class BodyPace:
    """A body read whole must keep ``ANSWER_BYTES_PER_SECOND`` over windows of ``seconds``."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        limit = LowSpeedLimit(ANSWER_BYTES_PER_SECOND, seconds)
        self._watch = SpeedWatch(limit, clock, "the answer's body")
        self._started = False

    def before_read(self, timeout: float | None) -> float | None:
        if not self._started:  # from the body's first read, not from when the head came
            self._watch.restart()
            self._started = True
        return timeout

    def after_read(self, size: int) -> None:
        self._watch.count(size)

    def timed_out(self) -> None:
        pass


BOUND: ContextVar[Bound | None] = ContextVar("attachkit_answer_bound", default=None)
"""The bound on the read at hand; None outside an answer's head or a paced body."""


def _read_timeout(extensions: Mapping[str, Any]) -> float | None:
    timeout = extensions.get("timeout")
    read = timeout.get("read") if isinstance(timeout, Mapping) else None
    return float(read) if isinstance(read, int | float) and read > 0 else None


def head_bound(request_extensions: Mapping[str, Any]) -> HeadDeadline | None:
    """The head's deadline for a request (its read timeout), None when it has none."""
    seconds = _read_timeout(request_extensions)
    return None if seconds is None else HeadDeadline(seconds)


def body_bound(
    request_extensions: Mapping[str, Any], response_extensions: Mapping[str, Any]
) -> BodyPace | None:
    """The pace of a body about to be read; None for one paced elsewhere, or no read timeout."""
    if response_extensions.get(_PACED_ELSEWHERE):
        return None
    seconds = _read_timeout(request_extensions)
    return None if seconds is None else BodyPace(seconds)


def paced_elsewhere(response: httpx.Response) -> None:
    """Say that whoever reads ``response``'s body bounds its pace itself (a download does)."""
    response.extensions[_PACED_ELSEWHERE] = True
