"""The mock service: one ASGI app serving CodeArts Req, COC and WorldServer plus ``/_mock/``.

A request goes through: fault injection, routing (from the specs), authentication (the APIG
gateway for the Huawei services, session tokens for WorldServer), parameter and JSON-body
validation (from the specs), then the operation's handler. Each refusal uses the documented
error body of the service the path belongs to.

The pieces live beside it: ``context`` (what a handler sees, and the handler registry),
``handlers`` (one per spec operation), ``control`` (``/_mock/``), ``asgi`` (body and ``send``
plumbing), ``journal`` (what was asked and answered), ``snapshots`` (named copies of the data).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from typing import IO

from attachkit.auth.canonical import EMPTY_PAYLOAD_HASH
from attachkit.mock import (
    handlers,  # noqa: F401 - registers one handler per spec operation
    transport,
)
from attachkit.mock.asgi import (
    ClientGone,
    Cut,
    Receive,
    Scope,
    body_chunks,
    content_length,
    cutting_send,
    empty,
    finish_body,
    has_body,
    header_dict,
    lifespan,
    query_dict,
    read_limited,
    replay,
    stopping_send,
    with_request_id,
)
from attachkit.mock.auth import AkSkGate, WsSessions
from attachkit.mock.config import MockConfig
from attachkit.mock.context import HANDLERS, RequestContext
from attachkit.mock.control import ControlAPI, journal_routes, snapshot_routes
from attachkit.mock.faults import FaultRule, Faults
from attachkit.mock.journal import Journal
from attachkit.mock.jsonbody import JSON_BODY_LIMIT, InvalidJson, parse_json
from attachkit.mock.responses import ERRORS, JSONResponse, Response, Send, error_for_path
from attachkit.mock.routing import MethodNotAllowed, ParameterError, RouteMatch, Router
from attachkit.mock.snapshots import Snapshots
from attachkit.mock.storage import Storage

__all__ = ["MockApp", "create_app"]

# What is left of a refused request's body is read (and dropped) when it is at most this long,
# so the connection can serve another request; a longer rest is not read: the connection closes.
_DRAIN_LIMIT = 64 * 1024

log = logging.getLogger("attachkit.mock")


class MockApp:
    """The ASGI application. ``close()`` releases the storage (and a temporary data dir).

    ``clock`` (seconds, monotonic) times AK lock-outs and WorldServer session expiry; tests
    pass a fake one they advance instead of sleeping. It is not part of ``MockConfig``: a
    config file cannot name a function.
    """

    def __init__(
        self, config: MockConfig | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.config = config or MockConfig()
        self.router = Router()
        missing = [key for key in self.router.operations if key not in HANDLERS]
        if missing:
            raise RuntimeError(f"spec operations without a mock handler: {missing}")
        self.storage = Storage(self.config.data_dir)
        self.faults = Faults(self.config.fault_seed)
        self.journal = Journal(self.config.journal_size, self.operation_of)
        self.snapshots = Snapshots(self.storage)
        self.gate = AkSkGate(self.config, clock=clock)
        self.sessions = WsSessions(self.config, clock=clock)
        # Known to whoever started the mock (printed, or MockServer.control_token), to no one else.
        self.control_token = self.config.control_token or secrets.token_urlsafe(24)
        self.control = ControlAPI(
            self.storage,
            self.faults,
            self.sessions,
            self.reset,
            self.control_token,
            routes={**journal_routes(self.journal), **snapshot_routes(self.snapshots)},
        )
        self._seed()

    def close(self) -> None:
        self.storage.close()

    def reset(self) -> None:
        """Clear attachments, faults, lock-outs, sessions and the journal (not snapshots)."""
        self.storage.clear()
        self.faults.clear()
        self.gate.reset()
        self.sessions.expire_all()
        self.journal.clear()
        self._seed()

    def operation_of(self, method: str, raw_path: str) -> tuple[str, str] | None:
        """The (service, operation id) a request routes to, or None off the specs' routes."""
        found = self.router.match(method, raw_path)
        if not isinstance(found, RouteMatch):
            return None
        return found.operation.service, found.operation.operation_id

    def _seed(self) -> None:
        if self.config.seed_examples:
            from attachkit.mock.seed import example_ws_user, seed

            seed(self.storage)
            username, password = example_ws_user()
            self.config.ws_users.setdefault(username, password)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.control.owns(scope["path"]):
            await self.journal.record(scope, receive, send, self._serve)
        else:
            await self._serve(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if self.control.owns(path):
            await self.control(scope, receive, send)
            return
        rule = self.faults.take(scope["method"], path)
        try:
            if rule is not None:
                if rule.delay:
                    await asyncio.sleep(rule.delay)
                if rule.reset:
                    if await transport.reset(scope):
                        return
                    raise ConnectionResetError("injected reset (no transport to abort)")
                if rule.status is not None:
                    headers = header_dict(scope["headers"])
                    send = await finish_body(body_chunks(receive), headers, send, _DRAIN_LIMIT)
                    await self._fault_response(rule, path).send(send)
                    return
                if rule.cut_after is not None:
                    send = cutting_send(send, scope, rule.cut_after)
            await self._dispatch(scope, receive, send)
        except (Cut, ClientGone):
            return

    # -- the service requests ----------------------------------------------------------------

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        method: str = scope["method"]
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        raw_path_text = raw_path.decode("latin-1")
        found = self.router.match(method, raw_path_text)
        if not isinstance(found, RouteMatch):
            errors = ERRORS[found.service] if found else error_for_path(scope["path"])
            headers = header_dict(scope["headers"])
            send = await finish_body(body_chunks(receive), headers, send, _DRAIN_LIMIT)
            if isinstance(found, MethodNotAllowed):
                await errors.method_not_allowed(found.allowed).send(send)
            else:
                await errors.not_found_route().send(send)
            return
        operation = found.operation
        errors = ERRORS[operation.service]
        if errors.huawei:
            send = with_request_id(send)
        headers = header_dict(scope["headers"])
        try:
            query = query_dict(scope["query_string"])
        except UnicodeDecodeError:
            query = None
        body = body_chunks(receive)
        ctx = RequestContext(
            self.config,
            self.storage,
            self.sessions,
            scope,
            operation,
            found.path_params,
            query or {},
            headers,
            errors,
            body,
        )
        response = await self._authenticate(ctx)
        if response is None and query is None:
            response = errors.bad_request("the query string is not valid UTF-8")
        if response is None:
            response = await self._validate(ctx)
        if response is None:
            spec = HANDLERS[(operation.service, operation.operation_id)]
            response = await spec.func(ctx)
        send = await finish_body(body, headers, send, _DRAIN_LIMIT)
        aclose = getattr(ctx.body, "aclose", None)
        if aclose is not None:
            await aclose()  # a spooled body's file is closed now, not whenever GC runs
        try:
            await response.send(stopping_send(send, ctx.scope))
        except ClientGone:
            # The client went away mid-answer (or the guard dropped it): one line per answer.
            log.info("a client went away during the answer to %s", operation.operation_id)
        except OSError:
            return  # the client went away mid-download; nothing to answer

    async def _authenticate(self, ctx: RequestContext) -> Response | None:
        operation = ctx.operation
        if not operation.requires_auth:
            return None
        if ctx.errors.huawei:
            request = (
                ctx.scope["method"],
                ctx.scope.get("raw_path") or ctx.scope["path"].encode(),
                ctx.scope["query_string"],
                ctx.scope["headers"],
            )
            if not _payload_unsigned(ctx) and has_body(ctx.headers):
                # A hashed body must be read to check its signature. Everything else about
                # the signature (AK, lock-out, date, token, signed headers) and the size it
                # declares are checked first, so a stranger cannot make the mock spool 12 MB.
                # A request without a body (most downloads) skips this: there is nothing to
                # spool, and verifying twice would double the cost of every signed GET.
                failure = self.gate.precheck(*request)
                if failure is not None:
                    return ctx.errors.error(401, failure.error_msg, failure.error_code)
                declared = content_length(ctx.headers)
                if declared is not None and declared > self.config.limits.signed_body_max_bytes:
                    return _signed_body_too_large(ctx)
            payload_hash, replay = await self._payload_hash(ctx)
            if replay is not None:
                ctx.body = replay
            if payload_hash is None:
                return _signed_body_too_large(ctx)
            failure = self.gate.check(*request, payload_hash)
            if failure is not None:
                return ctx.errors.error(401, failure.error_msg, failure.error_code)
            return None
        if self.sessions.check(WsSessions.token_of(ctx.query, ctx.headers)) is None:
            return ctx.errors.error(401, "No session token provided or invalid token")
        return None

    async def _payload_hash(
        self, ctx: RequestContext
    ) -> tuple[str | None, AsyncIterator[bytes] | None]:
        """The body's hash for the signature, reading (and spooling) a body that is signed.

        An ``UNSIGNED-PAYLOAD`` body is left unread so an upload streams; a signed one is
        hashed as it is spooled (to disk past 1 MiB) and replayed to the handler.
        """
        if _payload_unsigned(ctx):
            return "UNSIGNED-PAYLOAD", None
        if not has_body(ctx.headers):
            # The HTTP parser framed the request with no body: its hash is the empty one.
            return EMPTY_PAYLOAD_HASH, None
        digest = hashlib.sha256()
        # The spool outlives this function: replay() closes it once the handler has read it.
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
        size = 0
        async for chunk in ctx.body:
            size += len(chunk)
            if size > self.config.limits.signed_body_max_bytes:
                spool.close()
                return None, empty()
            digest.update(chunk)
            spool.write(chunk)
        spool.seek(0)
        return digest.hexdigest(), replay(spool)

    async def _validate(self, ctx: RequestContext) -> Response | None:
        operation = ctx.operation
        spec = HANDLERS[(operation.service, operation.operation_id)]
        try:
            ctx.params = operation.validate_parameters(
                ctx.path_params, ctx.query, ctx.headers, query_from_headers=spec.query_from_headers
            )
        except ParameterError as error:
            if spec.on_parameter_error is not None:
                special = spec.on_parameter_error(ctx, error)
                if special is not None:
                    return special
            return ctx.errors.bad_request(error.message)
        if operation.body_media_type == "application/json":
            raw = await read_limited(ctx.body, JSON_BODY_LIMIT)
            if raw is None:
                return ctx.errors.error(413, "Request body too large")
            if not raw.strip():
                if operation.body_required:
                    return ctx.errors.bad_request("Required request body is missing")
                return None
            try:
                ctx.json_body = parse_json(raw)
            except InvalidJson as invalid:
                return ctx.errors.bad_request(str(invalid))
            problem = operation.validate_json_body(ctx.json_body)
            if problem is not None:
                return ctx.errors.bad_request(problem)
        return None

    def _fault_response(self, rule: FaultRule, path: str) -> JSONResponse:
        assert rule.status is not None
        errors = error_for_path(path)
        body = rule.body
        if body is None:
            body = errors.body(
                None if errors.service == "worldserver" else "MOCK.FAULT",
                f"Injected fault: HTTP {rule.status}",
            )
        headers = []
        if rule.retry_after is not None:
            retry = rule.retry_after
            headers.append(
                ("Retry-After", f"{retry:g}" if isinstance(retry, float) else str(retry))
            )
        return JSONResponse(rule.status, body, headers)


def _payload_unsigned(ctx: RequestContext) -> bool:
    return ctx.headers.get("x-sdk-content-sha256", "").strip() == "UNSIGNED-PAYLOAD"


def _signed_body_too_large(ctx: RequestContext) -> Response:
    return ctx.errors.error(413, "Request entity too large for a signed payload", "APIG.0201")


def create_app(
    config: MockConfig | None = None, *, clock: Callable[[], float] = time.monotonic
) -> MockApp:
    return MockApp(config, clock=clock)
