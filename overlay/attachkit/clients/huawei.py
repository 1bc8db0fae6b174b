"""CodeArts Req and COC: the two Huawei Cloud services, signed with AK/SK.

Each facade method checks its parameters against the spec, builds the request with the
generated client's own request builder, and hands it to the executor of ``_base``. The same
classes serve the sync facades (``CodeArtsReq``, ``Coc``) and the async ones (``AsyncCodeArtsReq``,
``AsyncCoc``): on the async ones every method returns an awaitable.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import httpx

from attachkit import specs
from attachkit.clients._base import (
    MB,
    AsyncClient,
    Client,
    Operation,
    Timeout,
    empty_file,
    given,
    upload_body,
)
from attachkit.credentials import Credentials
from attachkit.errors import ConfigurationError
from attachkit.signing.signer import AkSkAuth
from attachkit.transfer import (
    Progress,
    RetryPolicy,
    coc_error_parser,
    huawei_error_parser,
)
from attachkit.transfer.download import Checksum, Destination
from attachkit.transfer.multipart import UploadSource
from attachkit.validation import validate_parameters
from coc_client.api.attachments import download_attachment as coc_download
from coc_client.api.attachments import upload_attachment as coc_upload
from coc_client.models import TicketType, UploadAttachmentBody
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
from codearts_req_client.models import AttachmentUpload
from codearts_req_client.types import File

SCRUM_MAX_BYTES = 50 * MB
IPD_MAX_BYTES = 200 * MB
COC_MAX_BYTES = 10 * MB
COC_EXTENSIONS = (".jpg", ".png", ".docx", ".txt", ".pdf")
COC_ENDPOINTS = {
    "cn-north-4": "https://coc.myhuaweicloud.com",
    "ap-southeast-3": "https://coc-intl.myhuaweicloud.com",
    "eu-west-101": "https://coc-eu-west-101-open-api.myhuaweicloud.eu",
}


def _req(operation_id: str, module: Any) -> Operation:
    return Operation("codearts-req", operation_id, module, huawei_error_parser)


def _coc(operation_id: str, module: Any) -> Operation:
    return Operation("coc", operation_id, module, coc_error_parser)


UPLOAD_SCRUM = _req("uploadScrumAttachment", upload_scrum_attachment)
DOWNLOAD_SCRUM = _req("downloadScrumAttachment", download_scrum_attachment)
DELETE_SCRUM = _req("deleteScrumAttachment", delete_scrum_attachment)
UPLOAD_IPD = _req("uploadIpdAttachment", upload_ipd_attachment)
LIST_IPD = _req("listIpdAttachments", list_ipd_attachments)
DOWNLOAD_IPD = _req("downloadIpdAttachment", download_ipd_attachment)
UPLOAD_COC = _coc("uploadAttachment", coc_upload)
DOWNLOAD_COC = _coc("downloadAttachment", coc_download)


class _Namespace:
    """A group of operations (``.scrum``, ``.ipd``) running on its facade's executor."""

    def __init__(self, client: Client | AsyncClient) -> None:
        self._client = client


