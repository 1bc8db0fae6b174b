"""The ``/_mock/`` control API: health, reset, fault rules, stored metadata, WorldServer attach,
the request journal and snapshots.

Outside the specs and meant for tests. It works on the pieces of one mock instance (storage,
faults, sessions) that the app hands it, so it does not import the app.

It can wipe every attachment and lists WorldServer download tokens, so it is guarded:

- every request but ``GET /_mock/health`` must carry the instance's token in the header
  ``X-Attachkit-Mock-Token`` (compared in constant time);
- a request with an ``Origin`` header is refused: browsers send one on every cross-origin
  request and every POST, test clients never do. A web page therefore cannot use the API,
  not even with a "simple" request that skips the CORS preflight;
- a request body must be ``application/json``, the one type a browser form cannot send.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Mapping
from typing import Any

from attachkit.mock.asgi import (
    ClientGone,
    Receive,
    Scope,
    body_chunks,
    closing_send,
    has_body,
    header_dict,
    read_limited,
)
from attachkit.mock.auth import WsSessions
from attachkit.mock.config import CONTROL_TOKEN_HEADER
from attachkit.mock.faults import Faults
from attachkit.mock.journal import Journal
from attachkit.mock.jsonbody import JSON_BODY_LIMIT, InvalidJson, parse_json
from attachkit.mock.responses import EmptyResponse, JSONResponse, Response, Send
from attachkit.mock.snapshots import SnapshotNotFound, Snapshots, check_name
from attachkit.mock.storage import Attachment, Storage

__all__ = [
    "ControlAPI",
    "ControlEndpoint",
    "ControlRoute",
    "CONTROL_PREFIX",
    "attachment_json",
    "journal_routes",
    "snapshot_routes",
]

CONTROL_PREFIX = "/_mock"
_TOKEN_HEADER = CONTROL_TOKEN_HEADER.lower()

log = logging.getLogger("attachkit.mock")

#: A control route: the request's JSON body (``{}`` without one) -> the answer.
ControlRoute = Callable[[Any], Response]


class ControlEndpoint:
    """The guard and the JSON plumbing of ``/_mock/``, answering from a table of routes.

    ``routes`` maps ``(method, path)`` to a function of the request's JSON body (``{}`` when it
    has none). The mock's ``ControlAPI`` and the validating proxy each build one from the
    routes they serve; ``GET /_mock/health`` is always there. ``open_routes`` need no token
    (still no ``Origin``): only reads that reveal no secret and change nothing belong there.
    """

    def __init__(
        self,
        token: str,
        routes: Mapping[tuple[str, str], ControlRoute] | None = None,
        *,
        open_routes: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self._token = token.encode("ascii")
        self.routes: dict[tuple[str, str], ControlRoute] = dict(routes or {})
        self._open = open_routes | {("GET", "/_mock/health")}

    @staticmethod
    def owns(path: str) -> bool:
        return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        path = scope["path"].rstrip("/")
        headers = header_dict(scope["headers"])
        refusal = self._refusal(method, path, headers)
        if refusal is not None:
            # The body is not read: a refused caller gets no say in what the mock spends.
            await refusal.send(closing_send(send) if has_body(headers) else send)
            return
        try:
            raw = await read_limited(body_chunks(receive), JSON_BODY_LIMIT)
        except ClientGone:
            log.debug("a client went away while sending %s %s", method, path)
            return
        if raw is None:
            too_large = JSONResponse(413, {"message": "a control request body is at most 1 MiB"})
            await too_large.send(closing_send(send))
            return
        try:
            data = parse_json(raw) if raw.strip() else {}
        except InvalidJson as invalid:
            await JSONResponse(400, {"message": str(invalid)}).send(send)
            return
        try:
            response = self._response(method, path, data)
        except (ValueError, TypeError, KeyError) as exc:
            response = JSONResponse(400, {"message": str(exc)})
        await response.send(send)

    def _refusal(self, method: str, path: str, headers: dict[str, str]) -> Response | None:
        if "origin" in headers:
            return JSONResponse(
                403, {"message": "the control API refuses requests from web pages (Origin)"}
            )
        if (method, path) in self._open:
            return None  # a liveness probe and the like: it reveals and changes nothing
        given = headers.get(_TOKEN_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, self._token):
            return JSONResponse(
                401,
                {
                    "message": f"the control API needs the header {CONTROL_TOKEN_HEADER} "
                    "with the token the mock printed at start"
                },
            )
        if has_body(headers):
            media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if media_type != "application/json":
                return JSONResponse(
                    415, {"message": "a control request body must be application/json"}
                )
        return None

    def _response(self, method: str, path: str, data: Any) -> Response:
        route = self.routes.get((method, path))
        if route is not None:
            return route(data)
        if path == "/_mock/health" and method == "GET":
            return JSONResponse(200, {"status": "ok"})
        return JSONResponse(404, {"message": f"unknown control endpoint {method} {path}"})


class ControlAPI(ControlEndpoint):
    """Answers every request under ``/_mock/`` on the mock service."""

    def __init__(
        self,
        storage: Storage,
        faults: Faults,
        sessions: WsSessions,
        reset: Callable[[], None],
        token: str,
        *,
        routes: Mapping[tuple[str, str], ControlRoute] | None = None,
    ) -> None:
        super().__init__(token, routes)
        self.storage = storage
        self.faults = faults
        self.sessions = sessions
        self._reset = reset

    def _response(self, method: str, path: str, data: Any) -> Response:
        if path == "/_mock/reset" and method == "POST":
            self._reset()
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
            return JSONResponse(200, [attachment_json(a) for a in self.storage.list()])
        if path == "/_mock/worldserver/attach" and method == "POST":
            return self._ws_attach(data)
        if path == "/_mock/worldserver/expire-sessions" and method == "POST":
            self.sessions.expire_all()
            return JSONResponse(200, {"status": "expired"})
        return super()._response(method, path, data)

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
        return JSONResponse(200, attachment_json(self.storage.update(found, **fields)))


def attachment_json(a: Attachment) -> dict[str, Any]:
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


def journal_routes(journal: Journal) -> dict[tuple[str, str], ControlRoute]:
    """``GET /_mock/requests`` lists the journal (oldest first), ``DELETE`` empties it."""

    def clear(_data: Any) -> Response:
        journal.clear()
        return EmptyResponse(204)

    return {
        ("GET", "/_mock/requests"): lambda _data: JSONResponse(200, journal.entries()),
        ("DELETE", "/_mock/requests"): clear,
    }


def snapshot_routes(snapshots: Snapshots) -> dict[tuple[str, str], ControlRoute]:
    """``POST /_mock/snapshot`` and ``/_mock/restore`` with ``{"name": ...}``; ``GET
    /_mock/snapshots`` lists the names."""

    def name_of(data: Any) -> str:
        if not isinstance(data, dict) or "name" not in data:
            raise ValueError('a snapshot request is {"name": "..."}')
        return check_name(data["name"])

    def save(data: Any) -> Response:
        name = name_of(data)
        return JSONResponse(201, {"name": name, "attachments": snapshots.save(name)})

    def restore(data: Any) -> Response:
        name = name_of(data)
        try:
            count = snapshots.restore(name)
        except SnapshotNotFound:
            return JSONResponse(404, {"message": f"no snapshot named {name}"})
        return JSONResponse(200, {"name": name, "attachments": count})

    return {
        ("POST", "/_mock/snapshot"): save,
        ("POST", "/_mock/restore"): restore,
        ("GET", "/_mock/snapshots"): lambda _data: JSONResponse(200, snapshots.names()),
    }
