"""All attachments of an IPD work item at once: the plan and the outcome, with no I/O.

Each listed attachment gets a name (the listed file name, sanitised, made unique within the
work item); the result lists every attachment's outcome (downloaded, skipped, failed); one
progress report covers the whole set. The orchestration that lists, skips and downloads
``jobs`` at a time is I/O, written once in ``attachkit/_async/bulk.py`` (its sync twin runs the
downloads in worker threads, the async one as tasks).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from attachkit.transfer import Progress, sanitize_filename
from attachkit.transfer.types import progress_events
from attachkit.untrusted import parse_number

__all__ = ["MAX_JOBS", "BulkDownload", "BulkItem", "Planned", "SetProgress", "plan", "size_of"]

MAX_JOBS = 32
Status = Literal["downloaded", "skipped", "failed"]


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
class Planned:
    attachment_id: str
    name: str
    size: int | None


def plan(entries: Sequence[Any]) -> list[Planned]:
    """A unique, safe local name per listed attachment (``ID_name`` for a repeated name)."""
    planned: list[Planned] = []
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
        planned.append(Planned(attachment_id, name, size))
    return planned


class SetProgress:
    """One ``progress(done, total)`` for the whole set, fed by every download (from any thread)."""

    def __init__(self, report: Progress | None, planned: list[Planned]) -> None:
        self._events = progress_events(report)
        self._lock = threading.Lock()
        self._done: dict[str, int] = {}
        sizes = [item.size for item in planned]
        self._total = None if None in sizes else sum(s for s in sizes if s is not None)

    def item(self, attachment_id: str) -> Callable[[int, int | None], None]:
        def update(done: int, total: int | None) -> None:
            with self._lock:
                self._done[attachment_id] = done
                overall = sum(self._done.values())
            if self._events is not None:
                self._events.on_progress(overall, self._total)

        return update


def size_of(path: Path) -> int | None:
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None
