"""WorldServer session tokens: log in lazily, reuse the token, log in again once on 401.

``WorldServerSession`` (sync) and ``AsyncWorldServerSession`` are ``httpx.Auth`` objects: give
one to an ``httpx.Client`` / ``httpx.AsyncClient`` (``auth=session``) and every request gets
the ``token`` header. The login goes through the same client, so it uses the same transport,
proxies and timeouts. The token travels in a header, never in the URL, so it stays out of
access logs. Concurrent requests share one login: a thread (or task) that finds no token waits
for the one already logging in instead of logging in itself.

A request answered 401 is repeated once with a fresh token. Its body must be replayable for
that (bytes, JSON, or a multipart upload from seekable files); a one-shot generator body
cannot be sent twice, and httpx then raises ``httpx.StreamConsumed`` (the facades' own upload
body read from a pipe raises ``attachkit.errors.BodyNotReplayableError``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncGenerator, Generator

import httpx

from attachkit.errors import APIError, AuthenticationError, ConfigurationError, api_error_class_for

__all__ = ["WorldServerSession", "AsyncWorldServerSession", "LOGIN_PATH", "TOKEN_HEADER"]

_log = logging.getLogger(__name__)

LOGIN_PATH = "/ws-api/v1/login"
TOKEN_HEADER = "token"
_SERVICE = "worldserver"


class _NoAuth(httpx.Auth):
    """Sends a request untouched; the login itself must not go through the session."""


_NO_AUTH = _NoAuth()


class _SessionBase:
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

    def _login_request(self, request: httpx.Request | None) -> httpx.Request:
        url = self._login_url
        if url is None:
            if request is None:
                raise ConfigurationError(
                    "worldserver: the session has no endpoint; give endpoint= to log in early"
                )
            # Without an endpoint the login goes to the server the request is addressed to.
            url = request.url.copy_with(raw_path=self._login_path.encode("ascii"))
        _log.debug("logging in to WorldServer at %s as %r", url, self._username)
        return httpx.Request(
            "POST", url, json={"username": self._username, "password": self._password}
        )

    def _accept_login(self, response: httpx.Response) -> str:
        """The token from a read login answer; raises an ``APIError`` for any refusal."""
        body = _json_or_none(response)
        if response.status_code == 200:
            token = body.get("sessionId") if isinstance(body, dict) else None
            if not isinstance(token, str | int) or isinstance(token, bool) or str(token) == "":
                raise APIError(
                    response.status_code,
                    "INVALID_LOGIN_RESPONSE",
                    "the login answer has no sessionId",
                    service=_SERVICE,
                    operation="login",
                )
            self._token = str(token)
            return self._token
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


def _json_or_none(response: httpx.Response) -> object:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


class WorldServerSession(_SessionBase, httpx.Auth):
    """A WorldServer session for a sync ``httpx.Client``: ``httpx.Client(auth=session)``.

    ``endpoint`` (e.g. ``https://ws.example.com:8443``) says where to log in; without it the
    login goes to the host of the first request. Thread-safe.
    """

    def __init__(
        self,
        username: str,
        password: str,
        *,
        endpoint: str | httpx.URL | None = None,
        login_path: str = LOGIN_PATH,
    ) -> None:
        super().__init__(username, password, endpoint=endpoint, login_path=login_path)
        self._lock = threading.Lock()

    def login(self, client: httpx.Client) -> None:
        """Log in now (again, if already logged in), e.g. to check the password early."""
        with self._lock:
            response = client.send(self._login_request(None), auth=_NO_AUTH)
            response.read()
            self._accept_login(response)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        token = self._token
        if token is None:
            # The lock is held across the login's round trip, which this same thread drives;
            # other threads wait here and then find the token in place.
            with self._lock:
                token = self._token
                if token is None:
                    login_response = yield self._login_request(request)
                    login_response.read()
                    token = self._accept_login(login_response)
        request.headers[TOKEN_HEADER] = token
        response = yield request
        if response.status_code != 401:
            return

        with self._lock:
            if self._refresh_needed(token):
                _log.debug("WorldServer token refused; logging in again as %r", self._username)
                login_response = yield self._login_request(request)
                login_response.read()
                token = self._accept_login(login_response)
            else:
                token = self._token or token
        request.headers[TOKEN_HEADER] = token
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        raise TypeError("WorldServerSession is for httpx.Client; use AsyncWorldServerSession")
        yield request  # pragma: no cover - makes this an async generator


class AsyncWorldServerSession(_SessionBase, httpx.Auth):
    """A WorldServer session for an ``httpx.AsyncClient``; safe across concurrent tasks."""

    def __init__(
        self,
        username: str,
        password: str,
        *,
        endpoint: str | httpx.URL | None = None,
        login_path: str = LOGIN_PATH,
    ) -> None:
        super().__init__(username, password, endpoint=endpoint, login_path=login_path)
        self._lock = asyncio.Lock()

    async def login(self, client: httpx.AsyncClient) -> None:
        """Log in now (again, if already logged in), e.g. to check the password early."""
        async with self._lock:
            response = await client.send(self._login_request(None), auth=_NO_AUTH)
            await response.aread()
            self._accept_login(response)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise TypeError("AsyncWorldServerSession is for httpx.AsyncClient; use WorldServerSession")
        yield request  # pragma: no cover - makes this a generator

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._token
        if token is None:
            async with self._lock:
                token = self._token
                if token is None:
                    login_response = yield self._login_request(request)
                    await login_response.aread()
                    token = self._accept_login(login_response)
        request.headers[TOKEN_HEADER] = token
        response = yield request
        if response.status_code != 401:
            return

        async with self._lock:
            if self._refresh_needed(token):
                _log.debug("WorldServer token refused; logging in again as %r", self._username)
                login_response = yield self._login_request(request)
                await login_response.aread()
                token = self._accept_login(login_response)
            else:
                token = self._token or token
        request.headers[TOKEN_HEADER] = token
        yield request
