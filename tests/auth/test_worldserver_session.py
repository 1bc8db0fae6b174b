"""WorldServer sessions: one lazy login, the token in a header, one re-login on 401."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from attachkit.errors import AuthenticationError, BadRequestError
from attachkit.facades import AsyncWorldServerSession, WorldServerSession

ENDPOINT = "https://ws.example.com:8443"
USER = "translator"
PASSWORD = "pa55-word-secret"


class FakeWorldServer:
    """Just enough WorldServer: login issues tokens, the file endpoint checks them."""

    def __init__(self, login_delay: float = 0.0) -> None:
        self.login_delay = login_delay
        self.logins = 0
        self.valid_tokens: set[str] = set()
        self.seen: list[httpx.Request] = []
        self.tokens: list[str | None] = []  # as received; a repeated request is the same object
        self.lock = threading.Lock()

    def login(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        with self.lock:
            self.logins += 1
            token = f"session-{self.logins}"
        if body != {"username": USER, "password": PASSWORD}:
            return httpx.Response(
                401, json={"code": "BAD_CREDENTIALS", "message": "Bad credentials"}
            )
        self.valid_tokens.add(token)
        return httpx.Response(200, json={"sessionId": token})

    def files(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        self.tokens.append(request.headers.get("token"))
        if request.headers.get("token") not in self.valid_tokens:
            return httpx.Response(401, json={"message": "invalid token"})
        return httpx.Response(200, content=b"file bytes")

    def expire_all(self) -> None:
        self.valid_tokens.clear()

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/ws-api/v1/login":
            if self.login_delay:
                time.sleep(self.login_delay)
            return self.login(request)
        return self.files(request)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/ws-api/v1/login":
            if self.login_delay:
                await asyncio.sleep(self.login_delay)
            return self.login(request)
        return self.files(request)


def sync_client(server: FakeWorldServer, password: str = PASSWORD) -> httpx.Client:
    session = WorldServerSession(USER, password, endpoint=ENDPOINT)
    return httpx.Client(
        base_url=ENDPOINT, transport=httpx.MockTransport(server.handle), auth=session
    )


def download(client: httpx.Client) -> httpx.Response:
    return client.get("/ws-api/v1/files/attachments", params={"filename": "a.txt"})


def test_logs_in_lazily_once_and_sends_the_token_as_a_header() -> None:
    server = FakeWorldServer()
    with sync_client(server) as client:
        assert server.logins == 0
        for _ in range(3):
            assert download(client).status_code == 200
    assert server.logins == 1
    for request in server.seen:
        assert request.headers["token"] == "session-1"
        assert "token" not in request.url.params
        assert b"session-1" not in request.url.raw_path


def test_a_401_logs_in_again_once_and_repeats_the_request() -> None:
    server = FakeWorldServer()
    with sync_client(server) as client:
        download(client)
        server.expire_all()
        response = download(client)
    assert response.status_code == 200
    assert server.logins == 2
    assert server.tokens == ["session-1", "session-1", "session-2"]


def test_a_second_401_is_returned_not_retried_forever() -> None:
    server = FakeWorldServer()
    server.files = lambda request: httpx.Response(401)  # type: ignore[method-assign]
    with sync_client(server) as client:
        assert download(client).status_code == 401
    assert server.logins == 2


def test_wrong_password_names_the_user_never_the_password() -> None:
    server = FakeWorldServer()
    with (
        sync_client(server, password="wrong-secret") as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        download(client)
    error = caught.value
    assert error.status == 401
    assert error.error_code == "BAD_CREDENTIALS"
    assert USER in str(error)
    assert "wrong-secret" not in str(error) and "wrong-secret" not in repr(error)
    assert error.operation == "login"


def test_other_login_failures_map_to_api_errors_and_scrub_the_password() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"message": f"Invalid JSON near {PASSWORD}"})

    session = WorldServerSession(USER, PASSWORD, endpoint=ENDPOINT)
    with (
        httpx.Client(transport=httpx.MockTransport(handler), auth=session) as client,
        pytest.raises(BadRequestError) as caught,
    ):
        client.get(f"{ENDPOINT}/ws-api/v1/files/attachments")
    assert PASSWORD not in str(caught.value)
    assert "Invalid JSON" in str(caught.value)


def test_login_without_endpoint_goes_to_the_requests_server() -> None:
    server = FakeWorldServer()
    session = WorldServerSession(USER, PASSWORD)
    with httpx.Client(transport=httpx.MockTransport(server.handle), auth=session) as client:
        assert client.get("http://other:9000/ws-api/v1/files/attachments").status_code == 200
    assert server.logins == 1


def test_explicit_login_and_invalidate() -> None:
    server = FakeWorldServer()
    session = WorldServerSession(USER, PASSWORD, endpoint=ENDPOINT)
    with httpx.Client(transport=httpx.MockTransport(server.handle), auth=session) as client:
        session.login(client)
        assert session.token == "session-1"
        session.invalidate()
        assert session.token is None
        client.get(f"{ENDPOINT}/ws-api/v1/files/attachments")
    assert server.logins == 2


def test_concurrent_threads_share_one_login() -> None:
    server = FakeWorldServer(login_delay=0.05)
    barrier = threading.Barrier(32)
    with sync_client(server) as client:

        def worker(_: int) -> int:
            barrier.wait()
            return download(client).status_code

        with ThreadPoolExecutor(max_workers=32) as pool:
            statuses = list(pool.map(worker, range(32)))
    assert statuses == [200] * 32
    assert server.logins == 1


def test_concurrent_threads_after_expiry_share_one_relogin() -> None:
    server = FakeWorldServer(login_delay=0.05)
    barrier = threading.Barrier(16)
    with sync_client(server) as client:
        download(client)
        server.expire_all()

        def worker(_: int) -> int:
            barrier.wait()
            return download(client).status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(worker, range(16)))
    assert statuses == [200] * 16
    assert server.logins == 2


def async_session_client(server: FakeWorldServer) -> httpx.AsyncClient:
    session = AsyncWorldServerSession(USER, PASSWORD, endpoint=ENDPOINT)
    return httpx.AsyncClient(
        base_url=ENDPOINT, transport=httpx.MockTransport(server.handle_async), auth=session
    )


def test_concurrent_tasks_share_one_login_and_one_relogin() -> None:
    server = FakeWorldServer(login_delay=0.05)

    async def main() -> list[int]:
        async with async_session_client(server) as client:

            async def one() -> int:
                response = await client.get("/ws-api/v1/files/attachments")
                return response.status_code

            first = await asyncio.gather(*(one() for _ in range(50)))
            assert server.logins == 1
            server.expire_all()
            second = await asyncio.gather(*(one() for _ in range(50)))
            return [*first, *second]

    assert asyncio.run(main()) == [200] * 100
    assert server.logins == 2


def test_async_wrong_password_raises_authentication_error() -> None:
    server = FakeWorldServer()

    async def main() -> None:
        session = AsyncWorldServerSession(USER, "bad-secret", endpoint=ENDPOINT)
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(server.handle_async), auth=session
        ) as client:
            await client.get(f"{ENDPOINT}/ws-api/v1/files/attachments")

    with pytest.raises(AuthenticationError) as caught:
        asyncio.run(main())
    assert USER in str(caught.value)
    assert "bad-secret" not in str(caught.value)


def test_async_explicit_login() -> None:
    server = FakeWorldServer()

    async def main() -> str | None:
        session = AsyncWorldServerSession(USER, PASSWORD, endpoint=ENDPOINT)
        async with httpx.AsyncClient(transport=httpx.MockTransport(server.handle_async)) as client:
            await session.login(client)
        return session.token

    assert asyncio.run(main()) == "session-1"


def test_sessions_refuse_the_wrong_kind_of_client() -> None:
    server = FakeWorldServer()
    with (
        httpx.Client(
            transport=httpx.MockTransport(server.handle),
            auth=AsyncWorldServerSession(USER, PASSWORD, endpoint=ENDPOINT),
        ) as client,
        pytest.raises(TypeError, match="AsyncWorldServerSession is for httpx.AsyncClient"),
    ):
        client.get(f"{ENDPOINT}/x")


def test_repr_hides_password_and_token() -> None:
    server = FakeWorldServer()
    session = WorldServerSession(USER, PASSWORD, endpoint=ENDPOINT)
    with httpx.Client(transport=httpx.MockTransport(server.handle), auth=session) as client:
        client.get(f"{ENDPOINT}/ws-api/v1/files/attachments")
    for text in (repr(session), str(session)):
        assert PASSWORD not in text
        assert "session-1" not in text
        assert USER in text
        assert "logged in" in text
