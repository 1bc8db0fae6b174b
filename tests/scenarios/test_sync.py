"""``attachkit sync`` and ``check``: many files, reruns that move only what changed, kills.

Each story runs the command line as a user would (a subprocess, against the session's mock),
or the library where the story is about the API. The kills are exact: the sync runs in a
child process that SIGKILLs itself at the chosen point (after the ledger says "started",
midway through an upload's body, or after the upload was acknowledged but before the ledger
says "done"), then the sync is run again and the destination must hold one copy per file.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import attachkit
from attachkit.mock import MockServer
from tests.mock_helpers import IPD_ISSUE, IPD_PROJECT

OTHER_ISSUE = "956239067176935401"
SOURCE = f"ipd://{IPD_PROJECT}/{IPD_ISSUE}"
OTHER = f"ipd://{IPD_PROJECT}/{OTHER_ISSUE}"
pytestmark = pytest.mark.timeout(300)


def _env(mock: MockServer, state: Path) -> dict[str, str]:
    """The mock's account, and a state directory of the test's own (ledgers of service
    destinations live there)."""
    env = dict(os.environ)
    env["HUAWEICLOUD_SDK_AK"] = mock.credentials.ak
    env["HUAWEICLOUD_SDK_SK"] = mock.credentials.sk
    env.pop("HUAWEICLOUD_SDK_CREDENTIALS_FILE", None)
    env["XDG_STATE_HOME"] = str(state)
    return env


def _endpoints(mock: MockServer) -> list[str]:
    return ["--codearts-endpoint", mock.base_url, "--coc-endpoint", mock.base_url]


def _attachkit(
    mock: MockServer, state: Path, *argv: str, launcher: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = _env(mock, state)
    command = (launcher or [sys.executable, "-m", "attachkit"]) + list(argv)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)


def _req(mock: MockServer) -> attachkit.CodeArtsReq:
    return attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials)


def _fill(mock: MockServer, issue: str, files: dict[str, bytes]) -> None:
    with _req(mock) as req:
        for name, data in files.items():
            req.ipd.upload(IPD_PROJECT, issue, data, filename=name)


def _listed(mock: MockServer, issue: str) -> list[tuple[str, int]]:
    with _req(mock) as req:
        items = req.ipd.list(IPD_PROJECT, issue).result or []
    return sorted((str(item.store_filename), int(str(item.file_size))) for item in items)


def _files(count: int, size: int) -> dict[str, bytes]:
    return {f"doc-{i:02}.bin": os.urandom(size) + bytes([i]) for i in range(count)}


def test_a_work_item_syncs_to_a_directory_byte_identical_and_a_rerun_moves_nothing(
    mock: MockServer, tmp_path: Path
) -> None:
    files = _files(40, 2000)
    _fill(mock, IPD_ISSUE, files)
    out = tmp_path / "backup"
    first = _attachkit(mock, tmp_path, "--json", "sync", SOURCE, str(out), *_endpoints(mock))
    assert first.returncode == 0, first.stderr
    lines = [json.loads(line) for line in first.stdout.splitlines()]
    assert {line["status"] for line in lines if line["name"] in files} == {"copied"}
    for name, data in files.items():
        assert (out / name).read_bytes() == data

    again = _attachkit(mock, tmp_path, "--json", "sync", SOURCE, str(out), *_endpoints(mock))
    assert again.returncode == 0, again.stderr
    statuses = [json.loads(line)["status"] for line in again.stdout.splitlines()]
    assert statuses and set(statuses) == {"skipped"}
    assert "0 B moved" in again.stderr


def test_a_changed_or_missing_local_copy_is_fetched_again(mock: MockServer, tmp_path: Path) -> None:
    files = _files(3, 500)
    _fill(mock, IPD_ISSUE, files)
    out = tmp_path / "out"
    connections = attachkit.Connections(
        codearts_endpoint=mock.base_url, credentials=mock.credentials
    )
    attachkit.sync(SOURCE, str(out), connections=connections)
    (out / "doc-00.bin").unlink()
    report = attachkit.sync(SOURCE, str(out), connections=connections)
    assert [item.name for item in report.items if item.status == "copied"] == ["doc-00.bin"]
    assert (out / "doc-00.bin").read_bytes() == files["doc-00.bin"]


def test_check_passes_then_names_the_one_altered_file(mock: MockServer, tmp_path: Path) -> None:
    files = _files(5, 3000)
    _fill(mock, IPD_ISSUE, files)
    out = tmp_path / "out"
    assert _attachkit(mock, tmp_path, "sync", SOURCE, str(out), *_endpoints(mock)).returncode == 0
    good = _attachkit(mock, tmp_path, "check", SOURCE, str(out), *_endpoints(mock))
    assert good.returncode == 0, good.stdout + good.stderr
    # Same size, other bytes: only the hash can tell.
    altered = out / "doc-03.bin"
    data = bytearray(altered.read_bytes())
    data[10] ^= 0xFF
    altered.write_bytes(bytes(data))
    bad = _attachkit(mock, tmp_path, "check", SOURCE, str(out), *_endpoints(mock))
    assert bad.returncode != 0
    assert "doc-03.bin" in bad.stdout
    assert [line for line in bad.stdout.splitlines() if "different" in line] == [
        line for line in bad.stdout.splitlines() if "doc-03.bin" in line
    ]


def test_check_names_missing_and_extra_files(mock: MockServer, tmp_path: Path) -> None:
    _fill(mock, IPD_ISSUE, {"a.txt": b"a", "b.txt": b"b"})
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_bytes(b"a")
    (out / "stray.txt").write_bytes(b"s")
    report = attachkit.check(
        SOURCE,
        str(out),
        connections=attachkit.Connections(
            codearts_endpoint=mock.base_url, credentials=mock.credentials
        ),
    )
    assert {item.name: item.status for item in report.problems} == {
        "b.txt": "missing",
        "stray.txt": "extra",
    }


def _stored_files(mock: MockServer) -> int:
    return sum(1 for path in mock.data_dir.rglob("*") if path.is_file())


def test_a_dry_run_to_coc_refuses_the_too_large_and_the_wrong_type_and_sends_nothing(
    mock: MockServer, tmp_path: Path
) -> None:
    src = tmp_path / "evidence"
    src.mkdir()
    (src / "big.pdf").write_bytes(b"\0" * (12 * 1024 * 1024))
    (src / "tool.exe").write_bytes(b"MZ")
    (src / "notes.txt").write_bytes(b"fine")
    before = _stored_files(mock)
    result = _attachkit(
        mock, tmp_path, "--json", "sync", str(src), "coc://incident", "--dry-run", *_endpoints(mock)
    )
    assert result.returncode == 0, result.stderr
    plan = {json.loads(line)["name"]: json.loads(line) for line in result.stdout.splitlines()}
    assert plan["big.pdf"]["action"] == "refuse" and "10 MiB" in plan["big.pdf"]["reason"]
    assert plan["tool.exe"]["action"] == "refuse" and ".txt" in plan["tool.exe"]["reason"]
    assert plan["notes.txt"]["action"] == "copy"
    assert _stored_files(mock) == before

    # A real run refuses the same files before moving a byte, says so, and exits non-zero.
    real = _attachkit(mock, tmp_path, "sync", str(src), "coc://incident", *_endpoints(mock))
    assert real.returncode != 0
    assert "big.pdf" in real.stdout and "tool.exe" in real.stdout
    assert "2 refused" in real.stdout


def test_a_manifest_line_that_is_not_an_object_is_named_and_nothing_is_sent(
    mock: MockServer, tmp_path: Path
) -> None:
    manifest = tmp_path / "list.txt"
    manifest.write_text(
        "# evidence to carry over\nscrum://p/1/7\n\nscrum://p/1\n", encoding="utf-8"
    )
    before = _stored_files(mock)
    result = _attachkit(
        mock, tmp_path, "sync", "scrum://p/1", OTHER, "--files-from", str(manifest),
        *_endpoints(mock),
    )  # fmt: skip
    assert result.returncode == 2
    assert "line 4" in result.stderr
    assert _stored_files(mock) == before


_KILLER = """
import os, signal, sys
from attachkit import ledger
from attachkit.transfer import multipart
point, nth = sys.argv[1], int(sys.argv[2])
seen = {"n": 0}

