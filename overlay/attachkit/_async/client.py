"""The one place that owns the httpx client, timeouts, retries, auth and error mapping.

``AsyncClient`` runs an ``Operation[T]`` (``attachkit.operations``): the generated endpoint
module builds the request (``_get_kwargs``, the HTTP method included) and parses the answer
into ``T``; bodies and downloads, which the generated code would hold whole in memory, are
streamed by ``attachkit.transfer``. ``AsyncFacade`` is what every service facade adds on top:
a context manager with a ``base_url`` and a ``retry_policy``.

The sync twin (``Client``, ``Facade``) is generated from the async source by
``scripts/unasync``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self, TypeVar

import httpx

from attachkit._async.answers import async_read_answer
from attachkit._async.download import AsyncDownloadStream, async_download, async_stream
from attachkit._async.http_errors import async_raise_for_status
from attachkit._async.multipart import AsyncBodyStream
from attachkit._async.retry import async_send_with_retries
from attachkit._async.send import AsyncSender
from attachkit._async.transport import async_default_transport
from attachkit._transports import connection_limits
from attachkit._transports.sending import AsyncRequestSender
from attachkit.facade_defaults import (
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_TIMEOUT,
    check_proxy_environment,
    client_policy,
)
from attachkit.operations import Operation, is_idempotent
from attachkit.options import CallOptions, DownloadOptions, StreamOptions, Timeout
from attachkit.transfer import (
    Destination,
    DownloadResult,
    MultipartFile,
    RetryPolicy,
    transport_error_from,
)
from attachkit.transfer.answers import ANSWER_ACCEPT_ENCODING, MAX_ANSWER_BYTES

T = TypeVar("T")

# A JSON answer may come only in codings it can be inflated from in bounded steps; a download
# asks for the bytes as stored (a compressed body would defeat Range and the size check).
ANSWER_HEADERS = {"Accept-Encoding": ANSWER_ACCEPT_ENCODING}
DOWNLOAD_HEADERS = {"Accept-Encoding": "identity"}


class AsyncClient:
    """Runs operations on an ``httpx.AsyncClient``. A context manager; close it when done.

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
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self._timeout = timeout if timeout is not None else DEFAULT_TIMEOUT
        self._policy = client_policy(max_retries, retry_policy)
        # A JSON answer is read whole, so it is capped (compressed or not).
        self._max_answer_bytes = max_answer_bytes
        transport = transport or async_default_transport(max_connections)
        if transport is None:
            check_proxy_environment()  # httpx's client reads the proxy variables: check them
        self._http = httpx.AsyncClient(
            base_url=base_url,
            auth=auth,
            timeout=self._timeout,
            limits=connection_limits(max_connections),
            transport=transport,
        )
        # Requests are built with an absolute URL (one parse, where httpx's base_url merge
        # parses twice) and sent by ``AsyncSender`` straight to the transport. Without a
        # transport of our own (a proxy in the environment) httpx picks one per URL: then the
        # httpx client sends.
        self._url_prefix = str(self._http.base_url).rstrip("/") + "/"
        self._sender: AsyncRequestSender = (
            self._http if transport is None else AsyncSender(self._http, transport, auth)
        )

    @property
    def http(self) -> httpx.AsyncClient:
        """The httpx client every request goes through (for a login on the same transport)."""
        return self._http

    @property
    def base_url(self) -> str:
        return str(self._http.base_url)

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy of every call that does not give its own ``max_retries``."""
        return self._policy

    @property
    def timeout(self) -> httpx.Timeout:
        return self._http.timeout

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def run(
        self,
        operation: Operation[T],
        kwargs: dict[str, Any],
        options: CallOptions,
        *,
        body: MultipartFile | None = None,
    ) -> T:
        """Send one request (an upload when ``body`` is given); the parsed success answer.

        ``kwargs`` are the generated ``_get_kwargs`` of ``operation``'s endpoint (an upload's
        without its ``files``: ``body`` is streamed instead).
        """
        build: Callable[[], httpx.Request]
        if body is None:
            build = lambda: self._request(kwargs, options.timeout)  # noqa: E731
        else:
            build = lambda: self._upload_request(kwargs, body, options.timeout)  # noqa: E731
            body.queued()
        try:
            response = await async_send_with_retries(
                self._sender,
                build,
                self._call_policy(options.max_retries),
                idempotent=body is None and is_idempotent(kwargs),
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
                answer = await async_read_answer(response, self._max_answer_bytes)
            finally:
                await response.aclose()
        except BaseException as error:
            failure = (
                transport_error_from(error, operation.operation_id)
                if isinstance(error, httpx.TransportError)
                else error
            )
            if body is not None:
                body.done(failure)
            if failure is error:
                raise
            raise failure from error
        if body is not None:
            body.done(None)
        return operation.parse(_answered(response, answer))

    async def download(
        self,
        operation: Operation[Any],
        kwargs: dict[str, Any],
        dest: Destination,
        options: DownloadOptions,
    ) -> DownloadResult:
        """Stream the GET that ``kwargs`` describe into ``dest``, resuming after a cut."""
        return await async_download(
            self._sender,
            self._request(kwargs, options.timeout, DOWNLOAD_HEADERS),
            dest,
            options,
            policy=self._call_policy(options.max_retries),
            error_parser=operation.error_parser,
            service=operation.service,
            operation=operation.operation_id,
        )

    def stream(
        self,
        operation: Operation[Any],
        kwargs: dict[str, Any],
        options: StreamOptions,
    ) -> AsyncDownloadStream:
        """The body of the GET that ``kwargs`` describe, chunk by chunk, resuming after a cut."""
        return async_stream(
            self._sender,
            self._request(kwargs, options.timeout, DOWNLOAD_HEADERS),
            options,
            policy=self._call_policy(options.max_retries),
            error_parser=operation.error_parser,
            service=operation.service,
            operation=operation.operation_id,
        )

    def _call_policy(self, max_retries: int | None) -> RetryPolicy:
        """This client's policy, with a call's own ``max_retries`` (checked as the client's)."""
        return client_policy(max_retries, self._policy)

    def _request(
        self,
        kwargs: dict[str, Any],
        timeout: Timeout,
        headers: dict[str, str] = ANSWER_HEADERS,
    ) -> httpx.Request:
        """The request the generated ``_get_kwargs`` describe, with ``headers`` added."""
        kwargs = dict(kwargs)
        return self._http.build_request(
            kwargs.pop("method"),
            self._url_prefix + kwargs.pop("url").lstrip("/"),
            timeout=timeout if timeout is not None else self._timeout,
            headers={**headers, **kwargs.pop("headers", {})},
            **kwargs,
        )

    def _upload_request(
        self, kwargs: dict[str, Any], body: MultipartFile, timeout: Timeout
    ) -> httpx.Request:
        kwargs = dict(kwargs)
        headers = {**kwargs.pop("headers", {}), **body.headers}
        content = AsyncBodyStream(body)
        return self._request({**kwargs, "headers": headers, "content": content}, timeout)


def _answered(response: httpx.Response, body: bytes) -> httpx.Response:
    """``response`` with its decoded, size-checked ``body`` in memory, for the generated parser."""
    framing = (b"content-encoding", b"content-length", b"transfer-encoding")
    headers = [(name, value) for name, value in response.headers.raw if name.lower() not in framing]
    return httpx.Response(
        response.status_code, headers=headers, content=body, request=response.request
    )


class AsyncFacade:
    """A service facade: owns its ``AsyncClient``; a context manager, close it when done."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @property
    def base_url(self) -> str:
        """Where requests go, e.g. ``https://projectman-ext.cn-north-4.myhuaweicloud.com``."""
        return self._client.base_url

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy of calls that give no ``max_retries`` of their own."""
        return self._client.retry_policy

    @property
    def timeout(self) -> httpx.Timeout:
        """The timeout of calls that give no ``timeout`` of their own."""
        return self._client.timeout

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
