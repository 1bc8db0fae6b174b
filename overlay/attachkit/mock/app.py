"""The mock service: one ASGI app serving CodeArts Req, COC and WorldServer plus ``/_mock/``.

A request goes through: fault injection, routing (from the specs), authentication (the APIG
gateway for the Huawei services, session tokens for WorldServer), parameter and JSON-body
validation (from the specs), then the operation's handler. Each refusal uses the documented
error body of the service the path belongs to.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import parse_qsl

from attachkit.mock import transport
from attachkit.mock.auth import AkSkGate, WsSessions
from attachkit.mock.config import MockConfig
from attachkit.mock.faults import FaultRule, Faults
from attachkit.mock.multipart import (
    MultipartError,
    MultipartParser,
    PartData,
    PartEnd,
    PartStart,
    boundary_from_content_type,
)
from attachkit.mock.responses import (
    ERRORS,
    EmptyResponse,
    JSONResponse,
    Response,
    Send,
    ServiceErrors,
    error_for_path,
)
from attachkit.mock.routing import MethodNotAllowed, Operation, ParameterError, RouteMatch, Router
from attachkit.mock.storage import Attachment, IncomingFile, Storage

__all__ = ["MockApp", "RequestContext", "Upload", "ClientGone", "handler", "create_app"]

log = logging.getLogger("attachkit.mock")

Receive = Callable[[], Awaitable[dict[str, Any]]]
Scope = dict[str, Any]

_JSON_BODY_LIMIT = 1024 * 1024


class ClientGone(Exception):
    """The client disconnected before the request body was complete."""


class _Cut(Exception):
    """A cut fault closed the connection mid-body; the handler must stop sending."""


@dataclass
class Upload:
    """The outcome of reading a multipart upload."""

    incoming: IncomingFile | None = None
    filename: str | None = None
    problem: str | None = None  # set when the body is not a usable upload

    @property
    def too_large(self) -> bool:
        return self.incoming is not None and self.incoming.too_large

    def discard(self) -> None:
        if self.incoming is not None:
            self.incoming.discard()


@dataclass
class RequestContext:
    app: MockApp
    scope: Scope
    operation: Operation
    path_params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    errors: ServiceErrors
    body: AsyncIterator[bytes]
    params: dict[str, Any] = field(default_factory=dict)
    json_body: Any = None

    @property
    def storage(self) -> Storage:
        return self.app.storage

    @property
    def config(self) -> MockConfig:
        return self.app.config

    async def read_upload(self, max_bytes: int) -> Upload:
        """Stream the multipart body; the spec's binary field goes to disk, the rest is dropped."""
        boundary = boundary_from_content_type(self.headers.get("content-type", ""))
        if boundary is None:
            await _drain(self.body)
            return Upload(problem="the body must be multipart/form-data with a boundary")
        field_name = self.operation.file_field
        parser = MultipartParser(boundary)
        upload = Upload()
        current: IncomingFile | None = None
        try:
            async for chunk in self.body:
                for event in parser.feed(chunk):
                    if isinstance(event, PartData):
                        if current is not None:
                            current.write(event.data)
                    elif isinstance(event, PartStart):
                        if event.name == field_name and upload.incoming is None:
                            upload.incoming = current = self.storage.incoming(max_bytes)
                            raw_name = event.filename
                            upload.filename = _basename(raw_name) if raw_name else field_name
                    elif isinstance(event, PartEnd):
                        current = None
            parser.close()
        except MultipartError as exc:
            upload.discard()
            await _drain(self.body)
            return Upload(problem=f"malformed multipart body: {exc}")
        except BaseException:
            upload.discard()
            raise
        if upload.incoming is None:
            return Upload(problem=f"multipart field '{field_name}' is required")
        upload.incoming.close()
        return upload


HandlerFunc = Callable[[RequestContext], Awaitable[Response]]
ParameterErrorHook = Callable[[RequestContext, ParameterError], Response | None]


