"""CodeArts Req and COC: the two Huawei Cloud services, signed with AK/SK.

Each facade method checks its parameters against the spec, builds the request with the
generated client's own request builder, and hands it to its ``AsyncClient``. The sync twins
(``CodeArtsReq``, ``Coc``) are generated from the async source by ``scripts/unasync``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Unpack

import httpx

from attachkit import catalog
from attachkit._async.client import AsyncClient, AsyncFacade
from attachkit._async.download import AsyncDownloadStream
from attachkit.auth.signer import AkSkAuth
from attachkit.catalog import (
    DELETE_SCRUM,
    DOWNLOAD_COC,
    DOWNLOAD_IPD,
    DOWNLOAD_SCRUM,
    LIST_IPD,
    UPLOAD_COC,
    UPLOAD_IPD,
    UPLOAD_SCRUM,
    coc_base_url,
    codearts_base_url,
)
from attachkit.credentials import Credentials
from attachkit.facade_defaults import (
    DEFAULT_MAX_CONNECTIONS,
    empty_file,
    given,
    upload_body,
)
from attachkit.options import (
    CallKeywords,
    CallOptions,
    DownloadKeywords,
    DownloadOptions,
    StreamKeywords,
    StreamOptions,
    Timeout,
    UploadKeywords,
    UploadOptions,
)
from attachkit.transfer import Destination, DownloadResult, Progress, RetryPolicy
from attachkit.transfer.types import UploadSource
from attachkit.validation import validate_parameters
from coc_client.api.attachments import download_attachment as coc_download
from coc_client.api.attachments import upload_attachment as coc_upload
from coc_client.models import TicketType, UploadAttachmentBody, UploadResult
from coc_client.types import File as CocFile
from codearts_req_client.api.ipd import (
    download_ipd_attachment,
    list_ipd_attachments,
    upload_ipd_attachment,
)
from codearts_req_client.api.scrum import (
    delete_scrum_attachment,
    download_scrum_attachment,
    upload_scrum_attachment,
)
from codearts_req_client.models import (
    AttachmentUpload,
    IpdAttachmentList,
    IpdUploadResult,
    ScrumAttachment,
)
from codearts_req_client.types import File

if TYPE_CHECKING:
    from attachkit.bulk import BulkDownload

Clock = Callable[[], datetime]


class AsyncScrumAttachments:
    """Attachments of Scrum work items: ``upload``, ``download``, ``stream``, ``delete``."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def upload(
        self,
        project_id: str,
        issue_id: int | str,
        source: UploadSource,
        options: UploadOptions | None = None,
        **keywords: Unpack[UploadKeywords],
    ) -> ScrumAttachment:
        """Upload ``source`` (a path, binary file object or bytes) to the work item.

        The options (``attachkit.UploadOptions``, its fields as keywords, or both):
        ``filename``, ``progress``, ``timeout``, ``max_retries`` and ``size``, the number of
        bytes ``source`` holds. ``size`` is needed only for a non-seekable file object (a pipe),
        whose length cannot be measured; such a body is read once, so the upload is never
        retried.
        """
        validate_parameters(
            "codearts-req",
            UPLOAD_SCRUM.operation_id,
            {"project_id": project_id, "issue_id": issue_id},
        )
        call = UploadOptions.build(options, keywords)
        body = upload_body("attachment", source, call, max_bytes=catalog.SCRUM_MAX_BYTES)
        kwargs = upload_scrum_attachment._get_kwargs(
            project_id, int(issue_id), body=AttachmentUpload(attachment=empty_file(File))
        )
        kwargs.pop("files")
        return await self._client.run(UPLOAD_SCRUM, kwargs, call, body=body)

    def _download_kwargs(
        self, project_id: str, issue_id: int | str, attachment_id: str
    ) -> dict[str, Any]:
        validate_parameters(
            "codearts-req",
            DOWNLOAD_SCRUM.operation_id,
            {"project_id": project_id, "issue_id": issue_id, "attachment_id": attachment_id},
        )
        return download_scrum_attachment._get_kwargs(project_id, int(issue_id), attachment_id)

    async def download(
        self,
        project_id: str,
        issue_id: int | str,
        attachment_id: int | str,
        dest: Destination,
        options: DownloadOptions | None = None,
        **keywords: Unpack[DownloadKeywords],
    ) -> DownloadResult:
        """Stream the attachment into ``dest`` (file, directory or binary file object).

        The options (``attachkit.DownloadOptions``, its fields as keywords, or both):
        ``durable=True`` fsyncs before returning; ``checksum="sha256"`` fills ``result.sha256``;
        ``resume=True`` keeps a failed download's bytes and continues them next time; a larger
        download than ``max_bytes`` (the service's documented maximum by default, None for no
        bound) raises ``ResponseTooLargeError``; ``overwrite``, ``progress``, ``timeout``,
        ``max_retries``.
        """
        kwargs = self._download_kwargs(project_id, issue_id, str(attachment_id))
        call = DownloadOptions.build(options, keywords).limited_to(catalog.SCRUM_MAX_BYTES)
        return await self._client.download(DOWNLOAD_SCRUM, kwargs, dest, call)

    def stream(
        self,
        project_id: str,
        issue_id: int | str,
        attachment_id: int | str,
        options: StreamOptions | None = None,
        **keywords: Unpack[StreamKeywords],
    ) -> AsyncDownloadStream:
        """The attachment's bytes as they arrive, resuming after a cut (``AsyncDownloadStream``:
        iterate it; ``start()`` gives the name and size the answer announced)."""
        kwargs = self._download_kwargs(project_id, issue_id, str(attachment_id))
        call = StreamOptions.build(options, keywords).limited_to(catalog.SCRUM_MAX_BYTES)
        return self._client.stream(DOWNLOAD_SCRUM, kwargs, call)

    async def delete(
        self,
        project_id: str,
        issue_id: int | str,
        attachment_id: int | str,
        options: CallOptions | None = None,
        **keywords: Unpack[CallKeywords],
    ) -> None:
        """Unlink the attachment from the work item (and delete it if it was uploaded there)."""
        validate_parameters(
            "codearts-req",
            DELETE_SCRUM.operation_id,
            {"project_id": project_id, "issue_id": issue_id, "attachment_id": str(attachment_id)},
        )
        kwargs = delete_scrum_attachment._get_kwargs(project_id, int(issue_id), str(attachment_id))
        await self._client.run(DELETE_SCRUM, kwargs, CallOptions.build(options, keywords))


