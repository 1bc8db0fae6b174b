"""The facade calls a copy makes for each kind of address: open, stream, download, upload.

Everything here goes through the async facades' public methods. The one thing those methods do
not hand back is the source's response headers, which carry the file's name
(``Content-Disposition``): ``HeaderTap`` is a transport, given to the source's facade through
its public ``transport=`` argument, that remembers the headers of the last successful GET.
It passes the response on untouched, so the download engine's own tuning still applies.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from typing import Any

import attrs
import httpx

from attachkit._async.transport import AsyncBoundedTransport
from attachkit._transports import connection_limits
from attachkit.catalog import (
    COC_EXTENSIONS,
    COC_MAX_BYTES,
    IPD_MAX_BYTES,
    SCRUM_MAX_BYTES,
)
from attachkit.copying.addresses import (
    CocAddress,
    IpdAddress,
    ScrumAddress,
    ServiceAddress,
    WorldServerAddress,
)
from attachkit.credentials import Credentials
from attachkit.errors import ConfigurationError, ValidationError
from attachkit.facade_defaults import DEFAULT_MAX_CONNECTIONS, binary_size
from attachkit.transfer import (
    Destination,
    DownloadResult,
    Progress,
    filename_from_content_disposition,
    sanitize_filename,
)
from attachkit.transfer.types import UploadSource
from attachkit.validation import validate_filename

WS_PASSWORD_ENV = "ATTACHKIT_WS_PASSWORD"
_WS_INTERNAL_PREFIX = re.compile(r"^attr\d+-\d+_")


@attrs.frozen
class Connections:
    """How to reach each service a copy touches; unset values come from the environment.

    Huawei credentials default to ``Credentials.resolve()``; CodeArts Req and COC each need an
    endpoint or a region (or ``HUAWEICLOUD_SDK_REGION``; no default region); WorldServer needs an
    endpoint and a user, and its password defaults to ``$ATTACHKIT_WS_PASSWORD``.
    """

    credentials: Credentials | None = None
    codearts_endpoint: str | None = None
    codearts_region: str | None = None
    coc_endpoint: str | None = None
    coc_region: str | None = None
    ws_endpoint: str | None = None
    ws_username: str | None = None
    ws_password: str | None = attrs.field(default=None, repr=False)
    timeout: float | None = None
    max_retries: int | None = None


class HeaderTap(httpx.AsyncBaseTransport):
    """Remembers the headers of the last 200/206 answer to a GET that passed through."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        # The facades' own transport by default, so the source's answers keep their bounds.
        self._inner = inner or AsyncBoundedTransport(connection_limits(DEFAULT_MAX_CONNECTIONS))
        self.headers: httpx.Headers | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if request.method == "GET" and response.status_code in (200, 206):
            self.headers = response.headers
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def service_of(address: ServiceAddress) -> str:
    if isinstance(address, ScrumAddress | IpdAddress):
        return "codearts-req"
    if isinstance(address, CocAddress):
        return "coc"
    return "worldserver"


def open_facade(
    address: ServiceAddress, connections: Connections, transport: HeaderTap | None = None
) -> Any:
    """A new async facade for ``address``'s service (an async context manager)."""
    options: dict[str, Any] = {"timeout": connections.timeout, "transport": transport}
    if connections.max_retries is not None:
        options["max_retries"] = connections.max_retries
    service = service_of(address)
    if service == "codearts-req":
        from attachkit.facades import AsyncCodeArtsReq

        return AsyncCodeArtsReq(
            region=connections.codearts_region,
            endpoint=connections.codearts_endpoint,
            credentials=connections.credentials,
            **options,
        )
    if service == "coc":
        from attachkit.facades import AsyncCoc

        return AsyncCoc(
            region=connections.coc_region,
            endpoint=connections.coc_endpoint,
            credentials=connections.credentials,
            **options,
        )
    from attachkit.facades import AsyncWorldServer

    password = connections.ws_password or os.environ.get(WS_PASSWORD_ENV)
    missing = [
        name
        for name, value in (
            ("ws_endpoint", connections.ws_endpoint),
            ("ws_username", connections.ws_username),
            (f"ws_password (or ${WS_PASSWORD_ENV})", password),
        )
        if not value
    ]
    if missing:
        raise ConfigurationError(f"a ws:// address needs {', '.join(missing)}")
    assert connections.ws_endpoint and connections.ws_username and password
    return AsyncWorldServer(connections.ws_endpoint, connections.ws_username, password, **options)


# --- reading a source ----------------------------------------------------------------------------


