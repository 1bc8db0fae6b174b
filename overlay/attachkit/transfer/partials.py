"""Partial downloads kept across runs: the ``.part`` file, its sidecar, and finding them again.

A download with ``resume=True`` writes to ``.NAME.part`` beside its target and, once the server
has answered, records in ``.NAME.part.json`` what the server said about the file: the URL, its
size, its ``ETag`` and ``Last-Modified``. If the run fails or is killed, both stay; the next run
with ``resume=True`` finds them (by the target's name, or for a directory destination by the
URL), asks for the rest with ``Range`` + ``If-Range`` and appends, or starts over when the
server's file changed. Without ``resume`` the partial file has a random name and is always
removed. ``list_partials``/``remove_partials`` are what ``attachkit clean`` shows and deletes.

The sidecar is read back as untrusted input: bounded in size, every field type-checked, and a
sidecar that does not parse is treated as absent (the download starts over). Every file here is
opened with ``localfiles.open_regular``: a link or a FIFO planted at one of these names is
never followed or opened, and a part another run holds (its lock) is neither listed as stale
nor removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from attachkit.errors import LocalFileError, PartialInUseError
from attachkit.redaction import without_userinfo
from attachkit.untrusted import UntrustedJSONError, load_json

from .localfiles import is_regular_file, local_file_errors, open_regular

__all__ = [
    "PART_SUFFIX",
    "SIDECAR_SUFFIX",
    "Partial",
    "Sidecar",
    "if_range_validator",
    "find_for_url",
    "list_partials",
    "part_path",
    "remove_partials",
    "sidecar_path",
]

PART_SUFFIX = ".part"
SIDECAR_SUFFIX = ".part.json"
_SIDECAR_MAX_BYTES = 16 * 1024
_VERSION = 1
# Query parameters never written to a sidecar: a WorldServer session token may travel there.
_SECRET_QUERY = frozenset({"token"})
_CREATE_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL


def part_path(target: Path) -> Path:
    """Where a resumable download of ``target`` keeps its bytes until it is complete."""
    return target.parent / f".{target.name}{PART_SUFFIX}"


def sidecar_path(target: Path) -> Path:
    return target.parent / f".{target.name}{SIDECAR_SUFFIX}"


def public_url(url: str) -> str:
    """``url`` without its userinfo and the query parameters that may carry a session secret."""
    parts = urllib.parse.urlsplit(without_userinfo(url))
    query = [
        (name, value)
        for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if name not in _SECRET_QUERY
    ]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def if_range_validator(etag: str | None, last_modified: str | None) -> str | None:
    """What ``If-Range`` carries: a strong ETag (a weak one cannot), else ``Last-Modified``."""
    if etag is not None and not etag.startswith("W/"):
        return etag
    return last_modified


@attrs.frozen
class Sidecar:
    """What the server said about the file a partial download holds the start of."""

    url: str
    target: str  # the final file's name, in the same directory
    size: int | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def validator(self) -> str | None:
        """What ``If-Range`` carries for the file this sidecar describes."""
        return if_range_validator(self.etag, self.last_modified)

    def write(self, path: Path) -> None:
        data = json.dumps({"version": _VERSION, **attrs.asdict(self)}).encode("utf-8")
        temporary = path.with_name(path.name + ".tmp")
        with local_file_errors(temporary):
            # Removed, then created anew (O_EXCL): a killed run's leftover is replaced, and
            # whatever else sits at this name (a link, a FIFO) is never opened.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            with os.fdopen(open_regular(temporary, _CREATE_NEW), "wb") as file:
                file.write(data)
            os.replace(temporary, path)  # never a half-written sidecar

    @classmethod
    def read(cls, path: Path) -> Sidecar | None:
        """The sidecar at ``path``; None if absent, too large, or not one of ours."""
        try:
            with os.fdopen(open_regular(path, os.O_RDONLY), "rb") as file:
                raw = file.read(_SIDECAR_MAX_BYTES + 1)
        except (OSError, LocalFileError):  # absent, or a link, FIFO, directory: not ours
            return None
        try:
            data = load_json(raw, max_bytes=_SIDECAR_MAX_BYTES)
        except UntrustedJSONError:
            return None
        return cls._from_json(data)

    @classmethod
    def _from_json(cls, data: Any) -> Sidecar | None:
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return None
        url, target, size = data.get("url"), data.get("target"), data.get("size")
        etag, last_modified = data.get("etag"), data.get("last_modified")
        if not isinstance(url, str) or not isinstance(target, str):
            return None
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
            return None
        if not all(value is None or isinstance(value, str) for value in (etag, last_modified)):
            return None
        if "/" in target or "\\" in target or target in ("", ".", ".."):
            return None  # a name in the same directory, nothing else
        return cls(url, target, size, etag, last_modified)


def find_for_url(directory: Path, url: str) -> Path | None:
    """The target (in ``directory``) whose kept partial download came from ``url``, if any."""
    wanted = public_url(url)
    for sidecar in _sidecars(directory):
        found = Sidecar.read(sidecar)
        if found is not None and found.url == wanted:
            target = directory / found.target
            if sidecar_path(target) == sidecar and is_regular_file(part_path(target)):
                return target
    return None


def _sidecars(directory: Path) -> Iterator[Path]:
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if entry.name.startswith(".") and entry.name.endswith(SIDECAR_SUFFIX):
                yield Path(entry.path)


@attrs.frozen
class Partial:
    """A partial download found in a directory: its file(s), bytes so far and age."""

    path: Path
    size: int
    age_seconds: float
    sidecar: Path | None
    url: str | None
    expected_size: int | None
    in_use: bool = False  # another run holds it: never stale, never removed

    @property
    def resumable(self) -> bool:
        return self.sidecar is not None


def list_partials(directory: str | os.PathLike[str]) -> list[Partial]:
    """Every partial download in ``directory`` (not its subdirectories): kept or left over.

    A kept one (``.NAME.part`` with its sidecar) can be resumed with ``resume=True``; a
    left-over one (a random ``.NAME.XXXXXXXXXXXX.part`` from a run that was killed without
    resume, or a sidecar whose part is gone) cannot, and is only taking space. A part that a
    running download holds is ``in_use``. Only regular files are listed (links, FIFOs and
    directories at these names are not ours) and none is followed.
    """
    root = Path(directory)
    found: list[Partial] = []
    now = time.time()
    with os.scandir(root) as entries:
        names = sorted(entry.name for entry in entries if entry.is_file(follow_symlinks=False))
    present = set(names)
    for name in names:
        path = root / name
        if not name.startswith("."):
            continue
        if name.endswith(PART_SUFFIX):
            sidecar = path.with_name(name[: -len(PART_SUFFIX)] + SIDECAR_SUFFIX)
            info = Sidecar.read(sidecar) if sidecar.name in present else None
        elif name.endswith(SIDECAR_SUFFIX):
            if name[: -len(SIDECAR_SUFFIX)] + PART_SUFFIX in present:
                continue  # listed with its part
            sidecar, info = path, None  # an orphan sidecar
        else:
            continue
        try:
            status = os.lstat(path)
        except OSError:
            continue
        is_part = name.endswith(PART_SUFFIX)
        found.append(
            Partial(
                path=path,
                size=status.st_size if is_part else 0,
                age_seconds=max(0.0, now - status.st_mtime),
                sidecar=sidecar if info is not None else None,
                url=info.url if info is not None else None,
                expected_size=info.size if info is not None else None,
                in_use=is_part and _held_by_another_run(path),
            )
        )
    return found


def _held_by_another_run(part: Path) -> bool:
    try:
        os.close(open_regular(part, os.O_RDONLY, lock=True))
    except PartialInUseError:
        return True
    except LocalFileError:
        pass  # gone meanwhile, or no longer a regular file: not a run's either
    return False


def remove_partials(partials: list[Partial]) -> int:
    """Delete the partials' files and sidecars; the number of bytes freed.

    Each part is removed while this process holds its lock, so a part another run holds (or
    has just taken) is left alone with its sidecar, and so is one that is no longer a regular
    file. Removing a name never follows a link.
    """
    freed = 0
    for partial in partials:
        if not partial.path.name.endswith(PART_SUFFIX):  # an orphan sidecar
            freed += _remove_regular(partial.path)
            continue
        try:
            fd = open_regular(partial.path, os.O_RDONLY, lock=True)
        except LocalFileError:
            continue
        try:
            freed += os.fstat(fd).st_size
            os.unlink(partial.path)  # the file we hold: open_regular checked the name
            stem = partial.path.name[: -len(PART_SUFFIX)]
            freed += _remove_regular(partial.path.with_name(stem + SIDECAR_SUFFIX))
        finally:
            os.close(fd)
    return freed


def _remove_regular(path: Path) -> int:
    """Remove ``path`` if it is a regular file; the bytes freed."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            return 0
        os.unlink(path)
    except FileNotFoundError:
        return 0
    return info.st_size
