"""Every answer has a deadline (issue 19, class 1): a drip cannot keep the client waiting.

A server that sends one byte every ``DRIP`` seconds never lets a read time out: each read is
quick. So the head of every answer (status line and headers) must arrive within the timeout
the caller gave, and every body attachkit reads whole (a JSON answer, an error body, the
WorldServer login) must keep a pace, or the call ends with ``TimeoutError`` saying which bound
ended it. A download's own body is paced by its ``LowSpeedLimit`` instead.

Each drip below would take far longer than the 1 s timeout the test gives (and than its
pytest-timeout), so without the bounds the test fails instead of passing by luck.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from attachkit import AsyncWorldServer, Credentials, WorldServer
from attachkit.cli import main
from attachkit.cli.exit_codes import EXIT_TRANSPORT
from attachkit.errors import TimeoutError
from attachkit.facades import AsyncCodeArtsReq, CodeArtsReq
from tests.hostile_server import Answer, HostileServer, head

pytestmark = pytest.mark.timeout(20)

TIMEOUT = 1.0
DRIP = 0.5  # seconds between bytes: each read is quick, no read timeout fires
IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"
ATTACHMENT = "956239067176935401"
HEAD_BOUND = "the answer's head took longer than 1 s"
BODY_BOUND = "the answer's body stayed below 1024 bytes/s for 1 s"
JSON_LIST = b'{"status": "success", "result": []}'


def _drip(stop: threading.Event, connection: socket.socket, data: bytes) -> None:
    """``data`` one byte at a time, ``DRIP`` seconds apart, until the test stops the server."""
    for index in range(len(data)):
        if stop.wait(DRIP):
            return
        connection.sendall(data[index : index + 1])


ServerFor = Callable[[Callable[[threading.Event], Answer]], HostileServer]


@pytest.fixture
def server_for() -> Iterator[ServerFor]:
    """Starts a ``HostileServer`` answering as the test says; stops it (and its drips) after."""
    stop = threading.Event()
    started: list[HostileServer] = []

    def start(make: Callable[[threading.Event], Answer]) -> HostileServer:
        server = HostileServer(make(stop), max_connections=4).__enter__()
        started.append(server)
        return server

    try:
        yield start
    finally:
        stop.set()
        for server in started:
            server.__exit__(None, None, None)


def _base(server: HostileServer) -> str:
    return server.url.rsplit("/", 1)[0]


def _req(server: HostileServer) -> CodeArtsReq:
    credentials = Credentials("AK", "SK")
    return CodeArtsReq(endpoint=_base(server), credentials=credentials, timeout=TIMEOUT)


def _async_req(server: HostileServer) -> AsyncCodeArtsReq:
    credentials = Credentials("AK", "SK")
    return AsyncCodeArtsReq(endpoint=_base(server), credentials=credentials, timeout=TIMEOUT)


# --- the answers -------------------------------------------------------------------------------


def dripped_head(stop: threading.Event) -> Answer:
    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        full = head("200 OK", content_type="application/json", content_length=len(JSON_LIST))
        _drip(stop, connection, full + JSON_LIST)

    return answer


def dripped_json_body(stop: threading.Event) -> Answer:
    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(
            head("200 OK", content_type="application/json", content_length=len(JSON_LIST))
        )
        _drip(stop, connection, JSON_LIST)

    return answer


def dripped_error_body(stop: threading.Event) -> Answer:
    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        body = b'{"error_code": "PM.02174001", "error_msg": "no such attachment"}'
        connection.sendall(
            head("404 Not Found", content_type="application/json", content_length=len(body))
        )
        _drip(stop, connection, body)

    return answer


def dripped_login(stop: threading.Event) -> Answer:
    """The login answer's body drips; any other request would be a plain 404."""

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        body = b'{"sessionId": "token-1"}' + b" " * 40  # 32 s of drip
        connection.sendall(
            head("200 OK", content_type="application/json", content_length=len(body))
        )
        _drip(stop, connection, body)

    return answer


