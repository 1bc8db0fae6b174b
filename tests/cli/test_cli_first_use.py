"""A new user's first hour with the ``attachkit`` command (issue 13), through the real command.

Every test runs ``python -m attachkit`` in a subprocess, as a shell would, against the mock
service (or a small hostile server) on 127.0.0.1. What a user may rely on: a mistake is one
line on stderr that names the path, flag or value and says what to do, in flags; local mistakes
exit 2; nothing a server sends reaches the terminal unescaped; ``-`` is stdin and stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from attachkit.mock import MockServer

SCRUM_PROJECT = "f7a67aee4c034fd6944fd5f769e89042"
SCRUM_ISSUE = "5667740"
IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"
ESC = "\x1b"


def cli_env(mock: MockServer | None, tmp_path: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HUAWEICLOUD_SDK_", "CLOUD_SDK_", "ATTACHKIT_"))
    }
    env["HUAWEICLOUD_SDK_CREDENTIALS_FILE"] = str(tmp_path / "no-profile")
    env["HUAWEICLOUD_SDK_AK"] = "ATTACHKITDEVAK00000000"
    env["HUAWEICLOUD_SDK_SK"] = "attachkit-dev-secret"
    if mock is not None:
        env["HUAWEICLOUD_SDK_AK"] = mock.credentials.ak
        env["HUAWEICLOUD_SDK_SK"] = mock.credentials.sk
        env["ATTACHKIT_WS_PASSWORD"] = mock.ws_password
    return env


def attachkit(
    tmp_path: Path,
    mock: MockServer | None,
    *argv: str,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    python: list[str] | None = None,
    **run: Any,
) -> subprocess.CompletedProcess[bytes]:
    command = (python or [sys.executable, "-m", "attachkit"]) + list(argv)
    return subprocess.run(
        command,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=tmp_path,
        env=env or cli_env(mock, tmp_path),
        timeout=120,
        **run,
    )


def one_line_error(result: subprocess.CompletedProcess[bytes], code: int = 2) -> str:
    """The single stderr line of a failed command, after checking its shape."""
    err = result.stderr.decode()
    assert result.returncode == code, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("attachkit: error: "), err
    assert "None: None" not in err
    return lines[0]


def scrum(mock: MockServer, operation: str, *extra: str) -> list[str]:
    return ["codearts-req", "--endpoint", mock.base_url, "scrum", operation,
            "--project-id", SCRUM_PROJECT, "--issue-id", SCRUM_ISSUE, *extra]  # fmt: skip


def upload_scrum(tmp_path: Path, mock: MockServer, data: bytes, name: str = "notes.txt") -> str:
    (tmp_path / name).write_bytes(data)
    result = attachkit(tmp_path, mock, "--json", *scrum(mock, "upload", name))
    assert result.returncode == 0, result.stderr
    return str(json.loads(result.stdout)["id"])


# --- local files: the path, what the system said, exit 2 ---------------------------------------


def test_download_into_a_missing_directory_creates_it_as_a_trailing_slash_does(
    mock: MockServer, tmp_path: Path
) -> None:
    # `-o q/sub/f.txt` and `-o a/b/` alike create the missing directories, once the answer came.
    attachment = upload_scrum(tmp_path, mock, b"hello")
    for output, made in (("q/sub/f.txt", "q/sub/f.txt"), ("a/b/", "a/b/notes.txt")):
        result = attachkit(tmp_path, mock, *scrum(mock, "download", "--attachment-id", attachment,
                                                   "-o", output))  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert (tmp_path / made).read_bytes() == b"hello"
    # A refused download (no such attachment) leaves no empty directory behind.
    refused = attachkit(tmp_path, mock, *scrum(mock, "download", "--attachment-id", "999999",
                                                "-o", "nodir/sub/f.txt"))  # fmt: skip
    assert refused.returncode == 1
    assert not (tmp_path / "nodir").exists()
    # A path through a file cannot be created: named, exit 2.
    (tmp_path / "plain").write_bytes(b"")
    blocked = attachkit(tmp_path, mock, *scrum(mock, "download", "--attachment-id", attachment,
                                                "-o", "plain/sub/f.txt"))  # fmt: skip
    assert "plain/sub: Not a directory" in one_line_error(blocked)


def test_uploading_a_directory_names_it_also_in_json(mock: MockServer, tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    line = one_line_error(attachkit(tmp_path, mock, *scrum(mock, "upload", "photos")))
    assert "photos" in line and "directory" in line

    result = attachkit(tmp_path, mock, "--json", *scrum(mock, "upload", "photos"))
    one_line_error(result)
    error = json.loads(result.stdout)
    assert error["error"] == "LocalFileError"
    assert error["path"] == "photos"
    assert error["message"] == "photos: Is a directory"


def test_uploading_a_missing_file_names_it(mock: MockServer, tmp_path: Path) -> None:
    line = one_line_error(attachkit(tmp_path, mock, *scrum(mock, "upload", "nothere.txt")))
    assert "nothere.txt: No such file or directory" in line


def test_a_write_that_fails_mid_download_names_the_destination(
    mock: MockServer, tmp_path: Path
) -> None:
    # A full disk, as far as the process can tell: writes past 64 KiB fail with EFBIG.
    attachment = upload_scrum(tmp_path, mock, os.urandom(1024 * 1024))
    limit = (
        "import resource, runpy, signal, sys;"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536));"
        "sys.argv[0] = 'attachkit'; runpy.run_module('attachkit', run_name='__main__')"
    )
    out = tmp_path / "out"
    out.mkdir()
    result = attachkit(
        tmp_path, mock, *scrum(mock, "download", "--attachment-id", attachment, "-o", "out/f.bin"),
        python=[sys.executable, "-c", limit],
    )  # fmt: skip
    line = one_line_error(result)
    assert "out/" in line and "File too large" in line
    assert list(out.iterdir()) == []  # no partial file left behind


# --- a missing extra ---------------------------------------------------------------------------

# Runs the command with uvicorn made unimportable, as on `pip install attachkit` (no extras).
WITHOUT_UVICORN = """
import sys
class NoUvicorn:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "uvicorn":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoUvicorn())
for name in [n for n in sys.modules if n.partition(".")[0] == "uvicorn"]:
    del sys.modules[name]
