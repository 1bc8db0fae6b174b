from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    issue_id: int,
    attachment_id: str,
    *,
    x_project_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_project_id, Unset):
        headers["X-Project-Id"] = x_project_id

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v4/projects/{project_id}/issues/{issue_id}/attachments/{attachment_id}".format(
            project_id=quote(str(project_id), safe=""),
            issue_id=quote(str(issue_id), safe=""),
            attachment_id=quote(str(attachment_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    issue_id: int,
    attachment_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_project_id: str | Unset = UNSET,
) -> Response[Any | Error]:
    """Delete an attachment of a Scrum work item

     Unlinks the attachment from the work item, and deletes it when it was uploaded to that
    work item. The answer has no body (the SDK's `DeleteAttachmentResponse` has no field).

    Args:
        project_id (str):
        issue_id (int):
        attachment_id (str):
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        issue_id=issue_id,
        attachment_id=attachment_id,
        x_project_id=x_project_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    issue_id: int,
    attachment_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_project_id: str | Unset = UNSET,
) -> Any | Error | None:
    """Delete an attachment of a Scrum work item

     Unlinks the attachment from the work item, and deletes it when it was uploaded to that
    work item. The answer has no body (the SDK's `DeleteAttachmentResponse` has no field).

    Args:
        project_id (str):
        issue_id (int):
        attachment_id (str):
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        project_id=project_id,
        issue_id=issue_id,
        attachment_id=attachment_id,
        client=client,
        x_project_id=x_project_id,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    issue_id: int,
    attachment_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_project_id: str | Unset = UNSET,
) -> Response[Any | Error]:
    """Delete an attachment of a Scrum work item

     Unlinks the attachment from the work item, and deletes it when it was uploaded to that
    work item. The answer has no body (the SDK's `DeleteAttachmentResponse` has no field).

    Args:
        project_id (str):
        issue_id (int):
        attachment_id (str):
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        issue_id=issue_id,
        attachment_id=attachment_id,
        x_project_id=x_project_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    issue_id: int,
    attachment_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_project_id: str | Unset = UNSET,
) -> Any | Error | None:
    """Delete an attachment of a Scrum work item

     Unlinks the attachment from the work item, and deletes it when it was uploaded to that
    work item. The answer has no body (the SDK's `DeleteAttachmentResponse` has no field).

    Args:
        project_id (str):
        issue_id (int):
        attachment_id (str):
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            issue_id=issue_id,
            attachment_id=attachment_id,
            client=client,
            x_project_id=x_project_id,
        )
    ).parsed