def slow_download_body(stop: threading.Event) -> Answer:
    """500 bytes/s for 1.5 s: below 1 KiB/s for longer than the timeout, then done."""

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(head("200 OK", content_length=750))
        for _ in range(15):
            if stop.wait(0.1):
                return
            connection.sendall(b"x" * 50)

    return answer


# --- the head of every answer ------------------------------------------------------------------


def test_a_dripped_head_ends_within_the_timeout_sync(server_for: ServerFor) -> None:
    server = server_for(dripped_head)
    with _req(server) as req, pytest.raises(TimeoutError, match=HEAD_BOUND):
        req.ipd.list(IPD_PROJECT, IPD_ISSUE)
    assert len(server.requests) == 1  # the same server would drip again: not retried


def test_a_dripped_head_ends_within_the_timeout_async(server_for: ServerFor) -> None:
    server = server_for(dripped_head)

    async def main() -> None:
        async with _async_req(server) as req:
            await req.ipd.list(IPD_PROJECT, IPD_ISSUE)

    with pytest.raises(TimeoutError, match=HEAD_BOUND):
        asyncio.run(main())


def test_a_dripped_head_on_a_download_ends_too(server_for: ServerFor, tmp_path: Path) -> None:
    server = server_for(dripped_head)
    with _req(server) as req, pytest.raises(TimeoutError, match=HEAD_BOUND):
        req.ipd.download(IPD_PROJECT, ATTACHMENT, tmp_path / "out.bin")
    assert list(tmp_path.iterdir()) == []


# --- bodies read whole: JSON answers, error bodies, the login ----------------------------------


def test_a_dripped_json_answer_ends_sync(server_for: ServerFor) -> None:
    server = server_for(dripped_json_body)
    with _req(server) as req, pytest.raises(TimeoutError, match=BODY_BOUND):
        req.ipd.list(IPD_PROJECT, IPD_ISSUE)


def test_a_dripped_json_answer_ends_async(server_for: ServerFor) -> None:
    server = server_for(dripped_json_body)

    async def main() -> None:
        async with _async_req(server) as req:
            await req.ipd.list(IPD_PROJECT, IPD_ISSUE)

    with pytest.raises(TimeoutError, match=BODY_BOUND):
        asyncio.run(main())


def test_a_dripped_error_body_on_a_download_ends_sync(
    server_for: ServerFor, tmp_path: Path
) -> None:
    server = server_for(dripped_error_body)
    with _req(server) as req, pytest.raises(TimeoutError, match=BODY_BOUND):
        req.ipd.download(IPD_PROJECT, ATTACHMENT, tmp_path / "out.bin")
    assert list(tmp_path.iterdir()) == []


def test_a_dripped_error_body_on_a_download_ends_async(
    server_for: ServerFor, tmp_path: Path
) -> None:
    server = server_for(dripped_error_body)

    async def main() -> None:
        async with _async_req(server) as req:
            await req.ipd.download(IPD_PROJECT, ATTACHMENT, tmp_path / "out.bin")

    with pytest.raises(TimeoutError, match=BODY_BOUND):
        asyncio.run(main())


def test_a_dripped_worldserver_login_ends_sync(server_for: ServerFor) -> None:
    server = server_for(dripped_login)
    ws = WorldServer(_base(server), "translator", "secret", timeout=TIMEOUT)
    with ws, pytest.raises(TimeoutError, match=BODY_BOUND):
        ws.login()


def test_a_dripped_worldserver_login_inside_a_call_ends_async(
    server_for: ServerFor, tmp_path: Path
) -> None:
    """The login the session does on the first call (inside the auth flow) is bounded too."""
    server = server_for(dripped_login)

    async def main() -> None:
        ws = AsyncWorldServer(_base(server), "translator", "secret", timeout=TIMEOUT)
        async with ws:
            await ws.download("attr-1_a.txt", tmp_path / "a.txt")

    with pytest.raises(TimeoutError, match=BODY_BOUND):
        asyncio.run(main())
    assert list(tmp_path.iterdir()) == []


