"""Downloads: streamed to disk atomically, resumed after cuts, verified, never clobbering files.

Each test starts a small HTTP server on 127.0.0.1 that can cut a body short, ignore Range,
change the file between requests or answer errors, and stops it afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib
import io
import os
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from attachkit.errors import (
    DestinationExistsError,
    IntegrityError,
    NotFoundError,
    ServerError,
    TransportError,
)
from attachkit.transfer import DownloadResult, RetryPolicy
from tests.engine import async_download, async_stream, download, stream

# The engine has no default error parser: a facade passes its service's, as these do.

CONTENT = bytes(range(256)) * 4096 + b"tail\r\n--+++end"  # ~1 MiB, not chunk-aligned


@attrs.define
class Behaviour:
    content: bytes = CONTENT
    etag: str | None = '"v1"'
    content_disposition: str | None = None
    cuts: list[int] = attrs.Factory(list)  # per request: send this many body bytes, then drop
    ignore_range: bool = False
    queued: list[tuple[int, dict[str, str], bytes]] = attrs.Factory(list)
    next_version: tuple[bytes, str] | None = None  # becomes current after the first cut
    lie_content_length: int | None = None
    requests: list[dict[str, str]] = attrs.Factory(list)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        b = self.server.behaviour
        b.requests.append({k.lower(): v for k, v in self.headers.items()})
        if b.queued:
            status, headers, body = b.queued.pop(0)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        content, etag = b.content, b.etag
        start = 0
        wanted = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if wanted and not b.ignore_range and if_range in (None, etag):
            start = int(wanted.split("=", 1)[1].split("-", 1)[0])
        body = content[start:]
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(content) - 1}/{len(content)}")
        length = b.lie_content_length if b.lie_content_length is not None else len(body)
        self.send_header("Content-Length", str(length))
        self.send_header("Content-Type", "application/octet-stream")
        if etag:
            self.send_header("ETag", etag)
        if b.content_disposition:
            self.send_header("Content-Disposition", b.content_disposition)
        self.end_headers()
        cut = b.cuts.pop(0) if b.cuts else None
        if cut is None:
            self.wfile.write(body)
            if length > len(body):
                self._drop()
            return
        self.wfile.write(body[:cut])
        self.wfile.flush()
        if b.next_version is not None:
            b.content, b.etag = b.next_version
            b.next_version = None
        self._drop()

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    behaviour: Behaviour

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early (the point of several tests) are not server bugs


@pytest.fixture
def server() -> Iterator[tuple[str, Behaviour]]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.behaviour = Behaviour()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/files/report.bin", srv.behaviour
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join()


def _policy(sleeps: list[float] | None = None, max_retries: int = 3) -> RetryPolicy:
    record = sleeps if sleeps is not None else []

    async def async_sleep(seconds: float) -> None:
        record.append(seconds)

    return RetryPolicy(
        max_retries=max_retries, sleep=record.append, async_sleep=async_sleep, random=lambda: 0.5
    )


_sinks = importlib.import_module("attachkit.transfer.sinks")
_fast_read = importlib.import_module("attachkit._transports.fast_read")


@pytest.fixture(params=["held body", "small body", "large body"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test three ways (the thresholds moved so the same file takes each path): held in
    memory and written when complete; written as it arrives; read from the socket past h11,
    hashed and written by the worker thread."""
    if request.param == "held body":
        monkeypatch.setattr(_sinks, "_HELD_BYTES", 2 * len(CONTENT))
    if request.param == "large body":
        monkeypatch.setattr(_fast_read, "DIRECT_BYTES", 0)
        monkeypatch.setattr(_sinks, "_BACKGROUND_BYTES", 0)
    return str(request.param)


def _saved(got: DownloadResult) -> bytes:
    """The bytes of the file a download to a path wrote."""
    assert got.path is not None
    return got.path.read_bytes()


def _get(url: str) -> httpx.Request:
    return httpx.Request("GET", url)


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


# --- happy paths ---------------------------------------------------------------------------


