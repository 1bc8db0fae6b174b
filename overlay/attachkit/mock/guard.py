"""Connection-level protection: slow clients are dropped, heads bounded, connections capped.

uvicorn gives none of this: a connection that never completes its request head is kept forever
(its keep-alive timer only runs between requests), a body that stops arriving is waited for
forever, httptools buffers a request head of any size, and every accepted connection holds a
file descriptor until the process runs out and stops accepting (issue 14: 1,100 half-sent
requests made the mock unreachable). The protocol class built here adds them to uvicorn's
httptools protocol (chosen over its h11 one because parsing in C roughly halves the mock's CPU
per small request), following each request through the parser's callbacks
(``on_message_begin``, ``on_headers_complete``, ``on_message_complete``) and watching it with a
per-connection timer:

- head deadline: a request head must be complete ``header_timeout`` after the connection
  opened, or after the first byte of the next request on a kept-alive connection (once the
  previous answer is complete); a drip does not extend it. The client gets ``408`` and the
  connection closes.
- head size: a head still incomplete after ``max_head_bytes`` gets ``431`` and the connection
  closes, so a head cannot make the mock buffer without bound.
- body stall: while the app waits for request body bytes and none arrive for
  ``body_timeout``, the connection is aborted (the app sees a disconnect). The same holds for
  a response the client stops reading (the socket's send buffer stays full).
- cap: past ``max_connections`` open connections a new one is answered ``503`` and closed at
  once, so descriptors stay below the process's limit.

uvicorn's public settings cannot replace it: ``timeout_keep_alive`` only runs between
requests, ``h11_max_incomplete_event_size`` bounds a head only under the h11 protocol, and
``limit_concurrency`` answers 503 only once a head is complete, after the connection has
already taken its descriptor. So the guard reads uvicorn's private ``pipeline``, ``cycle``,
``flow`` and ``server_state``, and a uvicorn release may change them without notice. It runs
only on the releases it was tested with (``TESTED_UVICORN``, the same bounds as the ``mock``
extra in pyproject.toml): on any other, the mock refuses to start and says why
(``check_uvicorn_version``) rather than run with a guard that may be silently off.
"""

from __future__ import annotations

import asyncio
import re
import resource
import time
from dataclasses import dataclass

import uvicorn

from attachkit.mock.transport import TrackingHttpProtocol

__all__ = [
    "ACCEPT_BACKLOG",
    "TESTED_UVICORN",
    "ConnectionLimits",
    "UntestedUvicorn",
    "check_uvicorn_version",
    "default_max_connections",
    "guarded_protocol",
    "uvicorn_requirement",
]

# The uvicorn releases (major, minor) the guard was tested with: from the first up to, not
# including, the second. The guard's tests (tests/test_mock_hardening.py) passed on 0.30.0
# and 0.55.0. Widen it only after they pass on the new release.
TESTED_UVICORN = ((0, 30), (0, 56))


class UntestedUvicorn(RuntimeError):
    """The installed uvicorn is outside ``TESTED_UVICORN``: the guard may not work with it."""


def uvicorn_requirement() -> str:
    """``TESTED_UVICORN`` as a requirement: ``uvicorn>=0.30,<0.56``."""
    (low_major, low_minor), (high_major, high_minor) = TESTED_UVICORN
    return f"uvicorn>={low_major}.{low_minor},<{high_major}.{high_minor}"


def check_uvicorn_version(version: str | None = None) -> None:
    """Raise ``UntestedUvicorn`` unless ``version`` (the installed one) is in the tested range."""
    version = uvicorn.__version__ if version is None else version
    found = re.match(r"([0-9]{1,6})\.([0-9]{1,6})(?![0-9])", version)
    low, high = TESTED_UVICORN
    if found is None or not low <= (int(found[1]), int(found[2])) < high:
        requirement = uvicorn_requirement()
        raise UntestedUvicorn(
            f"uvicorn {version} is installed, but the mock's connection guard relies on "
            f"private parts of uvicorn and was tested with {requirement} only; install "
            f"one of those (pip install '{requirement}')"
        )


# asyncio accepts up to its server's backlog of connections in one go before any of them runs,
# so that many descriptors can be taken at once, on top of the open connections. uvicorn's
# default (2048) let 300 half-sent requests exhaust 256 descriptors in a single burst.
ACCEPT_BACKLOG = 128
# Descriptors the process needs besides its connections: the database and its journal,
# the event loop, the listening socket, logs, imports.
_RESERVED_DESCRIPTORS = 64


def _plain_answer(status: bytes, extra_headers: bytes, text: bytes) -> bytes:
    # Written straight to the socket: the connection has no parsed request to answer yet.
    return (
        b"HTTP/1.1 "
        + status
        + b"\r\ncontent-type: text/plain\r\ncontent-length: "
        + str(len(text)).encode()
        + b"\r\n"
        + extra_headers
        + b"connection: close\r\n\r\n"
        + text
    )


