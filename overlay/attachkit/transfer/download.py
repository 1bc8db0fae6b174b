"""Streaming downloads that resume, verify and land atomically.

Bytes go straight from the socket to a hidden temporary file beside the target, and the file is
renamed into place only when the byte count matches what the server promised, so a crashed
process never leaves a half file under the final name. Like curl, wget and pip, the data is left
in the page cache: ``durable=True`` fsyncs the file and its directory before the rename returns
(what survives a power loss or a kernel crash, not only a crash of this process), and
``checksum="sha256"`` hashes the bytes on the way (``DownloadResult.sha256``; None otherwise).

A dropped connection resumes with ``Range``/``If-Range`` inside the retry budget; a server that
ignores the range or whose file changed makes the download start over. Whatever fails, the
temporary file is removed (``resume=True`` keeps it for the next run, see ``partials``) and an
existing file is never replaced unless ``overwrite=True``.

The pieces: ``sinks`` (where the bytes go), ``resume`` (the state machine that judges each
answer), and the drivers that send, read and sleep, written once in ``_async/download.py`` with
``_sync/download.py`` generated from it by scripts/unasync. This module gathers the public names.
"""

from __future__ import annotations

from ._async.download import async_download, async_stream
from ._sync.download import download, stream
from .deadlines import LowSpeedLimit
from .resume import Checksum, DownloadResult
from .sinks import Destination

__all__ = [
    "Checksum",
    "Destination",
    "DownloadResult",
    "LowSpeedLimit",
    "async_download",
    "async_stream",
    "download",
    "stream",
]
