# Generated from overlay/attachkit/_async/sync_job.py by scripts/unasync: do not edit.
"""``sync`` and ``check``: many files between two places, with a ledger.

A sync lists what the source place holds (an IPD work item, a local directory, or the objects
a ``--files-from`` manifest names), looks at what the destination already holds (an IPD work
item or a directory can be listed; Scrum, COC and WorldServer cannot) and at the ledger
(``attachkit.ledger``), and plans each object (``attachkit.sync_plan``): copy, skip or refuse.
A dry run stops there. A real run copies ``jobs`` at a time through one facade per service,
each transfer written to the ledger as ``started`` before its first byte and ``done`` after
the destination acknowledged it. So a rerun moves only what is new or changed, and a run killed
at any instant, run again, leaves one copy per object: an upload whose row says ``started`` is
looked for at a destination that can be listed before it is sent again, and named as
``uncertain`` where the destination cannot be listed.

A failure of one object (gone at the source, refused, a service error) is recorded and the
others go on; a full disk at a local destination stops the run (the download engine leaves no
half-written file, and the ledger row stays ``started``, so the next run redoes it).

The sync twin (``sync``, ``check``) is generated from this source by ``scripts/unasync``; its
``jobs`` run in worker threads.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast

import attrs

from attachkit._sync.copy import open_facade, relay
from attachkit._synchronization import TaskGroup, read_chunk, run_blocking
from attachkit.addresses import (
    Address,
    Connections,
    Held,
    ServiceAddress,
    local,
    parse_address,
)
from attachkit.errors import AttachkitError, ValidationError
from attachkit.ledger import Ledger, LedgerEntry, default_ledger_path
from attachkit.options import DownloadOptions, StreamOptions, UploadOptions
from attachkit.sync_plan import (
    Action,
    CheckItem,
    CheckReport,
    RateGate,
    Shard,
    SourceObject,
    Status,
    SyncItem,
    SyncReport,
    parse_manifest,
    selected,
)
from attachkit.transfer.types import Progress, progress_events

__all__ = ["check", "sync"]

Event = Callable[[dict[str, Any]], None]
HASH_CHUNK = 1024 * 1024


@attrs.frozen
class _Present:
    """An object already at the destination: what it is called there, and its size."""

    destination: str
    size: int | None


def sync(
    source: str,
    destination: str,
    *,
    connections: Connections | None = None,
    dry_run: bool = False,
    jobs: int = 4,
    tps: float | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    files_from: str | os.PathLike[str] | None = None,
    ledger: str | os.PathLike[str] | None = None,
    shard: Shard | None = None,
    resend_uncertain: bool = False,
    progress: Progress | None = None,
    on_event: Event | None = None,
) -> SyncReport:
    """Make ``destination`` hold what ``source`` holds; see the module's description.

    ``source`` is ``ipd://PROJECT/ISSUE`` or a local directory (or, with ``files_from``, the
    service the manifest's objects are in); ``destination`` is a place: a local directory,
    ``ipd://PROJECT/ISSUE``, ``scrum://PROJECT/ISSUE``, ``coc://incident`` or
    ``ws://ATTRIBUTE_DEFINITION_ID``. ``progress`` hears the bytes of the whole job;
    ``on_event`` gets one dict per object and step (``start``, ``done``, ``skip``, ``refuse``,
    ``fail``), as ``--log-json`` writes them. Raises ``ValidationError`` for places or a
    manifest it cannot use (before anything is sent).
    """
    if not 1 <= jobs <= 64:
        raise ValidationError("jobs", f"{jobs} is out of range", "1 to 64")
    src, dst = _places(source, destination, files_from)
    gate = RateGate(tps)
    connections = attrs.evolve(connections or Connections(), retry_policy=gate.retry_policy())
    facades = _AsyncFacades(connections)
    ledger_path = Path(ledger) if ledger is not None else _default_ledger(dst, destination)
    book: Ledger | None = None
    if not dry_run or ledger_path.exists():
        book = run_blocking(lambda: Ledger(ledger_path))
    try:
        objects = _source_objects(src, files_from, facades, gate)
        objects = [
            obj for obj in objects if selected(obj, include=include, exclude=exclude, shard=shard)
        ]
        place = str(dst)
        entries = book.entries(place) if book is not None else {}
        present = _destination_objects(dst, facades, gate)
        planned = [
            _plan_one(obj, dst, entries.get(obj.address), present, resend_uncertain)
            for obj in objects
        ]
        if dry_run:
            for item in planned:
                _emit(on_event, "plan", item)
            kept = str(ledger_path) if book is not None else None  # a dry run makes none
            return SyncReport(tuple(planned), dry_run=True, ledger=kept)
        assert book is not None
        for item, obj in zip(planned, objects, strict=True):
            if item.reason == _ADOPTED:  # found at the destination: the ledger learns it
                found = present[obj.name or ""]
                book.done(
                    obj.address, place, name=obj.name, size=obj.size, validator=obj.validator,
                    destination=found.destination, destination_size=found.size, sha256=None,
                )  # fmt: skip
        job = _Job(src, dst, book, facades, gate, progress, on_event)
        outcomes = job.run(planned, objects, jobs)
        return SyncReport(tuple(outcomes), dry_run=False, ledger=str(ledger_path))
    finally:
        facades.close()
        if book is not None:
            book.close()


def check(
    source: str,
    destination: str,
    *,
    connections: Connections | None = None,
    ledger: str | os.PathLike[str] | None = None,
) -> CheckReport:
    """Compare two places by name, size and SHA-256: missing, different and extra files.

    What must be hashed is read whole (a service's object is streamed, never stored); a
    source object whose ledger row recorded the SHA-256 of what it became, and is unchanged
    since, is not downloaded again.
    """
    src, dst = _places(source, destination, None)
    if not dst.listable:
        raise ValidationError(
            "destination", f"{destination!r} cannot be listed", "ipd://P/I or a local directory"
        )
    facades = _AsyncFacades(connections or Connections())
    gate = RateGate(None)
    ledger_path = Path(ledger) if ledger is not None else _default_ledger(dst, destination)
    try:
        entries: dict[str, LedgerEntry] = {}
        if ledger_path.exists():
            book = run_blocking(lambda: Ledger(ledger_path))
            try:
                entries = book.entries(str(dst))
            finally:
                book.close()
        wanted = {obj.name or obj.address: obj for obj in _source_objects(src, None, facades, gate)}
        held = {obj.name or obj.address: obj for obj in _source_objects(dst, None, facades, gate)}
        items: list[CheckItem] = []
        for name, obj in wanted.items():
            other = held.get(name)
            if other is None:
                items.append(CheckItem(name, "missing", f"not at {destination}"))
                continue
            if obj.size is not None and other.size is not None and obj.size != other.size:
                items.append(CheckItem(name, "different", f"{obj.size} != {other.size} bytes"))
                continue
            entry = entries.get(obj.address)
            known = entry.sha256 if entry and entry.done and entry.same_source(
                obj.size, obj.validator
            ) else None  # fmt: skip
            ours = known or _sha256(obj, facades)
            theirs = _sha256(other, facades)
            if ours == theirs:
                items.append(CheckItem(name, "match", f"sha256 {theirs}"))
            else:
                items.append(CheckItem(name, "different", f"sha256 {ours} != {theirs}"))
        items += [
            CheckItem(name, "extra", f"not at {source}") for name in held if name not in wanted
        ]
        return CheckReport(tuple(items))
    finally:
        facades.close()


# --- the places --------------------------------------------------------------------------------

_ADOPTED = "already at the destination"


def _places(
    source: str, destination: str, files_from: str | os.PathLike[str] | None
) -> tuple[Address, Address]:
    src, dst = parse_address(source), parse_address(destination)
    if files_from is None and not src.listable:
        raise ValidationError(
            "source",
            f"{source!r} cannot be listed",
            "ipd://PROJECT/ISSUE or a local directory (for other services: --files-from)",
        )
    if not (dst.listable if dst.is_local else not dst.is_object):
        raise ValidationError(
            "destination",
            f"{destination!r} is not a place",
            "a local directory or ipd://P/I, scrum://P/I, coc://incident, ws://DEFINITION_ID",
        )
    if src.is_local and dst.is_local:
        raise ValidationError("destination", "both places are local", "one end on a service")
    return src, dst


def _default_ledger(dst: Address, destination: str) -> Path:
    directory = dst.path if local(dst) else None
    return default_ledger_path(destination, directory)


class _AsyncFacades:
    """One open facade per service for the whole run (its connections are reused)."""

    def __init__(self, connections: Connections) -> None:
        self._connections = connections
        self._open: dict[str, Any] = {}

    def of(self, address: ServiceAddress) -> Any:
        facade = self._open.get(address.service)
        if facade is None:
            facade = self._open[address.service] = open_facade(address, self._connections)
        return facade

    def close(self) -> None:
        for facade in self._open.values():
            facade.close()


def _source_objects(
    place: Address,
    files_from: str | os.PathLike[str] | None,
    facades: _AsyncFacades,
    gate: RateGate,
) -> list[SourceObject]:
    """What ``place`` holds (or the manifest names), with names unique in the place."""
    if files_from is not None:
        text = run_blocking(lambda: Path(files_from).read_text(encoding="utf-8"))
        return [
            address.held_file() if local(address) else Held(address, None, None, None)
            for address in parse_manifest(text)
        ]
    if local(place):
        return run_blocking(place.held)
    service_place = cast(ServiceAddress, place)
    gate.acquire()
    listing = service_place.listing(facades.of(service_place))
    return service_place.held_from(listing)


def _destination_objects(
    place: Address, facades: _AsyncFacades, gate: RateGate
) -> dict[str, _Present]:
    """What a place that can be listed already holds, by name; {} for one that cannot."""
    if not place.listable:
        return {}
    held = _source_objects(place, None, facades, gate)
    return {obj.name or "": _Present(obj.address, obj.size) for obj in held}


# --- the plan ----------------------------------------------------------------------------------


def _plan_one(
    obj: SourceObject,
    dst: Address,
    entry: LedgerEntry | None,
    present: dict[str, _Present],
    resend_uncertain: bool,
) -> SyncItem:
    def item(action: Action, status: Status, reason: str) -> SyncItem:
        return SyncItem(obj.address, obj.name, obj.size, action, status, reason)

    found = present.get(obj.name or "") if obj.name is not None else None
    same_size = found is not None and (obj.size is None or found.size == obj.size)
    listable = dst.listable
    if entry is not None and entry.done and entry.same_source(obj.size, obj.validator):
        if not listable or same_size:
            return item("skip", "skipped", "up to date")
    elif entry is not None and not entry.done and not listable and not resend_uncertain:
        return item(
            "skip", "uncertain",
            "an earlier run was cut during this upload and the destination cannot be listed: "
            "check it, then rerun with --resend-uncertain to send it again",
        )  # fmt: skip
    elif same_size and (entry is None or not entry.done):
        # There already, and no record of a copy of an older version: an upload a cut run made
        # but did not record, or a copy made before this ledger existed.
        return item("skip", "skipped", _ADOPTED)
    if obj.name is not None:
        try:
            dst.check_upload(obj.name, obj.size)
        except ValidationError as refusal:
            return item("refuse", "refused", f"{refusal.problem} ({refusal.rule})")
    return item("copy", "planned", "new" if entry is None else "changed or unfinished")


def _emit(on_event: Event | None, event: str, item: SyncItem, **extra: Any) -> None:
    if on_event is not None:
        on_event({"event": event, **item.to_dict(), **extra})


# --- the run -----------------------------------------------------------------------------------


class _Job:
    def __init__(
        self,
        src: Address,
        dst: Address,
        book: Ledger,
        facades: _AsyncFacades,
        gate: RateGate,
        progress: Progress | None,
        on_event: Event | None,
    ) -> None:
        self.src, self.dst, self.book = src, dst, book
        self.facades, self.gate, self.on_event = facades, gate, on_event
        self.place = str(dst)
        self.events = progress_events(progress)
        self.moved: dict[str, int] = {}
        self.total: int | None = None

    def run(
        self, planned: list[SyncItem], objects: list[SourceObject], jobs: int
    ) -> list[SyncItem]:
        outcomes = list(planned)
        sizes = [item.size for item in planned if item.action == "copy"]
        self.total = None if None in sizes else sum(s for s in sizes if s is not None)
        if self.events is not None:
            self.events.on_queued(self.total)

        def one(index: int) -> None:
            outcomes[index] = self.transfer(planned[index], objects[index])

        try:
            with TaskGroup(limit=jobs) as group:
                for index, item in enumerate(planned):
                    if item.action == "copy":
                        group.start_soon(one, index)
                    else:
                        _emit(self.on_event, "skip" if item.action == "skip" else "refuse", item)
        except BaseException as error:
            if self.events is not None:
                self.events.on_done(error)
            raise
        if self.events is not None:
            self.events.on_done(None)
        return outcomes

    def _progress_of(self, key: str) -> Callable[[int, int | None], None]:
        def update(done: int, total: int | None) -> None:
            self.moved[key] = done
            if self.events is not None:
                self.events.on_progress(sum(self.moved.values()), self.total)

        return update

    def transfer(self, item: SyncItem, obj: SourceObject) -> SyncItem:
        _emit(self.on_event, "start", item)
        self.book.started(obj.address, self.place, obj.name, obj.size, obj.validator)
        progress = self._progress_of(obj.address)
        try:
            self.gate.acquire()
            destination, size, sha256, name = self._move(obj, progress)
        except ValidationError as refusal:
            refused = attrs.evolve(
                item, action="refuse", status="refused",
                reason=f"{refusal.problem} ({refusal.rule})",
            )  # fmt: skip
            _emit(self.on_event, "refuse", refused)
            return refused
        except OSError as error:
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise  # a full disk stops the run: nothing half-written, the row stays "started"
            return self._failed(item, error)
        except AttachkitError as error:
            return self._failed(item, error)
        self.book.done(
            obj.address, self.place, name=name, size=obj.size, validator=obj.validator,
            destination=destination, destination_size=size, sha256=sha256,
        )  # fmt: skip
        copied = attrs.evolve(item, name=name, size=size, status="copied", destination=destination)
        _emit(self.on_event, "done", copied, sha256=sha256)
        return copied

    def _failed(self, item: SyncItem, error: BaseException) -> SyncItem:
        failed = attrs.evolve(item, status="failed", reason=f"{type(error).__name__}: {error}")
        _emit(self.on_event, "fail", failed)
        return failed

    def _move(
        self, obj: SourceObject, progress: Callable[[int, int | None], None]
    ) -> tuple[str, int | None, str | None, str | None]:
        """Copy one object; (what it became, its size, its SHA-256 if computed, its name)."""
        src, dst = obj.location, self.dst
        if local(src):
            assert obj.name is not None
            dst = cast(ServiceAddress, dst)  # the places checked: one end is on a service
            uploaded = dst.upload(
                self.facades.of(dst), src.path, UploadOptions(filename=obj.name, progress=progress)
            )
            return str(dst.created(uploaded)), obj.size, None, obj.name
        src = cast(ServiceAddress, src)
        if local(dst):
            dst.path.mkdir(parents=True, exist_ok=True)
            target = str(dst.path / obj.name) if obj.name else str(dst.path) + os.sep
            options = DownloadOptions(overwrite=True, checksum="sha256", progress=progress)
            result = src.download(self.facades.of(src), target, options)
            assert result.path is not None
            return str(result.path), result.size, result.sha256, result.path.name
        dst = cast(ServiceAddress, dst)
        created, size, name = relay(
            src, self.facades.of(src), dst, self.facades.of(dst),
            filename=obj.name, progress=progress,
        )  # fmt: skip
        return str(created), size, None, name


# --- hashing for check -------------------------------------------------------------------------


def _sha256(obj: SourceObject, facades: _AsyncFacades) -> str:
    digest = hashlib.sha256()
    location = obj.location
    if local(location):
        file: BinaryIO = run_blocking(lambda: open(location.path, "rb"))  # noqa: SIM115
        try:
            while chunk := read_chunk(file, HASH_CHUNK):
                digest.update(chunk)
        finally:
            file.close()
        return digest.hexdigest()
    service_object = cast(ServiceAddress, location)
    chunks = service_object.stream(facades.of(service_object), StreamOptions(max_bytes=None))
    try:
        for chunk in chunks:
            digest.update(chunk)
    finally:
        chunks.close()
    return digest.hexdigest()