@pytest.mark.parametrize("held", [True, False], ids=["small: held", "large: written as it comes"])
def test_a_small_body_creates_its_file_only_when_complete(
    server: tuple[str, Behaviour], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: bool
) -> None:
    # One file creation, write and rename at the end; a large body goes to its temporary file
    # as it arrives.
    monkeypatch.setattr(_sinks, "_HELD_BYTES", 2 * len(CONTENT) if held else 1024)
    url, _ = server
    seen_during: list[list[str]] = []

    def progress(done: int, total: int | None) -> None:
        if 0 < done < len(CONTENT):
            seen_during.append([p.name for p in tmp_path.iterdir()])

    with httpx.Client() as client:
        got = download(client, _get(url), tmp_path / "a.bin", progress=progress, policy=_policy())
    assert _saved(got) == CONTENT
    assert seen_during
    if held:
        assert all(names == [] for names in seen_during)
    else:
        assert all(len(names) == 1 and names[0].endswith(".part") for names in seen_during)
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_download_to_path_returns_size_and_sha256(
    server: tuple[str, Behaviour], tmp_path: Path, engine: str
) -> None:
    url, _ = server
    calls: list[tuple[int, int | None]] = []
    with httpx.Client() as client:
        got = download(
            client,
            _get(url),
            tmp_path / "out.bin",
            progress=lambda d, t: calls.append((d, t)),
            checksum="sha256",
        )
    assert got.path == tmp_path / "out.bin"
    assert _saved(got) == CONTENT
    assert got.size == len(CONTENT)
    assert got.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert got.etag == '"v1"'
    assert calls[0] == (0, len(CONTENT))
    assert calls[-1] == (len(CONTENT), len(CONTENT))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert _leftovers(tmp_path) == []


def test_download_into_directory_uses_content_disposition(
    server: tuple[str, Behaviour], tmp_path: Path
) -> None:
    url, behaviour = server
    behaviour.content_disposition = (
        "attachment; filename=\"x.bin\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"
    )
    with httpx.Client() as client:
        got = download(client, _get(url), tmp_path)
    assert got.path == tmp_path / "résumé.pdf"
    assert _saved(got) == CONTENT


def test_directory_given_with_trailing_separator_is_created(
    server: tuple[str, Behaviour], tmp_path: Path
) -> None:
    url, _ = server
    with httpx.Client() as client:
        got = download(client, _get(url), f"{tmp_path}/new/dir/", fallback_filename="f.bin")
    assert got.path == tmp_path / "new" / "dir" / "f.bin"


def test_directory_given_with_trailing_separator_is_not_created_when_the_download_fails(
    tmp_path: Path,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error_code": "X.404", "error_msg": "no such file"})

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(NotFoundError),
    ):
        download(client, _get("http://t/f"), f"{tmp_path}/new/dir/")

    async def async_handler(request: httpx.Request) -> httpx.Response:
        return handler(request)

    async def main() -> None:
        transport = httpx.MockTransport(async_handler)
        async with httpx.AsyncClient(transport=transport) as client:
            with pytest.raises(NotFoundError):
                await async_download(client, _get("http://t/f"), f"{tmp_path}/new/dir/")

    asyncio.run(main())
    assert list(tmp_path.iterdir()) == []  # no empty new/ or new/dir/ left behind


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename=".."', "fallback.bin"),
        ('attachment; filename=".bashrc"', "bashrc"),
        ("attachment; filename*=UTF-8''..%2F..%2Fevil%0D%0Aname", "evilname"),
        ('attachment; filename="a/b\\\\c"', "c"),
        ('attachment; filename=""', "fallback.bin"),
        (None, "fallback.bin"),
    ],
)
def test_hostile_names_stay_inside_the_directory(
    server: tuple[str, Behaviour], tmp_path: Path, header: str, expected: str
) -> None:
    url, behaviour = server
    behaviour.content_disposition = header
    inner = tmp_path / "inner"
    inner.mkdir()
    with httpx.Client() as client:
        got = download(client, _get(url), inner, fallback_filename="fallback.bin")
    assert got.path == inner / expected
    assert sorted(p.name for p in inner.iterdir()) == [expected]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inner"]


