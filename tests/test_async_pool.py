"""The async facades spread concurrent requests over small connection pools."""

from __future__ import annotations

import asyncio
import io

import attachkit
from attachkit.clients._pool import CONNECTIONS_PER_SHARD, ShardedAsyncTransport
from attachkit.mock import MockServer

IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"


def test_total_connections_are_split_into_small_pools() -> None:
    transport = ShardedAsyncTransport(max_connections=100)
    assert len(transport._shards) == 25
    for shard in transport._shards:
        assert shard._pool._max_connections == CONNECTIONS_PER_SHARD


def test_concurrent_downloads_use_many_small_pools(mock: MockServer) -> None:
    payload = b"small attachment\n" * 60

    async def scenario() -> list[int]:
        async with attachkit.AsyncCodeArtsReq(
            endpoint=mock.base_url, credentials=mock.credentials
        ) as req:
            uploaded = await req.ipd.upload(IPD_PROJECT, IPD_ISSUE, payload, filename="s.txt")
            attachment_id = uploaded.result[0].id

            async def fetch() -> bytes:
                sink = io.BytesIO()
                await req.ipd.download(IPD_PROJECT, attachment_id, sink)
                return sink.getvalue()

            bodies = await asyncio.gather(*(fetch() for _ in range(64)))
            assert all(body == payload for body in bodies)
            transport = req._http._transport
            assert isinstance(transport, ShardedAsyncTransport)
            return [len(shard._pool.connections) for shard in transport._shards]

    connections = asyncio.run(scenario())

    assert sum(1 for n in connections if n) > 1  # the requests did not all queue on one pool
    assert max(connections) <= CONNECTIONS_PER_SHARD
