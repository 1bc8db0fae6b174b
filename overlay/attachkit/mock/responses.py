"""What the mock sends: JSON bodies in each service's error shape, and streamed file downloads."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any
from urllib.parse import quote

__all__ = [
    "Send",
    "Response",
    "JSONResponse",
    "EmptyResponse",
    "FileDownload",
    "ServiceErrors",
    "ERRORS",
    "error_for_path",
    "content_disposition",
]

Send = Callable[[dict[str, Any]], Awaitable[None]]


class Response:
    """Something the mock can answer with; ``status`` is each subclass's own field."""

    async def send(self, send: Send) -> None:
        raise NotImplementedError


@dataclass
class JSONResponse(Response):
    status: int
    body: Any
    headers: list[tuple[str, str]] = field(default_factory=list)

    async def send(self, send: Send) -> None:
        payload = json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = [
            (b"content-type", b"application/json;charset=UTF-8"),
            (b"content-length", str(len(payload)).encode()),
            *[(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers],
        ]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


@dataclass
class EmptyResponse(Response):
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)

    async def send(self, send: Send) -> None:
        headers = [(b"content-length", b"0")] + [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers
        ]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


# ASCII digits only: re's \d would also take other scripts' digits, which int() reads.
_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)")
# A position with more digits than this lies beyond any file (2**63 has 19).
_MAX_POSITION_DIGITS = 19


def _position(digits: str) -> int:
    """A range position; one too long to be real counts as 2**63 (int() would refuse it)."""
    significant = digits.lstrip("0")
    return int(significant or "0") if len(significant) <= _MAX_POSITION_DIGITS else 2**63


