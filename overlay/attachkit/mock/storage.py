"""Attachments on disk, metadata in SQLite: what makes the mock stateful across restarts.

Layout of a data directory::

    mock.sqlite3      metadata (WAL mode, so readers never wait for a writer)
    files/<key>       one file per attachment, the uploaded bytes exactly
    tmp/              uploads in progress; renamed into files/ only once complete

An upload is written under ``tmp/`` and renamed into ``files/`` in the same transaction that
inserts its row, so a crash or a refused upload never leaves a half file that a download could
serve. A crash between the rename and the commit (or between a delete's commit and its
unlink) can still leave a file with no row; opening a data directory therefore removes files
with no row, rows with no file and everything in ``tmp/``, and says how many (``recovery``).

One connection guarded by a lock serves every thread: the statements are tiny, and a
single connection makes the id counters trivially race-free.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import stat
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Attachment", "IncomingFile", "Recovery", "Storage"]

log = logging.getLogger("attachkit.mock")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attachments (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    public_id TEXT NOT NULL,
    project_id TEXT,
    issue_id TEXT,
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content_type TEXT,
    created_ms INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    attribute_definition_id INTEGER,
    attribute_name TEXT,
    resource_type TEXT,
    resource_id INTEGER,
    download_token TEXT,
    UNIQUE (kind, public_id)
);
CREATE INDEX IF NOT EXISTS attachments_by_issue ON attachments (kind, project_id, issue_id);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

# Scrum attachment ids are small integers; start where the reference's example lives so ids
# look like the real service's.
_SCRUM_FIRST_ID = 72372


@dataclass(frozen=True, slots=True)
class Attachment:
    key: str
    kind: str  # scrum | ipd | coc | ws
    public_id: str
    project_id: str | None
    issue_id: str | None
    file_name: str
    size: int
    sha256: str
    content_type: str | None
    created_ms: int
    seq: int
    attribute_definition_id: int | None = None
    attribute_name: str | None = None
    resource_type: str | None = None
    resource_id: int | None = None
    download_token: str | None = None

    @property
    def etag(self) -> str:
        # A strong validator derived from the content: equal bytes, equal ETag, across restarts.
        return f'"{self.sha256[:32]}"'


class IncomingFile:
    """An upload being written to ``tmp/``: hashes and counts as it goes, refuses past a limit."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.size = 0
        self.too_large = False
        self._hash = hashlib.sha256()
        self._file = path.open("wb", buffering=0)

    def write(self, data: bytes | memoryview) -> None:
        if self.too_large:
            return  # keep draining the request, but stop spending disk on a refused file
        self.size += len(data)
        if self.size > self.max_bytes:
            self.too_large = True
            self._file.close()
            self.path.unlink(missing_ok=True)
            return
        self._hash.update(data)
        self._file.write(data)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class Recovery:
    """What opening a data directory cleaned up after an unclean stop."""

    orphan_files: int = 0  # in files/ with no row: their upload was never acknowledged
    missing_files: int = 0  # rows whose file is gone: such an attachment cannot be served
    partial_uploads: int = 0  # in tmp/: uploads cut short

    def describe(self) -> str:
        if not (self.orphan_files or self.missing_files or self.partial_uploads):
            return ""
        return (
            f"recovered the data directory: removed {self.orphan_files} file(s) with no record, "
            f"{self.missing_files} record(s) with no file and {self.partial_uploads} partial "
            "upload(s)"
        )


