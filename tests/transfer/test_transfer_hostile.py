"""The client's bounds against hostile or broken servers (issue 14): every loop ends.

Each case runs against ``HostileServer`` (tests/hostile_server.py): 127.0.0.1 only, a bounded
number of connections, bounded bytes per answer, stopped when the test ends.
"""

from __future__ import annotations

import asyncio
import errno
import importlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import BinaryIO

import httpx
import pytest

from attachkit import Credentials
from attachkit.errors import (
    IntegrityError,
    LocalFileError,
    ResponseTooLargeError,
    TimeoutError,
    TransportError,
)
from attachkit.facades import CodeArtsReq
from attachkit.transfer import LowSpeedLimit, RetryPolicy
from attachkit.transfer.partials import list_partials, remove_partials
from tests.engine import async_download, async_stream, download, stream
from tests.hostile_server import Answer, HostileServer, head

pytestmark = pytest.mark.timeout(60)

LENGTH = 100_000
CUT = 30_000
BODY = bytes(range(256)) * (LENGTH // 256 + 1)


def _policy(max_retries: int = 3) -> RetryPolicy:
    async def no_wait(seconds: float) -> None:
        pass

    return RetryPolicy(max_retries=max_retries, sleep=lambda s: None, async_sleep=no_wait)


def _get(url: str) -> httpx.Request:
    return httpx.Request("GET", url)


def _cut_every_time(connection: socket.socket, request: bytes, number: int) -> None:
    """Ignores Range: always 200, the whole length announced, the same prefix sent, then cut."""
    connection.sendall(head("200 OK", content_length=LENGTH, etag='"v1"') + BODY[:CUT])


def _bad_206(connection: socket.socket, request: bytes, number: int) -> None:
    """A Range request gets a 206 that starts at 0 whatever was asked; the rest is cut too."""
    if b"range:" in request.lower():
        wrong = f"bytes 0-{LENGTH - 1}/{LENGTH}"
        answer = head("206 Partial Content", content_length=LENGTH, content_range=wrong)
        connection.sendall(answer + BODY[:CUT])
    else:
        _cut_every_time(connection, request, number)


def _make_stall(stop: threading.Event) -> Answer:
    def stall(connection: socket.socket, request: bytes, number: int) -> None:
        """The same prefix every time, then silence (never more than 5 s)."""
        connection.sendall(head("200 OK", content_length=LENGTH, etag='"v1"') + BODY[:CUT])
        stop.wait(5)

    return stall


def _assert_bounded(server: HostileServer, max_retries: int) -> None:
    # The first request, then at most one retry per failure the budget allows, plus the one
    # attempt that delivered the prefix for the first time and so counted as progress.
    assert len(server.requests) <= max_retries + 2, len(server.requests)


@pytest.mark.parametrize("answer", [_cut_every_time, _bad_206], ids=["cut", "bad-206"])
def test_a_server_that_cuts_at_the_same_offset_does_not_loop_forever(
    answer: Answer, tmp_path: Path
) -> None:
    with HostileServer(answer) as server, httpx.Client() as client:
        with pytest.raises(TransportError):
            download(client, _get(server.url), tmp_path / "out.bin", policy=_policy())
        _assert_bounded(server, 3)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("answer", [_cut_every_time, _bad_206], ids=["cut", "bad-206"])
def test_async_download_from_a_server_that_cuts_at_the_same_offset_ends(
    answer: Answer, tmp_path: Path
) -> None:
    async def main(server: HostileServer) -> None:
        async with httpx.AsyncClient() as client:
            await async_download(client, _get(server.url), tmp_path / "out.bin", policy=_policy())

    with HostileServer(answer) as server:
        with pytest.raises(TransportError):
            asyncio.run(main(server))
        _assert_bounded(server, 3)
    assert list(tmp_path.iterdir()) == []


def test_a_stream_from_a_server_that_cuts_at_the_same_offset_ends() -> None:
    with HostileServer(_cut_every_time) as server, httpx.Client() as client:
        received = 0
        with pytest.raises((TransportError, IntegrityError)):
            for chunk in stream(client, _get(server.url), policy=_policy()):
                received += len(chunk)
        assert received == CUT  # the re-sent prefix is dropped, never handed on twice
        _assert_bounded(server, 3)


def test_an_async_stream_from_a_server_that_cuts_at_the_same_offset_ends() -> None:
    async def main() -> None:
        async with httpx.AsyncClient() as client:
            async for _ in async_stream(client, _get(server.url), policy=_policy()):
                pass

    with HostileServer(_cut_every_time) as server:
        with pytest.raises((TransportError, IntegrityError)):
            asyncio.run(main())
        _assert_bounded(server, 3)


def test_a_server_that_stalls_at_the_same_offset_does_not_loop_forever(tmp_path: Path) -> None:
    stop = threading.Event()
    try:
        with HostileServer(_make_stall(stop)) as server:
            timeout = httpx.Timeout(5, read=0.2)
            with httpx.Client(timeout=timeout) as client, pytest.raises(TimeoutError):
                download(client, _get(server.url), tmp_path / "out.bin", policy=_policy())
            _assert_bounded(server, 3)
            stop.set()
    finally:
        stop.set()
    assert list(tmp_path.iterdir()) == []


# --- what a server may send: content codings, sizes, speed ------------------------------------

MIB = 1024 * 1024


def _gzip_bomb(decoded_size: int) -> bytes:
    import gzip

    return gzip.compress(bytes(decoded_size), compresslevel=9)


def test_a_content_coding_nobody_asked_for_is_kept_as_sent_not_decoded(tmp_path: Path) -> None:
    """curl without --compressed: a gzip body sent against Accept-Encoding: identity lands
    byte for byte as it came (about 64 KiB here), never as the 64 MiB it would inflate to."""
    bomb = _gzip_bomb(64 * MIB)

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(head("200 OK", content_length=len(bomb), content_encoding="gzip") + bomb)

    with HostileServer(answer) as server, httpx.Client() as client:
        got = download(client, _get(server.url), tmp_path / "out.gz", policy=_policy())
        assert server.header_values("accept-encoding") == ["identity"]
    assert got.size == len(bomb) and (tmp_path / "out.gz").read_bytes() == bomb
    assert got.content_encoding == "gzip"


def test_an_async_stream_keeps_a_content_coding_as_sent() -> None:
    bomb = _gzip_bomb(8 * MIB)

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(head("200 OK", content_length=len(bomb), content_encoding="gzip") + bomb)

    async def main() -> bytes:
        async with httpx.AsyncClient() as client:
            return b"".join([c async for c in async_stream(client, _get(server.url))])

    with HostileServer(answer) as server:
        assert asyncio.run(main()) == bomb


def _endless_chunked(stop: threading.Event, limit: int = 64 * MIB) -> Answer:
    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        """Chunked, no length, never ends on its own (stops at ``limit`` or when told)."""
        connection.sendall(head("200 OK", transfer_encoding="chunked"))
        piece = b"%x\r\n%s\r\n" % (65536, bytes(65536))
        sent = 0
        while sent < limit and not stop.is_set():
            connection.sendall(piece)
            sent += 65536

    return answer


def test_an_endless_body_stops_at_max_bytes_and_leaves_nothing(tmp_path: Path) -> None:
    stop = threading.Event()
    try:
        with HostileServer(_endless_chunked(stop)) as server, httpx.Client() as client:
            with pytest.raises(ResponseTooLargeError, match="1048576"):
                download(client, _get(server.url), tmp_path / "o", max_bytes=MIB, policy=_policy())
            assert len(server.requests) == 1  # not retried: the same server sends the same
            stop.set()
    finally:
        stop.set()
    assert list(tmp_path.iterdir()) == []


def test_an_announced_length_over_max_bytes_is_refused_before_writing(tmp_path: Path) -> None:
    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(head("200 OK", content_length=11 * MIB) + bytes(1000))

    async def main() -> None:
        async with httpx.AsyncClient() as client:
            await async_download(client, _get(server.url), tmp_path / "o", max_bytes=10 * MIB)

    with HostileServer(answer) as server, pytest.raises(ResponseTooLargeError):
        asyncio.run(main())
    assert list(tmp_path.iterdir()) == []


def test_a_stream_stops_at_max_bytes() -> None:
    stop = threading.Event()
    try:
        with HostileServer(_endless_chunked(stop)) as server, httpx.Client() as client:
            received = 0
            with pytest.raises(ResponseTooLargeError):
                for chunk in stream(client, _get(server.url), max_bytes=MIB):
                    received += len(chunk)
            assert received <= MIB
            stop.set()
    finally:
        stop.set()


def _drip(stop: threading.Event) -> Answer:
    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        """A byte every 20 ms (50 bytes/s): each read is quick, so no read timeout fires."""
        connection.sendall(head("200 OK", content_length=10_000))
        for _ in range(500):
            if stop.wait(0.02):
                return
            connection.sendall(b"x")

    return answer


def test_a_drip_below_the_low_speed_limit_ends_the_download(tmp_path: Path) -> None:
    stop = threading.Event()
    slow = LowSpeedLimit(bytes_per_second=1000, seconds=0.5)
    try:
        with HostileServer(_drip(stop)) as server, httpx.Client() as client:
            with pytest.raises(TimeoutError, match="below 1000 bytes/s"):
                download(client, _get(server.url), tmp_path / "o", low_speed=slow, policy=_policy())
            assert len(server.requests) == 1  # a drip again on retry: not retried
            stop.set()
    finally:
        stop.set()
    assert list(tmp_path.iterdir()) == []


def test_an_async_stream_from_a_drip_ends_too() -> None:
    stop = threading.Event()
    slow = LowSpeedLimit(bytes_per_second=1000, seconds=0.5)

    async def main() -> None:
        async with httpx.AsyncClient() as client:
            async for _ in async_stream(client, _get(server.url), low_speed=slow):
                pass

    try:
        with HostileServer(_drip(stop)) as server:
            with pytest.raises(TimeoutError):
                asyncio.run(main())
            stop.set()
    finally:
        stop.set()


def test_the_default_low_speed_limit_is_below_1_kib_per_s_for_30_s() -> None:
    assert LowSpeedLimit() == LowSpeedLimit(bytes_per_second=1024, seconds=30.0)


# --- through the facades: JSON answers are capped, downloads stop at the documented maximum ---

IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"


def _facade(server: HostileServer) -> CodeArtsReq:

    base = server.url.rsplit("/", 1)[0]
    return CodeArtsReq(endpoint=base, credentials=Credentials("AK", "SK"), max_retries=0)


def _endless_json(stop: threading.Event) -> Answer:
    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(
            head("200 OK", content_type="application/json", transfer_encoding="chunked")
            + b'6\r\n{"a":[\r\n'
        )
        piece = b"%x\r\n%s\r\n" % (65536, b"1," * 32768)
        for _ in range(1024):  # at most 64 MiB
            if stop.is_set():
                return
            connection.sendall(piece)

    return answer


def test_an_endless_json_answer_stops_at_the_cap() -> None:
    stop = threading.Event()
    try:
        with HostileServer(_endless_json(stop)) as server, _facade(server) as req:
            with pytest.raises(ResponseTooLargeError, match="max_answer_bytes=4194304"):
                req.ipd.list(IPD_PROJECT, IPD_ISSUE)
            stop.set()
    finally:
        stop.set()


def test_a_gzip_bomb_json_answer_is_never_inflated_past_the_cap() -> None:
    import tracemalloc

    bomb = _gzip_bomb(256 * MIB)  # about 250 KiB on the wire

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(
            head(
                "200 OK",
                content_type="application/json",
                content_encoding="gzip",
                content_length=len(bomb),
            )
            + bomb
        )

    with HostileServer(answer) as server, _facade(server) as req:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError, match="max_answer_bytes=4194304"):
                req.ipd.list(IPD_PROJECT, IPD_ISSUE)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert server.header_values("accept-encoding") == ["gzip, deflate"]
    assert peak < 16 * MIB, peak  # the 4 MiB cap, not the 256 MiB the bomb inflates to


