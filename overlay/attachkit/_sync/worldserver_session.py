# Generated from overlay/attachkit/_async/worldserver_session.py by scripts/unasync: do not edit.
"""A WorldServer session as an ``httpx.Auth`` for an ``httpx.Client``.

The sync twin ``WorldServerSession`` is generated from the async source by ``scripts/unasync``.
Import both from ``attachkit.facades``.
"""

from __future__ import annotations

import logging
from collections.abc import Generator

import httpx

from attachkit._synchronization import Lock
from attachkit.auth.worldserver import LOGIN_PATH, NO_AUTH, TOKEN_HEADER, SessionBase
from attachkit.transfer.answers import cap_answer

_log = logging.getLogger("attachkit.facades")


class WorldServerSession(SessionBase):
    """A WorldServer session for an ``httpx.Client``: ``httpx.Client(auth=session)``.

    ``endpoint`` (e.g. ``https://ws.example.com:8443``) says where to log in; without it the
    login goes to the host of the first request. Concurrent requests share one login.
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
        self._lock = Lock()

    def login(self, client: httpx.Client) -> None:
        """Log in now (again, if already logged in), e.g. to check the password early."""
        with self._lock:
            response = client.send(self._login_request(None), auth=NO_AUTH, stream=True)
            try:
                cap_answer(response)
                response.read()
            finally:
                response.close()
            self._accept_login(response)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        token = self._token
        if token is None:
            # The lock is held across the login's round trip, which this same flow drives;
            # other requests wait here and then find the token in place.
            with self._lock:
                token = self._token
                if token is None:
                    login_response = yield self._login_request(request)
                    cap_answer(login_response)
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
                cap_answer(login_response)
                login_response.read()
                token = self._accept_login(login_response)
            else:
                token = self._token or token
        request.headers[TOKEN_HEADER] = token
        yield request
