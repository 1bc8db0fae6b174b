"""The sync ledger: what each source object became at a destination, kept across runs.

One SQLite file. A row is keyed by the source object's address and the destination place, and
holds the source's identity when it was copied (size and validator: an mtime for a local file,
the attachment's id and size for a service) and what it became (a local path or a new
object's address, its size, its SHA-256 when one was computed). A row is written ``started``
before a byte moves and ``done`` after the destination acknowledged the object, each in its own
committed transaction, in WAL mode: a ``kill -9`` at any instant leaves every row either as it
was or as it was meant to be, never half-written. A ``started`` row found on the next run is a
transfer whose fate the crash left open; the sync engine settles it (a destination it can list
is looked at first) or names it.

A ledger is used by one run at a time: opening it takes an exclusive lock on a file beside it,
so a second run on the same ledger says so instead of interleaving its rows.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import attrs

from attachkit.errors import ConfigurationError

__all__ = ["Ledger", "LedgerEntry", "default_ledger_path"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    source TEXT NOT NULL,
    destination_place TEXT NOT NULL,
    name TEXT,
    size INTEGER,
    validator TEXT,
    state TEXT NOT NULL CHECK (state IN ('started', 'done')),
    destination TEXT,
    destination_size INTEGER,
    sha256 TEXT,
    updated REAL NOT NULL,
    PRIMARY KEY (source, destination_place)
) WITHOUT ROWID
"""


@attrs.frozen
class LedgerEntry:
    source: str
    destination_place: str
    name: str | None
    size: int | None
    validator: str | None
    state: str
    destination: str | None
    destination_size: int | None
    sha256: str | None

    @property
    def done(self) -> bool:
        return self.state == "done"

    def same_source(self, size: int | None, validator: str | None) -> bool:
        """Whether the source still is what was copied (its size and validator unchanged)."""
        return self.size == size and self.validator == validator


def default_ledger_path(destination: str, local_directory: Path | None) -> Path:
    """Beside a local destination directory; else under the user's state directory."""
    if local_directory is not None:
        return local_directory / ".attachkit-ledger.sqlite"
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    import hashlib

    digest = hashlib.sha256(destination.encode()).hexdigest()[:16]
    return Path(state) / "attachkit" / f"ledger-{digest}.sqlite"


class Ledger:
    """The rows of one ledger file; safe to call from several threads of one run."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file = _hold_lock(self.path)
        try:
            _refuse_links(self.path)
        except ConfigurationError:
            self._lock_file.close()
            raise
        try:
            # One connection for the run; the lock below serialises the threads of a sync twin.
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            # WAL with NORMAL survives a killed process (not a power loss, which FULL would);
            # what a kill must not lose is the row, and the OS keeps what was written.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except sqlite3.DatabaseError as error:
            self._lock_file.close()
            raise ConfigurationError(f"{self.path} is not a usable ledger: {error}") from error
        self._mutex = threading.Lock()

    def close(self) -> None:
        with self._mutex:
            self._db.close()
        self._lock_file.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def entries(self, destination_place: str) -> dict[str, LedgerEntry]:
        """Every row of ``destination_place``, by source address."""
        with self._mutex:
            rows = self._db.execute(
                "SELECT source, destination_place, name, size, validator, state, destination,"
                " destination_size, sha256 FROM objects WHERE destination_place = ?",
                (destination_place,),
            ).fetchall()
        return {row[0]: LedgerEntry(*row) for row in rows}

    def started(
        self,
        source: str,
        destination_place: str,
        name: str | None,
        size: int | None,
        validator: str | None,
    ) -> None:
        """Record that a transfer of ``source`` is about to move bytes."""
        self._write(
            "INSERT INTO objects (source, destination_place, name, size, validator, state,"
            " updated) VALUES (?, ?, ?, ?, ?, 'started', ?)"
            " ON CONFLICT (source, destination_place) DO UPDATE SET name = excluded.name,"
            " size = excluded.size, validator = excluded.validator, state = 'started',"
            " destination = NULL, destination_size = NULL, sha256 = NULL,"
            " updated = excluded.updated",
            (source, destination_place, name, size, validator, time.time()),
        )

    def done(
        self,
        source: str,
        destination_place: str,
        *,
        name: str | None,
        size: int | None,
        validator: str | None,
        destination: str,
        destination_size: int | None,
        sha256: str | None,
    ) -> None:
        """Record what ``source`` became at the destination."""
        self._write(
            "INSERT INTO objects (source, destination_place, name, size, validator, state,"
            " destination, destination_size, sha256, updated)"
            " VALUES (?, ?, ?, ?, ?, 'done', ?, ?, ?, ?)"
            " ON CONFLICT (source, destination_place) DO UPDATE SET name = excluded.name,"
            " size = excluded.size, validator = excluded.validator, state = 'done',"
            " destination = excluded.destination,"
            " destination_size = excluded.destination_size, sha256 = excluded.sha256,"
            " updated = excluded.updated",
            (
                source, destination_place, name, size, validator, destination,
                destination_size, sha256, time.time(),
            ),
        )  # fmt: skip

    def _write(self, statement: str, values: tuple[object, ...]) -> None:
        with self._mutex:
            self._db.execute(statement, values)  # autocommit: one transaction per row


def _refuse_links(path: Path) -> None:
    """A ledger beside a destination lives in shared ground: SQLite would follow a link
    planted at its name (or its journal's) and write where it points, so none may be there."""
    for name in (path.name, path.name + "-wal", path.name + "-shm", path.name + "-journal"):
        try:
            status = os.lstat(path.with_name(name))
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(status.st_mode):
            raise ConfigurationError(
                f"{path.with_name(name)} is not a regular file (a link, say); "
                "remove it or choose another --ledger"
            )


def _hold_lock(path: Path) -> _Descriptor:
    """An exclusive lock on ``PATH.lock``, held until closed; a second run is refused."""
    lock_path = path.with_name(path.name + ".lock")
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise ConfigurationError(
            f"another attachkit sync is using the ledger {path}; wait for it to finish"
        ) from None
    return _Descriptor(descriptor)


class _Descriptor:
    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor

    def close(self) -> None:
        if self.descriptor >= 0:
            os.close(self.descriptor)  # closing the descriptor releases the lock
            self.descriptor = -1
