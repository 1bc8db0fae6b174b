"""The mock guards itself (issue 14, items 5-11): a hostile or broken client cannot take it over,
hang it, exhaust it or make it answer 500.

Every server these tests start listens on 127.0.0.1 and is stopped by the test; every socket
has a timeout, every loop a bound, every body a size.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from attachkit.auth import AkSkAuth
from attachkit.credentials import Credentials
from attachkit.mock import FaultRule, Limits, MockConfig, MockServer
from attachkit.mock.config import CONTROL_TOKEN_HEADER, ENV_CONTROL_TOKEN
from attachkit.mock.multipart import MultipartParser, PartData, PartStart
from attachkit.mock.server import RemoteBindRefused, is_loopback
from attachkit.mock.storage import Recovery
from tests.mock_helpers import (
    COC_UPLOAD,
    IPD_UPLOAD,
    SCRUM_UPLOAD,
    scrum_path,
    upload_scrum,
)

MiB = 1024 * 1024


# -- raw HTTP on a socket, for what httpx will not send --------------------------------------------


def _connect(server: MockServer, timeout: float = 5.0) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=timeout)


def _head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _signed_head(server: MockServer, path: str, headers: dict[str, str]) -> bytes:
    """The head of a POST signed with the server's AK/SK, its body yet to be sent."""
    request = httpx.Request("POST", server.base_url + path, headers=headers)
    AkSkAuth(server.credentials).sign(request)
    lines = [f"POST {request.url.raw_path.decode('ascii')} HTTP/1.1"]
    lines += [f"{k.decode('latin-1')}: {v.decode('latin-1')}" for k, v in request.headers.raw]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _read_until_closed(
    sock: socket.socket, deadline: float, limit: int = MiB
) -> tuple[bytes, bool]:
    """What the server sends until it closes (True) or the deadline passes (False)."""
    received = bytearray()
    while time.monotonic() < deadline and len(received) < limit:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            return bytes(received), True
        if not chunk:
            return bytes(received), True
        received += chunk
    return bytes(received), False


def _read_response(sock: socket.socket, deadline: float) -> tuple[int, dict[str, str], bytes]:
    """One response (status, lower-case headers, body by Content-Length) before the deadline."""
    data = bytearray()
    while b"\r\n\r\n" not in data:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        assert chunk, f"closed before a response: {bytes(data)!r}"
        data += chunk
        assert len(data) < MiB
    head, _, rest = bytes(data).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = bytearray(rest)
    while len(body) < length:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        assert chunk
        body += chunk
    return int(status_line.split()[1]), headers, bytes(body[:length])


# -- 5. the control API needs a token and refuses browsers -----------------------------------------

CONTROL_CALLS = [
    ("POST", "/_mock/reset", None),
    ("GET", "/_mock/faults", None),
    ("POST", "/_mock/faults", {"path": "/*", "status": 503, "times": 100}),
    ("DELETE", "/_mock/faults", None),
    ("GET", "/_mock/attachments", None),
    ("POST", "/_mock/worldserver/attach", {"internalName": "x", "resourceId": 1}),
    ("POST", "/_mock/worldserver/expire-sessions", None),
]


@pytest.mark.parametrize("token", [None, "wrong-token-123"], ids=["no token", "wrong token"])
def test_the_control_api_refuses_a_request_without_the_token(
    mock: MockServer, signed_client: httpx.Client, token: str | None
) -> None:
    attachment_id = upload_scrum(signed_client, "keep.txt", b"keep")
    headers = {} if token is None else {CONTROL_TOKEN_HEADER: token}
    for method, path, body in CONTROL_CALLS:
        answer = httpx.request(method, mock.base_url + path, json=body, headers=headers)
        assert answer.status_code == 401, (method, path, answer.text)
        assert CONTROL_TOKEN_HEADER in answer.json()["message"]
        assert mock.control_token not in answer.text
    # Nothing was wiped, no fault was added, and the listing of tokens was not given out.
    assert mock.faults.list() == []
    assert signed_client.get(scrum_path(attachment_id)).content == b"keep"
    # The liveness probe reveals and changes nothing: it stays open.
    assert httpx.get(mock.base_url + "/_mock/health").json() == {"status": "ok"}


