"""Running the mock with uvicorn: in the foreground (the CLI) or in a background thread (tests).

Both bind the listening socket themselves, so port 0 works and the real port is known before
the first request. Access logging stays off: WorldServer tokens travel in query strings, and
the mock must not write them to a log.

The mock is for one machine: binding an address beyond loopback needs ``allow_remote`` (the
CLI's ``--allow-remote``), since anyone who can reach it can use its accounts.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import httpx
import uvicorn

from attachkit.mock.app import MockApp
from attachkit.mock.asgi import Receive, Scope
from attachkit.mock.config import CONTROL_TOKEN_HEADER, MockConfig
from attachkit.mock.faults import Faults
from attachkit.mock.guard import (
    ACCEPT_BACKLOG,
    ConnectionLimits,
    check_uvicorn_version,
    default_max_connections,
    guarded_protocol,
)
from attachkit.mock.journal import Journal, JournalEntry
from attachkit.mock.responses import Send

__all__ = [
    "MockServer",
    "RemoteBindRefused",
    "ServedApp",
    "ServerThread",
    "bind_socket",
    "is_loopback",
    "url_of",
    "uvicorn_config",
]


class RemoteBindRefused(ValueError):
    """A host beyond loopback was asked for without ``allow_remote``."""


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def check_bind_host(host: str, allow_remote: bool) -> None:
    if not allow_remote and not is_loopback(host):
        raise RemoteBindRefused(
            f"{host} is reachable from other machines; the mock accepts public development "
            "credentials and a control API that wipes its data. Pass --allow-remote "
            "(MockServer(allow_remote=True)) if that is really wanted."
        )


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not the default 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets
    # whose proto says TCP, and with Nagle on, a small body written after its headers waits
    # for the client's delayed ACK: 40 ms per small response.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


class ServedApp(Protocol):
    """What ``uvicorn_config`` serves: an ASGI app with the mock's connection settings."""

    config: MockConfig

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None: ...


def uvicorn_config(app: ServedApp, log_level: str = "warning", **options: Any) -> uvicorn.Config:
    """uvicorn's settings for the mock (``options`` override them: the proxy's differ)."""
    config = app.config
    limits = ConnectionLimits(
        header_timeout=config.header_timeout_seconds,
        body_timeout=config.body_timeout_seconds,
        max_connections=config.max_connections or default_max_connections(),
    )
    settings: dict[str, Any] = dict(
        http=guarded_protocol(limits),
        # The mock is nobody's backend: a client's X-Forwarded-For must not change the address
        # in the scope, which is how a cut or reset fault finds its connection.
        proxy_headers=False,
        lifespan="off",
        access_log=False,
        log_level=log_level,
        # Big downloads and uploads: never let an idle keep-alive or a slow client be the
        # thing a test measures.
        timeout_keep_alive=30,
        backlog=ACCEPT_BACKLOG,
    )
    return uvicorn.Config(app, **{**settings, **options})


class ServerThread:
    """uvicorn serving ``app`` on an already bound socket, in a daemon thread."""

    def __init__(
        self, app: ServedApp, sock: socket.socket, name: str, log_level: str, **options: Any
    ) -> None:
        self._sock = sock
        self._name = name
        self._server = uvicorn.Server(uvicorn_config(app, log_level, **options))
        self._thread: threading.Thread | None = None

    def start(self, timeout: float) -> bool:
        """Run it; False when it did not start within ``timeout`` seconds (it is stopped)."""
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            name=self._name,
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop(timeout)
                return False
            time.sleep(0.01)
        return True

    def stop(self, timeout: float) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(timeout)
            self._thread = None
        self._sock.close()


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class MockServer:
    """The mock service on 127.0.0.1 in a background thread; a context manager.

    >>> with MockServer() as mock:
    ...     mock.base_url  # 'http://127.0.0.1:<port>'
    """

    def __init__(
        self,
        config: MockConfig | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
        clock: Callable[[], float] = time.monotonic,
        allow_remote: bool = False,
    ) -> None:
        """``clock`` times lock-outs and session expiry (see ``MockApp``); tests fake it.

        Raises ``RemoteBindRefused`` for a host beyond loopback without ``allow_remote``, and
        ``UntestedUvicorn`` on a uvicorn release the connection guard was not tested with.
        """
        check_bind_host(host, allow_remote)
        check_uvicorn_version()  # before anything is opened that would need closing
        self.config = config or MockConfig()
        self.host = host
        self.app = MockApp(self.config, clock=clock)
        #: The ``/_mock/`` token (``config.control_token``, or the one generated at start).
        self.control_token: str = self.app.control_token
        try:
            self._sock = bind_socket(host, port)
        except BaseException:
            self.app.close()
            raise
        self.port: int = self._sock.getsockname()[1]
        self._runner = ServerThread(self.app, self._sock, f"attachkit-mock-{self.port}", log_level)

    # -- what tests use --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return url_of(self.host, self.port)

    @property
    def url(self) -> str:
        """The same as ``base_url``: what the ``attachkit_mock`` pytest fixture calls it."""
        return self.base_url

    @property
    def faults(self) -> Faults:
        return self.app.faults

    @property
    def journal(self) -> Journal:
        """The request journal itself (``.entries()``, ``.clear()``)."""
        return self.app.journal

    @property
    def requests(self) -> list[JournalEntry]:
        """The requests answered so far, oldest first (a copy; ``journal.clear()`` empties
        it): what ``GET /_mock/requests`` lists."""
        return self.app.journal.entries()

    def snapshot(self, name: str) -> int:
        """Save the stored data as ``name`` (``POST /_mock/snapshot``); returns how many
        attachments it holds."""
        return self.app.snapshots.save(name)

    def restore(self, name: str) -> int:
        """Bring back what ``snapshot(name)`` saved (``POST /_mock/restore``)."""
        return self.app.snapshots.restore(name)

    @property
    def data_dir(self) -> Path:
        return self.app.storage.root

    @property
    def credentials(self) -> Any:
        """The first configured AK/SK as ``attachkit.Credentials`` (with its token, if any)."""
        from attachkit.credentials import Credentials

        account = next(iter(self.config.accounts.values()))
        return Credentials(ak=account.ak, sk=account.sk, security_token=account.security_token)

    @property
    def ws_user(self) -> str:
        return next(iter(self.config.ws_users))

    @property
    def ws_username(self) -> str:
        """The same as ``ws_user``."""
        return self.ws_user

    @property
    def ws_password(self) -> str:
        return self.config.ws_users[self.ws_user]

    @property
    def control_headers(self) -> dict[str, str]:
        """The header a ``/_mock/`` request needs: ``{"X-Attachkit-Mock-Token": token}``."""
        return {CONTROL_TOKEN_HEADER: self.control_token}

    def control_client(self, **options: Any) -> httpx.Client:
        """An httpx client for ``/_mock/`` on this server, sending the control token."""
        headers = {**self.control_headers, **options.pop("headers", {})}
        return httpx.Client(base_url=self.base_url, headers=headers, **options)

    def reset(self) -> None:
        """Clear attachments, faults, lock-outs and sessions (like ``POST /_mock/reset``).

        In-process, like ``faults``: it calls the app directly, so it needs no token.
        """
        self.app.reset()

    # -- life cycle ------------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> MockServer:
        if not self._runner.start(timeout):
            self.app.close()
            raise RuntimeError("the mock service did not start")
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._runner.stop(timeout)
        self.app.close()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
