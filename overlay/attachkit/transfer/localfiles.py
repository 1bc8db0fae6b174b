"""Opening local files safely, and the operating system's refusals as attachkit errors.

A destination directory may hold whatever another user or process put there: a symbolic or
hard link at the name of a partial download, a FIFO that blocks ``open()`` forever, a
directory. ``open_regular`` is the one way attachkit opens a file it writes or reads back in a
destination (parts, sidecars, the sidecar's temporary file, what ``attachkit clean`` removes):
it never follows a link, never blocks on a FIFO or a device, opens only regular files, and can
hold the file's lock so that a partial download is written by one run at a time.
``local_file_errors`` turns the operating system's other refusals into ``LocalFileError``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterator

from attachkit.errors import DestinationExistsError, LocalFileError, PartialInUseError

__all__ = ["is_regular_file", "local_file_errors", "open_regular"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# What open() with O_NOFOLLOW reports for a link: ELOOP on Linux and macOS, EMLINK on FreeBSD,
# EFTYPE on NetBSD.
_LINK_ERRNOS = {errno.ELOOP, errno.EMLINK, getattr(errno, "EFTYPE", errno.ELOOP)}
_A_LINK = "a symbolic link, which attachkit does not follow"
_NOT_REGULAR = "not a regular file (a FIFO, device or directory), which attachkit does not open"
_SHARED = "has other hard links; attachkit does not write to a file that has other names"


def open_regular(
    path: str | os.PathLike[str],
    flags: int,
    *,
    single_link: bool = False,
    lock: bool = False,
) -> int:
    """Open ``path`` with ``os.open`` ``flags`` (plus no-follow); its descriptor, blocking.

    Refused with ``LocalFileError(path, reason)``: a symbolic link at ``path`` (never followed,
    not even to create), anything but a regular file (opened with ``O_NONBLOCK``, so a FIFO
    cannot block the open, then checked with ``fstat``), and with ``single_link`` a file with
    other hard links (whose other name a write would change). With ``lock`` the file is
    locked for this descriptor (``flock``, released when it is closed) and must still be the
    file at ``path``; ``PartialInUseError`` when another descriptor, in this process or
    another, holds it. ``O_CREAT | O_EXCL`` creates a new file, which is regular and ours: the
    checks are skipped there (the lock is not).
    """
    name = os.fspath(path)
    exclusive = flags & os.O_CREAT and flags & os.O_EXCL
    try:
        fd = os.open(name, flags | _NOFOLLOW | _CLOEXEC | (0 if exclusive else _NONBLOCK), 0o666)
    except OSError as exc:
        raise LocalFileError(name, _open_refusal(name, exc)) from exc
    try:
        if not exclusive:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise LocalFileError(name, _NOT_REGULAR)
            if _NONBLOCK:
                os.set_blocking(fd, True)
        if lock:
            _lock(fd, name, check_name=not exclusive)
        # After the lock: a run that holds it may link the file to its final name meanwhile.
        if single_link and not exclusive and os.fstat(fd).st_nlink != 1:
            raise LocalFileError(name, _SHARED)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_refusal(name: str, exc: OSError) -> str:
    """The reason to report for an ``open()`` that failed: ours for a link or a non-file."""
    if exc.errno in _LINK_ERRNOS and os.path.islink(name):
        return _A_LINK
    if exc.errno in (errno.ENXIO, errno.EISDIR, errno.ENODEV, errno.EOPNOTSUPP):
        # A FIFO without a reader opened to write with O_NONBLOCK, a directory, a socket.
        with contextlib.suppress(OSError):
            if not stat.S_ISREG(os.lstat(name).st_mode):
                return _NOT_REGULAR
    return exc.strerror or type(exc).__name__


def _lock(fd: int, name: str, *, check_name: bool) -> None:
    if sys.platform == "win32":  # no flock: the lock is a POSIX guarantee only
        return
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise PartialInUseError(name) from None
    except OSError as exc:
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
            return  # a file system without locks (some network mounts): nothing to hold
        raise LocalFileError(name, exc.strerror or type(exc).__name__) from exc
    if check_name:
        # The holder may have finished between our open() and flock(): renamed the file into
        # place, or removed it. Then the descriptor is no longer the file at ``name``.
        here = os.fstat(fd)
        try:
            there = os.lstat(name)
        except FileNotFoundError:
            raise PartialInUseError(name) from None
        if (there.st_dev, there.st_ino) != (here.st_dev, here.st_ino):
            raise PartialInUseError(name)


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` itself (not what a link at it points to) is a regular file."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


@contextlib.contextmanager
def local_file_errors(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn the operating system's refusal (no space, permission, not a directory...) into
    ``LocalFileError(path, strerror)``. ``DestinationExistsError`` passes as it is, and so does
    ``BrokenPipeError``: a reader at the other end of a pipe that stopped early (``| head``)
    is its choice, which the command line ends quietly, not a local file failing."""
    try:
        yield
    except (DestinationExistsError, BrokenPipeError):
        raise
    except OSError as exc:
        raise LocalFileError(os.fspath(path), exc.strerror or type(exc).__name__) from exc
