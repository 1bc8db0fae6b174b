"""`attachkit cp` / attachkit.copy(): between local paths and service addresses, streamed."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import attrs
import pytest

import attachkit
from attachkit._async.copy import _async_spool
from attachkit.addresses import (
    CocAddress,
    IpdAddress,
    LocalPath,
    ScrumAddress,
    WorldServerAddress,
)
from attachkit.cli import main
from attachkit.cli.exit_codes import EXIT_OK, EXIT_USAGE
from attachkit.copying import Connections, parse_address
from attachkit.errors import DestinationExistsError, TransportError, ValidationError
from attachkit.mock import MockServer
from attachkit.transfer.partials import part_path
from tests.mock_helpers import IPD_ISSUE, IPD_PROJECT, ISSUE, PROJECT

MiB = 1024 * 1024
SCRUM_PLACE = f"scrum://{PROJECT}/{ISSUE}"
IPD_PLACE = f"ipd://{IPD_PROJECT}/{IPD_ISSUE}"
SCRUM = ScrumAddress(PROJECT, str(ISSUE))


def connections(mock: MockServer) -> Connections:
    return Connections(
        credentials=mock.credentials,
        codearts_endpoint=mock.base_url,
        coc_endpoint=mock.base_url,
        ws_endpoint=mock.base_url,
        ws_username=mock.ws_user,
        ws_password=mock.ws_password,
    )


def ws_file(mock: MockServer, source: Path | bytes, name: str = "notes.txt") -> str:
    """Upload to WorldServer; the ws:// address of the stored file."""
    with attachkit.WorldServer(mock.base_url, mock.ws_user, mock.ws_password) as ws:
        stored = ws.upload(1113, source, filename=name)
    return str(
        WorldServerAddress(
            internal_name=stored.internal_name, download_token=stored.download_token or None
        )
    )


def fetch(mock: MockServer, address: str, tmp_path: Path) -> bytes:
    """The bytes stored at ``address``, downloaded back through the facades."""
    target = tmp_path / "fetched"
    if target.exists():
        target.unlink()
    attachkit.copy(address, str(target), connections=connections(mock))
    return target.read_bytes()


def attachment_count(mock: MockServer) -> int:
    with mock.control_client() as client:
        return len(client.get("/_mock/attachments").json())


# --- addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("scrum://P1/42/7", ScrumAddress("P1", "42", "7")),
        ("scrum://P1/42", ScrumAddress("P1", "42")),
        ("scrum://P1/42/", ScrumAddress("P1", "42")),
        ("ipd://P2/956239067176935400/5", IpdAddress("P2", "956239067176935400", "5")),
        ("coc://incident", CocAddress()),
        (
            "coc://0d5f5b7e-1c1a-4b4e-9e53-1b2a3c4d5e6f",
            CocAddress("0d5f5b7e-1c1a-4b4e-9e53-1b2a3c4d5e6f"),
        ),
        ("ws://1113", WorldServerAddress(attribute_definition_id=1113)),
        (
            "ws://attr1113-9_a%20b.txt?downloadToken=t-1&resourceType=TASK&resourceId=5",
            WorldServerAddress(
                internal_name="attr1113-9_a b.txt",
                download_token="t-1",
                resource_type="TASK",
                resource_id=5,
            ),
        ),
        ("out/file.txt", LocalPath(Path("out/file.txt"))),
    ],
)
def test_addresses_parse_and_print_back(text: str, expected: object) -> None:
    address = parse_address(text)
    assert address == expected
    assert parse_address(str(address)) == expected


