"""An httpcore network backend written for asyncio alone: the async facades' sockets.

httpcore's ``AnyIOBackend`` enters an anyio cancel scope (``fail_after``) around every read and
write, and anyio's socket stream adds its own checkpoints; under the async facades that was a
large part of the CPU a small download costs above the sync twin's (``scripts/bench-small``,
``attachkit-async`` against ``attachkit-sync``). This backend does the same work with asyncio's
public socket API: a plain connection is a non-blocking socket read and written with
``loop.sock_recv``/``loop.sock_sendall`` (each tries the system call first and waits for the
selector only when it would block), bounded by ``asyncio.timeout``; a TLS connection hands that
socket to ``asyncio.open_connection(sock=..., ssl=...)`` and reads its stream.

Under any other event loop (trio) it hands each connection to httpcore's anyio backend, so
nothing changes there. Errors are httpcore's own (``ConnectError``,
``ReadTimeout``, ...), as httpx's error mapping expects.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import select
import socket
import ssl
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore

__all__ = ["AsyncioBackend"]

# What a TLS stream's reader may buffer before asyncio stops reading the socket: a large
# download reads 1 MiB at a time (``fast_read.READ_SIZE``).
_TLS_BUFFER = 2 * 1024 * 1024


@contextlib.contextmanager
def _mapped(timeout_error: type[Exception], other: type[Exception]) -> Iterator[None]:
    try:
        yield
    except TimeoutError as exc:
        raise timeout_error(str(exc) or "timed out") from exc
    except (OSError, ssl.SSLError, EOFError) as exc:
        raise other(str(exc) or type(exc).__name__) from exc


def _is_readable(sock: socket.socket | None) -> bool:
    """Whether a read would not block (data, EOF or an error): an idle pooled connection that
    is readable was closed or broken by the server (httpcore asks before reusing one)."""
    if sock is None or sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """TCP connections on the running asyncio loop; under another loop, httpcore's anyio's."""

    def __init__(self) -> None:
        self._anyio = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not asyncio
            return await self._anyio.connect_tcp(host, port, timeout, local_address, socket_options)
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                try:  # a literal address needs no lookup (the loop's runs in a thread)
                    literal = ipaddress.ip_address(host)
                    ip_family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
                    addresses: list[tuple[int, Any]] = [(ip_family, (host, port))]
                except ValueError:
                    found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                    addresses = [(info[0], info[4]) for info in found]
                error: OSError | None = None
                for family, address in addresses:
                    sock = socket.socket(family, socket.SOCK_STREAM)
                    try:
                        sock.setblocking(False)
                        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                        for option in socket_options or ():
                            sock.setsockopt(*option)
                        if local_address is not None:
                            sock.bind((local_address, 0))
                        await loop.sock_connect(sock, address)
                    except OSError as exc:
                        sock.close()
                        error = exc
                        continue
                    except BaseException:
                        sock.close()
                        raise
                    return _SocketStream(sock)
                raise error or OSError(f"no address for {host!r}")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return await self._anyio.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._anyio.sleep(seconds)  # httpcore sleeps only between connection retries


class _SocketStream(httpcore.AsyncNetworkStream):
    """A plain TCP connection: a non-blocking socket driven by the loop's ``sock_*`` calls."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._loop = asyncio.get_running_loop()

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _mapped(httpcore.ReadTimeout, httpcore.ReadError):
            async with asyncio.timeout(timeout):
                return await self._loop.sock_recv(self._sock, max_bytes)

    async def read_into(self, buffer: memoryview, timeout: float | None = None) -> int:
        """Fill ``buffer`` (a large download's reused buffers, ``fast_read.Ring``)."""
        with _mapped(httpcore.ReadTimeout, httpcore.ReadError):
            async with asyncio.timeout(timeout):
                return await self._loop.sock_recv_into(self._sock, buffer)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        with _mapped(httpcore.WriteTimeout, httpcore.WriteError):
            async with asyncio.timeout(timeout):
                await self._loop.sock_sendall(self._sock, buffer)

    async def aclose(self) -> None:
        self._sock.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
            try:
                async with asyncio.timeout(timeout):
                    reader, writer = await asyncio.open_connection(
                        sock=self._sock,
                        ssl=ssl_context,
                        server_hostname=server_hostname,
                        limit=_TLS_BUFFER,
                    )
            except BaseException:
                self._sock.close()
                raise
        return _TLSStream(reader, writer)

    def get_extra_info(self, info: str) -> Any:
        if info == "socket":
            return self._sock
        if info == "is_readable":
            return _is_readable(self._sock)
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        return None


class _TLSStream(httpcore.AsyncNetworkStream):
    """A TLS connection: asyncio's stream reader and writer over its SSL transport."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _mapped(httpcore.ReadTimeout, httpcore.ReadError):
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        with _mapped(httpcore.WriteTimeout, httpcore.WriteError):
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()

    async def aclose(self) -> None:
        # No close_notify wait: httpcore closes a connection it will not use again, and
        # waiting on a server that never answers it would hold the caller.
        self._writer.transport.abort()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.UnsupportedProtocol("TLS inside TLS (an HTTPS proxy) is not supported")

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._writer.get_extra_info("ssl_object")
        if info == "socket":
            return self._writer.get_extra_info("socket")
        if info == "is_readable":
            # EOF seen, or bytes waiting on an idle connection: either way it is not reused.
            return self._reader.at_eof() or _is_readable(self._writer.get_extra_info("socket"))
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        return None
