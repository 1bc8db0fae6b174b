"""schemathesis over every spec against the mock service: zero failures allowed.

Positive and negative data for every operation, then stateful runs that follow the specs'
links (upload -> list -> download -> delete). CodeArts Req and COC requests are signed with
attachkit's ``AkSkAuth``; WorldServer requests carry a session token from a real login.

Excluded checks, with reasons (see ``schemathesis_support.EXCLUDED_CHECKS``):

- ``ignored_auth``: credentials are attached beneath schemathesis (a requests auth hook that
  signs each request, a session header for the token), so its "remove the auth" probes get
  re-authenticated; tests/mock/test_mock_auth.py covers every refusal directly instead.
- ``object_level_authorization``: needs two identities with private data; neither the services
  nor the mock have per-identity ownership inside an account.

Adjusted expectations (``schemathesis_support.POSITIVE_STATUSES`` / ``OPERATION_STATUSES``):
``positive_data_acceptance`` accepts only what the specs document for a valid request: 2xx and
400 (well-formed unknown ids, COC file types, unattached WorldServer files) everywhere, 404 on
the WorldServer file operations, 401 on WorldServer ``login`` only (random credentials). No
401/403 elsewhere: every request is authenticated, so a broken signature or session fails the
run. ``not_a_server_error`` accepts 500 on ``getAttributeFiles`` only (documented there). The
stateful runs must also have stored at least one upload, so a run whose every request is
refused cannot pass.

Bounded by ``max-examples`` (``ATTACHKIT_FUZZ_EXAMPLES`` overrides; scripts/fuzz-mock raises
it) and deterministic (``derandomize``), so a failure reproduces.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import requests

from attachkit.mock import MockServer
from tests.schemathesis_support import (
    examples_from_env,
    huawei_session,
    load,
    parametrize,
    worldserver_session,
)

EXAMPLES = examples_from_env(15)
STATEFUL_EXAMPLES = examples_from_env(15)

codearts = load("codearts-req", EXAMPLES)
coc = load("coc", EXAMPLES)
worldserver = load("worldserver", EXAMPLES)


@pytest.fixture
def huawei(mock: MockServer) -> Iterator[requests.Session]:
    with huawei_session(mock.credentials) as session:
        yield session


@pytest.fixture
def ws(mock: MockServer) -> Iterator[requests.Session]:
    with worldserver_session(mock.base_url, mock.ws_user, mock.ws_password) as session:
        yield session


_SETTINGS = hypothesis.settings(
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
    database=None,
)


@parametrize(codearts)
@_SETTINGS
def test_codearts_req(case: Any, mock: MockServer, huawei: requests.Session) -> None:
    case.call_and_validate(base_url=mock.base_url, session=huawei)


@parametrize(coc)
@_SETTINGS
def test_coc(case: Any, mock: MockServer, huawei: requests.Session) -> None:
    case.call_and_validate(base_url=mock.base_url, session=huawei)


@parametrize(worldserver)
@_SETTINGS
def test_worldserver(case: Any, mock: MockServer, ws: requests.Session) -> None:
    case.call_and_validate(base_url=mock.base_url, session=ws)


def _run_stateful(
    schema: Any, mock: MockServer, session: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Count the uploads the mock really stored: a run whose every request is refused (a broken
    # signature or session) must not pass as "no failures". Counted at commit, not read from
    # the listing afterwards, because the links also delete what they uploaded.
    storage = mock.app.storage
    stored: list[str] = []
    commit = storage.commit

    def counting_commit(*args: Any, **kwargs: Any) -> Any:
        attachment = commit(*args, **kwargs)
        stored.append(attachment.public_id)
        return attachment

    monkeypatch.setattr(storage, "commit", counting_commit)
    base = schema.as_state_machine()

    class Machine(base):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": mock.base_url, "session": session}

    Machine.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
    assert stored, "the stateful run stored no attachment: were all its uploads refused?"


def test_codearts_req_stateful(
    mock: MockServer, huawei: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_stateful(codearts, mock, huawei, monkeypatch)


def test_coc_stateful(
    mock: MockServer, huawei: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_stateful(coc, mock, huawei, monkeypatch)


def test_worldserver_stateful(
    mock: MockServer, ws: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_stateful(worldserver, mock, ws, monkeypatch)
