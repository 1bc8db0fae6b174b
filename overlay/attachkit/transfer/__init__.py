"""The transfer engine's core, with no I/O of its own: what its drivers decide and keep.

Multipart upload bodies, the resume state machine of a download, where its bytes go (sinks),
partials kept across runs, retry decisions, error mapping, safe file names. The drivers that
send and read (``attachkit/_async/download.py``, ``retry.py``, ``http_errors.py``, ``answers.py``,
``multipart.py``, with their generated ``attachkit/_sync/`` twins) use these; they send through
anything with httpx's ``send`` (``attachkit._transports.sending``). Nothing here imports them.
"""

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
from .multipart import MultipartFile
from .retry import (
    RetryPolicy,
    parse_retry_after,
    should_retry_exception,
    should_retry_status,
)
from .types import Checksum, Destination, DownloadResult, LowSpeedLimit, Progress, UploadSource

__all__ = [
    "Checksum",
    "Destination",
    "DownloadResult",
    "ErrorInfo",
    "ErrorParser",
    "LowSpeedLimit",
    "MultipartFile",
    "Progress",
    "RetryPolicy",
    "UploadSource",
    "api_error_from",
    "coc_error_parser",
    "filename_from_content_disposition",
    "huawei_error_parser",
    "parse_retry_after",
    "sanitize_filename",
    "should_retry_exception",
    "should_retry_status",
    "text_error_parser",
    "transport_error_from",
]
