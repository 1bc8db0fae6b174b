"""When to try a request again, and how long to wait first.

The rules follow what the server can have done with a failed request: a GET or DELETE may be
repeated freely; an upload is repeated only when its body can be produced again from the start
*and* the failure proves the server did not store it (the connection never opened, or the server
said 429/503, which the gateway answers before handing the body to the service).

This module holds the rules and the budget; the loops that send and sleep are the drivers in
``_async/retry.py`` and its generated twin ``_sync/retry.py``.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import anyio
import attrs
import httpx

from attachkit.untrusted import parse_number

from .http_errors import transport_error_from

__all__ = [
    "IDEMPOTENT_RETRY_STATUSES",
    "UPLOAD_RETRY_STATUSES",
    "RetryPolicy",
    "RetryState",
    "parse_retry_after",
    "should_retry_exception",
    "should_retry_status",
]

IDEMPOTENT_RETRY_STATUSES = frozenset({429, 502, 503, 504})
UPLOAD_RETRY_STATUSES = frozenset({429, 503})
# Failures that happen before a single byte of the request reached the server.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures on our side that the same request meets every time, so a retry only burns the budget
# (and its backoff sleeps) before the same error: a URL scheme httpx cannot send (ftp:, a
# missing scheme) and a request h11 refuses to write (an illegal header value, say).
_DETERMINISTIC_ERRORS = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with full jitter, honouring ``Retry-After`` up to a cap.

    ``sleep``, ``async_sleep`` and ``random`` are injectable so tests run instantly and
    deterministically.
    """

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 20.0
    # A server may ask for a long pause; we wait at most this long before trying again.
    max_retry_after: float = 60.0
    # A refused connection is a definite answer: nothing listens at that address. That is
    # nearly always a wrong endpoint or port, or a service that is down, which no backoff rides
    # out; the full budget only made the user wait seconds for the same answer. One quick retry
    # still covers a listener that is restarting.
    refused_retries: int = 1
    refused_delay: float = 0.2
    sleep: Callable[[float], None] = attrs.field(default=time.sleep, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = attrs.field(default=anyio.sleep, repr=False)
    random: Callable[[], float] = attrs.field(default=random.random, repr=False)

    def backoff(self, retry_number: int) -> float:
        """Full jitter: uniform in ``[0, min(max_delay, base_delay * 2**retry_number))``."""
        ceiling = min(self.max_delay, self.base_delay * (2.0 ** min(retry_number, 62)))
        return self.random() * ceiling

    def delay(self, retry_number: int, response: httpx.Response | None = None) -> float:
        """Seconds to wait before retry ``retry_number`` (0-based)."""
        if response is not None:
            after = parse_retry_after(response.headers.get("retry-after"))
            if after is not None:
                return min(after, self.max_retry_after)
        return self.backoff(retry_number)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP-date.

    ``None`` if absent or unusable (RFC 9110 10.2.3: a value that is neither is ignored), so the
    backoff decides: delta-seconds are ASCII digits only (``²`` is not a number of seconds).
    """
    if value is None:
        return None
    value = value.strip()
    delta = parse_number(value)
    if delta is not None:
        return float(delta)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds)


def is_connection_refused(exc: BaseException) -> bool:
    """Whether ``exc`` (httpx's error, or what it wraps) is a refused TCP connection."""
    pending: list[BaseException] = [exc]
    for _ in range(16):  # a bounded walk down the chain of causes (and exception groups)
        if not pending:
            return False
        seen = pending.pop()
        if isinstance(seen, ConnectionRefusedError):
            return True
        if isinstance(seen, BaseExceptionGroup):
            pending.extend(seen.exceptions)
        cause = seen.__cause__ or seen.__context__
        if cause is not None:
            pending.append(cause)
    return False


def should_retry_exception(exc: BaseException, *, idempotent: bool, replayable: bool) -> bool:
    """Whether a request that raised ``exc`` may be sent again."""
    if not replayable or isinstance(exc, _DETERMINISTIC_ERRORS):
        return False
    if idempotent:
        return isinstance(exc, httpx.TransportError)
    return isinstance(exc, _NOT_SENT_ERRORS)


def should_retry_status(status: int, *, idempotent: bool, replayable: bool) -> bool:
    """Whether a request answered with ``status`` may be sent again."""
    if not replayable:
        return False
    return status in (IDEMPOTENT_RETRY_STATUSES if idempotent else UPLOAD_RETRY_STATUSES)


@attrs.define
class RetryState:
    """The retry budget of one logical operation, shared by the sync and async drivers.

    Each method answers "wait this long, then go again" or raises the error to give up with.
    ``made_progress`` refills the budget: a download that keeps delivering new bytes between
    cuts is finite (it ends when the file does), so only failures in a row count. The caller
    reports progress only for bytes beyond the furthest offset any attempt reached, so a server
    that cuts every answer at the same place runs out of budget like any other failure.
    """

    policy: RetryPolicy
    idempotent: bool = True
    replayable: bool = True
    operation: str | None = None
    failures: int = 0
    refusals: int = 0

    def _next_delay(self, response: httpx.Response | None) -> float | None:
        if self.failures >= self.policy.max_retries:
            return None
        delay = self.policy.delay(self.failures, response)
        self.failures += 1
        return delay

    def after_exception(self, exc: httpx.TransportError) -> float:
        """Delay before retrying after ``exc``; raises the mapped attachkit error otherwise."""
        if should_retry_exception(exc, idempotent=self.idempotent, replayable=self.replayable):
            if is_connection_refused(exc):
                return self._after_refusal(exc)
            delay = self._next_delay(None)
            if delay is not None:
                return delay
        raise transport_error_from(exc, self.operation) from exc

    def _after_refusal(self, exc: httpx.TransportError) -> float:
        if self.refusals < self.policy.refused_retries and self._next_delay(None) is not None:
            self.refusals += 1
            return self.policy.refused_delay
        raise transport_error_from(exc, self.operation) from exc

    def after_status(self, response: httpx.Response) -> float | None:
        """Delay before retrying after an error status, or ``None`` to stop and report it."""
        if not should_retry_status(
            response.status_code, idempotent=self.idempotent, replayable=self.replayable
        ):
            return None
        return self._next_delay(response)

    def give_up(self) -> float:
        """Count a failure that has no HTTP cause (e.g. a range the server got wrong)."""
        delay = self._next_delay(None)
        if delay is None:
            raise transport_error_from(
                httpx.TransportError("the server kept answering unusable ranges"), self.operation
            )
        return delay

    def made_progress(self) -> None:
        self.failures = 0
