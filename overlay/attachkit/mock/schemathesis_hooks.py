"""schemathesis hooks that authenticate stock ``st run`` against attachkit's specs.

The repository's ``schemathesis.toml`` names this module (``hooks = ...``); elsewhere select it
with ``SCHEMATHESIS_HOOKS=attachkit.mock.schemathesis_hooks``. Then

    attachkit mock serve --port 8080 &
    st run specs/codearts-req.yaml --url http://127.0.0.1:8080

needs nothing else: each request of an operation secured by ``AkSkSignature`` (CodeArts Req,
COC) is signed with AK/SK as the API Gateway expects, and each request of an operation secured
by the WorldServer session token carries the ``token`` header of a login made once per base URL
(the session outlives a run: the mock expires it after 30 idle minutes).

Credentials: ``Credentials.resolve()`` (``HUAWEICLOUD_SDK_AK``/``SK``, the profile file), else
the mock's development account; WorldServer ``ATTACHKIT_WS_USERNAME``/``ATTACHKIT_WS_PASSWORD``
(the names the command line and the library read; ``ATTACHKIT_WS_USER`` still works, with a
DeprecationWarning), else the mock's development user. Nothing secret is printed.

A ``token`` the user gives wins over the hook's: one on ``st run``'s command line
(``-H "token: ..."``) is applied after the hooks by schemathesis itself, and one already on the
case (from a test, say) is left alone, with no login made for it.

Signing happens on the final request (a ``requests`` auth callable), beneath schemathesis: its
``ignored_auth`` probes cannot remove it, which is why ``schemathesis.toml`` turns that check
off (tests/mock/test_mock_auth.py asserts every refusal directly).
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any

import httpx
import schemathesis

from attachkit.auth import AkSkAuth
from attachkit.credentials import Credentials
from attachkit.environment import WS_PASSWORD_ENV, WS_USERNAME_ENV, ws_username
from attachkit.errors import CredentialsNotFoundError
from attachkit.mock.config import DEV_AK, DEV_SK, DEV_WS_PASSWORD, DEV_WS_USER

__all__ = ["RequestsAkSkAuth", "before_call", "huawei_credentials", "worldserver_token"]

ENV_WS_USERNAME = WS_USERNAME_ENV
ENV_WS_PASSWORD = WS_PASSWORD_ENV
_AKSK_SCHEME = "AkSkSignature"
_TOKEN_SCHEMES = ("SessionTokenHeader", "SessionTokenQuery")


class RequestsAkSkAuth:
    """attachkit's httpx ``AkSkAuth`` applied to a ``requests`` request (schemathesis's client).

    ``requests`` calls any auth callable with the prepared request just before sending it.
    """

    def __init__(self, credentials: Credentials) -> None:
        self._auth = AkSkAuth(credentials)

    def __call__(self, prepared: Any) -> Any:
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

    def __repr__(self) -> str:
        return "RequestsAkSkAuth(***)"


@functools.cache
def huawei_credentials() -> Credentials:
    try:
        return Credentials.resolve()
    except CredentialsNotFoundError:
        return Credentials(ak=DEV_AK, sk=DEV_SK)


_tokens: dict[str, str] = {}
_tokens_lock = threading.Lock()


def worldserver_token(base_url: str) -> str:
    """A session token for ``base_url``, logged in on first use and reused for the run."""
    with _tokens_lock:
        if base_url not in _tokens:
            username = ws_username() or DEV_WS_USER
            password = os.environ.get(ENV_WS_PASSWORD, DEV_WS_PASSWORD)
            answer = httpx.post(
                f"{base_url}/ws-api/v1/login",
                json={"username": username, "password": password},
                timeout=30,
            )
            if answer.status_code != 200:
                raise RuntimeError(f"WorldServer login as {username!r}: HTTP {answer.status_code}")
            _tokens[base_url] = str(answer.json()["sessionId"])
        return _tokens[base_url]


def _schemes(case: Any) -> set[str]:
    """The security schemes that apply to the case's operation."""
    raw = case.operation.schema.raw_schema
    security = case.operation.definition.raw.get("security", raw.get("security", []))
    return {name for requirement in security for name in requirement}


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    schemes = _schemes(case)
    if _AKSK_SCHEME in schemes:
        kwargs["auth"] = RequestsAkSkAuth(huawei_credentials())
    elif schemes & set(_TOKEN_SCHEMES):
        headers = case.headers or {}
        if any(name.lower() == "token" for name in headers):
            return  # the user's own token: not replaced
        base_url = case.operation.schema.get_base_url()
        case.headers = {**headers, "token": worldserver_token(base_url)}