from attachkit.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize("argv", [["tour"], ["mock", "serve", "--port", "0"]])
def test_a_command_needing_the_mock_extra_says_how_to_install_it(
    tmp_path: Path, argv: list[str]
) -> None:
    result = attachkit(tmp_path, None, *argv, python=[sys.executable, "-c", WITHOUT_UVICORN])
    line = one_line_error(result)
    assert "pip install 'attachkit[mock]'" in line
    assert "uvicorn" in line


# --- flags with values that make no sense ------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "value", "allowed"),
    [
        ("--timeout", "-1", "greater than 0 and at most 86400"),
        ("--timeout", "0", "greater than 0"),
        ("--timeout", "nan", "greater than 0"),
        ("--timeout", "1e300", "at most 86400"),
        ("--max-retries", "-1", "from 0 (no retries) to 100"),
        ("--max-retries", "lots", "from 0 (no retries) to 100"),
    ],
)
def test_nonsense_network_settings_are_refused_with_the_range(
    mock: MockServer, tmp_path: Path, flag: str, value: str, allowed: str
) -> None:
    argv = ["codearts-req", "--endpoint", mock.base_url, "ipd", "list",
            "--project-id", IPD_PROJECT, "--issue-id", IPD_ISSUE, f"{flag}={value}"]  # fmt: skip
    line = one_line_error(attachkit(tmp_path, mock, *argv))
    assert flag in line and repr(value) in line and allowed in line


@pytest.mark.parametrize(("flag", "value"), [("--timeout", "0"), ("--max-retries", "-5")])
def test_cp_refuses_nonsense_network_settings_too(tmp_path: Path, flag: str, value: str) -> None:
    line = one_line_error(attachkit(tmp_path, None, "cp", f"{flag}={value}", "a.bin", "b.bin"))
    assert "attachkit cp" in line and flag in line and repr(value) in line


@pytest.mark.parametrize("endpoint", ["127.0.0.1:8080", "ftp://host", "http://", "http://h:99999"])
def test_an_endpoint_that_is_no_http_url_is_refused(tmp_path: Path, endpoint: str) -> None:
    argv = ["codearts-req", "--endpoint", endpoint, "ipd", "list",
            "--project-id", IPD_PROJECT, "--issue-id", IPD_ISSUE]  # fmt: skip
    line = one_line_error(attachkit(tmp_path, None, *argv))
    assert f"--endpoint: {endpoint!r} is not an http:// or https:// URL" in line


