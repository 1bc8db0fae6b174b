"""Where a download's bytes go: a hidden temporary file renamed into place, or a file object.

Both are ``Sink``s: one interface (open, write, restart, commit, discard, and ``kept`` for a
partial an earlier run kept), so nothing in front of a sink asks which one it is. ``make_sink``
picks the first sink class whose ``is_compatible`` accepts the destination, as s3transfer picks
its output managers. ``Writer`` sits in front of either: it hashes the bytes when a checksum
was asked for and, for a large body, does the hashing and writing in one worker thread a few
chunks behind the receive loop (SHA-256 and file writes release the GIL on large buffers).
Everything here is blocking file work, shared as it is by the sync and the async drivers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, Concatenate, ParamSpec, Protocol, TypeVar

import httpx

from attachkit.errors import DestinationExistsError, LocalFileError

from . import partials
from .filenames import filename_from_content_disposition, sanitize_filename
from .localfiles import local_file_errors, open_regular
from .types import Checksum, Destination

__all__ = [
    "FileObjectSink",
    "FileSink",
    "Sink",
    "Writer",
    "make_sink",
]

_EARLY_SYNC_BYTES = 64 * 1024 * 1024
# A worker thread costs about 0.1 ms to start and join; hashing 4 MiB takes about 3 ms.
_BACKGROUND_BYTES = 4 * 1024 * 1024
_QUEUED_CHUNKS = 3  # how far (in received chunks) the worker may fall behind the socket
# A body announced at this size or less is held in memory and written when complete: its file
# is created, written and renamed in one go. Creating a file took 0.04 ms of kernel time on this
# machine's ext4 when the disk was idle and over 1 ms while other processes wrote to it: up to as
# much as the whole rest of a small download. Under asyncio that commit runs on the event loop
# unless it fsyncs (``brief_commit``): a worker-thread hop cost more CPU than it (300 x 1 KiB,
# ``scripts/bench-small``, 5 alternated rounds: 1.43 against 1.21 ms per download, 8 in flight
# 1.24 against 1.05), and a loop held up for a millisecond by a busy disk delays the other
# transfers by no more than their own file creation would take.
_HELD_BYTES = 256 * 1024
_new_hash = hashlib.sha256
_HASH_READ_BYTES = 1024 * 1024
_P = ParamSpec("_P")
Chunk = bytes | memoryview  # a reused receive buffer's part (``fast_read.Ring``), or bytes
_R = TypeVar("_R")


def _file_work(
    method: Callable[Concatenate[FileSink, _P], _R],
) -> Callable[Concatenate[FileSink, _P], _R]:
    def wrapper(sink: FileSink, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with local_file_errors(sink.target or sink.directory):
            return method(sink, *args, **kwargs)

    return wrapper


def _blocked(directory: Path) -> bool:
    """Whether ``directory`` cannot be created: it, or the nearest existing ancestor, is not a
    directory (a file, say)."""
    for ancestor in (directory, *directory.parents):
        if os.path.lexists(ancestor):
            return not ancestor.is_dir()
    return False


class Sink(Protocol):
    """Where a download's bytes go, whatever the destination is."""

    @property
    def restartable(self) -> bool:
        """Whether the bytes written so far can be thrown away to start again."""
        ...

    @property
    def keeps_partial(self) -> bool:
        """Whether a failed download's bytes stay for the next run (``resume``)."""
        ...

    @property
    def target(self) -> Path | None:
        """The local file being written, once known (None for a file object)."""
        ...

    def kept(self, url: str) -> tuple[int, partials.Sidecar] | None: ...
    def hash_into(self, hasher: Any) -> None: ...
    def open(self, response: httpx.Response, total: int | None) -> None: ...
    def write(self, chunk: Chunk) -> None: ...
    def restart(self) -> bool: ...
    def commit(self) -> Path | None: ...
    def discard(self) -> None: ...


