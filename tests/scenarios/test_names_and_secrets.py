"""Issue 19, classes 4 and 5, through the real ``attachkit`` command and the library.

A name a server proposes never becomes a dot-file or a Windows device on disk, however the
length cut falls. A secret with odd bytes is refused before it reaches a header, and never
echoed; a URL with a secret in it (a query token, a password in its userinfo) is redacted in
every log line and message whichever HTTP path sent it; a credentials file others can read is
warned about; a proxy setting that cannot work is a usage error naming its variable.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import sys
import warnings
from pathlib import Path

import httpx
import pytest

import attachkit
from attachkit.credentials import Credentials
from attachkit.errors import ConfigurationError, InsecureCredentialsFileWarning
from attachkit.mock import MockServer
from attachkit.redaction import loggable_url
from attachkit.transfer.partials import public_url
from tests.cli.test_cli_first_use import SCRUM_ISSUE, SCRUM_PROJECT, cli_env, one_line_error
from tests.cli.test_cli_first_use import attachkit as run_cli
from tests.hostile_server import HostileServer, head
from tests.mock_helpers import IPD_ISSUE, IPD_PROJECT

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


# --- class 5: secrets with odd bytes --------------------------------------------------------------


def secrets_env(mock: MockServer | None, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The command's environment with no proxy setting unless the test adds one."""
    env = {
        name: value
        for name, value in cli_env(mock, tmp_path).items()
        if not name.lower().endswith("_proxy")
    }
    env.update(extra)
    return env


IPD_LIST = ["ipd", "list", "--project-id", IPD_PROJECT, "--issue-id", IPD_ISSUE]


def test_a_security_token_with_a_newline_is_refused_and_never_echoed(
    mock: MockServer, tmp_path: Path
) -> None:
    env = secrets_env(mock, tmp_path, HUAWEICLOUD_SDK_SECURITY_TOKEN="a\nSECRET")
    result = run_cli(tmp_path, mock, "codearts-req", "--endpoint", mock.base_url, *IPD_LIST,
                     env=env)  # fmt: skip
    line = one_line_error(result, code=2)
    assert "security_token contains whitespace or control characters" in line
    assert b"SECRET" not in result.stderr + result.stdout

    with pytest.raises(ConfigurationError) as caught:
        Credentials("AK", "SK", security_token="a\r\nX-Evil: SECRET")
    assert "SECRET" not in str(caught.value)


def test_a_profile_token_with_a_continuation_line_is_refused_and_never_echoed(
    mock: MockServer, tmp_path: Path
) -> None:
    profile = tmp_path / "credentials"
    profile.write_text(
        f"[basic]\nak = {mock.credentials.ak}\nsk = {mock.credentials.sk}\n"
        "security_token = a\n  SECRET\n"
    )
    profile.chmod(0o600)
    env = secrets_env(None, tmp_path, HUAWEICLOUD_SDK_CREDENTIALS_FILE=str(profile))
    del env["HUAWEICLOUD_SDK_AK"], env["HUAWEICLOUD_SDK_SK"]
    result = run_cli(tmp_path, mock, "codearts-req", "--endpoint", mock.base_url, *IPD_LIST,
                     env=env)  # fmt: skip
    assert "security_token contains" in one_line_error(result, code=2)
    assert b"SECRET" not in result.stderr + result.stdout


# --- class 5: URLs with secrets, on both HTTP paths -----------------------------------------------

# No proxy variable: the facades send through their own sender. NO_PROXY alone (and a proxy that
# NO_PROXY excludes for 127.0.0.1) makes them hand their requests to httpx's client instead.
PATHS = {
    "sender": {},
    "httpx-client": {"NO_PROXY": "localhost"},
    "httpx-client-proxy-excluded": {
        "HTTP_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "localhost,127.0.0.1",
    },
}


@pytest.mark.parametrize("proxy_env", PATHS.values(), ids=PATHS.keys())
def test_debug_logs_no_endpoint_password(
    mock: MockServer, tmp_path: Path, proxy_env: dict[str, str]
) -> None:
    env = secrets_env(mock, tmp_path, **proxy_env)
    endpoint = mock.base_url.replace("http://", "http://alice:PASSW0RD-7f3@")
    listing = run_cli(tmp_path, mock, "--debug", "codearts-req", "--endpoint", endpoint,
                      *IPD_LIST, env=env)  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    assert b"/attachments" in listing.stderr  # the exchange was logged…
    assert b"PASSW0RD" not in listing.stderr and b"alice" not in listing.stderr  # …redacted


@pytest.mark.parametrize("proxy_env", PATHS.values(), ids=PATHS.keys())
def test_debug_logs_no_download_token(
    mock: MockServer, tmp_path: Path, proxy_env: dict[str, str]
) -> None:
    env = secrets_env(mock, tmp_path, **proxy_env)
    (tmp_path / "a.txt").write_bytes(b"words")
    ws = ["worldserver", "--endpoint", mock.base_url, "--username", mock.ws_user]
    uploaded = run_cli(tmp_path, mock, "--json", *ws, "upload", "--attribute-definition-id",
                       "1113", "a.txt", env=env)  # fmt: skip
    assert uploaded.returncode == 0, uploaded.stderr
    answer = json.loads(uploaded.stdout)
    token = answer["downloadToken"]
    fetched = run_cli(tmp_path, mock, "--debug", *ws, "download", "--filename",
                      answer["internalName"], "--download-token", token, "-o", "b.txt",
                      env=env)  # fmt: skip
    assert fetched.returncode == 0, fetched.stderr
    assert (tmp_path / "b.txt").read_bytes() == b"words"
    assert b"GET " in fetched.stderr  # the exchange was logged…
    assert token.encode() not in fetched.stderr  # …without its token


