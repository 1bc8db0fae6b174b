"""The one place that owns the httpx client, timeouts, retries, auth and error mapping.

A service facade describes each call as an ``Operation`` (the generated endpoint module that
knows the wire format) plus the generated module's request keyword arguments. ``Client`` runs
those calls on ``httpx.Client``; ``AsyncClient`` runs the very same descriptions on
``httpx.AsyncClient`` and returns awaitables. The service classes are therefore written once:
their methods return whatever the executor returns, a value for the sync client and an
awaitable for the async one.

The generated endpoint modules are used for what they are right about (URL, query, headers,
parsing a JSON answer into attrs models) through their ``_get_kwargs`` and ``_parse_response``
functions; bodies and downloads, which they would hold whole in memory, are streamed here.
"""

from __future__ import annotations

import io
import json
import types
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Generic, Self, TypeVar

import attrs
import httpx

from attachkit import specs
from attachkit.clients._pool import async_transport
from attachkit.errors import UnexpectedResponseError, ValidationError
from attachkit.transfer import (
    Checksum,
    DownloadResult,
    ErrorParser,
    MultipartFile,
    Progress,
    RetryPolicy,
    async_download,
    async_raise_for_status,
    async_send_with_retries,
    async_stream,
    download,
    raise_for_status,
    send_with_retries,
    stream,
    transport_error_from,
)
from attachkit.transfer.download import Destination
from attachkit.transfer.multipart import UploadSource
from attachkit.validation import validate_filename

MB = 1024 * 1024
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_MAX_RETRIES = 3
Timeout = float | httpx.Timeout | None


# The httpx client a ``Client`` (sync) or an ``AsyncClient`` runs its requests on.
_Http = TypeVar("_Http", httpx.Client, httpx.AsyncClient)
_File = TypeVar("_File")


def empty_file(file_class: Callable[..., _File]) -> _File:
    """An empty ``File`` of a generated package (each has its own class), as a stand-in.

    A generated upload builder insists on a body, which it turns into httpx ``files=``; the
    facade drops that and streams its own multipart body, so an empty stand-in is enough.
    """
    return file_class(payload=io.BytesIO(b""))


def upload_body(
    field: str,
    source: UploadSource,
    filename: str | None,
    progress: Progress | None,
    *,
    max_bytes: int | None = None,
    extensions: tuple[str, ...] | None = None,
    size: int | None = None,
) -> MultipartFile:
    """The streamed multipart body, after the checks the service would fail it on anyway.

    ``size`` is the byte count of ``source``: required for a non-seekable file object (a pipe),
    whose length cannot be measured up front, and checked against any other source.
    ``max_bytes`` is the service's documented limit; None where it documents none.
    """
    body = MultipartFile(field, source, filename=filename, progress=progress, size=size)
    validate_filename(body.filename)
    if extensions is not None and not body.filename.lower().endswith(extensions):
        raise ValidationError(
            "file", f"{body.filename!r} is not an accepted type", "one of " + " ".join(extensions)
        )
    if max_bytes is not None and body.size > max_bytes:
        raise ValidationError(
            "file", f"{body.size} bytes is too large", f"at most {max_bytes // MB} MB"
        )
    return body


def _client_policy(max_retries: int | None, retry_policy: RetryPolicy | None) -> RetryPolicy:
    """A client's retry policy: ``retry_policy`` (or the default one) with ``max_retries``.

    Both may be given: an explicit ``max_retries`` replaces the policy's own budget, so it is
    never silently ignored. Neither given: ``DEFAULT_MAX_RETRIES`` with the default backoff.
    """
    if max_retries is not None and max_retries < 0:
        raise ValueError("max_retries must be zero or more")
    if retry_policy is None:
        return RetryPolicy(max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries)
    if max_retries is None:
        return retry_policy
    return attrs.evolve(retry_policy, max_retries=max_retries)


def given(**values: Any) -> dict[str, Any]:
    """Only the keyword arguments that were given, so the generated defaults (UNSET) apply."""
    return {name: value for name, value in values.items() if value is not None}


@attrs.frozen
class Operation:
    """One spec operation: its service, operationId and the generated module that speaks it."""

    service: str
    operation_id: str
    module: types.ModuleType
    error_parser: ErrorParser
    method: str = attrs.field(init=False)

    @method.default
    def _method_from_spec(self) -> str:
        return specs.operations(self.service)[self.operation_id][0]

    @property
    def idempotent(self) -> bool:
        """Safe to send again after any failure: the GETs and DELETEs."""
        return self.method in {"GET", "DELETE"}


