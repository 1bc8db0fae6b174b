"""The mock refuses bad input with 400, never 500 (issue 19, class 6).

A JSON body nested without bound, an upload whose ``filename*`` names a codec that is no
charset, strangers locking the development AK, an untested uvicorn under the connection guard,
and a client that goes away mid-download: each is answered (or logged) the way a service would,
never with a traceback.

Every server these tests start listens on 127.0.0.1 and is stopped by the test.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import struct
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from attachkit.auth import AkSkAuth
from attachkit.cli.mock import build_parser, config_from_args, main
from attachkit.credentials import Credentials
from attachkit.mock import MockConfig, MockServer
from attachkit.mock.config import DEV_AK
from attachkit.mock.guard import (
    UntestedUvicorn,
    check_uvicorn_version,
    uvicorn_requirement,
)
from attachkit.mock.jsonbody import MAX_JSON_DEPTH, InvalidJson, parse_json
from tests.mock_helpers import SCRUM_UPLOAD, coc_path, scrum_path, upload_scrum

MiB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self) -> list[str]:
        return [f"{r.name}: {r.getMessage()}" for r in self.records]


@contextlib.contextmanager
def _mock_log() -> Iterator[_Records]:
    """Every line the running mock logs: its own, uvicorn's and asyncio's transports'."""
    records = _Records()
    loggers = [logging.getLogger(n) for n in ("attachkit.mock", "uvicorn.error", "asyncio")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(records)
        logger.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(records)
            logger.setLevel(level)


def _errors(records: _Records) -> list[str]:
    return [
        line
        for r, line in zip(records.records, records.lines(), strict=True)
        if r.levelno >= logging.ERROR
    ]


# -- JSON bodies: one bounded parse ----------------------------------------------------------------

DEEP_ARRAY = b"[" * 100_000 + b"]" * 100_000
DEEP_USERNAME = b'{"username": ' + DEEP_ARRAY + b', "password": "x"}'


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/ws-api/v1/login", DEEP_ARRAY),
        ("/ws-api/v1/login", DEEP_USERNAME),
        ("/_mock/faults", DEEP_ARRAY),
        ("/_mock/faults", b'{"path": "/x", "status": 503, "body": ' + DEEP_ARRAY + b"}"),
    ],
    ids=["login, deep array", "login, deep username", "faults, deep array", "faults, deep body"],
)
def test_a_json_body_nested_100000_deep_is_a_400(mock: MockServer, path: str, body: bytes) -> None:
    with _mock_log() as records:
        answer = httpx.post(
            mock.base_url + path,
            content=body,
            headers={"Content-Type": "application/json", **mock.control_headers},
            timeout=30,
        )
    assert answer.status_code == 400, answer.text
    # WorldServer's documented 400 body, and the control API's own: both {"message": ...}.
    assert answer.json() == {"message": f"Invalid JSON: nested deeper than {MAX_JSON_DEPTH}"}
    assert _errors(records) == []
    assert mock.faults.list() == []


def test_json_within_the_bounds_is_still_read(mock: MockServer) -> None:
    nested: object = "deepest"
    for _ in range(MAX_JSON_DEPTH - 2):  # the rule object and its "body" are two levels
        nested = [nested]
    with mock.control_client() as control:
        added = control.post("/_mock/faults", json={"path": "/x", "status": 503, "body": nested})
    assert added.status_code == 201, added.text
    # Brackets inside a string are characters, not nesting (255 is the longest username).
    login = httpx.post(
        mock.base_url + "/ws-api/v1/login",
        json={"username": "[{" * 127, "password": "x"},
    )
    assert login.status_code == 401, login.text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a": "\\"[[[["}', {"a": '"[[[['}),
        ('["\\\\", [1]]', ["\\", [1]]),
        ("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH, None),
    ],
    ids=["escaped quote", "escaped backslash", "at the bound"],
)
def test_parse_json_counts_nesting_outside_strings_only(text: str, value: object) -> None:
    parsed = parse_json(text.encode())
    if value is not None:
        assert parsed == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "nested deeper than"),
        (b'{"a": NaN}', "Invalid JSON"),
        (b'"\xff"', "not UTF-8"),
        (b"[1,", "Invalid JSON"),
        (b"1" * 5000, "Invalid JSON"),  # more digits than int() takes
    ],
    ids=["one past the bound", "NaN", "not UTF-8", "truncated", "huge integer"],
)
def test_parse_json_refuses_with_invalid_json(raw: bytes, message: str) -> None:
    with pytest.raises(InvalidJson, match=message):
        parse_json(raw)


# -- multipart filename*: only the charsets RFC 8187 allows ----------------------------------------


def _upload_with_disposition(client: httpx.Client, disposition: bytes) -> httpx.Response:
    body = (
        b'--bnd\r\nContent-Disposition: form-data; name="attachment"; '
        + disposition
        + b"\r\n\r\nhello\r\n--bnd--\r\n"
    )
    return client.post(
        SCRUM_UPLOAD, content=body, headers={"Content-Type": "multipart/form-data; boundary=bnd"}
    )


