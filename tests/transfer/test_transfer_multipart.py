"""Upload bodies: exact bytes, exact length, random boundary, safe names, replay rules."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import io
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, cast

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from attachkit._async.multipart import AsyncBodyStream
from attachkit._async.retry import async_send_with_retries
from attachkit._sync.multipart import BodyStream
from attachkit._sync.retry import send_with_retries
from attachkit.errors import BodyNotReplayableError, IntegrityError, TransportError
from attachkit.transfer import MultipartFile, RetryPolicy
from attachkit.transfer.multipart import quote_filename

TRICKY = b"head\r\n--+++\r\n--+++--\r\nContent-Disposition: form-data\r\n\r\n\x00\xff" * 1000


def _parse(content_type: str, body: bytes) -> tuple[dict[str, str], bytes]:
    """Parse a one-part form with the standard library's MIME parser, independent of ours."""
    raw = f"Content-Type: {content_type}\r\n\r\n".encode() + body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    [part] = list(message.iter_parts())
    headers = {k.lower(): str(v) for k, v in part.items()}
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return headers, payload


def _capture_sync(body: MultipartFile) -> tuple[httpx.Request, bytes]:
    seen: list[tuple[httpx.Request, bytes]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request, request.read()))
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        client.post("http://test/upload", content=BodyStream(body), headers=body.headers)
    return seen[0]


def test_tricky_bytes_round_trip_with_exact_length(tmp_path: Path) -> None:
    path = tmp_path / "evil.bin"
    path.write_bytes(TRICKY)
    body = MultipartFile("attachment", path, chunk_size=1000)
    request, sent = _capture_sync(body)
    assert int(request.headers["content-length"]) == len(sent) == body.content_length
    assert "transfer-encoding" not in request.headers
    headers, payload = _parse(request.headers["content-type"], sent)
    assert payload == TRICKY
    assert headers["content-disposition"] == 'form-data; name="attachment"; filename="evil.bin"'
    assert headers["content-type"] == "application/octet-stream"


def test_round_trip_over_a_real_socket(tmp_path: Path) -> None:
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append((dict(self.headers), self.rfile.read(length)))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        data = TRICKY * 5  # about 270 KiB, sent in many 4 KiB chunks
        path = tmp_path / "report.pdf"
        path.write_bytes(data)
        body = MultipartFile("file", path, chunk_size=4096)
        url = f"http://127.0.0.1:{server.server_address[1]}/upload"
        with httpx.Client() as client:
            response = client.post(url, content=BodyStream(body), headers=body.headers)
        assert response.status_code == 201
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    [(headers, raw)] = received
    assert int(headers["Content-Length"]) == len(raw) == body.content_length
    part_headers, payload = _parse(headers["Content-Type"], raw)
    assert payload == data
    assert part_headers["content-type"] == "application/pdf"


def test_async_stream_gives_the_same_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(TRICKY)
    body = MultipartFile("file", path, chunk_size=7777)
    sync_bytes = b"".join(BodyStream(body))

    async def collect() -> bytes:
        seen: list[bytes] = []

        async def handler(request: httpx.Request) -> httpx.Response:
            seen.append(await request.aread())
            return httpx.Response(200)

        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            await client.post("http://test/u", content=AsyncBodyStream(body), headers=body.headers)
        return seen[0]

    async_bytes = asyncio.run(collect())
    assert async_bytes == sync_bytes
    assert _parse(body.content_type, async_bytes)[1] == TRICKY


@pytest.mark.parametrize(
    "make_source",
    [
        lambda p: p,
        lambda p: str(p),
        lambda p: p.read_bytes(),
        lambda p: io.BytesIO(p.read_bytes()),
        lambda p: open(p, "rb"),  # noqa: SIM115
    ],
    ids=["path", "str", "bytes", "bytesio", "file"],
)
def test_every_source_kind_gives_the_same_payload(
    tmp_path: Path, make_source: Callable[[Path], Any]
) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(TRICKY)
    source = make_source(path)
    body = MultipartFile("attachment", source, filename="x.txt")
    sent = b"".join(BodyStream(body))
    assert len(sent) == body.content_length
    assert _parse(body.content_type, sent)[1] == TRICKY
    assert body.replayable
    assert b"".join(BodyStream(body)) == sent  # replays from the start
    if hasattr(source, "close"):
        source.close()


def test_file_object_is_read_from_its_current_position() -> None:
    source = io.BytesIO(b"skip-me|payload")
    source.seek(8)
    body = MultipartFile("file", source, filename="p.bin")
    assert body.size == 7
    assert _parse(body.content_type, b"".join(BodyStream(body)))[1] == b"payload"
    assert _parse(body.content_type, b"".join(BodyStream(body)))[1] == b"payload"