def test_download_to_file_object(server: tuple[str, Behaviour], engine: str) -> None:
    url, _ = server
    sink = io.BytesIO()
    with httpx.Client() as client:
        got = download(client, _get(url), sink)
    assert got.path is None
    assert sink.getvalue() == CONTENT


def test_stream_yields_the_bytes(server: tuple[str, Behaviour]) -> None:
    url, _ = server
    with httpx.Client() as client, contextlib.closing(stream(client, _get(url))) as chunks:  # type: ignore[type-var]
        assert b"".join(chunks) == CONTENT


def test_download_asks_for_identity_encoding(server: tuple[str, Behaviour], tmp_path: Path) -> None:
    url, behaviour = server
    with httpx.Client() as client:
        download(client, _get(url), tmp_path / "x")
    assert behaviour.requests[0]["accept-encoding"] == "identity"


# --- resume, restart, integrity ------------------------------------------------------------


def test_resume_after_cut_uses_range_and_if_range(
    server: tuple[str, Behaviour], tmp_path: Path, engine: str
) -> None:
    url, behaviour = server
    behaviour.cuts = [100_000, 300_000]
    sleeps: list[float] = []
    with httpx.Client() as client:
        got = download(
            client, _get(url), tmp_path / "out.bin", policy=_policy(sleeps), checksum="sha256"
        )
    assert _saved(got) == CONTENT
    assert got.sha256 == hashlib.sha256(CONTENT).hexdigest()
    ranges = [(r.get("range"), r.get("if-range")) for r in behaviour.requests]
    assert ranges == [(None, None), ("bytes=100000-", '"v1"'), ("bytes=400000-", '"v1"')]
    assert len(sleeps) == 2
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("durable", [False, True], ids=["no fsync: on the loop", "fsync: off it"])
def test_async_commit_of_a_small_body_stays_on_the_loop_unless_it_fsyncs(
    server: tuple[str, Behaviour], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool
) -> None:
    """A held small body's commit (create, write, rename) costs less than a thread hop; an
    fsync can take any time, so a durable commit leaves the event loop's thread."""
    monkeypatch.setattr(_sinks, "_HELD_BYTES", 2 * len(CONTENT))
    url, _ = server
    threads: list[threading.Thread] = []
    commit = _sinks.FileSink.commit

    def recording_commit(self: Any) -> Path:
        threads.append(threading.current_thread())
        path: Path = commit(self)
        return path

    monkeypatch.setattr(_sinks.FileSink, "commit", recording_commit)

    async def main() -> DownloadResult:
        async with httpx.AsyncClient() as client:
            return await async_download(client, _get(url), tmp_path / "a.bin", durable=durable)

    assert _saved(asyncio.run(main())) == CONTENT
    assert len(threads) == 1
    assert (threads[0] is threading.main_thread()) is not durable


def test_async_resume_after_cut(server: tuple[str, Behaviour], tmp_path: Path, engine: str) -> None:
    url, behaviour = server
    behaviour.cuts = [12_345]

    async def main() -> DownloadResult:
        async with httpx.AsyncClient() as client:
            return await async_download(client, _get(url), tmp_path / "out.bin", policy=_policy())

    got = asyncio.run(main())
    assert _saved(got) == CONTENT
    assert behaviour.requests[1]["range"] == "bytes=12345-"
    assert _leftovers(tmp_path) == []


def test_changed_etag_restarts_from_zero(
    server: tuple[str, Behaviour], tmp_path: Path, engine: str
) -> None:
    url, behaviour = server
    new = b"new version " * 50_000
    behaviour.cuts = [200_000]
    behaviour.next_version = (new, '"v2"')
    calls: list[tuple[int, int | None]] = []
    with httpx.Client() as client:
        got = download(
            client,
            _get(url),
            tmp_path / "out.bin",
            policy=_policy(),
            progress=lambda d, t: calls.append((d, t)),
            checksum="sha256",
        )
    assert _saved(got) == new
    assert got.sha256 == hashlib.sha256(new).hexdigest()
    assert got.etag == '"v2"'
    assert (0, len(new)) in calls  # progress went back to zero when the file was replaced


