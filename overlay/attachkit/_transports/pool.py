"""A connection pool for many requests in flight at once on the async client.

httpcore's pool, each time it hands out a connection, re-examines every queued request against
every connection it holds, and asks each connection's socket whether it has expired. With 32
requests in flight that is about a thousand socket probes per request, and the async client
became slower with 32 in flight than with one. Several small pools keep each of those scans to a
handful of connections while the total stays the same.
"""

from __future__ import annotations

import math
import ssl
from collections.abc import AsyncIterator, Callable

import httpx

CONNECTIONS_PER_SHARD = 4


class ShardedAsyncTransport(httpx.AsyncBaseTransport):
    """``max_connections`` spread over pools of ``CONNECTIONS_PER_SHARD``, each made by
    ``make_shard(limits, ssl_context)`` (the facades' bounded transport).

    Each request goes to the pool with the fewest responses open, the first such pool on a tie,
    so calls made one after another keep reusing the first pool's warm connection.
    """

    def __init__(
        self,
        max_connections: int,
        make_shard: Callable[[httpx.Limits, ssl.SSLContext], httpx.AsyncBaseTransport],
    ) -> None:
        shards = max(1, math.ceil(max_connections / CONNECTIONS_PER_SHARD))
        per_shard = math.ceil(max_connections / shards)
        self.limits = httpx.Limits(max_connections=per_shard, max_keepalive_connections=per_shard)
        # One TLS context for all: loading the CA bundle costs ~30 ms per context.
        tls = httpx.create_ssl_context()
        self._shards = [make_shard(self.limits, tls) for _ in range(shards)]
        self._open = [0] * shards
        self._sent = [0] * shards
        self._peak = [0] * shards

    @property
    def shard_count(self) -> int:
        """How many pools of at most ``limits.max_connections`` connections there are."""
        return len(self._shards)

    @property
    def requests_per_shard(self) -> tuple[int, ...]:
        """How many requests each pool has been given so far."""
        return tuple(self._sent)

    @property
    def peak_open_per_shard(self) -> tuple[int, ...]:
        """The most responses each pool has had open at once."""
        return tuple(self._peak)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        index = self._open.index(min(self._open))
        self._open[index] += 1
        self._sent[index] += 1
        self._peak[index] = max(self._peak[index], self._open[index])
        try:
            response = await self._shards[index].handle_async_request(request)
        except BaseException:
            self._open[index] -= 1
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _CountedStream(response.stream, self._open, index)
        return response

    async def aclose(self) -> None:
        for shard in self._shards:
            await shard.aclose()


class _CountedStream(httpx.AsyncByteStream):
    """A response body that gives its pool's slot back when it is closed (once)."""

    def __init__(self, stream: httpx.AsyncByteStream, open_counts: list[int], index: int) -> None:
        # Named `_stream` like httpx's own wrappers, so the download engine's walk from a
        # response to its HTTP/1.1 connection (_transports.fast_read) passes through this one too.
        self._stream = stream
        self._open_counts = open_counts
        self._index: int | None = index

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._index is not None:
                self._open_counts[self._index] -= 1
                self._index = None