def test_an_impossible_port_for_the_mock_is_refused_with_the_range(tmp_path: Path) -> None:
    line = one_line_error(attachkit(tmp_path, None, "mock", "serve", "--port", "70000"))
    assert "--port" in line and "'70000'" in line and "0 (any) to 65535" in line


# --- the command line's own words --------------------------------------------------------------


def test_messages_name_flags_not_keyword_arguments(mock: MockServer, tmp_path: Path) -> None:
    attachment = upload_scrum(tmp_path, mock, b"hello")
    (tmp_path / "f.txt").write_bytes(b"mine")
    download = scrum(mock, "download", "--attachment-id", attachment, "-o", "f.txt")
    line = one_line_error(attachkit(tmp_path, mock, *download))
    assert "f.txt exists; pass --overwrite to replace it" in line
    assert (tmp_path / "f.txt").read_bytes() == b"mine"

    no_where = ["codearts-req", "ipd", "list", "--project-id", IPD_PROJECT, "--issue-id", IPD_ISSUE]
    line = one_line_error(attachkit(tmp_path, mock, *no_where))
    assert "--endpoint or --region" in line and "endpoint=" not in line

    env = cli_env(mock, tmp_path)
    del env["HUAWEICLOUD_SDK_AK"], env["HUAWEICLOUD_SDK_SK"]
    line = one_line_error(attachkit(tmp_path, mock, *download, env=env), code=3)
    assert "--ak and --sk" in line and "ak=" not in line
    assert "HUAWEICLOUD_SDK_AK" in line and "CLOUD_SDK_AK" in line

    short = ["codearts-req", "--endpoint", mock.base_url, "ipd", "list",
             "--project-id", "P", "--issue-id", "42"]  # fmt: skip
    line = one_line_error(attachkit(tmp_path, mock, *short))
    assert "invalid --project-id:" in line and "minLength 32" in line


def test_usage_errors_are_one_line_and_json_when_asked(mock: MockServer, tmp_path: Path) -> None:
    argv = ["codearts-req", "--endpoint", mock.base_url, "scrum", "download",
            "--project-id", SCRUM_PROJECT]  # fmt: skip
    line = one_line_error(attachkit(tmp_path, mock, *argv))
    assert "--issue-id" in line and "--help" in line

    result = attachkit(tmp_path, mock, "--json", *argv)
    one_line_error(result)
    error = json.loads(result.stdout)
    assert error["error"] == "UsageError" and error["exit_code"] == 2
    assert "--attachment-id" in error["message"]


# --- server text is shown, never obeyed --------------------------------------------------------

HOSTILE_NAME = f"report{ESC}]0;pwned{chr(7)}{ESC}[2J\u202eexe.pdf"
HOSTILE_MESSAGE = f"bad{ESC}[31m red\r\nforged line\x9b"