def test_server_ignoring_range_restarts_from_zero(
    server: tuple[str, Behaviour], tmp_path: Path, engine: str
) -> None:
    url, behaviour = server
    behaviour.cuts = [50_000]
    behaviour.ignore_range = True
    with httpx.Client() as client:
        got = download(client, _get(url), tmp_path / "out.bin", policy=_policy())
    assert _saved(got) == CONTENT


def test_stream_skips_resent_prefix_when_server_ignores_range(
    server: tuple[str, Behaviour],
) -> None:
    url, behaviour = server
    behaviour.cuts = [70_000]
    behaviour.ignore_range = True
    with httpx.Client() as client:
        assert b"".join(stream(client, _get(url), policy=_policy())) == CONTENT


def test_async_stream_refuses_a_changed_file_after_yielding(server: tuple[str, Behaviour]) -> None:
    url, behaviour = server
    behaviour.cuts = [70_000]
    behaviour.next_version = (b"other" * 1000, '"v2"')

    async def main() -> bytes:
        async with httpx.AsyncClient() as client:
            return b"".join([c async for c in async_stream(client, _get(url), policy=_policy())])

    with pytest.raises(IntegrityError):
        asyncio.run(main())


def test_gives_up_after_the_retry_budget_and_leaves_nothing(
    server: tuple[str, Behaviour], tmp_path: Path, engine: str
) -> None:
    url, behaviour = server
    behaviour.cuts = [0, 0, 0, 0, 0]  # no progress at all: every attempt counts
    with httpx.Client() as client, pytest.raises(TransportError):
        download(client, _get(url), tmp_path / "out.bin", policy=_policy(max_retries=2))
    assert list(tmp_path.iterdir()) == []
    assert len(behaviour.requests) == 3


def test_cuts_that_make_progress_do_not_exhaust_the_budget(
    server: tuple[str, Behaviour], tmp_path: Path, engine: str
) -> None:
    url, behaviour = server
    behaviour.cuts = [100_000] * 8
    with httpx.Client() as client:
        got = download(client, _get(url), tmp_path / "out.bin", policy=_policy(max_retries=1))
    assert _saved(got) == CONTENT


def test_short_body_is_an_integrity_error_and_leaves_no_file(
    server: tuple[str, Behaviour], tmp_path: Path, engine: str
) -> None:
    url, behaviour = server
    # Announced more than is sent, and no retries: the size check must catch it.
    behaviour.lie_content_length = len(CONTENT) + 10
    with httpx.Client() as client, pytest.raises((IntegrityError, TransportError)):
        download(client, _get(url), tmp_path / "out.bin", policy=_policy(max_retries=0))
    assert list(tmp_path.iterdir()) == []


def test_content_range_total_mismatch_is_an_integrity_error(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(206, headers={"Content-Range": "bytes 0-9/20"}, content=b"0123456789")

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(IntegrityError),
    ):
        download(client, _get("http://test/x"), tmp_path / "out.bin", policy=_policy(max_retries=0))
    assert list(tmp_path.iterdir()) == []


# --- overwrite protection --------------------------------------------------------------------


def test_existing_file_is_refused_before_sending(
    server: tuple[str, Behaviour], tmp_path: Path
) -> None:
    url, behaviour = server
    target = tmp_path / "out.bin"
    target.write_bytes(b"precious")
    with httpx.Client() as client, pytest.raises(DestinationExistsError):
        download(client, _get(url), target)
    assert behaviour.requests == []
    assert target.read_bytes() == b"precious"


def test_existing_file_from_content_disposition_is_refused(
    server: tuple[str, Behaviour], tmp_path: Path
) -> None:
    url, behaviour = server
    behaviour.content_disposition = 'attachment; filename="keep.txt"'
    (tmp_path / "keep.txt").write_bytes(b"precious")
    with httpx.Client() as client, pytest.raises(DestinationExistsError):
        download(client, _get(url), tmp_path)
    assert (tmp_path / "keep.txt").read_bytes() == b"precious"
    assert _leftovers(tmp_path) == []