# --- what the bounds leave alone ---------------------------------------------------------------


def test_a_download_body_keeps_its_own_low_speed_limit(
    server_for: ServerFor, tmp_path: Path
) -> None:
    """Below 1 KiB/s for longer than the timeout, but not for the download's 30 s window."""
    server = server_for(slow_download_body)
    with _req(server) as req:
        result = req.ipd.download(IPD_PROJECT, ATTACHMENT, tmp_path / "out.bin")
    assert result.size == 750
    assert (tmp_path / "out.bin").read_bytes() == b"x" * 750


# --- the command line --------------------------------------------------------------------------


def test_the_cli_reports_a_dripped_answer_as_a_timeout(
    server_for: ServerFor,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    for name in list(os.environ):
        if name.startswith(("HUAWEICLOUD_SDK_", "CLOUD_SDK_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AK")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "SK")
    monkeypatch.setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", str(tmp_path / "no-profile"))
    server = server_for(dripped_head)
    code = main(
        ["codearts-req", "--endpoint", _base(server), "ipd", "list", "--project-id", IPD_PROJECT,
         "--issue-id", IPD_ISSUE, "--timeout", "1"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == EXIT_TRANSPORT
    assert HEAD_BOUND in err and "Traceback" not in err


def answered_late_but_whole(stop: threading.Event) -> Answer:
    """Thinks for most of the timeout, then sends the whole answer at once."""

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        if stop.wait(0.6):
            return
        connection.sendall(
            head("200 OK", content_type="application/json", content_length=len(JSON_LIST))
            + JSON_LIST
        )

    return answer


def test_an_answer_that_comes_late_but_whole_is_not_cut(server_for: ServerFor) -> None:
    """The head's deadline runs from the request sent, as long as the timeout: a server that
    thinks and then answers within it is served."""
    server = server_for(answered_late_but_whole)
    with _req(server) as req:
        answer = req.ipd.list(IPD_PROJECT, IPD_ISSUE)
    assert answer.status == "success"
    assert len(server.requests) == 1


def test_the_bounded_transport_still_reads_a_large_body_1_mib_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The download engine's read tuning (_transports.fast_read) reaches the socket through the
    bounded stream and the asyncio backend, so a large download is not slower through the
    facades' transport: the socket is asked for 1 MiB at a time, with no 256 KiB cap between."""
    from attachkit._async.transport import AsyncBoundedTransport
    from attachkit._transports import asyncio_backend, connection_limits
    from attachkit._transports import fast_read as _fast_read

    if not _fast_read.ENABLED:
        pytest.skip("the read tuning is off outside its measured httpcore/h11 versions")
    size = 8 * 1024 * 1024
    asked: list[int] = []
    loop_type = asyncio.selector_events.BaseSelectorEventLoop

    async def recording_recv(self: Any, sock: socket.socket, n: int) -> bytes:
        asked.append(n)
        return await original_recv(self, sock, n)

    original_recv = loop_type.sock_recv
    monkeypatch.setattr(loop_type, "sock_recv", recording_recv)

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(head("200 OK", content_length=size) + bytes(size))

    async def main(url: str) -> int:
        transport = AsyncBoundedTransport(connection_limits(4))
        async with (
            httpx.AsyncClient(transport=transport) as client,
            client.stream("GET", url) as response,
        ):
            _fast_read.tune_read_size(response)
            connection = _fast_read._find_connection(response.stream)
            assert isinstance(connection._network_stream.inner, asyncio_backend._SocketStream)
            await response.aread()
            return int(connection.READ_NUM_BYTES)

    with HostileServer(answer) as server:
        assert asyncio.run(main(server.url)) == 1024 * 1024
    assert max(asked) == 1024 * 1024
