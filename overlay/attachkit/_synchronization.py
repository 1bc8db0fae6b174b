"""What the token rewriting of scripts/unasync cannot express, in one place (as in httpcore).

Every async helper here has a sync twin under the name scripts/unasync rewrites it to
(``AsyncLock`` → ``Lock``, ``async_run_blocking`` → ``run_blocking``), so the async sources
in ``attachkit/_async/`` call one and their generated twins in ``attachkit/_sync/`` the other:
a lock for tasks on one event loop against a lock for threads, and blocking file work moved
off the event loop against the same work done in place.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import ssl
import threading
from collections.abc import Awaitable, Callable
from typing import Any, BinaryIO, Self, TypeVar

import httpcore
import httpx

from attachkit._transports import connection_limits
from attachkit._transports.asyncio_backend import AsyncioBackend
from attachkit._transports.pool import ShardedAsyncTransport

_T = TypeVar("_T")

AsyncLock = asyncio.Lock
Lock = threading.Lock


# Worker threads for the async twin's blocking file work, as many as anyio's default limiter
# allows (its ``to_thread`` was used before); started on first use, idle ones cost nothing.
_WORKERS = 40
_workers: concurrent.futures.ThreadPoolExecutor | None = None


async def _in_worker_thread(function: Callable[[], _T]) -> _T:
    """``function()`` in a worker thread; a cancellation waits for it to end, then propagates.

    Under asyncio this is the loop's ``run_in_executor``: anyio's ``to_thread`` enters a cancel
    scope and two checkpoints (each one more turn of the loop) per call, about a tenth of a
    small download's CPU under the async facade (``scripts/bench-small``). Under another loop
    (trio) it is anyio's.
    """
    global _workers
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        import anyio.to_thread  # not asyncio: brings anyio's thread pool

        return await anyio.to_thread.run_sync(function)
    if _workers is None:
        _workers = concurrent.futures.ThreadPoolExecutor(_WORKERS, "attachkit-io")
    # In the caller's context, as anyio's to_thread runs it.
    future = loop.run_in_executor(_workers, contextvars.copy_context().run, function)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        # A thread cannot be stopped: what the cancelled caller does next (discard a part file)
        # must not race the work still running, as with anyio's to_thread.
        while not future.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait([future])
        raise


async def async_run_blocking(function: Callable[[], _T]) -> _T:
    """Run ``function`` in a worker thread (an fsync, a rename), keeping the loop free."""
    return await _in_worker_thread(function)


def run_blocking(function: Callable[[], _T]) -> _T:
    return function()


async def async_read_chunk(file: BinaryIO, size: int) -> bytes:
    """``file.read(size)`` in a worker thread.

    A disk read can block for milliseconds (or far longer on a network filesystem); one thread
    hop per MiB costs about 50 µs and keeps the loop free.
    """
    return await _in_worker_thread(functools.partial(file.read, size))


def read_chunk(file: BinaryIO, size: int) -> bytes:
    return file.read(size)


def async_network_backend() -> httpcore.AsyncNetworkBackend:
    """asyncio's sockets driven directly (``_transports.asyncio_backend``); trio through anyio."""
    return AsyncioBackend()


def network_backend() -> httpcore.NetworkBackend:
    return httpcore.SyncBackend()


def async_pooled(
    make: Callable[[httpx.Limits, ssl.SSLContext], httpx.AsyncBaseTransport],
    max_connections: int,
) -> httpx.AsyncBaseTransport:
    """The async client spreads its connections over small pools (``_transports.pool``)."""
    return ShardedAsyncTransport(max_connections, make)


def pooled(
    make: Callable[[httpx.Limits, ssl.SSLContext], httpx.BaseTransport], max_connections: int
) -> httpx.BaseTransport:
    """The sync client keeps one pool (a thread holds a connection only while it sends)."""
    return make(connection_limits(max_connections), httpx.create_ssl_context())


class AsyncTaskGroup:
    """Tasks on this event loop, at most ``limit`` running at a time; waits for all on exit.

    A task that raises cancels the others and the exception leaves the ``async with``.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit

    async def __aenter__(self) -> Self:
        import anyio

        self._slots = anyio.Semaphore(self._limit)
        self._group = anyio.create_task_group()
        await self._group.__aenter__()
        return self

    def start_soon(self, function: Callable[..., Awaitable[Any]], *args: Any) -> None:
        async def bounded() -> None:
            async with self._slots:
                await function(*args)

        self._group.start_soon(bounded)

    async def __aexit__(self, *exc_info: Any) -> bool | None:
        try:
            return await self._group.__aexit__(*exc_info)
        except BaseExceptionGroup as group:
            # anyio wraps what a task raised in a group; one failure leaves as itself, as it
            # does from the threads of ``TaskGroup``.
            if len(group.exceptions) == 1:
                raise group.exceptions[0] from None
            raise


class TaskGroup:
    """Tasks in at most ``limit`` worker threads; waits for all on exit.

    The first exception a task raised leaves the ``with`` once the running ones have ended;
    tasks not started by then do not start (as anyio cancels the rest of its group).
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit

    def __enter__(self) -> Self:
        self._pool = concurrent.futures.ThreadPoolExecutor(
            self._limit, thread_name_prefix="attachkit"
        )
        self._futures: list[concurrent.futures.Future[Any]] = []
        self._failed = threading.Event()
        return self

    def start_soon(self, function: Callable[..., Any], *args: Any) -> None:
        def guarded() -> None:
            if self._failed.is_set():
                return  # a task failed: those not started yet do not start, as with anyio
            try:
                function(*args)
            except BaseException:
                self._failed.set()
                raise

        self._futures.append(self._pool.submit(guarded))

    def __exit__(self, exc_type: object, *exc_info: Any) -> None:
        self._pool.shutdown(wait=True, cancel_futures=exc_type is not None)
        if exc_type is None:
            for future in self._futures:
                future.result()  # re-raises what the task raised


__all__ = [
    "AsyncLock",
    "AsyncTaskGroup",
    "Lock",
    "TaskGroup",
    "async_network_backend",
    "async_pooled",
    "async_read_chunk",
    "async_run_blocking",
    "network_backend",
    "pooled",
    "read_chunk",
    "run_blocking",
]
