"""Shared fixtures: the mock service, started in-process on 127.0.0.1 and a free port.

``mock_server`` runs once per test session (starting uvicorn costs time); ``mock`` hands it to
one test after clearing every attachment, fault, lock-out and session, so tests stay
independent. ``mock_factory`` starts extra servers with their own configuration (small limits,
short lock-outs, a given data directory) and stops each when the test ends. ``control`` is an
httpx client for the ``/_mock/`` API that sends the server's control token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from attachkit.mock import MockConfig, MockServer

# tests/typing/ holds scripts for mypy (tests/test_typing.py), not tests: never import them.
collect_ignore = ["typing"]


@pytest.fixture(scope="session")
def mock_server() -> Iterator[MockServer]:
    with MockServer(MockConfig()) as server:
        yield server


@pytest.fixture
def mock(mock_server: MockServer) -> MockServer:
    """The session's mock service, emptied for this test."""
    mock_server.reset()
    return mock_server


@pytest.fixture
def mock_factory() -> Iterator[Callable[..., MockServer]]:
    """``mock_factory(config=None, *, clock=None, **MockConfig fields)`` -> a started MockServer.

    ``clock`` replaces the monotonic clock of lock-outs and session expiry (``FakeClock`` in
    mock_helpers), so tests of time-outs advance it instead of sleeping.
    """
    started: list[MockServer] = []

    def start(
        config: MockConfig | None = None,
        *,
        clock: Callable[[], float] | None = None,
        **fields: Any,
    ) -> MockServer:
        extra: dict[str, Any] = {} if clock is None else {"clock": clock}
        server = MockServer(config or MockConfig(**fields), **extra).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def control(mock: MockServer) -> Iterator[httpx.Client]:
    """An httpx client for ``/_mock/`` on the session's mock, with its control token."""
    with mock.control_client() as client:
        yield client


@pytest.fixture
def signed_client(mock: MockServer) -> Iterator[httpx.Client]:
    """An httpx client for the CodeArts Req and COC paths, signing with the mock's AK/SK."""
    from attachkit.auth import AkSkAuth

    with httpx.Client(base_url=mock.base_url, auth=AkSkAuth(mock.credentials)) as client:
        yield client


@pytest.fixture
def ws_client(mock: MockServer) -> Iterator[httpx.Client]:
    """An httpx client for WorldServer, logged in (the token is sent as the header)."""
    with httpx.Client(base_url=mock.base_url) as client:
        answer = client.post(
            "/ws-api/v1/login", json={"username": mock.ws_user, "password": mock.ws_password}
        )
        answer.raise_for_status()
        client.headers["token"] = answer.json()["sessionId"]
        yield client


@pytest.fixture
def tmp_data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "mockdata"
    path.mkdir()
    return path
