from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    project_id: str,
    id: str,
    *,
    x_project_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_project_id, Unset):
        headers["X-Project-Id"] = x_project_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/ipdprojectservice/projects/{project_id}/attachments/download/{id}".format(
            project_id=quote(str(project_id), safe=""),
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

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
) -> Response[Error | File]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    x_project_id: str | Unset = UNSET,
) -> Response[Error | File]:
    """Download an attachment of an IPD project by its id

     Answers the attachment's bytes.

    Args:
        project_id (str):
        id (str): An IPD attachment id. No document constrains it; every documented one (for
            example
            `1212813884362502144`) has 18 or 19 digits like a work-item id.
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | File]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        id=id,
        x_project_id=x_project_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    x_project_id: str | Unset = UNSET,
) -> Error | File | None:
    """Download an attachment of an IPD project by its id

     Answers the attachment's bytes.

    Args:
        project_id (str):
        id (str): An IPD attachment id. No document constrains it; every documented one (for
            example
            `1212813884362502144`) has 18 or 19 digits like a work-item id.
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | File
    """

    return sync_detailed(
        project_id=project_id,
        id=id,
        client=client,
        x_project_id=x_project_id,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    x_project_id: str | Unset = UNSET,
) -> Response[Error | File]:
    """Download an attachment of an IPD project by its id

     Answers the attachment's bytes.

    Args:
        project_id (str):
        id (str): An IPD attachment id. No document constrains it; every documented one (for
            example
            `1212813884362502144`) has 18 or 19 digits like a work-item id.
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | File]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        id=id,
        x_project_id=x_project_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    x_project_id: str | Unset = UNSET,
) -> Error | File | None:
    """Download an attachment of an IPD project by its id

     Answers the attachment's bytes.

    Args:
        project_id (str):
        id (str): An IPD attachment id. No document constrains it; every documented one (for
            example
            `1212813884362502144`) has 18 or 19 digits like a work-item id.
        x_project_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | File
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            id=id,
            client=client,
            x_project_id=x_project_id,
        )
    ).parsed
