from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.attachment_upload import AttachmentUpload
from ...models.error import Error
from ...models.ipd_upload_result import IpdUploadResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    issue_id: str,
    *,
    body: AttachmentUpload,
    x_project_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_project_id, Unset):
        headers["X-Project-Id"] = x_project_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/ipdprojectservice/projects/{project_id}/issues/{issue_id}/attachments/upload".format(
            project_id=quote(str(project_id), safe=""),
            issue_id=quote(str(issue_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | IpdUploadResult | None:
    if response.status_code == 200:
        response_200 = IpdUploadResult.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | IpdUploadResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    issue_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: AttachmentUpload,
    x_project_id: str | Unset = UNSET,
) -> Response[Error | IpdUploadResult]:
    """Upload a file and associate it with an IPD work item

     Uploads one file as a `multipart/form-data` field named `attachment` and associates it
    with the work item. An IPD attachment is at most 200 MB.

    The two revisions of the reference disagree on the answer: one gives `result` as a list of
    `AttachmentVoExt` and its example sends one; the other's example sends `"result": null`.
    Both are accepted.

    Args:
        project_id (str):
        issue_id (str): An IPD work-item id.
        x_project_id (str | Unset):
        body (AttachmentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IpdUploadResult]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        issue_id=issue_id,
        body=body,
        x_project_id=x_project_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    issue_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: AttachmentUpload,
    x_project_id: str | Unset = UNSET,
) -> Error | IpdUploadResult | None:
    """Upload a file and associate it with an IPD work item

     Uploads one file as a `multipart/form-data` field named `attachment` and associates it
    with the work item. An IPD attachment is at most 200 MB.

    The two revisions of the reference disagree on the answer: one gives `result` as a list of
    `AttachmentVoExt` and its example sends one; the other's example sends `"result": null`.
    Both are accepted.

    Args:
        project_id (str):
        issue_id (str): An IPD work-item id.
        x_project_id (str | Unset):
        body (AttachmentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IpdUploadResult
    """

    return sync_detailed(
        project_id=project_id,
        issue_id=issue_id,
        client=client,
        body=body,
        x_project_id=x_project_id,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    issue_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: AttachmentUpload,
    x_project_id: str | Unset = UNSET,
) -> Response[Error | IpdUploadResult]:
    """Upload a file and associate it with an IPD work item

     Uploads one file as a `multipart/form-data` field named `attachment` and associates it
    with the work item. An IPD attachment is at most 200 MB.

    The two revisions of the reference disagree on the answer: one gives `result` as a list of
    `AttachmentVoExt` and its example sends one; the other's example sends `"result": null`.
    Both are accepted.

    Args:
        project_id (str):
        issue_id (str): An IPD work-item id.
        x_project_id (str | Unset):
        body (AttachmentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IpdUploadResult]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        issue_id=issue_id,
        body=body,
        x_project_id=x_project_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    issue_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: AttachmentUpload,
    x_project_id: str | Unset = UNSET,
) -> Error | IpdUploadResult | None:
    """Upload a file and associate it with an IPD work item

     Uploads one file as a `multipart/form-data` field named `attachment` and associates it
    with the work item. An IPD attachment is at most 200 MB.

    The two revisions of the reference disagree on the answer: one gives `result` as a list of
    `AttachmentVoExt` and its example sends one; the other's example sends `"result": null`.
    Both are accepted.

    Args:
        project_id (str):
        issue_id (str): An IPD work-item id.
        x_project_id (str | Unset):
        body (AttachmentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IpdUploadResult
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            issue_id=issue_id,
            client=client,
            body=body,
            x_project_id=x_project_id,
        )
    ).parsed
