"""``-`` and pipes: standard input as an upload's source, standard output as a download's target.

An upload needs its length before the first byte is sent (``Content-Length``). So a stream is
either sent as it is read, when ``--size`` gives that length (one attempt: a pipe cannot be
read twice), or first copied to an unnamed temporary file in ``$TMPDIR``, which gives the
length and lets a failed attempt be retried.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from attachkit.cli.failures import UsageError

STDIO = "-"
_COPY_CHUNK = 1024 * 1024


def _is_stream(path: str) -> bool:
    """A pipe, socket or character device (``/dev/stdin``, ``<(command)``): no size up front."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # missing or unreadable: the upload itself reports it, with the path
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


@contextlib.contextmanager
def upload_source(args: argparse.Namespace) -> Iterator[tuple[str | BinaryIO, int | None]]:
    """``(source, size)`` for the facade's upload: a path as given, or an open stream."""
    if args.file != STDIO and not _is_stream(args.file):
        if args.size is not None:
            raise UsageError(
                "--size is only for a stream (- or a pipe); a file's size is read from the file",
                parameter="--size",
            )
        yield args.file, None
        return
    if not args.store_as:
        where = "standard input (-)" if args.file == STDIO else f"{args.file} (a pipe)"
        raise UsageError(
            f"an upload from {where} has no file name: give --store-as NAME",
            parameter="--store-as",
        )
    with contextlib.ExitStack() as stack:
        if args.file == STDIO:
            stream: BinaryIO = sys.stdin.buffer
        else:
            stream = stack.enter_context(open(args.file, "rb"))  # noqa: SIM115
        if args.size is not None:
            _check_size(stream, args.size)
            yield stream, args.size
            return
        spooled = stack.enter_context(tempfile.TemporaryFile(prefix="attachkit-upload-"))
        shutil.copyfileobj(stream, spooled, _COPY_CHUNK)
        spooled.seek(0)
        yield spooled, None


def _check_size(stream: BinaryIO, size: int) -> None:
    """A redirected file (``- < file``) can be measured: say so now rather than mid-upload."""
    try:
        if not stream.seekable():
            return
        start = stream.tell()
        held = stream.seek(0, os.SEEK_END) - start
        stream.seek(start)
    except OSError:
        return
    if held != size:
        raise UsageError(f"--size {size} but standard input holds {held} bytes", parameter="--size")


def download_target(args: argparse.Namespace) -> str | BinaryIO:
    """The ``-o`` value for the facade: a path, or standard output for ``-``."""
    if args.output != STDIO:
        return str(args.output)
    if sys.stdout.isatty():
        raise UsageError(
            "-o - would write the file's bytes to the terminal; redirect stdout "
            "(-o - > FILE, -o - | COMMAND) or give -o PATH",
            parameter="-o",
        )
    return sys.stdout.buffer


def result_stream(args: argparse.Namespace) -> TextIO:
    """Where the command's own result goes: stderr when stdout carries the downloaded bytes."""
    return sys.stderr if getattr(args, "output", None) == STDIO else sys.stdout