def die_on_nth():
    seen["n"] += 1
    if seen["n"] == nth:
        os.kill(os.getpid(), signal.SIGKILL)

if point == "started":  # the row says started, no byte has moved
    original_started = ledger.Ledger.started
    def started(self, *args, **kwargs):
        original_started(self, *args, **kwargs)
        die_on_nth()
    ledger.Ledger.started = started
elif point == "during":  # part of the body is on the wire
    original_account = multipart.MultipartFile.account
    def account(self, done, chunk):
        if done == 0 and self.size > len(chunk):
            die_on_nth()
        return original_account(self, done, chunk)
    multipart.MultipartFile.account = account
elif point == "uploaded":  # the service stored it, the ledger does not know yet
    original_done = ledger.Ledger.done
    def done(self, *args, **kwargs):
        die_on_nth()
        original_done(self, *args, **kwargs)
    ledger.Ledger.done = done
from attachkit.cli import main
sys.exit(main(sys.argv[3:]))
"""


@pytest.mark.parametrize("point", ["started", "during", "uploaded"])
def test_a_sync_killed_part_way_and_run_again_leaves_one_attachment_per_file(
    mock: MockServer, tmp_path: Path, point: str
) -> None:
    size = 3 * 1024 * 1024 if point == "during" else 4000  # "during" needs a multi-chunk body
    files = _files(6, size)
    _fill(mock, IPD_ISSUE, files)
    argv = ["sync", SOURCE, OTHER, "--jobs", "1", *_endpoints(mock)]
    killed = _attachkit(mock, tmp_path, point, "3", *argv, launcher=[sys.executable, "-c", _KILLER])
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    partial = _listed(mock, OTHER_ISSUE)
    assert len(partial) < len(files)

    again = _attachkit(mock, tmp_path, *argv)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _listed(mock, OTHER_ISSUE) == sorted((name, len(data)) for name, data in files.items())
    with _req(mock) as req:
        for item in req.ipd.list(IPD_PROJECT, OTHER_ISSUE).result or []:
            got = b"".join(req.ipd.stream(IPD_PROJECT, str(item.id)))
            sent = files[str(item.store_filename)]
            assert hashlib.sha256(got).digest() == hashlib.sha256(sent).digest()


def test_a_source_gone_mid_run_is_recorded_and_the_others_complete(
    mock: MockServer, tmp_path: Path
) -> None:
    from attachkit.mock import FaultRule
    from tests.mock_helpers import ipd_download_path

    files = _files(4, 100)
    _fill(mock, IPD_ISSUE, files)
    with _req(mock) as req:
        listed = req.ipd.list(IPD_PROJECT, IPD_ISSUE).result or []
    gone = next(str(item.id) for item in listed if item.store_filename == "doc-02.bin")
    # Listed, then answered 404 when its turn comes: as if deleted in between.
    mock.faults.add(FaultRule(path=ipd_download_path(gone), status=404, times=10))
    log = tmp_path / "events.jsonl"
    result = _attachkit(
        mock, tmp_path, "sync", SOURCE, str(tmp_path / "out"), "--log-json", str(log),
        *_endpoints(mock),
    )  # fmt: skip
    assert result.returncode != 0
    assert "doc-02.bin" in result.stdout and "1 failed" in result.stdout
    for name in files:
        assert (tmp_path / "out" / name).exists() == (name != "doc-02.bin")
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["event"] for e in events if e["name"] == "doc-02.bin"] == ["start", "fail"]
    assert all(e["event"] in ("start", "done", "skip", "fail") for e in events)


def test_where_the_destination_cannot_be_listed_a_cut_upload_is_named_not_repeated(
    mock: MockServer, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"n{i}.txt").write_bytes(b"note %d" % i)
    argv = ["sync", str(src), "scrum://f7a67aee4c034fd6944fd5f769e89042/5667740", "--jobs", "1"]
    killed = _attachkit(
        mock, tmp_path, "uploaded", "2", *argv, *_endpoints(mock),
        launcher=[sys.executable, "-c", _KILLER],
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    again = _attachkit(mock, tmp_path, *argv, *_endpoints(mock))
    assert again.returncode != 0
    assert "uncertain" in again.stdout and "n1.txt" in again.stdout
    assert "--resend-uncertain" in again.stdout
    resent = _attachkit(mock, tmp_path, *argv, "--resend-uncertain", *_endpoints(mock))
    assert resent.returncode == 0, resent.stdout + resent.stderr


def test_a_second_run_on_the_same_ledger_is_refused(mock: MockServer, tmp_path: Path) -> None:
    from attachkit.errors import ConfigurationError
    from attachkit.ledger import Ledger

    with (
        Ledger(tmp_path / "l.sqlite"),
        pytest.raises(ConfigurationError, match="another attachkit sync"),
    ):
        Ledger(tmp_path / "l.sqlite")
    Ledger(tmp_path / "l.sqlite").close()  # free again once the first run ended


def test_a_full_disk_stops_the_run_with_nothing_half_written(
    mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from attachkit.ledger import Ledger
    from attachkit.transfer import sinks

    files = _files(4, 1000)
    _fill(mock, IPD_ISSUE, files)
    writes = {"n": 0}
    original = sinks.Writer.write

    def write(self: sinks.Writer, chunk: bytes) -> None:
        writes["n"] += 1
        if writes["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(self, chunk)

    monkeypatch.setattr(sinks.Writer, "write", write)
    out = tmp_path / "out"
    connections = attachkit.Connections(
        codearts_endpoint=mock.base_url, credentials=mock.credentials
    )
    with pytest.raises(OSError, match="No space left"):
        attachkit.sync(SOURCE, str(out), connections=connections, jobs=1)
    kept = sorted(p.name for p in out.iterdir() if not p.name.startswith(".attachkit-ledger"))
    assert kept == ["doc-00.bin", "doc-01.bin"]  # whole files only, no partial
    with Ledger(out / ".attachkit-ledger.sqlite") as ledger:
        states = {
            e.name: e.state
            for e in ledger.entries(str(attachkit.copying.parse_address(str(out)))).values()
        }
    assert states == {"doc-00.bin": "done", "doc-01.bin": "done", "doc-02.bin": "started"}
    monkeypatch.undo()
    report = attachkit.sync(SOURCE, str(out), connections=connections)
    assert sorted(str(i.name) for i in report.items if i.status == "copied") == [
        "doc-02.bin",
        "doc-03.bin",
    ]


def test_a_source_changed_to_the_same_size_is_copied_again(
    mock: MockServer, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "notes.txt").write_bytes(b"version 1")
    connections = attachkit.Connections(
        codearts_endpoint=mock.base_url, credentials=mock.credentials
    )
    attachkit.sync(str(src), OTHER, connections=connections)
    (src / "notes.txt").write_bytes(b"version 2")  # a new version of the same size,
    os.utime(src / "notes.txt", ns=(1, 1))  # surely with another modification time
    report = attachkit.sync(str(src), OTHER, connections=connections)
    assert [item.status for item in report.items] == ["copied"]


def test_a_link_planted_at_the_ledger_name_is_refused_and_its_target_untouched(
    tmp_path: Path,
) -> None:
    from attachkit.errors import ConfigurationError
    from attachkit.ledger import Ledger

    victim = tmp_path / "victim.conf"
    victim.write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".attachkit-ledger.sqlite").symlink_to(victim)
    with pytest.raises(ConfigurationError, match="not a regular file"):
        Ledger(out / ".attachkit-ledger.sqlite")
    assert victim.read_bytes() == b"precious"
    (out / ".attachkit-ledger.sqlite").unlink()
    (out / ".attachkit-ledger.sqlite-wal").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ConfigurationError, match="-wal is not a regular file"):
        Ledger(out / ".attachkit-ledger.sqlite")
    assert not (tmp_path / "elsewhere").exists()
