"""The types a transfer's caller sees: what it gives (a source, a destination, a progress
callback, a checksum to compute, a low-speed limit) and what it gets back (``DownloadResult``).

They live here, apart from the engine modules that use them, so that every layer (the engine,
the facades, the CLI) names them from one place and no engine module imports another for a type.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO, Literal

import attrs

from .deadlines import LowSpeedLimit  # defined beside the watch that enforces it

__all__ = [
    "Checksum",
    "CopyResult",
    "Destination",
    "DownloadResult",
    "LowSpeedLimit",
    "Progress",
    "ProgressEvents",
    "StreamInfo",
    "UploadSource",
    "progress_events",
]

Checksum = Literal["sha256"]
"""The digests a download can compute on the way; no service publishes one to compare with."""


class ProgressEvents:
    """A transfer's subscriber: told when it is queued, how far it got, and when it is done.

    As s3transfer's subscribers: subclass it and override what you need (each does nothing by
    default). ``total`` is ``None`` while the size is unknown; ``on_done`` gets the exception
    that ended the transfer, or ``None`` when it succeeded. A download also says where its file
    is (``on_target``: a progress bar's label, where a kept partial lies) and, when it picks up
    what an earlier run kept, from where (``on_resumed``).
    """

    def on_queued(self, total: int | None) -> None:
        """The transfer is about to start; ``total`` bytes when already known."""

    def on_progress(self, done: int, total: int | None) -> None:
        """``done`` bytes of ``total`` have moved."""

    def on_target(self, path: Path) -> None:
        """A download's local file is known: at once for a file path, or once the answer
        named it for a directory destination. Not called for a file object or a stream."""

    def on_resumed(self, offset: int, total: int | None) -> None:
        """A download continues after ``offset`` bytes an earlier run kept (``resume=True``)."""

    def on_done(self, error: BaseException | None) -> None:
        """The transfer ended: with ``error``, or well when it is ``None``."""


Progress = Callable[[int, int | None], object] | ProgressEvents
"""A ``ProgressEvents`` subscriber, or a plain ``callback(bytes_done, bytes_total)`` (its
return value is ignored, so ``lambda done, total: bar.update(done)`` fits), which hears only
the progress events."""


class _ProgressCallback(ProgressEvents):
    __slots__ = ("on_progress",)

    def __init__(self, callback: Callable[[int, int | None], object]) -> None:
        self.on_progress = callback  # type: ignore[method-assign, assignment]


def progress_events(progress: Progress | None) -> ProgressEvents | None:
    """``progress`` as a subscriber (a callback becomes one that hears only the progress)."""
    if progress is None or isinstance(progress, ProgressEvents):
        return progress
    return _ProgressCallback(progress)


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


@attrs.frozen
class StreamInfo:
    """What a download's answer said of its bytes, known before the first of them is read."""

    # The name the answer proposes (``Content-Disposition``), made safe to create on disk;
    # None when it proposes none.
    filename: str | None
    size: int | None  # None: the answer did not announce it
    content_type: str | None = None
    etag: str | None = None


@attrs.frozen
class CopyResult:
    """What a copy made: ``destination`` is the new object's full address (or local path)."""

    source: str
    destination: str
    size: int
    filename: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)
