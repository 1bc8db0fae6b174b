"""What the token rewriting of scripts/unasync cannot express: blocking work off the event loop.

Each async helper has a sync twin under the name scripts/unasync rewrites it to
(``async_run_blocking`` → ``run_blocking``), so the async sources call the async one and the
generated sync code calls the plain one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO, TypeVar

import anyio.to_thread

_T = TypeVar("_T")


async def async_run_blocking(function: Callable[[], _T]) -> _T:
    """Run ``function`` in a worker thread (an fsync, a rename), keeping the loop free."""
    return await anyio.to_thread.run_sync(function)


def run_blocking(function: Callable[[], _T]) -> _T:
    return function()


async def async_read_chunk(file: BinaryIO, size: int) -> bytes:
    """``file.read(size)`` in a worker thread.

    A disk read can block for milliseconds (or far longer on a network filesystem); one thread
    hop per MiB costs about 50 µs and keeps the loop free.
    """
    return await anyio.to_thread.run_sync(file.read, size)


def read_chunk(file: BinaryIO, size: int) -> bytes:
    return file.read(size)