class AsyncIpdAttachments:
    """Attachments of IPD work items: ``upload``, ``list``, ``download``, ``stream``."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def upload(
        self,
        project_id: str,
        issue_id: str,
        source: UploadSource,
        options: UploadOptions | None = None,
        **keywords: Unpack[UploadKeywords],
    ) -> IpdUploadResult:
        """Upload ``source`` and associate it with the work item (its ``result`` lists it).

        ``size``: as for ``scrum.upload``.
        """
        validate_parameters(
            "codearts-req",
            UPLOAD_IPD.operation_id,
            {"project_id": project_id, "issue_id": issue_id},
        )
        call = UploadOptions.build(options, keywords)
        body = upload_body("attachment", source, call, max_bytes=catalog.IPD_MAX_BYTES)
        kwargs = upload_ipd_attachment._get_kwargs(
            project_id, str(issue_id), body=AttachmentUpload(attachment=empty_file(File))
        )
        kwargs.pop("files")
        return await self._client.run(UPLOAD_IPD, kwargs, call, body=body)

    async def list(
        self,
        project_id: str,
        issue_id: str,
        options: CallOptions | None = None,
        *,
        source_project_id: str | None = None,
        **keywords: Unpack[CallKeywords],
    ) -> IpdAttachmentList:
        """The work item's attachments (its ``result`` is the list)."""
        params = {
            "project_id": project_id,
            "issue_id": issue_id,
            **given(source_project_id=source_project_id),
        }
        validate_parameters("codearts-req", LIST_IPD.operation_id, params)
        kwargs = list_ipd_attachments._get_kwargs(
            project_id, issue_id=str(issue_id), **given(source_project_id=source_project_id)
        )
        return await self._client.run(LIST_IPD, kwargs, CallOptions.build(options, keywords))

    def _download_kwargs(self, project_id: str, attachment_id: str) -> dict[str, Any]:
        validate_parameters(
            "codearts-req",
            DOWNLOAD_IPD.operation_id,
            {"project_id": project_id, "id": attachment_id},
        )
        return download_ipd_attachment._get_kwargs(project_id, attachment_id)

    async def download(
        self,
        project_id: str,
        attachment_id: str,
        dest: Destination,
        options: DownloadOptions | None = None,
        **keywords: Unpack[DownloadKeywords],
    ) -> DownloadResult:
        """Stream the attachment into ``dest`` (file, directory or binary file object).

        The options (``attachkit.DownloadOptions``, its fields as keywords, or both):
        ``durable=True`` fsyncs before returning; ``checksum="sha256"`` fills ``result.sha256``;
        ``resume=True`` keeps a failed download's bytes and continues them next time; a larger
        download than ``max_bytes`` (the service's documented maximum by default, None for no
        bound) raises ``ResponseTooLargeError``; ``overwrite``, ``progress``, ``timeout``,
        ``max_retries``.
        """
        kwargs = self._download_kwargs(project_id, str(attachment_id))
        call = DownloadOptions.build(options, keywords).limited_to(catalog.IPD_MAX_BYTES)
        return await self._client.download(DOWNLOAD_IPD, kwargs, dest, call)

    def stream(
        self,
        project_id: str,
        attachment_id: str,
        options: StreamOptions | None = None,
        **keywords: Unpack[StreamKeywords],
    ) -> AsyncDownloadStream:
        """The attachment's bytes as they arrive, resuming after a cut (``AsyncDownloadStream``:
        iterate it; ``start()`` gives the name and size the answer announced)."""
        kwargs = self._download_kwargs(project_id, str(attachment_id))
        call = StreamOptions.build(options, keywords).limited_to(catalog.IPD_MAX_BYTES)
        return self._client.stream(DOWNLOAD_IPD, kwargs, call)

    async def download_all(
        self,
        project_id: str,
        issue_id: str,
        dest_dir: str | os.PathLike[str],
        *,
        jobs: int = 4,
        overwrite: bool = False,
        resume: bool = False,
        source_project_id: str | None = None,
        progress: Progress | None = None,
    ) -> BulkDownload:
        """Every attachment of the work item into ``dest_dir``, ``jobs`` at a time.

        Returns ``attachkit.bulk.BulkDownload``: each attachment downloaded, skipped (already
        there with the listed size) or failed (the others still complete).
        ``resume=True`` keeps what a failed download received and continues what a run kept.
        """
        # Imported on the first bulk download: the task group brings anyio.
        from attachkit._async.bulk import async_download_all

        return await async_download_all(
            self, project_id, issue_id, dest_dir, jobs=jobs, overwrite=overwrite, resume=resume,
            source_project_id=source_project_id, progress=progress,
        )  # fmt: skip


