"""Streaming transfers: multipart upload bodies, resumable downloads, retries, error mapping.

The facades build requests (URL, query, auth) and hand them to this engine; everything here works
on plain ``httpx.Client``/``httpx.AsyncClient`` objects.
"""

from .download import (
    Checksum,
    Destination,
    DownloadResult,
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
    async_raise_for_status,
    coc_error_parser,
    huawei_error_parser,
    raise_for_status,
    text_error_parser,
    transport_error_from,
)
from .multipart import MultipartFile, Progress, UploadSource
from .retry import (
    RetryPolicy,
    async_send_with_retries,
    parse_retry_after,
    send_with_retries,
    should_retry_exception,
    should_retry_status,
)

__all__ = [
    "Checksum",
    "Destination",
    "DownloadResult",
    "ErrorInfo",
    "ErrorParser",
    "MultipartFile",
    "Progress",
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