@pytest.mark.parametrize(
    "extended",
    [
        b"undefined''x",
        b"punycode''x",
        b"utf-8\x00''x",
        b"koi8-r''x",
        b"utf-8''%ff.txt",
        b"no-quotes",
    ],
    ids=["undefined codec", "punycode", "NUL in charset", "other charset", "bad UTF-8", "no '"],
)
def test_an_upload_whose_filename_star_cannot_be_decoded_is_a_400(
    mock: MockServer, signed_client: httpx.Client, extended: bytes
) -> None:
    with _mock_log() as records:
        answer = _upload_with_disposition(signed_client, b"filename*=" + extended)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["error_code"] == "PM.02170001"
    assert "filename*" in body["error_msg"]
    assert _errors(records) == []
    assert mock.app.storage.list() == []


@pytest.mark.parametrize(
    ("extended", "stored"),
    [(b"UTF-8''r%C3%A9sum%C3%A9.txt", "résumé.txt"), (b"iso-8859-1''r%E9sum%E9.txt", "résumé.txt")],
    ids=["UTF-8", "ISO-8859-1"],
)
def test_an_upload_whose_filename_star_uses_an_allowed_charset_is_stored(
    mock: MockServer, signed_client: httpx.Client, extended: bytes, stored: str
) -> None:
    answer = _upload_with_disposition(signed_client, b"filename*=" + extended)
    assert answer.status_code == 200, answer.text
    assert answer.json()["file_name"] == stored


# -- lock-out: the gateway's behaviour, opt-in -----------------------------------------------------


def test_failed_signatures_do_not_lock_an_ak_by_default(mock: MockServer) -> None:
    # Anyone can send the public development AK with a zero signature; by default that must
    # not lock its owner out for five minutes.
    url = mock.base_url + coc_path("x")
    zero = AkSkAuth(Credentials(ak=DEV_AK, sk="0"))
    for _ in range(10):
        assert httpx.get(url, auth=zero).status_code == 401
    assert httpx.get(url, auth=AkSkAuth(mock.credentials)).status_code == 400  # authenticated


def test_lockout_is_turned_on_by_the_flag_or_the_config() -> None:
    parser = build_parser()
    assert config_from_args(parser.parse_args(["mock", "serve"])).lockout is False
    assert config_from_args(parser.parse_args(["mock", "serve", "--lockout"])).lockout is True
    tuned = config_from_args(
        parser.parse_args(["mock", "serve", "--lockout", "--lockout-failures", "3"])
    )
    assert tuned.lockout and tuned.lockout_failures == 3
    assert MockConfig.load(lockout=True).lockout is True


@pytest.fixture
def never_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    """``mock serve`` in-process fails the test instead of serving forever."""

    def run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the mock started serving")

    monkeypatch.setattr(uvicorn.Server, "run", run)


@pytest.mark.parametrize("flag", [["--lockout-failures", "3"], ["--lockout-seconds", "9"]])
@pytest.mark.usefixtures("never_serve")
def test_tuning_the_lockout_without_turning_it_on_is_refused(
    flag: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mock", "serve", "--port", "0", *flag]) == 2
    assert "need --lockout" in capsys.readouterr().err


def test_the_lockout_flag_says_it_is_the_gateways_behaviour(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["mock", "serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--lockout" in text and "APIG" in text and "off by default" in text


# -- the connection guard runs only on the uvicorn it was tested with ------------------------------


@pytest.mark.parametrize("version", ["0.29.9", "0.56.0", "1.0.0", "not-a-version"])
def test_an_untested_uvicorn_stops_the_mock_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    monkeypatch.setattr(uvicorn, "__version__", version)
    expected = uvicorn_requirement()
    assert expected == "uvicorn>=0.30,<0.56"
    with pytest.raises(UntestedUvicorn, match=re.escape(expected)) as raised:
        MockServer()
    assert version in str(raised.value)


@pytest.mark.usefixtures("never_serve")
def test_serve_refuses_an_untested_uvicorn(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(uvicorn, "__version__", "0.99.0")
    assert main(["mock", "serve", "--port", "0"]) == 2
    captured = capsys.readouterr()
    assert "0.99.0" in captured.err and "tested with" in captured.err
    assert "attachkit mock service on" not in captured.out


def test_the_installed_uvicorn_is_a_tested_one() -> None:
    check_uvicorn_version()  # raises outside the range


def test_the_mock_extra_bounds_uvicorn_to_the_tested_range() -> None:
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert uvicorn_requirement() in extra["mock"]


# -- a client gone mid-download: one line, not one per chunk ---------------------------------------


def test_a_client_gone_mid_download_leaves_one_log_line(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory()
    with httpx.Client(base_url=server.base_url, auth=AkSkAuth(server.credentials)) as client:
        attachment_id = upload_scrum(client, "big.bin", b"y" * (40 * MiB))
        get = client.build_request("GET", scrum_path(attachment_id))
        AkSkAuth(server.credentials).sign(get)
    head = [f"GET {get.url.raw_path.decode()} HTTP/1.1"]
    head += [f"{k.decode()}: {v.decode()}" for k, v in get.headers.raw]
    with _mock_log() as records:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
            received = 0
            while received < 4 * MiB:
                chunk = sock.recv(65536)
                assert chunk
                received += len(chunk)
            # Close with RST: the mock's next write fails at once.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            "went away" in line for line in records.lines()
        ):
            time.sleep(0.05)
        time.sleep(0.5)  # anything logged after the mock's line would show here
    lines = records.lines()
    assert len(lines) == 1, lines
    assert "went away" in lines[0] and "download" in lines[0]