def _signed_client(
    base_url: str,
    credentials: Credentials | None,
    clock: Clock | None,
    timeout: Timeout,
    max_retries: int | None,
    retry_policy: RetryPolicy | None,
    transport: httpx.AsyncBaseTransport | None,
    max_connections: int,
) -> AsyncClient:
    """The executor of a Huawei facade: AK/SK signing, ``Credentials.resolve()`` by default."""
    return AsyncClient(
        base_url,
        AkSkAuth(credentials or Credentials.resolve(), clock=clock),
        timeout=timeout,
        max_retries=max_retries,
        retry_policy=retry_policy,
        transport=transport,
        max_connections=max_connections,
    )


class AsyncCodeArtsReq(AsyncFacade):
    """CodeArts Req attachments: ``.scrum`` and ``.ipd``. A context manager.

    ``region`` (or ``$HUAWEICLOUD_SDK_REGION``; no other default) or ``endpoint`` says where to
    send (``attachkit.regions``, which honours ``$HUAWEICLOUD_SDK_REGION_PROJECTMAN_<REGION>``);
    ``credentials`` default to ``Credentials.resolve()`` (environment, then profile file);
    ``max_retries`` (default 3) wins over ``retry_policy.max_retries`` when both are given (the
    policy's backoff is kept); ``clock`` replaces the signer's clock (tests only).
    ``iam_project_id`` (default: the credentials', e.g. ``$HUAWEICLOUD_SDK_PROJECT_ID``) is the
    IAM project id of the region, sent as ``X-Project-Id``; it is not the CodeArts project id
    that the operations take.
    """

    scrum: AsyncScrumAttachments
    ipd: AsyncIpdAttachments

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint: str | None = None,
        credentials: Credentials | None = None,
        timeout: Timeout = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        clock: Clock | None = None,
        iam_project_id: str | None = None,
    ) -> None:
        base_url = codearts_base_url(region, endpoint)
        if iam_project_id is not None:
            # Sent as X-Project-Id, as the official SDK does when it knows the IAM project.
            credentials = dataclasses.replace(
                credentials or Credentials.resolve(), project_id=iam_project_id
            )
        super().__init__(
            _signed_client(
                base_url,
                credentials,
                clock,
                timeout,
                max_retries,
                retry_policy,
                transport,
                max_connections,
            )
        )
        self.scrum = AsyncScrumAttachments(self._client)
        self.ipd = AsyncIpdAttachments(self._client)


