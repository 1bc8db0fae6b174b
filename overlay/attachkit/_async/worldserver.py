"""RWS WorldServer: files saved as attribute values, behind a session token.

The session (``attachkit.facades``) logs in on the first call, sends the token as
the ``token`` header and logs in again once when a call is refused with 401; ``login()`` logs
in now. The sync twin ``WorldServer`` is generated from the async source by
``scripts/unasync``.
"""

from __future__ import annotations

from typing import Any, Unpack

import httpx

from attachkit import specs
from attachkit._async.client import AsyncClient, AsyncFacade
from attachkit._async.download import AsyncDownloadStream
from attachkit._async.worldserver_session import AsyncWorldServerSession
from attachkit.catalog import GET_WS_FILES, UPLOAD_WS
from attachkit.facade_defaults import (
    DEFAULT_MAX_CONNECTIONS,
    empty_file,
    given,
    upload_body,
)
from attachkit.options import (
    DownloadKeywords,
    DownloadOptions,
    StreamKeywords,
    StreamOptions,
    Timeout,
    UploadKeywords,
    UploadOptions,
)
from attachkit.transfer import Destination, DownloadResult, RetryPolicy
from attachkit.transfer.types import UploadSource
from attachkit.validation import validate_parameters
from worldserver_client.api.attachments import get_attribute_files, upload_attribute_file
from worldserver_client.models import (
    AttributeFile,
    GetAttributeFilesResourceType,
    UploadAttributeFileBody,
)
from worldserver_client.types import UNSET, File, Unset


class AsyncWorldServer(AsyncFacade):
    """WorldServer attribute files: ``upload``, ``download``, ``stream``. A context manager.

    ``AsyncWorldServer(endpoint, username, password)`` logs in on first use (or on ``login()``);
    ``max_retries`` (default 3) wins over ``retry_policy.max_retries`` when both are given.
    """

    def __init__(
        self,
        endpoint: str,
        username: str,
        password: str,
        *,
        timeout: Timeout = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        self.session = AsyncWorldServerSession(username, password, endpoint=endpoint)
        super().__init__(
            AsyncClient(
                endpoint,
                self.session,
                timeout=timeout,
                max_retries=max_retries,
                retry_policy=retry_policy,
                transport=transport,
                max_connections=max_connections,
            )
        )

    async def login(self) -> None:
        """Log in now (again, if already logged in), e.g. to check the password early.

        Raises ``AuthenticationError`` when WorldServer refuses the user.
        """
        await self.session.login(self._client.http)

    async def upload(
        self,
        attribute_definition_id: int,
        source: UploadSource,
        options: UploadOptions | None = None,
        **keywords: Unpack[UploadKeywords],
    ) -> AttributeFile:
        """Upload ``source`` as a value of the attribute.

        The result's ``internal_name`` is the ``filename`` that ``download`` takes. The options
        (``attachkit.UploadOptions``): ``filename``, ``size``, ``progress``, ``timeout``,
        ``max_retries``. ``size`` is needed only for a non-seekable file object (a pipe), whose
        length cannot be measured; such a body is read once, so the upload is never retried,
        and when the token has expired (401, log in again, send again) it raises
        ``BodyNotReplayableError`` instead of being sent twice.
        """
        validate_parameters(
            "worldserver",
            UPLOAD_WS.operation_id,
            {"attributeDefinitionId": attribute_definition_id},
        )
        # WorldServer documents no size limit for attribute files: no max_bytes.
        call = UploadOptions.build(options, keywords)
        body = upload_body("file", source, call)
        kwargs = upload_attribute_file._get_kwargs(
            int(attribute_definition_id), body=UploadAttributeFileBody(file=empty_file(File))
        )
        kwargs.pop("files")
        return await self._client.run(UPLOAD_WS, kwargs, call, body=body)

    def _download_kwargs(
        self,
        filename: str,
        resource_type: str | None,
        resource_id: int | None,
        attribute_name: str | None,
        download_token: str | Unset | None,
        filters_as_headers: bool = False,
    ) -> dict[str, Any]:
        if isinstance(download_token, Unset):  # the upload's result had none: no filter
            download_token = None
        filters = given(
            resourceType=resource_type,
            resourceId=resource_id,
            attributeName=attribute_name,
            downloadToken=download_token,
        )
        validate_parameters(
            "worldserver", GET_WS_FILES.operation_id, {"filename": filename, **filters}
        )
        typed = given(
            resource_type=GetAttributeFilesResourceType(resource_type) if resource_type else None,
            resource_id=int(resource_id) if resource_id is not None else None,
            attribute_name=attribute_name,
            download_token=download_token,
        )
        # WorldServer takes the filters as query parameters or as headers (seed 004); the
        # query is the default, and the spec's TASK default is not sent as a query parameter
        # when the filters go as headers (the query would win over them).
        where = "header" if filters_as_headers else "query"
        chosen = {f"{name}_{where}": value for name, value in typed.items()}
        if filters_as_headers:
            chosen["resource_type_query"] = UNSET
        kwargs = get_attribute_files._get_kwargs(filename=filename, **chosen)
        # The documented request says Content-Type: application/json (seed 004).
        kwargs["headers"] = {
            **specs.request_headers("worldserver", GET_WS_FILES.operation_id),
            **kwargs.get("headers", {}),
        }
        return kwargs

    async def download(
        self,
        filename: str,
        dest: Destination,
        options: DownloadOptions | None = None,
        *,
        resource_type: str | None = None,
        resource_id: int | None = None,
        attribute_name: str | None = None,
        download_token: str | Unset | None = None,
        filters_as_headers: bool = False,
        **keywords: Unpack[DownloadKeywords],
    ) -> DownloadResult:
        """Stream the file whose ``internalName`` is ``filename`` into ``dest``.

        ``download_token`` fetches a file not yet attached to a resource; the upload's result
        carries it (``download_token=uploaded.download_token``, which may be unset). The filters
        go as query parameters, or as headers of the same names with ``filters_as_headers=True``.
        The options (``attachkit.DownloadOptions``): ``durable=True`` fsyncs before returning;
        ``checksum="sha256"`` fills ``result.sha256``; ``resume=True`` keeps a failed
        download's bytes and continues them next time; ``max_bytes`` (WorldServer documents no
        maximum, so none by default) ends a larger download with ``ResponseTooLargeError``.
        """
        kwargs = self._download_kwargs(
            filename, resource_type, resource_id, attribute_name, download_token,
            filters_as_headers,
        )  # fmt: skip
        call = DownloadOptions.build(options, keywords).limited_to(None)
        return await self._client.download(GET_WS_FILES, kwargs, dest, call)

    def stream(
        self,
        filename: str,
        options: StreamOptions | None = None,
        *,
        resource_type: str | None = None,
        resource_id: int | None = None,
        attribute_name: str | None = None,
        download_token: str | Unset | None = None,
        filters_as_headers: bool = False,
        **keywords: Unpack[StreamKeywords],
    ) -> AsyncDownloadStream:
        """The file's bytes as they arrive, resuming after a cut (``AsyncDownloadStream``:
        iterate it; ``start()`` gives the name and size the answer announced)."""
        kwargs = self._download_kwargs(
            filename, resource_type, resource_id, attribute_name, download_token,
            filters_as_headers,
        )  # fmt: skip
        call = StreamOptions.build(options, keywords).limited_to(None)
        return self._client.stream(GET_WS_FILES, kwargs, call)
