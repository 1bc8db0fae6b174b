"""A 200 MB upload and download stream: memory stays flat whatever the file size.

Memory is measured in this process with tracemalloc, which counts every Python allocation
(each bytes chunk included) of the client and of the in-process mock service alike. Buffering
the file anywhere would show up as a peak of at least its size.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

import attachkit
from attachkit.mock import MockServer
from tests.results import ipd_uploaded

IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"
SIZE = 200 * 1024 * 1024  # the largest IPD attachment the service accepts
PEAK_BOUND = 48 * 1024 * 1024  # a quarter of the file: buffering would need all of it

T = TypeVar("T")


def peak_allocated(action: Callable[[], T]) -> tuple[T, int]:
    tracemalloc.start()
    try:
        result = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("big") / "big.bin"
    block = os.urandom(1024 * 1024)
    digest = hashlib.sha256()
    with path.open("wb") as f:
        for i in range(SIZE // len(block)):
            chunk = i.to_bytes(8, "big") + block[8:]  # every MiB differs
            f.write(chunk)
            digest.update(chunk)
    return path, digest.hexdigest()


def test_200mb_upload_and_download_stay_flat(
    mock: MockServer, big_file: tuple[Path, str], tmp_path: Path
) -> None:
    path, expected = big_file
    with attachkit.CodeArtsReq(
        endpoint=mock.base_url, credentials=mock.credentials, timeout=120
    ) as req:
        result, upload_peak = peak_allocated(lambda: req.ipd.upload(IPD_PROJECT, IPD_ISSUE, path))
        attachment_id = ipd_uploaded(result).id
        got, download_peak = peak_allocated(
            lambda: req.ipd.download(
                IPD_PROJECT, attachment_id, tmp_path / "copy.bin", checksum="sha256"
            )
        )

    assert got.size == SIZE
    assert got.sha256 == expected
    assert upload_peak < PEAK_BOUND, f"upload peak {upload_peak / 2**20:.1f} MiB"
    assert download_peak < PEAK_BOUND, f"download peak {download_peak / 2**20:.1f} MiB"


def test_200mb_async_download_stays_flat(
    mock: MockServer, big_file: tuple[Path, str], tmp_path: Path
) -> None:
    path, expected = big_file

    async def transfer() -> attachkit.DownloadResult:
        async with attachkit.AsyncCodeArtsReq(
            endpoint=mock.base_url, credentials=mock.credentials, timeout=120
        ) as req:
            result = await req.ipd.upload(IPD_PROJECT, IPD_ISSUE, path)
            return await req.ipd.download(
                IPD_PROJECT, ipd_uploaded(result).id, tmp_path / "copy.bin", checksum="sha256"
            )

    got, peak = peak_allocated(lambda: asyncio.run(transfer()))

    assert got.sha256 == expected
    assert peak < PEAK_BOUND, f"peak {peak / 2**20:.1f} MiB"
