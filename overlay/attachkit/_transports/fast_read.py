"""Reading a large download past h11: private httpcore/h11 internals, on measured versions only.

httpcore reads the socket 64 KiB at a time and every read goes through h11 (which copies each
chunk three times through its receive buffer) and httpx in Python. For a large body this module
(1) raises the read size of that one connection to 1 MiB (``READ_NUM_BYTES`` on the instance,
and the asyncio transport's ``max_size``, which otherwise caps a read at 256 KiB), and (2) reads
the body from the connection's network stream directly, counting it against Content-Length.

Measured with ``scripts/bench-read-path`` (1 GiB from a local sendfile server to a disk
directory, fsync and checksum off, 5 alternated runs, medians; 2 cores shared with five other
engineers' test runs), two runs: the client's CPU with httpx's public ``iter_raw`` was 2.09x and
2.62x this path's (5.6 vs 2.7, 4.9 vs 1.9 s/GiB), and with 1 MiB reads through a public httpcore
``NetworkBackend`` in a custom transport 1.39x and 1.31x; the second run's wall time showed the
same order (2.16x and 1.16x; the first run's wall times were noise). 1 KiB downloads showed no
difference beyond the noise. So the path stays, but only where it was measured: ``ENABLED`` is
true only for the exact ``GATED_VERSIONS`` installed, and any other version, layout (HTTP/2, a
mock transport, trio, uvloop) or a ``Transfer-Encoding`` body falls back to ``iter_raw``.

h11 still parses the status line and headers and hands over any body bytes that came with
them; it is never told about the rest, so when the response is closed httpcore sees an
unfinished message and closes the connection rather than reusing it: one new connection per
large download.
"""

from __future__ import annotations

import contextlib
import select
import ssl
from collections.abc import Iterator
from importlib import metadata
from typing import Any, NamedTuple

import h11
import httpcore
import httpx

from attachkit.untrusted import parse_number

__all__ = [
    "DIRECT_BYTES",
    "ENABLED",
    "GATED_VERSIONS",
    "READ_SIZE",
    "Direct",
    "Ring",
    "direct_reader",
]

READ_SIZE = 1024 * 1024
# Over TLS a read returns one record (16 KiB at most) whatever it asks for, but a sync read of
# n bytes first allocates n: 1 MiB asked per 16 KiB record took 23 s of CPU and 900,000 page
# faults per GiB (scripts/bench --https, 64 MiB). So a TLS connection keeps reads this size.
TLS_READ_SIZE = 64 * 1024
# A body this large or smaller is read through httpx: the saving is per read, not per download.
DIRECT_BYTES = 4 * 1024 * 1024
GATED_VERSIONS = {"httpcore": "1.0.9", "h11": "0.16.0"}


def _versions_match() -> bool:
    try:
        return all(metadata.version(name) == wanted for name, wanted in GATED_VERSIONS.items())
    except metadata.PackageNotFoundError:
        return False


ENABLED = _versions_match()


def tune_read_size(response: httpx.Response) -> None:
    """Make the HTTP/1.1 connection under ``response`` read the socket 1 MiB at a time.

    The connection is found through the stream wrappers (httpx ``BoundSyncStream`` →
    ``ResponseStream`` → httpcore ``PoolByteStream`` → ``HTTP11ConnectionByteStream``) and only
    that instance is changed, so other httpx users in the process are unaffected. Under asyncio
    its transport gets a 1 MiB ``max_size`` too (httpcore ``AnyIOStream``, under the facades'
    bounded stream when there is one, → anyio ``SocketStream`` → asyncio transport).
    """
    connection = _find_connection(response.stream) if ENABLED else None
    if connection is None or _is_tls(getattr(connection, "_network_stream", None)):
        return
    connection.READ_NUM_BYTES = max(connection.READ_NUM_BYTES, READ_SIZE)
    network = getattr(connection, "_network_stream", None)
    # The facades' transport wraps each stream to bound an answer's reads (its `inner`).
    network = getattr(network, "inner", network)
    socket_stream = getattr(network, "_stream", None)
    transport: Any = getattr(socket_stream, "_transport", None)
    if isinstance(getattr(transport, "max_size", None), int):
        transport.max_size = max(transport.max_size, READ_SIZE)


def _is_tls(network: Any) -> bool:
    get_extra_info = getattr(network, "get_extra_info", None)
    return callable(get_extra_info) and get_extra_info("ssl_object") is not None


def _find_connection(stream: object) -> Any:
    node: Any = stream
    for _ in range(8):
        if isinstance(getattr(node, "READ_NUM_BYTES", None), int):
            return node
        inner = (
            getattr(node, name, None) for name in ("_stream", "_httpcore_stream", "_connection")
        )
        node = next((each for each in inner if each is not None), None)
        if node is None:
            return None
    return None


