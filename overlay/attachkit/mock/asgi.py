"""ASGI plumbing the mock needs and no framework gives it: request bodies as async iterators,
header and query dicts, wrappers of ``send`` (request id, injected cut) and the lifespan dance.
"""

from __future__ import annotations

import uuid
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
    "drain",
    "read_limited",
    "header_dict",
    "query_dict",
    "with_request_id",
    "cutting_send",
    "lifespan",
]

Receive = Callable[[], Awaitable[dict[str, Any]]]
Scope = dict[str, Any]


class ClientGone(Exception):
    """The client disconnected before the request body was complete."""


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


async def body_chunks(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone()
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return


async def replay(spool: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := spool.read(1024 * 1024):
            yield chunk
    finally:
        spool.close()


async def empty() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover - makes this an async generator


async def drain(body: AsyncIterator[bytes]) -> None:
    """Read whatever is left of a request body, so the connection stays usable."""
    try:
        async for _ in body:
            pass
    except (ClientGone, RuntimeError):
        # RuntimeError: the generator already finished (asynchronous generator is exhausted).
        pass


async def read_limited(body: AsyncIterator[bytes], limit: int) -> bytes | None:
    parts: list[bytes] = []
    size = 0
    async for chunk in body:
        size += len(chunk)
        if size > limit:
            await drain(body)
            return None
        parts.append(chunk)
    return b"".join(parts)


def with_request_id(send: Send) -> Send:
    request_id = uuid.uuid4().hex.encode()

    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message["headers"], (b"x-request-id", request_id)]}
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


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
