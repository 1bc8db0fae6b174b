"""``acopy``/``copy``: one file from a local path or service address to another.

Service to service, nothing lands on disk when the source announces its size: the source's
download stream feeds the destination's multipart upload chunk by chunk (``_StreamReader``), so
memory stays flat whatever the size. A source cut mid-stream is resumed with ``Range`` by the
facade's ``stream`` while the upload keeps waiting for its next chunk. A source that does not
announce its size (no ``Content-Length``) is spooled to a temporary file first, because an
upload must state its length before it starts. The destination's limits (size, COC's file
types, the file name rules) are checked as soon as the source's answer has arrived, before a
byte of its body is read.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from typing import Any, BinaryIO

import anyio.from_thread
import anyio.to_thread
import attrs

from attachkit.copying import services
from attachkit.copying.addresses import LocalPath, ServiceAddress, parse_address
from attachkit.copying.services import Connections, HeaderTap
from attachkit.errors import DestinationExistsError, ValidationError
from attachkit.transfer import Progress
from attachkit.validation import validate_filename

__all__ = ["CopyResult", "acopy", "copy"]

SPOOL_IN_MEMORY_BYTES = 1024 * 1024  # a sizeless source is kept in memory up to this, then disk


@attrs.frozen
class CopyResult:
    """What a copy made: ``destination`` is the new object's full address (or local path)."""

    source: str
    destination: str
    size: int
    filename: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def copy(
    source: str,
    destination: str,
    *,
    connections: Connections | None = None,
    filename: str | None = None,
    overwrite: bool = False,
    resume: bool = False,
    progress: Progress | None = None,
) -> CopyResult:
    """Copy one file; see ``acopy``. Runs its own event loop (use ``acopy`` inside one)."""
    return asyncio.run(
        acopy(
            source,
            destination,
            connections=connections,
            filename=filename,
            overwrite=overwrite,
            resume=resume,
            progress=progress,
        )
    )


async def acopy(
    source: str,
    destination: str,
    *,
    connections: Connections | None = None,
    filename: str | None = None,
    overwrite: bool = False,
    resume: bool = False,
    progress: Progress | None = None,
) -> CopyResult:
    """Copy ``source`` to ``destination``: local paths or service addresses (``addresses``).

    ``filename`` names the copy (default: the source's own name); ``overwrite`` allows replacing
    an existing local file; ``resume`` keeps a failed download to a local file and continues a
    kept one (see ``attachkit.transfer.partials``); ``progress(done, total)`` follows the bytes
    written to the destination. Raises ``ValidationError`` for a malformed address or what the
    destination would refuse (checked before the body moves), and the facades' errors otherwise.
    """
    src = parse_address(source)
    dst = parse_address(destination)
    if not src.is_object:
        raise ValidationError(
            "source", f"{source!r} names a place, not a file", "an address that names one object"
        )
    if dst.is_object and not isinstance(dst, LocalPath):
        raise ValidationError(
            "destination",
            f"{destination!r} names an existing object",
            "the place to create the copy in (e.g. scrum://PROJECT/ISSUE, ws://DEFINITION_ID)",
        )
    connections = connections or Connections()
    if filename is not None:
        validate_filename(filename)
    if isinstance(src, LocalPath):
        if isinstance(dst, LocalPath):
            return await _local_to_local(src, dst, filename, overwrite, progress)
        return await _local_to_service(src, dst, connections, filename, progress)
    if isinstance(dst, LocalPath):
        return await _service_to_local(src, dst, connections, overwrite, resume, progress)
    return await _service_to_service(src, dst, connections, filename, progress)


async def _local_to_local(
    src: LocalPath, dst: LocalPath, filename: str | None, overwrite: bool, progress: Progress | None
) -> CopyResult:
    if dst.directory:
        dst.path.mkdir(parents=True, exist_ok=True)
    target = dst.path / (filename or src.path.name) if dst.path.is_dir() else dst.path
    if not overwrite and os.path.lexists(target):
        raise DestinationExistsError(f"{target} exists; pass overwrite=True to replace it")
    size = src.path.stat().st_size
    await anyio.to_thread.run_sync(shutil.copyfile, src.path, target)
    if progress is not None:
        progress(size, size)
    return CopyResult(str(src), str(target), size, target.name)


