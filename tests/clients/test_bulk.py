"""A work item's attachments at once: `req.ipd.download_all` and `attachkit … ipd download-all`."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import attachkit
from attachkit._async.bulk import async_download_all
from attachkit.bulk import BulkDownload
from attachkit.cli import main
from attachkit.cli.exit_codes import EXIT_OK
from attachkit.errors import NotFoundError
from attachkit.mock import MockServer
from attachkit.transfer import DownloadResult
from tests.mock_helpers import IPD_ISSUE, IPD_PROJECT, ipd_download_path
from tests.results import ipd_uploaded


def upload_many(mock: MockServer, count: int, tmp_path: Path) -> dict[str, bytes]:
    """``count`` attachments on the IPD work item; their ids and contents."""
    stored: dict[str, bytes] = {}
    with attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials) as req:
        for index in range(count):
            data = os.urandom(1000 + index * 997)
            answer = req.ipd.upload(IPD_PROJECT, IPD_ISSUE, data, filename=f"file-{index:02}.bin")
            stored[ipd_uploaded(answer).id] = data
    return stored


@pytest.fixture
def cli_env(mock: MockServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> MockServer:
    for name in list(os.environ):
        if name.startswith(("HUAWEICLOUD_SDK_", "CLOUD_SDK_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", mock.credentials.ak)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", mock.credentials.sk)
    monkeypatch.setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", str(tmp_path / "no-profile"))
    return mock


def test_twenty_attachments_two_failing_end_with_eighteen_files_and_a_summary(
    cli_env: MockServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = upload_many(cli_env, 20, tmp_path)
    broken = sorted(stored)[3], sorted(stored)[11]
    for attachment_id in broken:
        cli_env.faults.status("GET", ipd_download_path(attachment_id), 404, times=10)
    out_dir = tmp_path / "out"
    command = [
        "codearts-req", "--endpoint", cli_env.base_url, "ipd", "download-all",
        "--project-id", IPD_PROJECT, "--issue-id", IPD_ISSUE, "-o", str(out_dir), "--jobs", "4",
    ]  # fmt: skip

    code = main(command)
    summary = capsys.readouterr().out

    assert code != EXIT_OK
    files = {path.name: path.read_bytes() for path in out_dir.iterdir()}
    assert len(files) == 18
    assert sorted(files.values()) == sorted(
        data for attachment_id, data in stored.items() if attachment_id not in broken
    )
    failed_lines = [line for line in summary.splitlines() if line.startswith("failed")]
    assert len(failed_lines) == 2
    for attachment_id in broken:
        assert any(attachment_id in line and "NotFoundError" in line for line in failed_lines)
    assert summary.splitlines()[-1] == "18 downloaded, 0 skipped, 2 failed"
    assert not [p for p in out_dir.iterdir() if p.name.startswith(".")]  # no partial files

    # Run again once the service is well: the 18 are skipped, only the 2 are fetched.
    cli_env.faults.clear()
    code = main(["--json", *command])
    report = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    assert (report["downloaded"], report["skipped"], report["failed"]) == (2, 18, 0)
    fetched = {item["attachment_id"] for item in report["items"] if item["status"] == "downloaded"}
    assert fetched == set(broken)
    assert len(list(out_dir.iterdir())) == 20


def test_the_sync_and_async_facades_download_all_alike(mock: MockServer, tmp_path: Path) -> None:
    stored = upload_many(mock, 5, tmp_path)
    seen: list[tuple[int, int | None]] = []
    with attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials) as req:
        result = req.ipd.download_all(
            IPD_PROJECT,
            IPD_ISSUE,
            tmp_path / "sync",
            jobs=2,
            progress=lambda d, t: seen.append((d, t)),
        )
    assert isinstance(result, BulkDownload)
    assert result.ok and len(result.downloaded) == 5
    total = sum(len(data) for data in stored.values())
    assert seen[-1] == (total, total)  # one progress for the whole set

    async def scenario() -> BulkDownload:
        async with attachkit.AsyncCodeArtsReq(
            endpoint=mock.base_url, credentials=mock.credentials
        ) as areq:
            answer: BulkDownload = await areq.ipd.download_all(
                IPD_PROJECT, IPD_ISSUE, tmp_path / "async", jobs=3
            )
            return answer

    async_result = asyncio.run(scenario())
    assert [item.name for item in async_result.items] == [item.name for item in result.items]
    for item in async_result.items:
        assert item.path is not None
        assert item.path.read_bytes() == stored[item.attachment_id]


def test_a_file_already_there_with_another_size_is_not_replaced_silently(
    mock: MockServer, tmp_path: Path
) -> None:
    upload_many(mock, 2, tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "file-00.bin").write_bytes(b"mine")
    with attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials) as req:
        result = req.ipd.download_all(IPD_PROJECT, IPD_ISSUE, tmp_path / "out")
        assert [item.error_type for item in result.failed] == ["DestinationExistsError"]
        assert (tmp_path / "out" / "file-00.bin").read_bytes() == b"mine"
        again = req.ipd.download_all(IPD_PROJECT, IPD_ISSUE, tmp_path / "out", overwrite=True)
    assert again.ok and len(again.downloaded) == 2


class _FakeIpd:
    """An async ``.ipd`` namespace that counts downloads in flight; no network."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.in_flight = 0
        self.most_in_flight = 0

    async def list(self, project_id: str, issue_id: str, **_: Any) -> Any:
        entries = [
            SimpleNamespace(id=str(i), store_filename=name, title=None, file_size="3")
            for i, name in enumerate(self.names)
        ]
        return SimpleNamespace(result=entries)

    async def download(self, project_id: str, attachment_id: str, dest: Path, options: Any) -> Any:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        for _ in range(5):  # give every other task the chance to start
            await asyncio.sleep(0)
        self.in_flight -= 1
        if attachment_id == "5":
            raise NotFoundError(404, "PM.02177777", "gone", service="codearts-req")
        dest.write_bytes(b"abc")
        return DownloadResult(path=dest, size=3, sha256="")