class _Base(Generic[_Http]):
    """What the sync and async clients share: options, retry policy, request building."""

    _http: _Http

    def __init__(
        self, *, timeout: Timeout, max_retries: int | None, retry_policy: RetryPolicy | None
    ):
        self._timeout = timeout if timeout is not None else DEFAULT_TIMEOUT
        self._policy = _client_policy(max_retries, retry_policy)

    @property
    def base_url(self) -> str:
        return str(self._http.base_url)

    def _retry_policy(self, max_retries: int | None) -> RetryPolicy:
        if max_retries is None:
            return self._policy
        return attrs.evolve(self._policy, max_retries=max_retries)

    def _request(self, kwargs: dict[str, Any], timeout: Timeout) -> httpx.Request:
        kwargs = dict(kwargs)
        return self._http.build_request(
            kwargs.pop("method"),
            kwargs.pop("url"),
            timeout=timeout if timeout is not None else self._timeout,
            **kwargs,
        )

    def _upload_request(
        self, kwargs: dict[str, Any], body: MultipartFile, timeout: Timeout, *, is_async: bool
    ) -> httpx.Request:
        kwargs = dict(kwargs)
        headers = {**kwargs.pop("headers", {}), **body.headers}
        content = body.async_stream() if is_async else body.stream()
        return self._request({**kwargs, "headers": headers, "content": content}, timeout)


