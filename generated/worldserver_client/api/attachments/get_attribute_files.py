from http import HTTPStatus
from io import BytesIO
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.get_attribute_files_resource_type import GetAttributeFilesResourceType
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    *,
    filename: str,
    resource_type_query: GetAttributeFilesResourceType
    | Unset = GetAttributeFilesResourceType.TASK,
    resource_id_query: int | Unset = UNSET,
    attribute_name_query: str | Unset = UNSET,
    download_token_query: str | Unset = UNSET,
    resource_type_header: GetAttributeFilesResourceType | Unset = UNSET,
    resource_id_header: int | Unset = UNSET,
    attribute_name_header: str | Unset = UNSET,
    download_token_header: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(resource_type_header, Unset):
        headers["resourceType"] = str(resource_type_header)

    if not isinstance(resource_id_header, Unset):
        headers["resourceId"] = str(resource_id_header)

    if not isinstance(attribute_name_header, Unset):
        headers["attributeName"] = attribute_name_header

    if not isinstance(download_token_header, Unset):
        headers["downloadToken"] = download_token_header

    params: dict[str, Any] = {}

    params["filename"] = filename

    json_resource_type_query: str | Unset = UNSET
    if not isinstance(resource_type_query, Unset):
        json_resource_type_query = resource_type_query.value

    params["resourceType"] = json_resource_type_query

    params["resourceId"] = resource_id_query

    params["attributeName"] = attribute_name_query

    params["downloadToken"] = download_token_query

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/ws-api/v1/files/attachments",
        "params": params,
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

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

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
    *,
    client: AuthenticatedClient | Client,
    filename: str,
    resource_type_query: GetAttributeFilesResourceType
    | Unset = GetAttributeFilesResourceType.TASK,
    resource_id_query: int | Unset = UNSET,
    attribute_name_query: str | Unset = UNSET,
    download_token_query: str | Unset = UNSET,
    resource_type_header: GetAttributeFilesResourceType | Unset = UNSET,
    resource_id_header: int | Unset = UNSET,
    attribute_name_header: str | Unset = UNSET,
    download_token_header: str | Unset = UNSET,
) -> Response[Error | File]:
    """Get files saved as attribute values

     Answers the contents of a file saved as an attribute value. The filters may also come as
    headers of the same name; the query wins when both are given.

    The documentation answers 500 Internal Server Error when `resourceId` is not a number or
    `resourceType` is not one of TASK, PROJECT, PROJECT_GROUP; the spec documents those
    answers as they are.

    The documentation's request carries `Content-Type: application/json` although it has no
    body; `x-attachkit-request-headers` says so (OpenAPI ignores a `Content-Type` header
    parameter), and attachkit sends it.

    Args:
        filename (str):
        resource_type_query (GetAttributeFilesResourceType | Unset):  Default:
            GetAttributeFilesResourceType.TASK.
        resource_id_query (int | Unset):
        attribute_name_query (str | Unset):
        download_token_query (str | Unset):
        resource_type_header (GetAttributeFilesResourceType | Unset):
        resource_id_header (int | Unset):
        attribute_name_header (str | Unset):
        download_token_header (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | File]
    """

    kwargs = _get_kwargs(
        filename=filename,
        resource_type_query=resource_type_query,
        resource_id_query=resource_id_query,
        attribute_name_query=attribute_name_query,
        download_token_query=download_token_query,
        resource_type_header=resource_type_header,
        resource_id_header=resource_id_header,
        attribute_name_header=attribute_name_header,
        download_token_header=download_token_header,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    filename: str,
    resource_type_query: GetAttributeFilesResourceType
    | Unset = GetAttributeFilesResourceType.TASK,
    resource_id_query: int | Unset = UNSET,
    attribute_name_query: str | Unset = UNSET,
    download_token_query: str | Unset = UNSET,
    resource_type_header: GetAttributeFilesResourceType | Unset = UNSET,
    resource_id_header: int | Unset = UNSET,
    attribute_name_header: str | Unset = UNSET,
    download_token_header: str | Unset = UNSET,
) -> Error | File | None:
    """Get files saved as attribute values

     Answers the contents of a file saved as an attribute value. The filters may also come as
    headers of the same name; the query wins when both are given.

    The documentation answers 500 Internal Server Error when `resourceId` is not a number or
    `resourceType` is not one of TASK, PROJECT, PROJECT_GROUP; the spec documents those
    answers as they are.

    The documentation's request carries `Content-Type: application/json` although it has no
    body; `x-attachkit-request-headers` says so (OpenAPI ignores a `Content-Type` header
    parameter), and attachkit sends it.

    Args:
        filename (str):
        resource_type_query (GetAttributeFilesResourceType | Unset):  Default:
            GetAttributeFilesResourceType.TASK.
        resource_id_query (int | Unset):
        attribute_name_query (str | Unset):
        download_token_query (str | Unset):
        resource_type_header (GetAttributeFilesResourceType | Unset):
        resource_id_header (int | Unset):
        attribute_name_header (str | Unset):
        download_token_header (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | File
    """

    return sync_detailed(
        client=client,
        filename=filename,
        resource_type_query=resource_type_query,
        resource_id_query=resource_id_query,
        attribute_name_query=attribute_name_query,
        download_token_query=download_token_query,
        resource_type_header=resource_type_header,
        resource_id_header=resource_id_header,
        attribute_name_header=attribute_name_header,
        download_token_header=download_token_header,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    filename: str,
    resource_type_query: GetAttributeFilesResourceType
    | Unset = GetAttributeFilesResourceType.TASK,
    resource_id_query: int | Unset = UNSET,
    attribute_name_query: str | Unset = UNSET,
    download_token_query: str | Unset = UNSET,
    resource_type_header: GetAttributeFilesResourceType | Unset = UNSET,
    resource_id_header: int | Unset = UNSET,
    attribute_name_header: str | Unset = UNSET,
    download_token_header: str | Unset = UNSET,
) -> Response[Error | File]:
    """Get files saved as attribute values

     Answers the contents of a file saved as an attribute value. The filters may also come as
    headers of the same name; the query wins when both are given.

    The documentation answers 500 Internal Server Error when `resourceId` is not a number or
    `resourceType` is not one of TASK, PROJECT, PROJECT_GROUP; the spec documents those
    answers as they are.

    The documentation's request carries `Content-Type: application/json` although it has no
    body; `x-attachkit-request-headers` says so (OpenAPI ignores a `Content-Type` header
    parameter), and attachkit sends it.

    Args:
        filename (str):
        resource_type_query (GetAttributeFilesResourceType | Unset):  Default:
            GetAttributeFilesResourceType.TASK.
        resource_id_query (int | Unset):
        attribute_name_query (str | Unset):
        download_token_query (str | Unset):
        resource_type_header (GetAttributeFilesResourceType | Unset):
        resource_id_header (int | Unset):
        attribute_name_header (str | Unset):
        download_token_header (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | File]
    """

    kwargs = _get_kwargs(
        filename=filename,
        resource_type_query=resource_type_query,
        resource_id_query=resource_id_query,
        attribute_name_query=attribute_name_query,
        download_token_query=download_token_query,
        resource_type_header=resource_type_header,
        resource_id_header=resource_id_header,
        attribute_name_header=attribute_name_header,
        download_token_header=download_token_header,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    filename: str,
    resource_type_query: GetAttributeFilesResourceType
    | Unset = GetAttributeFilesResourceType.TASK,
    resource_id_query: int | Unset = UNSET,
    attribute_name_query: str | Unset = UNSET,
    download_token_query: str | Unset = UNSET,
    resource_type_header: GetAttributeFilesResourceType | Unset = UNSET,
    resource_id_header: int | Unset = UNSET,
    attribute_name_header: str | Unset = UNSET,
    download_token_header: str | Unset = UNSET,
) -> Error | File | None:
    """Get files saved as attribute values

     Answers the contents of a file saved as an attribute value. The filters may also come as
    headers of the same name; the query wins when both are given.

    The documentation answers 500 Internal Server Error when `resourceId` is not a number or
    `resourceType` is not one of TASK, PROJECT, PROJECT_GROUP; the spec documents those
    answers as they are.

    The documentation's request carries `Content-Type: application/json` although it has no
    body; `x-attachkit-request-headers` says so (OpenAPI ignores a `Content-Type` header
    parameter), and attachkit sends it.

    Args:
        filename (str):
        resource_type_query (GetAttributeFilesResourceType | Unset):  Default:
            GetAttributeFilesResourceType.TASK.
        resource_id_query (int | Unset):
        attribute_name_query (str | Unset):
        download_token_query (str | Unset):
        resource_type_header (GetAttributeFilesResourceType | Unset):
        resource_id_header (int | Unset):
        attribute_name_header (str | Unset):
        download_token_header (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | File
    """

    return (
        await asyncio_detailed(
            client=client,
            filename=filename,
            resource_type_query=resource_type_query,
            resource_id_query=resource_id_query,
            attribute_name_query=attribute_name_query,
            download_token_query=download_token_query,
            resource_type_header=resource_type_header,
            resource_id_header=resource_id_header,
            attribute_name_header=attribute_name_header,
            download_token_header=download_token_header,
        )
    ).parsed
