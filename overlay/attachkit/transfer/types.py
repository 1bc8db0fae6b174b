"""The types a transfer's caller sees: what it gives (a source, a destination, a progress
callback, a checksum to compute, a low-speed limit) and what it gets back (``DownloadResult``).

They live here, apart from the engine modules that use them, so that every layer (the engine,
the facades, the CLI) names them from one place and no engine module imports another for a type.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, Callable, Iterable
from pathlib import Path
from typing import BinaryIO, Literal

import attrs

from .deadlines import LowSpeedLimit  # defined beside the watch that enforces it

__all__ = [
    "Checksum",
    "CopyResult",
    "Destination",
    "DownloadResult",
    "LowSpeedLimit",
    "Progress",
    "StreamInfo",
    "UploadSource",
]

Checksum = Literal["sha256"]
"""The digests a download can compute on the way; no service publishes one to compare with."""

Progress = Callable[[int, int | None], object]
"""``(bytes_done, bytes_total)``; ``bytes_total`` is ``None`` when the size is unknown; the
callback's return value is ignored (so ``lambda done, total: bar.update(done)`` fits)."""

UploadSource = (
    str
    | os.PathLike[str]
    | bytes
    | bytearray
    | memoryview
    | BinaryIO
    | AsyncIterable[bytes]
    | Iterable[bytes]
)

Destination = str | os.PathLike[str] | BinaryIO


@attrs.frozen
class DownloadResult:
    """What a finished download produced."""

    path: Path | None  # None when the destination was a file object
    size: int
    sha256: str | None  # only with checksum="sha256"
    content_type: str | None = None
    etag: str | None = None
    # The server's Content-Encoding when it sent one although the download asked for identity:
    # the bytes are kept as sent (like curl without --compressed), never decoded.
    content_encoding: str | None = None