class Client(_Base[httpx.Client]):
    """Runs operations on a sync ``httpx.Client``. A context manager; close it when done.

    ``max_retries`` (default ``DEFAULT_MAX_RETRIES``) and ``retry_policy`` may be combined: the
    policy's backoff with that many retries. A call's own ``max_retries=`` overrides both.
    """

    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth,
        *,
        timeout: Timeout = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(timeout=timeout, max_retries=max_retries, retry_policy=retry_policy)
        self._http = httpx.Client(
            base_url=base_url, auth=auth, timeout=self._timeout, transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(
        self,
        operation: Operation,
        kwargs: dict[str, Any],
        *,
        body: MultipartFile | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        """Send one request (an upload when ``body`` is given) and parse its JSON answer."""
        http = self._http
        if body is None:
            build = lambda: self._request(kwargs, timeout)  # noqa: E731
        else:
            build = lambda: self._upload_request(kwargs, body, timeout, is_async=False)  # noqa: E731
        try:
            response = send_with_retries(
                http,
                build,
                self._retry_policy(max_retries),
                idempotent=body is None and operation.idempotent,
                replayable=body is None or body.replayable,
                stream=True,
                operation=operation.operation_id,
            )
            try:
                raise_for_status(
                    response,
                    operation.error_parser,
                    service=operation.service,
                    operation=operation.operation_id,
                )
                response.read()
            finally:
                response.close()
        except httpx.TransportError as exc:
            raise transport_error_from(exc, operation.operation_id) from exc
        return _parse(operation, response)

    def _download(
        self,
        operation: Operation,
        kwargs: dict[str, Any],
        dest: Destination,
        *,
        overwrite: bool,
        progress: Progress | None,
        max_retries: int | None,
        timeout: Timeout,
        durable: bool = False,
        checksum: Checksum | None = None,
    ) -> DownloadResult:
        http = self._http
        return download(
            http,
            self._request(kwargs, timeout),
            dest,
            overwrite=overwrite,
            progress=progress,
            policy=self._retry_policy(max_retries),
            error_parser=operation.error_parser,
            service=operation.service,
            operation=operation.operation_id,
            durable=durable,
            checksum=checksum,
        )

    def _stream(
        self,
        operation: Operation,
        kwargs: dict[str, Any],
        *,
        progress: Progress | None,
        max_retries: int | None,
        timeout: Timeout,
    ) -> Iterator[bytes]:
        http = self._http
        return stream(
            http,
            self._request(kwargs, timeout),
            progress=progress,
            policy=self._retry_policy(max_retries),
            error_parser=operation.error_parser,
            service=operation.service,
            operation=operation.operation_id,
        )


class AsyncClient(_Base[httpx.AsyncClient]):
    """Runs operations on an ``httpx.AsyncClient``; every call returns an awaitable."""

    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth,
        *,
        timeout: Timeout = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = 100,
    ) -> None:
        super().__init__(timeout=timeout, max_retries=max_retries, retry_policy=retry_policy)
        self._http = httpx.AsyncClient(
            base_url=base_url,
            auth=auth,
            timeout=self._timeout,
            transport=transport or async_transport(max_connections),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _call(
        self,
        operation: Operation,
        kwargs: dict[str, Any],
        *,
        body: MultipartFile | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Any:
        http = self._http
        if body is None:
            build = lambda: self._request(kwargs, timeout)  # noqa: E731
        else:
            build = lambda: self._upload_request(kwargs, body, timeout, is_async=True)  # noqa: E731
        try:
            response = await async_send_with_retries(
                http,
                build,
                self._retry_policy(max_retries),
                idempotent=body is None and operation.idempotent,
                replayable=body is None or body.replayable,
                stream=True,
                operation=operation.operation_id,
            )
            try:
                await async_raise_for_status(
                    response,
                    operation.error_parser,
                    service=operation.service,
                    operation=operation.operation_id,
                )
                await response.aread()
            finally:
                await response.aclose()
        except httpx.TransportError as exc:
            raise transport_error_from(exc, operation.operation_id) from exc
        return _parse(operation, response)

    async def _download(
        self,
        operation: Operation,
        kwargs: dict[str, Any],
        dest: Destination,
        *,
        overwrite: bool,
        progress: Progress | None,
        max_retries: int | None,
        timeout: Timeout,
        durable: bool = False,
        checksum: Checksum | None = None,
    ) -> DownloadResult:
        http = self._http
        return await async_download(
            http,
            self._request(kwargs, timeout),
            dest,
            overwrite=overwrite,
            progress=progress,
            policy=self._retry_policy(max_retries),
            error_parser=operation.error_parser,
            service=operation.service,
            operation=operation.operation_id,
            durable=durable,
            checksum=checksum,
        )

    def _stream(
        self,
        operation: Operation,
        kwargs: dict[str, Any],
        *,
        progress: Progress | None,
        max_retries: int | None,
        timeout: Timeout,
    ) -> AsyncIterator[bytes]:
        http = self._http
        return async_stream(
            http,
            self._request(kwargs, timeout),
            progress=progress,
            policy=self._retry_policy(max_retries),
            error_parser=operation.error_parser,
            service=operation.service,
            operation=operation.operation_id,
        )


def _parse(operation: Operation, response: httpx.Response) -> Any:
    """The generated attrs model for a successful JSON answer; None where the spec has no body.

    Raises ``UnexpectedResponseError`` when the 2xx answer is not what the spec documents: a
    status the operation does not list (unless its body is empty, which stays None as before)
    or a body that does not parse into the documented model (an empty one included).
    """
    unexpected_status = operation.module.errors.UnexpectedStatus
    try:
        return operation.module._parse_response(client=_PARSE_ONLY, response=response)
    except unexpected_status:
        if not response.content:
            return None
        # ``from None``: the generated exception's text quotes the whole body.
        problem = "not a status the operation documents"
        raise _unexpected(operation, response, problem) from None
    except (ValueError, KeyError, TypeError) as exc:
        problem = f"the body does not parse ({_parse_failure(exc)})"
        raise _unexpected(operation, response, problem) from exc


def _unexpected(
    operation: Operation, response: httpx.Response, problem: str
) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        response.status_code,
        problem,
        service=operation.service,
        operation=operation.operation_id,
    )


def _parse_failure(exc: Exception) -> str:
    """What went wrong, without the exception's text: a ValueError can quote the body."""
    if isinstance(exc, KeyError) and exc.args:  # the key is a field name from the spec
        return f"no {str(exc.args[0])[:64]!r} field"
    if isinstance(exc, json.JSONDecodeError):
        return "not JSON"
    return type(exc).__name__


class _ParseOnlyClient:
    """Stands in for a generated client inside ``_parse_response``, which only reads this flag.

    True: an undocumented status raises the generated ``UnexpectedStatus`` instead of quietly
    returning None, so ``_parse`` can tell it from a documented answer without a body.
    """

    raise_on_unexpected_status = True


_PARSE_ONLY: Any = _ParseOnlyClient()