class _HostileHandler(BaseHTTPRequestHandler):
    """Answers the IPD list with hostile names and every other request with a hostile error."""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if "/attachments?" in self.path:
            entity = {"id": "1", "store_filename": HOSTILE_NAME, "title": HOSTILE_NAME,
                      "file_size": "5"}  # fmt: skip
            self._send(200, {"status": "success", "result": [entity]})
        else:
            self._send(400, {"error_code": f"PM.{ESC}[5m", "error_msg": HOSTILE_MESSAGE})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", f"req{ESC}[1m")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostileHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _no_raw_controls(data: bytes) -> None:
    text = data.decode()
    assert ESC not in text and "\x07" not in text and "\x9b" not in text and "\u202e" not in text
    assert "\r" not in text


def test_server_names_and_messages_are_escaped(hostile_url: str, tmp_path: Path) -> None:
    base = ["codearts-req", "--endpoint", hostile_url, "ipd"]
    listing = attachkit(tmp_path, None, *base, "list", "--project-id", IPD_PROJECT,
                        "--issue-id", IPD_ISSUE)  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    _no_raw_controls(listing.stdout)
    assert "report\\x1b]0;pwned\\x07\\x1b[2J\\u202eexe.pdf" in listing.stdout.decode()

    as_json = attachkit(tmp_path, None, "--json", *base, "list", "--project-id", IPD_PROJECT,
                        "--issue-id", IPD_ISSUE)  # fmt: skip
    _no_raw_controls(as_json.stdout)
    assert json.loads(as_json.stdout)["result"][0]["store_filename"] == HOSTILE_NAME

    failed = attachkit(tmp_path, None, "--json", *base, "download", "--project-id", IPD_PROJECT,
                       "--attachment-id", IPD_ISSUE, "-o", "x.bin")  # fmt: skip
    line = one_line_error(failed, code=1)
    _no_raw_controls(failed.stderr)
    _no_raw_controls(failed.stdout)
    assert "bad\\x1b[31m red\\x0d\\x0aforged line\\x9b" in line
    error = json.loads(failed.stdout)
    assert error["error_msg"] == HOSTILE_MESSAGE  # JSON carries it exactly, escaped
    assert error["status"] == 400 and error["error_code"] == f"PM.{ESC}[5m"


# --- --json failures carry what the service said ------------------------------------------------


def test_json_error_carries_status_code_and_request_id(mock: MockServer, tmp_path: Path) -> None:
    result = attachkit(tmp_path, mock, "--json", *scrum(mock, "download", "--attachment-id", "7",
                                                         "-o", "x.bin"))  # fmt: skip
    one_line_error(result, code=1)
    error = json.loads(result.stdout)
    assert error["status"] == 400
    assert error["error_code"].startswith("PM.")
    assert error["error_msg"]
    assert error["request_id"]
    assert (error["service"], error["operation"]) == ("codearts-req", "downloadScrumAttachment")


# --- "-" is standard input and standard output -------------------------------------------------


def test_dash_uploads_stdin_and_downloads_to_stdout(mock: MockServer, tmp_path: Path) -> None:
    data = os.urandom(300_000)
    # Without --size: copied to a temporary file first; with it: streamed.
    for size in ([], ["--size", str(len(data))]):
        result = attachkit(tmp_path, mock, "--json",
                           *scrum(mock, "upload", "-", "--store-as", "piped.bin", *size),
                           stdin=data)  # fmt: skip
        assert result.returncode == 0, result.stderr
        uploaded = json.loads(result.stdout)
        assert uploaded["file_name"] == "piped.bin"

        got = attachkit(
            tmp_path,
            mock,
            *scrum(mock, "download", "--attachment-id", str(uploaded["id"]), "-o", "-"),
        )
        assert got.returncode == 0, got.stderr
        assert got.stdout == data  # the bytes and nothing else; the summary went to stderr
        assert "standard output" in got.stderr.decode()
    assert not (tmp_path / "-").exists()


def test_a_reader_that_stops_early_ends_the_download_quietly(
    mock: MockServer, tmp_path: Path
) -> None:
    attachment = upload_scrum(tmp_path, mock, os.urandom(4 * 1024 * 1024))
    argv = scrum(mock, "download", "--attachment-id", attachment, "-o", "-")
    process = subprocess.Popen(  # `attachkit … -o - | head -c 10`
        [sys.executable, "-m", "attachkit", *argv], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, cwd=tmp_path, env=cli_env(mock, tmp_path),
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    assert len(process.stdout.read(10)) == 10
    process.stdout.close()
    err = process.stderr.read().decode()
    process.wait(timeout=60)
    process.stderr.close()
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err == "", err


def test_dash_without_a_name_or_with_a_wrong_size_is_a_usage_error(
    mock: MockServer, tmp_path: Path
) -> None:
    line = one_line_error(attachkit(tmp_path, mock, *scrum(mock, "upload", "-"), stdin=b"x"))
    assert "--store-as" in line
    (tmp_path / "five.txt").write_bytes(b"12345")
    argv = scrum(mock, "upload", "-", "--store-as", "f.txt", "--size", "9")
    with (tmp_path / "five.txt").open("rb") as five:  # `attachkit … - --size 9 < five.txt`
        result = subprocess.run(
            [sys.executable, "-m", "attachkit", *argv], stdin=five, capture_output=True,
            cwd=tmp_path, env=cli_env(mock, tmp_path), timeout=120,
        )  # fmt: skip
    assert "--size 9 but standard input holds 5 bytes" in one_line_error(result)


def test_a_pipe_given_by_path_is_read_like_dash(mock: MockServer, tmp_path: Path) -> None:
    result = attachkit(tmp_path, mock, "--json",
                       *scrum(mock, "upload", "/dev/stdin", "--store-as", "p.txt"),
                       stdin=b"through a pipe")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["size"] == str(len(b"through a pipe"))


# --- units: binary everywhere ------------------------------------------------------------------


def test_size_limits_are_stated_in_mib(mock: MockServer, tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"\0" * (10 * 1024 * 1024 + 1))
    result = attachkit(tmp_path, mock, "coc", "--endpoint", mock.base_url, "upload", "big.txt")
    line = one_line_error(result)
    assert "at most 10 MiB" in line and " MB" not in line


def test_the_tour_names_the_service_whose_limit_the_size_breaks(tmp_path: Path) -> None:
    line = one_line_error(attachkit(tmp_path, None, "tour", "--size", "20971520"))
    assert "COC" in line and "10 MiB" in line and "--size 10485760" in line


# --- connections and WorldServer flags ---------------------------------------------------------


def test_a_refused_connection_names_host_and_port(tmp_path: Path) -> None:
    argv = ["codearts-req", "--endpoint", "http://127.0.0.1:9", "ipd", "list",
            "--project-id", IPD_PROJECT, "--issue-id", IPD_ISSUE]  # fmt: skip
    line = one_line_error(attachkit(tmp_path, None, *argv), code=6)
    assert "cannot connect to 127.0.0.1:9" in line and "refused" in line


def test_worldserver_upload_name_is_store_as_and_filename_is_for_downloads(
    mock: MockServer, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_bytes(b"words")
    ws = ["worldserver", "--endpoint", mock.base_url, "--username", mock.ws_user]
    line = one_line_error(
        attachkit(
            tmp_path,
            mock,
            *ws,
            "upload",
            "--attribute-definition-id",
            "1113",
            "a.txt",
            "--filename",
            "b.txt",
        )  # fmt: skip
    )
    assert "--store-as" in line

    result = attachkit(tmp_path, mock, "--json", *ws, "upload", "--attribute-definition-id",
                       "1113", "a.txt", "--store-as", "b.txt")  # fmt: skip
    assert result.returncode == 0, result.stderr
    internal_name = json.loads(result.stdout)["internalName"]
    assert internal_name.endswith("_b.txt")

    # Not yet attached to a resource: the download needs the token, and the error says so.
    line = one_line_error(
        attachkit(tmp_path, mock, *ws, "download", "--filename", internal_name, "-o", "b.txt"),
        code=1,
    )
    assert "Source asset is not available for download" in line and "--download-token" in line


# --- progress ------------------------------------------------------------------------------------


def frames_on_a_terminal(
    tmp_path: Path, mock: MockServer, *argv: str, columns: int = 80
) -> list[str]:
    """Run the command with stderr on a pseudo-terminal (80 columns unless told); the lines it
    drew there."""
    import fcntl
    import pty
    import re
    import select
    import struct
    import termios

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {**cli_env(mock, tmp_path), "TERM": "xterm-256color", "COLUMNS": str(columns)}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "attachkit", *argv], stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=terminal, cwd=tmp_path, env=env,
    )  # fmt: skip
    os.close(terminal)
    drawn = b""
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], 60)
            assert ready, "no output for 60 s"
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the command exited and closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(controller)
        process.wait(timeout=60)
    assert process.returncode == 0, drawn
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn.decode())
    return [line for line in re.split(r"[\r\n]", text) if line.strip()]


