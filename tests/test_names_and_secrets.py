"""Issue 19, classes 4 and 5, through the real ``attachkit`` command and the library.

A name a server proposes never becomes a dot-file or a Windows device on disk, however the
length cut falls. A secret with odd bytes is refused before it reaches a header, and never
echoed; a URL with a secret in it (a query token, a password in its userinfo) is redacted in
every log line and message whichever HTTP path sent it; a credentials file others can read is
warned about; a proxy setting that cannot work is a usage error naming its variable.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import attachkit
from attachkit.mock import MockServer
from tests.hostile_server import HostileServer, head
from tests.mock_helpers import IPD_ISSUE, IPD_PROJECT
from tests.test_cli_first_use import SCRUM_ISSUE, SCRUM_PROJECT
from tests.test_cli_first_use import attachkit as run_cli

# Cut to the 200-byte budget, the stem in front of the extension is only ". " runs.
DOT_RUN = ". " * 110


# --- class 4: names from a server ---------------------------------------------------------------


@pytest.mark.parametrize(
    "disposition",
    [
        f'attachment; filename="{DOT_RUN}.bashrc"',
        "attachment; filename*=UTF-8''" + "%2E%20" * 110 + ".envrc",
    ],
)
def test_a_proposed_name_the_cut_empties_is_saved_as_no_dot_file(
    tmp_path: Path, disposition: str
) -> None:
    body = b"echo pwned\n"

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        connection.sendall(
            head("200 OK", content_length=len(body), content_disposition=disposition) + body
        )

    (tmp_path / "out").mkdir()
    with HostileServer(answer) as server:
        endpoint = server.url.rsplit("/", 1)[0]
        result = run_cli(
            tmp_path,
            None,
            *["codearts-req", "--endpoint", endpoint, "scrum", "download",
              "--project-id", SCRUM_PROJECT, "--issue-id", SCRUM_ISSUE,
              "--attachment-id", "1", "-o", "out/"],
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = [path.name for path in (tmp_path / "out").iterdir()]
    assert written in (["bashrc"], ["envrc"]), written
    assert (tmp_path / "out" / written[0]).read_bytes() == body


def test_download_all_writes_no_dot_file_for_a_stored_name_the_cut_empties(
    mock: MockServer, tmp_path: Path
) -> None:
    with attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials) as req:
        req.ipd.upload(IPD_PROJECT, IPD_ISSUE, b"export PATH=/tmp\n", filename=DOT_RUN + ".envrc")
    result = run_cli(
        tmp_path,
        mock,
        *["codearts-req", "--endpoint", mock.base_url, "ipd", "download-all",
          "--project-id", IPD_PROJECT, "--issue-id", IPD_ISSUE, "-o", "out"],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [path.name for path in (tmp_path / "out").iterdir()] == ["envrc"]


DEVICE_VARIANTS = ["CON .txt", "COM\u00b9.txt", "CONIN$", "CONOUT$.log", "LPT\u00b2"]


@pytest.mark.parametrize("name", DEVICE_VARIANTS)
def test_download_all_neutralises_windows_device_variants(
    mock: MockServer, tmp_path: Path, name: str
) -> None:
    with attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials) as req:
        req.ipd.upload(IPD_PROJECT, IPD_ISSUE, b"data", filename=name)
        result = req.ipd.download_all(IPD_PROJECT, IPD_ISSUE, tmp_path)
    assert [item.name for item in result.items] == ["_" + name]
    assert (tmp_path / ("_" + name)).read_bytes() == b"data"
