"""``async_copy``: one file from a local path or service address to another.

Service to service, nothing lands on disk when the source announces its size: the source's
download stream is the destination's upload body, chunk by chunk on one event loop (or one
thread, in the sync twin), so memory stays flat whatever the size. A source cut mid-stream is
resumed with ``Range`` by the stream while the upload waits for its next chunk. A source that
does not announce its size (no ``Content-Length``) is spooled to a temporary file first,
because an upload must state its length before it starts. The destination's limits (size,
COC's file types, the file name rules) are checked as soon as the source's answer has arrived,
before a byte of its body is read.

Every per-service step is the address's own (``attachkit.addresses``): which facade serves it,
and how to stream, download or upload through that facade. The sync twin (``copy``) is
generated from this source by ``scripts/unasync``.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from typing import Any, BinaryIO, cast

from attachkit._async.huawei import AsyncCoc, AsyncCodeArtsReq
from attachkit._async.worldserver import AsyncWorldServer
from attachkit._synchronization import async_run_blocking
from attachkit.addresses import Connections, LocalPath, ServiceAddress, local, parse_address
from attachkit.errors import DestinationExistsError, ValidationError
from attachkit.options import DownloadOptions, StreamOptions, UploadOptions
from attachkit.transfer.types import CopyResult, Progress, progress_events
from attachkit.validation import validate_filename

__all__ = ["async_copy", "async_open_facade", "async_relay"]

SPOOL_IN_MEMORY_BYTES = 1024 * 1024  # a sizeless source is kept in memory up to this, then disk
# The facade that serves each service, by the name its addresses give (``address.service``).
_FACADES: dict[str, Any] = {
    "codearts-req": AsyncCodeArtsReq,
    "coc": AsyncCoc,
    "worldserver": AsyncWorldServer,
}


def async_open_facade(address: ServiceAddress, connections: Connections) -> Any:
    """A new facade for ``address``'s service (a context manager; close it when done)."""
    return _FACADES[address.service](**address.facade_arguments(connections))


async def async_copy(
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
    if dst.is_object and not dst.is_local:
        raise ValidationError(
            "destination",
            f"{destination!r} names an existing object",
            "the place to create the copy in (e.g. scrum://PROJECT/ISSUE, ws://DEFINITION_ID)",
        )
    connections = connections or Connections()
    if filename is not None:
        validate_filename(filename)
    # Which ends are local decides the route; what a service needs is its address's business.
    if local(src):
        if local(dst):
            return await _async_local_to_local(src, dst, filename, overwrite, progress)
        service_dst = cast(ServiceAddress, dst)
        return await _async_local_to_service(src, service_dst, connections, filename, progress)
    service_src = cast(ServiceAddress, src)
    if local(dst):
        download = DownloadOptions(overwrite=overwrite, resume=resume, progress=progress)
        return await _async_service_to_local(service_src, dst, connections, download)
    service_dst = cast(ServiceAddress, dst)
    return await _async_service_to_service(
        service_src, service_dst, connections, filename, progress
    )


async def _async_local_to_local(
    src: LocalPath, dst: LocalPath, filename: str | None, overwrite: bool, progress: Progress | None
) -> CopyResult:
    if dst.directory:
        dst.path.mkdir(parents=True, exist_ok=True)
    target = dst.path / (filename or src.path.name) if dst.path.is_dir() else dst.path
    if not overwrite and os.path.lexists(target):
        raise DestinationExistsError(f"{target} exists; pass overwrite=True to replace it")
    size = src.path.stat().st_size
    events = progress_events(progress)
    if events is not None:
        events.on_queued(size)
    await async_run_blocking(lambda: shutil.copyfile(src.path, target))
    if events is not None:
        events.on_progress(size, size)
        events.on_done(None)
    return CopyResult(str(src), str(target), size, target.name)


async def _async_local_to_service(
    src: LocalPath,
    dst: ServiceAddress,
    connections: Connections,
    filename: str | None,
    progress: Progress | None,
) -> CopyResult:
    name = filename or src.path.name
    size = src.path.stat().st_size
    dst.check_upload(name, size)
    async with async_open_facade(dst, connections) as facade:
        uploaded = await dst.upload(
            facade, src.path, UploadOptions(filename=name, progress=progress)
        )
    return CopyResult(str(src), str(dst.created(uploaded)), size, name)


async def _async_service_to_local(
    src: ServiceAddress, dst: LocalPath, connections: Connections, options: DownloadOptions
) -> CopyResult:
    async with async_open_facade(src, connections) as facade:
        result = await src.download(facade, dst.as_destination, options)
    assert result.path is not None
    return CopyResult(str(src), str(result.path), result.size, result.path.name)


async def _async_service_to_service(
    src: ServiceAddress,
    dst: ServiceAddress,
    connections: Connections,
    filename: str | None,
    progress: Progress | None,
) -> CopyResult:
    async with (
        async_open_facade(src, connections) as source_facade,
        async_open_facade(dst, connections) as destination_facade,
    ):
        created, size, name = await async_relay(
            src, source_facade, dst, destination_facade, filename=filename, progress=progress
        )
    return CopyResult(str(src), str(created), size, name)


async def async_relay(
    src: ServiceAddress,
    source_facade: Any,
    dst: ServiceAddress,
    destination_facade: Any,
    *,
    filename: str | None,
    progress: Progress | None,
) -> tuple[ServiceAddress, int, str]:
    """Stream one object from ``src`` into a new one at ``dst``, through open facades.

    Returns the new object's address, its size and the name it was stored under. The answer's
    head is read first: what it announces is checked against ``dst`` before its body moves.
    """
    chunks = src.stream(source_facade, StreamOptions())
    try:
        announced = await chunks.start()
        name = filename or announced.filename or src.fallback_name()
        dst.check_upload(name, announced.size)
        body: Any = chunks
        size = announced.size
        if size is None:
            body, size = await _async_spool(chunks, dst, name)
        try:
            uploaded = await dst.upload(
                destination_facade, body, UploadOptions(filename=name, size=size, progress=progress)
            )
        finally:
            if body is not chunks:
                body.close()
    finally:
        await chunks.aclose()
    return dst.created(uploaded), size, name


async def _async_spool(chunks: Any, dst: ServiceAddress, name: str) -> tuple[BinaryIO, int]:
    """The whole source in a temporary file (memory up to 1 MiB), checked against the limit."""
    spool: Any = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115
    try:
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            dst.check_upload(name, size)  # stop as soon as it is too large
            await async_run_blocking(functools.partial(spool.write, chunk))
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool, size
