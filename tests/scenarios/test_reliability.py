"""Reliability: what a user relies on when the network, the server or the load misbehaves.

Every scenario is seeded, so a failure replays exactly; none waits on a real clock (retry
sleeps are recorded, not slept), and each is bounded in size so the suite stays fast in CI.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

import attachkit
from attachkit import errors
from attachkit.mock import MockServer
from attachkit.transfer import RetryPolicy
from tests.results import ipd_uploaded, present

SCRUM_PROJECT = "f7a67aee4c034fd6944fd5f769e89042"
SCRUM_ISSUE = 5667740
IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"
WS_DEFINITION = 1113
KiB = 1024
MiB = 1024 * KiB


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def no_wait(max_retries: int = 5, waits: list[float] | None = None) -> RetryPolicy:
    """A retry policy that records the waits it would make instead of sleeping."""
    record = waits.append if waits is not None else (lambda seconds: None)

    async def async_record(seconds: float) -> None:
        record(seconds)
        await asyncio.sleep(0)

    return RetryPolicy(max_retries=max_retries, sleep=record, async_sleep=async_record)


@pytest.fixture
def req(mock: MockServer) -> Iterator[attachkit.CodeArtsReq]:
    with attachkit.CodeArtsReq(
        endpoint=mock.base_url, credentials=mock.credentials, retry_policy=no_wait()
    ) as client:
        yield client


@pytest.fixture
def coc(mock: MockServer) -> Iterator[attachkit.Coc]:
    with attachkit.Coc(
        endpoint=mock.base_url, credentials=mock.credentials, retry_policy=no_wait()
    ) as client:
        yield client


@pytest.fixture
def ws(mock: MockServer) -> Iterator[attachkit.WorldServer]:
    with attachkit.WorldServer(
        mock.base_url, mock.ws_user, mock.ws_password, retry_policy=no_wait()
    ) as client:
        yield client


# -- downloads cut at random offsets -------------------------------------------------------------


def test_50_downloads_cut_at_random_offsets_all_complete_intact(
    mock: MockServer,
    req: attachkit.CodeArtsReq,
    coc: attachkit.Coc,
    ws: attachkit.WorldServer,
    tmp_path: Path,
) -> None:
    rng = random.Random(6_2_50)
    out = tmp_path / "downloads"
    out.mkdir()
    expected: dict[str, str] = {}
    rules = []

    for n in range(50):
        size = rng.randint(1 * KiB, 3 * MiB)
        data = rng.randbytes(size)
        name = f"file-{n:02d}.txt"
        service = ("scrum", "ipd", "coc", "ws")[n % 4]
        if service == "scrum":
            scrum_up = req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, data, filename=name)
            path = f"/v4/projects/{SCRUM_PROJECT}/issues/{SCRUM_ISSUE}/attachments/{scrum_up.id}"

            def fetch(up: Any = scrum_up, name: str = name) -> Any:
                return req.scrum.download(
                    SCRUM_PROJECT, SCRUM_ISSUE, up.id, out / name, checksum="sha256"
                )
        elif service == "ipd":
            ipd_up = ipd_uploaded(req.ipd.upload(IPD_PROJECT, IPD_ISSUE, data, filename=name))
            path = f"/v1/ipdprojectservice/projects/{IPD_PROJECT}/attachments/download/{ipd_up.id}"

            def fetch(up: Any = ipd_up, name: str = name) -> Any:
                return req.ipd.download(IPD_PROJECT, up.id, out / name, checksum="sha256")
        elif service == "coc":
            doc_id = coc.upload(data, filename=name).data.doc_id
            path = f"/v1/incident/attachments/{doc_id}"

            def fetch(up: Any = doc_id, name: str = name) -> Any:
                return coc.download(up, out / name, checksum="sha256")
        else:
            ws_up = ws.upload(WS_DEFINITION, data, filename=name)
            path = "/ws-api/v1/files/attachments"

            def fetch(up: Any = ws_up, name: str = name) -> Any:
                return ws.download(
                    up.internal_name,
                    out / name,
                    download_token=up.download_token,
                    checksum="sha256",
                )

        # One to three cuts; each resumed request asks only for the rest of the file, so each
        # cut lands at a random offset inside what is left of the body.
        remaining = size
        for _ in range(rng.randint(1, 3)):
            offset = rng.randrange(remaining)
            rules.append(mock.faults.cut("GET", path, after_bytes=offset, times=1))
            remaining -= offset
        got = fetch()

        assert got.sha256 == sha256(data), name
        assert got.size == size
        assert (out / name).read_bytes() == data
        expected[name] = sha256(data)

    assert all(rule.matched == 1 for rule in rules), "every injected cut really happened"
    assert mock.faults.list() == []
    # Only the finished files: no hidden ``.*.part`` temporary file survives a cut.
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    assert list(tmp_path.iterdir()) == [out]


# -- uploads answered 429/503 with Retry-After ---------------------------------------------------


def test_20_uploads_refused_with_429_or_503_each_land_exactly_once(
    mock: MockServer, tmp_path: Path
) -> None:
    rng = random.Random(6_2_20)
    waits: list[float] = []
    wanted_waits: list[float] = []
    sources: dict[str, bytes] = {}
    upload_path = f"/v1/ipdprojectservice/projects/{IPD_PROJECT}/issues/{IPD_ISSUE}/attachments/*"

    with attachkit.CodeArtsReq(
        endpoint=mock.base_url, credentials=mock.credentials, retry_policy=no_wait(3, waits)
    ) as req:
        for n in range(20):
            data = rng.randbytes(rng.randint(1, 256 * KiB))
            source = tmp_path / f"upload-{n:02d}.bin"
            source.write_bytes(data)
            sources[source.name] = data
            for _ in range(rng.randint(1, 3)):
                retry_after = rng.choice([0, 1, 5, 30])
                mock.faults.status(
                    "POST", upload_path, rng.choice([429, 503]), retry_after=retry_after
                )
                wanted_waits.append(retry_after)

            uploaded = ipd_uploaded(req.ipd.upload(IPD_PROJECT, IPD_ISSUE, source))
            assert uploaded.store_filename == source.name

        assert mock.faults.list() == [], "every refusal was met and retried past"
        assert waits == wanted_waits, "each retry waited what Retry-After asked for"

        listed = present(req.ipd.list(IPD_PROJECT, IPD_ISSUE).result)
        assert Counter(item.store_filename for item in listed) == Counter(dict.fromkeys(sources, 1))
        for item in listed:
            stored_as = str(item.store_filename)
            assert b"".join(req.ipd.stream(IPD_PROJECT, item.id)) == sources[stored_as]
    assert len(mock.app.storage.list()) == 20


# -- 200 concurrent mixed operations -------------------------------------------------------------


@dataclass
class Acknowledged:
    service: str
    ref: dict[str, Any]
    data: bytes
    deleted: bool = False


def test_200_concurrent_mixed_operations_have_no_unexpected_errors(
    mock: MockServer, tmp_path: Path
) -> None:
    rng = random.Random(6_2_200)
    acknowledged: list[Acknowledged] = []
    plan = [
        rng.choice(["scrum", "scrum-delete", "ipd", "ipd-list", "coc", "ws"]) for _ in range(200)
    ]
    payloads = [rng.randbytes(rng.randint(0, 96 * KiB)) for _ in range(200)]

    async def scenario() -> list[BaseException | None]:
        async with (
            attachkit.AsyncCodeArtsReq(
                endpoint=mock.base_url, credentials=mock.credentials, retry_policy=no_wait()
            ) as req,
            attachkit.AsyncCoc(
                endpoint=mock.base_url, credentials=mock.credentials, retry_policy=no_wait()
            ) as coc,
            attachkit.AsyncWorldServer(
                mock.base_url, mock.ws_user, mock.ws_password, retry_policy=no_wait()
            ) as ws,
        ):

            async def one(n: int) -> None:
                kind, data, name = plan[n], payloads[n], f"op-{n:03d}.txt"
                dest = tmp_path / name
                if kind.startswith("scrum"):
                    up = await req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, data, filename=name)
                    entry = Acknowledged("scrum", {"id": up.id}, data)
                    acknowledged.append(entry)
                    got = await req.scrum.download(
                        SCRUM_PROJECT, SCRUM_ISSUE, up.id, dest, checksum="sha256"
                    )
                    assert got.sha256 == sha256(data)
                    if kind == "scrum-delete":
                        await req.scrum.delete(SCRUM_PROJECT, SCRUM_ISSUE, up.id)
                        entry.deleted = True
                elif kind == "ipd":
                    ipd_up = ipd_uploaded(
                        await req.ipd.upload(IPD_PROJECT, IPD_ISSUE, data, filename=name)
                    )
                    acknowledged.append(Acknowledged("ipd", {"id": ipd_up.id}, data))
                    got = await req.ipd.download(IPD_PROJECT, ipd_up.id, dest, checksum="sha256")
                    assert got.sha256 == sha256(data)
                elif kind == "ipd-list":
                    listed = present((await req.ipd.list(IPD_PROJECT, IPD_ISSUE)).result)
                    assert all(item.issue_id == IPD_ISSUE for item in listed)
                elif kind == "coc":
                    doc = await coc.upload(data, filename=name)
                    acknowledged.append(Acknowledged("coc", {"doc_id": doc.data.doc_id}, data))
                    chunks = [c async for c in coc.stream(doc.data.doc_id)]
                    assert b"".join(chunks) == data
                else:
                    ws_up = await ws.upload(WS_DEFINITION, data, filename=name)
                    ref = {"filename": ws_up.internal_name, "download_token": ws_up.download_token}
                    acknowledged.append(Acknowledged("ws", ref, data))
                    got = await ws.download(
                        ws_up.internal_name,
                        dest,
                        download_token=ws_up.download_token,
                        checksum="sha256",
                    )
                    assert got.sha256 == sha256(data)

            # A bound, not a measurement: a hang fails the test instead of stalling CI.
            outcomes = await asyncio.wait_for(
                asyncio.gather(*(one(n) for n in range(200)), return_exceptions=True), 120
            )
            return list(outcomes)

    outcomes = asyncio.run(scenario())

    unexpected = [(plan[n], repr(o)) for n, o in enumerate(outcomes) if o is not None]
    assert unexpected == []
    live = [a for a in acknowledged if not a.deleted]
    assert len(acknowledged) == sum(1 for kind in plan if kind != "ipd-list")
    assert len(mock.app.storage.list()) == len(live)

    # Afterwards, every acknowledged upload that was not deleted comes back byte for byte.
    with (
        attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials) as req,
        attachkit.Coc(endpoint=mock.base_url, credentials=mock.credentials) as coc,
        attachkit.WorldServer(mock.base_url, mock.ws_user, mock.ws_password) as ws,
    ):
        for a in acknowledged:
            if a.service == "scrum" and a.deleted:
                with pytest.raises(errors.BadRequestError):
                    b"".join(req.scrum.stream(SCRUM_PROJECT, SCRUM_ISSUE, a.ref["id"]))
            elif a.service == "scrum":
                assert b"".join(req.scrum.stream(SCRUM_PROJECT, SCRUM_ISSUE, a.ref["id"])) == a.data
            elif a.service == "ipd":
                assert b"".join(req.ipd.stream(IPD_PROJECT, a.ref["id"])) == a.data
            elif a.service == "coc":
                assert b"".join(coc.stream(a.ref["doc_id"])) == a.data
            else:
                assert b"".join(ws.stream(**a.ref)) == a.data


# -- the mock killed mid-run and restarted on its data directory -------------------------------


class MockProcess:
    """``attachkit mock serve`` as a child process on 127.0.0.1 and a port the OS picks."""

    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "attachkit",
                "mock",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--data-dir",
                str(data_dir),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        first_line = self.process.stdout.readline()
        found = re.search(r"on (http://127\.0\.0\.1:\d+)", first_line)
        if found is None:
            self.kill()
            raise AssertionError(f"the mock did not start: {first_line!r}")
        self.base_url = found.group(1)
        # Wait until it answers (it prints its banner before uvicorn accepts connections).
        for _ in range(200):
            try:
                httpx.get(self.base_url + "/_mock/health", timeout=5).raise_for_status()
                return
            except httpx.TransportError:
                threading.Event().wait(0.05)
        self.kill()
        raise AssertionError("the mock never answered /_mock/health")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=15)
        if self.process.stdout is not None:
            self.process.stdout.close()


def test_uploads_acknowledged_before_a_sigkill_survive_a_restart(tmp_data_dir: Path) -> None:
    from attachkit.mock.config import DEV_AK, DEV_SK, DEV_WS_PASSWORD, DEV_WS_USER

    creds = attachkit.Credentials(ak=DEV_AK, sk=DEV_SK)
    acknowledged: list[Acknowledged] = []
    failures: list[BaseException] = []
    enough = threading.Event()
    killing = threading.Event()

    first = MockProcess(tmp_data_dir)
    second: MockProcess | None = None
    try:

        def upload_until_stopped(worker: int) -> None:
            # No retries: an upload that is not acknowledged must simply be reported as failed.
            with (
                attachkit.CodeArtsReq(
                    endpoint=first.base_url, credentials=creds, max_retries=0
                ) as req,
                attachkit.Coc(endpoint=first.base_url, credentials=creds, max_retries=0) as coc,
                attachkit.WorldServer(
                    first.base_url, DEV_WS_USER, DEV_WS_PASSWORD, max_retries=0
                ) as ws,
            ):
                worker_rng = random.Random(worker)
                n = 0
                while True:
                    data = worker_rng.randbytes(worker_rng.randint(0, 512 * KiB))
                    name = f"w{worker}-{n}.txt"
                    n += 1
                    try:
                        if n % 3 == 0:
                            up = req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, data, filename=name)
                            acknowledged.append(Acknowledged("scrum", {"id": up.id}, data))
                        elif n % 3 == 1:
                            doc = coc.upload(data, filename=name)
                            acknowledged.append(
                                Acknowledged("coc", {"doc_id": doc.data.doc_id}, data)
                            )
                        else:
                            ws_up = ws.upload(WS_DEFINITION, data, filename=name)
                            ref = {
                                "filename": ws_up.internal_name,
                                "download_token": ws_up.download_token,
                            }
                            acknowledged.append(Acknowledged("ws", ref, data))
                    except errors.AttachkitError as exc:
                        # Once the kill is under way, failing is the expected outcome.
                        if not killing.is_set():
                            failures.append(exc)
                        return
                    if len(acknowledged) >= 40:
                        enough.set()

        workers = [
            threading.Thread(target=upload_until_stopped, args=(w,), daemon=True) for w in range(4)
        ]
        for worker in workers:
            worker.start()
        assert enough.wait(60), "the uploads never got going"
        # Killed while uploads are in flight; each worker keeps going until its next call
        # fails, so everything acknowledged up to the kill is in ``acknowledged``.
        killing.set()
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=15)
        for worker in workers:
            worker.join(60)
        assert not any(worker.is_alive() for worker in workers)
        assert failures == []
        assert len(acknowledged) >= 40

        second = MockProcess(tmp_data_dir)
        with (
            attachkit.CodeArtsReq(endpoint=second.base_url, credentials=creds) as req,
            attachkit.Coc(endpoint=second.base_url, credentials=creds) as coc,
            attachkit.WorldServer(second.base_url, DEV_WS_USER, DEV_WS_PASSWORD) as ws,
        ):
            for a in acknowledged:
                if a.service == "scrum":
                    got = b"".join(req.scrum.stream(SCRUM_PROJECT, SCRUM_ISSUE, a.ref["id"]))
                elif a.service == "coc":
                    got = b"".join(coc.stream(a.ref["doc_id"]))
                else:
                    got = b"".join(ws.stream(**a.ref))
                assert got == a.data, a
        # Interrupted uploads left nothing behind that the restarted mock would serve.
        assert list((tmp_data_dir / "tmp").iterdir()) == []
    finally:
        first.kill()
        if second is not None:
            second.kill()


def test_nothing_listens_beyond_loopback(tmp_data_dir: Path) -> None:
    process = MockProcess(tmp_data_dir)
    try:
        assert process.base_url.startswith("http://127.0.0.1:")
        port = int(process.base_url.rsplit(":", 1)[1])
        listening = _listening_addresses(process.process.pid)
        assert listening, "the mock process listens somewhere"
        assert {address for address, p in listening if p == port} == {"127.0.0.1"}
        assert all(address == "127.0.0.1" for address, _ in listening)
    finally:
        process.kill()


def _listening_addresses(pid: int) -> set[tuple[str, int]]:
    """(address, port) of the IPv4 TCP sockets in LISTEN state that ``pid`` holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A: LISTEN
                continue
            address_hex, port_hex = local.split(":")
            if len(address_hex) == 8:
                address = ".".join(str(int(address_hex[i : i + 2], 16)) for i in (6, 4, 2, 0))
            else:
                address = address_hex  # an IPv6 listener: reported raw, and it fails the test
            found.add((address, int(port_hex, 16)))
    return found
