"""All attachments of an IPD work item at once: list, then download a bounded number at a time.

One orchestration, written async: the list is fetched, each attachment gets a name (the listed
file name, sanitised, made unique within the work item), a file already there with the listed
size is skipped without a request, and the rest are downloaded ``jobs`` at a time. A failed
download is recorded and the others go on; the result lists every attachment's outcome. The
async facade awaits its own downloads; the sync facade runs the same orchestration with each of
its (blocking) downloads in a worker thread, so both bound their concurrency the same way.
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import anyio
import anyio.to_thread
import attrs

from attachkit.errors import AttachkitError
from attachkit.transfer import DownloadResult, Progress, sanitize_filename
from attachkit.untrusted import parse_number

__all__ = ["BulkDownload", "BulkItem", "async_download_all", "download_all"]

MAX_JOBS = 32
Status = Literal["downloaded", "skipped", "failed"]
# (attachment id, destination path, progress) -> the download's result, awaited.
_Fetch = Callable[[str, Path, Progress], Awaitable[DownloadResult]]


@attrs.frozen
class BulkItem:
    """One attachment's outcome. ``error`` is the failure's message, ``error_type`` its class."""

    attachment_id: str
    name: str
    status: Status
    size: int | None
    path: Path | None
    error: str | None = None
    error_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["path"] = str(self.path) if self.path is not None else None
        return data


@attrs.frozen
class BulkDownload:
    """Every attachment's outcome, in the order the service listed them."""

    items: tuple[BulkItem, ...]

    @property
    def downloaded(self) -> tuple[BulkItem, ...]:
        return tuple(item for item in self.items if item.status == "downloaded")

    @property
    def skipped(self) -> tuple[BulkItem, ...]:
        return tuple(item for item in self.items if item.status == "skipped")

    @property
    def failed(self) -> tuple[BulkItem, ...]:
        return tuple(item for item in self.items if item.status == "failed")

    @property
    def ok(self) -> bool:
        return not self.failed


@attrs.frozen
class _Planned:
    attachment_id: str
    name: str
    size: int | None


def _plan(entries: Sequence[Any]) -> list[_Planned]:
    """A unique, safe local name per listed attachment (``ID_name`` for a repeated name)."""
    planned: list[_Planned] = []
    taken: set[str] = set()
    for entry in entries:
        attachment_id = str(entry.id)
        listed = next(
            (value for value in (entry.store_filename, entry.title) if isinstance(value, str)),
            None,
        )
        name = sanitize_filename(listed, sanitize_filename(f"attachment-{attachment_id}"))
        if name.lower() in taken:
            name = sanitize_filename(f"{attachment_id}_{name}")
        taken.add(name.lower())
        size = parse_number(entry.file_size) if isinstance(entry.file_size, str) else None
        planned.append(_Planned(attachment_id, name, size))
    return planned


class _SetProgress:
    """One ``progress(done, total)`` for the whole set, fed by every download (from any thread)."""

    def __init__(self, report: Progress | None, planned: list[_Planned]) -> None:
        self._report = report
        self._lock = threading.Lock()
        self._done: dict[str, int] = {}
        sizes = [item.size for item in planned]
        self._total = None if None in sizes else sum(s for s in sizes if s is not None)

    def item(self, attachment_id: str) -> Progress:
        def update(done: int, total: int | None) -> None:
            with self._lock:
                self._done[attachment_id] = done
                overall = sum(self._done.values())
            if self._report is not None:
                self._report(overall, self._total)

        return update


async def _download_each(
    planned: list[_Planned],
    dest_dir: Path,
    fetch: _Fetch,
    *,
    jobs: int,
    overwrite: bool,
    progress: Progress | None,
) -> BulkDownload:
    if not 1 <= jobs <= MAX_JOBS:
        raise ValueError(f"jobs must be between 1 and {MAX_JOBS}")
    dest_dir.mkdir(parents=True, exist_ok=True)
    outcomes: dict[str, BulkItem] = {}
    overall = _SetProgress(progress, planned)
    slots = anyio.Semaphore(jobs)

    async def one(item: _Planned) -> None:
        target = dest_dir / item.name
        if not overwrite and item.size is not None and _size_of(target) == item.size:
            overall.item(item.attachment_id)(item.size, item.size)
            outcomes[item.attachment_id] = BulkItem(
                item.attachment_id, item.name, "skipped", item.size, target
            )
            return
        async with slots:
            try:
                result = await fetch(item.attachment_id, target, overall.item(item.attachment_id))
            except (AttachkitError, OSError) as error:
                outcomes[item.attachment_id] = BulkItem(
                    item.attachment_id, item.name, "failed", item.size, None,
                    error=str(error), error_type=type(error).__name__,
                )  # fmt: skip
                return
        outcomes[item.attachment_id] = BulkItem(
            item.attachment_id, item.name, "downloaded", result.size, result.path
        )

    async with anyio.create_task_group() as group:
        for item in planned:
            group.start_soon(one, item)
    return BulkDownload(tuple(outcomes[item.attachment_id] for item in planned))


def _size_of(path: Path) -> int | None:
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


async def async_download_all(
    ipd: Any,
    project_id: str,
    issue_id: str,
    dest_dir: str | os.PathLike[str],
    *,
    jobs: int = 4,
    overwrite: bool = False,
    resume: bool = False,
    source_project_id: str | None = None,
    progress: Progress | None = None,
) -> BulkDownload:
    """Download every attachment of the IPD work item into ``dest_dir``, ``jobs`` at a time.

    ``ipd`` is an async facade's ``.ipd`` namespace. ``progress(done, total)`` covers the whole
    set. A failure (an ``AttachkitError`` or a local ``OSError``) is recorded in the result and
    the other downloads go on; listing the work item failing raises. ``resume`` keeps what a
    failed download received, and continues what an earlier run kept.
    """
    listing = await ipd.list(project_id, issue_id, source_project_id=source_project_id)
    planned = _plan(listing.result or [])

    async def fetch(attachment_id: str, target: Path, item_progress: Progress) -> DownloadResult:
        result: DownloadResult = await ipd.download(
            project_id, attachment_id, target, overwrite=overwrite, resume=resume,
            progress=item_progress,
        )  # fmt: skip
        return result

    return await _download_each(
        planned, Path(dest_dir), fetch, jobs=jobs, overwrite=overwrite, progress=progress
    )


def download_all(
    ipd: Any,
    project_id: str,
    issue_id: str,
    dest_dir: str | os.PathLike[str],
    *,
    jobs: int = 4,
    overwrite: bool = False,
    resume: bool = False,
    source_project_id: str | None = None,
    progress: Progress | None = None,
) -> BulkDownload:
    """``async_download_all`` for a sync facade's ``.ipd``: its downloads run in worker threads."""
    listing = ipd.list(project_id, issue_id, source_project_id=source_project_id)
    planned = _plan(listing.result or [])

    async def fetch(attachment_id: str, target: Path, item_progress: Progress) -> DownloadResult:
        call = functools.partial(
            ipd.download,
            project_id,
            attachment_id,
            target,
            overwrite=overwrite,
            resume=resume,
            progress=item_progress,
        )
        result: DownloadResult = await anyio.to_thread.run_sync(call)
        return result

    return asyncio.run(
        _download_each(
            planned, Path(dest_dir), fetch, jobs=jobs, overwrite=overwrite, progress=progress
        )
    )
