"""The client's bounds against hostile or broken servers (issue 14): every loop ends.

Each case runs against ``HostileServer`` (tests/hostile_server.py): 127.0.0.1 only, a bounded
number of connections, bounded bytes per answer, stopped when the test ends.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import threading
from pathlib import Path

import httpx
import pytest

from attachkit import transfer
from attachkit.errors import IntegrityError, TimeoutError, TransportError
from attachkit.transfer import RetryPolicy, text_error_parser
from tests.hostile_server import Answer, HostileServer, head

download = functools.partial(transfer.download, error_parser=text_error_parser)
async_download = functools.partial(transfer.async_download, error_parser=text_error_parser)
stream = functools.partial(transfer.stream, error_parser=text_error_parser)
async_stream = functools.partial(transfer.async_stream, error_parser=text_error_parser)
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
