"""Partial downloads on disk: sidecars read back safely, and `attachkit clean DIR`."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from attachkit.cli import main
from attachkit.cli.exit_codes import EXIT_OK
from attachkit.transfer.partials import (
    Sidecar,
    find_for_url,
    list_partials,
    part_path,
    public_url,
    sidecar_path,
)


def keep_partial(directory: Path, name: str, data: bytes, url: str, size: int) -> Path:
    target = directory / name
    part_path(target).write_bytes(data)
    Sidecar(url=url, target=name, size=size, etag='"abc"').write(sidecar_path(target))
    return target


def test_a_sidecar_round_trips_and_finds_its_target_by_url(tmp_path: Path) -> None:
    target = keep_partial(tmp_path, "a.bin", b"12345", "http://h/x/1", 10)
    assert Sidecar.read(sidecar_path(target)) == Sidecar("http://h/x/1", "a.bin", 10, '"abc"')
    assert find_for_url(tmp_path, "http://h/x/1") == target
    assert find_for_url(tmp_path, "http://h/x/2") is None
    part_path(target).unlink()  # a sidecar without its part resumes nothing
    assert find_for_url(tmp_path, "http://h/x/1") is None


def test_no_session_token_is_written_to_a_sidecar() -> None:
    assert public_url("http://h/f?filename=a&token=SECRET&downloadToken=d") == (
        "http://h/f?filename=a&downloadToken=d"
    )


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[]",
        json.dumps({"version": 2, "url": "u", "target": "a"}).encode(),
        json.dumps({"version": 1, "url": 5, "target": "a"}).encode(),
        json.dumps({"version": 1, "url": "u", "target": "../../etc/passwd"}).encode(),
        json.dumps({"version": 1, "url": "u", "target": "a", "size": -1}).encode(),
        json.dumps({"version": 1, "url": "u", "target": "a", "size": True}).encode(),
        json.dumps({"version": 1, "url": "u", "target": "a", "etag": ["x"]}).encode(),
        b'{"version": 1, "url": "' + b"u" * 20000 + b'", "target": "a"}',
    ],
)
def test_a_sidecar_that_is_not_ours_is_ignored(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / ".a.part.json"
    path.write_bytes(content)
    assert Sidecar.read(path) is None


def test_clean_lists_then_removes_stale_partials_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keep_partial(tmp_path, "kept.bin", b"x" * 100, "http://h/1", 1000)
    left_over = tmp_path / ".report.pdf.0123456789ab.part"  # a killed run without resume
    left_over.write_bytes(b"y" * 50)
    (tmp_path / "report.pdf").write_bytes(b"a real file")
    (tmp_path / ".hidden-but-mine").write_bytes(b"not a partial")
    recent = keep_partial(tmp_path, "running.bin", b"z", "http://h/2", 10)
    hour_ago = time.time() - 3600
    for path in (part_path(tmp_path / "kept.bin"), left_over):
        os.utime(path, (hour_ago, hour_ago))

    assert main(["--json", "clean", str(tmp_path)]) == EXIT_OK
    listed = json.loads(capsys.readouterr().out)["partials"]
    by_name = {Path(item["path"]).name: item for item in listed}
    assert set(by_name) == {".kept.bin.part", ".report.pdf.0123456789ab.part", ".running.bin.part"}
    assert (
        by_name[".kept.bin.part"]["resumable"]
        and by_name[".kept.bin.part"]["expected_size"] == 1000
    )
    assert not by_name[".report.pdf.0123456789ab.part"]["resumable"]
    assert [name for name, item in by_name.items() if item["stale"]] == [
        ".kept.bin.part",
        ".report.pdf.0123456789ab.part",
    ]
    assert len(list(tmp_path.iterdir())) == 7  # listing removes nothing

    assert main(["clean", str(tmp_path), "--remove"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("2 partial download(s) removed, ")
    remaining = sorted(path.name for path in tmp_path.iterdir())
    assert remaining == sorted(
        [".hidden-but-mine", "report.pdf", ".running.bin.part", ".running.bin.part.json"]
    )
    assert part_path(recent).exists()
    assert [p.path.name for p in list_partials(tmp_path)] == [".running.bin.part"]