def test_a_facade_download_stops_at_the_services_documented_maximum(tmp_path: Path) -> None:
    """COC documents at most 10 MB per attachment; an answer announcing more is refused."""
    from attachkit import Coc, Credentials

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(head("200 OK", content_length=11 * 1024 * 1024) + bytes(1000))

    with HostileServer(answer) as server:
        base = server.url.rsplit("/", 1)[0]
        coc = Coc(endpoint=base, credentials=Credentials("AK", "SK"), max_retries=0)
        with coc, pytest.raises(ResponseTooLargeError):
            coc.download("doc-1", tmp_path / "o.txt")
    assert list(tmp_path.iterdir()) == []


def test_an_endless_worldserver_login_answer_stops_at_the_cap(tmp_path: Path) -> None:
    from attachkit import WorldServer

    stop = threading.Event()
    try:
        with HostileServer(_endless_json(stop)) as server:
            base = server.url.rsplit("/", 1)[0]
            ws = WorldServer(base, "translator", "secret", max_retries=0)
            with ws, pytest.raises(ResponseTooLargeError):
                ws.download("attr-1_a.txt", tmp_path / "a.txt")
            stop.set()
    finally:
        stop.set()
    assert list(tmp_path.iterdir()) == []


# --- local files: the operating system's refusals, and leftovers of a killed process ----------


