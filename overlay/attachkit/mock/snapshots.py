"""Named snapshots of a mock's stored data, so a suite can prepare its attachments once.

``save(name)`` keeps the whole stored state (every attachment row, the id counters, and the
bytes of every stored file) under ``<data dir>/snapshots/<name>/``; ``restore(name)`` makes
the storage exactly that again, later uploads and deletes undone and the next ids the same
as they were then. Stored files never change once written, so a snapshot hard-links them
rather than copying (a copy only where the file system cannot link). Snapshots of a kept
``--data-dir`` survive a restart; those of a temporary one go with it. Sessions, fault rules
and the request journal are not data and are not part of a snapshot.

A name is 1 to 64 letters, digits, ``.``, ``_`` or ``-``, not starting with ``.``: it is a
directory name, and must not be able to name anything outside ``snapshots/``.
"""

from __future__ import annotations

import re
import shutil
import threading
import uuid

from attachkit.mock.storage import Storage

__all__ = ["SnapshotNotFound", "Snapshots", "check_name"]

_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")


class SnapshotNotFound(LookupError):
    """No snapshot has this name."""


def check_name(name: object) -> str:
    if not isinstance(name, str) or _NAME.fullmatch(name) is None:
        raise ValueError(
            "a snapshot name is 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'"
        )
    return name


class Snapshots:
    """The snapshots of one storage; one save or restore at a time."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.root = storage.root / "snapshots"
        self._lock = threading.Lock()

    def save(self, name: str) -> int:
        """Save the stored state as ``name`` (replacing one of that name); returns the number
        of attachments saved."""
        check_name(name)
        with self._lock:
            self.root.mkdir(exist_ok=True)
            # Written beside, then renamed over: a failed save leaves the old snapshot whole.
            staging = self.root / f".staging-{uuid.uuid4().hex}"
            staging.mkdir()
            try:
                count = self.storage.save_state(staging)
                target = self.root / name
                if target.exists():
                    old = self.root / f".old-{uuid.uuid4().hex}"
                    target.rename(old)
                    shutil.rmtree(old, ignore_errors=True)
                staging.rename(target)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            return count

    def restore(self, name: str) -> int:
        """Make the stored state what ``save(name)`` saved; returns the number of attachments.

        ``SnapshotNotFound`` when there is no such snapshot.
        """
        check_name(name)
        with self._lock:
            source = self.root / name
            if not (source / "state.json").is_file():
                raise SnapshotNotFound(name)
            return self.storage.load_state(source)

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            path.name
            for path in self.root.iterdir()
            if not path.name.startswith(".") and (path / "state.json").is_file()
        )

    def delete(self, name: str) -> bool:
        check_name(name)
        with self._lock:
            target = self.root / name
            if not target.is_dir() or target.is_symlink():
                return False
            shutil.rmtree(target)
            return True