@dataclass(frozen=True)
class HandlerSpec:
    func: HandlerFunc
    query_from_headers: bool = False
    on_parameter_error: ParameterErrorHook | None = None


HANDLERS: dict[tuple[str, str], HandlerSpec] = {}


def handler(
    service: str,
    operation_id: str,
    *,
    query_from_headers: bool = False,
    on_parameter_error: ParameterErrorHook | None = None,
) -> Callable[[HandlerFunc], HandlerFunc]:
    """Register the handler of one spec operation (by its ``operationId``)."""

    def register(func: HandlerFunc) -> HandlerFunc:
        HANDLERS[(service, operation_id)] = HandlerSpec(
            func, query_from_headers, on_parameter_error
        )
        return func

    return register


class MockApp:
    """The ASGI application. ``close()`` releases the storage (and a temporary data dir).

    ``clock`` (seconds, monotonic) times AK lock-outs and WorldServer session expiry; tests
    pass a fake one they advance instead of sleeping. It is not part of ``MockConfig``: a
    config file cannot name a function.
    """

    def __init__(
        self, config: MockConfig | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        from attachkit.mock import handlers  # noqa: F401 - registers the operation handlers

        self.config = config or MockConfig()
        self.router = Router()
        missing = [key for key in self.router.operations if key not in HANDLERS]
        if missing:
            raise RuntimeError(f"spec operations without a mock handler: {missing}")
        self.storage = Storage(self.config.data_dir)
        self.faults = Faults()
        self.gate = AkSkGate(self.config, clock=clock)
        self.sessions = WsSessions(self.config, clock=clock)

    def close(self) -> None:
        self.storage.close()

    def reset(self) -> None:
        """Clear attachments, faults, lock-outs and sessions."""
        self.storage.clear()
        self.faults.clear()
        self.gate.reset()
        self.sessions.expire_all()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path == "/_mock" or path.startswith("/_mock/"):
            await self._control(scope, receive, send)
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
                    await _drain(_body_chunks(receive))
                    await self._fault_response(rule, path).send(send)
                    return
                if rule.cut_after is not None:
                    send = _cutting_send(send, scope, rule.cut_after)
            await self._dispatch(scope, receive, send)
        except (_Cut, ClientGone):
            return

    # -- the service requests ----------------------------------------------------------------

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        method: str = scope["method"]
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        raw_path_text = raw_path.decode("latin-1")
        found = self.router.match(method, raw_path_text)
        if not isinstance(found, RouteMatch):
            errors = ERRORS[found.service] if found else error_for_path(scope["path"])
            await _drain(_body_chunks(receive))
            if isinstance(found, MethodNotAllowed):
                await errors.method_not_allowed(found.allowed).send(send)
            else:
                await errors.not_found_route().send(send)
            return
        operation = found.operation
        errors = ERRORS[operation.service]
        if errors.huawei:
            send = _with_request_id(send)
        headers = _header_dict(scope["headers"])
        try:
            query = _query_dict(scope["query_string"])
        except UnicodeDecodeError:
            query = None
        body = _body_chunks(receive)
        ctx = RequestContext(
            self, scope, operation, found.path_params, query or {}, headers, errors, body
        )
        response = await self._authenticate(ctx)
        if response is None and query is None:
            response = errors.bad_request("the query string is not valid UTF-8")
        if response is None:
            response = await self._validate(ctx)
        if response is None:
            spec = HANDLERS[(operation.service, operation.operation_id)]
            response = await spec.func(ctx)
        await _drain(ctx.body)
        try:
            await response.send(send)
        except OSError:
            return  # the client went away mid-download; nothing to answer

    async def _authenticate(self, ctx: RequestContext) -> Response | None:
        operation = ctx.operation
        if not operation.requires_auth:
            return None
        if ctx.errors.huawei:
            payload_hash, replay = await self._payload_hash(ctx)
            if replay is not None:
                ctx.body = replay
            if payload_hash is None:
                return ctx.errors.error(
                    413, "Request entity too large for a signed payload", "APIG.0201"
                )
            failure = self.gate.check(
                ctx.scope["method"],
                ctx.scope.get("raw_path") or ctx.scope["path"].encode(),
                ctx.scope["query_string"],
                ctx.scope["headers"],
                payload_hash,
            )
            if failure is not None:
                await _drain(ctx.body)
                return ctx.errors.error(401, failure.error_msg, failure.error_code)
            return None
        if self.sessions.check(WsSessions.token_of(ctx.query, ctx.headers)) is None:
            await _drain(ctx.body)
            return ctx.errors.error(401, "No session token provided or invalid token")
        return None

    async def _payload_hash(
        self, ctx: RequestContext
    ) -> tuple[str | None, AsyncIterator[bytes] | None]:
        """The body's hash for the signature, reading (and spooling) a body that is signed.

        An ``UNSIGNED-PAYLOAD`` body is left unread so an upload streams; a signed one is
        hashed as it is spooled (to disk past 1 MiB) and replayed to the handler.
        """
        if ctx.headers.get("x-sdk-content-sha256", "").strip() == "UNSIGNED-PAYLOAD":
            return "UNSIGNED-PAYLOAD", None
        digest = hashlib.sha256()
        # The spool outlives this function: _replay closes it once the handler has read it.
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
        size = 0
        async for chunk in ctx.body:
            size += len(chunk)
            if size > self.config.limits.signed_body_max_bytes:
                spool.close()
                return None, _empty()
            digest.update(chunk)
            spool.write(chunk)
        spool.seek(0)
        return digest.hexdigest(), _replay(spool)

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
            raw = await _read_limited(ctx.body, _JSON_BODY_LIMIT)
            if raw is None:
                return ctx.errors.error(413, "Request body too large")
            if not raw.strip():
                if operation.body_required:
                    return ctx.errors.bad_request("Required request body is missing")
                return None
            try:
                ctx.json_body = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                return ctx.errors.bad_request("Invalid JSON")
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

    # -- /_mock/ control API -------------------------------------------------------------------

    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        path = scope["path"].rstrip("/")
        raw = await _read_limited(_body_chunks(receive), _JSON_BODY_LIMIT) or b""
        try:
            data = json.loads(raw) if raw.strip() else {}
        except ValueError:
            await JSONResponse(400, {"message": "Invalid JSON"}).send(send)
            return
        try:
            response = self._control_response(method, path, data)
        except (ValueError, TypeError, KeyError) as exc:
            response = JSONResponse(400, {"message": str(exc)})
        await response.send(send)

    def _control_response(self, method: str, path: str, data: Any) -> Response:
        if path == "/_mock/health" and method == "GET":
            return JSONResponse(200, {"status": "ok"})
        if path == "/_mock/reset" and method == "POST":
            self.reset()
            return JSONResponse(200, {"status": "reset"})
        if path == "/_mock/faults":
            if method == "GET":
                return JSONResponse(200, [rule.to_json() for rule in self.faults.list()])
            if method == "POST":
                if not isinstance(data, dict):
                    raise ValueError("a fault is a JSON object")
                rule = self.faults.add(Faults.rule_from_json(data))
                return JSONResponse(201, rule.to_json())
            if method == "DELETE":
                self.faults.clear()
                return EmptyResponse(204)
        if path.startswith("/_mock/faults/") and method == "DELETE":
            if self.faults.remove(path.rsplit("/", 1)[1]):
                return EmptyResponse(204)
            return JSONResponse(404, {"message": "no such fault"})
        if path == "/_mock/attachments" and method == "GET":
            return JSONResponse(200, [_attachment_json(a) for a in self.storage.list()])
        if path == "/_mock/worldserver/attach" and method == "POST":
            return self._ws_attach(data)
        if path == "/_mock/worldserver/expire-sessions" and method == "POST":
            self.sessions.expire_all()
            return JSONResponse(200, {"status": "expired"})
        return JSONResponse(404, {"message": f"unknown control endpoint {method} {path}"})

    def _ws_attach(self, data: Any) -> Response:
        if not isinstance(data, dict) or "internalName" not in data or "resourceId" not in data:
            raise ValueError("attach needs internalName, resourceId and optionally resourceType")
        resource_type = data.get("resourceType", "TASK")
        if resource_type not in ("TASK", "PROJECT", "PROJECT_GROUP"):
            raise ValueError("resourceType must be TASK, PROJECT or PROJECT_GROUP")
        found = self.storage.get("ws", str(data["internalName"]))
        if found is None:
            return JSONResponse(404, {"message": "no such file"})
        fields: dict[str, Any] = {
            "resource_type": resource_type,
            "resource_id": int(data["resourceId"]),
        }
        if "attributeName" in data:
            fields["attribute_name"] = str(data["attributeName"])
        return JSONResponse(200, _attachment_json(self.storage.update(found, **fields)))


def create_app(
    config: MockConfig | None = None, *, clock: Callable[[], float] = time.monotonic
) -> MockApp:
    return MockApp(config, clock=clock)


# -- helpers ------------------------------------------------------------------------------------


def _attachment_json(a: Attachment) -> dict[str, Any]:
    return {
        "kind": a.kind,
        "id": a.public_id,
        "project_id": a.project_id,
        "issue_id": a.issue_id,
        "file_name": a.file_name,
        "size": a.size,
        "sha256": a.sha256,
        "etag": a.etag,
        "attribute_definition_id": a.attribute_definition_id,
        "attribute_name": a.attribute_name,
        "resource_type": a.resource_type,
        "resource_id": a.resource_id,
        "download_token": a.download_token,
    }


def _basename(name: str) -> str:
    # Old browsers send the client's full path; only the last component is the file's name.
    # Control characters (CR, LF, NUL...) never reach a stored name: the name comes back in
    # JSON answers, in WorldServer's internalName and in Content-Disposition.
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in last if ch.isprintable() or ch == " ").strip()
    return cleaned if cleaned not in ("", ".", "..") else "file"


