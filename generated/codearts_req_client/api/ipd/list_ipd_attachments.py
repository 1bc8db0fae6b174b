from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.ipd_attachment_list import IpdAttachmentList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    *,
    issue_id: str,
    source_project_id: str | Unset = UNSET,
    x_project_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_project_id, Unset):
        headers["X-Project-Id"] = x_project_id

    params: dict[str, Any] = {}

    params["issue_id"] = issue_id

    params["source_project_id"] = source_project_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/ipdprojectservice/projects/{project_id}/attachments".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | IpdAttachmentList | None:
    if response.status_code == 200:
        response_200 = IpdAttachmentList.from_dict(response.json())

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
) -> Response[Error | IpdAttachmentList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    issue_id: str,
    source_project_id: str | Unset = UNSET,
    x_project_id: str | Unset = UNSET,
) -> Response[Error | IpdAttachmentList]:
    """List the attachments of an IPD work item

     Lists every attachment associated with the work item (in the order the service gives;
    no order is documented).

    Args:
        project_id (str):
        issue_id (str): An IPD work-item id.
        source_project_id (str | Unset):
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IpdAttachmentList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        issue_id=issue_id,
        source_project_id=source_project_id,
        x_project_id=x_project_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    issue_id: str,
    source_project_id: str | Unset = UNSET,
    x_project_id: str | Unset = UNSET,
) -> Error | IpdAttachmentList | None:
    """List the attachments of an IPD work item

     Lists every attachment associated with the work item (in the order the service gives;
    no order is documented).

    Args:
        project_id (str):
        issue_id (str): An IPD work-item id.
        source_project_id (str | Unset):
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IpdAttachmentList
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        issue_id=issue_id,
        source_project_id=source_project_id,
        x_project_id=x_project_id,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    issue_id: str,
    source_project_id: str | Unset = UNSET,
    x_project_id: str | Unset = UNSET,
) -> Response[Error | IpdAttachmentList]:
    """List the attachments of an IPD work item

     Lists every attachment associated with the work item (in the order the service gives;
    no order is documented).

    Args:
        project_id (str):
        issue_id (str): An IPD work-item id.
        source_project_id (str | Unset):
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IpdAttachmentList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        issue_id=issue_id,
        source_project_id=source_project_id,
        x_project_id=x_project_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    issue_id: str,
    source_project_id: str | Unset = UNSET,
    x_project_id: str | Unset = UNSET,
) -> Error | IpdAttachmentList | None:
    """List the attachments of an IPD work item

     Lists every attachment associated with the work item (in the order the service gives;
    no order is documented).

    Args:
        project_id (str):
        issue_id (str): An IPD work-item id.
        source_project_id (str | Unset):
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IpdAttachmentList
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            issue_id=issue_id,
            source_project_id=source_project_id,
            x_project_id=x_project_id,
        )
    ).parsed