@pytest.mark.parametrize(
    ("text", "mentioned"),
    [
        ("s3://bucket/key", "unknown scheme"),
        ("scrum://P1", "work item"),
        ("scrum://P1/42/7/8", "work item"),
        ("scrum://P1//7", "empty part"),
        ("ipd://P/I?x=1", "query"),
        ("coc://a/b", "too many parts"),
        ("ws://attr1-2_x.txt?token=secret", "unknown filters"),
        ("ws://attr1-2_x.txt?resourceId=abc", "resourceId"),
        ("ws://1113?downloadToken=t", "filters on a destination"),
        # str.isdigit() accepts these; int() refuses them (issue 19).
        ("ws://\u00b2", "attribute definition id"),
        ("ws://" + "9" * 5001, "attribute definition id"),
        ("ws://attr1-2_x.txt?resourceId=\u2460", "resourceId"),
        ("ws://attr1-2_x.txt?resourceId=" + "9" * 5001, "resourceId"),
    ],
    ids=lambda value: value[:40] if isinstance(value, str) else None,
)
def test_malformed_addresses_are_refused_with_the_rule(text: str, mentioned: str) -> None:
    with pytest.raises(ValidationError, match=mentioned):
        parse_address(text)


def test_a_source_must_name_a_file_and_a_destination_a_place(mock: MockServer) -> None:
    with pytest.raises(ValidationError, match="names a place"):
        attachkit.copy(SCRUM_PLACE, IPD_PLACE, connections=connections(mock))
    with pytest.raises(ValidationError, match="names an existing object"):
        attachkit.copy(f"{SCRUM_PLACE}/1", f"{IPD_PLACE}/2", connections=connections(mock))


# --- every pairing -----------------------------------------------------------------------------


def test_a_file_travels_through_every_service_and_back(mock: MockServer, tmp_path: Path) -> None:
    data = os.urandom(3 * MiB + 17)
    start = tmp_path / "evidence.txt"
    start.write_bytes(data)
    conn = connections(mock)

    to_ws = attachkit.copy(str(start), "ws://1113", connections=conn)
    assert to_ws.destination.startswith("ws://attr1113-")
    assert "downloadToken=" in to_ws.destination
    to_scrum = attachkit.copy(to_ws.destination, SCRUM_PLACE, connections=conn)
    assert to_scrum.destination.startswith(SCRUM_PLACE + "/")
    to_ipd = attachkit.copy(to_scrum.destination, IPD_PLACE, connections=conn)
    assert to_ipd.destination.startswith(IPD_PLACE + "/")
    to_coc = attachkit.copy(to_ipd.destination, "coc://incident", connections=conn)
    assert isinstance(parse_address(to_coc.destination), CocAddress)
    back = attachkit.copy(to_coc.destination, str(tmp_path / "back") + "/", connections=conn)

    # The name travels with the file, from the first upload to the final download.
    assert [r.filename for r in (to_ws, to_scrum, to_ipd, to_coc, back)] == ["evidence.txt"] * 5
    assert {r.size for r in (to_ws, to_scrum, to_ipd, to_coc, back)} == {len(data)}
    assert Path(back.destination) == tmp_path / "back" / "evidence.txt"
    assert Path(back.destination).read_bytes() == data


def test_local_to_local_and_an_existing_target(tmp_path: Path) -> None:
    source = tmp_path / "a.bin"
    source.write_bytes(b"local bytes")
    result = attachkit.copy(str(source), str(tmp_path / "b.bin"))
    assert (tmp_path / "b.bin").read_bytes() == b"local bytes"
    assert result.size == 11
    with pytest.raises(DestinationExistsError):
        attachkit.copy(str(source), str(tmp_path / "b.bin"))
    attachkit.copy(str(source), str(tmp_path / "b.bin"), overwrite=True)


def test_filename_names_the_copy(mock: MockServer, tmp_path: Path) -> None:
    source = ws_file(mock, b"report body", name="report.bin")
    # report.bin is no type COC takes; named .txt it is.
    result = attachkit.copy(
        source, "coc://incident", connections=connections(mock), filename="report.txt"
    )
    assert result.filename == "report.txt"
    assert fetch(mock, result.destination, tmp_path) == b"report body"


def test_async_copy_is_the_same_copy(mock: MockServer, tmp_path: Path) -> None:
    source = ws_file(mock, b"async bytes" * 1000)
    result = asyncio.run(attachkit.acopy(source, SCRUM_PLACE, connections=connections(mock)))
    assert result.size == 11000
    assert fetch(mock, result.destination, tmp_path) == b"async bytes" * 1000


# --- faults and limits -------------------------------------------------------------------------


