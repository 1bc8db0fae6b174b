"""The attachkit command: results, --json, exit codes, and no traceback for a user's mistake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from attachkit import errors
from attachkit.cli import main
from attachkit.cli.exit_codes import (
    EXIT_AUTH,
    EXIT_INTEGRITY,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_SERVICE_ERROR,
    EXIT_TRANSPORT,
    EXIT_USAGE,
)
from attachkit.cli.failures import exit_code_for
from attachkit.mock import MockServer

SCRUM_PROJECT = "f7a67aee4c034fd6944fd5f769e89042"


@pytest.fixture
def env(mock: MockServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> MockServer:
    for name in list(os.environ):
        if name.startswith(("HUAWEICLOUD_SDK_", "CLOUD_SDK_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", mock.credentials.ak)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", mock.credentials.sk)
    monkeypatch.setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", str(tmp_path / "no-profile"))
    monkeypatch.setenv("ATTACHKIT_WS_PASSWORD", mock.ws_password)
    return mock


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_scrum_round_trip_with_json_output(
    env: MockServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "notes.txt"
    source.write_bytes(b"hello from the command line\n")
    base = ["--json", "codearts-req", "--endpoint", env.base_url, "scrum"]

    code, out, _ = run(
        capsys, *base, "upload", "--project-id", SCRUM_PROJECT, "--issue-id", "42", str(source)
    )
    assert code == EXIT_OK
    uploaded = json.loads(out)
    assert uploaded["file_name"] == "notes.txt"

    target = tmp_path / "out"
    target.mkdir()
    code, out, _ = run(
        capsys, *base, "download", "--project-id", SCRUM_PROJECT, "--issue-id", "42",
        "--attachment-id", str(uploaded["id"]), "-o", str(target),
    )  # fmt: skip
    assert code == EXIT_OK
    result = json.loads(out)
    assert Path(result["path"]) == target / "notes.txt"
    assert result["size"] == source.stat().st_size
    assert (target / "notes.txt").read_bytes() == source.read_bytes()

    # Downloading again onto the same file is refused, and says how to allow it.
    code, out, err = run(
        capsys, *base, "download", "--project-id", SCRUM_PROJECT, "--issue-id", "42",
        "--attachment-id", str(uploaded["id"]), "-o", str(target),
    )  # fmt: skip
    assert code == EXIT_USAGE
    assert "overwrite" in err
    assert json.loads(out)["error"] == "DestinationExistsError"


def test_plain_output_for_coc_and_worldserver(
    env: MockServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF-1.4 fake")
    code, out, _ = run(capsys, "coc", "--endpoint", env.base_url, "upload", str(source))
    assert code == EXIT_OK
    assert out.startswith("uploaded doc_id ")

    ws = ["worldserver", "--endpoint", env.base_url, "--username", env.ws_user]
    code, out, _ = run(capsys, *ws, "upload", "--attribute-definition-id", "5", str(source))
    assert code == EXIT_OK
    internal_name, token = out.strip().removeprefix("uploaded as ").split(" download token ")
    code, out, _ = run(
        capsys, *ws, "download", "--filename", internal_name, "--download-token", token,
        "-o", str(tmp_path / "got.pdf"),
    )  # fmt: skip
    assert code == EXIT_OK
    assert (tmp_path / "got.pdf").read_bytes() == source.read_bytes()


def test_a_local_file_error_is_a_usage_error_naming_the_path(
    env: MockServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "file.txt").write_text("a file, not a directory")
    target = tmp_path / "file.txt" / "out.txt"
    code, _, err = run(
        capsys, "coc", "--endpoint", env.base_url, "download", "--doc-id", "x", "-o", str(target)
    )
    assert code == EXIT_USAGE
    assert err.strip() == f"attachkit: error: {tmp_path / 'file.txt'}: Not a directory"


def test_download_prints_the_sha256_and_fsyncs_only_when_asked(
    env: MockServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hashlib

    source = tmp_path / "report.txt"
    source.write_bytes(b"evidence\n" * 100)
    code, out, _ = run(capsys, "coc", "--endpoint", env.base_url, "upload", str(source))
    doc_id = out.strip().removeprefix("uploaded doc_id ").split()[0]
    fsyncs: list[int] = []
    monkeypatch.setattr(os, "fsync", fsyncs.append)
    coc = ["coc", "--endpoint", env.base_url, "download", "--doc-id", doc_id]

    code, out, _ = run(capsys, *coc, "-o", str(tmp_path / "plain.txt"))
    assert code == EXIT_OK and "sha256" not in out and fsyncs == []

    code, out, _ = run(capsys, *coc, "-o", str(tmp_path / "checked.txt"), "--sha256", "--fsync")
    assert code == EXIT_OK
    assert f"sha256 {hashlib.sha256(source.read_bytes()).hexdigest()}" in out
    assert len(fsyncs) == 2  # the file, then its directory


def test_invalid_parameter_is_a_usage_error_without_traceback(
    env: MockServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "codearts-req", "--endpoint", env.base_url, "ipd", "list",
        "--project-id", "short", "--issue-id", "956239067176935400",
    )  # fmt: skip
    assert code == EXIT_USAGE
    assert "--project-id" in err and "minLength 32" in err
    assert "Traceback" not in err


def test_wrong_secret_exits_with_the_authentication_code(
    env: MockServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "wrong-secret")
    code, _, err = run(
        capsys, "codearts-req", "--endpoint", env.base_url, "ipd", "list",
        "--project-id", SCRUM_PROJECT, "--issue-id", "956239067176935400",
    )  # fmt: skip
    assert code == EXIT_AUTH
    assert "APIG.0301" in err
    assert "wrong-secret" not in err


def test_missing_credentials_list_where_they_were_looked_for(
    env: MockServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK")
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK")
    code, _, err = run(
        capsys, "coc", "--endpoint", env.base_url, "download", "--doc-id", "x", "-o", "x"
    )
    assert code == EXIT_AUTH
    assert "HUAWEICLOUD_SDK_AK" in err


def test_unknown_worldserver_file_is_not_found(
    env: MockServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, _ = run(
        capsys, "worldserver", "--endpoint", env.base_url, "--username", env.ws_user,
        "download", "--filename", "attr1-1_nothing.txt", "-o", str(tmp_path / "x"),
    )  # fmt: skip
    assert code == EXIT_NOT_FOUND
    assert not (tmp_path / "x").exists()


def test_unreachable_endpoint_is_a_transport_error(
    env: MockServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "codearts-req", "--endpoint", "http://127.0.0.1:9", "ipd", "list",
        "--project-id", SCRUM_PROJECT, "--issue-id", "956239067176935400", "--max-retries", "0",
    )  # fmt: skip
    assert code == EXIT_TRANSPORT
    assert "Traceback" not in err


def test_sk_on_the_command_line_draws_a_warning(
    env: MockServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "codearts-req", "--endpoint", env.base_url, "--ak", env.credentials.ak,
        "--sk", env.credentials.sk, "ipd", "list",
        "--project-id", SCRUM_PROJECT, "--issue-id", "956239067176935400",
    )  # fmt: skip
    assert code == EXIT_OK
    assert "warning: an SK on the command line" in err


def test_argument_mistakes_exit_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "codearts-req", "scrum", "download", "--project-id", "x")
    assert code == EXIT_USAGE
    assert err.count("\n") == 1 and "--issue-id" in err


def test_a_bug_is_one_line_and_its_traceback_needs_debug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import attachkit.cli.run as cli_run

    def broken(args: object) -> int:
        raise RuntimeError("something attachkit got wrong")

    monkeypatch.setattr(cli_run, "ipd_list", broken)
    argv = ["codearts-req", "--endpoint", "http://127.0.0.1:9", "ipd", "list",
            "--project-id", SCRUM_PROJECT, "--issue-id", "956239067176935400"]  # fmt: skip
    code, _, err = run(capsys, *argv)
    assert code == EXIT_SERVICE_ERROR
    assert "Traceback" not in err and err.count("\n") == 1
    assert "internal error: RuntimeError: something attachkit got wrong" in err
    assert "--debug" in err
    code, _, err = run(capsys, *argv, "--debug")
    assert "Traceback" in err and "something attachkit got wrong" in err


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.IntegrityError("short"), EXIT_INTEGRITY),
        (errors.TimeoutError("slow"), EXIT_TRANSPORT),
        (errors.NotFoundError(404), EXIT_NOT_FOUND),
        (errors.PermissionDeniedError(403), EXIT_AUTH),
        (errors.ConflictError(409), EXIT_SERVICE_ERROR),
        (errors.ServerError(503), EXIT_SERVICE_ERROR),
        # The service answered 2xx, just not as documented: not "no answer" (EXIT_TRANSPORT).
        (errors.UnexpectedResponseError(201, "not documented"), EXIT_SERVICE_ERROR),
        (errors.LocalFileError("out/f.bin", "No space left on device"), EXIT_USAGE),
        (RuntimeError("bug"), None),  # a bug in attachkit: one line, the traceback with --debug
    ],
)
def test_each_error_family_has_its_exit_code(error: BaseException, code: int | None) -> None:
    assert exit_code_for(error) == code


def test_tour_runs_end_to_end_as_a_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "attachkit", "--json", "tour", "--size", "200000"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == EXIT_OK, result.stderr
    summary = json.loads(result.stdout)
    assert [s["service"] for s in summary["services"]] == [
        "CodeArts Req (Scrum)", "CodeArts Req (IPD)", "COC", "WorldServer",
    ]  # fmt: skip
    assert all(s["sha256_matches"] and s["bytes"] == 200000 for s in summary["services"])
