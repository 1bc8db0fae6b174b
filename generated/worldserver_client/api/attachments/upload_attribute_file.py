from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.attribute_file import AttributeFile
from ...models.error import Error
from ...models.upload_attribute_file_body import UploadAttributeFileBody
from ...types import Response


def _get_kwargs(
    attribute_definition_id: int,
    *,
    body: UploadAttributeFileBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/ws-api/v1/files/attachments/{attribute_definition_id}".format(
            attribute_definition_id=quote(str(attribute_definition_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AttributeFile | Error | None:
    if response.status_code == 200:
        response_200 = AttributeFile.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AttributeFile | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    attribute_definition_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: UploadAttributeFileBody,
) -> Response[AttributeFile | Error]:
    """Upload a file as an attribute value

     Uploads one file as a `multipart/form-data` field named `file` for the attribute whose
    definition id is given. The answer names the stored file's `internalName`, which the
    download takes as `filename`, and a `downloadToken` for a file not yet attached to a
    resource. (WorldServer 11.4 documents the same call under `/ws-api/v2/`.)

    Args:
        attribute_definition_id (int):
        body (UploadAttributeFileBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AttributeFile | Error]
    """

    kwargs = _get_kwargs(
        attribute_definition_id=attribute_definition_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    attribute_definition_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: UploadAttributeFileBody,
) -> AttributeFile | Error | None:
    """Upload a file as an attribute value

     Uploads one file as a `multipart/form-data` field named `file` for the attribute whose
    definition id is given. The answer names the stored file's `internalName`, which the
    download takes as `filename`, and a `downloadToken` for a file not yet attached to a
    resource. (WorldServer 11.4 documents the same call under `/ws-api/v2/`.)

    Args:
        attribute_definition_id (int):
        body (UploadAttributeFileBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AttributeFile | Error
    """

    return sync_detailed(
        attribute_definition_id=attribute_definition_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    attribute_definition_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: UploadAttributeFileBody,
) -> Response[AttributeFile | Error]:
    """Upload a file as an attribute value

     Uploads one file as a `multipart/form-data` field named `file` for the attribute whose
    definition id is given. The answer names the stored file's `internalName`, which the
    download takes as `filename`, and a `downloadToken` for a file not yet attached to a
    resource. (WorldServer 11.4 documents the same call under `/ws-api/v2/`.)

    Args:
        attribute_definition_id (int):
        body (UploadAttributeFileBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AttributeFile | Error]
    """

    kwargs = _get_kwargs(
        attribute_definition_id=attribute_definition_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    attribute_definition_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: UploadAttributeFileBody,
) -> AttributeFile | Error | None:
    """Upload a file as an attribute value

     Uploads one file as a `multipart/form-data` field named `file` for the attribute whose
    definition id is given. The answer names the stored file's `internalName`, which the
    download takes as `filename`, and a `downloadToken` for a file not yet attached to a
    resource. (WorldServer 11.4 documents the same call under `/ws-api/v2/`.)

    Args:
        attribute_definition_id (int):
        body (UploadAttributeFileBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AttributeFile | Error
    """

    return (
        await asyncio_detailed(
            attribute_definition_id=attribute_definition_id,
            client=client,
            body=body,
        )
    ).parsed
