"""The facades' transport: HTTP/1.1 as httpx's own, with a bound on every read of an answer.

``httpx.AsyncHTTPTransport`` takes no network backend, so this transport drives an httpcore
connection pool itself, through public httpcore API, the way httpx's does (same request
mapping, same errors: ``_transports/httpcore.py``), and gives the pool a backend whose network
streams ask ``transfer.deadlines.BOUND`` which bound applies to each read. The transport sets
that bound: the head's deadline while it waits for an answer, the body's pace while a body is
read (unless its reader paces it itself, as a download does). A read outside both, such as
the download engine's reads past h11 (``_transports/fast_read.py``), costs one context-variable
lookup more than before.

``async_default_transport`` is what a facade's client sends through: these transports, pooled
(``attachkit._synchronization``), or None behind a proxy. The sync twins (``BoundedTransport``,
``default_transport``) are generated from this file by ``scripts/unasync``.
"""

from __future__ import annotations

import ssl
import urllib.request
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import Any

import httpcore
import httpx

from attachkit._synchronization import async_network_backend, async_pooled
from attachkit._transports.httpcore import httpx_errors
from attachkit.transfer import deadlines

__all__ = ["AsyncBoundedTransport"]


def async_default_transport(max_connections: int) -> httpx.AsyncBaseTransport | None:
    """The bounded transport pooled for ``max_connections``, or None (httpx picks) behind a proxy.

    Built here rather than by the client so that the facade's sender can use it directly
    (``attachkit/_async/send.py``); httpx honours HTTP(S)_PROXY and NO_PROXY only when it builds
    the transports itself, so with a proxy in the environment it still does.
    """
    if urllib.request.getproxies():
        return None
    return async_pooled(_async_bounded, max_connections)


def _async_bounded(limits: httpx.Limits, ssl_context: ssl.SSLContext) -> AsyncBoundedTransport:
    return AsyncBoundedTransport(limits, ssl_context=ssl_context)


class AsyncBoundedTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over an httpcore pool of ``limits``; every answer's reads are bounded."""

    def __init__(self, limits: httpx.Limits, *, ssl_context: ssl.SSLContext | None = None):
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_BoundedBackend(async_network_backend()),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        token = deadlines.BOUND.set(deadlines.head_bound(request.extensions))
        try:
            with httpx_errors():
                answer = await self._pool.handle_async_request(core_request)
        finally:
            deadlines.BOUND.reset(token)
        assert isinstance(answer.stream, AsyncIterable)
        body = _BoundedBody(answer.stream, request.extensions)
        response = httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=body,
            extensions=answer.extensions,
        )
        # The response's own copy: a reader marks it (deadlines.paced_elsewhere) before reading.
        body.response_extensions = response.extensions
        return response

    async def aclose(self) -> None:
        await self._pool.aclose()


class _BoundedBody(httpx.AsyncByteStream):
    """An answer's body, read under its pace (decided when reading starts)."""

    def __init__(self, stream: AsyncIterable[bytes], request_extensions: dict[str, Any]) -> None:
        # Named `_stream` like httpx's own wrappers, so the download engine's walk from a
        # response to its HTTP/1.1 connection (_transports.fast_read) passes through this one too.
        self._stream = stream
        self._request_extensions = request_extensions
        self.response_extensions: dict[str, Any] = {}

    async def __aiter__(self) -> AsyncIterator[bytes]:
        pace = deadlines.body_bound(self._request_extensions, self.response_extensions)
        with httpx_errors():
            if pace is None:
                async for part in self._stream:
                    yield part
                return
            parts = self._stream.__aiter__()
            while True:
                # Set for each step only: between steps the caller runs in this context too.
                token = deadlines.BOUND.set(pace)
                try:
                    part = await parts.__anext__()
                except StopAsyncIteration:
                    return
                finally:
                    deadlines.BOUND.reset(token)
                yield part

    async def aclose(self) -> None:
        closer = getattr(self._stream, "aclose", None)
        if closer is not None:
            with httpx_errors():
                await closer()


class _BoundedBackend(httpcore.AsyncNetworkBackend):
    """``backend``, its streams wrapped in ``_BoundedStream``."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _BoundedStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(path, timeout, socket_options)
        return _BoundedStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class _BoundedStream(httpcore.AsyncNetworkStream):
    """A connection's stream whose reads honour the bound in ``deadlines.BOUND``.

    ``inner`` is the backend's own stream (``_transports.fast_read`` tunes its socket's reads).
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self.inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        bound = deadlines.BOUND.get()
        if bound is None:
            return await self.inner.read(max_bytes, timeout)
        try:
            data = await self.inner.read(max_bytes, bound.before_read(timeout))
        except httpcore.ReadTimeout:
            bound.timed_out()
            raise
        bound.after_read(len(data))
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self.inner.start_tls(ssl_context, server_hostname, timeout)
        return _BoundedStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)