def _header_dict(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = text if key not in headers else f"{headers[key]},{text}"
    return headers


def _query_dict(query_string: bytes) -> dict[str, str]:
    pairs = parse_qsl(
        query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict"
    )
    result: dict[str, str] = {}
    for name, value in pairs:
        result.setdefault(name, value)  # the first of a repeated name wins
    return result


async def _body_chunks(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone()
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return


async def _replay(spool: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := spool.read(1024 * 1024):
            yield chunk
    finally:
        spool.close()


async def _empty() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover - makes this an async generator


async def _drain(body: AsyncIterator[bytes]) -> None:
    """Read whatever is left of a request body, so the connection stays usable."""
    try:
        async for _ in body:
            pass
    except (ClientGone, RuntimeError):
        # RuntimeError: the generator already finished (asynchronous generator is exhausted).
        pass


async def _read_limited(body: AsyncIterator[bytes], limit: int) -> bytes | None:
    parts: list[bytes] = []
    size = 0
    async for chunk in body:
        size += len(chunk)
        if size > limit:
            await _drain(body)
            return None
        parts.append(chunk)
    return b"".join(parts)


def _with_request_id(send: Send) -> Send:
    request_id = uuid.uuid4().hex.encode()

    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message["headers"], (b"x-request-id", request_id)]}
        await send(message)

    return sending


def _cutting_send(send: Send, scope: Scope, limit: int) -> Send:
    remaining = limit

    async def sending(message: dict[str, Any]) -> None:
        nonlocal remaining
        if message["type"] != "http.response.body":
            await send(message)
            return
        body: bytes = message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) < remaining or (len(body) == remaining and not more):
            remaining -= len(body)
            await send(message)
            return
        if remaining:
            await send({"type": "http.response.body", "body": body[:remaining], "more_body": True})
        remaining = 0
        if not await transport.close(scope):
            raise ConnectionAbortedError("injected cut (no transport to close)")
        raise _Cut()

    return sending


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