class FileSink:
    """A hidden temporary file beside the target, renamed into place on success."""

    @staticmethod
    def is_compatible(dest: Destination) -> bool:
        return isinstance(dest, str | os.PathLike)

    def __init__(
        self,
        dest: str | os.PathLike[str],
        overwrite: bool,
        fallback: str,
        fsync: bool,
        resume: bool = False,
    ):
        self.overwrite = overwrite
        self.fsync = fsync
        self.resume = resume
        self.fallback = fallback  # sanitised when a directory destination needs a name
        path = Path(dest)
        wants_dir = str(dest).endswith(("/", os.sep))
        # A directory that does not exist yet, named with a trailing separator (`a/b/`) or as
        # the parent of a file path (`q/file.pdf`), is created in open() with its parents, once
        # a usable response arrived: a refused download (404, 401, no network) must not leave
        # empty directories behind. Both forms behave alike, as `curl --create-dirs` does.
        self._make_directory = wants_dir and not path.exists()
        if self._make_directory or path.is_dir():
            self.directory = path
            self.target: Path | None = None
        else:
            if not path.parent.is_dir():
                if _blocked(path.parent):
                    raise LocalFileError(str(path.parent), "Not a directory")
                self._make_directory = True
            self._check_free(path)
            self.directory = path.parent
            self.target = path
        self.temp: Path | None = None
        self._file: BinaryIO | None = None
        self._held: bytearray | None = None  # a small body, until commit writes it
        self._unsynced = 0
        self._flusher: threading.Thread | None = None

    @property
    def brief_commit(self) -> bool:
        """A held body without fsync: its commit creates, writes and renames a small file."""
        return self._held is not None and not self.fsync

    restartable = True

    @property
    def keeps_partial(self) -> bool:
        return self.resume

    def _check_free(self, path: Path) -> None:
        if not self.overwrite and os.path.lexists(path):
            raise DestinationExistsError(f"{path} exists; pass overwrite=True to replace it")

    def kept(self, url: str) -> tuple[int, partials.Sidecar] | None:
        """Reopen the partial file an earlier run kept for ``url``: (its size, its sidecar).

        Only with ``resume``. For a directory destination the target is found by the URL its
        sidecar records; the part and the sidecar must both be there and agree on the URL.
        """
        if not self.resume:
            return None
        target = self.target or partials.find_for_url(self.directory, url)
        if target is None:
            return None
        sidecar = partials.Sidecar.read(partials.sidecar_path(target))
        part = partials.part_path(target)
        if sidecar is None or sidecar.url != partials.public_url(url):
            return None
        if not os.path.lexists(part):
            return None
        self._check_free(target)
        self.target = target
        self.temp = part
        self._file = _open_part(part, os.O_RDWR)  # a link or a FIFO here is refused
        return self._file.seek(0, os.SEEK_END), sidecar

    @_file_work
    def open(self, response: httpx.Response, total: int | None = None) -> None:
        if self._held is not None:  # an attempt after a restart
            if total is None or total > _HELD_BYTES:
                self._spill()
            return
        if self._file is not None:
            if self.resume and response.status_code == 200:
                self._record(response, total)  # started over: the server's file changed
            return
        if self._make_directory:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._make_directory = False
        if self.target is None:
            proposed = filename_from_content_disposition(
                response.headers.get("content-disposition")
            )
            fallback = sanitize_filename(self.fallback, "download")
            self.target = self.directory / sanitize_filename(proposed, fallback)
            self._check_free(self.target)
        if self.resume:
            # A fixed name, so the next run finds it; a stale one of another URL is emptied,
            # only once it is locked: never while another run writes it.
            self.temp = partials.part_path(self.target)
            self._file = _open_part(self.temp, os.O_RDWR | os.O_CREAT)
            self._file.truncate()
            self._record(response, total)
            return
        if total is not None and total <= _HELD_BYTES:
            self._held = bytearray()
            return
        self._open_temp()

    def _open_temp(self) -> None:
        assert self.target is not None
        # Same directory, so the final rename never crosses a filesystem; hidden and random,
        # so it neither shows up as a real file nor collides with a parallel download.
        stem = self.target.name[:64]
        temp = self.directory / f".{stem}.{secrets.token_hex(6)}.part"
        self._file = _open_part(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL)
        self.temp = temp  # only now ours to remove

    def _record(self, response: httpx.Response, total: int | None) -> None:
        """Write the sidecar before the first byte: a killed run leaves it with its part."""
        assert self.target is not None
        partials.Sidecar(
            url=partials.public_url(str(response.request.url)),
            target=self.target.name,
            size=total,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        ).write(partials.sidecar_path(self.target))

    @_file_work
    def write(self, chunk: Chunk) -> None:
        if self._held is not None:
            self._held += chunk
            if len(self._held) <= _HELD_BYTES:
                return
            self._spill()  # more than announced: the size check will refuse it, bounded
            return
        assert self._file is not None
        written = self._file.write(chunk)
        if written is not None and written != len(chunk):
            view = memoryview(chunk)[written:]
            while view:
                view = view[self._file.write(view) or 0 :]
        if self.fsync:
            self._unsynced += len(chunk)
            if self._unsynced >= _EARLY_SYNC_BYTES:
                self._sync_in_background()

    def _sync_in_background(self) -> None:
        # One fsync at the end of a 1 GiB download waits seconds for the disk; flushing every
        # 64 MiB from a helper thread overlaps that disk work with the network transfer, so the
        # final fsync only has the tail left to write.
        if self._flusher is not None and self._flusher.is_alive():
            return
        assert self._file is not None
        self._unsynced = 0
        fd = self._file.fileno()
        self._flusher = threading.Thread(target=_quiet_fdatasync, args=(fd,), daemon=True)
        self._flusher.start()

    def _join_flusher(self) -> None:
        if self._flusher is not None:
            self._flusher.join()
            self._flusher = None

    def _spill(self) -> None:
        """Move a held body into its temporary file, which takes every later byte."""
        held, self._held = self._held, None
        self._open_temp()
        if held:
            self.write(bytes(held))

    @_file_work
    def restart(self) -> bool:
        if self._held is not None:
            self._held.clear()
            return True
        assert self._file is not None
        self._file.seek(0)
        self._file.truncate()
        return True

    def hash_into(self, hasher: Any) -> None:
        """Feed the bytes already in the file to ``hasher``; the file stays at its end."""
        assert self._file is not None
        self._file.seek(0)
        while chunk := self._file.read(_HASH_READ_BYTES):
            hasher.update(chunk)

    @_file_work
    def commit(self) -> Path:
        if self._held is not None:
            self._spill()
        assert self._file is not None and self.temp is not None and self.target is not None
        self._join_flusher()
        if self.fsync:
            os.fsync(self._file.fileno())
        # The part stays open, so locked, until it has its final name: neither another run
        # nor `attachkit clean` can take it in between.
        if self.overwrite:
            os.replace(self.temp, self.target)
        else:
            try:
                # link() fails if the target appeared meanwhile, where rename() would replace it.
                os.link(self.temp, self.target)
            except FileExistsError:
                raise DestinationExistsError(
                    f"{self.target} appeared during the download; pass overwrite=True to replace it"
                ) from None
            except OSError:
                # No hard links here (some network or FAT filesystems): check, then rename.
                self._check_free(self.target)
                os.rename(self.temp, self.target)
            else:
                os.unlink(self.temp)
        self.temp = None
        if self.resume:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(partials.sidecar_path(self.target))
        self._file.close()
        if self.fsync:
            _fsync_directory(self.directory)
        return self.target

    def discard(self) -> None:
        self._held = None
        self._join_flusher()  # never close the descriptor under a running fdatasync
        # A resumable part is kept, with its sidecar, for the next run with resume; any other
        # is removed while still open, so locked.
        if not self.resume and self.temp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.temp)
            self.temp = None
        if self._file is not None and not self._file.closed:
            self._file.close()


