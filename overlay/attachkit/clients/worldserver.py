"""RWS WorldServer: files saved as attribute values, behind a session token.

The session (``attachkit.worldserver_session``) logs in on the first call, sends the token as
the ``token`` header and logs in again once when a call is refused with 401.
"""

from __future__ import annotations

from typing import Any

import httpx

from attachkit.clients._base import (
    AsyncClient,
    Client,
    Operation,
    Timeout,
    empty_file,
    given,
    upload_body,
)
from attachkit.transfer import Progress, RetryPolicy, text_error_parser
from attachkit.transfer.download import Checksum, Destination
from attachkit.transfer.multipart import UploadSource
from attachkit.validation import validate_parameters
from attachkit.worldserver_session import AsyncWorldServerSession, WorldServerSession
from worldserver_client.api.attachments import get_attribute_files, upload_attribute_file
from worldserver_client.models import GetAttributeFilesResourceType, UploadAttributeFileBody
from worldserver_client.types import File

UPLOAD = Operation("worldserver", "uploadAttributeFile", upload_attribute_file, text_error_parser)
GET_FILES = Operation("worldserver", "getAttributeFiles", get_attribute_files, text_error_parser)


class _WorldServerOperations:
    """``upload``/``download``/``stream``, shared by ``WorldServer`` and ``AsyncWorldServer``."""

    _call: Any
    _download: Any
    _stream: Any

    def upload(
        self,
        attribute_definition_id: int,
        source: UploadSource,
        *,
        filename: str | None = None,
        size: int | None = None,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        """Upload ``source`` as a value of the attribute; returns ``AttributeFile``.

        Its ``internal_name`` is the ``filename`` that ``download`` takes. ``size`` is the
        number of bytes ``source`` holds. It is needed only for a non-seekable file object (a
        pipe), whose length cannot be measured; such a body is read once, so the upload is never
        retried, and when the token has expired (401, log in again, send again) it raises
        ``BodyNotReplayableError`` instead of being sent twice.
        """
        validate_parameters(
            "worldserver", UPLOAD.operation_id, {"attributeDefinitionId": attribute_definition_id}
        )
        # WorldServer documents no size limit for attribute files: no max_bytes.
        body = upload_body("file", source, filename, progress, size=size)
        kwargs = upload_attribute_file._get_kwargs(
            int(attribute_definition_id), body=UploadAttributeFileBody(file=empty_file(File))
        )
        kwargs.pop("files")
        return self._call(UPLOAD, kwargs, body=body, max_retries=max_retries, timeout=timeout)

    def _download_kwargs(
        self,
        filename: str,
        resource_type: str | None,
        resource_id: int | None,
        attribute_name: str | None,
        download_token: str | None,
    ) -> Any:
        filters = given(
            resourceType=resource_type,
            resourceId=resource_id,
            attributeName=attribute_name,
            downloadToken=download_token,
        )
        validate_parameters(
            "worldserver", GET_FILES.operation_id, {"filename": filename, **filters}
        )
        return get_attribute_files._get_kwargs(
            filename=filename,
            **given(
                resource_type=GetAttributeFilesResourceType(resource_type)
                if resource_type
                else None,
                resource_id=int(resource_id) if resource_id is not None else None,
                attribute_name=attribute_name,
                download_token=download_token,
            ),
        )

    def download(
        self,
        filename: str,
        dest: Destination,
        *,
        resource_type: str | None = None,
        resource_id: int | None = None,
        attribute_name: str | None = None,
        download_token: str | None = None,
        overwrite: bool = False,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
        durable: bool = False,
        checksum: Checksum | None = None,
    ) -> Any:
        """Stream the file whose ``internalName`` is ``filename`` into ``dest``.

        ``durable=True`` fsyncs before returning; ``checksum="sha256"`` fills ``result.sha256``.
        """
        kwargs = self._download_kwargs(
            filename, resource_type, resource_id, attribute_name, download_token
        )
        return self._download(
            GET_FILES, kwargs, dest, overwrite=overwrite, progress=progress,
            max_retries=max_retries, timeout=timeout, durable=durable, checksum=checksum,
        )  # fmt: skip

    def stream(
        self,
        filename: str,
        *,
        resource_type: str | None = None,
        resource_id: int | None = None,
        attribute_name: str | None = None,
        download_token: str | None = None,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        """The file's bytes as an iterator of chunks (an async iterator on async clients)."""
        kwargs = self._download_kwargs(
            filename, resource_type, resource_id, attribute_name, download_token
        )
        return self._stream(
            GET_FILES, kwargs, progress=progress, max_retries=max_retries, timeout=timeout
        )


class _SessionService:
    """The constructor both WorldServer facades share: a session that logs in on first use."""

    _session_class: type[WorldServerSession] | type[AsyncWorldServerSession]

    def __init__(
        self,
        endpoint: str,
        username: str,
        password: str,
        *,
        timeout: Timeout = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.session = self._session_class(username, password, endpoint=endpoint)
        super().__init__(  # type: ignore[call-arg]  # Client or AsyncClient, by the subclass
            endpoint,
            self.session,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            transport=transport,
        )


class WorldServer(_WorldServerOperations, _SessionService, Client):
    """WorldServer attribute files. Sync; a context manager. Logs in on first use.

    ``WorldServer(endpoint, username, password, timeout=..., max_retries=...,
    retry_policy=...)``; ``max_retries`` (default 3) wins over ``retry_policy.max_retries``.
    """

    _session_class = WorldServerSession


class AsyncWorldServer(_WorldServerOperations, _SessionService, AsyncClient):
    """The async twin of ``WorldServer``: the same methods, awaited."""

    _session_class = AsyncWorldServerSession
