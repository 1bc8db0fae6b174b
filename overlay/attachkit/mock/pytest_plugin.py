"""The ``attachkit_mock`` pytest fixtures: a mock service per test, or one per session.

Installed with attachkit (a ``pytest11`` entry point), so a test only names the fixture::

    def test_upload(attachkit_mock):
        with attachkit.CodeArtsReq(endpoint=attachkit_mock.url,
                                   credentials=attachkit_mock.credentials) as req:
            ...
        assert attachkit_mock.requests[-1]["operation_id"] == "uploadIpdAttachment"

``attachkit_mock`` starts a mock on 127.0.0.1 and a free port for one test, with an empty
temporary data directory, and stops it (removing the directory) after the test.
``attachkit_mock_session`` is one mock for the whole session: faster for a large suite, but
tests see each other's data unless they call ``.reset()`` (or ``.restore(name)``). Both give
the ``MockServer``: ``.url``, ``.credentials`` (an ``attachkit.Credentials`` it accepts),
``.ws_username`` and ``.ws_password``, ``.faults`` (the fault rules), ``.requests`` (the
journal), ``.snapshot()``/``.restore()``, ``.reset()`` and ``.control_client()``.

The mock runs in the test's own process, in a thread. Measured on a 2-core machine: starting
one in-process takes about 15 ms (plus about 0.2 s, once per process, to import the server
stack), stopping it about 0.2 s; a subprocess (``attachkit mock serve``) took about 0.3 s to
answer its first request and as long to stop, and its fault rules and journal are reachable
only over HTTP. The mock keeps all its state in its own objects and its own temporary
directory, so in-process costs no isolation between tests. ``@pytest.mark.attachkit_mock(...)``
passes ``MockConfig`` fields to a test's mock, e.g. ``seed_examples=True`` or
``fault_seed=7``.

Loading this plugin is free: pytest imports it in every run of every project that has
attachkit installed, so it imports only pytest here; uvicorn and the mock load when a test
first uses a fixture. ``-p no:attachkit`` turns it off.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from attachkit.mock.server import MockServer

__all__ = ["attachkit_mock", "attachkit_mock_session"]

_MARKER = "attachkit_mock"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(**fields): MockConfig fields for the test's attachkit_mock "
        "(e.g. seed_examples=True, fault_seed=7)",
    )


def _start(fields: dict[str, Any]) -> MockServer:
    try:
        from attachkit.mock.config import MockConfig
        from attachkit.mock.server import MockServer
    except ImportError as exc:  # uvicorn and friends come with the extra
        raise pytest.UsageError(
            "the attachkit_mock fixture needs attachkit's mock extra: "
            f"pip install 'attachkit[mock]' ({exc})"
        ) from exc
    return MockServer(MockConfig(**fields)).start()


@pytest.fixture
def attachkit_mock(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """A mock service for this test: fresh data, stopped when the test ends."""
    marker = request.node.get_closest_marker(_MARKER)
    fields = dict(marker.kwargs) if marker is not None else {}
    server = _start(fields)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def attachkit_mock_session() -> Iterator[MockServer]:
    """One mock service for the session; ``.reset()`` empties it between tests that need it."""
    server = _start({})
    try:
        yield server
    finally:
        server.stop()