async def _local_to_service(
    src: LocalPath,
    dst: ServiceAddress,
    connections: Connections,
    filename: str | None,
    progress: Progress | None,
) -> CopyResult:
    name = filename or src.path.name
    size = src.path.stat().st_size
    services.check_destination(dst, name, size)
    async with services.open_facade(dst, connections) as facade:
        created = await services.upload(
            facade, dst, src.path, filename=name, size=None, progress=progress
        )
    return CopyResult(str(src), str(created), size, name)


async def _service_to_local(
    src: ServiceAddress,
    dst: LocalPath,
    connections: Connections,
    overwrite: bool,
    resume: bool,
    progress: Progress | None,
) -> CopyResult:
    async with services.open_facade(src, connections) as facade:
        result = await services.download(
            facade, src, dst.as_destination, overwrite=overwrite, progress=progress, resume=resume
        )
    assert result.path is not None
    return CopyResult(str(src), str(result.path), result.size, result.path.name)


async def _service_to_service(
    src: ServiceAddress,
    dst: ServiceAddress,
    connections: Connections,
    filename: str | None,
    progress: Progress | None,
) -> CopyResult:
    tap = HeaderTap()
    announced = _Announced()

    def on_source_progress(done: int, total: int | None) -> None:
        # The first report comes once the source's answer is in and before its body is read:
        # the moment to check the destination's limits, so a refusal moves no byte.
        if announced.name is None:
            announced.name = filename or services.proposed_name(tap.headers, src)
            announced.size = total
            services.check_destination(dst, announced.name, total)

    async with (
        services.open_facade(src, connections, transport=tap) as source_facade,
        services.open_facade(dst, connections) as destination_facade,
    ):
        chunks = services.stream(source_facade, src, on_source_progress)
        try:
            first = await anext(chunks, b"")
            assert announced.name is not None  # the stream reported before its first chunk
            if announced.size is not None:
                body: BinaryIO = _StreamReader(first, chunks)  # type: ignore[assignment]
                size = announced.size
            else:
                body, size = await _spool(first, chunks, dst, announced.name)
            try:
                created = await services.upload(
                    destination_facade, dst, body, filename=announced.name, size=size,
                    progress=progress,
                )  # fmt: skip
            finally:
                body.close()
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]
    return CopyResult(str(src), str(created), size, announced.name)


@attrs.define
class _Announced:
    """What the source's answer said: the copy's name and size (None: not announced)."""

    name: str | None = None
    size: int | None = None


async def _spool(
    first: bytes, chunks: AsyncIterator[bytes], dst: ServiceAddress, name: str
) -> tuple[BinaryIO, int]:
    """The whole source in a temporary file (memory up to 1 MiB), checked against the limit."""
    spool: Any = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115
    try:
        size = 0
        chunk = first
        while chunk:
            size += len(chunk)
            services.check_destination(dst, name, size)  # stop as soon as it is too large
            await anyio.to_thread.run_sync(spool.write, chunk)
            chunk = await anext(chunks, b"")
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool, size


class _StreamReader:
    """A non-seekable binary file over an async chunk stream, for an upload body.

    The async upload reads its source with ``read`` in a worker thread (so a slow disk never
    blocks the event loop); here each ``read`` fetches the next chunk back on the event loop,
    from the source's download stream. One chunk is held at a time.
    """

    name = None

    def __init__(self, first: bytes, chunks: AsyncIterator[bytes]) -> None:
        self._pending = first
        self._chunks = chunks
        self._ended = not first
        self.closed = False

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return True

    async def _next(self) -> bytes:
        return await anext(self._chunks, b"")

    def read(self, size: int = -1) -> bytes:
        while not self._pending and not self._ended:
            self._pending = anyio.from_thread.run(self._next)
            self._ended = not self._pending
        if size < 0 or size >= len(self._pending):
            data, self._pending = self._pending, b""
        else:
            data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def close(self) -> None:
        self.closed = True
        self._pending = b""
