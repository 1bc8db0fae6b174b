"""The async facades spread concurrent requests over small connection pools."""

from __future__ import annotations

import asyncio
import io

import pytest

import attachkit
from attachkit._async.transport import async_default_transport as async_transport
from attachkit._transports.pool import CONNECTIONS_PER_SHARD, ShardedAsyncTransport
from attachkit.mock import MockServer
from tests.results import ipd_uploaded

IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"
PAYLOAD = b"small attachment\n" * 60


def _sharded() -> ShardedAsyncTransport:
    """What an async facade builds with no proxy configured."""
    transport = async_transport(100)
    assert isinstance(transport, ShardedAsyncTransport)
    return transport


def test_total_connections_are_split_into_small_pools() -> None:
    transport = _sharded()
    assert transport.shard_count == 25
    assert transport.limits.max_connections == CONNECTIONS_PER_SHARD


def test_proxies_in_the_environment_leave_httpx_its_own_transport(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(async_transport(100), ShardedAsyncTransport)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.test:3128")
    assert async_transport(100) is None


def test_concurrent_downloads_use_many_small_pools(mock: MockServer) -> None:
    transport = _sharded()  # what the facade builds

    async def scenario() -> None:
        async with attachkit.AsyncCodeArtsReq(
            endpoint=mock.base_url, credentials=mock.credentials, transport=transport
        ) as req:
            uploaded = await req.ipd.upload(IPD_PROJECT, IPD_ISSUE, PAYLOAD, filename="s.txt")
            attachment_id = ipd_uploaded(uploaded).id

            async def fetch() -> bytes:
                sink = io.BytesIO()
                await req.ipd.download(IPD_PROJECT, attachment_id, sink)
                return sink.getvalue()

            bodies = await asyncio.gather(*(fetch() for _ in range(64)))
            assert all(body == PAYLOAD for body in bodies)

    asyncio.run(scenario())

    used = [n for n in transport.requests_per_shard if n]
    assert len(used) > 1  # the requests did not all queue on one pool
    assert sum(used) == 65  # the upload and 64 downloads
    assert max(transport.peak_open_per_shard) <= CONNECTIONS_PER_SHARD


def test_calls_one_after_another_stay_on_the_first_pool(mock: MockServer) -> None:
    # ... so they reuse its warm connection instead of opening one per pool.
    transport = _sharded()  # what the facade builds

    async def scenario() -> None:
        async with attachkit.AsyncCodeArtsReq(
            endpoint=mock.base_url, credentials=mock.credentials, transport=transport
        ) as req:
            uploaded = await req.ipd.upload(IPD_PROJECT, IPD_ISSUE, PAYLOAD, filename="s.txt")
            for _ in range(10):
                await req.ipd.list(IPD_PROJECT, IPD_ISSUE)
                await req.ipd.download(IPD_PROJECT, ipd_uploaded(uploaded).id, io.BytesIO())

    asyncio.run(scenario())

    assert transport.requests_per_shard[0] == 21
    assert sum(transport.requests_per_shard) == 21
    assert max(transport.peak_open_per_shard) == 1
