"""The facades send through their own sender: straight to the transport, signed on the way.

``_async/send.py`` replaces ``httpx.Client.send`` for the facades' requests. These
tests pin what it does differently on purpose (no cookies), what it must keep (a fresh
signature for every attempt, httpx's own transports behind a proxy, refusing a closed
client), and that the WorldServer session's two-step auth flow still works through it.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import logging
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

import attachkit
from attachkit.auth.verifier import Verifier, payload_hash_of
from attachkit.transfer import RetryPolicy
from tests.hostile_server import HostileServer, head

PROJECT = "P" * 32
CREDS = attachkit.Credentials("AK-SENDER", "sk-sender-secret")
START = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)
NO_WAIT = RetryPolicy(max_retries=3, base_delay=0.0, max_delay=0.0)


def _with_cookie(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"Set-Cookie": "session=abc; Path=/", "Content-Type": "application/octet-stream"},
        content=b"abc",
    )


def test_cookies_an_answer_sets_are_not_sent_back() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _with_cookie(request)

    with attachkit.CodeArtsReq(
        endpoint="https://req.example.test",
        credentials=CREDS,
        transport=httpx.MockTransport(answer),
    ) as req:
        for _ in range(2):
            req.scrum.download(PROJECT, 1, "2", io.BytesIO())
    assert len(seen) == 2
    assert [r.headers.get("cookie") for r in seen] == [None, None]


def test_async_cookies_an_answer_sets_are_not_sent_back() -> None:
    seen: list[httpx.Request] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _with_cookie(request)

    async def scenario() -> None:
        async with attachkit.AsyncCodeArtsReq(
            endpoint="https://req.example.test",
            credentials=CREDS,
            transport=httpx.MockTransport(answer),
        ) as req:
            for _ in range(2):
                await req.scrum.download(PROJECT, 1, "2", io.BytesIO())

    asyncio.run(scenario())
    assert [r.headers.get("cookie") for r in seen] == [None, None]


class _CutStream(httpx.SyncByteStream):
    """Four bytes of a ten-byte body, then a dropped connection."""

    def __iter__(self) -> Iterator[bytes]:
        yield b"0123"
        raise httpx.ReadError("connection cut")


def _verify(request: httpx.Request) -> None:
    path, _, query = request.url.raw_path.partition(b"?")
    date = datetime.strptime(request.headers["x-sdk-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    verifier = Verifier({CREDS.ak: CREDS.sk}.get, clock=lambda: date)
    verifier.verify(
        request.method, path, query, request.headers.raw, payload_hash_of(b"", request.headers.raw)
    )


def test_a_resumed_attempt_is_signed_afresh() -> None:
    # Sending signs a request in place; the resume must not go out with the first attempt's
    # date and signature (nor with two of each).
    moments = (START + timedelta(minutes=n) for n in itertools.count())
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            headers = {"Content-Length": "10", "ETag": '"v1"'}
            return httpx.Response(200, headers=headers, stream=_CutStream())
        headers = {"Content-Length": "6", "Content-Range": "bytes 4-9/10", "ETag": '"v1"'}
        return httpx.Response(206, headers=headers, content=b"456789")

    sink = io.BytesIO()
    with attachkit.CodeArtsReq(
        endpoint="https://req.example.test",
        credentials=CREDS,
        transport=httpx.MockTransport(answer),
        retry_policy=NO_WAIT,
        clock=lambda: next(moments),
    ) as req:
        req.scrum.download(PROJECT, 1, "2", sink)

    assert sink.getvalue() == b"0123456789"
    first, resumed = seen
    assert "range" not in first.headers
    assert resumed.headers["range"] == "bytes=4-"
    assert resumed.headers["if-range"] == '"v1"'
    for name in ("authorization", "x-sdk-date", "accept-encoding"):
        assert len(resumed.headers.get_list(name)) == 1, name
    assert resumed.headers["x-sdk-date"] != first.headers["x-sdk-date"]
    for request in seen:
        _verify(request)  # each signature matches what was sent, at its own date


def test_a_closed_facade_refuses_to_send() -> None:
    transport = httpx.MockTransport(_with_cookie)
    req = attachkit.CodeArtsReq(
        endpoint="https://req.example.test", credentials=CREDS, transport=transport
    )
    req.close()
    with pytest.raises(RuntimeError, match="closed"):
        req.scrum.download(PROJECT, 1, "2", io.BytesIO())


def _proxy_answer(connection: socket.socket, request_head: bytes, number: int) -> None:
    connection.sendall(head("200 OK", content_length=5, content_type="text/plain") + b"proxy")


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_proxy_in_the_environment_is_honoured(
    monkeypatch: pytest.MonkeyPatch, use_async: bool
) -> None:
    # httpx picks the proxy transport only when it builds its transports itself.
    for name in ("HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with HostileServer(_proxy_answer, max_connections=2) as proxy:
        proxy_url = proxy.url.removesuffix("/file.bin")
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        monkeypatch.setenv("http_proxy", proxy_url)
        sink = io.BytesIO()
        endpoint = "http://req.example.test"
        if use_async:

            async def scenario() -> None:
                async with attachkit.AsyncCodeArtsReq(endpoint=endpoint, credentials=CREDS) as req:
                    await req.scrum.download(PROJECT, 1, "2", sink)

            asyncio.run(scenario())
        else:
            with attachkit.CodeArtsReq(endpoint=endpoint, credentials=CREDS) as req:
                req.scrum.download(PROJECT, 1, "2", sink)
    assert sink.getvalue() == b"proxy"
    request_line = proxy.requests[0].split(b"\r\n", 1)[0]
    assert request_line.startswith(b"GET http://req.example.test/v4/projects/")


def _ws_answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/login"):
        return httpx.Response(200, json={"sessionId": "session-1"})
    return httpx.Response(200, content=b"abc")


def test_each_exchange_is_logged_at_debug_without_its_query(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A WorldServer download URL carries its downloadToken in the query.
    caplog.set_level(logging.DEBUG, logger="attachkit.http")
    with attachkit.WorldServer(
        "https://ws.example.test", "u", "p", transport=httpx.MockTransport(_ws_answer)
    ) as ws:
        ws.download("report.pdf", io.BytesIO(), download_token="token-in-query-7f3")
    lines = [r.getMessage() for r in caplog.records if r.name == "attachkit.http"]
    assert any(line.startswith("GET https://ws.example.test/") for line in lines), lines
    assert all("token-in-query-7f3" not in line and "?" not in line for line in lines)


class _ExpiringWorldServer:
    """Logs in as session-N; refuses every token but the newest, so the first is stale."""

    def __init__(self) -> None:
        self.logins = 0
        self.tokens: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/login"):
            self.logins += 1
            return httpx.Response(200, json={"sessionId": f"session-{self.logins}"})
        self.tokens.append(request.headers.get("token"))
        if request.headers.get("token") != "session-2":
            return httpx.Response(401, json={"message": "invalid token"})
        return httpx.Response(200, content=b"fresh")


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_refused_session_logs_in_again_through_the_sender(use_async: bool) -> None:
    # The WorldServer session's auth flow has two steps (401, login, the request again):
    # the sender drives it as httpx's client did.
    server = _ExpiringWorldServer()
    sink = io.BytesIO()
    if use_async:

        async def answer(request: httpx.Request) -> httpx.Response:
            return server(request)

        async def scenario() -> None:
            async with attachkit.AsyncWorldServer(
                "https://ws.example.test", "u", "p", transport=httpx.MockTransport(answer)
            ) as ws:
                await ws.download("report.pdf", sink)

        asyncio.run(scenario())
    else:
        with attachkit.WorldServer(
            "https://ws.example.test", "u", "p", transport=httpx.MockTransport(server)
        ) as ws:
            ws.download("report.pdf", sink)
    assert sink.getvalue() == b"fresh"
    assert server.logins == 2
    assert server.tokens == ["session-1", "session-2"]
