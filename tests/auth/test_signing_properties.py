"""Property tests: whatever the path, query and headers, a signed request verifies on the other
side of the wire, and changing any signed part of it makes verification fail for the right
reason. The requests go through httpx, so the verifier sees what httpx would put on the wire."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attachkit.auth import AkSkAuth, sign_request
from attachkit.auth import canonical as c
from attachkit.auth.verifier import (
    RejectReason,
    SecretRecord,
    SignatureRejected,
    Verifier,
    payload_hash_of,
    payload_is_unsigned,
)
from attachkit.credentials import Credentials

PROPERTY_SETTINGS = settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

NOW = datetime(2026, 5, 9, 12, 0, 0, tzinfo=UTC)
CREDS = Credentials("AK-PROP", "sk-prop-secret", security_token="tok-prop", project_id="p1")
AUTH = AkSkAuth(CREDS, clock=lambda: NOW)
VERIFIER = Verifier({CREDS.ak: SecretRecord(CREDS.sk, CREDS.security_token)}.get, clock=lambda: NOW)

HOP_BY_HOP = {"connection", "keep-alive", "te", "trailer", "upgrade", "proxy-connection"}

# Text as users put it in URLs: any Unicode but surrogates (not encodable) and control chars.
any_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
reserved_text = st.text(st.sampled_from(list(":@!$&'()*+,;=%~-._ é一/?#[]")), max_size=8)

path_segment = st.one_of(
    any_text.map(lambda text: text.replace("/", "").replace("?", "").replace("#", "")),
    any_text.map(lambda text: quote(text, safe="")),  # pre-encoded: %2F, %3F, %25 ...
    reserved_text.map(lambda text: quote(text, safe="")),
    reserved_text.map(lambda text: text.replace("/", "").replace("?", "").replace("#", "")),
    st.sampled_from(["", "%2F", "%2f", "a%2Fb", "%7E", "~", "%zz", "%", "+", "%20", "%C3%A9"]),
)
paths = st.lists(path_segment, max_size=6).map(lambda segments: "/" + "/".join(segments))

param_name = st.one_of(st.sampled_from(["a", "b", "multi", "limit", "x y", "é"]), any_text)
param_value = st.one_of(any_text, reserved_text, st.just(""), st.booleans(), st.integers())
queries = st.lists(st.tuples(param_name, param_value), max_size=6)

header_name = st.text(
    st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789-_")),
    min_size=1,
    max_size=12,
).filter(
    lambda name: (
        name.lower()
        not in {"host", "authorization", "content-length", "transfer-encoding", "x-sdk-date"}
        and not name.lower().startswith("x-sdk-")
    )
)
ascii_value = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20)
utf8_value = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=10).map(
    lambda text: text.encode("utf-8")
)
header_value = st.one_of(ascii_value, utf8_value)
headers_strategy = st.lists(st.tuples(header_name, header_value), max_size=5)


def build_request(
    path: str,
    query: list[tuple[str, object]],
    headers: list[tuple[str, str | bytes]],
    method: str = "GET",
    json_body: object = None,
) -> httpx.Request:
    url = httpx.URL("https://svc.example.com:8443").copy_with(path=path)
    request = httpx.Request(
        method,
        url,
        params=query,  # type: ignore[arg-type]
        headers=headers,  # type: ignore[arg-type]
        json=json_body,
    )
    return AUTH.sign(request)


def wire_parts(request: httpx.Request) -> tuple[bytes, bytes, list[tuple[bytes, bytes]], str]:
    path, _, query = request.url.raw_path.partition(b"?")
    headers = list(request.headers.raw)
    body = None if payload_is_unsigned(headers) else request.read()
    return path, query, headers, payload_hash_of(body, headers)


@PROPERTY_SETTINGS
@given(path=paths)
def test_any_path_verifies(path: str) -> None:
    request = build_request(path, [], [])
    raw_path, raw_query, headers, payload = wire_parts(request)
    VERIFIER.verify(request.method, raw_path, raw_query, headers, payload)
    # The canonical URI is stable under re-canonicalisation and always ends in "/".
    canonical = c.canonical_uri(raw_path.decode("ascii"))
    assert canonical.endswith("/")
    assert c.canonical_uri(canonical) == canonical


@PROPERTY_SETTINGS
@given(query=queries)
def test_any_query_verifies_raw_or_as_decoded_pairs(query: list[tuple[str, object]]) -> None:
    request = build_request("/v1/items", query, [])
    raw_path, raw_query, headers, payload = wire_parts(request)
    VERIFIER.verify(request.method, raw_path, raw_query, headers, payload)
    # A server that hands over decoded pairs reaches the same canonical form.
    pairs = parse_qsl(raw_query.decode("ascii"), keep_blank_values=True)
    VERIFIER.verify(request.method, raw_path, pairs, headers, payload)
    # What was sent is already canonical, and canonicalising it again changes nothing.
    assert c.canonical_query(raw_query.decode("ascii")) == raw_query.decode("ascii")


@PROPERTY_SETTINGS
@given(headers=headers_strategy)
def test_any_headers_verify(headers: list[tuple[str, str | bytes]]) -> None:
    request = build_request("/v1/items", [("a", "1")], headers)
    raw_path, raw_query, wire_headers, payload = wire_parts(request)
    VERIFIER.verify(request.method, raw_path, raw_query, wire_headers, payload)
    # A server that decodes header bytes as Latin-1 (ASGI, WSGI) verifies it the same way.
    as_text = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in wire_headers]
    VERIFIER.verify(request.method, raw_path.decode(), raw_query.decode(), as_text, payload)
    signed = request.headers["authorization"].split("SignedHeaders=")[1].split(",")[0]
    for name, _ in headers:
        expected = c.is_signable_header(name.lower().encode("ascii"))
        assert (name.lower() in signed.split(";")) is expected
        assert expected is ("_" not in name and name.lower() not in HOP_BY_HOP)


TAMPERS = [
    "method",
    "path",
    "query_value",
    "query_added",
    "signed_header",
    "header_removed",
    "json_body",
    "date_second",
    "date_stale",
    "date_removed",
    "token_removed",
]

EXPECTED_REASON = {
    "method": RejectReason.SIGNATURE_MISMATCH,
    "path": RejectReason.SIGNATURE_MISMATCH,
    "query_value": RejectReason.SIGNATURE_MISMATCH,
    "query_added": RejectReason.SIGNATURE_MISMATCH,
    "signed_header": RejectReason.SIGNATURE_MISMATCH,
    "header_removed": RejectReason.SIGNED_HEADER_ABSENT,
    "json_body": RejectReason.SIGNATURE_MISMATCH,
    "date_second": RejectReason.SIGNATURE_MISMATCH,
    "date_stale": RejectReason.DATE_EXPIRED,
    "date_removed": RejectReason.DATE_MISSING,
    "token_removed": RejectReason.SECURITY_TOKEN_MISSING,
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | any_text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(any_text, children, max_size=3)
    ),
    max_leaves=8,
)


def _set_header(
    headers: list[tuple[bytes, bytes]], name: bytes, value: bytes | None
) -> list[tuple[bytes, bytes]]:
    kept = [(key, old) for key, old in headers if key.lower() != name]
    return kept if value is None else [*kept, (name, value)]


@PROPERTY_SETTINGS
@given(
    path=paths,
    query=st.lists(st.tuples(param_name, param_value), min_size=1, max_size=4),
    headers=headers_strategy,
    body=json_values,
    tamper=st.sampled_from(TAMPERS),
)
def test_changing_any_signed_part_fails_with_the_right_reason(
    path: str,
    query: list[tuple[str, object]],
    headers: list[tuple[str, str | bytes]],
    body: object,
    tamper: str,
) -> None:
    request = build_request(path, query, headers, method="POST", json_body=body)
    raw_path, raw_query, wire_headers, payload = wire_parts(request)
    VERIFIER.verify("POST", raw_path, raw_query, wire_headers, payload)

    method = "POST"
    if tamper == "method":
        method = "PUT"
    elif tamper == "path":
        raw_path += b"/x"
    elif tamper == "query_value":
        name, _, value = raw_query.partition(b"&")[0].partition(b"=")
        raw_query = raw_query.replace(name + b"=" + value, name + b"=" + value + b"x", 1)
    elif tamper == "query_added":
        raw_query += b"&zz=1"
    elif tamper == "signed_header":
        wire_headers = _set_header(wire_headers, b"x-project-id", b"p2")
    elif tamper == "header_removed":
        wire_headers = _set_header(wire_headers, b"x-project-id", None)
    elif tamper == "json_body":
        payload = payload_hash_of(request.content + b" ", wire_headers)
    elif tamper == "date_second":
        moved = (NOW + timedelta(seconds=1)).strftime(c.SDK_DATE_FORMAT).encode()
        wire_headers = _set_header(wire_headers, b"x-sdk-date", moved)
    elif tamper == "date_stale":
        stale = (NOW - timedelta(minutes=16)).strftime(c.SDK_DATE_FORMAT).encode()
        wire_headers = _set_header(wire_headers, b"x-sdk-date", stale)
    elif tamper == "date_removed":
        wire_headers = _set_header(wire_headers, b"x-sdk-date", None)
    elif tamper == "token_removed":
        wire_headers = _set_header(wire_headers, b"x-security-token", None)

    with pytest.raises(SignatureRejected) as caught:
        VERIFIER.verify(method, raw_path, raw_query, wire_headers, payload)
    assert caught.value.reason is EXPECTED_REASON[tamper]


# --- the real wire: a socket server sees the request line and header bytes ---------------------


WIRE_REJECTIONS: list[tuple[str, str]] = []
WIRE_CLIENT = httpx.Client(auth=AUTH)


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection for all examples

    def do_GET(self) -> None:  # noqa: N802 - the http.server spelling
        # self.path collapses a leading "//"; the request line holds the target as sent.
        path, _, query = self.requestline.split(" ")[1].partition("?")
        headers = list(self.headers.items())  # str values, decoded as Latin-1
        try:
            VERIFIER.verify("GET", path, query, headers, payload_hash_of(None, headers))
            status = 200
        except SignatureRejected as rejected:
            status = 401
            WIRE_REJECTIONS.append((self.path, str(rejected)))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def wire_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RecordingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    WIRE_CLIENT.close()
    server.shutdown()
    server.server_close()


@PROPERTY_SETTINGS
@given(path=paths, query=queries)
def test_requests_sent_over_a_socket_verify(
    wire_server: str, path: str, query: list[tuple[str, object]]
) -> None:
    url = httpx.URL(wire_server).copy_with(path=path)
    response = WIRE_CLIENT.get(url, params=query)  # type: ignore[arg-type]
    rejections = WIRE_REJECTIONS[-1:]
    assert response.status_code == 200, (path, query, rejections)


# --- agreement with the official Huawei SDK signer, when it is installed -----------------------


@PROPERTY_SETTINGS
@given(path=paths, query=queries, headers=headers_strategy)
def test_signature_matches_the_official_sdk(
    path: str, query: list[tuple[str, object]], headers: list[tuple[str, str | bytes]]
) -> None:
    # Installed by the `dev` extra, so this comparison always runs in the test suite.
    import huaweicloudsdkcore.sdk_request as request_module
    import huaweicloudsdkcore.signer.signer as signer_module

    raw_path = httpx.URL("https://h").copy_with(path=path).raw_path.decode()
    text_headers = {
        name: value.decode() if isinstance(value, bytes) else value for name, value in headers
    }
    # The official signer strips Unicode whitespace, the wire trims only spaces and tabs.
    text_headers = {name: value.strip(" \t") for name, value in text_headers.items()}
    if any(value != value.strip() for value in text_headers.values()):
        return
    # It keeps one value per name, case-insensitively; keep the last, as a dict would.
    deduplicated: dict[str, str] = {}
    for name, value in text_headers.items():
        for existing in [key for key in deduplicated if key.lower() == name.lower()]:
            del deduplicated[existing]
        deduplicated[name] = value
    header_params = {**deduplicated, "Host": "h", "X-Sdk-Date": "20260509T120000Z"}
    decoded = [
        (name, ("true" if value else "false") if isinstance(value, bool) else str(value))
        for name, value in query
    ]

    official = request_module.SdkRequest(
        method="GET",
        schema="https",
        host="h",
        resource_path=raw_path,
        query_params=list(decoded),
        header_params=dict(header_params),
        body=b"",
    )

    class _Creds:
        ak = CREDS.ak
        sk = CREDS.sk

    signer_module.Signer(_Creds()).sign(official)
    theirs = official.header_params["Authorization"]
    ours = sign_request(
        Credentials(CREDS.ak, CREDS.sk),
        "GET",
        raw_path,
        c.canonical_query_from_pairs(decoded),
        header_params,
        c.EMPTY_PAYLOAD_HASH,
    ).authorization
    assert ours == theirs
