"""Local files (issue 19, class 3): never follow a link, share a partial or open a non-file.

A destination directory may hold anything another user or process put there: a symbolic or hard
link at the name of a partial download, its sidecar or the sidecar's temporary file, a FIFO at
any of them. attachkit writes only regular files it opened without following a link, reads only
regular files, and a partial download is written by one run at a time: a second run (or
``attachkit clean``) leaves it alone. Each case runs through the library and, where the issue
describes command-line use, through the ``attachkit`` command in a child process.
"""

from __future__ import annotations

import functools
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from attachkit.cli import main
from attachkit.cli.exit_codes import EXIT_OK, EXIT_USAGE
from attachkit.errors import DestinationExistsError, LocalFileError, PartialInUseError
from attachkit.mock import MockServer
from attachkit.transfer import RetryPolicy, huawei_error_parser
from attachkit.transfer.localfiles import open_regular
from attachkit.transfer.partials import Sidecar, list_partials, part_path, sidecar_path
from tests.engine import download
from tests.hostile_server import HostileServer, head
from tests.mock_helpers import ISSUE, PROJECT, scrum_path, upload_scrum

pytestmark = pytest.mark.timeout(90)
fetch = functools.partial(download, error_parser=huawei_error_parser)
NO_RETRY = RetryPolicy(max_retries=0)
VICTIM = b"precious = true\n"
DATA = bytes(range(256)) * 4096  # 1 MiB: written in several chunks, one progress call each