def test_a_source_cut_mid_stream_is_resumed_and_the_copy_completes(
    mock: MockServer, tmp_path: Path
) -> None:
    data = os.urandom(6 * MiB)
    source = ws_file(mock, data)
    # The first download of the source breaks after 2.5 MiB; the copy resumes it with Range.
    mock.faults.cut("GET", "/ws-api/v1/files/attachments", after_bytes=5 * MiB // 2)
    result = attachkit.copy(source, SCRUM_PLACE, connections=connections(mock))
    assert mock.faults.list() == []  # the cut happened
    assert result.size == len(data)
    assert fetch(mock, result.destination, tmp_path) == data


def test_destination_limits_are_checked_before_the_body_moves(mock: MockServer) -> None:
    conn = connections(mock)
    wrong_type = ws_file(mock, b"x" * 100, name="tool.exe")
    too_big = ws_file(mock, b"y" * (10 * MiB + 1), name="big.txt")
    before = attachment_count(mock)
    with pytest.raises(ValidationError, match=r"\.exe"):
        attachkit.copy(wrong_type, "coc://incident", connections=conn)
    with pytest.raises(ValidationError, match="too large"):
        attachkit.copy(too_big, "coc://incident", connections=conn)
    # A cut armed on the source would fire if its body were read at all: it is still armed.
    cut = mock.faults.cut("GET", "/ws-api/v1/files/attachments", after_bytes=0, times=5)
    with pytest.raises(ValidationError, match="too large"):
        attachkit.copy(too_big, "coc://incident", connections=conn)
    assert attachment_count(mock) == before  # nothing was stored anywhere
    assert cut.matched == 1  # one request for the answer's headers; cut_after=0 sends no body


def test_the_cli_copies_and_prints_the_new_address_as_json(
    mock: MockServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ATTACHKIT_WS_PASSWORD", mock.ws_password)
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", mock.credentials.ak)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", mock.credentials.sk)
    source = ws_file(mock, b"cli copy")
    options = ["--codearts-endpoint", mock.base_url, "--ws-endpoint", mock.base_url,
               "--ws-username", mock.ws_user]  # fmt: skip
    code = main(["--json", "cp", source, SCRUM_PLACE, *options])
    printed = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    assert printed["source"] == source
    assert printed["size"] == 8
    assert printed["filename"] == "notes.txt"
    assert fetch(mock, printed["destination"], tmp_path) == b"cli copy"

    code = main(["cp", "scrum://P/1", SCRUM_PLACE, *options])
    assert code == EXIT_USAGE
    assert "names a place" in capsys.readouterr().err


def test_a_40_mb_worldserver_file_reaches_scrum_in_flat_memory(
    mock: MockServer, tmp_path: Path
) -> None:
    """The copy runs as `attachkit cp` in a child process, whose peak RSS wait4() reports."""
    data = tmp_path / "big.bin"
    with data.open("wb") as written:
        for _ in range(40):
            written.write(os.urandom(MiB))
    source = ws_file(mock, data, name="big.bin")
    env = {
        **os.environ,
        "ATTACHKIT_WS_PASSWORD": mock.ws_password,
        "HUAWEICLOUD_SDK_AK": mock.credentials.ak,
        "HUAWEICLOUD_SDK_SK": mock.credentials.sk,
    }
    command = [
        sys.executable, "-m", "attachkit", "--json", "cp", source, SCRUM_PLACE,
        "--codearts-endpoint", mock.base_url, "--ws-endpoint", mock.base_url,
        "--ws-username", mock.ws_user,
    ]  # fmt: skip
    code, peak_rss, out, err = run_measured(command, env, tmp_path, timeout=120)
    assert code == 0, err
    result = json.loads(out)
    assert result["size"] == 40 * MiB
    copied = hashlib.sha256(fetch(mock, result["destination"], tmp_path)).hexdigest()
    assert copied == hashlib.sha256(data.read_bytes()).hexdigest()
    assert peak_rss < 100 * MiB, f"peak RSS {peak_rss / MiB:.1f} MiB"


# Linux carries the parent's peak RSS over into a child's ru_maxrss at exec (the old address
# space's high-water mark is kept), so a child of this test process would report at least the
# test's own RSS. A small launcher in between is measured from instead: it starts the command
# and reports the command's rusage from wait4().
_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
child.returncode = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as report:
    report.write(f"{child.returncode} {usage.ru_maxrss}")
"""


def run_measured(
    command: list[str], env: dict[str, str], tmp_path: Path, *, timeout: float
) -> tuple[int, int, str, str]:
    """Run ``command``; its exit code, peak RSS in bytes, stdout and stderr."""
    report = tmp_path / "rusage"
    launcher = [sys.executable, "-c", _LAUNCHER, str(report), *command]
    done = subprocess.run(launcher, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    code, max_rss_kib = (int(field) for field in report.read_text().split())
    return code, max_rss_kib * 1024, done.stdout, done.stderr


def test_a_source_that_fails_for_good_leaves_nothing_at_the_destination(
    mock: MockServer,
) -> None:
    source = ws_file(mock, os.urandom(3 * MiB))
    before = attachment_count(mock)
    # 1 MiB arrives and the upload is under way; then every attempt to resume is reset.
    mock.faults.cut("GET", "/ws-api/v1/files/attachments", after_bytes=MiB)
    mock.faults.reset_connection("GET", "/ws-api/v1/files/attachments", times=10)
    conn = attrs.evolve(connections(mock), max_retries=1)
    with pytest.raises(TransportError):
        attachkit.copy(source, SCRUM_PLACE, connections=conn)
    assert attachment_count(mock) == before


async def _chunks_of(data: bytes, size: int, taken: list[int]) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        taken.append(start)
        yield data[start : start + size]


def test_a_source_without_a_size_is_spooled_and_still_checked_against_the_limit() -> None:
    data = os.urandom(3 * MiB)
    taken: list[int] = []

    async def spool_all() -> tuple[bytes, int]:
        chunks = _chunks_of(data, 256 * 1024, taken)
        body, size = await _async_spool(chunks, SCRUM, "a.bin")
        with body:
            return body.read(), size

    assert asyncio.run(spool_all()) == (data, len(data))

    # 11 MiB for COC (10 MB at most): refused once 10 MB have come in, not at the end.
    big = b"z" * (11 * MiB)
    taken.clear()

    async def spool_too_much() -> None:
        chunks = _chunks_of(big, MiB, taken)
        await _async_spool(chunks, CocAddress(), "big.txt")

    with pytest.raises(ValidationError, match="too large"):
        asyncio.run(spool_too_much())
    assert len(taken) == 11  # the 11th MiB is the one over the limit; nothing after it is read


def test_a_copy_to_a_local_file_continues_with_resume(mock: MockServer, tmp_path: Path) -> None:
    data = os.urandom(6 * MiB)
    (tmp_path / "a.bin").write_bytes(data)
    source = attachkit.copy(str(tmp_path / "a.bin"), SCRUM_PLACE, connections=connections(mock))
    mock.faults.cut("GET", f"/v4/projects/{PROJECT}/issues/*", after_bytes=2 * MiB)
    target = tmp_path / "copy.bin"
    no_retry = attrs.evolve(connections(mock), max_retries=0)
    with pytest.raises(TransportError):
        attachkit.copy(source.destination, str(target), connections=no_retry, resume=True)
    assert part_path(target).stat().st_size == 2 * MiB
    attachkit.copy(source.destination, str(target), connections=no_retry, resume=True)
    assert target.read_bytes() == data
    assert not part_path(target).exists()


@pytest.mark.parametrize(
    ("source", "destination", "label"),
    [
        ("report.pdf", "scrum://P1/42", "report.pdf"),  # an upload: its source
        ("coc://0f8c6a1e-9b2d-4c1e-8f00-1a2b3c4d5e6f", "out/", "out/"),  # a download: its file
        ("ws://attr1113-1_a.txt", "scrum://P1/42", "scrum://P1/42"),  # service to service
    ],
)
def test_the_progress_bar_names_the_local_end_of_a_copy(
    source: str, destination: str, label: str
) -> None:
    from attachkit.cli.cp import progress_label

    assert progress_label(source, destination) == label