def _ws_answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/login"):
        return httpx.Response(200, json={"sessionId": "session-1"})
    return httpx.Response(200, content=b"abc")


def test_httpx_log_lines_and_the_attachkit_line_redact_alike(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = "http://alice:PASSW0RD@ws.example.test/files/a.txt?downloadToken=T0KEN#frag"
    assert loggable_url(url) == "http://***@ws.example.test/files/a.txt"
    assert loggable_url(httpx.URL(url)) == loggable_url(url)

    caplog.set_level(logging.DEBUG)
    transport = httpx.MockTransport(_ws_answer)
    with httpx.Client(transport=transport) as client:  # any httpx client in the process
        client.get(url)
    with attachkit.WorldServer(
        "http://alice:PASSW0RD@ws.example.test", "u", "p", transport=transport
    ) as ws:
        ws.download("a.txt", io.BytesIO(), download_token="T0KEN")
    logged = [(r.name, r.getMessage()) for r in caplog.records]
    assert any(name == "httpx" and "http://***@ws.example.test/" in m for name, m in logged)
    assert any(name == "attachkit.http" for name, _ in logged), logged
    assert not [m for _, m in logged if "PASSW0RD" in m or "alice" in m or "T0KEN" in m]


def test_an_invalid_endpoint_is_not_echoed_with_its_password(tmp_path: Path) -> None:
    result = run_cli(tmp_path, None, "codearts-req", "--endpoint", "http://al:PASSW0RD@h:99999",
                     *IPD_LIST, env=secrets_env(None, tmp_path))  # fmt: skip
    line = one_line_error(result)
    assert "'http://***@h:99999' is not an http:// or https:// URL" in line
    assert "PASSW0RD" not in line


def test_a_resume_sidecar_keeps_no_password() -> None:
    assert public_url("http://al:PASSW0RD@h/x?a=1&token=S") == "http://***@h/x?a=1"


# --- class 5: a credentials file others can read ----------------------------------------------


def _profile(tmp_path: Path, mock: MockServer, mode: int) -> Path:
    profile = tmp_path / "credentials"
    profile.write_text(f"[basic]\nak = {mock.credentials.ak}\nsk = {mock.credentials.sk}\n")
    profile.chmod(mode)
    return profile


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_a_credentials_file_others_can_read_is_warned_about(
    mock: MockServer, tmp_path: Path, mode: int
) -> None:
    profile = _profile(tmp_path, mock, mode)
    with pytest.warns(InsecureCredentialsFileWarning) as caught:
        Credentials.resolve(environ={}, profile_path=profile)
    message = str(caught[0].message)
    assert str(profile) in message and f"chmod 600 {profile}" in message
    assert mock.credentials.sk not in message

    env = secrets_env(None, tmp_path, HUAWEICLOUD_SDK_CREDENTIALS_FILE=str(profile))
    del env["HUAWEICLOUD_SDK_AK"], env["HUAWEICLOUD_SDK_SK"]
    result = run_cli(tmp_path, mock, "codearts-req", "--endpoint", mock.base_url, *IPD_LIST,
                     env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stderr.decode().splitlines()
    assert lines == [f"attachkit: warning: {message}"]


def test_a_credentials_file_only_its_owner_can_read_is_used_quietly(
    mock: MockServer, tmp_path: Path
) -> None:
    profile = _profile(tmp_path, mock, 0o600)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Credentials.resolve(environ={}, profile_path=profile)
    env = secrets_env(None, tmp_path, HUAWEICLOUD_SDK_CREDENTIALS_FILE=str(profile))
    del env["HUAWEICLOUD_SDK_AK"], env["HUAWEICLOUD_SDK_SK"]
    result = run_cli(tmp_path, mock, "codearts-req", "--endpoint", mock.base_url, *IPD_LIST,
                     env=env)  # fmt: skip
    assert result.returncode == 0 and result.stderr == b""


# --- class 5: proxy settings that cannot work ---------------------------------------------------

# Runs the command with socksio made unimportable, whether or not it is installed.
WITHOUT_SOCKSIO = """
import sys
class NoSocksio:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "socksio":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoSocksio())
from attachkit.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("ALL_PROXY", "socks5://127.0.0.1:1080", "pip install 'httpx[socks]'"),
        ("HTTP_PROXY", "http://[::1", "Invalid"),
        ("HTTP_PROXY", "ftp://proxy.example", "'ftp'"),
        ("https_proxy", "ftp://bob:PROXYPASS@proxy.example", "'ftp'"),
    ],
)
def test_an_unusable_proxy_setting_is_a_usage_error_naming_the_variable(
    mock: MockServer, tmp_path: Path, variable: str, value: str, says: str
) -> None:
    env = secrets_env(mock, tmp_path, **{variable: value})
    result = run_cli(tmp_path, mock, "codearts-req", "--endpoint", mock.base_url, *IPD_LIST,
                     env=env, python=[sys.executable, "-c", WITHOUT_SOCKSIO])  # fmt: skip
    line = one_line_error(result, code=2)
    assert line.startswith(f"attachkit: error: {variable}") and says in line, line
    assert "PROXYPASS" not in line and "internal error" not in line


def test_the_library_refuses_an_unusable_proxy_setting_too(
    mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "ftp://proxy.example")
    for facade in (attachkit.CodeArtsReq, attachkit.AsyncCodeArtsReq):
        with pytest.raises(ConfigurationError, match="HTTP_PROXY"):
            facade(endpoint=mock.base_url, credentials=mock.credentials)