def test_the_control_api_works_with_the_token(mock: MockServer, control: httpx.Client) -> None:
    assert mock.control_headers == {CONTROL_TOKEN_HEADER: mock.control_token}
    assert len(mock.control_token) >= 24
    for method, path, body in CONTROL_CALLS:
        answer = control.request(method, path, json=body)
        assert answer.status_code in (200, 201, 204, 404), (method, path, answer.text)
    assert control.get("/_mock/faults").json() == []  # the DELETE removed the POSTed rule


def test_each_mock_generates_its_own_token(mock_factory: Callable[..., MockServer]) -> None:
    first, second = mock_factory(), mock_factory()
    assert first.control_token != second.control_token
    refused = httpx.get(first.base_url + "/_mock/faults", headers=second.control_headers)
    assert refused.status_code == 401


@pytest.mark.parametrize(
    ("headers", "content", "status"),
    [
        # A page's fetch()/form POST: simple requests need no preflight, but carry Origin.
        ({"Origin": "http://evil.example", "Content-Type": "text/plain"}, b"{}", 403),
        ({"Origin": "null", "Content-Type": "application/json"}, b"{}", 403),
        # Without Origin (not a browser) a body still has to be JSON.
        ({"Content-Type": "text/plain"}, b"{}", 415),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"a=b", 415),
        ({"Content-Type": "multipart/form-data; boundary=x"}, b"--x--", 415),
    ],
    ids=["text/plain from a page", "JSON from a sandboxed page", "text/plain", "form", "multipart"],
)
def test_the_control_api_refuses_what_a_browser_can_send(
    mock: MockServer,
    signed_client: httpx.Client,
    headers: dict[str, str],
    content: bytes,
    status: int,
) -> None:
    upload_scrum(signed_client, "keep.txt", b"keep")
    # Even a request that somehow had the token is refused: the token is not the only guard.
    answer = httpx.post(
        mock.base_url + "/_mock/reset",
        content=content,
        headers={**headers, **mock.control_headers},
    )
    assert answer.status_code == status, answer.text
    assert len(mock.app.storage.list()) == 1


def test_a_cors_preflight_gets_no_permission(mock: MockServer) -> None:
    answer = httpx.options(
        mock.base_url + "/_mock/reset",
        headers={
            "Origin": "http://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": CONTROL_TOKEN_HEADER,
        },
    )
    assert answer.status_code == 403
    assert not any(name.startswith("access-control-") for name in answer.headers)


def test_the_token_comes_from_the_config_the_environment_or_the_flag() -> None:
    assert MockConfig(control_token="from-the-config").control_token == "from-the-config"
    loaded = MockConfig.load(environ={ENV_CONTROL_TOKEN: "from-the-environment"})
    assert loaded.control_token == "from-the-environment"
    flag = MockConfig.load(
        environ={ENV_CONTROL_TOKEN: "from-the-environment"}, control_token="from-the-flag"
    )
    assert flag.control_token == "from-the-flag"
    assert "from-the-flag" not in repr(flag)
    for bad in ["short", "has space inside", "line\r\nX-Injected: 1", "é" * 10, "x" * 300]:
        with pytest.raises(ValueError, match="control token") as refused:
            MockConfig(control_token=bad)
        assert bad not in str(refused.value)


def test_a_configured_token_is_the_servers(mock_factory: Callable[..., MockServer]) -> None:
    server = mock_factory(control_token="a-token-i-chose")
    assert server.control_token == "a-token-i-chose"
    with server.control_client() as client:
        assert client.get("/_mock/faults").status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_binding_beyond_loopback_needs_allow_remote(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(RemoteBindRefused, match="allow-remote"):
        MockServer(host=host)


def test_loopback_hosts_are_recognised() -> None:
    assert all(is_loopback(h) for h in ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])


