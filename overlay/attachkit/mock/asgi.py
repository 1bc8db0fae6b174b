"""ASGI plumbing the mock needs and no framework gives it: request bodies as async iterators,
header and query dicts, wrappers of ``send`` (request id, injected cut) and the lifespan dance.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import IO, Any
from urllib.parse import parse_qsl

from attachkit.mock import transport
from attachkit.mock.responses import Send

__all__ = [
    "Receive",
    "Scope",
    "Send",
    "ClientGone",
    "Cut",
    "body_chunks",
    "replay",
    "empty",
    "read_limited",
    "header_dict",
    "query_dict",
    "with_request_id",
    "closing_send",
    "has_body",
    "content_length",
    "RequestBody",
    "finish_body",
    "cutting_send",
    "stopping_send",
    "lifespan",
]

Receive = Callable[[], Awaitable[dict[str, Any]]]
Scope = dict[str, Any]


class ClientGone(Exception):
    """The client disconnected before the request body was complete, or during the answer."""


class Cut(Exception):
    """A cut fault closed the connection mid-body; the handler must stop sending."""


def header_dict(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = text if key not in headers else f"{headers[key]},{text}"
    return headers


def query_dict(query_string: bytes) -> dict[str, str]:
    pairs = parse_qsl(
        query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict"
    )
    result: dict[str, str] = {}
    for name, value in pairs:
        result.setdefault(name, value)  # the first of a repeated name wins
    return result


class RequestBody:
    """A request's body as an async iterator of chunks, knowing how much has come so far."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.received = 0
        self.complete = False

    def __aiter__(self) -> RequestBody:
        return self

    async def __anext__(self) -> bytes:
        while not self.complete:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                raise ClientGone()
            chunk: bytes = message.get("body", b"")
            if not message.get("more_body", False):
                self.complete = True
            if chunk:
                self.received += len(chunk)
                return chunk
        raise StopAsyncIteration


def body_chunks(receive: Receive) -> RequestBody:
    return RequestBody(receive)


async def finish_body(body: RequestBody, headers: dict[str, str], send: Send, limit: int) -> Send:
    """Make the connection usable after an answer: read a short unread rest of the body, or
    return ``send`` with ``Connection: close`` when the rest is long or of unknown length
    (chunked): a refused request does not get to make the mock read megabytes, nor wait for
    bytes a client never sends. A request that announces no body (no Content-Length, not
    chunked: a GET) has none to read, and keeps its connection."""
    if body.complete or not has_body(headers):
        return send
    declared = content_length(headers)
    if declared is not None and declared - body.received <= limit:
        try:
            async for _ in body:
                pass
        except ClientGone:
            pass
        return send
    return closing_send(send)


async def replay(spool: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := spool.read(1024 * 1024):
            yield chunk
    finally:
        spool.close()


async def empty() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover - makes this an async generator


async def read_limited(body: AsyncIterator[bytes], limit: int) -> bytes | None:
    """The whole body, or None (and the rest left unread) once it passes ``limit`` bytes."""
    parts: list[bytes] = []
    size = 0
    async for chunk in body:
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


def with_request_id(send: Send) -> Send:
    request_id = secrets.token_hex(16).encode()  # 32 hex digits, without a UUID object

    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message["headers"], (b"x-request-id", request_id)]}
        await send(message)

    return sending


def content_length(headers: dict[str, str]) -> int | None:
    """The declared Content-Length, or None when absent (the HTTP parser checked its form)."""
    text = headers.get("content-length", "").strip()
    if not text.isdigit() or not text.isascii():
        return None
    # More than 19 digits is beyond any limit; int() of thousands would raise.
    return int(text) if len(text.lstrip("0")) <= 19 else 2**63


def has_body(headers: dict[str, str]) -> bool:
    """Whether a request announces a body (a non-zero Content-Length, or chunked)."""
    if "transfer-encoding" in headers:
        return True
    return (content_length(headers) or 0) > 0


def closing_send(send: Send) -> Send:
    """``send`` with ``Connection: close`` on the answer: the server closes after it.

    For an answer given before the request body was read: the connection cannot carry another
    request until that body is consumed, and the mock would rather not read it.
    """

    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message["headers"], (b"connection", b"close")]}
        await send(message)

    return sending


def cutting_send(send: Send, scope: Scope, limit: int) -> Send:
    remaining = limit

    async def sending(message: dict[str, Any]) -> None:
        nonlocal remaining
        if message["type"] != "http.response.body":
            await send(message)
            return
        body: bytes = message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) < remaining or (len(body) == remaining and not more):
            remaining -= len(body)
            await send(message)
            return
        if remaining:
            await send({"type": "http.response.body", "body": body[:remaining], "more_body": True})
        remaining = 0
        if not await transport.close(scope):
            raise ConnectionAbortedError("injected cut (no transport to close)")
        raise Cut()

    return sending


def stopping_send(send: Send, scope: Scope) -> Send:
    """``send`` that raises ``ClientGone`` once the connection is closing, between two chunks.

    uvicorn's ``send`` does not tell: after a failed socket write, asyncio's transport drops
    every further write, logging "socket.send() raised exception." for each, and uvicorn
    learns of the disconnect a loop iteration later. A download writing its chunks without
    waiting (the socket kept up until the client reset it) would read the rest of its file
    and log one line per chunk: 185 for an aborted 190 MiB download. Checking the transport
    after each chunk stops it at the first.
    """
    connection = transport.transport_for(scope)
    if connection is None:
        return send

    async def sending(message: dict[str, Any]) -> None:
        await send(message)
        if message.get("more_body") and connection.is_closing():
            await transport.let_server_notice()
            raise ClientGone()

    return sending


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