def test_file_appearing_during_download_is_not_replaced(
    server: tuple[str, Behaviour], tmp_path: Path
) -> None:
    url, _ = server
    target = tmp_path / "out.bin"

    def sneak_in(done: int, total: int | None) -> None:
        if done == total and not target.exists():
            target.write_bytes(b"arrived meanwhile")

    with httpx.Client() as client, pytest.raises(DestinationExistsError):
        download(client, _get(url), target, progress=sneak_in)
    assert target.read_bytes() == b"arrived meanwhile"
    assert _leftovers(tmp_path) == []


def test_overwrite_true_replaces(server: tuple[str, Behaviour], tmp_path: Path) -> None:
    url, _ = server
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with httpx.Client() as client:
        download(client, _get(url), target, overwrite=True)
    assert target.read_bytes() == CONTENT


# --- error statuses ----------------------------------------------------------------------------


def test_503_with_retry_after_is_retried(server: tuple[str, Behaviour], tmp_path: Path) -> None:
    url, behaviour = server
    behaviour.queued = [(503, {"Retry-After": "7"}, b"busy"), (429, {"Retry-After": "2"}, b"")]
    sleeps: list[float] = []
    with httpx.Client() as client:
        got = download(client, _get(url), tmp_path / "out.bin", policy=_policy(sleeps))
    assert got.size == len(CONTENT)
    assert sleeps == [7.0, 2.0]


def test_404_raises_parsed_api_error_without_retry_and_leaves_nothing(
    server: tuple[str, Behaviour], tmp_path: Path
) -> None:
    url, behaviour = server
    body = b'{"error_code": "PM.02177002", "error_msg": "attachment not found"}'
    behaviour.queued = [(404, {"X-Request-Id": "req-42", "Content-Type": "application/json"}, body)]
    with httpx.Client() as client, pytest.raises(NotFoundError) as info:
        download(
            client,
            _get(url),
            tmp_path / "out.bin",
            service="codearts_req",
            operation="scrum.download",
        )
    err = info.value
    assert (err.status, err.error_code, err.error_msg, err.request_id) == (
        404,
        "PM.02177002",
        "attachment not found",
        "req-42",
    )
    assert err.operation == "scrum.download"
    assert list(tmp_path.iterdir()) == []
    assert len(behaviour.requests) == 1


def test_persistent_503_raises_server_error(server: tuple[str, Behaviour], tmp_path: Path) -> None:
    url, behaviour = server
    behaviour.queued = [(503, {}, b"down")] * 3
    with httpx.Client() as client, pytest.raises(ServerError):
        download(client, _get(url), tmp_path / "out.bin", policy=_policy(max_retries=2))
    assert list(tmp_path.iterdir()) == []


def test_async_errors_leave_no_partial_file(
    server: tuple[str, Behaviour], tmp_path: Path, engine: str
) -> None:
    url, behaviour = server
    behaviour.cuts = [500_000]

    async def main() -> None:
        async with httpx.AsyncClient() as client:
            await async_download(client, _get(url), tmp_path / "o", policy=_policy(max_retries=0))

    with pytest.raises(TransportError):
        asyncio.run(main())
    assert list(tmp_path.iterdir()) == []


def test_interrupted_by_caller_leaves_no_partial_file(
    server: tuple[str, Behaviour], tmp_path: Path, engine: str
) -> None:
    url, _ = server

    def stop(done: int, total: int | None) -> None:
        if done > 0:
            raise KeyboardInterrupt

    with httpx.Client() as client, pytest.raises(KeyboardInterrupt):
        download(client, _get(url), tmp_path / "o", progress=stop)
    assert list(tmp_path.iterdir()) == []


def _failing_after(calls: int) -> Callable[[Any, bytes], None]:
    real = _sinks.FileSink.write
    seen = [0]

    def write(self: Any, chunk: bytes) -> None:
        seen[0] += 1
        if seen[0] > calls:
            raise OSError(28, "No space left on device")
        real(self, chunk)

    return write


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "attachkit-download"]