class FileObjectSink:
    """The caller's binary file object; restartable only if it can seek back."""

    keeps_partial = False  # the caller's object is the caller's to keep or not
    target = None  # no local file of ours

    @staticmethod
    def is_compatible(dest: Destination) -> bool:
        return hasattr(dest, "write")

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        try:
            self.start: int | None = file.tell() if file.seekable() else None
        except (AttributeError, OSError, ValueError):
            self.start = None

    @property
    def restartable(self) -> bool:
        return self.start is not None

    def kept(self, url: str) -> tuple[int, partials.Sidecar] | None:
        return None  # nothing kept across runs in a file object

    def hash_into(self, hasher: Any) -> None:
        pass  # never called: nothing is kept

    def open(self, response: httpx.Response, total: int | None) -> None:
        pass

    def write(self, chunk: Chunk) -> None:
        with local_file_errors(str(getattr(self.file, "name", "the destination file object"))):
            self.file.write(chunk)

    def restart(self) -> bool:
        if self.start is None:
            return False
        self.file.seek(self.start)
        self.file.truncate()
        return True

    def commit(self) -> None:
        self.file.flush()

    def discard(self) -> None:
        pass


def make_sink(
    dest: Destination, overwrite: bool, fallback: str, fsync: bool, resume: bool = False
) -> Sink:
    """The sink for ``dest``: a file object is written as it is, a path through a temporary
    file (a file object is checked first: some are path-like too)."""
    if FileObjectSink.is_compatible(dest):
        return FileObjectSink(dest)  # type: ignore[arg-type]
    if FileSink.is_compatible(dest):
        return FileSink(dest, overwrite, fallback, fsync, resume)  # type: ignore[arg-type]
    raise TypeError(f"cannot download into {type(dest).__name__}: a path or a binary file object")


