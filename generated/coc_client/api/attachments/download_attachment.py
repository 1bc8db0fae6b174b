from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.ticket_type import TicketType
from ...types import File, Response


def _get_kwargs(
    ticket_type: TicketType,
    doc_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/{ticket_type}/attachments/{doc_id}".format(
            ticket_type=quote(str(ticket_type), safe=""),
            doc_id=quote(str(doc_id), safe=""),
        ),
    }

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
    ticket_type: TicketType,
    doc_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | File]:
    """Download an incident attachment

     Answers the attachment's bytes as `application/octet-stream`. attachkit assumes an unknown
    `doc_id` is answered with 400, like any other refused parameter.

    Args:
        ticket_type (TicketType):
        doc_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | File]
    """

    kwargs = _get_kwargs(
        ticket_type=ticket_type,
        doc_id=doc_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    ticket_type: TicketType,
    doc_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Error | File | None:
    """Download an incident attachment

     Answers the attachment's bytes as `application/octet-stream`. attachkit assumes an unknown
    `doc_id` is answered with 400, like any other refused parameter.

    Args:
        ticket_type (TicketType):
        doc_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | File
    """

    return sync_detailed(
        ticket_type=ticket_type,
        doc_id=doc_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    ticket_type: TicketType,
    doc_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | File]:
    """Download an incident attachment

     Answers the attachment's bytes as `application/octet-stream`. attachkit assumes an unknown
    `doc_id` is answered with 400, like any other refused parameter.

    Args:
        ticket_type (TicketType):
        doc_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | File]
    """

    kwargs = _get_kwargs(
        ticket_type=ticket_type,
        doc_id=doc_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ticket_type: TicketType,
    doc_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Error | File | None:
    """Download an incident attachment

     Answers the attachment's bytes as `application/octet-stream`. attachkit assumes an unknown
    `doc_id` is answered with 400, like any other refused parameter.

    Args:
        ticket_type (TicketType):
        doc_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | File
    """

    return (
        await asyncio_detailed(
            ticket_type=ticket_type,
            doc_id=doc_id,
            client=client,
        )
    ).parsed
