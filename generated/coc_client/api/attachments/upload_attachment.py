from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.ticket_type import TicketType
from ...models.upload_attachment_body import UploadAttachmentBody
from ...models.upload_result import UploadResult
from ...types import Response


def _get_kwargs(
    ticket_type: TicketType,
    *,
    body: UploadAttachmentBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/{ticket_type}/attachments".format(
            ticket_type=quote(str(ticket_type), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | UploadResult | None:
    if response.status_code == 200:
        response_200 = UploadResult.from_dict(response.json())

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
) -> Response[Error | UploadResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    ticket_type: TicketType,
    *,
    client: AuthenticatedClient | Client,
    body: UploadAttachmentBody,
) -> Response[Error | UploadResult]:
    """Upload an incident attachment

     Uploads one file as a `multipart/form-data` field named `file`. COC accepts only files
    named `*.jpg`, `*.png`, `*.docx`, `*.txt` or `*.pdf` of at most 10 MB. The answer's
    `data.doc_id` is the id the download takes.

    Args:
        ticket_type (TicketType):
        body (UploadAttachmentBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UploadResult]
    """

    kwargs = _get_kwargs(
        ticket_type=ticket_type,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    ticket_type: TicketType,
    *,
    client: AuthenticatedClient | Client,
    body: UploadAttachmentBody,
) -> Error | UploadResult | None:
    """Upload an incident attachment

     Uploads one file as a `multipart/form-data` field named `file`. COC accepts only files
    named `*.jpg`, `*.png`, `*.docx`, `*.txt` or `*.pdf` of at most 10 MB. The answer's
    `data.doc_id` is the id the download takes.

    Args:
        ticket_type (TicketType):
        body (UploadAttachmentBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UploadResult
    """

    return sync_detailed(
        ticket_type=ticket_type,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    ticket_type: TicketType,
    *,
    client: AuthenticatedClient | Client,
    body: UploadAttachmentBody,
) -> Response[Error | UploadResult]:
    """Upload an incident attachment

     Uploads one file as a `multipart/form-data` field named `file`. COC accepts only files
    named `*.jpg`, `*.png`, `*.docx`, `*.txt` or `*.pdf` of at most 10 MB. The answer's
    `data.doc_id` is the id the download takes.

    Args:
        ticket_type (TicketType):
        body (UploadAttachmentBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UploadResult]
    """

    kwargs = _get_kwargs(
        ticket_type=ticket_type,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ticket_type: TicketType,
    *,
    client: AuthenticatedClient | Client,
    body: UploadAttachmentBody,
) -> Error | UploadResult | None:
    """Upload an incident attachment

     Uploads one file as a `multipart/form-data` field named `file`. COC accepts only files
    named `*.jpg`, `*.png`, `*.docx`, `*.txt` or `*.pdf` of at most 10 MB. The answer's
    `data.doc_id` is the id the download takes.

    Args:
        ticket_type (TicketType):
        body (UploadAttachmentBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UploadResult
    """

    return (
        await asyncio_detailed(
            ticket_type=ticket_type,
            client=client,
            body=body,
        )
    ).parsed