class Writer:
    """Hashes a download's bytes and writes them to its sink: inline, or from a worker thread.

    A large body (over ``_BACKGROUND_BYTES``) gets one worker thread, fed through a queue of a
    few chunks: SHA-256 and the file write both release the GIL on large buffers, so they run
    while the caller's thread receives the next chunk. A small body is done inline, where a
    thread would cost more than it saves. Either way the same bytes are hashed and written in
    the same order, and a failure of the worker (a full disk, say) is raised in the caller at
    its next ``write``, ``restart`` or ``commit``, from where the usual cleanup removes the
    temporary file. Under asyncio a full queue blocks the event loop while the worker catches
    up, which is no longer than the inline hash and write that it replaces would have.
    """

    def __init__(self, sink: Sink, checksum: Checksum | None) -> None:
        if checksum not in (None, "sha256"):
            raise ValueError(f"checksum must be None or 'sha256', not {checksum!r}")
        self.sink = sink
        self._hasher = _new_hash() if checksum else None
        self._queue: queue.Queue[Chunk | None] | None = None
        self._worker: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._abandoned = False

    @property
    def restartable(self) -> bool:
        return self.sink.restartable

    @property
    def held_chunks(self) -> int | None:
        """How many chunks already handed to ``write`` it may still read: the queue and the
        one its worker is on. None when the sink is a caller's file object, which may keep
        what it was given: its chunks are never reused buffers (``fast_read.Ring``)."""
        return _QUEUED_CHUNKS + 1 if isinstance(self.sink, FileSink) else None

    @property
    def brief_commit(self) -> bool:
        """Whether ``commit`` is only a few system calls with no fsync (a held small body)."""
        return self._queue is None and isinstance(self.sink, FileSink) and self.sink.brief_commit

    @property
    def sha256(self) -> str | None:
        return None if self._hasher is None else self._hasher.hexdigest()

    @property
    def target(self) -> Path | None:
        """The local file being written, once known (None for a file object)."""
        return self.sink.target

    def resume_kept(self, url: str) -> tuple[int, partials.Sidecar] | None:
        """Continue from the partial file an earlier run kept (see ``FileSink.kept``)."""
        kept = self.sink.kept(url)
        if kept is not None and self._hasher is not None:
            self.sink.hash_into(self._hasher)  # the checksum covers the kept bytes too
        return kept

    def open(self, response: httpx.Response, total: int | None) -> None:
        self.sink.open(response, total)
        if self._worker is None and total is not None and total > _BACKGROUND_BYTES:
            self._queue = queue.Queue(_QUEUED_CHUNKS)
            self._worker = threading.Thread(
                target=self._work, args=(self._queue,), name="attachkit-download", daemon=True
            )
            self._worker.start()

    def write(self, chunk: Chunk) -> None:
        if self._queue is None:
            self._consume(chunk)
        else:
            self._raise_failure()
            self._queue.put(chunk)

    def _consume(self, chunk: Chunk) -> None:
        if self._hasher is not None:
            self._hasher.update(chunk)
        self.sink.write(chunk)

    def _work(self, chunks: queue.Queue[Chunk | None]) -> None:
        while True:
            chunk = chunks.get()
            try:
                if chunk is None:
                    return
                if self._failure is None and not self._abandoned:
                    self._consume(chunk)
            except BaseException as exc:  # handed to the caller's thread
                self._failure = exc
            finally:
                chunks.task_done()

    def _drain(self) -> None:
        """Wait until the worker has consumed everything queued; raise its failure if any."""
        if self._queue is not None:
            self._queue.join()
        self._raise_failure()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _stop(self) -> None:
        if self._worker is not None and self._queue is not None:
            self._queue.put(None)
            self._worker.join()
        self._worker = None
        self._queue = None

    def restart(self) -> bool:
        self._drain()  # the worker is idle from here on: the file is the caller's to rewind
        if not self.sink.restart():
            return False
        if self._hasher is not None:
            self._hasher = _new_hash()
        return True

    def commit(self) -> Path | None:
        self._drain()
        self._stop()
        return self.sink.commit()

    def discard(self) -> None:
        # A kept part gets every byte received, so the next run asks for less.
        if not self.sink.keeps_partial:
            self._abandoned = True  # the worker skips what is still queued
        self._stop()  # and is gone before the file is closed (and removed)
        self.sink.discard()


def _open_part(path: Path, flags: int) -> BinaryIO:
    """A part file, opened unbuffered through ``open_regular`` and locked for this run: never
    through a link, never a FIFO or a file with other names, never one another run holds."""
    fd = open_regular(path, flags, single_link=True, lock=True)
    return os.fdopen(fd, "r+b", buffering=0)  # closed in commit/discard


def _quiet_fdatasync(fd: int) -> None:
    # Only an early start on the final fsync, whose own errors are the ones reported.
    with contextlib.suppress(OSError):
        getattr(os, "fdatasync", os.fsync)(fd)  # macOS has no fdatasync


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, so best effort.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
