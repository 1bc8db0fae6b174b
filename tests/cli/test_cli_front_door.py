"""The front door (issue 22): a command found by guessing, and every message a next step.

Every test runs ``python -m attachkit`` in a subprocess, as a newcomer's shell would, against
the mock service (or a small server of the test's own) on 127.0.0.1. What a user may rely on:
``attachkit scrum|ipd|coc|ws OPERATION`` with the connection flags after the operation (the
first, longer names still work); a bare command lists what there is; an unknown one names the
nearest; every help ends with an example; an interrupted download says what it kept and how to
continue it, and the continued run says from where; a refusal names the file and the limit in
binary units; a refused signature names where the key came from; a closed pipe ends quietly.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from attachkit.mock import MockServer
from tests.cli.test_cli_first_use import (
    IPD_ISSUE,
    IPD_PROJECT,
    SCRUM_ISSUE,
    SCRUM_PROJECT,
    attachkit,
    cli_env,
    frames_on_a_terminal,
    one_line_error,
)

SERVICES = ("scrum", "ipd", "coc", "ws")


def scrum(mock: MockServer, operation: str, *extra: str) -> list[str]:
    """The short form, with the connection flag after the operation."""
    return ["scrum", operation, "--endpoint", mock.base_url,
            "--project-id", SCRUM_PROJECT, "--issue-id", SCRUM_ISSUE, *extra]  # fmt: skip


# --- a command found by guessing ---------------------------------------------------------------


def test_a_bare_attachkit_lists_the_commands_and_exits_0(tmp_path: Path) -> None:
    result = attachkit(tmp_path, None)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    listed = re.findall(r"^    (\S+)", out, re.M)
    assert listed[:4] == list(SERVICES)
    assert {"cp", "clean", "tour", "mock"} <= set(listed)
    assert "codearts-req" not in listed and "worldserver" not in listed  # aliases, unlisted
    assert "130 interrupted" in out and "141" in out  # the exit table says what 0 means here
    assert result.stderr == b""
    # Every level alike: a command with sub-commands, alone, lists them.
    for group in (["mock"], ["codearts-req"], ["codearts-req", "ipd"]):
        alone = attachkit(tmp_path, None, *group)
        assert alone.returncode == 0 and b"positional arguments" in alone.stdout, group


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_help_and_alone_lists_its_operations(tmp_path: Path, service: str) -> None:
    helped = attachkit(tmp_path, None, service, "--help")
    assert helped.returncode == 0, helped.stderr
    assert b"upload" in helped.stdout and b"download" in helped.stdout
    assert b"\nexample:\n  attachkit " + service.encode() in helped.stdout
    bare = attachkit(tmp_path, None, service)
    assert bare.returncode == 0 and bare.stdout == helped.stdout


def test_every_help_text_ends_with_an_example_line() -> None:
    # In-process, over the whole tree (the four services' --help run as commands above).
    from attachkit.cli import build_parser
    from attachkit.cli.examples import subparsers_of

    def walk(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
        yield parser
        for child in subparsers_of(parser):
            yield from walk(child)

    parsers = list(walk(build_parser()))
    assert len(parsers) > 25
    for parser in parsers:
        example = parser.format_help().rpartition("\nexample:\n  ")[2]
        assert example.startswith("attachkit "), parser.format_help()
        # The example is a command of the tree itself (its long form for an alias).
        words = example.split()
        commands = {"scrum", "ipd", "coc", "ws", "cp", "sync", "check", "clean", "tour", "mock"}
        assert words[1] in commands | {"codearts-req"}, example


@pytest.mark.parametrize(
    ("argv", "nearest"),
    [(["scrm"], "'scrum'"), (["worldservr"], "'worldserver'"), (["scrum", "uplod"], "'upload'")],
)
def test_an_unknown_command_names_the_nearest(
    tmp_path: Path, argv: list[str], nearest: str
) -> None:
    line = one_line_error(attachkit(tmp_path, None, *argv))
    assert f"unknown command {argv[-1]!r}; did you mean {nearest}?" in line


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_the_version_alone(tmp_path: Path, flag: str) -> None:
    from attachkit import __version__

    result = attachkit(tmp_path, None, flag)
    assert (result.returncode, result.stdout.decode()) == (0, f"attachkit {__version__}\n")


def test_the_short_forms_take_the_connection_after_the_operation(
    mock: MockServer, tmp_path: Path
) -> None:
    (tmp_path / "design.pdf").write_bytes(b"a design document\n")
    up = attachkit(tmp_path, mock, "--json", *scrum(mock, "upload", "design.pdf"))
    assert up.returncode == 0, up.stderr
    attachment = str(json.loads(up.stdout)["id"])
    down = attachkit(tmp_path, mock, *scrum(mock, "download", "--attachment-id", attachment,
                                             "-o", "out/"))  # fmt: skip
    assert down.returncode == 0, down.stderr
    assert (tmp_path / "out" / "design.pdf").read_bytes() == b"a design document\n"

    ipd = ["ipd", "list", "--endpoint", mock.base_url, "--project-id", IPD_PROJECT,
           "--issue-id", IPD_ISSUE]  # fmt: skip
    assert attachkit(tmp_path, mock, *ipd).returncode == 0
    coc = attachkit(tmp_path, mock, "coc", "upload", "--endpoint", mock.base_url, "design.pdf")
    assert coc.returncode == 0, coc.stderr
    # WorldServer's user from the environment, under the one name every entry point reads.
    env = {**cli_env(mock, tmp_path), "ATTACHKIT_WS_USERNAME": mock.ws_user}
    ws = attachkit(tmp_path, mock, "ws", "upload", "--endpoint", mock.base_url,
                   "--attribute-definition-id", "1113", "design.pdf", env=env)  # fmt: skip
    assert ws.returncode == 0, ws.stderr

    # The first, longer names are aliases that still work.
    long_form = ["codearts-req", "--endpoint", mock.base_url, "scrum", "delete",
                 "--project-id", SCRUM_PROJECT, "--issue-id", SCRUM_ISSUE,
                 "--attachment-id", attachment]  # fmt: skip
    assert attachkit(tmp_path, mock, *long_form).returncode == 0
    ws_long = ["worldserver", "--endpoint", mock.base_url, "--username", mock.ws_user,
               "upload", "--attribute-definition-id", "1113", "design.pdf"]  # fmt: skip
    assert attachkit(tmp_path, mock, *ws_long).returncode == 0


def test_worldserver_without_a_user_names_the_flag_and_the_variable(
    mock: MockServer, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_bytes(b"words")
    argv = ["ws", "upload", "--endpoint", mock.base_url, "--attribute-definition-id", "1",
            "a.txt"]  # fmt: skip
    line = one_line_error(attachkit(tmp_path, mock, *argv))
    assert "--username (or $ATTACHKIT_WS_USERNAME)" in line and "attachkit ws upload" in line


# --- an interrupted download says how to continue; the continued one says from where ----------

REPORT = os.urandom(4 * 1024 * 1024)
REPORT_ETAG = '"' + hashlib.sha256(REPORT).hexdigest()[:16] + '"'


class _ThrottledFile(BaseHTTPRequestHandler):
    """One file, ``report.pdf``, with ``Range`` support; dripped while ``slow`` is set."""

    slow = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        start = 0
        wanted = self.headers.get("Range", "")
        if wanted.startswith("bytes=") and self.headers.get("If-Range") == REPORT_ETAG:
            start = int(wanted.removeprefix("bytes=").rstrip("-"))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(REPORT) - 1}/{len(REPORT)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(REPORT) - start))
        self.send_header("Content-Disposition", 'attachment; filename="report.pdf"')
        self.send_header("ETag", REPORT_ETAG)
        self.end_headers()
        step = 64 * 1024
        for offset in range(start, len(REPORT), step):
            try:
                self.wfile.write(REPORT[offset : offset + step])
                self.wfile.flush()
            except OSError:
                return  # the client went away
            if self.slow.is_set():
                time.sleep(0.1)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def throttled_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ThrottledFile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _ThrottledFile.slow.set()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        _ThrottledFile.slow.clear()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _interrupted(tmp_path: Path, argv: list[str], part: Path) -> subprocess.CompletedProcess[str]:
    """Start the download, wait until ``part`` holds some bytes (or, without --continue, a
    moment), press Ctrl-C (SIGINT), and collect what the command said."""
    process = subprocess.Popen(
        [sys.executable, "-m", "attachkit", *argv], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=cli_env(None, tmp_path),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if part.is_file() and part.stat().st_size >= 256 * 1024:
            break
        if "--continue" not in argv and time.monotonic() > deadline - 57:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_ctrl_c_names_the_kept_partial_and_the_continued_run_says_from_where(
    throttled_url: str, tmp_path: Path
) -> None:
    argv = ["coc", "download", "--endpoint", throttled_url, "--doc-id", "d0c", "-o", "out/",
            "--continue"]  # fmt: skip
    part = tmp_path / "out" / ".report.pdf.part"
    stopped = _interrupted(tmp_path, argv, part)
    assert stopped.returncode == 130, stopped.stderr
    assert stopped.stderr.count("\n") == 1 and "Traceback" not in stopped.stderr
    line = stopped.stderr.strip()
    assert line.startswith("attachkit: interrupted; kept ") and "of 4.0 MiB" in line, line
    assert str(Path("out") / ".report.pdf.part") in line
    assert "run the same command with --continue" in line
    kept = part.stat().st_size
    assert 0 < kept < len(REPORT)

    _ThrottledFile.slow.clear()
    resumed = attachkit(tmp_path, None, *argv)
    assert resumed.returncode == 0, resumed.stderr
    said = resumed.stderr.decode()
    assert f"attachkit: resuming report.pdf at {kept / 1024**2:.1f} MiB of 4.0 MiB" in said
    assert (tmp_path / "out" / "report.pdf").read_bytes() == REPORT  # byte-identical
    assert not part.exists()


def test_ctrl_c_without_continue_says_the_flag_would_have_kept_it(
    throttled_url: str, tmp_path: Path
) -> None:
    argv = ["coc", "download", "--endpoint", throttled_url, "--doc-id", "d0c", "-o", "out/"]
    stopped = _interrupted(tmp_path, argv, tmp_path / "out" / ".report.pdf.part")
    assert stopped.returncode == 130, stopped.stderr
    line = stopped.stderr.strip()
    assert line.startswith("attachkit: interrupted; nothing was kept; with --continue"), line
    assert [p.name for p in (tmp_path / "out").iterdir()] == []


# --- refusals name the file and the limit, in binary units --------------------------------------


def test_a_too_large_upload_from_stdin_names_the_file_and_the_limit(
    mock: MockServer, tmp_path: Path
) -> None:
    big = b"\0" * (20 * 1024 * 1024)
    argv = ["coc", "upload", "--endpoint", mock.base_url, "-", "--store-as", "scan.pdf"]
    line = one_line_error(attachkit(tmp_path, mock, *argv, stdin=big))
    assert line == (
        "attachkit: error: standard input: 'scan.pdf' has 20.0 MiB (20971520 bytes), too large "
        "(rule: at most 10 MiB)"
    )
    assert "--store-as" not in line
    (tmp_path / "scan.pdf").write_bytes(big)
    line = one_line_error(attachkit(tmp_path, mock, *argv[:-3], "scan.pdf"))
    assert "'scan.pdf' has 20.0 MiB (20971520 bytes), too large (rule: at most 10 MiB)" in line
    # A refused type is the name's: --store-as when one was given.
    (tmp_path / "a.pdf").write_bytes(b"x")
    named = ["coc", "upload", "--endpoint", mock.base_url, "a.pdf", "--store-as", "a.exe"]
    assert "invalid --store-as: 'a.exe' is not an accepted type" in one_line_error(
        attachkit(tmp_path, mock, *named)
    )


def test_a_download_summary_is_in_binary_units(mock: MockServer, tmp_path: Path) -> None:
    (tmp_path / "f.bin").write_bytes(b"\1" * (3 * 1024 * 1024))
    up = attachkit(tmp_path, mock, "--json", *scrum(mock, "upload", "f.bin"))
    attachment = str(json.loads(up.stdout)["id"])
    down = attachkit(tmp_path, mock, *scrum(mock, "download", "--attachment-id", attachment,
                                             "-o", "copy.bin"))  # fmt: skip
    assert down.stdout.decode() == "copy.bin  3.0 MiB (3145728 bytes)\n"


# --- a refused signature names where the key came from ------------------------------------------


@pytest.mark.parametrize("prefix", ["HUAWEICLOUD_SDK", "CLOUD_SDK"])
def test_a_wrong_sk_names_the_variable_it_came_from_and_the_lockout(
    mock: MockServer, tmp_path: Path, prefix: str
) -> None:
    env = cli_env(mock, tmp_path)
    del env["HUAWEICLOUD_SDK_AK"], env["HUAWEICLOUD_SDK_SK"]
    env[f"{prefix}_AK"], env[f"{prefix}_SK"] = mock.credentials.ak, "wrong-secret"
    argv = ["ipd", "list", "--endpoint", mock.base_url, "--project-id", IPD_PROJECT,
            "--issue-id", IPD_ISSUE]  # fmt: skip
    line = one_line_error(attachkit(tmp_path, mock, *argv, env=env), code=3)
    assert "APIG.0301" in line
    assert f"the AK/SK came from environment variables {prefix}_AK and {prefix}_SK" in line
    assert "check the SK there" in line
    assert "after 5 failures in a row the gateway locks the AK for 5 minutes" in line
    assert "wrong-secret" not in line


def test_a_wrong_sk_from_the_profile_names_the_file(mock: MockServer, tmp_path: Path) -> None:
    profile = tmp_path / "credentials"
    profile.write_text(f"[basic]\nak = {mock.credentials.ak}\nsk = wrong\n")
    profile.chmod(0o600)  # as the profile file should be: no warning besides the error
    env = cli_env(mock, tmp_path)
    del env["HUAWEICLOUD_SDK_AK"], env["HUAWEICLOUD_SDK_SK"]
    env["HUAWEICLOUD_SDK_CREDENTIALS_FILE"] = str(profile)
    argv = ["coc", "download", "--endpoint", mock.base_url, "--doc-id", "x", "-o", "x"]
    line = one_line_error(attachkit(tmp_path, mock, *argv, env=env), code=3)
    assert f"the AK/SK came from profile file {profile}" in line and "[basic]" in line


# --- a closed output pipe ends quietly ----------------------------------------------------------


def test_output_into_head_ends_quietly_with_141(mock: MockServer, tmp_path: Path) -> None:
    (tmp_path / "big.bin").write_bytes(os.urandom(4 * 1024 * 1024))
    up = attachkit(tmp_path, mock, "--json", *scrum(mock, "upload", "big.bin"))
    attachment = str(json.loads(up.stdout)["id"])
    command = " ".join(
        [
            sys.executable,
            "-m",
            "attachkit",
            *scrum(mock, "download", "--attachment-id", attachment, "-o", "-"),
        ]
    )
    script = f'{command} 2>err.txt | head -c 10 > head.bin; echo "${{PIPESTATUS[0]}}"'
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path,
                            env=cli_env(mock, tmp_path), timeout=120)  # fmt: skip
    assert result.stdout.strip() in {"0", "141"}
    assert (tmp_path / "err.txt").read_text() == ""
    assert (tmp_path / "head.bin").stat().st_size == 10


# --- results print only what is set --------------------------------------------------------------

PRINT_RESULTS = f"""
import os, attachkit
creds = attachkit.Credentials.resolve()
url = os.environ["MOCK_URL"]
with attachkit.Coc(endpoint=url, credentials=creds) as coc:
    print(repr(coc.upload(b"some words", filename="a.txt")))