def test_a_failed_write_in_the_worker_is_raised_and_leaves_no_file(
    server: tuple[str, Behaviour], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, behaviour = server
    behaviour.content = CONTENT * 6  # ~6 MiB: over the threshold, so the worker thread writes
    monkeypatch.setattr(_sinks.FileSink, "write", _failing_after(1))
    with httpx.Client() as client, pytest.raises(OSError, match="No space left"):
        download(client, _get(url), tmp_path / "out.bin")
    assert list(tmp_path.iterdir()) == []
    assert _workers() == []


def test_async_worker_failure_is_raised_and_leaves_no_file(
    server: tuple[str, Behaviour], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, behaviour = server
    behaviour.content = CONTENT * 6
    monkeypatch.setattr(_sinks.FileSink, "write", _failing_after(2))

    async def main() -> None:
        async with httpx.AsyncClient() as client:
            await async_download(client, _get(url), tmp_path / "out.bin")

    with pytest.raises(OSError, match="No space left"):
        asyncio.run(main())
    assert list(tmp_path.iterdir()) == []
    assert _workers() == []


def test_large_body_resumes_with_the_worker_and_hashes_every_byte(
    server: tuple[str, Behaviour], tmp_path: Path
) -> None:
    url, behaviour = server
    behaviour.content = content = os.urandom(9 * 1024 * 1024 + 7)
    behaviour.cuts = [5 * 1024 * 1024 + 3]
    calls: list[int] = []
    with httpx.Client() as client:
        got = download(
            client,
            _get(url),
            tmp_path / "out.bin",
            policy=_policy(),
            progress=lambda d, t: calls.append(d),
            checksum="sha256",
        )
    assert _saved(got) == content
    assert got.sha256 == hashlib.sha256(content).hexdigest()
    assert behaviour.requests[1]["range"] == f"bytes={5 * 1024 * 1024 + 3}-"
    assert calls[-1] == len(content) and calls == sorted(calls)
    assert _leftovers(tmp_path) == [] and _workers() == []


# --- performance plumbing --------------------------------------------------------------------


def test_connection_read_size_is_raised_for_downloads_only(server: tuple[str, Behaviour]) -> None:
    url, _ = server
    import httpcore

    with httpx.Client() as client, client.stream("GET", url) as response:
        _fast_read.tune_read_size(response)
        node = response.stream._stream._httpcore_stream._stream._connection  # type: ignore[union-attr]
        assert node.READ_NUM_BYTES == 1024 * 1024
        response.read()
    assert httpcore._sync.http11.HTTP11Connection.READ_NUM_BYTES == 64 * 1024


@pytest.mark.skipif(not _fast_read.ENABLED, reason="the gated httpcore/h11 versions only")
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_large_body_is_really_read_past_h11(
    server: tuple[str, Behaviour],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    asynchronous: bool,
) -> None:
    url, behaviour = server
    behaviour.content = content = os.urandom(_fast_read.DIRECT_BYTES + 12345)
    taken: list[int] = []
    real = _fast_read.direct_reader

    def spy(response: httpx.Response) -> Any:
        direct = real(response)
        taken.append(0 if direct is None else direct.length)
        return direct

    monkeypatch.setattr(_fast_read, "direct_reader", spy)

    async def fetch_async() -> DownloadResult:
        async with httpx.AsyncClient() as client:
            return await async_download(client, _get(url), tmp_path / "out.bin", checksum="sha256")

    if asynchronous:
        got = asyncio.run(fetch_async())
    else:
        with httpx.Client() as client:
            got = download(client, _get(url), tmp_path / "out.bin", checksum="sha256")
    assert taken == [len(content)]
    assert got.sha256 == hashlib.sha256(content).hexdigest()


def test_other_httpcore_or_h11_versions_read_through_httpx(
    server: tuple[str, Behaviour], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version gate: off, no private attribute is touched and the bytes still arrive."""
    url, behaviour = server
    behaviour.content = content = os.urandom(_fast_read.DIRECT_BYTES + 12345)
    monkeypatch.setattr(_fast_read, "ENABLED", False)
    monkeypatch.setattr(_fast_read, "_find_connection", None)  # would raise if called
    with httpx.Client() as client:
        got = download(client, _get(url), tmp_path / "out.bin")
    assert _saved(got) == content


def test_temp_file_is_hidden_beside_the_target(
    server: tuple[str, Behaviour], tmp_path: Path
) -> None:
    url, _ = server
    seen: list[list[str]] = []

    def look(done: int, total: int | None) -> None:
        if done and not seen:
            seen.append(os.listdir(tmp_path))

    with httpx.Client() as client:
        download(client, _get(url), tmp_path / "out.bin", progress=look)
    [names] = seen
    assert len(names) == 1 and names[0].startswith(".out.bin.") and names[0].endswith(".part")


def test_async_connection_and_event_loop_transport_read_1_mib(
    server: tuple[str, Behaviour],
) -> None:
    url, _ = server

    async def main() -> tuple[int, int]:
        async with httpx.AsyncClient() as client, client.stream("GET", url) as response:
            _fast_read.tune_read_size(response)
            conn = response.stream._stream._httpcore_stream._stream._connection  # type: ignore[union-attr]
            transport = conn._network_stream._stream._transport
            await response.aread()
            return conn.READ_NUM_BYTES, transport.max_size

    assert asyncio.run(main()) == (1024 * 1024, 1024 * 1024)


def test_chunked_body_with_a_content_length_is_framed_by_its_chunks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A server (or proxy) that sends both Transfer-Encoding: chunked and Content-Length: the
    body is the chunks' data, never the raw bytes with their framing, on every read path."""
    monkeypatch.setattr(_fast_read, "DIRECT_BYTES", 0)
    body = os.urandom(3 * 1024 * 1024)  # more than one read: most of it past h11
    chunked = (
        b"".join(
            b"%x\r\n%s\r\n" % (len(body[i : i + 4096]), body[i : i + 4096])
            for i in range(0, len(body), 4096)
        )
        + b"0\r\n\r\n"
    )
    head = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    )
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_once() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(head + chunked)

    thread = threading.Thread(target=answer_once, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/file"
        with httpx.Client() as client:
            got = download(
                client,
                _get(url),
                tmp_path / "out.bin",
                policy=_policy(max_retries=0),
                checksum="sha256",
            )
    finally:
        thread.join(timeout=10)
        listener.close()
    assert (tmp_path / "out.bin").read_bytes() == body
    assert got.sha256 == hashlib.sha256(body).hexdigest()


# --- durability and checksum are opt-in ------------------------------------------------------


def _record_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which descriptors get fsynced: "file" or "dir" (by what they point at)."""
    calls: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        calls.append("dir" if os.path.isdir(f"/proc/self/fd/{fd}") else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "fdatasync", fsync, raising=False)
    return calls


def test_by_default_a_download_is_neither_fsynced_nor_hashed(
    server: tuple[str, Behaviour], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = server
    calls = _record_fsyncs(monkeypatch)
    with httpx.Client() as client:
        got = download(client, _get(url), tmp_path / "out.bin")
    assert got.sha256 is None
    assert calls == []
    assert _saved(got) == CONTENT


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_durable_fsyncs_the_file_and_its_directory(
    server: tuple[str, Behaviour],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    asynchronous: bool,
) -> None:
    url, _ = server
    calls = _record_fsyncs(monkeypatch)

    async def fetch_async() -> None:
        async with httpx.AsyncClient() as client:
            await async_download(client, _get(url), tmp_path / "out.bin", durable=True)

    if asynchronous:
        asyncio.run(fetch_async())
    else:
        with httpx.Client() as client:
            download(client, _get(url), tmp_path / "out.bin", durable=True)
    assert calls[-2:] == ["file", "dir"]


def test_checksum_sha256_hashes_every_byte_async(
    server: tuple[str, Behaviour], tmp_path: Path, engine: str
) -> None:
    url, behaviour = server
    behaviour.cuts = [300_000]

    async def main() -> DownloadResult:
        async with httpx.AsyncClient() as client:
            return await async_download(
                client, _get(url), tmp_path / "out.bin", policy=_policy(), checksum="sha256"
            )

    assert asyncio.run(main()).sha256 == hashlib.sha256(CONTENT).hexdigest()


def test_an_unknown_checksum_is_refused_before_sending(
    server: tuple[str, Behaviour], tmp_path: Path
) -> None:
    url, behaviour = server
    with httpx.Client() as client, pytest.raises(ValueError, match="checksum"):
        download(client, _get(url), tmp_path / "out.bin", checksum="md5")
    assert behaviour.requests == [] and list(tmp_path.iterdir()) == []


# --- a large body's reused receive buffers (fast_read.Ring) ------------------------------------


@pytest.fixture
def small_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The direct path with 4 KiB reads (hundreds of turns of the ring while the worker thread
    hashes and writes behind); the number of rings made is recorded."""
    if not _fast_read.ENABLED:
        pytest.skip("the direct read path is off outside its measured httpcore/h11 versions")
    monkeypatch.setattr(_fast_read, "DIRECT_BYTES", 0)
    monkeypatch.setattr(_fast_read, "READ_SIZE", 4096)
    monkeypatch.setattr(_sinks, "_BACKGROUND_BYTES", 0)
    rings: list[int] = []
    ring_init = _fast_read.Ring.__init__

    def counting_init(self: Any, count: int, size: int = 4096) -> None:
        rings.append(count)
        ring_init(self, count, size)

    monkeypatch.setattr(_fast_read.Ring, "__init__", counting_init)
    return rings


@pytest.mark.parametrize(
    "asynchronous", [False, True], ids=["sync: fresh bytes", "async: reused buffers"]
)
def test_a_large_body_read_into_reused_buffers_is_written_whole(
    server: tuple[str, Behaviour], tmp_path: Path, small_reads: list[int], asynchronous: bool
) -> None:
    from attachkit._async.transport import AsyncBoundedTransport
    from attachkit._transports import connection_limits

    url, behaviour = server
    behaviour.cuts = [300_001]  # and resumed: the ring goes on across attempts

    async def fetch_async() -> DownloadResult:
        transport = AsyncBoundedTransport(connection_limits(4))  # the facades' backend
        async with httpx.AsyncClient(transport=transport) as client:
            return await async_download(
                client, _get(url), tmp_path / "a.bin", checksum="sha256", policy=_policy()
            )

    if asynchronous:
        got = asyncio.run(fetch_async())
    else:
        with httpx.Client() as client:
            got = download(
                client, _get(url), tmp_path / "a.bin", checksum="sha256", policy=_policy()
            )
    assert _saved(got) == CONTENT
    assert got.sha256 == hashlib.sha256(CONTENT).hexdigest()
    if asynchronous:
        assert small_reads and all(count > 4 for count in small_reads)  # queue + worker + one
    else:
        assert small_reads == []  # measured slower with the sync client's socket


def test_a_callers_file_object_never_gets_a_reused_buffer(
    server: tuple[str, Behaviour], small_reads: list[int]
) -> None:
    """A file object may keep what it is given (this one keeps every chunk): its chunks are
    fresh bytes, never views of a buffer the next read overwrites."""
    url, _ = server

    class Keeper(io.RawIOBase):
        def __init__(self) -> None:
            self.kept: list[Any] = []

        def writable(self) -> bool:
            return True

        def write(self, chunk: Any) -> int:
            self.kept.append(chunk)
            return len(chunk)

    from attachkit._async.transport import AsyncBoundedTransport
    from attachkit._transports import connection_limits

    keeper = Keeper()

    async def main() -> None:
        transport = AsyncBoundedTransport(connection_limits(4))  # the facades' backend
        async with httpx.AsyncClient(transport=transport) as client:
            await async_download(client, _get(url), keeper, policy=_policy())

    asyncio.run(main())
    assert b"".join(bytes(chunk) for chunk in keeper.kept) == CONTENT
    assert small_reads == []
