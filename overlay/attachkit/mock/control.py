"""The ``/_mock/`` control API: health, reset, fault rules, stored metadata, WorldServer attach.

Outside the specs and meant for tests. It works on the pieces of one mock instance (storage,
faults, sessions) that the app hands it, so it does not import the app.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from attachkit.mock.asgi import Receive, Scope, body_chunks, read_limited
from attachkit.mock.auth import WsSessions
from attachkit.mock.faults import Faults
from attachkit.mock.responses import EmptyResponse, JSONResponse, Response, Send
from attachkit.mock.storage import Attachment, Storage

__all__ = ["ControlAPI", "CONTROL_PREFIX", "attachment_json"]

CONTROL_PREFIX = "/_mock"
_JSON_BODY_LIMIT = 1024 * 1024


class ControlAPI:
    """Answers every request under ``/_mock/``."""

    def __init__(
        self, storage: Storage, faults: Faults, sessions: WsSessions, reset: Callable[[], None]
    ) -> None:
        self.storage = storage
        self.faults = faults
        self.sessions = sessions
        self._reset = reset

    @staticmethod
    def owns(path: str) -> bool:
        return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        path = scope["path"].rstrip("/")
        raw = await read_limited(body_chunks(receive), _JSON_BODY_LIMIT) or b""
        try:
            data = json.loads(raw) if raw.strip() else {}
        except ValueError:
            await JSONResponse(400, {"message": "Invalid JSON"}).send(send)
            return
        try:
            response = self._response(method, path, data)
        except (ValueError, TypeError, KeyError) as exc:
            response = JSONResponse(400, {"message": str(exc)})
        await response.send(send)

    def _response(self, method: str, path: str, data: Any) -> Response:
        if path == "/_mock/health" and method == "GET":
            return JSONResponse(200, {"status": "ok"})
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