class Storage:
    """The data directory; ``Storage(None)`` makes a temporary one that ``close()`` removes."""

    def __init__(self, data_dir: Path | None) -> None:
        self._temporary = data_dir is None
        self.root = (
            Path(tempfile.mkdtemp(prefix="attachkit-mock-")) if data_dir is None else data_dir
        )
        self.files_dir = self.root / "files"
        self._files_dir_text = str(self.files_dir)
        self.tmp_dir = self.root / "tmp"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.root / "mock.sqlite3", check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self.recovery = self._recover()
        if self.recovery.describe():
            log.warning("%s in %s", self.recovery.describe(), self.root)

    def _recover(self) -> Recovery:
        """Make files/ and the table agree again; empty tmp/ (nothing refers to it)."""
        partial = 0
        for leftover in self.tmp_dir.iterdir():
            leftover.unlink(missing_ok=True)
            partial += 1
        with self._transaction() as db:
            keys = {row[0] for row in db.execute("SELECT key FROM attachments")}
            on_disk = {path.name for path in self.files_dir.iterdir()}
            missing = keys - on_disk
            db.executemany("DELETE FROM attachments WHERE key = ?", [(k,) for k in missing])
        orphans = on_disk - keys
        for name in orphans:
            (self.files_dir / name).unlink(missing_ok=True)
        return Recovery(len(orphans), len(missing), partial)

    # -- life cycle ---------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()
        if self._temporary:
            shutil.rmtree(self.root, ignore_errors=True)

    def clear(self) -> None:
        """Forget every attachment and delete its bytes (``/_mock/reset``)."""
        with self._transaction() as db:
            db.execute("DELETE FROM attachments")
            db.execute("DELETE FROM counters")
        for path in self.files_dir.iterdir():
            path.unlink(missing_ok=True)

    # -- the whole state, for snapshots ------------------------------------------------------

    def save_state(self, target: Path) -> int:
        """Write every row and counter to ``target/state.json`` and every stored file to
        ``target/files/`` (a hard link: stored files never change; a copy across file systems).

        Done under the storage lock, so no upload or delete lands half inside. Returns how many
        attachments were saved. ``target`` must be an empty directory.
        """
        files = target / "files"
        files.mkdir()
        with self._lock:
            rows = self._db.execute(f"SELECT {_FIELDS} FROM attachments ORDER BY seq").fetchall()
            counters = self._db.execute("SELECT name, value FROM counters").fetchall()
            for row in rows:
                key = row[0]
                _link_or_copy(self.files_dir / key, files / key)
        state = {
            "attachments": [dict(zip(_COLUMN_ORDER, row, strict=True)) for row in rows],
            "counters": dict(counters),
        }
        (target / "state.json").write_text(json.dumps(state), encoding="utf-8")
        return len(rows)

    def load_state(self, source: Path) -> int:
        """Replace every attachment and counter with what ``save_state`` wrote to ``source``.

        Each saved file must still be a regular file of its recorded size, or nothing changes
        (``ValueError``). A download already streaming keeps its open file.
        """
        state = json.loads((source / "state.json").read_text(encoding="utf-8"))
        rows = state["attachments"]
        for row in rows:
            if not isinstance(row, dict) or not set(row) <= _COLUMNS or "key" not in row:
                raise ValueError("the snapshot's rows are not the mock's attachments")
            key = row["key"]
            if not isinstance(key, str) or _KEY.fullmatch(key) is None:
                raise ValueError("the snapshot names a file outside its directory")
            try:
                info = os.lstat(source / "files" / key)
            except OSError:
                info = None
            if info is None or not stat.S_ISREG(info.st_mode) or info.st_size != row["size"]:
                raise ValueError(f"the snapshot's file for {row['public_id']!r} is damaged")
        with self._transaction() as db:
            db.execute("DELETE FROM attachments")
            db.execute("DELETE FROM counters")
            for path in self.files_dir.iterdir():
                path.unlink(missing_ok=True)
            for row in rows:
                _link_or_copy(source / "files" / row["key"], self.files_dir / row["key"])
                columns = ", ".join(row)
                marks = ", ".join(f":{name}" for name in row)
                db.execute(f"INSERT INTO attachments ({columns}) VALUES ({marks})", row)
            db.executemany(
                "INSERT INTO counters (name, value) VALUES (?, ?)", state["counters"].items()
            )
        return len(rows)

    # -- uploads -------------------------------------------------------------------------------

    def incoming(self, max_bytes: int) -> IncomingFile:
        return IncomingFile(self.tmp_dir / uuid.uuid4().hex, max_bytes)

    def commit(
        self,
        incoming: IncomingFile,
        kind: str,
        file_name: str,
        *,
        public_id: str | None = None,
        **fields: Any,
    ) -> Attachment:
        """Move a complete upload into ``files/`` and record it with a fresh public id.

        ``public_id`` records it under that id instead (the examples ``seed`` stores).
        """
        incoming.close()
        key = uuid.uuid4().hex
        now_ms = int(time.time() * 1000)
        with self._transaction() as db:
            seq = self._next(db, "seq")
            if public_id is None:
                public_id = self._new_public_id(db, kind, file_name, fields)
            row: dict[str, Any] = {
                "key": key,
                "kind": kind,
                "public_id": public_id,
                "file_name": file_name,
                "size": incoming.size,
                "sha256": incoming.sha256,
                "created_ms": now_ms,
                "seq": seq,
                **fields,
            }
            if kind == "ws":
                row["download_token"] = str(uuid.uuid4())
            columns = ", ".join(row)
            marks = ", ".join(f":{name}" for name in row)
            db.execute(f"INSERT INTO attachments ({columns}) VALUES ({marks})", row)
            os.replace(incoming.path, self.files_dir / key)
        found = self.get(kind, public_id)
        assert found is not None
        return found

    def _new_public_id(
        self, db: sqlite3.Connection, kind: str, file_name: str, fields: dict[str, Any]
    ) -> str:
        while True:
            if kind == "scrum":
                # Counted, and past any id already taken (a seeded example's).
                candidate = str(_SCRUM_FIRST_ID + self._next(db, "scrum") - 1)
            elif kind == "ipd":
                # 19 digits, like the snowflake ids of the real service, and below 2**63.
                candidate = str(10**18 + secrets.randbelow(8 * 10**18))
            elif kind == "coc":
                candidate = str(uuid.uuid4())
            elif kind == "ws":
                digits = str(10**18 + secrets.randbelow(8 * 10**18))
                prefix = f"attr{fields['attribute_definition_id']}-{digits}_"
                # The download's ``filename`` is at most 255 characters; keep the name's end,
                # which holds the extension.
                candidate = prefix + (file_name or "file")[-(255 - len(prefix)) :]
            else:
                raise ValueError(f"unknown attachment kind {kind!r}")
            taken = db.execute(
                "SELECT 1 FROM attachments WHERE kind = ? AND public_id = ?", (kind, candidate)
            ).fetchone()
            if taken is None:
                return candidate

    @staticmethod
    def _next(db: sqlite3.Connection, name: str) -> int:
        db.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = value + 1",
            (name,),
        )
        value: int = db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0]
        return value

    # -- queries -------------------------------------------------------------------------------

    def get(self, kind: str, public_id: str) -> Attachment | None:
        with self._lock:
            row = self._db.execute(_SELECT_ONE, (kind, public_id)).fetchone()
        return Attachment(*row) if row is not None else None

    def list(self, kind: str | None = None, **equal: Any) -> list[Attachment]:
        clauses = ["1 = 1"]
        values: list[Any] = []
        if kind is not None:
            clauses.append("kind = ?")
            values.append(kind)
        for column, value in equal.items():
            if column not in _COLUMNS:
                raise ValueError(f"unknown column {column!r}")
            clauses.append(f"{column} = ?")
            values.append(value)
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_FIELDS} FROM attachments WHERE {' AND '.join(clauses)} ORDER BY seq",
                values,
            ).fetchall()
        return [Attachment(*row) for row in rows]

    def delete(self, attachment: Attachment) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM attachments WHERE key = ?", (attachment.key,))
        # A download already streaming keeps its open file; POSIX unlink does not disturb it.
        (self.files_dir / attachment.key).unlink(missing_ok=True)

    def update(self, attachment: Attachment, **fields: Any) -> Attachment:
        unknown = set(fields) - _COLUMNS
        if unknown:
            raise ValueError(f"unknown columns {sorted(unknown)}")
        assignments = ", ".join(f"{name} = :{name}" for name in fields)
        with self._transaction() as db:
            db.execute(
                f"UPDATE attachments SET {assignments} WHERE key = :key",
                {**fields, "key": attachment.key},
            )
        found = self.get(attachment.kind, attachment.public_id)
        assert found is not None
        return found

    def path_of(self, attachment: Attachment) -> str:
        # A str, not a Path: built for every download, where a Path costs more than the read.
        return os.path.join(self._files_dir_text, attachment.key)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")


def _link_or_copy(source: Path, target: Path) -> None:
    # follow_symlinks=False: a symbolic link planted in the directory is linked as itself,
    # never followed to a file elsewhere.
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copyfile(source, target, follow_symlinks=False)


_COLUMN_ORDER = tuple(Attachment.__dataclass_fields__)
_COLUMNS = frozenset(_COLUMN_ORDER)
_KEY = re.compile(r"[0-9a-f]{32}")  # uuid4().hex: a stored file's name
# The columns in the dataclass's field order, so a row becomes Attachment(*row): cheaper than
# building it by name, on the path of every download.
_FIELDS = ", ".join(Attachment.__dataclass_fields__)
_SELECT_ONE = f"SELECT {_FIELDS} FROM attachments WHERE kind = ? AND public_id = ?"