_REQUEST_TIMEOUT = _plain_answer(b"408 Request Timeout", b"", b"request head too slow\n")
_HEAD_TOO_LARGE = _plain_answer(
    b"431 Request Header Fields Too Large", b"", b"request head too large\n"
)
_TOO_MANY = _plain_answer(
    b"503 Service Unavailable", b"retry-after: 1\r\n", b"too many open connections\n"
)


# What h11 allowed before the switch to httptools (uvicorn's h11_max_incomplete_event_size).
DEFAULT_MAX_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    header_timeout: float
    body_timeout: float
    max_connections: int
    max_head_bytes: int = DEFAULT_MAX_HEAD_BYTES

    @property
    def tick(self) -> float:
        """How often a connection's watchdog looks: a fraction of the shortest deadline."""
        return min(1.0, max(0.05, min(self.header_timeout, self.body_timeout) / 5))


def default_max_connections() -> int:
    """Connections the descriptor limit can afford.

    Each may hold three: its socket, an upload being written and a signed body being spooled
    (or a file being served). Kept aside: a burst of accepts and what the process itself uses.
    """
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 65536
    return max(4, min(4096, (soft - _RESERVED_DESCRIPTORS - ACCEPT_BACKLOG) // 3))


def guarded_protocol(limits: ConnectionLimits) -> type[TrackingHttpProtocol]:
    """uvicorn's httptools protocol with the watchdog and the bounds of ``limits``.

    Raises ``UntestedUvicorn`` on a uvicorn the guard was not tested with.
    """
    check_uvicorn_version()

    class GuardedHttpProtocol(_Guarded):
        pass

    GuardedHttpProtocol.limits = limits
    return GuardedHttpProtocol


class _Guarded(TrackingHttpProtocol):
    limits: ConnectionLimits

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        now = time.monotonic()
        # Where the parser is in the client's current request: inside its head (begun, not
        # complete) or inside its body. Set by the parser's callbacks below.
        self._in_head = False
        self._in_body = False
        # When the head now due started to count, None while no head is due (a request is
        # being answered, or a kept-alive connection waits for its next first byte).
        self._head_started: float | None = now
        self._head_bytes = 0  # received while the head was incomplete
        self._last_read = now
        self._write_paused_since: float | None = None
        self._watchdog: asyncio.TimerHandle | None = None
        if len(self.server_state.connections) > self.limits.max_connections:
            transport.write(_TOO_MANY)
            transport.close()
            return
        self._watchdog = self.loop.call_later(self.limits.tick, self._watch)

    def connection_lost(self, exc: Exception | None) -> None:
        if getattr(self, "_watchdog", None) is not None:
            self._watchdog.cancel()  # type: ignore[union-attr]
        super().connection_lost(exc)

    def _answering(self) -> bool:
        """Whether a request of this connection is being (or waits to be) answered."""
        return bool(self.pipeline) or not (self.cycle is None or self.cycle.response_complete)

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self._last_read = now
        if self._head_started is None and not self._in_body and not self._answering():
            self._head_started = now  # the first byte of a kept-alive connection's request
        super().data_received(data)
        if self._in_head and not self.transport.is_closing():
            # Still no complete head: count what it has taken so far (a chunk that completed
            # a head is not counted, so at most one read past the bound is ever buffered).
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_head_bytes:
                self.transport.write(_HEAD_TOO_LARGE)
                self.transport.close()

    def on_message_begin(self) -> None:
        self._in_head = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_started = None
        self._head_bytes = 0
        self._in_body = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_body = False
        super().on_message_complete()

    def on_response_complete(self) -> None:
        # A pipelined request already buffered starts its body clock now, not when its
        # bytes arrived; a head of the next request begun meanwhile starts its deadline now.
        # An idle kept-alive connection is uvicorn's timeout_keep_alive's.
        now = time.monotonic()
        self._last_read = now
        super().on_response_complete()
        if self._in_head and self._head_started is None and not self._answering():
            self._head_started = now

    def pause_writing(self) -> None:
        self._write_paused_since = time.monotonic()
        super().pause_writing()

    def resume_writing(self) -> None:
        self._write_paused_since = None
        super().resume_writing()

    def _watch(self) -> None:
        self._watchdog = None
        transport = self.transport
        if transport.is_closing():
            return
        now = time.monotonic()
        limits = self.limits
        started = self._head_started
        if started is not None and now - started > limits.header_timeout:
            if self._in_head:  # bytes of a head came: say why the connection closes
                transport.write(_REQUEST_TIMEOUT)
            transport.close()
            return
        if self._in_body:
            if self.flow.read_paused:
                # The app is not reading yet (or its buffer is full): not the client's fault.
                self._last_read = now
            elif now - self._last_read > limits.body_timeout:
                transport.abort()
                return
        paused = self._write_paused_since
        if paused is not None and now - paused > limits.body_timeout:
            transport.abort()
            return
        self._watchdog = self.loop.call_later(limits.tick, self._watch)