class Direct(NamedTuple):
    """What reading past h11 needs: the parser (for the bytes it holds) and the socket stream."""

    parser: Any  # h11.Connection
    network: Any  # httpcore NetworkStream or AsyncNetworkStream
    length: int
    timeout: float | None
    read_size: int  # READ_SIZE, or TLS_READ_SIZE over TLS

    def read_into(self, buffer: memoryview) -> int:
        """Fill ``buffer`` from a sync TLS socket with what has arrived (0 at EOF): one read,
        then more while the socket has bytes ready, so a chunk holds many 16 KiB records and
        the writer thread is handed one chunk per MiB, not one per record."""
        sock = self.network.get_extra_info("socket")
        with _socket_errors():
            sock.settimeout(self.timeout)  # as httpcore's own sync read does
            filled = int(sock.recv_into(buffer))
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            while 0 < filled < len(buffer) and (sock.pending() or poller.poll(0)):
                more = int(sock.recv_into(buffer[filled:]))
                if not more:
                    break
                filled += more
            return filled

    async def async_read_into(self, buffer: memoryview) -> int:
        """Fill ``buffer`` from the socket (the asyncio backend's stream); 0 at EOF."""
        inner = getattr(self.network, "inner", self.network)
        return int(await inner.read_into(buffer, self.timeout))

    @property
    def can_read_into(self) -> bool:
        """Whether the stream under the connection fills a caller's buffer: the asyncio
        backend's plain stream (``read_into``), or a sync TLS socket (``read_into`` above). A
        sync plain socket could too, but its 1 GiB download measured slower with reused
        buffers in three A/B runs of four (0.4 s more system time per GiB, cause not found),
        so it keeps fresh bytes."""
        inner = getattr(self.network, "inner", self.network)
        if callable(getattr(inner, "read_into", None)):
            return True
        if callable(getattr(inner, "aclose", None)):  # another async stream (anyio's, TLS)
            return False
        return isinstance(self.network.get_extra_info("socket"), ssl.SSLSocket)

    def buffered(self) -> Iterator[bytes]:
        """The body bytes h11 already holds (they came with the headers); ends at NEED_DATA."""
        while True:
            with read_errors():
                event = self.parser.next_event()
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif event is h11.NEED_DATA or isinstance(event, h11.EndOfMessage):
                return
            else:
                raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} in a body")


def direct_reader(response: httpx.Response) -> Direct | None:
    """How to read ``response``'s body past h11, or None to read it through httpx."""
    length = parse_number(response.headers.get("content-length"))
    if not ENABLED or length is None or length <= DIRECT_BYTES:
        return None
    # With Transfer-Encoding (chunked) h11 frames the body by its chunks whatever
    # Content-Length says; reading Content-Length raw bytes would keep the chunk framing.
    if "transfer-encoding" in response.headers:
        return None
    connection = _find_connection(response.stream)
    parser = getattr(connection, "_h11_state", None)
    network = getattr(connection, "_network_stream", None)
    if not isinstance(parser, h11.Connection) or parser.their_state is not h11.SEND_BODY:
        return None
    if not callable(getattr(network, "read", None)):
        return None
    timeout = response.request.extensions.get("timeout", {}).get("read")
    read_size = TLS_READ_SIZE if _is_tls(network) else READ_SIZE
    return Direct(parser, network, length, timeout, read_size)


class Ring:
    """Receive buffers used in turn, for a download whose bytes go to a sink, never to a caller.

    A fresh 1 MiB ``bytes`` per read is mapped, faulted in and freed again: a 1 GiB async
    download took 38,000-115,000 minor page faults that way and about 9,700 with this ring (most
    of them the interpreter's), and finished in 1.05-1.23 s against 1.27-1.28 s (A/B, medians of
    3-4 rotated rounds, ``scripts/bench`` faults/GiB). ``count`` must exceed
    the chunks the sink may still hold when handed the next one (``sinks.Writer.held_chunks``).
    """

    def __init__(self, count: int, size: int = READ_SIZE) -> None:
        self._buffers = [memoryview(bytearray(size)) for _ in range(count)]
        self._next = 0

    def next(self) -> memoryview:
        buffer = self._buffers[self._next]
        self._next = (self._next + 1) % len(self._buffers)
        return buffer


@contextlib.contextmanager
def _socket_errors() -> Iterator[None]:
    """A sync socket's failures as httpcore's own read raises them (``read_errors`` maps on)."""
    try:
        yield
    except TimeoutError as exc:
        raise httpcore.ReadTimeout(str(exc) or "timed out") from exc
    except OSError as exc:  # ssl.SSLError included
        raise httpcore.ReadError(str(exc) or type(exc).__name__) from exc


@contextlib.contextmanager
def read_errors() -> Iterator[None]:
    """What httpx's transport would have made of httpcore's errors, for the retry logic."""
    try:
        yield
    except httpcore.ReadTimeout as exc:
        raise httpx.ReadTimeout(str(exc)) from exc
    except (httpcore.ReadError, httpcore.NetworkError) as exc:
        raise httpx.ReadError(str(exc)) from exc
    except h11.RemoteProtocolError as exc:
        raise httpx.RemoteProtocolError(str(exc)) from exc


def short_body(received: int, length: int) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError(
        "peer closed connection without sending complete message body "
        f"(received {received} bytes, expected {length})"
    )
