"""The validating proxy: forward every request to a real service, check its answers against the
specs, change nothing.

``attachkit mock proxy --upstream https://projectman-ext.cn-north-4.myhuaweicloud.com`` listens
on 127.0.0.1 and sends each request on to the upstream (method, path, query, headers and body,
the body streamed), and each answer back as it came: the status, the upstream's headers (but
the hop-by-hop ones, which belong to each connection) and the body bytes exactly, undecoded.
Meanwhile it judges every answer to a spec operation (``conformance``): documented status,
Content-Type, required headers, and a JSON body's shape. Each departure is logged once per
operation and field and listed by ``GET /_mock/violations``; ``/_mock/`` is answered by the
proxy itself (health, violations, and the journal of what it forwarded), never forwarded.

The Host header and AK/SK signatures. A signature covers ``Host``, so the upstream must see
the Host the client signed; the proxy therefore forwards ``Host`` unchanged, and a signing
client sets it to the upstream's host (``host[:port]``, no default port) while connecting to
the proxy: ``httpx.Client(base_url=proxy_url, headers={"Host": "projectman-ext...com"},
auth=AkSkAuth(...))``. That works for HTTPS upstreams too: the client speaks plain HTTP to
the proxy, the proxy speaks TLS to the upstream (verifying its certificate for the host in
``--upstream``). A request whose Host names the proxy itself (a client that did not set it:
WorldServer, whose requests are not signed) is sent with the upstream's host instead. For a
plain-HTTP upstream, a client may instead use the proxy as an HTTP proxy (httpx's
``proxy=``): it then sends the upstream's Host by itself. That does not work for HTTPS, where
a client asks an HTTP proxy for a tunnel the proxy cannot look into.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import AsyncIterator
from typing import Any

import httpx

from attachkit.auth.canonical import UNSIGNABLE_HEADERS
from attachkit.mock import transport
from attachkit.mock.asgi import ClientGone, Receive, Scope, header_dict
from attachkit.mock.config import CONTROL_TOKEN_HEADER, MockConfig
from attachkit.mock.conformance import MAX_CHECKED_BODY, Conformance, Violation
from attachkit.mock.control import ControlEndpoint, ControlRoute, journal_routes
from attachkit.mock.journal import DEFAULT_JOURNAL_SIZE, Journal
from attachkit.mock.responses import EmptyResponse, JSONResponse, Response, Send
from attachkit.mock.routing import Route

__all__ = [
    "HOP_BY_HOP",
    "PROXY_UVICORN_OPTIONS",
    "ProxyApp",
    "ProxyServer",
    "Violations",
    "parse_upstream",
]

log = logging.getLogger("attachkit.mock.proxy")

# Headers that belong to one connection, not to the request (RFC 9110 7.6.1): never forwarded
# either way. The same set the AK/SK signer leaves unsigned, so dropping them cannot break a
# signature; the Authorization header itself is forwarded, of course.
HOP_BY_HOP = UNSIGNABLE_HEADERS - {b"authorization"}
MAX_VIOLATIONS = 1000  # distinct (operation, field) pairs kept; a hostile upstream cannot grow it
_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=120.0, pool=30.0)


def parse_upstream(text: str) -> httpx.URL:
    """``http(s)://host[:port]``: the spec paths are absolute, so no path, query or user."""
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ValueError(f"the upstream is not a URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("the upstream must be an http:// or https:// URL with a host")
    if url.raw_path not in (b"", b"/") or url.fragment or url.userinfo:
        raise ValueError("the upstream is scheme://host[:port] only (no path, query or user)")
    return url.copy_with(raw_path=b"/")


def _host_header(url: httpx.URL) -> bytes:
    default = {"http": 80, "https": 443}[url.scheme]
    host = url.raw_host
    if b":" in host:
        host = b"[" + host + b"]"
    return host if url.port in (None, default) else host + b":" + str(url.port).encode()


class Violations:
    """The departures seen, one per (service, operation, field), each logged once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(self, violation: Violation) -> None:
        key = (violation.service, violation.operation_id, violation.field)
        with self._lock:
            known = self._seen.get(key)
            if known is not None:
                known["count"] += 1
                return
            if len(self._seen) >= MAX_VIOLATIONS:
                return
            self._seen[key] = {**violation.to_json(), "count": 1}
        log.warning(
            "spec departure: %s %s answered %d, %s: the spec says %s, came %s",
            violation.service,
            violation.operation_id,
            violation.status,
            violation.field,
            violation.expected,
            violation.got,
        )

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(entry) for entry in self._seen.values()]

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()

    def routes(self) -> dict[tuple[str, str], ControlRoute]:
        def clear(_data: Any) -> Response:
            self.clear()
            return EmptyResponse(204)

        return {
            ("GET", "/_mock/violations"): lambda _data: JSONResponse(200, self.list()),
            ("DELETE", "/_mock/violations"): clear,
        }


class ProxyApp:
    """The ASGI app of the proxy. ``config`` gives the connection limits and time-outs."""

    def __init__(
        self,
        upstream: str,
        *,
        config: MockConfig | None = None,
        control_token: str | None = None,
        journal_size: int = DEFAULT_JOURNAL_SIZE,
        upstream_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.upstream = parse_upstream(upstream)
        #: The Host a client signs for: the upstream's ``host[:port]``, without a default port.
        self.upstream_host = _host_header(self.upstream).decode("ascii")
        self.config = config or MockConfig()
        self.conformance = Conformance()
        self.violations = Violations()
        self.journal = Journal(journal_size, self._operation_of)
        self.control_token = control_token or self.config.control_token or secrets.token_urlsafe(24)
        self.control = ControlEndpoint(
            self.control_token,
            {**journal_routes(self.journal), **self.violations.routes()},
            # The departures name operations and fields and describe what came, never a
            # value: a CI job may read them without the token. Clearing them needs it.
            open_routes=frozenset({("GET", "/_mock/violations")}),
        )
        self._upstream_transport = upstream_transport
        self._client: httpx.AsyncClient | None = None

    def _operation_of(self, method: str, raw_path: str) -> tuple[str, str] | None:
        route = self.conformance.route(method, raw_path)
        return None if route is None else (route.service, route.operation_id)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            if self.control.owns(scope["path"]):
                await self.control(scope, receive, send)
            else:
                await self.journal.record(scope, receive, send, self._forward)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _client_for_loop(self) -> httpx.AsyncClient:
        # Made on first use, inside the server's event loop, which it belongs to. No
        # environment proxy: the upstream is the one named, and it gets the request as sent.
        if self._client is None:
            self._client = httpx.AsyncClient(
                transport=self._upstream_transport,
                timeout=_TIMEOUT,
                follow_redirects=False,
                trust_env=False,
            )
        return self._client

    # -- forwarding ------------------------------------------------------------------------------

    def _request(self, scope: Scope, receive: Receive) -> httpx.Request:
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        query: bytes = scope.get("query_string", b"")
        url = self.upstream.copy_with(raw_path=raw_path + (b"?" + query if query else b""))
        headers: list[tuple[bytes, bytes]] = []
        has_body = False
        for name, value in scope["headers"]:
            lower = name.lower()
            if lower in HOP_BY_HOP:
                has_body = has_body or lower == b"transfer-encoding"
                continue
            if lower == b"host" and self._names_proxy(value, scope):
                value = self.upstream_host.encode("ascii")
            if lower == b"content-length":
                has_body = has_body or value.strip() not in (b"", b"0")
            headers.append((name, value))
        # httpx.Request adds only what framing needs (Content-Length or chunked for the body),
        # never a client's defaults (Accept-Encoding, User-Agent): the upstream gets what came.
        return httpx.Request(
            scope["method"], url, headers=headers, content=_body(receive) if has_body else None
        )

    @staticmethod
    def _names_proxy(host: bytes, scope: Scope) -> bool:
        """Whether a Host header names this proxy (so the client did not sign for upstream)."""
        server = scope.get("server")
        if not server:
            return False
        name, _, port = host.decode("latin-1").strip().rpartition(":")
        if not name or "]" in port:
            name, port = host.decode("latin-1").strip(), ""
        own = {str(server[0]), f"[{server[0]}]", "localhost", "127.0.0.1", "[::1]"}
        return name.lower() in own and port == str(server[1])

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        method: str = scope["method"]
        request = self._request(scope, receive)
        try:
            response = await self._client_for_loop().send(request, stream=True)
        except ClientGone:
            return
        except httpx.TimeoutException:
            await _gateway_error(send, 504, "the upstream did not answer in time")
            return
        except httpx.HTTPError as exc:
            log.warning(
                "the upstream %s could not be reached: %s", self.upstream, type(exc).__name__
            )
            await _gateway_error(send, 502, "the upstream could not be reached")
            return
        try:
            await self._answer(scope, method, response, send)
        finally:
            await response.aclose()

    async def _answer(
        self, scope: Scope, method: str, response: httpx.Response, send: Send
    ) -> None:
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        route = self.conformance.route(method, raw_path.decode("latin-1"))
        status = response.status_code
        received = header_dict(list(response.headers.raw))
        held: bytearray | None = None
        if route is not None:
            for violation in self.conformance.check_head(route, method, status, received):
                self.violations.add(violation)
            if self.conformance.wants_body(route, method, status, received):
                held = bytearray()
        headers = [(k, v) for k, v in response.headers.raw if k.lower() not in HOP_BY_HOP]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        # Each chunk goes out once the next has come, and the last only after the body is
        # judged: a client holding the whole answer (a Content-Length body is complete at its
        # last byte) finds it judged and in the journal.
        pending = b""
        try:
            async for chunk in response.aiter_raw():
                if held is not None:
                    if len(held) + len(chunk) <= MAX_CHECKED_BODY:
                        held += chunk
                    else:
                        held = None  # too long to hold: passed on unchecked
                if pending:
                    await send({"type": "http.response.body", "body": pending, "more_body": True})
                pending = chunk
        except httpx.HTTPError as exc:
            # The status is sent: the one honest way left to say the answer broke is to
            # break the connection, as the upstream's did.
            log.warning("the upstream's answer broke off: %s", type(exc).__name__)
            await transport.close(scope)
            return
        if held is not None and route is not None:
            self._judge_body(route, status, bytes(held))
        await send({"type": "http.response.body", "body": pending, "more_body": False})

    def _judge_body(self, route: Route, status: int, body: bytes) -> None:
        for violation in self.conformance.check_body(route, status, body):
            self.violations.add(violation)


async def _body(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone()
        chunk: bytes = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return


async def _gateway_error(send: Send, status: int, message: str) -> None:
    await JSONResponse(status, {"message": message, "source": "attachkit mock proxy"}).send(send)


class ProxyServer:
    """The validating proxy on 127.0.0.1 in a background thread; a context manager (tests)."""

    def __init__(
        self,
        upstream: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        control_token: str | None = None,
        log_level: str = "warning",
    ) -> None:
        from attachkit.mock.server import ServerThread, bind_socket, check_bind_host

        check_bind_host(host, allow_remote=False)
        self.host = host
        self.app = ProxyApp(upstream, control_token=control_token)
        self.control_token: str = self.app.control_token
        self._sock = bind_socket(host, port)
        self.port: int = self._sock.getsockname()[1]
        self._runner = ServerThread(
            self.app,
            self._sock,
            f"attachkit-proxy-{self.port}",
            log_level,
            **PROXY_UVICORN_OPTIONS,
        )

    @property
    def url(self) -> str:
        from attachkit.mock.server import url_of

        return url_of(self.host, self.port)

    @property
    def violations(self) -> list[dict[str, Any]]:
        """What ``GET /_mock/violations`` lists."""
        return self.app.violations.list()

    @property
    def control_headers(self) -> dict[str, str]:
        return {CONTROL_TOKEN_HEADER: self.control_token}

    def start(self, timeout: float = 10.0) -> ProxyServer:
        if not self._runner.start(timeout):
            raise RuntimeError("the proxy did not start")
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._runner.stop(timeout)

    def __enter__(self) -> ProxyServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# uvicorn adds its own Server and Date headers unless told not to: the client must get the
# upstream's headers, not uvicorn's beside them. The lifespan closes the upstream client.
PROXY_UVICORN_OPTIONS: dict[str, Any] = {
    "server_header": False,
    "date_header": False,
    "lifespan": "on",
}
