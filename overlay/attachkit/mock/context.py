"""What a handler sees of a request (``RequestContext``) and the registry handlers join.

This module knows nothing of the ASGI app: the app builds a context per request and looks the
handler up in ``HANDLERS``; ``handlers.py`` fills ``HANDLERS`` with the ``@handler`` decorator.
Both import this module, neither imports the other's internals.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from attachkit.mock.asgi import Scope, content_length
from attachkit.mock.auth import WsSessions
from attachkit.mock.config import MockConfig
from attachkit.mock.multipart import (
    MultipartError,
    MultipartParser,
    PartData,
    PartEnd,
    PartStart,
    boundary_from_content_type,
)
from attachkit.mock.responses import Response, ServiceErrors
from attachkit.mock.routing import ParameterError, Route
from attachkit.mock.storage import IncomingFile, Storage

__all__ = [
    "Upload",
    "RequestContext",
    "HandlerFunc",
    "HandlerSpec",
    "HANDLERS",
    "handler",
    "upload_basename",
    "MULTIPART_ENVELOPE_BYTES",
]

# What a multipart body may carry besides the file: delimiters, a part's headers (at most
# 16 KiB each), a few small fields. A body that declares more than the file limit plus this
# is refused from its Content-Length alone, before a byte of it is read.
MULTIPART_ENVELOPE_BYTES = 64 * 1024


@dataclass
class Upload:
    """The outcome of reading a multipart upload."""

    incoming: IncomingFile | None = None
    filename: str | None = None
    problem: str | None = None  # set when the body is not a usable upload
    declared_too_large: bool = False  # refused from Content-Length, body left unread

    @property
    def too_large(self) -> bool:
        return self.declared_too_large or (self.incoming is not None and self.incoming.too_large)

    def discard(self) -> None:
        if self.incoming is not None:
            self.incoming.discard()


@dataclass
class RequestContext:
    """One request to a spec operation, authenticated and with its parameters validated."""

    config: MockConfig
    storage: Storage
    sessions: WsSessions
    scope: Scope
    operation: Route
    path_params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    errors: ServiceErrors
    body: AsyncIterator[bytes]
    params: dict[str, Any] = field(default_factory=dict)
    json_body: Any = None

    async def read_upload(self, max_bytes: int) -> Upload:
        """Stream the multipart body; the spec's binary field goes to disk, the rest is dropped.

        A refused body is left unread: the app drops a short rest and closes the connection
        on a long one.
        """
        boundary = boundary_from_content_type(self.headers.get("content-type", ""))
        if boundary is None:
            return Upload(problem="the body must be multipart/form-data with a boundary")
        declared = content_length(self.headers)
        if declared is not None and declared > max_bytes + MULTIPART_ENVELOPE_BYTES:
            return Upload(declared_too_large=True)
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
                            upload.filename = upload_basename(raw_name) if raw_name else field_name
                    elif isinstance(event, PartEnd):
                        current = None
            parser.close()
        except MultipartError as exc:
            upload.discard()
            return Upload(problem=f"malformed multipart body: {exc}")
        except BaseException:
            upload.discard()
            raise
        if upload.incoming is None:
            return Upload(problem=f"multipart field '{field_name}' is required")
        upload.incoming.close()
        return upload


def upload_basename(name: str) -> str:
    """The file name an upload is stored under: the last path component, printable only."""
    # Old browsers send the client's full path; only the last component is the file's name.
    # Control characters (CR, LF, NUL...) never reach a stored name: the name comes back in
    # JSON answers, in WorldServer's internalName and in Content-Disposition.
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in last if ch.isprintable() or ch == " ").strip()
    return cleaned if cleaned not in ("", ".", "..") else "file"


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