def test_progress_is_labelled_with_the_local_path_and_fits_80_columns(
    mock: MockServer, tmp_path: Path
) -> None:
    data = os.urandom(3 * 1024 * 1024)
    attachment = upload_scrum(tmp_path, mock, data)
    (tmp_path / "downloads").mkdir()
    path = f"/v4/projects/{SCRUM_PROJECT}/issues/{SCRUM_ISSUE}/attachments/{attachment}"
    mock.faults.delay("GET", path, 1.0)  # the first frames are drawn before the answer
    target = "downloads/a-rather-long-directory-name/quarterly-report-final.bin"
    (tmp_path / target).parent.mkdir()
    frames = frames_on_a_terminal(
        tmp_path, mock, *scrum(mock, "download", "--attachment-id", attachment, "-o", target)
    )
    assert (tmp_path / target).read_bytes() == data
    assert frames, "no progress was drawn"
    assert all(len(line) <= 80 for line in frames), frames
    bars = [line for line in frames if "quarterly-report-final.bin" in line]
    assert bars, frames  # labelled with the destination (shortened from the left)
    assert "starting" in bars[0] and "?" not in bars[0]
    assert all(" MB" not in line and "bytes" not in line for line in bars)
    assert any("3.0 MiB" in line for line in bars), bars
