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

from attachkit.mock.journal import CLOSING_HOOK

__all__ = ["TrackingHttpProtocol", "transport_for", "reset", "close", "let_server_notice"]

_TRANSPORTS: dict[tuple[Any, Any], asyncio.Transport] = {}


def _key(server: Any, client: Any) -> tuple[Any, Any]:
    return (tuple(server[:2]) if server else None, tuple(client[:2]) if client else None)


class TrackingHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, plus a registry entry for the connection's transport."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
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


def _closing(scope: dict[str, Any]) -> None:
    # Whoever records the request (the journal) does so before its client sees the close.
    hook = scope.get(CLOSING_HOOK)
    if hook is not None:
        hook()


async def reset(scope: dict[str, Any]) -> bool:
    """Abort the request's connection with a TCP RST; False when the transport is unknown."""
    transport = transport_for(scope)
    if transport is None:
        return False
    _closing(scope)
    sock = transport.get_extra_info("socket")
    if sock is not None:
        # Linger on with a zero timeout makes close() send RST instead of FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    await let_server_notice()
    return True


async def close(scope: dict[str, Any]) -> bool:
    """Close the connection after what is already written (FIN); False if unknown."""
    transport = transport_for(scope)
    if transport is None:
        return False
    _closing(scope)
    transport.close()
    await let_server_notice()
    return True


async def let_server_notice() -> None:
    # connection_lost runs from the event loop a tick later; once it has, uvicorn knows the
    # client is gone and neither answers 500 nor logs an incomplete response.
    for _ in range(3):
        await asyncio.sleep(0)