# -- 6. fault rules are validated; a regular expression cannot hang the mock -----------------------

BAD_FAULTS = [
    ('{"path": "/x", "delay": NaN}', "Invalid JSON"),
    ('{"path": "/x", "delay": Infinity}', "Invalid JSON"),
    ('{"path": "/x", "delay": 1e400}', "delay"),
    ('{"path": "/x", "delay": -1}', "delay"),
    ('{"path": "/x", "delay": "1"}', "delay"),
    ('{"path": "/x", "delay": 100000}', "delay"),
    ('{"path": "/x", "status": 200.5}', "status"),
    ('{"path": "/x", "status": 503.0}', "status"),
    ('{"path": "/x", "status": "503"}', "status"),
    ('{"path": "/x", "status": true}', "status"),
    ('{"path": "/x", "status": 99}', "status"),
    ('{"path": "/x", "status": 600}', "status"),
    ('{"path": "/x", "status": 10000000000000000000000}', "status"),
    ('{"path": "/x", "status": 503, "retry_after": "1\\r\\nX-Injected: 1"}', "retry_after"),
    ('{"path": "/x", "status": 503, "retry_after": "1\\nX: 1"}', "retry_after"),
    ('{"path": "/x", "status": 503, "retry_after": -5}', "retry_after"),
    ('{"path": "/x", "status": 503, "retry_after": [1]}', "retry_after"),
    ('{"path": "/x", "retry_after": 1, "delay": 1}', "retry_after"),
    ('{"path": "/x", "method": 5, "status": 503}', "method"),
    ('{"path": "/x", "method": "FETCH", "status": 503}', "method"),
    ('{"path": "/x", "method": ["GET"], "status": 503}', "method"),
    ('{"path": "/x", "method": null, "status": 503}', "method"),
    ('{"path": "/x", "times": 0, "status": 503}', "times"),
    ('{"path": "/x", "times": 1.5, "status": 503}', "times"),
    ('{"path": "/x", "times": true, "status": 503}', "times"),
    ('{"path": "/x", "cut_after": -1}', "cut_after"),
    ('{"path": "/x", "cut_after": 2.5}', "cut_after"),
    ('{"path": "/x", "reset": "yes"}', "reset"),
    ('{"path": "/x", "regex": "true", "status": 503}', "regex"),
    ('{"path": "(", "regex": true, "status": 503}', "path"),
    ('{"path": 5, "status": 503}', "path"),
    ('{"path": "", "status": 503}', "path"),
    ('{"path": "/x", "body": {"a": 1}}', "body"),
    ('{"path": "/x", "status": 503, "surprise": 1}', "unknown fault fields"),
    ('{"status": 503}', "path"),
    ("[1, 2]", "JSON object"),
    ('"a string"', "JSON object"),
]


