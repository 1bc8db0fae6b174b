"""The pure parts of a sync: manifests, shards, filters, and the rate gate."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from attachkit.addresses import LocalPath, ScrumAddress
from attachkit.errors import ValidationError
from attachkit.sync_plan import RateGate, SourceObject, parse_manifest, parse_shard, selected
from attachkit.transfer import RetryPolicy


def test_a_manifest_takes_object_addresses_and_comments() -> None:
    text = "# carried over\nscrum://p/1/7\n\n  coc://doc-1  \nws://attr1-1_a.txt?downloadToken=t\n"
    found = parse_manifest(text)
    assert [str(a) for a in found] == [
        "scrum://p/1/7",
        "coc://doc-1",
        "ws://attr1-1_a.txt?downloadToken=t",
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("scrum://p/1/7\nscrum://p/1\n", "line 2"),
        ("coc://x\n\nnope://x\n", "line 3"),
        ("ipd://p\n", "line 1"),
    ],
)
def test_a_bad_manifest_line_is_named_by_its_number(text: str, line: str) -> None:
    with pytest.raises(ValidationError, match=line):
        parse_manifest(text)


def test_shards_split_the_objects_between_machines_without_overlap() -> None:
    objects = [SourceObject(ScrumAddress("p", "1", str(i)), f"f{i}", 1, None) for i in range(200)]
    shares = [[o for o in objects if selected(o, shard=(k, 3))] for k in (1, 2, 3)]
    assert sum(len(s) for s in shares) == 200
    assert all(40 < len(s) < 95 for s in shares)  # a stable hash spreads them
    assert parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "x/3", "3", "²/3"):
        with pytest.raises(ValidationError):
            parse_shard(bad)


def test_include_and_exclude_filter_by_name() -> None:
    obj = SourceObject(LocalPath(Path("a/report.pdf")), "report.pdf", 1, None)
    assert selected(obj, include=["*.pdf"])
    assert not selected(obj, include=["*.txt"])
    assert not selected(obj, exclude=["report.*"])


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_rate_gate_lets_tps_requests_a_second_through() -> None:
    clock = FakeClock()
    gate = RateGate(2.0, clock=clock)
    assert gate.wait_time() == 0 and gate.wait_time() == 0
    assert gate.wait_time() == pytest.approx(0.5)
    clock.now += 0.5
    assert gate.wait_time() == 0
    with pytest.raises(ValidationError):
        RateGate(0)


def test_a_retry_wait_of_one_worker_pauses_every_worker() -> None:
    clock = FakeClock()
    gate = RateGate(None, clock=clock)
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    paused = gate.retry_policy(RetryPolicy(sleep=slept.append, async_sleep=fake_sleep))

    async def told_to_wait() -> None:
        await paused.async_sleep(30.0)  # one worker was told Retry-After: 30

    asyncio.run(told_to_wait())
    assert slept == [30.0]
    assert gate.wait_time() == pytest.approx(30.0)  # every other worker waits as long
    clock.now += 30.0
    assert gate.wait_time() == 0
