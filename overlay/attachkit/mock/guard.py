"""Connection-level protection: slow clients are dropped, open connections are capped.

uvicorn gives neither: a connection that never completes its request head is kept forever
(its keep-alive timer only runs between requests), a body that stops arriving is waited for
forever, and every accepted connection holds a file descriptor until the process runs out and
stops accepting (issue 14: 1,100 half-sent requests made the mock unreachable). The protocol
class built here adds, per connection, a watchdog that checks a few public state flags of
uvicorn's h11 protocol (``conn`` is the h11 connection, ``flow`` uvicorn's flow control):

- head deadline: a request head must be complete ``header_timeout`` after the connection
  opened, or after the first byte of the next request on a kept-alive connection; a drip
  does not extend it. The client gets ``408`` and the connection closes.
- body stall: while the app waits for request body bytes and none arrive for
  ``body_timeout``, the connection is aborted (the app sees a disconnect). The same holds for
  a response the client stops reading (the socket's send buffer stays full).
- cap: past ``max_connections`` open connections a new one is answered ``503`` and closed at
  once, so descriptors stay below the process's limit.
"""

from __future__ import annotations

import asyncio
import resource
import time
from dataclasses import dataclass

import h11

from attachkit.mock.transport import TrackingH11Protocol

__all__ = ["ACCEPT_BACKLOG", "ConnectionLimits", "default_max_connections", "guarded_protocol"]

# asyncio accepts up to its server's backlog of connections in one go before any of them runs,
# so that many descriptors can be taken at once, on top of the open connections. uvicorn's
# default (2048) let 300 half-sent requests exhaust 256 descriptors in a single burst.
ACCEPT_BACKLOG = 128
# Descriptors the process needs besides its connections: the database and its journal,
# the event loop, the listening socket, logs, imports.
_RESERVED_DESCRIPTORS = 64


def _plain_answer(status: bytes, extra_headers: bytes, text: bytes) -> bytes:
    # Written straight to the socket: the connection has no h11 request to answer yet.
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
_TOO_MANY = _plain_answer(
    b"503 Service Unavailable", b"retry-after: 1\r\n", b"too many open connections\n"
)


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    header_timeout: float
    body_timeout: float
    max_connections: int

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


def guarded_protocol(limits: ConnectionLimits) -> type[TrackingH11Protocol]:
    """uvicorn's h11 protocol with the watchdog and the cap of ``limits``."""

    class GuardedH11Protocol(_Guarded):
        pass

    GuardedH11Protocol.limits = limits
    return GuardedH11Protocol


class _Guarded(TrackingH11Protocol):
    limits: ConnectionLimits

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        now = time.monotonic()
        self._head_started: float | None = now
        self._head_bytes = False
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

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self._last_read = now
        if self.conn.their_state is h11.IDLE:
            if self._head_started is None:
                self._head_started = now  # the first byte of a kept-alive connection's request
            self._head_bytes = True
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._head_started = None
            self._head_bytes = False

    def on_response_complete(self) -> None:
        # A pipelined request already buffered starts its body clock now, not when its
        # bytes arrived. An idle kept-alive connection is uvicorn's timeout_keep_alive's.
        self._last_read = time.monotonic()
        super().on_response_complete()

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
        their_state = self.conn.their_state
        if (
            their_state is h11.IDLE
            and self._head_started is not None
            and now - self._head_started > limits.header_timeout
        ):
            if self._head_bytes:
                transport.write(_REQUEST_TIMEOUT)
            transport.close()
            return
        if their_state is h11.SEND_BODY:
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