class _Pipe(io.RawIOBase):
    """A non-seekable reader, like a pipe or a socket."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:  # a writable buffer, as io.RawIOBase's
        chunk = self._data.read(min(len(buffer), 1000))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _pipe(data: bytes) -> BinaryIO:
    return cast(BinaryIO, _Pipe(data))


def test_non_seekable_source_needs_a_size_and_is_not_replayable() -> None:
    with pytest.raises(ValueError, match="size="):
        MultipartFile("file", _pipe(b"abc"))
    body = MultipartFile("file", _pipe(TRICKY), size=len(TRICKY), filename="p")
    assert not body.replayable
    assert _parse(body.content_type, b"".join(BodyStream(body)))[1] == TRICKY
    with pytest.raises(BodyNotReplayableError, match="non-seekable"):
        b"".join(BodyStream(body))


def test_source_shorter_than_promised_fails_instead_of_sending_a_wrong_body() -> None:
    body = MultipartFile("file", _pipe(b"short"), size=10, filename="p")
    with pytest.raises(IntegrityError):
        b"".join(BodyStream(body))


def test_non_replayable_upload_is_not_retried() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("refused")

    body = MultipartFile("file", _pipe(b"data"), size=4, filename="p")
    policy = RetryPolicy(sleep=lambda s: None)
    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(TransportError),
    ):
        send_with_retries(
            client,
            lambda: client.build_request(
                "POST", "http://t/u", content=BodyStream(body), headers=body.headers
            ),
            policy,
            idempotent=False,
            replayable=body.replayable,
        )
    assert calls == 1


def test_replayable_upload_is_resent_whole_after_503() -> None:
    bodies: list[bytes] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(await request.aread())
        return httpx.Response(503 if len(bodies) == 1 else 201, headers={"Retry-After": "1"})

    body = MultipartFile("file", TRICKY, filename="t.bin")

    async def no_sleep(seconds: float) -> None:
        pass

    async def main() -> int:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            response = await async_send_with_retries(
                client,
                lambda: client.build_request(
                    "POST", "http://t/u", content=AsyncBodyStream(body), headers=body.headers
                ),
                RetryPolicy(async_sleep=no_sleep),
                idempotent=False,
                replayable=body.replayable,
            )
            return response.status_code

    assert asyncio.run(main()) == 201
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    assert _parse(body.content_type, bodies[1])[1] == TRICKY


def test_progress_counts_file_bytes_only(tmp_path: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    body = MultipartFile(
        "file",
        b"x" * 2500,
        filename="x",
        chunk_size=1000,
        progress=lambda d, t: calls.append((d, t)),
    )
    b"".join(BodyStream(body))
    assert calls == [(0, 2500), (1000, 2500), (2000, 2500), (2500, 2500)]


def test_boundary_is_random_and_absent_from_the_preamble_name() -> None:
    a = MultipartFile("file", b"", filename="x")
    b = MultipartFile("file", b"", filename="x")
    assert a.boundary != b.boundary and len(a.boundary) >= 32
    assert a.content_length == len(b"".join(BodyStream(a)))


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ('a"b.txt', "a%22b.txt"),
        ("evil\r\nX-Injected: 1.txt", "evil%0D%0AX-Injected: 1.txt"),
        ("back\\slash", "back\\\\slash"),
        ("résumé 报告.pdf", "résumé 报告.pdf"),
        ("tab\there\x00\x7f", "tab%09here%00%7F"),
    ],
)
def test_filenames_cannot_break_the_part_headers(name: str, quoted: str) -> None:
    assert quote_filename(name) == quoted
    body = MultipartFile("file", b"data", filename=name)
    sent = b"".join(BodyStream(body))
    head = sent.split(b"\r\n\r\n", 1)[0]
    assert head.count(b"\r\n") == 2  # boundary, Content-Disposition, Content-Type: nothing more
    assert f'filename="{quoted}"'.encode() in head
    assert _parse(body.content_type, sent)[1] == b"data"


def test_bad_field_name_or_content_type_is_refused() -> None:
    with pytest.raises(ValueError):
        MultipartFile('fi"le', b"x")
    with pytest.raises(ValueError):
        MultipartFile("file", b"x", content_type="text/plain\r\nX: y")


@given(st.binary(max_size=3000), st.text(max_size=40), st.integers(1, 700))
def test_any_bytes_and_name_round_trip(data: bytes, name: str, chunk: int) -> None:
    body = MultipartFile("attachment", data, filename=name, chunk_size=chunk)
    sent = b"".join(BodyStream(body))
    assert len(sent) == body.content_length
    assert _parse(body.content_type, sent)[1] == data


def _chunks(body: MultipartFile) -> Iterator[bytes]:
    return iter(BodyStream(body))


def test_chunks_are_large_and_never_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"\0" * (3 * 1024 * 1024 + 5))
    sizes = [len(c) for c in _chunks(MultipartFile("file", path))]
    assert max(sizes) == 1024 * 1024
    assert sum(sizes[1:-1]) == 3 * 1024 * 1024 + 5


def test_bytearray_and_memoryview_are_read_in_place_and_sent_byte_for_byte() -> None:
    import array

    big = bytearray(TRICKY * 50)
    body = MultipartFile("file", big, filename="b.bin", chunk_size=4096)
    # The buffer is not copied whole: the body holds a read-only view of the caller's memory.
    assert isinstance(body.data, memoryview)
    assert body.data.readonly and body.data.obj is big
    request, sent = _capture_sync(body)
    assert int(request.headers["content-length"]) == len(sent) == body.content_length
    assert _parse(body.content_type, sent)[1] == bytes(big)
    again = b"".join(BodyStream(body))  # replayable, from the first byte
    assert _parse(body.content_type, again)[1] == bytes(big)

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in AsyncBodyStream(body)])

    assert _parse(body.content_type, asyncio.run(collect()))[1] == bytes(big)

    numbers = array.array("i", range(1000))  # not a byte format: sent as its raw bytes
    for source in (memoryview(big)[10:20_010], memoryview(numbers), memoryview(big)[::3]):
        body = MultipartFile("file", source, filename="v.bin", chunk_size=777)
        assert body.size == source.nbytes
        assert _parse(body.content_type, b"".join(BodyStream(body)))[1] == source.tobytes()

    plain = bytes(TRICKY)
    body = MultipartFile("file", plain, filename="p.bin")
    assert body.data is plain  # bytes are kept as they are
