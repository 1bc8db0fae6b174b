# Generated from overlay/attachkit/_async/transport.py by scripts/unasync: do not edit.
"""The facades' transport: HTTP/1.1 as httpx's own, with a bound on every read of an answer.

``httpx.HTTPTransport`` takes no network backend, so this transport drives an httpcore
connection pool itself, through public httpcore API, the way httpx's does (same request
mapping, same errors: ``_transports/httpcore.py``), and gives the pool a backend whose network
streams ask ``transfer.deadlines.BOUND`` which bound applies to each read. The transport sets
that bound: the head's deadline while it waits for an answer, the body's pace while a body is
read (unless its reader paces it itself, as a download does). A read outside both, such as
the download engine's reads past h11 (``_transports/fast_read.py``), costs one context-variable
lookup more than before.

``default_transport`` is what a facade's client sends through: these transports, pooled
(``attachkit._synchronization``), or None behind a proxy. The sync twins (``BoundedTransport``,
``default_transport``) are generated from this file by ``scripts/unasync``.
"""

from __future__ import annotations

import ssl
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from attachkit._synchronization import network_backend, pooled
from attachkit._transports.httpcore import httpx_errors
from attachkit.transfer import deadlines

__all__ = ["BoundedTransport"]


def default_transport(max_connections: int) -> httpx.BaseTransport | None:
    """The bounded transport pooled for ``max_connections``, or None (httpx picks) behind a proxy.

    Built here rather than by the client so that the facade's sender can use it directly
    (``attachkit/_sync/send.py``); httpx honours HTTP(S)_PROXY and NO_PROXY only when it builds
    the transports itself, so with a proxy in the environment it still does.
    """
    if urllib.request.getproxies():
        return None
    return pooled(_bounded, max_connections)


def _bounded(limits: httpx.Limits, ssl_context: ssl.SSLContext) -> BoundedTransport:
    return BoundedTransport(limits, ssl_context=ssl_context)


class BoundedTransport(httpx.BaseTransport):
    """HTTP/1.1 over an httpcore pool of ``limits``; every answer's reads are bounded."""

    def __init__(self, limits: httpx.Limits, *, ssl_context: ssl.SSLContext | None = None):
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_BoundedBackend(network_backend()),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
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
                answer = self._pool.handle_request(core_request)
        finally:
            deadlines.BOUND.reset(token)
        assert isinstance(answer.stream, Iterable)
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

    def close(self) -> None:
        self._pool.close()


class _BoundedBody(httpx.SyncByteStream):
    """An answer's body, read under its pace (decided when reading starts)."""

    def __init__(self, stream: Iterable[bytes], request_extensions: dict[str, Any]) -> None:
        # Named `_stream` like httpx's own wrappers, so the download engine's walk from a
        # response to its HTTP/1.1 connection (_transports.fast_read) passes through this one too.
        self._stream = stream
        self._request_extensions = request_extensions
        self.response_extensions: dict[str, Any] = {}

    def __iter__(self) -> Iterator[bytes]:
        pace = deadlines.body_bound(self._request_extensions, self.response_extensions)
        with httpx_errors():
            if pace is None:
                for part in self._stream:
                    yield part
                return
            parts = self._stream.__iter__()
            while True:
                # Set for each step only: between steps the caller runs in this context too.
                token = deadlines.BOUND.set(pace)
                try:
                    part = parts.__next__()
                except StopIteration:
                    return
                finally:
                    deadlines.BOUND.reset(token)
                yield part

    def close(self) -> None:
        closer = getattr(self._stream, "close", None)
        if closer is not None:
            with httpx_errors():
                closer()


class _BoundedBackend(httpcore.NetworkBackend):
    """``backend``, its streams wrapped in ``_BoundedStream``."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _BoundedStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_unix_socket(path, timeout, socket_options)
        return _BoundedStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _BoundedStream(httpcore.NetworkStream):
    """A connection's stream whose reads honour the bound in ``deadlines.BOUND``.

    ``inner`` is the backend's own stream (``_transports.fast_read`` tunes its socket's reads).
    """

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        bound = deadlines.BOUND.get()
        if bound is None:
            return self.inner.read(max_bytes, timeout)
        try:
            data = self.inner.read(max_bytes, bound.before_read(timeout))
        except httpcore.ReadTimeout:
            bound.timed_out()
            raise
        bound.after_read(len(data))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, timeout)

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        stream = self.inner.start_tls(ssl_context, server_hostname, timeout)
        return _BoundedStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)
