"""Access to a request's TCP connection, which ASGI does not expose.

Two faults need the socket itself: a connection reset before any answer (an RST, not an HTTP
response) and a close in the middle of a body. The mock runs uvicorn with a protocol class that
records each connection's transport under its (server address, client address) pair, which is
also what the ASGI scope carries, so the app can find the transport of the request it serves.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["CoalescingTransport", "TrackingHttpProtocol", "transport_for", "reset", "close"]

_TRANSPORTS: dict[tuple[Any, Any], asyncio.Transport] = {}


def _key(server: Any, client: Any) -> tuple[Any, Any]:
    return (tuple(server[:2]) if server else None, tuple(client[:2]) if client else None)


# Writes up to this size wait for the end of the event loop's current step; a larger one goes
# out at once (with whatever waits before it), so a big download is never held back.
COALESCE_BYTES = 64 * 1024


class CoalescingTransport(asyncio.Transport):
    """A transport that sends the small writes of one event-loop step in one ``send``.

    uvicorn writes a response's head and its body separately; for a small answer that is two
    system calls and two segments the client must wake up for. Held writes are flushed at the
    end of the step (``call_soon``), before a close, and before any larger write.
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._held_bytes = 0
        self._flush_scheduled = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        size = len(data)
        if self._held_bytes + size > COALESCE_BYTES:
            self._flush()
            self._transport.write(data)
            return
        self._held.append(bytes(data))
        self._held_bytes += size
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if not self._held:
            return
        data = self._held[0] if len(self._held) == 1 else b"".join(self._held)
        self._held.clear()
        self._held_bytes = 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        self._held.clear()
        self._held_bytes = 0
        self._transport.abort()

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + self._held_bytes

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._transport.get_write_buffer_limits()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()


class TrackingHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, plus a registry entry for the connection's transport."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        transport = CoalescingTransport(transport, self.loop)
        super().connection_made(transport)
        self._attachkit_key = _key(
            transport.get_extra_info("sockname"), transport.get_extra_info("peername")
        )
        _TRANSPORTS[self._attachkit_key] = transport

    def connection_lost(self, exc: Exception | None) -> None:
        _TRANSPORTS.pop(getattr(self, "_attachkit_key", None), None)  # type: ignore[arg-type]
        super().connection_lost(exc)


def transport_for(scope: dict[str, Any]) -> asyncio.Transport | None:
    return _TRANSPORTS.get(_key(scope.get("server"), scope.get("client")))


async def reset(scope: dict[str, Any]) -> bool:
    """Abort the request's connection with a TCP RST; False when the transport is unknown."""
    transport = transport_for(scope)
    if transport is None:
        return False
    sock = transport.get_extra_info("socket")
    if sock is not None:
        # Linger on with a zero timeout makes close() send RST instead of FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    await _let_server_notice()
    return True


async def close(scope: dict[str, Any]) -> bool:
    """Close the connection after what is already written (FIN); False if unknown."""
    transport = transport_for(scope)
    if transport is None:
        return False
    transport.close()
    await _let_server_notice()
    return True


async def _let_server_notice() -> None:
    # connection_lost runs from the event loop a tick later; once it has, uvicorn knows the
    # client is gone and neither answers 500 nor logs an incomplete response.
    for _ in range(3):
        await asyncio.sleep(0)