def test_concurrency_is_bounded_by_jobs_and_names_stay_unique(tmp_path: Path) -> None:
    names = ["a.txt", "A.txt", "../evil.txt", "a.txt", "\x1b[31mred.txt"] + [
        f"n{i}" for i in range(7)
    ]
    fake = _FakeIpd(names)
    result = asyncio.run(async_download_all(fake, "P", "I", tmp_path, jobs=3))
    assert fake.most_in_flight == 3
    assert [item.status for item in result.items].count("failed") == 1
    written = sorted(path.name for path in tmp_path.iterdir())
    assert len(written) == len(names) - 1  # all but the failed one
    assert "evil.txt" in written and "[31mred.txt" in written
    assert len({name.lower() for name in written}) == len(written)


class _FakeSyncIpd:
    """A sync ``.ipd`` whose downloads wait for ``together`` of them to run at once."""

    def __init__(self, count: int, together: int) -> None:
        self.count = count
        self.together = threading.Barrier(together, timeout=30)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0

    def list(self, project_id: str, issue_id: str, **_: Any) -> Any:
        entries = [
            SimpleNamespace(id=str(i), store_filename=f"f{i}.bin", title=None, file_size="3")
            for i in range(self.count)
        ]
        return SimpleNamespace(result=entries)

    def download(self, project_id: str, attachment_id: str, dest: Path, options: Any) -> Any:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        self.together.wait()  # a download that ran alone would wait here in vain
        with self.lock:
            self.in_flight -= 1
        dest.write_bytes(b"abc")
        return DownloadResult(path=dest, size=3, sha256="")


def test_the_sync_twin_runs_jobs_downloads_at_once_in_threads(tmp_path: Path) -> None:
    from attachkit._sync.bulk import download_all

    fake = _FakeSyncIpd(9, together=3)
    result = download_all(fake, "P", "I", tmp_path, jobs=3)
    assert [item.status for item in result.items] == ["downloaded"] * 9
    assert fake.most_in_flight == 3