with attachkit.CodeArtsReq(endpoint=url, credentials=creds) as req:
    print(repr(req.scrum.upload("{SCRUM_PROJECT}", {SCRUM_ISSUE}, b"x", filename="b.txt")))
    print(repr(req.ipd.list("{IPD_PROJECT}", "{IPD_ISSUE}")))
from worldserver_client.models import LoginRequest, LoginResult
print(repr(LoginRequest("admin", "pw-secret")), repr(LoginResult("session-secret")))
"""


def test_a_result_repr_shows_only_the_fields_that_are_set(mock: MockServer, tmp_path: Path) -> None:
    env = {**cli_env(mock, tmp_path), "MOCK_URL": mock.base_url}
    result = subprocess.run([sys.executable, "-c", PRINT_RESULTS], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Unset" not in result.stdout and "object at 0x" not in result.stdout
    coc_line, scrum_line, _, login_line = result.stdout.splitlines()
    assert coc_line.startswith("UploadResult(data=ExternalAttachment(doc_id=")
    assert scrum_line.startswith("ScrumAttachment(id=")
    # Secrets are masked, as everywhere else.
    assert (
        login_line == "LoginRequest(username='admin', password='***') LoginResult(session_id='***')"
    )


# --- progress: the file's name, and the width the terminal has -----------------------------------


def test_progress_for_a_directory_names_the_file_and_the_bar_fills_the_line(
    mock: MockServer, tmp_path: Path
) -> None:
    data = os.urandom(3 * 1024 * 1024)
    (tmp_path / "quarterly.bin").write_bytes(data)
    up = attachkit(tmp_path, mock, "--json", *scrum(mock, "upload", "quarterly.bin"))
    attachment = str(json.loads(up.stdout)["id"])
    path = f"/v4/projects/{SCRUM_PROJECT}/issues/{SCRUM_ISSUE}/attachments/{attachment}"
    mock.faults.delay("GET", path, 1.0)  # frames are drawn before and after the answer
    frames = frames_on_a_terminal(
        tmp_path, mock, *scrum(mock, "download", "--attachment-id", attachment,
                               "-o", "a-long-directory-name/"), columns=120,
    )  # fmt: skip
    assert (tmp_path / "a-long-directory-name" / "quarterly.bin").read_bytes() == data
    assert all(len(line) <= 120 for line in frames), frames
    named = [line for line in frames if line.startswith("quarterly.bin")]
    assert named, frames  # relabelled with the file's name once the answer gave it
    bar = max(len(run) for line in named for run in re.findall(r"[━╸╺─]+", line))
    assert bar >= 50, named  # not 12 cells beside an empty label column
