"""A connection pool for many requests in flight at once on the async client.

httpcore's pool, each time it hands out a connection, re-examines every queued request against
every connection it holds, and asks each connection's socket whether it has expired. With 32
requests in flight that is about a thousand socket probes per request, and the async client
became slower with 32 in flight than with one. Several small pools, taken in turn, keep each of
those scans to a handful of connections while the total stays the same.
"""

from __future__ import annotations

import itertools
import math

import httpx

CONNECTIONS_PER_SHARD = 4


class ShardedAsyncTransport(httpx.AsyncBaseTransport):
    """``max_connections`` spread over pools of ``CONNECTIONS_PER_SHARD``, used round-robin."""

    def __init__(self, max_connections: int) -> None:
        shards = max(1, math.ceil(max_connections / CONNECTIONS_PER_SHARD))
        per_shard = math.ceil(max_connections / shards)
        limits = httpx.Limits(max_connections=per_shard, max_keepalive_connections=per_shard)
        # One TLS context for all: loading the CA bundle costs ~30 ms per context.
        tls = httpx.create_ssl_context()
        self._shards = [httpx.AsyncHTTPTransport(verify=tls, limits=limits) for _ in range(shards)]
        # Round-robin rather than least-busy: it needs no bookkeeping when a response is closed,
        # and with requests of similar cost it spreads them as evenly.
        self._next_shard = itertools.cycle(self._shards)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await next(self._next_shard).handle_async_request(request)

    async def aclose(self) -> None:
        for shard in self._shards:
            await shard.aclose()