class ScrumAttachments(_Namespace):
    """Attachments of Scrum work items: ``upload``, ``download``, ``stream``, ``delete``."""

    def upload(
        self,
        project_id: str,
        issue_id: int | str,
        source: UploadSource,
        *,
        filename: str | None = None,
        size: int | None = None,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        """Upload ``source`` (a path, binary file object or bytes); returns ``ScrumAttachment``.

        ``size`` is the number of bytes ``source`` holds. It is needed only for a non-seekable
        file object (a pipe), whose length cannot be measured; such a body is read once, so
        the upload is never retried.
        """
        validate_parameters(
            "codearts-req",
            UPLOAD_SCRUM.operation_id,
            {"project_id": project_id, "issue_id": issue_id},
        )
        body = upload_body(
            "attachment", source, filename, progress, max_bytes=SCRUM_MAX_BYTES, size=size
        )
        kwargs = upload_scrum_attachment._get_kwargs(
            project_id, int(issue_id), body=AttachmentUpload(attachment=empty_file(File))
        )
        kwargs.pop("files")
        return self._client._call(
            UPLOAD_SCRUM, kwargs, body=body, max_retries=max_retries, timeout=timeout
        )

    def _download_kwargs(self, project_id: str, issue_id: int | str, attachment_id: str) -> Any:
        validate_parameters(
            "codearts-req",
            DOWNLOAD_SCRUM.operation_id,
            {"project_id": project_id, "issue_id": issue_id, "attachment_id": str(attachment_id)},
        )
        return download_scrum_attachment._get_kwargs(project_id, int(issue_id), str(attachment_id))

    def download(
        self,
        project_id: str,
        issue_id: int | str,
        attachment_id: int | str,
        dest: Destination,
        *,
        overwrite: bool = False,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
        durable: bool = False,
        checksum: Checksum | None = None,
    ) -> Any:
        """Stream the attachment into ``dest`` (file, directory or binary file object).

        ``durable=True`` fsyncs before returning; ``checksum="sha256"`` fills ``result.sha256``.
        """
        kwargs = self._download_kwargs(project_id, issue_id, str(attachment_id))
        return self._client._download(
            DOWNLOAD_SCRUM, kwargs, dest, overwrite=overwrite, progress=progress,
            max_retries=max_retries, timeout=timeout, durable=durable, checksum=checksum,
        )  # fmt: skip

    def stream(
        self,
        project_id: str,
        issue_id: int | str,
        attachment_id: int | str,
        *,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        """The attachment's bytes as an iterator of chunks (an async iterator on async clients)."""
        kwargs = self._download_kwargs(project_id, issue_id, str(attachment_id))
        return self._client._stream(
            DOWNLOAD_SCRUM, kwargs, progress=progress, max_retries=max_retries, timeout=timeout
        )

    def delete(
        self,
        project_id: str,
        issue_id: int | str,
        attachment_id: int | str,
        *,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        """Unlink the attachment from the work item (and delete it if it was uploaded there)."""
        validate_parameters(
            "codearts-req",
            DELETE_SCRUM.operation_id,
            {"project_id": project_id, "issue_id": issue_id, "attachment_id": str(attachment_id)},
        )
        kwargs = delete_scrum_attachment._get_kwargs(project_id, int(issue_id), str(attachment_id))
        return self._client._call(DELETE_SCRUM, kwargs, max_retries=max_retries, timeout=timeout)


class IpdAttachments(_Namespace):
    """Attachments of IPD work items: ``upload``, ``list``, ``download``, ``stream``."""

    def upload(
        self,
        project_id: str,
        issue_id: str,
        source: UploadSource,
        *,
        filename: str | None = None,
        size: int | None = None,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        """Upload ``source`` and associate it with the work item; returns ``IpdUploadResult``.

        ``size``: as for ``scrum.upload``.
        """
        validate_parameters(
            "codearts-req",
            UPLOAD_IPD.operation_id,
            {"project_id": project_id, "issue_id": issue_id},
        )
        body = upload_body(
            "attachment", source, filename, progress, max_bytes=IPD_MAX_BYTES, size=size
        )
        kwargs = upload_ipd_attachment._get_kwargs(
            project_id, str(issue_id), body=AttachmentUpload(attachment=empty_file(File))
        )
        kwargs.pop("files")
        return self._client._call(
            UPLOAD_IPD, kwargs, body=body, max_retries=max_retries, timeout=timeout
        )

    def list(
        self,
        project_id: str,
        issue_id: str,
        *,
        source_project_id: str | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        """The work item's attachments, an ``IpdAttachmentList`` (its ``result`` is the list)."""
        params = {
            "project_id": project_id,
            "issue_id": issue_id,
            **given(source_project_id=source_project_id),
        }
        validate_parameters("codearts-req", LIST_IPD.operation_id, params)
        kwargs = list_ipd_attachments._get_kwargs(
            project_id, issue_id=str(issue_id), **given(source_project_id=source_project_id)
        )
        return self._client._call(LIST_IPD, kwargs, max_retries=max_retries, timeout=timeout)

    def _download_kwargs(self, project_id: str, attachment_id: str) -> Any:
        validate_parameters(
            "codearts-req",
            DOWNLOAD_IPD.operation_id,
            {"project_id": project_id, "id": attachment_id},
        )
        return download_ipd_attachment._get_kwargs(project_id, attachment_id)

    def download(
        self,
        project_id: str,
        attachment_id: str,
        dest: Destination,
        *,
        overwrite: bool = False,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
        durable: bool = False,
        checksum: Checksum | None = None,
    ) -> Any:
        """Stream the attachment into ``dest`` (file, directory or binary file object).

        ``durable=True`` fsyncs before returning; ``checksum="sha256"`` fills ``result.sha256``.
        """
        kwargs = self._download_kwargs(project_id, str(attachment_id))
        return self._client._download(
            DOWNLOAD_IPD, kwargs, dest, overwrite=overwrite, progress=progress,
            max_retries=max_retries, timeout=timeout, durable=durable, checksum=checksum,
        )  # fmt: skip

    def stream(
        self,
        project_id: str,
        attachment_id: str,
        *,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        """The attachment's bytes as an iterator of chunks (an async iterator on async clients)."""
        kwargs = self._download_kwargs(project_id, str(attachment_id))
        return self._client._stream(
            DOWNLOAD_IPD, kwargs, progress=progress, max_retries=max_retries, timeout=timeout
        )

    def download_all(
        self,
        project_id: str,
        issue_id: str,
        dest_dir: str | os.PathLike[str],
        *,
        jobs: int = 4,
        overwrite: bool = False,
        source_project_id: str | None = None,
        progress: Progress | None = None,
    ) -> Any:
        """Every attachment of the work item into ``dest_dir``, ``jobs`` at a time.

        Returns ``attachkit.bulk.BulkDownload``: each attachment downloaded, skipped (already
        there with the listed size) or failed (the others still complete); see ``attachkit.bulk``.
        """
        from attachkit import bulk

        run = bulk.adownload_all if isinstance(self._client, AsyncClient) else bulk.download_all
        return run(
            self, project_id, issue_id, dest_dir, jobs=jobs, overwrite=overwrite,
            source_project_id=source_project_id, progress=progress,
        )  # fmt: skip


def _codearts_base_url(region: str | None, endpoint: str | None) -> str:
    if endpoint:
        return endpoint
    server = specs.load_spec("codearts-req")["servers"][0]
    regions = server["variables"]["region"]["enum"]
    region = region or os.environ.get("HUAWEICLOUD_SDK_REGION")
    if region is None or region not in regions:
        raise ConfigurationError(
            f"CodeArts Req needs endpoint= or a region, one of {', '.join(regions)}"
            + (f"; got {region!r}" if region else "")
        )
    return str(server["url"]).replace("{region}", region)


def _coc_base_url(region: str | None, endpoint: str | None) -> str:
    if endpoint:
        return endpoint
    region = region or "cn-north-4"
    if region not in COC_ENDPOINTS:
        raise ConfigurationError(
            f"COC has endpoints for {', '.join(COC_ENDPOINTS)}; got {region!r} (pass endpoint=)"
        )
    return COC_ENDPOINTS[region]


class _SignedService:
    """The constructor every Huawei facade shares: where to send, and AK/SK signing."""

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint: str | None = None,
        credentials: Credentials | None = None,
        timeout: Timeout = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], Any] | None = None,
    ) -> None:
        """``credentials`` default to ``Credentials.resolve()`` (environment, then profile file);
        ``clock`` replaces the signer's clock (tests only). ``max_retries`` defaults to
        ``DEFAULT_MAX_RETRIES`` (3); given together with ``retry_policy`` it replaces that
        policy's ``max_retries`` (the policy's backoff is kept)."""
        auth = AkSkAuth(credentials or Credentials.resolve(), clock=clock)
        super().__init__(  # type: ignore[call-arg]  # Client or AsyncClient, by the subclass
            self._base_url(region, endpoint),
            auth,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            transport=transport,
        )

    @staticmethod
    def _base_url(region: str | None, endpoint: str | None) -> str:
        raise NotImplementedError


class _CodeArtsReqService(_SignedService):
    scrum: ScrumAttachments
    ipd: IpdAttachments
    _base_url = staticmethod(_codearts_base_url)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.scrum = ScrumAttachments(self)  # type: ignore[arg-type]
        self.ipd = IpdAttachments(self)  # type: ignore[arg-type]


class CodeArtsReq(_CodeArtsReqService, Client):
    """CodeArts Req attachments: ``.scrum`` and ``.ipd``. Sync; a context manager.

    ``CodeArtsReq(region="cn-north-4" | endpoint=URL, credentials=..., timeout=...,
    max_retries=..., retry_policy=...)``; credentials default to ``Credentials.resolve()``.
    ``max_retries`` (default 3) wins over ``retry_policy.max_retries`` when both are given.
    """


class AsyncCodeArtsReq(_CodeArtsReqService, AsyncClient):
    """The async twin of ``CodeArtsReq``: the same methods, awaited."""


class _CocOperations:
    """COC's ``upload``/``download``/``stream``, shared by ``Coc`` and ``AsyncCoc``."""

    _call: Any
    _download: Any
    _stream: Any

    def upload(
        self,
        source: UploadSource,
        *,
        filename: str | None = None,
        ticket_type: str = TicketType.INCIDENT.value,
        size: int | None = None,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        """Upload an incident attachment; returns ``UploadResult`` (``.data.doc_id`` is its id).

        ``size``: as for ``CodeArtsReq.scrum.upload``.
        """
        validate_parameters("coc", UPLOAD_COC.operation_id, {"ticket_type": ticket_type})
        body = upload_body(
            "file",
            source,
            filename,
            progress,
            max_bytes=COC_MAX_BYTES,
            extensions=COC_EXTENSIONS,
            size=size,
        )
        kwargs = coc_upload._get_kwargs(
            TicketType(ticket_type), body=UploadAttachmentBody(file=empty_file(CocFile))
        )
        kwargs.pop("files")
        return self._call(UPLOAD_COC, kwargs, body=body, max_retries=max_retries, timeout=timeout)

    def _download_kwargs(self, doc_id: str, ticket_type: str) -> Any:
        validate_parameters(
            "coc", DOWNLOAD_COC.operation_id, {"ticket_type": ticket_type, "doc_id": doc_id}
        )
        return coc_download._get_kwargs(TicketType(ticket_type), doc_id)

    def download(
        self,
        doc_id: str,
        dest: Destination,
        *,
        ticket_type: str = TicketType.INCIDENT.value,
        overwrite: bool = False,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
        durable: bool = False,
        checksum: Checksum | None = None,
    ) -> Any:
        """Stream the attachment into ``dest`` (file, directory or binary file object).

        ``durable=True`` fsyncs before returning; ``checksum="sha256"`` fills ``result.sha256``.
        """
        kwargs = self._download_kwargs(doc_id, ticket_type)
        return self._download(
            DOWNLOAD_COC, kwargs, dest, overwrite=overwrite, progress=progress,
            max_retries=max_retries, timeout=timeout, durable=durable, checksum=checksum,
        )  # fmt: skip

    def stream(
        self,
        doc_id: str,
        *,
        ticket_type: str = TicketType.INCIDENT.value,
        progress: Progress | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        """The attachment's bytes as an iterator of chunks (an async iterator on async clients)."""
        kwargs = self._download_kwargs(doc_id, ticket_type)
        return self._stream(
            DOWNLOAD_COC, kwargs, progress=progress, max_retries=max_retries, timeout=timeout
        )


class Coc(_CocOperations, _SignedService, Client):
    """COC incident attachments. Sync; a context manager.

    ``Coc(region="cn-north-4" | endpoint=URL, credentials=..., timeout=..., max_retries=...,
    retry_policy=...)``; ``max_retries`` (default 3) wins over ``retry_policy.max_retries``.
    """

    _base_url = staticmethod(_coc_base_url)


class AsyncCoc(_CocOperations, _SignedService, AsyncClient):
    """The async twin of ``Coc``: the same methods, awaited."""

    _base_url = staticmethod(_coc_base_url)