@dataclass
class FileDownload(Response):
    """An attachment's bytes with Content-Disposition, ETag and single-range support.

    Chunks are read with blocking ``os.read`` on the event loop thread: the files are
    immutable and usually in the page cache, and a thread hop per megabyte costs more than the
    read itself. uvicorn's flow control makes ``send`` wait while the socket buffer is full, so
    at most one chunk per download is in memory.
    """

    path: str | os.PathLike[str]
    size: int
    etag: str
    filename: str
    created_ms: int
    range_header: str | None = None
    if_range: str | None = None
    chunk_bytes: int = 1024 * 1024
    extra_headers: list[tuple[str, str]] = field(default_factory=list)
    status: int = 200

    async def send(self, send: Send) -> None:
        last_modified = formatdate(self.created_ms / 1000, usegmt=True)
        headers: list[tuple[bytes, bytes]] = [
            (b"content-type", b"application/octet-stream"),
            (b"content-disposition", content_disposition(self.filename).encode("latin-1")),
            (b"etag", self.etag.encode("ascii")),
            (b"last-modified", last_modified.encode("ascii")),
            (b"accept-ranges", b"bytes"),
            *[(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.extra_headers],
        ]
        start, end = 0, self.size - 1
        status = 200
        wanted = self._wanted_range(last_modified)
        if wanted == "unsatisfiable":
            headers.append((b"content-range", f"bytes */{self.size}".encode()))
            headers.append((b"content-length", b"0"))
            await send({"type": "http.response.start", "status": 416, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        if isinstance(wanted, tuple):
            start, end = wanted
            status = 206
            headers.append((b"content-range", f"bytes {start}-{end}/{self.size}".encode()))
        length = end - start + 1 if self.size else 0
        headers.append((b"content-length", str(length).encode()))
        self.status = status
        fd = os.open(self.path, os.O_RDONLY)
        try:
            await send({"type": "http.response.start", "status": status, "headers": headers})
            remaining = length
            position = start
            while remaining > 0:
                data = os.pread(fd, min(self.chunk_bytes, remaining), position)
                if not data:
                    raise OSError(f"{self.path} is shorter than its recorded size")
                remaining -= len(data)
                position += len(data)
                await send({"type": "http.response.body", "body": data, "more_body": remaining > 0})
            if length == 0:
                await send({"type": "http.response.body", "body": b""})
        finally:
            os.close(fd)

    def _wanted_range(self, last_modified: str) -> tuple[int, int] | str | None:
        """(start, end) of a satisfiable single range, "unsatisfiable", or None for all."""
        if not self.range_header:
            return None
        if self.if_range is not None and self.if_range.strip() not in (self.etag, last_modified):
            return None  # the representation changed (or weak/unknown validator): send it all
        match = _RANGE.fullmatch(self.range_header.strip())
        if match is None:
            return None  # several ranges or a syntax we do not serve: RFC 9110 lets us ignore it
        first, last = match.groups()
        if not first and not last:
            return None
        if not first:
            suffix = _position(last)
            if suffix == 0 or self.size == 0:
                return "unsatisfiable"
            return max(0, self.size - suffix), self.size - 1
        start = _position(first)
        end = _position(last) if last else self.size - 1
        if last and end < start:
            return None  # invalid range: ignored, as RFC 9110 says
        if start >= self.size:
            return "unsatisfiable"
        return start, min(end, self.size - 1)


def content_disposition(filename: str) -> str:
    """``attachment; filename="..."`` plus RFC 6266 ``filename*`` for non-ASCII names."""
    # The common case, checked in C: printable ASCII with nothing to replace.
    plain = filename.isascii() and filename.isprintable()
    if plain and '"' not in filename and "\\" not in filename:
        return f'attachment; filename="{filename}"'
    fallback = "".join(ch if 0x20 <= ord(ch) < 0x7F and ch not in '"\\' else "_" for ch in filename)
    value = f'attachment; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


@dataclass(frozen=True)
class ServiceErrors:
    """The error bodies one service answers with."""

    service: str

    @property
    def huawei(self) -> bool:
        return self.service in ("codearts-req", "coc")

    def body(self, code: str | None, message: str) -> dict[str, Any]:
        if self.service == "worldserver":
            return {"message": message} if code is None else {"code": code, "message": message}
        if self.service == "coc" and not (code or "").startswith("APIG."):
            return {
                "provider_code": "049",
                "error_code": code or "GOM.00007256",
                "error_msg": message,
                "data": None,
            }
        body: dict[str, Any] = {"error_code": code or "PM.02170001", "error_msg": message}
        if (code or "").startswith("APIG."):
            body["request_id"] = uuid.uuid4().hex
        return body

    def error(
        self,
        status: int,
        message: str,
        code: str | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> JSONResponse:
        return JSONResponse(status, self.body(code, message), headers or [])

    def bad_request(self, message: str) -> JSONResponse:
        """A refused parameter, in the service's documented 400 shape."""
        if self.service == "coc":
            return self.error(400, f"Invalid parameter: {message}", "GOM.00007256")
        if self.service == "codearts-req":
            return self.error(400, f"Invalid parameter: {message}", "PM.02170001")
        return self.error(400, message)

    def not_found_route(self) -> JSONResponse:
        if self.huawei:
            # What the API Gateway answers for a path no API is published on.
            return self.error(
                404,
                "The API does not exist or has not been published in the environment",
                "APIG.0101",
            )
        return self.error(404, "Not Found")

    def method_not_allowed(self, allowed: tuple[str, ...]) -> JSONResponse:
        response = (
            self.error(405, "Method not allowed", "APIG.0101")
            if self.huawei
            else self.error(405, "Method Not Allowed")
        )
        response.headers.append(("Allow", ", ".join(allowed)))
        return response


ERRORS = {name: ServiceErrors(name) for name in ("codearts-req", "coc", "worldserver")}


def error_for_path(path: str) -> ServiceErrors:
    """Which service's error shape an unknown path gets (the three APIs' prefixes differ)."""
    if path.startswith("/ws-api/"):
        return ERRORS["worldserver"]
    if path.startswith("/v1/") and not path.startswith("/v1/ipdprojectservice/"):
        return ERRORS["coc"]
    return ERRORS["codearts-req"]
