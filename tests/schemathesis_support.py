"""Running schemathesis against the in-process mock: config, signed sessions, state machines.

Shared by tests/test_schemathesis_*.py and scripts/fuzz-mock (which raises the example counts).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import requests
import schemathesis
from requests.auth import AuthBase

from attachkit import specs
from attachkit.auth import AkSkAuth
from attachkit.credentials import Credentials

# Checks left out, and why (each is covered another way or cannot apply):
EXCLUDED_CHECKS = {
    # The AK/SK signature is computed per request by a requests auth hook below and the session
    # token is a session header, so schemathesis's probes cannot strip them: every probe would
    # be re-authenticated and reported as "auth ignored". tests/mock/test_mock_auth.py asserts the
    # 401s for a missing, bad, stale or locked signature and a missing/invalid/expired token.
    "ignored_auth": "credentials are added below schemathesis, so its probes cannot remove them",
    # Needs two identities with separate data; the real services share one tenant per account
    # and so does the mock (any valid AK sees every attachment of a project it names).
    "object_level_authorization": "the services have no per-identity ownership to check",
}

# What positive (schema-valid) data may get back: only what the specs document for a valid
# request. 2xx, and 400: CodeArts Req and COC document 400 (PM.*/GOM.*) for a well-formed id
# that does not exist, COC for a file name without an accepted extension, and WorldServer 400
# "Source asset is not available" for an unattached file fetched without its downloadToken.
# 401/403/409/429 are deliberately NOT here: every request is authenticated, so a 401 means the
# signing or the session broke, and the run must fail (it used to pass with a wrong SK).
POSITIVE_STATUSES = ["2xx", "400"]

# Per-operation expectations (operationId -> check -> statuses), each documented by the spec:
OPERATION_STATUSES: dict[str, dict[str, list[str]]] = {
    # Random username/password pairs are well formed but name no account: 401 Bad credentials.
    "login": {"positive_data_acceptance": [*POSITIVE_STATUSES, "401"]},
    # 404 for an attribute definition / resource / file name that does not exist.
    "uploadAttributeFile": {"positive_data_acceptance": [*POSITIVE_STATUSES, "404"]},
    "getAttributeFiles": {
        "positive_data_acceptance": [*POSITIVE_STATUSES, "404"],
        # WorldServer documents 500 for a non-numeric resourceId and an unknown resourceType.
        "not_a_server_error": ["2xx", "3xx", "4xx", "500"],
    },
}


def config_toml(max_examples: int) -> str:
    excluded = "\n".join(f"{name}.enabled = false" for name in EXCLUDED_CHECKS)
    operations = "".join(
        f'\n[[operations]]\ninclude-operation-id = "{operation_id}"\n'
        + "".join(
            f"checks.{check}.expected-statuses = {statuses!r}\n"
            for check, statuses in checks.items()
        )
        for operation_id, checks in OPERATION_STATUSES.items()
    )
    return f"""
[generation]
mode = "all"  # positive and negative data
max-examples = {max_examples}
deterministic = true
# The auth comes from the session (signatures cannot be generated), not from generated values.
with-security-parameters = false

[checks]
{excluded}
positive_data_acceptance.expected-statuses = {POSITIVE_STATUSES!r}
{operations}""".replace("'", '"')


_Test = TypeVar("_Test", bound=Callable[..., None])


def parametrize(schema: Any) -> Callable[[_Test], _Test]:
    """``schema.parametrize()``, typed: schemathesis leaves its decorators unannotated."""
    decorator: Callable[[_Test], _Test] = schema.parametrize()
    return decorator


def load(service: str, max_examples: int) -> Any:
    config = schemathesis.Config.from_str(config_toml(max_examples))
    return schemathesis.openapi.from_path(str(specs.spec_path(service)), config=config)


class RequestsAkSkAuth(AuthBase):
    """attachkit's httpx ``AkSkAuth`` applied to a ``requests`` request (schemathesis's client)."""

    def __init__(self, credentials: Credentials) -> None:
        self._auth = AkSkAuth(credentials)

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        body = prepared.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        # schemathesis sends whole bodies (bytes or text), never a stream.
        assert body is None or isinstance(body, bytes), type(body)
        headers = {
            k: v if isinstance(v, str) else v.decode("latin-1")
            for k, v in prepared.headers.items()
            if k.lower() != "authorization"
        }
        request = httpx.Request(
            prepared.method or "GET", prepared.url or "", headers=headers, content=body or b""
        )
        self._auth.sign(request)
        prepared.url = str(request.url)
        for name, value in request.headers.items():
            if name.lower() not in ("host", "content-length"):
                prepared.headers[name] = value
        return prepared


def huawei_session(credentials: Credentials) -> requests.Session:
    session = requests.Session()
    session.auth = RequestsAkSkAuth(credentials)
    return session


def worldserver_session(base_url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(
        f"{base_url}/ws-api/v1/login", json={"username": username, "password": password}
    )
    answer.raise_for_status()
    session.headers["token"] = answer.json()["sessionId"]
    return session


def examples_from_env(default: int) -> int:
    return int(os.environ.get("ATTACHKIT_FUZZ_EXAMPLES", default))
