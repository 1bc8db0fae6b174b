"""Resume across runs: a killed or failed download continues where it stopped, with resume=True.

The first run is a real process killed with SIGKILL part-way (from its own progress callback,
so the moment is exact); the second run counts what crosses the wire through its transport.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import httpx
import pytest

from attachkit._sync.transport import BoundedTransport
from attachkit.auth import AkSkAuth
from attachkit.cli import main
from attachkit.cli.exit_codes import EXIT_OK
from attachkit.errors import TransportError
from attachkit.mock import MockServer
from attachkit.transfer import RetryPolicy, huawei_error_parser
from attachkit.transfer.partials import Sidecar, list_partials, part_path, sidecar_path
from tests.engine import download
from tests.mock_helpers import scrum_path, upload_scrum

MiB = 1024 * 1024
NO_RETRY = RetryPolicy(max_retries=0)
fetch = functools.partial(download, error_parser=huawei_error_parser)


@attrs.define
class Exchange:
    range: str | None
    if_range: str | None
    status: int
    content_length: int


class CountingTransport(httpx.BaseTransport):
    """Records each GET's Range/If-Range and the answer's status and Content-Length."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.exchanges.append(
            Exchange(
                request.headers.get("range"),
                request.headers.get("if-range"),
                response.status_code,
                int(response.headers.get("content-length", "-1")),
            )
        )
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def stored(mock: MockServer) -> Iterator[tuple[str, bytes]]:
    """A 12 MiB Scrum attachment on the mock: its path and its bytes."""
    data = os.urandom(12 * MiB)
    with httpx.Client(base_url=mock.base_url, auth=AkSkAuth(mock.credentials)) as client:
        attachment_id = upload_scrum(client, "big.bin", data)
    yield scrum_path(attachment_id), data


def counting_client(mock: MockServer) -> tuple[httpx.Client, CountingTransport]:
    transport = CountingTransport()
    client = httpx.Client(
        base_url=mock.base_url, auth=AkSkAuth(mock.credentials), transport=transport
    )
    return client, transport


_KILLED_PART_WAY = """
import os, signal, sys
import httpx
from attachkit.credentials import Credentials
from attachkit.auth import AkSkAuth
from tests.engine import download
from attachkit.transfer import huawei_error_parser

base_url, path, target, kill_at = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
creds = Credentials(ak=os.environ["TEST_AK"], sk=os.environ["TEST_SK"])

def progress(done, total):
    if done >= kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

with httpx.Client(base_url=base_url, auth=AkSkAuth(creds)) as client:
    download(
        client, client.build_request("GET", path), target, resume=True, progress=progress,
        error_parser=huawei_error_parser,
    )
"""


