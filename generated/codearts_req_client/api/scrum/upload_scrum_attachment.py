from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.attachment_upload import AttachmentUpload
from ...models.error import Error
from ...models.scrum_attachment import ScrumAttachment
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    issue_id: int,
    *,
    body: AttachmentUpload,
    x_project_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_project_id, Unset):
        headers["X-Project-Id"] = x_project_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v4/projects/{project_id}/issues/{issue_id}/attachments/upload".format(
            project_id=quote(str(project_id), safe=""),
            issue_id=quote(str(issue_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ScrumAttachment | None:
    if response.status_code == 200:
        response_200 = ScrumAttachment.from_dict(response.json())

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
) -> Response[Error | ScrumAttachment]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    issue_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: AttachmentUpload,
    x_project_id: str | Unset = UNSET,
) -> Response[Error | ScrumAttachment]:
    """Upload an attachment to a Scrum work item

     Uploads one file as a `multipart/form-data` field named `attachment` and links it to the
    work item. A Scrum attachment is at most 50 MB. attachkit assumes the answer's `id` (the
    SDK's "association id") is the attachment id that the download and delete operations
    take; the reference of the download says that id comes from the work item's attachment
    list, which attachkit does not call.

    Args:
        project_id (str):
        issue_id (int):
        x_project_id (str | Unset):
        body (AttachmentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ScrumAttachment]
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
    issue_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: AttachmentUpload,
    x_project_id: str | Unset = UNSET,
) -> Error | ScrumAttachment | None:
    """Upload an attachment to a Scrum work item

     Uploads one file as a `multipart/form-data` field named `attachment` and links it to the
    work item. A Scrum attachment is at most 50 MB. attachkit assumes the answer's `id` (the
    SDK's "association id") is the attachment id that the download and delete operations
    take; the reference of the download says that id comes from the work item's attachment
    list, which attachkit does not call.

    Args:
        project_id (str):
        issue_id (int):
        x_project_id (str | Unset):
        body (AttachmentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ScrumAttachment
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
    issue_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: AttachmentUpload,
    x_project_id: str | Unset = UNSET,
) -> Response[Error | ScrumAttachment]:
    """Upload an attachment to a Scrum work item

     Uploads one file as a `multipart/form-data` field named `attachment` and links it to the
    work item. A Scrum attachment is at most 50 MB. attachkit assumes the answer's `id` (the
    SDK's "association id") is the attachment id that the download and delete operations
    take; the reference of the download says that id comes from the work item's attachment
    list, which attachkit does not call.

    Args:
        project_id (str):
        issue_id (int):
        x_project_id (str | Unset):
        body (AttachmentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ScrumAttachment]
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
    issue_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: AttachmentUpload,
    x_project_id: str | Unset = UNSET,
) -> Error | ScrumAttachment | None:
    """Upload an attachment to a Scrum work item

     Uploads one file as a `multipart/form-data` field named `attachment` and links it to the
    work item. A Scrum attachment is at most 50 MB. attachkit assumes the answer's `id` (the
    SDK's "association id") is the attachment id that the download and delete operations
    take; the reference of the download says that id comes from the work item's attachment
    list, which attachkit does not call.

    Args:
        project_id (str):
        issue_id (int):
        x_project_id (str | Unset):
        body (AttachmentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ScrumAttachment
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