@pytest.mark.parametrize(("text", "named"), BAD_FAULTS, ids=[t for t, _ in BAD_FAULTS])
def test_a_bad_fault_rule_is_a_400_that_names_the_field(
    mock: MockServer, control: httpx.Client, text: str, named: str
) -> None:
    answer = control.post(
        "/_mock/faults", content=text, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400, answer.text
    assert named in answer.json()["message"]
    assert mock.faults.list() == []


@pytest.mark.parametrize(
    "fields",
    [
        {"status": 200.5},
        {"status": math.nan},
        {"delay": math.inf},
        {"delay": math.nan},
        {"status": 503, "retry_after": "1\r\nX: 1"},
        {"status": 503, "body": {"x": math.nan}},
        {"status": 503, "body": object()},
        {"method": 5, "status": 503},
    ],
    ids=repr,
)
def test_a_bad_fault_rule_is_refused_by_the_python_api(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="fault field"):
        FaultRule(path="/x", **fields)  # type: ignore[arg-type]


def test_valid_rules_of_every_kind_are_still_accepted(control: httpx.Client) -> None:
    for rule in [
        {"path": "/x", "method": "get", "delay": 0.5},
        {"path": "/x", "status": 503, "retry_after": 2.5, "times": 3},
        {"path": "/x", "status": 429, "retry_after": "Wed, 21 Oct 2015 07:28:00 GMT"},
        {"path": "/x", "status": 500, "body": {"code": "X"}},
        {"path": "/x", "cut_after": 0},
        {"path": "/x", "reset": True, "method": "*"},
        {"path": r"/v1/[a-z]+/attachments", "regex": True, "status": 503},
    ]:
        answer = control.post("/_mock/faults", json=rule)
        assert answer.status_code == 201, (rule, answer.text)


# -- 7. multipart parsing in linear time and bounded memory ----------------------------------------


def _parse(parser: MultipartParser, chunks: Iterator[bytes]) -> tuple[int, bytes, int]:
    """Feed everything; (largest buffer held, the file part's bytes, parts started)."""
    largest = 0
    data = bytearray()
    starts = 0
    for chunk in chunks:
        for event in parser.feed(chunk):
            if isinstance(event, PartData):
                data += event.data
            elif isinstance(event, PartStart):
                starts += 1
        largest = max(largest, len(parser._buffer))  # noqa: SLF001 - the memory under test
    parser.close()
    return largest, bytes(data), starts


@pytest.mark.parametrize("padding", [b" ", b"\t", b" \t"])
def test_megabytes_of_padding_after_a_delimiter_are_dropped_as_they_arrive(padding: bytes) -> None:
    boundary = b"bnd"
    tail = b'\r\nContent-Disposition: form-data; name="f"\r\n\r\nDATA\r\n--bnd--\r\n'

    def body() -> Iterator[bytes]:
        yield b"--bnd"
        block = padding * (64 * 1024 // len(padding))
        for _ in range(8 * MiB // len(block)):  # 8 MiB of padding in 64 KiB chunks
            yield block
        yield tail

    largest, data, starts = _parse(MultipartParser(boundary), body())
    assert (data, starts) == (b"DATA", 1)
    # Before: the whole padding was held (and rescanned on every chunk: quadratic time).
    assert largest <= 64 * 1024 + len(tail)


def test_a_header_block_fed_byte_by_byte_is_parsed_whole() -> None:
    # The search for the header block's end resumes where it stopped; its CRLF CRLF may still
    # straddle any two chunks.
    head = b'--bnd\r\nContent-Disposition: form-data; name="f"\r\nX-Pad: ' + b"p" * 8000
    head += b"\r\n\r\nDATA\r\n--bnd--"
    parser = MultipartParser(b"bnd")
    events = []
    for index in range(len(head)):
        events += list(parser.feed(head[index : index + 1]))
    parser.close()
    starts = [e for e in events if isinstance(e, PartStart)]
    assert len(starts) == 1 and starts[0].headers["x-pad"] == "p" * 8000
    assert b"".join(e.data for e in events if isinstance(e, PartData)) == b"DATA"


# -- 8. signature and size are checked before a body is spooled ------------------------------------


def test_an_unauthenticated_hashed_upload_is_refused_before_its_body_is_read(
    mock: MockServer,
) -> None:
    # Hashed (no UNSIGNED-PAYLOAD): its signature needs the body, but an unknown AK does not.
    headers = {
        "Content-Type": "multipart/form-data; boundary=b",
        "Content-Length": str(8 * MiB),
        "X-Sdk-Date": "20261129T000000Z",
        "Authorization": "SDK-HMAC-SHA256 Access=NOBODY, SignedHeaders=host;x-sdk-date, "
        "Signature=00",
    }
    with _connect(mock) as sock:
        sock.sendall(_head("POST", SCRUM_UPLOAD, headers))  # and not one byte of the body
        status, answer_headers, body = _read_response(sock, time.monotonic() + 10)
    assert status == 401 and json.loads(body)["error_code"] == "APIG.0301"
    assert answer_headers.get("connection") == "close"
    assert not any((mock.data_dir / "tmp").iterdir())


def test_a_signed_body_declared_over_12_mb_is_refused_before_it_is_read(mock: MockServer) -> None:
    headers = {
        "Content-Type": "multipart/form-data; boundary=b",
        "Content-Length": str(13 * MiB),
        "X-Sdk-Content-Sha256": "ab" * 32,  # a hashed body: the mock would have to spool it
    }
    with _connect(mock) as sock:
        sock.sendall(_signed_head(mock, SCRUM_UPLOAD, headers))
        status, _, body = _read_response(sock, time.monotonic() + 10)
    assert status == 413 and json.loads(body)["error_code"] == "APIG.0201"


@pytest.mark.parametrize(
    ("path", "limit_name", "code"),
    [
        (SCRUM_UPLOAD, "scrum_max_bytes", "PM.02175146"),
        (IPD_UPLOAD, "ipd_max_bytes", "PM.02175146"),
        (COC_UPLOAD, "coc_max_bytes", "GOM.00007256"),
    ],
)
def test_an_upload_declared_over_its_limit_is_refused_before_it_is_read(
    mock: MockServer, path: str, limit_name: str, code: str
) -> None:
    limit = getattr(mock.config.limits, limit_name)
    headers = {
        "Content-Type": "multipart/form-data; boundary=b",
        "Content-Length": str(limit + MiB),
        "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD",
    }
    with _connect(mock) as sock:
        sock.sendall(_signed_head(mock, path, headers))
        status, answer_headers, body = _read_response(sock, time.monotonic() + 10)
    assert status == 400 and json.loads(body)["error_code"] == code
    assert answer_headers.get("connection") == "close"  # the unread body is not waited for
    assert mock.app.storage.list() == []


def test_a_client_sending_an_oversized_upload_gets_the_refusal(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory(limits=Limits(scrum_max_bytes=MiB))
    with httpx.Client(base_url=server.base_url, auth=AkSkAuth(server.credentials)) as client:
        answer = client.post(SCRUM_UPLOAD, files={"attachment": ("big.bin", b"x" * (8 * MiB))})
        assert answer.status_code == 400 and answer.json()["error_code"] == "PM.02175146"
        # The next request on the same client works (a new connection if needed).
        assert upload_scrum(client, "small.txt", b"small") > 0
    assert [a.file_name for a in server.app.storage.list()] == ["small.txt"]


def test_a_small_refused_body_keeps_the_connection(mock: MockServer) -> None:
    bad = AkSkAuth(Credentials(ak=mock.credentials.ak, sk="wrong-secret"))
    with httpx.Client(base_url=mock.base_url) as client:
        refused = client.post(SCRUM_UPLOAD, files={"attachment": ("a.txt", b"abc")}, auth=bad)
        assert refused.status_code == 401 and "connection" not in refused.headers
        good = AkSkAuth(mock.credentials)
        assert client.post(
            SCRUM_UPLOAD, files={"attachment": ("a.txt", b"abc")}, auth=good
        ).is_success


# -- 9. slow clients are dropped, connections capped -----------------------------------------------


def test_a_request_head_that_drips_is_cut_off_at_the_head_deadline(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory(header_timeout_seconds=0.5)
    with _connect(server) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        closed = False
        for index in range(100):  # a header byte every 0.05 s: progress, but never done
            try:
                sock.sendall(b"X-Slow: a\r\n"[index % 11 : index % 11 + 1])
            except OSError:
                closed = True
                break
            time.sleep(0.05)
        received, eof = _read_until_closed(sock, time.monotonic() + 5)
    assert closed or eof
    assert received.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 5


def test_a_request_head_over_64_kib_is_refused_with_431(mock: MockServer) -> None:
    with _connect(mock) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        sent, closed = 0, False
        while sent < 4 * MiB and not closed:  # never ends the header: only the bound stops it
            sock.settimeout(5)
            try:
                sock.sendall(b"a" * 8192)
            except OSError:
                closed = True
            sent += 8192
            sock.settimeout(0.001)
            with contextlib.suppress(TimeoutError, BlockingIOError):
                closed = closed or bool(sock.recv(1, socket.MSG_PEEK))  # an answer came
        received, eof = _read_until_closed(sock, time.monotonic() + 10)
    assert received.startswith(b"HTTP/1.1 431"), received[:60]
    assert eof and sent <= 1 * MiB  # refused near the bound, not after megabytes


def test_a_request_head_under_64_kib_is_served(mock: MockServer) -> None:
    with _connect(mock) as sock:
        sock.sendall(_head("GET", "/_mock/health", {"X-Big": "a" * 60_000}))
        status, _, _ = _read_response(sock, time.monotonic() + 10)
    assert status == 200


def test_a_pipelined_half_head_gets_its_deadline_once_the_answer_before_it_is_sent(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory(header_timeout_seconds=0.5)
    with _connect(server) as sock:
        whole = _head("GET", "/_mock/health", {})
        sock.sendall(whole + b"GET /_mock/health HTTP/1.1\r\nHost: 12")  # and no more
        status, _, _ = _read_response(sock, time.monotonic() + 5)
        answered = time.monotonic()
        received, eof = _read_until_closed(sock, answered + 10)
    assert status == 200
    assert eof and received.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - answered < 5  # the head deadline, not the 30 s keep-alive


def test_a_connection_that_sends_nothing_is_closed(mock_factory: Callable[..., MockServer]) -> None:
    server = mock_factory(header_timeout_seconds=0.5)
    with _connect(server) as sock:
        received, eof = _read_until_closed(sock, time.monotonic() + 5)
    assert eof and received == b""


def test_a_body_that_stalls_is_dropped_and_leaves_no_file(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory(body_timeout_seconds=0.5)
    headers = {
        "Content-Type": "multipart/form-data; boundary=bnd",
        "Content-Length": "100000",
        "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD",
    }
    part = b'--bnd\r\nContent-Disposition: form-data; name="attachment"; filename="a.txt"\r\n\r\n'
    with _connect(server) as sock:
        sock.sendall(_signed_head(server, SCRUM_UPLOAD, headers) + part + b"x" * 1000)
        received, eof = _read_until_closed(sock, time.monotonic() + 10)
    assert eof and received == b""
    deadline = time.monotonic() + 5
    while any((server.data_dir / "tmp").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any((server.data_dir / "tmp").iterdir())
    assert server.app.storage.list() == []


def test_a_slow_but_steady_upload_is_not_dropped(mock_factory: Callable[..., MockServer]) -> None:
    server = mock_factory(body_timeout_seconds=0.5, header_timeout_seconds=0.5)
    boundary = "slowbnd"
    start = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="attachment"; filename="s.bin"\r\n\r\n'
    )

    def body() -> Iterator[bytes]:
        yield start.encode()
        for _ in range(8):  # 2 s in all, four times the body time-out, never idle that long
            time.sleep(0.25)
            yield b"x" * 1000
        yield f"\r\n--{boundary}--\r\n".encode()

    with httpx.Client(base_url=server.base_url, auth=AkSkAuth(server.credentials)) as client:
        answer = client.post(
            SCRUM_UPLOAD,
            content=body(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["size"] == "8000"


def test_connections_beyond_the_cap_are_refused_at_once(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory(max_connections=5, header_timeout_seconds=1.0)
    sockets = [_connect(server) for _ in range(20)]
    try:
        for sock in sockets:
            sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n")  # half a head each
        time.sleep(0.5)  # well inside the 1 s head deadline
        refused = 0
        for sock in sockets:
            sock.settimeout(0.01)
            try:
                early = sock.recv(64, socket.MSG_PEEK)
            except TimeoutError:
                continue  # still open, waiting for the rest of its head
            assert early.startswith(b"HTTP/1.1 503"), early
            refused += 1
        assert refused == 15
        # Once the head deadline has dropped the half-sent ones, the mock serves again.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if httpx.get(server.base_url + "/_mock/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        assert httpx.get(server.base_url + "/_mock/health", timeout=2).status_code == 200
    finally:
        for sock in sockets:
            sock.close()


def test_a_client_that_stops_reading_a_download_is_dropped(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory(body_timeout_seconds=0.5)
    with httpx.Client(base_url=server.base_url, auth=AkSkAuth(server.credentials)) as client:
        attachment_id = upload_scrum(client, "big.bin", b"y" * (32 * MiB))
        get = client.build_request("GET", scrum_path(attachment_id))
        AkSkAuth(server.credentials).sign(get)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    try:
        sock.settimeout(5)
        sock.connect(("127.0.0.1", server.port))
        lines = [f"GET {get.url.raw_path.decode()} HTTP/1.1"]
        lines += [f"{k.decode()}: {v.decode()}" for k, v in get.headers.raw]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        time.sleep(2.5)  # read nothing: the server's buffers fill and stay full
        received, eof = _read_until_closed(sock, time.monotonic() + 10, limit=64 * MiB)
    finally:
        sock.close()
    assert eof
    assert len(received) < 32 * MiB


# -- 10. odd Range values, a client cut on /_mock/, Windows paths ----------------------------------


@pytest.mark.parametrize(
    ("range_header", "status", "content_range"),
    [
        ("bytes=" + "9" * 5000 + "-", 416, "bytes */10"),
        ("bytes=0-" + "9" * 5000, 206, "bytes 0-9/10"),
        ("bytes=-" + "9" * 5000, 206, "bytes 0-9/10"),
        ("bytes=" + "0" * 5000 + "2-3", 206, "bytes 2-3/10"),
        ("bytes=\u0661-", 200, None),  # ARABIC-INDIC DIGIT ONE is not a DIGIT
        ("bytes=1-2-3", 200, None),
    ],
    ids=["huge start", "huge end", "huge suffix", "many zeros", "non-ASCII digit", "garbage"],
)
def test_a_range_the_mock_cannot_use_is_answered_as_rfc_9110_says(
    mock: MockServer,
    signed_client: httpx.Client,
    range_header: str,
    status: int,
    content_range: str | None,
) -> None:
    attachment_id = upload_scrum(signed_client, "r.txt", b"0123456789")
    answer = signed_client.get(
        scrum_path(attachment_id), headers={b"Range": range_header.encode("utf-8")}
    )
    assert answer.status_code == status
    assert answer.headers.get("content-range") == content_range
    if status == 200:
        assert answer.content == b"0123456789"


def test_a_client_cut_during_a_control_request_logs_no_traceback(mock: MockServer) -> None:
    class Records(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.DEBUG)
            self.records: list[logging.LogRecord] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.records.append(record)

    uvicorn_records, mock_records = Records(), Records()
    uvicorn_logger = logging.getLogger("uvicorn.error")
    mock_logger = logging.getLogger("attachkit.mock")
    previous_level = mock_logger.level
    uvicorn_logger.addHandler(uvicorn_records)
    mock_logger.addHandler(mock_records)
    mock_logger.setLevel(logging.DEBUG)
    try:
        headers = {
            "Content-Type": "application/json",
            "Content-Length": "1000",
            **mock.control_headers,
        }
        with _connect(mock) as sock:
            sock.sendall(_head("POST", "/_mock/faults", headers) + b'{"path": ')
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            "went away" in r.getMessage() for r in mock_records.records
        ):
            time.sleep(0.02)
    finally:
        uvicorn_logger.removeHandler(uvicorn_records)
        mock_logger.removeHandler(mock_records)
        mock_logger.setLevel(previous_level)
    assert any("went away" in r.getMessage() for r in mock_records.records)
    assert [r.getMessage() for r in uvicorn_records.records if r.levelno >= logging.ERROR] == []
    assert mock.faults.list() == []


@pytest.mark.parametrize(
    "disposition_name",
    [
        'filename="C:\\Users\\me\\report.txt"',  # as an old browser sends it
        'filename="C:\\\\Users\\\\me\\\\report.txt"',  # as httpx and curl quote it
        "filename*=UTF-8''C%3A%5CUsers%5Cme%5Creport.txt",
        'filename="\\\\server\\share\\report.txt"',
    ],
    ids=["raw", "escaped", "RFC 5987", "UNC"],
)
def test_a_windows_path_as_an_upload_name_keeps_its_basename(
    mock: MockServer, signed_client: httpx.Client, disposition_name: str
) -> None:
    body = (
        b'--bnd\r\nContent-Disposition: form-data; name="attachment"; '
        + disposition_name.encode()
        + b"\r\n\r\nhello\r\n--bnd--\r\n"
    )
    answer = signed_client.post(
        SCRUM_UPLOAD, content=body, headers={"Content-Type": "multipart/form-data; boundary=bnd"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["file_name"] == "report.txt"


# -- 11. crash leftovers are cleaned at start ------------------------------------------------------


def test_a_restart_removes_files_without_rows_and_rows_without_files(
    tmp_data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = MockServer(MockConfig(data_dir=tmp_data_dir)).start()
    try:
        with httpx.Client(base_url=first.base_url, auth=AkSkAuth(first.credentials)) as client:
            kept = upload_scrum(client, "kept.txt", b"kept")
            lost = upload_scrum(client, "lost.txt", b"lost")
        lost_key = next(a.key for a in first.app.storage.list() if a.public_id == str(lost))
    finally:
        first.stop()
    # What a kill -9 leaves: a file moved in whose row was never committed, a row whose file is
    # gone (a delete cut between its two steps, or a disk mishap), an upload cut in tmp/.
    (tmp_data_dir / "files" / "0123456789abcdef0123456789abcdef").write_bytes(b"orphan")
    (tmp_data_dir / "files" / lost_key).unlink()
    (tmp_data_dir / "tmp" / "partial").write_bytes(b"part")

    with caplog.at_level(logging.WARNING, logger="attachkit.mock"):
        second = MockServer(MockConfig(data_dir=tmp_data_dir)).start()
    try:
        assert second.app.storage.recovery == Recovery(
            orphan_files=1, missing_files=1, partial_uploads=1
        )
        messages = [r.getMessage() for r in caplog.records if r.name == "attachkit.mock"]
        assert any(
            "1 file(s) with no record, 1 record(s) with no file and 1 partial" in m
            for m in messages
        ), messages
        assert sorted(p.name for p in (tmp_data_dir / "files").iterdir()) == [
            a.key for a in second.app.storage.list()
        ]
        assert not any((tmp_data_dir / "tmp").iterdir())
        with httpx.Client(base_url=second.base_url, auth=AkSkAuth(second.credentials)) as client:
            assert client.get(scrum_path(kept)).content == b"kept"
            assert client.get(scrum_path(lost)).status_code == 400
    finally:
        second.stop()
    # A clean restart finds nothing to recover and says nothing.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="attachkit.mock"):
        third = MockServer(MockConfig(data_dir=tmp_data_dir)).start()
    try:
        assert third.app.storage.recovery == Recovery()
        assert not [r for r in caplog.records if r.name == "attachkit.mock"]
    finally:
        third.stop()


@pytest.mark.parametrize(
    "path",
    ["/ws-api/v1/files/attachments", "/v4/no/such/route"],
    ids=["worldserver download (token auth)", "unknown route (404)"],
)
def test_a_request_without_a_body_keeps_its_connection(mock: MockServer, path: str) -> None:
    # No Content-Length and no Transfer-Encoding: the request has no body, so an answer given
    # without reading one must not close the connection (a new TCP connection per download).
    with httpx.Client(base_url=mock.base_url) as client:
        response = client.get(path, headers={"token": "not-a-session"})
    assert response.headers.get("connection") != "close"


def test_an_injected_error_does_not_read_a_large_body(mock: MockServer) -> None:
    # The fault answers first; the 8 MiB body behind it is not read: the connection closes.
    mock.faults.add(FaultRule(path="/v4/upload-sink", method="POST", status=503))
    with httpx.Client(base_url=mock.base_url) as client:
        response = client.post("/v4/upload-sink", content=b"x" * (8 * 1024 * 1024))
    assert response.status_code == 503
    assert response.headers.get("connection") == "close"
