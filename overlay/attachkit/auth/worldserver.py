"""What the WorldServer sessions share beyond their I/O: credentials, the login request, the
answer's token, the refusal errors, and a clear error for the wrong flavour of httpx client.

The sessions themselves are ``attachkit._async.worldserver_session`` (the single source) and
its generated twin ``attachkit._sync.worldserver_session``; users import both from
``attachkit.facades``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncGenerator, Generator

import httpx

from attachkit.errors import APIError, AuthenticationError, ConfigurationError, api_error_class_for
from attachkit.redaction import loggable_url
from attachkit.untrusted import UntrustedJSONError, load_json

_log = logging.getLogger("attachkit.facades")

LOGIN_PATH = "/ws-api/v1/login"
TOKEN_HEADER = "token"
_SERVICE = "worldserver"
# What a header value can carry unchanged: visible ASCII (no space, tab, CR, LF or NUL), with a
# length bound well above any session id seen, far below a header size a server would refuse.
_MAX_TOKEN = 4096
_USABLE_TOKEN = re.compile(rf"[!-~]{{1,{_MAX_TOKEN}}}")


class _NoAuth(httpx.Auth):
    """Sends a request untouched; the login itself must not go through the session."""


NO_AUTH = _NoAuth()


class SessionBase(httpx.Auth):
    """Credentials, token cache and login parsing of a WorldServer session (either flavour)."""

    def __init__(
        self,
        username: str,
        password: str,
        *,
        endpoint: str | httpx.URL | None = None,
        login_path: str = LOGIN_PATH,
    ) -> None:
        if not isinstance(username, str) or not username:
            raise ConfigurationError("worldserver: username must be a non-empty string")
        if not isinstance(password, str):
            raise ConfigurationError("worldserver: password must be a string")
        self._username = username
        self._password = password
        self._login_url = (
            None if endpoint is None else httpx.URL(str(endpoint).rstrip("/") + login_path)
        )
        self._login_path = login_path
        self._token: str | None = None

    @property
    def username(self) -> str:
        return self._username

    @property
    def token(self) -> str | None:
        """The cached session token, or None before the first login."""
        return self._token

    def invalidate(self) -> None:
        """Forget the cached token; the next request logs in again."""
        self._token = None

    def __repr__(self) -> str:
        state = "logged in" if self._token is not None else "not logged in"
        return f"{type(self).__name__}(username={self._username!r}, password='***', {state})"

    __str__ = __repr__

    # Each session overrides the flow of its own flavour; the other one explains the mistake.
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise TypeError(f"{type(self).__name__} is for httpx.AsyncClient; use WorldServerSession")
        yield request  # pragma: no cover - makes this a generator

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        raise TypeError(f"{type(self).__name__} is for httpx.Client; use AsyncWorldServerSession")
        yield request  # pragma: no cover - makes this an async generator

    def _login_request(self, request: httpx.Request | None) -> httpx.Request:
        url = self._login_url
        if url is None:
            if request is None:
                raise ConfigurationError(
                    "worldserver: the session has no endpoint; give endpoint= to log in early"
                )
            # Without an endpoint the login goes to the server the request is addressed to.
            url = request.url.copy_with(raw_path=self._login_path.encode("ascii"))
        _log.debug("logging in to WorldServer at %s as %r", loggable_url(url), self._username)
        return httpx.Request(
            "POST",
            url,
            json={"username": self._username, "password": self._password},
            # The answer is capped as it arrives (transfer.answers.cap_answer), which can bound
            # only bytes that are not compressed.
            headers={"Accept-Encoding": "identity"},
        )

    def _accept_login(self, response: httpx.Response) -> str:
        """The token from a read login answer; raises an ``APIError`` for any refusal."""
        if response.status_code == 200:
            self._token = _session_token(response)
            return self._token
        body = _json_or_none(response)
        code = body.get("code") if isinstance(body, dict) else None
        if response.status_code == 401:
            raise AuthenticationError(
                401,
                str(code) if code else "BAD_CREDENTIALS",
                f"WorldServer refused the login of user {self._username!r}",
                service=_SERVICE,
                operation="login",
            )
        message = body.get("message") if isinstance(body, dict) else None
        raise api_error_class_for(response.status_code)(
            response.status_code,
            str(code) if code else None,
            self._scrub(str(message)) if message else None,
            service=_SERVICE,
            operation="login",
        )

    def _scrub(self, text: str) -> str:
        # A server that quotes the request back must not put the password into our errors.
        return text.replace(self._password, "***") if self._password else text

    def _refresh_needed(self, failed_token: str) -> bool:
        """After a 401 with ``failed_token``: whether nobody has logged in again since."""
        current = self._token
        if current is None or current == failed_token:
            self._token = None
            return True
        return False


def _session_token(response: httpx.Response) -> str:
    """The ``sessionId`` of a 200 login answer, if it can be sent as the token header.

    The token is never quoted in an error: it is a secret, and one that is not printable ASCII
    (a CR/LF, a non-ASCII letter) would otherwise surface in h11's "Illegal header value" text
    or as a ``UnicodeEncodeError`` on the next request.
    """
    try:
        body = load_json(response.content)
    except UntrustedJSONError as exc:
        raise _invalid_login(f"the login answer does not parse ({exc.reason})") from None
    token = body.get("sessionId") if isinstance(body, dict) else None
    # A number is taken as its digits, as a lenient server might send it.
    if not isinstance(token, str | int) or isinstance(token, bool):
        raise _invalid_login("the login answer has no sessionId")
    if not _USABLE_TOKEN.fullmatch(str(token)):
        raise _invalid_login(
            "the login answer's sessionId is not a usable token "
            f"(1 to {_MAX_TOKEN} visible ASCII characters; not shown)"
        )
    return str(token)


def _invalid_login(problem: str) -> APIError:
    return APIError(200, "INVALID_LOGIN_RESPONSE", problem, service=_SERVICE, operation="login")


def _json_or_none(response: httpx.Response) -> object:
    try:
        return load_json(response.content)
    except UntrustedJSONError:
        return None