def kill_part_way(mock: MockServer, path: str, target: Path, kill_at: int) -> None:
    env = {**os.environ, "TEST_AK": mock.credentials.ak, "TEST_SK": mock.credentials.sk}
    command = [sys.executable, "-c", _KILLED_PART_WAY, mock.base_url, path, str(target)]
    done = subprocess.run(
        [*command, str(kill_at)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -9, done.stderr


def test_a_download_killed_part_way_fetches_only_the_rest(
    mock: MockServer, stored: tuple[str, bytes], tmp_path: Path
) -> None:
    path, data = stored
    target = tmp_path / "big.bin"
    kill_part_way(mock, path, target, kill_at=5 * MiB)

    assert not target.exists()
    kept = part_path(target).stat().st_size
    assert 0 < kept < len(data)
    sidecar = Sidecar.read(sidecar_path(target))
    assert sidecar is not None and sidecar.size == len(data) and sidecar.etag

    client, wire = counting_client(mock)
    with client:
        result = fetch(
            client, client.build_request("GET", path), target, resume=True, checksum="sha256"
        )
    assert wire.exchanges == [Exchange(f"bytes={kept}-", sidecar.etag, 206, len(data) - kept)]
    assert target.read_bytes() == data
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()  # the kept bytes are hashed too
    assert not part_path(target).exists() and not sidecar_path(target).exists()


def test_a_failed_download_is_kept_only_with_resume(
    mock: MockServer, stored: tuple[str, bytes], tmp_path: Path
) -> None:
    path, data = stored
    client, wire = counting_client(mock)
    with client:
        mock.faults.cut("GET", path, after_bytes=3 * MiB)
        with pytest.raises(TransportError):
            fetch(client, client.build_request("GET", path), tmp_path / "a", policy=NO_RETRY)
        assert list(tmp_path.iterdir()) == []  # without resume nothing is kept

        mock.faults.cut("GET", path, after_bytes=3 * MiB)
        with pytest.raises(TransportError):
            fetch(
                client, client.build_request("GET", path), tmp_path / "a", policy=NO_RETRY,
                resume=True,
            )  # fmt: skip
        kept = part_path(tmp_path / "a").stat().st_size
        assert kept == 3 * MiB
        wire.exchanges.clear()
        fetch(client, client.build_request("GET", path), tmp_path / "a", resume=True)
    assert [(e.range, e.status) for e in wire.exchanges] == [(f"bytes={kept}-", 206)]
    assert (tmp_path / "a").read_bytes() == data


def test_a_changed_file_on_the_server_starts_over(
    mock: MockServer, stored: tuple[str, bytes], tmp_path: Path
) -> None:
    path, data = stored
    target = tmp_path / "big.bin"
    kill_part_way(mock, path, target, kill_at=2 * MiB)
    # As if the server's file had changed since: the kept validator no longer matches.
    old = Sidecar.read(sidecar_path(target))
    assert old is not None
    attrs.evolve(old, etag='"an-older-version"').write(sidecar_path(target))

    client, wire = counting_client(mock)
    with client:
        fetch(client, client.build_request("GET", path), target, resume=True)
    (exchange,) = wire.exchanges
    assert exchange.if_range == '"an-older-version"'
    assert (exchange.status, exchange.content_length) == (200, len(data))  # the whole file
    assert target.read_bytes() == data


def test_a_directory_destination_finds_its_partial_by_url(
    mock: MockServer, stored: tuple[str, bytes], tmp_path: Path
) -> None:
    path, data = stored
    kill_part_way(mock, path, tmp_path, kill_at=4 * MiB)
    (kept_part,) = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert kept_part.name == ".big.bin.part"  # named after the server's file name

    client, wire = counting_client(mock)
    with client:
        result = fetch(client, client.build_request("GET", path), tmp_path, resume=True)
    assert result.path == tmp_path / "big.bin"
    assert wire.exchanges[0].status == 206
    assert result.path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.bin"]


def test_a_sidecar_of_another_url_is_not_trusted(
    mock: MockServer, stored: tuple[str, bytes], tmp_path: Path
) -> None:
    path, data = stored
    target = tmp_path / "big.bin"
    part_path(target).write_bytes(b"\0" * MiB)
    Sidecar(url=f"{mock.base_url}/elsewhere", target="big.bin", size=len(data)).write(
        sidecar_path(target)
    )
    client, wire = counting_client(mock)
    with client:
        fetch(client, client.build_request("GET", path), target, resume=True)
    assert [e.range for e in wire.exchanges] == [None]
    assert target.read_bytes() == data
    assert json.loads(json.dumps(sorted(p.name for p in tmp_path.iterdir()))) == ["big.bin"]


_CLI_KILLED_PART_WAY = """
import contextlib, os, signal, sys
import attachkit.cli.run

kill_at = int(sys.argv[1])

@contextlib.contextmanager
def killing_progress(args, label):
    # The command's own progress hook, replaced to stop the process at an exact byte count.
    def progress(done, total):
        if done >= kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    yield progress

attachkit.cli.run.progress_bar = killing_progress
from attachkit.cli import main
from attachkit._sync.transport import BoundedTransport
sys.exit(main(sys.argv[2:]))
"""


def test_the_cli_continues_a_killed_download_with_continue(
    mock: MockServer,
    stored: tuple[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, data = stored
    attachment_id = path.rsplit("/", 1)[1]
    project, issue = path.split("/")[3], path.split("/")[5]
    env = {
        **os.environ,
        "HUAWEICLOUD_SDK_AK": mock.credentials.ak,
        "HUAWEICLOUD_SDK_SK": mock.credentials.sk,
    }
    command = [
        "codearts-req", "--endpoint", mock.base_url, "scrum", "download", "--continue",
        "--project-id", project, "--issue-id", issue, "--attachment-id", attachment_id,
        "-o", str(tmp_path) + "/",
    ]  # fmt: skip
    killed = subprocess.run(
        [sys.executable, "-c", _CLI_KILLED_PART_WAY, str(6 * MiB), *command],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    kept = part_path(tmp_path / "big.bin").stat().st_size
    assert 0 < kept < len(data)

    # The second run, in this process: every request and answer is counted at the transport.
    exchanges: list[Exchange] = []
    handle = BoundedTransport.handle_request

    def counted(self: BoundedTransport, request: httpx.Request) -> httpx.Response:
        response = handle(self, request)
        length = int(response.headers.get("content-length", "-1"))
        exchanges.append(
            Exchange(request.headers.get("range"), request.headers.get("if-range"),
                     response.status_code, length)
        )  # fmt: skip
        return response

    monkeypatch.setattr(BoundedTransport, "handle_request", counted)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["--json", *command]) == EXIT_OK
    result = json.loads(capsys.readouterr().out)
    assert [(e.range, e.status, e.content_length) for e in exchanges] == [
        (f"bytes={kept}-", 206, len(data) - kept)
    ]
    assert Path(result["path"]).read_bytes() == data
    assert list_partials(tmp_path) == []