def test_a_destination_under_a_regular_file_is_a_local_file_error(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("not a directory")
    with httpx.Client() as client, pytest.raises(LocalFileError) as info:
        download(client, _get("http://127.0.0.1:9/x"), tmp_path / "file.txt" / "out.bin")
    assert info.value.path == str(tmp_path / "file.txt")
    assert info.value.reason == "Not a directory"
    assert str(info.value) == f"{tmp_path / 'file.txt'}: Not a directory"


def test_a_full_disk_is_a_local_file_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writes go to /dev/full, which answers every write with ENOSPC."""
    sinks = importlib.import_module("attachkit.transfer.sinks")

    def open_full(path: Path, flags: int) -> BinaryIO:
        return open("/dev/full", "wb", buffering=0)  # noqa: SIM115 - closed by the sink

    monkeypatch.setattr(sinks, "_open_part", open_full)

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(head("200 OK", content_length=LENGTH) + BODY[:LENGTH])

    with (
        HostileServer(answer) as server,
        httpx.Client() as client,
        pytest.raises(LocalFileError) as info,
    ):
        download(client, _get(server.url), tmp_path / "out.bin", policy=_policy())
    assert info.value.reason == os.strerror(errno.ENOSPC)
    assert info.value.path == str(tmp_path / "out.bin")
    assert list(tmp_path.iterdir()) == []


def test_an_upload_source_that_is_missing_or_a_directory_is_a_local_file_error(
    tmp_path: Path,
) -> None:
    from attachkit.transfer import MultipartFile

    with pytest.raises(LocalFileError) as info:
        MultipartFile("file", tmp_path / "missing.txt")
    assert info.value.reason == os.strerror(errno.ENOENT)
    with pytest.raises(LocalFileError):
        MultipartFile("file", tmp_path)


KILLED_CLIENT = """
import sys, httpx
from tests.engine import download
from attachkit.transfer import text_error_parser
with httpx.Client() as client:
    download(client, httpx.Request("GET", sys.argv[1]), sys.argv[2], error_parser=text_error_parser)
"""


def test_the_leftover_of_a_download_killed_with_sigkill_is_listed_and_removed(
    tmp_path: Path,
) -> None:
    """``attachkit clean`` (transfer.partials) finds what a kill -9 leaves and removes it."""
    stop = threading.Event()
    # Larger than a body the sink holds in memory (sinks._HELD_BYTES): this one has a file.
    length = 1_000_000

    def stall(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(head("200 OK", content_length=length) + BODY[:CUT])
        stop.wait(5)

    try:
        with HostileServer(stall) as server:
            client = subprocess.Popen(
                [sys.executable, "-c", KILLED_CLIENT, server.url, str(tmp_path / "report.pdf")]
            )
            try:
                for _ in range(200):  # up to 20 s for the first bytes to land
                    if any(p.size == CUT for p in list_partials(tmp_path)):
                        break
                    time.sleep(0.1)
            finally:
                client.kill()
                client.wait(10)
            stop.set()
    finally:
        stop.set()
    [leftover] = list_partials(tmp_path)
    assert leftover.path.name.startswith(".report.pdf.") and leftover.size == CUT
    assert leftover.sidecar is None  # not resumable: only taking space
    assert remove_partials([leftover]) == CUT
    assert list(tmp_path.iterdir()) == []