@pytest.fixture
def stored(mock: MockServer, signed_client: httpx.Client) -> tuple[int, bytes]:
    """A 1 MiB Scrum attachment named ``x.bin`` on the mock: its id and its bytes."""
    return upload_scrum(signed_client, "x.bin", DATA), DATA


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the destination directory that no download may touch."""
    path = tmp_path / "victim.conf"
    path.write_bytes(VICTIM)
    return path


@pytest.fixture
def dl(tmp_path: Path) -> Path:
    path = tmp_path / "dl"
    path.mkdir()
    return path


def _env(mock: MockServer) -> dict[str, str]:
    return {
        **os.environ,
        "HUAWEICLOUD_SDK_AK": mock.credentials.ak,
        "HUAWEICLOUD_SDK_SK": mock.credentials.sk,
    }


def _cli_download(
    mock: MockServer, base_url: str, attachment_id: int, dest: str
) -> subprocess.CompletedProcess[str]:
    """``attachkit codearts-req scrum download --continue -o DEST`` in a child process."""
    command = [
        sys.executable, "-m", "attachkit", "codearts-req", "--endpoint", base_url,
        "scrum", "download", "--continue", "--project-id", PROJECT, "--issue-id", str(ISSUE),
        "--attachment-id", str(attachment_id), "-o", dest,
    ]  # fmt: skip
    return subprocess.run(command, env=_env(mock), capture_output=True, text=True, timeout=30)


def _fetch(mock: MockServer, attachment_id: int, dest: Path | str, **kwargs: object) -> Path:
    from attachkit.auth import AkSkAuth

    with httpx.Client(base_url=mock.base_url, auth=AkSkAuth(mock.credentials)) as client:
        request = client.build_request("GET", scrum_path(attachment_id))
        result = fetch(client, request, dest, resume=True, policy=NO_RETRY, **kwargs)
    assert result.path is not None
    return result.path


# --- one helper opens every local file attachkit writes or reads back in a destination -------


def test_the_helper_opens_a_regular_file_and_nothing_else(tmp_path: Path, victim: Path) -> None:
    regular = tmp_path / "regular"
    regular.write_bytes(b"ok")
    fd = open_regular(regular, os.O_RDONLY)
    try:
        assert os.read(fd, 10) == b"ok"
        assert os.get_blocking(fd)  # O_NONBLOCK was for open() only
    finally:
        os.close(fd)

    link = tmp_path / "link"
    link.symlink_to(victim)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    hard = tmp_path / "hard"
    os.link(victim, hard)
    cases = {
        link: "a symbolic link",
        fifo: "not a regular file",
        tmp_path: "not a regular file",
        hard: "has other hard links",
    }
    for path, reason in cases.items():
        for flags in (os.O_RDONLY, os.O_RDWR | os.O_CREAT):
            with pytest.raises(LocalFileError, match=reason) as caught:
                os.close(open_regular(path, flags, single_link=True))
            assert caught.value.path == str(path)
    assert victim.read_bytes() == VICTIM


# --- a link planted at a name attachkit writes --------------------------------------------


@pytest.mark.parametrize("with_sidecar", [False, True], ids=["fresh", "kept"])
def test_a_symlink_at_the_part_name_is_refused_and_its_target_untouched(
    mock: MockServer, stored: tuple[int, bytes], dl: Path, victim: Path, with_sidecar: bool
) -> None:
    attachment_id, _ = stored
    target = dl / "report.txt"
    part_path(target).symlink_to(os.path.relpath(victim, dl))
    if with_sidecar:  # as an earlier run would have left it: the kept path reopens the part
        url = f"{mock.base_url}{scrum_path(attachment_id)}"
        Sidecar(url=url, target="report.txt", size=len(DATA)).write(sidecar_path(target))
    with pytest.raises(LocalFileError, match="symbolic link") as caught:
        _fetch(mock, attachment_id, target)
    assert caught.value.path == str(part_path(target))
    assert victim.read_bytes() == VICTIM
    assert not target.exists()


def test_a_hard_link_at_the_part_name_is_refused_and_its_other_name_untouched(
    mock: MockServer, stored: tuple[int, bytes], dl: Path, victim: Path
) -> None:
    attachment_id, _ = stored
    target = dl / "report.txt"
    os.link(victim, part_path(target))
    with pytest.raises(LocalFileError, match="hard links") as caught:
        _fetch(mock, attachment_id, target)
    assert caught.value.path == str(part_path(target))
    assert victim.read_bytes() == VICTIM


def test_a_symlink_at_the_sidecar_temporary_name_is_replaced_not_followed(
    mock: MockServer, stored: tuple[int, bytes], dl: Path, victim: Path
) -> None:
    attachment_id, data = stored
    target = dl / "report.txt"
    temporary = sidecar_path(target).with_name(sidecar_path(target).name + ".tmp")
    temporary.symlink_to(victim)
    assert _fetch(mock, attachment_id, target).read_bytes() == data
    assert victim.read_bytes() == VICTIM
    assert sorted(p.name for p in dl.iterdir()) == ["report.txt"]


def test_a_symlinked_sidecar_is_not_read_and_the_download_starts_over(
    mock: MockServer, stored: tuple[int, bytes], dl: Path, tmp_path: Path
) -> None:
    attachment_id, data = stored
    target = dl / "report.txt"
    part_path(target).write_bytes(b"JUNK")  # kept bytes that must not be continued
    elsewhere = tmp_path / "elsewhere.json"
    url = f"{mock.base_url}{scrum_path(attachment_id)}"
    Sidecar(url=url, target="report.txt", size=len(data)).write(elsewhere)
    sidecar_path(target).symlink_to(elsewhere)
    assert Sidecar.read(sidecar_path(target)) is None
    assert _fetch(mock, attachment_id, target).read_bytes() == data


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_symlink_at_the_final_name_is_replaced_or_refused_never_followed(
    mock: MockServer, stored: tuple[int, bytes], dl: Path, victim: Path, overwrite: bool
) -> None:
    attachment_id, data = stored
    target = dl / "report.txt"
    target.symlink_to(victim)
    if overwrite:
        assert _fetch(mock, attachment_id, target, overwrite=True).read_bytes() == data
        assert not target.is_symlink()
    else:
        with pytest.raises(DestinationExistsError):
            _fetch(mock, attachment_id, target)
        assert target.is_symlink()
    assert victim.read_bytes() == VICTIM
    assert sorted(p.name for p in dl.iterdir()) == ["report.txt"]


def test_the_cli_refuses_a_part_linked_to_a_victim(
    mock: MockServer, stored: tuple[int, bytes], dl: Path, victim: Path
) -> None:
    """The issue's own steps: ``ln -s ../victim.conf dl/.report.txt.part``, then ``--continue``."""
    attachment_id, _ = stored
    part_path(dl / "report.txt").symlink_to("../victim.conf")
    done = _cli_download(mock, mock.base_url, attachment_id, str(dl / "report.txt"))
    assert done.returncode == EXIT_USAGE, done.stderr
    assert ".report.txt.part" in done.stderr and "symbolic link" in done.stderr
    assert "internal error" not in done.stderr
    assert victim.read_bytes() == VICTIM
    assert not (dl / "report.txt").exists()


# --- a FIFO at a name attachkit opens ------------------------------------------------------


@pytest.mark.parametrize("name", [".x.bin.part.json", ".x.bin.part.json.tmp"])
def test_a_fifo_at_a_sidecar_name_neither_blocks_nor_stops_the_download(
    mock: MockServer, stored: tuple[int, bytes], dl: Path, name: str
) -> None:
    """``mkfifo DIR/.x.bin.part.json``, then ``download -o DIR/ --continue``: blocked in open()."""
    attachment_id, data = stored
    os.mkfifo(dl / name)
    done = _cli_download(mock, mock.base_url, attachment_id, f"{dl}/")
    assert done.returncode == EXIT_OK, done.stderr
    assert (dl / "x.bin").read_bytes() == data
    assert sorted(p.name for p in dl.iterdir()) == ["x.bin"]


