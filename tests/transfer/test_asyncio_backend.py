"""The async facades' network backend (attachkit._transports.asyncio_backend): plain and TLS
connections on asyncio's own sockets, reused while alive, and httpcore's errors for failures."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from attachkit._async.transport import AsyncBoundedTransport
from attachkit._transports import connection_limits
from tests.hostile_server import HostileServer, head

BODY = b"attachkit over TLS\n"


@contextlib.contextmanager
def tls_server(
    tmp_path: Path, body: bytes = BODY
) -> Iterator[tuple[str, ssl.SSLContext, list[int]]]:
    """A keep-alive HTTPS server on 127.0.0.1 with a fresh self-signed certificate: its URL, a
    client context trusting only that certificate, and the number of requests per connection."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stopping = threading.Event()
    per_connection: list[int] = []

    def serve(raw: socket.socket) -> None:
        with contextlib.suppress(OSError), server_context.wrap_socket(raw, server_side=True) as tls:
            tls.settimeout(5)
            per_connection.append(0)
            buffered = b""
            while not stopping.is_set():
                while b"\r\n\r\n" not in buffered:
                    data = tls.recv(65536)
                    if not data:
                        return
                    buffered += data
                _, _, buffered = buffered.partition(b"\r\n\r\n")
                per_connection[-1] += 1
                tls.sendall(head("200 OK", content_length=len(body)) + body)

    def accept() -> None:
        threads = []
        while not stopping.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=serve, args=(raw,), daemon=True)
            threads.append(thread)
            thread.start()
        for thread in threads:
            thread.join(timeout=10)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    client_context = ssl.create_default_context(cafile=str(cert))
    try:
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/file.bin"
        yield url, client_context, per_connection
    finally:
        stopping.set()
        acceptor.join(timeout=10)
        listener.close()


def test_https_answers_come_over_one_reused_tls_connection(tmp_path: Path) -> None:
    async def main(url: str, context: ssl.SSLContext) -> list[bytes]:
        transport = AsyncBoundedTransport(connection_limits(4), ssl_context=context)
        async with httpx.AsyncClient(transport=transport) as client:
            return [(await client.get(url)).content for _ in range(3)]

    with tls_server(tmp_path) as (url, context, per_connection):
        assert asyncio.run(main(url, context)) == [BODY] * 3
    assert per_connection == [3]


def test_a_certificate_the_client_does_not_trust_is_a_connect_error(tmp_path: Path) -> None:
    async def main(url: str) -> None:
        transport = AsyncBoundedTransport(connection_limits(4))  # the system's roots only
        async with httpx.AsyncClient(transport=transport) as client:
            await client.get(url)

    with tls_server(tmp_path) as (url, _, _), pytest.raises(httpx.ConnectError):
        asyncio.run(main(url))


def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
    # Closed again: nothing listens on the port now.

    async def main() -> None:
        async with httpx.AsyncClient(
            transport=AsyncBoundedTransport(connection_limits(4))
        ) as client:
            await client.get(f"http://127.0.0.1:{port}/")

    with pytest.raises(httpx.ConnectError):
        asyncio.run(main())


def test_a_server_that_never_answers_is_a_read_timeout() -> None:
    stop = threading.Event()

    def silent(connection: socket.socket, request: bytes, number: int) -> None:
        stop.wait(5)

    async def main(url: str) -> None:
        async with httpx.AsyncClient(
            transport=AsyncBoundedTransport(connection_limits(4)), timeout=0.2
        ) as client:
            await client.get(url)

    with HostileServer(silent) as server:
        try:
            with pytest.raises(httpx.ReadTimeout):
                asyncio.run(main(server.url))
        finally:
            stop.set()


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    """The hostile server closes each connection after one answer; the second request must
    notice (httpcore asks the stream ``is_readable``) and open a new one, not fail."""

    def once(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(head("200 OK", content_length=2) + b"ok")

    async def main(url: str) -> list[bytes]:
        async with httpx.AsyncClient(
            transport=AsyncBoundedTransport(connection_limits(4))
        ) as client:
            first = (await client.get(url)).content
            await asyncio.sleep(0.1)  # the server's close arrives
            return [first, (await client.get(url)).content]

    with HostileServer(once) as server:
        assert asyncio.run(main(server.url)) == [b"ok", b"ok"]
        assert len(server.requests) == 2


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_large_body_over_tls_is_read_in_small_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, asynchronous: bool
) -> None:
    """A TLS read returns one record (16 KiB at most) whatever it asks for, and a sync read
    allocates what it asks for first: the read path past h11 (fast_read) keeps TLS reads at
    64 KiB instead of 1 MiB (which took 23 s of CPU per GiB in scripts/bench --https)."""
    from attachkit._transports import fast_read

    if not fast_read.ENABLED:
        pytest.skip("the read path is off outside its measured httpcore/h11 versions")
    monkeypatch.setattr(fast_read, "DIRECT_BYTES", 0)

    def sizes(response: httpx.Response) -> tuple[int, int]:
        fast_read.tune_read_size(response)
        direct = fast_read.direct_reader(response)
        assert direct is not None
        return direct.read_size, fast_read._find_connection(response.stream).READ_NUM_BYTES

    async def fetch_async(url: str, context: ssl.SSLContext) -> tuple[int, int]:
        transport = AsyncBoundedTransport(connection_limits(4), ssl_context=context)
        async with (
            httpx.AsyncClient(transport=transport) as client,
            client.stream("GET", url) as response,
        ):
            return sizes(response)

    with tls_server(tmp_path) as (url, context, _):
        if asynchronous:
            got = asyncio.run(fetch_async(url, context))
        else:
            with httpx.Client(verify=context) as client, client.stream("GET", url) as response:
                got = sizes(response)
    assert got == (fast_read.TLS_READ_SIZE, 64 * 1024)


def test_a_large_sync_download_over_tls_fills_reused_buffers_with_many_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over TLS each read returns one 16 KiB record; the sync read path past h11 gathers the
    records already arrived into one reused 1 MiB buffer (fast_read.Direct.read_into), so the
    writer thread is handed a few large chunks, not one per record (scripts/bench --https: 96
    against 487 MiB/s)."""
    from attachkit._transports import fast_read
    from attachkit.transfer import sinks
    from tests.engine import download

    if not fast_read.ENABLED:
        pytest.skip("the read path is off outside its measured httpcore/h11 versions")
    monkeypatch.setattr(fast_read, "DIRECT_BYTES", 0)
    monkeypatch.setattr(sinks, "_BACKGROUND_BYTES", 0)
    chunks: list[int] = []
    write = sinks.Writer.write

    def counting_write(self: sinks.Writer, chunk: sinks.Chunk) -> None:
        chunks.append(len(chunk))
        write(self, chunk)

    monkeypatch.setattr(sinks.Writer, "write", counting_write)
    body = bytes(range(256)) * 12 * 1024  # 3 MiB
    with tls_server(tmp_path, body) as (url, context, _), httpx.Client(verify=context) as client:
        got = download(client, httpx.Request("GET", url), tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == body and got.size == len(body)
    assert len(chunks) < len(body) // (16 * 1024) // 2  # far fewer chunks than records
