"""schemathesis over every spec against the mock service: zero failures allowed.

Positive and negative data for every operation, then stateful runs that follow the specs'
links (upload -> list -> download -> delete). CodeArts Req and COC requests are signed with
attachkit's ``AkSkAuth``; WorldServer requests carry a session token from a real login.

Excluded checks, with reasons (see ``schemathesis_support.EXCLUDED_CHECKS``):

- ``ignored_auth``: credentials are attached beneath schemathesis (a requests auth hook that
  signs each request, a session header for the token), so its "remove the auth" probes get
  re-authenticated; tests/test_mock_auth.py covers every refusal directly instead.
- ``object_level_authorization``: needs two identities with private data; neither the services
  nor the mock have per-identity ownership inside an account.

Adjusted expectations: ``positive_data_acceptance`` also accepts 400 (documented for
well-formed unknown ids, COC file types and unattached WorldServer files), and
``not_a_server_error`` accepts 500 on ``getAttributeFiles`` only (documented there).

Bounded by ``max-examples`` (``ATTACHKIT_FUZZ_EXAMPLES`` overrides; scripts/fuzz-mock raises
it) and deterministic (``derandomize``), so a failure reproduces.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import requests
from schemathesis_support import (
    examples_from_env,
    huawei_session,
    load,
    worldserver_session,
)

from attachkit.mock import MockServer

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


@codearts.parametrize()
@_SETTINGS
def test_codearts_req(case: Any, mock: MockServer, huawei: requests.Session) -> None:
    case.call_and_validate(base_url=mock.base_url, session=huawei)


@coc.parametrize()
@_SETTINGS
def test_coc(case: Any, mock: MockServer, huawei: requests.Session) -> None:
    case.call_and_validate(base_url=mock.base_url, session=huawei)


@worldserver.parametrize()
@_SETTINGS
def test_worldserver(case: Any, mock: MockServer, ws: requests.Session) -> None:
    case.call_and_validate(base_url=mock.base_url, session=ws)


def _run_stateful(schema: Any, mock: MockServer, session: requests.Session) -> None:
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


def test_codearts_req_stateful(mock: MockServer, huawei: requests.Session) -> None:
    _run_stateful(codearts, mock, huawei)


def test_coc_stateful(mock: MockServer, huawei: requests.Session) -> None:
    _run_stateful(coc, mock, huawei)


def test_worldserver_stateful(mock: MockServer, ws: requests.Session) -> None:
    _run_stateful(worldserver, mock, ws)