def fallback_name(address: ServiceAddress) -> str:
    """The name to store a copy under when the source's answer proposes none."""
    if isinstance(address, WorldServerAddress):
        assert address.internal_name is not None
        return sanitize_filename(_WS_INTERNAL_PREFIX.sub("", address.internal_name), "download")
    if isinstance(address, CocAddress):
        return sanitize_filename(address.doc_id, "download")
    return sanitize_filename(f"attachment-{address.attachment_id}", "download")


def proposed_name(headers: httpx.Headers | None, address: ServiceAddress) -> str:
    """The source's own file name (``Content-Disposition``, sanitised), else ``fallback_name``."""
    proposed = filename_from_content_disposition(
        headers.get("content-disposition") if headers is not None else None
    )
    return sanitize_filename(proposed, fallback_name(address))


def stream(facade: Any, address: ServiceAddress, progress: Progress) -> AsyncIterator[bytes]:
    """The source object's bytes, resumed with ``Range`` by the facade when cut."""
    chunks: AsyncIterator[bytes]
    if isinstance(address, ScrumAddress):
        chunks = facade.scrum.stream(
            address.project_id, address.issue_id, address.attachment_id, progress=progress
        )
    elif isinstance(address, IpdAddress):
        chunks = facade.ipd.stream(address.project_id, address.attachment_id, progress=progress)
    elif isinstance(address, CocAddress):
        chunks = facade.stream(address.doc_id, progress=progress)
    else:
        chunks = facade.stream(
            address.internal_name,
            resource_type=address.resource_type,
            resource_id=address.resource_id,
            attribute_name=address.attribute_name,
            download_token=address.download_token,
            progress=progress,
        )
    return chunks


async def download(
    facade: Any,
    address: ServiceAddress,
    dest: Destination,
    *,
    overwrite: bool,
    progress: Progress | None,
    resume: bool = False,
) -> DownloadResult:
    options: dict[str, Any] = {"overwrite": overwrite, "progress": progress, "resume": resume}
    result: DownloadResult
    if isinstance(address, ScrumAddress):
        result = await facade.scrum.download(
            address.project_id, address.issue_id, address.attachment_id, dest, **options
        )
    elif isinstance(address, IpdAddress):
        result = await facade.ipd.download(
            address.project_id, address.attachment_id, dest, **options
        )
    elif isinstance(address, CocAddress):
        result = await facade.download(address.doc_id, dest, **options)
    else:
        result = await facade.download(
            address.internal_name,
            dest,
            resource_type=address.resource_type,
            resource_id=address.resource_id,
            attribute_name=address.attribute_name,
            download_token=address.download_token,
            **options,
        )
    return result


# --- writing a destination -----------------------------------------------------------------------


def check_destination(address: ServiceAddress, filename: str, size: int | None) -> None:
    """Refuse what the destination would refuse, before a byte of the file moves."""
    validate_filename(filename)
    if isinstance(address, ScrumAddress):
        limit: int | None = SCRUM_MAX_BYTES
    elif isinstance(address, IpdAddress):
        limit = IPD_MAX_BYTES
    elif isinstance(address, CocAddress):
        limit = COC_MAX_BYTES
        if not filename.lower().endswith(COC_EXTENSIONS):
            raise ValidationError(
                "file",
                f"{filename!r} is not a type COC accepts (name the copy with filename=/--name)",
                "one of " + " ".join(COC_EXTENSIONS),
            )
    else:
        limit = None  # WorldServer documents no limit for attribute files
    if limit is not None and size is not None and size > limit:
        raise ValidationError(
            "file",
            f"{size} bytes is too large for {service_of(address)} ({address})",
            f"at most {binary_size(limit)}",
        )


async def upload(
    facade: Any,
    address: ServiceAddress,
    source: UploadSource,
    *,
    filename: str,
    size: int | None,
    progress: Progress | None,
) -> ServiceAddress:
    """Upload ``source`` to the place ``address`` names; returns the new object's address."""
    options: dict[str, Any] = {"filename": filename, "size": size, "progress": progress}
    if isinstance(address, ScrumAddress):
        scrum = await facade.scrum.upload(address.project_id, address.issue_id, source, **options)
        return address.with_object(str(scrum.id))
    if isinstance(address, IpdAddress):
        ipd = await facade.ipd.upload(address.project_id, address.issue_id, source, **options)
        items = ipd.result or []
        # The IPD answer lists what it stored; without an id only the work item can be named.
        return address.with_object(str(items[0].id)) if items else address
    if isinstance(address, CocAddress):
        coc = await facade.upload(source, ticket_type=address.ticket_type, **options)
        return CocAddress(doc_id=str(coc.data.doc_id), ticket_type=address.ticket_type)
    assert address.attribute_definition_id is not None
    stored = await facade.upload(address.attribute_definition_id, source, **options)
    token = stored.download_token if isinstance(stored.download_token, str) else None
    return WorldServerAddress(internal_name=stored.internal_name, download_token=token)