def test_a_fifo_at_the_part_name_is_refused_without_blocking(
    mock: MockServer, stored: tuple[int, bytes], dl: Path
) -> None:
    attachment_id, _ = stored
    os.mkfifo(dl / ".x.bin.part")
    done = _cli_download(mock, mock.base_url, attachment_id, str(dl / "x.bin"))
    assert done.returncode == EXIT_USAGE, done.stderr
    assert ".x.bin.part" in done.stderr and "not a regular file" in done.stderr
    assert stat.S_ISFIFO(os.lstat(dl / ".x.bin.part").st_mode)
    assert not (dl / "x.bin").exists()


# --- one run at a time per partial ---------------------------------------------------------


@pytest.fixture
def ignores_range() -> Iterator[HostileServer]:
    """A server that answers every GET with the whole file (200), whatever ``Range`` asks."""

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(head("200 OK", content_length=len(DATA), etag='"v1"') + DATA)

    with HostileServer(answer) as server:
        yield server


def _base(server: HostileServer) -> str:
    return server.url.rsplit("/", 1)[0]


def _fetch_from(url: str, dest: Path, **kwargs: object) -> Path:
    with httpx.Client() as client:
        result = fetch(client, client.build_request("GET", url), dest, resume=True, **kwargs)
    assert result.path is not None
    return result.path


def test_a_second_run_on_a_partial_in_use_stops_and_touches_nothing(
    ignores_range: HostileServer, dl: Path
) -> None:
    """Library: run B starts while run A is part-way, against a server that ignores Range."""
    target = dl / "x.bin"
    seen: list[BaseException | None] = []

    def second_run(done: int, total: int | None) -> None:
        if seen or done == 0:
            return
        before = part_path(target).read_bytes()
        try:
            _fetch_from(ignores_range.url, target, policy=NO_RETRY)
            seen.append(None)
        except LocalFileError as exc:
            seen.append(exc)
        assert part_path(target).read_bytes() == before  # not truncated, not appended to

    path = _fetch_from(ignores_range.url, target, progress=second_run, policy=NO_RETRY)
    assert isinstance(seen[0], PartialInUseError), seen
    assert f"another attachkit run is writing {part_path(target)}" in str(seen[0])
    assert path.read_bytes() == DATA  # one consistent answer, no zeros
    assert list_partials(dl) == []


def test_the_cli_says_another_run_holds_the_partial_and_exits_nonzero(
    mock: MockServer, ignores_range: HostileServer, dl: Path
) -> None:
    """Two ``--continue`` downloads of one file into one directory (A in-process, B a child)."""
    target = dl / "x.bin"
    results: list[subprocess.CompletedProcess[str]] = []

    def second_run(done: int, total: int | None) -> None:
        if not results and done > 0:
            results.append(_cli_download(mock, _base(ignores_range), 1, str(target)))

    path = _fetch_from(ignores_range.url, target, progress=second_run, policy=NO_RETRY)
    (second,) = results
    assert second.returncode == EXIT_USAGE, second.stderr
    assert "another attachkit run is writing" in second.stderr and ".x.bin.part" in second.stderr
    assert path.read_bytes() == DATA
    assert sorted(p.name for p in dl.iterdir()) == ["x.bin"]


# --- attachkit clean in the same hostile directory -----------------------------------------


def test_clean_survives_links_and_fifos_and_leaves_a_partial_in_use_alone(
    ignores_range: HostileServer, dl: Path, victim: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (dl / ".a.part").symlink_to(victim)
    (dl / ".a.part.json").symlink_to(victim)
    os.mkfifo(dl / ".b.part")
    os.mkfifo(dl / ".b.part.json")
    os.mkfifo(dl / ".c.0123456789ab.part")
    target = dl / "x.bin"
    cleaned: list[int] = []

    def clean_meanwhile(done: int, total: int | None) -> None:
        if not cleaned and done > 0:
            cleaned.append(main(["clean", str(dl), "--remove", "--older-than", "0"]))
            assert part_path(target).exists() and sidecar_path(target).exists()

    path = _fetch_from(ignores_range.url, target, progress=clean_meanwhile, policy=NO_RETRY)
    assert cleaned == [EXIT_OK]
    out = capsys.readouterr().out
    assert "in use" in out and ".x.bin.part" in out
    assert path.read_bytes() == DATA
    assert victim.read_bytes() == VICTIM
    assert sorted(p.name for p in dl.iterdir()) == sorted(
        [".a.part", ".a.part.json", ".b.part", ".b.part.json", ".c.0123456789ab.part", "x.bin"]
    )