class AsyncCoc(AsyncFacade):
    """COC incident attachments: ``upload``, ``download``, ``stream``. A context manager.

    ``region`` (or ``$HUAWEICLOUD_SDK_REGION``; no other default) or ``endpoint`` says where to
    send (``attachkit.regions``); the other options as for ``CodeArtsReq``.
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint: str | None = None,
        credentials: Credentials | None = None,
        timeout: Timeout = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        clock: Clock | None = None,
    ) -> None:
        base_url = coc_base_url(region, endpoint)
        super().__init__(
            _signed_client(
                base_url,
                credentials,
                clock,
                timeout,
                max_retries,
                retry_policy,
                transport,
                max_connections,
            )
        )

    async def upload(
        self,
        source: UploadSource,
        options: UploadOptions | None = None,
        *,
        ticket_type: str = TicketType.INCIDENT.value,
        **keywords: Unpack[UploadKeywords],
    ) -> UploadResult:
        """Upload an incident attachment (``.data.doc_id`` of the result is its id).

        ``size``: as for ``CodeArtsReq.scrum.upload``.
        """
        validate_parameters("coc", UPLOAD_COC.operation_id, {"ticket_type": ticket_type})
        call = UploadOptions.build(options, keywords)
        body = upload_body(
            "file", source, call, max_bytes=catalog.COC_MAX_BYTES, extensions=catalog.COC_EXTENSIONS
        )
        kwargs = coc_upload._get_kwargs(
            TicketType(ticket_type), body=UploadAttachmentBody(file=empty_file(CocFile))
        )
        kwargs.pop("files")
        return await self._client.run(UPLOAD_COC, kwargs, call, body=body)

    def _download_kwargs(self, doc_id: str, ticket_type: str) -> dict[str, Any]:
        validate_parameters(
            "coc", DOWNLOAD_COC.operation_id, {"ticket_type": ticket_type, "doc_id": doc_id}
        )
        return coc_download._get_kwargs(TicketType(ticket_type), doc_id)

    async def download(
        self,
        doc_id: str,
        dest: Destination,
        options: DownloadOptions | None = None,
        *,
        ticket_type: str = TicketType.INCIDENT.value,
        **keywords: Unpack[DownloadKeywords],
    ) -> DownloadResult:
        """Stream the attachment into ``dest`` (file, directory or binary file object).

        The options (``attachkit.DownloadOptions``, its fields as keywords, or both):
        ``durable=True`` fsyncs before returning; ``checksum="sha256"`` fills ``result.sha256``;
        ``resume=True`` keeps a failed download's bytes and continues them next time; a larger
        download than ``max_bytes`` (the service's documented maximum by default, None for no
        bound) raises ``ResponseTooLargeError``; ``overwrite``, ``progress``, ``timeout``,
        ``max_retries``.
        """
        kwargs = self._download_kwargs(doc_id, ticket_type)
        call = DownloadOptions.build(options, keywords).limited_to(catalog.COC_MAX_BYTES)
        return await self._client.download(DOWNLOAD_COC, kwargs, dest, call)

    def stream(
        self,
        doc_id: str,
        options: StreamOptions | None = None,
        *,
        ticket_type: str = TicketType.INCIDENT.value,
        **keywords: Unpack[StreamKeywords],
    ) -> AsyncDownloadStream:
        """The attachment's bytes as they arrive, resuming after a cut (``AsyncDownloadStream``:
        iterate it; ``start()`` gives the name and size the answer announced)."""
        kwargs = self._download_kwargs(doc_id, ticket_type)
        call = StreamOptions.build(options, keywords).limited_to(catalog.COC_MAX_BYTES)
        return self._client.stream(DOWNLOAD_COC, kwargs, call)
