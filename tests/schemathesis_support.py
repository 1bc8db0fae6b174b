"""Running schemathesis against the in-process mock: config, signed sessions, state machines.

Shared by tests/test_schemathesis_*.py and scripts/fuzz-mock (which raises the example counts).
"""

from __future__ import annotations

import os
from typing import Any

import httpx
import requests
import schemathesis
from requests.auth import AuthBase

from attachkit import specs
from attachkit.credentials import Credentials
from attachkit.signing import AkSkAuth

# Checks left out, and why (each is covered another way or cannot apply):
EXCLUDED_CHECKS = {
    # The AK/SK signature is computed per request by a requests auth hook below and the session
    # token is a session header, so schemathesis's probes cannot strip them: every probe would
    # be re-authenticated and reported as "auth ignored". tests/test_mock_auth.py asserts the
    # 401s for a missing, bad, stale or locked signature and a missing/invalid/expired token.
    "ignored_auth": "credentials are added below schemathesis, so its probes cannot remove them",
    # Needs two identities with separate data; the real services share one tenant per account
    # and so does the mock (any valid AK sees every attachment of a project it names).
    "object_level_authorization": "the services have no per-identity ownership to check",
}

# Positive data legitimately gets 400 here: CodeArts Req and COC document 400 (PM.*/GOM.*) for
# a well-formed id that does not exist, COC for a file name without an accepted extension, and
# WorldServer 400 "Source asset is not available" for an unattached file fetched without its
# downloadToken. Every other status schemathesis expects for positive data stays as it is.
POSITIVE_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]


def config_toml(max_examples: int) -> str:
    excluded = "\n".join(f"{name}.enabled = false" for name in EXCLUDED_CHECKS)
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

# WorldServer documents 500 for a non-numeric resourceId and an unknown resourceType.
[[operations]]
include-operation-id = "getAttributeFiles"
checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "500"]
""".replace("'", '"')


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
        headers = {k: v for k, v in prepared.headers.items() if k.lower() != "authorization"}
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
