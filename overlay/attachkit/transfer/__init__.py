"""Streaming transfers: multipart upload bodies, resumable downloads, retries, error mapping.

The facades build requests (URL, query, auth) and hand them to this engine, with the service's
error parser (there is no default); everything here sends through anything with httpx's
``send`` (``RequestSender``/``AsyncRequestSender``): a plain ``httpx.Client`` or
``httpx.AsyncClient``, or the facades' own sender. The I/O drivers are written once as async
code in ``_async/``; ``_sync/`` is generated from it by scripts/unasync. ``_shims`` holds the
little that rewriting cannot express (blocking file work off the event loop).
"""

from ._async.http_errors import async_raise_for_status
from ._async.retry import async_send_with_retries
from ._sync.http_errors import raise_for_status
from ._sync.retry import send_with_retries
from .download import (
    Checksum,
    Destination,
    DownloadResult,
    LowSpeedLimit,
    async_download,
    async_stream,
    download,
    stream,
)
from .filenames import filename_from_content_disposition, sanitize_filename
from .http_errors import (
    ErrorInfo,
    ErrorParser,
    api_error_from,
    coc_error_parser,
    huawei_error_parser,
    text_error_parser,
    transport_error_from,
)
from .multipart import MultipartFile, Progress, UploadSource
from .retry import (
    RetryPolicy,
    parse_retry_after,
    should_retry_exception,
    should_retry_status,
)
from .sending import AsyncRequestSender, RequestSender

__all__ = [
    "AsyncRequestSender",
    "Checksum",
    "Destination",
    "DownloadResult",
    "ErrorInfo",
    "ErrorParser",
    "LowSpeedLimit",
    "MultipartFile",
    "Progress",
    "RequestSender",
    "RetryPolicy",
    "UploadSource",
    "api_error_from",
    "async_download",
    "async_raise_for_status",
    "async_send_with_retries",
    "async_stream",
    "coc_error_parser",
    "download",
    "filename_from_content_disposition",
    "huawei_error_parser",
    "parse_retry_after",
    "raise_for_status",
    "sanitize_filename",
    "send_with_retries",
    "should_retry_exception",
    "should_retry_status",
    "stream",
    "text_error_parser",
    "transport_error_from",
]
