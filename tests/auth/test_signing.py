"""AK/SK signing and verification: known answers, what gets signed, and why requests fail."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

import attachkit
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
from attachkit.mock import MockServer

VECTOR_CREDENTIALS = Credentials("AccessKey", "SecretKey")
VECTOR_HOST = "service.endpoint.myhuaweicloud.com"
VECTOR_DATE = "20200608T023900Z"
VECTOR_GET_SIGNATURE = "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"
VECTOR_POST_SIGNATURE = "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f"
VECTOR_HEADERS = {"Host": VECTOR_HOST, "X-Sdk-Date": VECTOR_DATE, "TEST_UNDERSCORE": "ignored"}
FACTS_QUERY = (
    "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123"
    "&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
)

NOW = datetime(2026, 5, 9, 12, 0, 0, tzinfo=UTC)
CREDS = Credentials("AK-TEST", "sk-test-secret")
TEMP_CREDS = Credentials("AK-TEMP", "sk-temp-secret", security_token="token-temp-secret")


def fixed_clock() -> datetime:
    return NOW


def make_verifier(clock: datetime = NOW) -> Verifier:
    secrets: dict[str, str | SecretRecord] = {
        CREDS.ak: CREDS.sk,
        TEMP_CREDS.ak: SecretRecord(TEMP_CREDS.sk, TEMP_CREDS.security_token),
    }
    return Verifier(secrets.get, clock=lambda: clock)


def verify_httpx_request(request: httpx.Request, verifier: Verifier | None = None) -> None:
    """Verify a request exactly as a server receives it: raw path, raw query, header bytes."""
    path, _, query = request.url.raw_path.partition(b"?")
    headers = request.headers.raw
    body = None if payload_is_unsigned(headers) else request.read()
    (verifier or make_verifier()).verify(
        request.method, path, query, headers, payload_hash_of(body, headers)
    )


# --- known-answer vectors -------------------------------------------------------------------


def test_get_vector_via_sign_request() -> None:
    signed = sign_request(
        VECTOR_CREDENTIALS, "GET", "/resources", "size=1", VECTOR_HEADERS, c.EMPTY_PAYLOAD_HASH
    )
    assert signed.signature == VECTOR_GET_SIGNATURE
    assert signed.signed_headers == "host;x-sdk-date"
    assert signed.authorization == (
        "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, "
        f"Signature={VECTOR_GET_SIGNATURE}"
    )


def test_post_vector_via_sign_request() -> None:
    body = b'{"name":"test","id":1}'
    signed = sign_request(
        VECTOR_CREDENTIALS, "POST", "/resources", "size=1", VECTOR_HEADERS, c.payload_hash(body)
    )
    assert signed.signature == VECTOR_POST_SIGNATURE


def test_get_vector_via_httpx_auth() -> None:
    request = httpx.Request(
        "GET",
        f"https://{VECTOR_HOST}/resources?size=1",
        headers={"X-Sdk-Date": VECTOR_DATE, "TEST_UNDERSCORE": "ignored"},
    )
    AkSkAuth(VECTOR_CREDENTIALS).sign(request)
    assert request.headers["authorization"].endswith(f"Signature={VECTOR_GET_SIGNATURE}")


def test_get_vector_canonical_request() -> None:
    normalised = c.normalise_headers(VECTOR_HEADERS)
    names = [b"host", b"x-sdk-date"]
    assert c.canonical_request(
        "GET",
        c.canonical_uri("/resources"),
        c.canonical_query("size=1"),
        c.canonical_headers(normalised, names),
        "host;x-sdk-date",
        c.EMPTY_PAYLOAD_HASH,
    ) == (
        b"GET\n/resources/\nsize=1\nhost:service.endpoint.myhuaweicloud.com\n"
        b"x-sdk-date:20200608T023900Z\n\nhost;x-sdk-date\n" + c.EMPTY_PAYLOAD_HASH.encode()
    )


def test_facts_query_example_from_values() -> None:
    params = [
        ("test", "一 (&=?!#%.*)"),
        ("path", "/tmp/123"),
        ("multi", [3, 1, 2]),
        ("limit", 1),
        ("enable", True),
    ]
    assert c.canonical_query_from_pairs(params) == FACTS_QUERY


def test_facts_query_example_is_a_fixed_point_and_survives_httpx_encoding() -> None:
    assert c.canonical_query(FACTS_QUERY) == FACTS_QUERY
    url = httpx.URL(
        "https://h/",
        params=[
            ("test", "一 (&=?!#%.*)"),
            ("multi", "3"),
            ("path", "/tmp/123"),
            ("multi", "1"),
            ("enable", True),
            ("multi", "2"),
            ("limit", 1),
        ],
    )
    assert c.canonical_query(url.query.decode()) == FACTS_QUERY


# --- canonical pieces ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw_path", "expected"),
    [
        ("/", "/"),
        ("", "/"),
        ("/resources", "/resources/"),
        ("/resources/", "/resources/"),
        ("/a//b", "/a//b/"),
        ("/a%2Fb", "/a/b/"),
        ("/%7Euser/~x", "/~user/~x/"),
        ("/a%20b/c+d", "/a%20b/c%2Bd/"),
        ("/%C3%A9t%C3%A9", "/%C3%A9t%C3%A9/"),
        ("/a:b@c!$&'()*,;=", "/a%3Ab%40c%21%24%26%27%28%29%2A%2C%3B%3D/"),
        ("/%e2%82%ac", "/%E2%82%AC/"),
        ("/%FF", "/%FF/"),
    ],
)
def test_canonical_uri(raw_path: str, expected: str) -> None:
    assert c.canonical_uri(raw_path) == expected


@pytest.mark.parametrize(
    ("raw_query", "expected"),
    [
        ("", ""),
        ("b=2&a=1", "a=1&b=2"),
        ("a=2&a=10&a=1", "a=1&a=10&a=2"),
        ("flag", "flag="),
        ("a=&&b=1", "a=&b=1"),
        ("q=x+y%2B", "q=x%20y%2B"),
        ("q=a=b", "q=a%3Db"),
        ("q=%7e", "q=~"),
    ],
)
def test_canonical_query(raw_query: str, expected: str) -> None:
    assert c.canonical_query(raw_query) == expected


def test_booleans_are_lowercase() -> None:
    assert c.canonical_query_from_pairs({"a": False, "b": True}) == "a=false&b=true"


# --- what AkSkAuth adds and signs -------------------------------------------------------------


def signed(request: httpx.Request, credentials: Credentials = CREDS) -> httpx.Request:
    return AkSkAuth(credentials, clock=fixed_clock).sign(request)


def signed_header_names(request: httpx.Request) -> list[str]:
    authorization = request.headers["authorization"]
    return authorization.split("SignedHeaders=")[1].split(",")[0].split(";")


def test_adds_date_and_signs_host_and_date() -> None:
    request = signed(httpx.Request("GET", "https://example.com:8443/v1/x"))
    assert request.headers["x-sdk-date"] == "20260509T120000Z"
    assert request.headers["host"] == "example.com:8443"
    assert {"host", "x-sdk-date"} <= set(signed_header_names(request))
    verify_httpx_request(request)


def test_default_port_is_not_in_host() -> None:
    request = signed(httpx.Request("GET", "https://example.com:443/v1/x"))
    assert request.headers["host"] == "example.com"
    verify_httpx_request(request)


def test_headers_with_underscore_are_sent_but_not_signed() -> None:
    request = signed(httpx.Request("GET", "https://h/x", headers={"X_Custom": "1", "X-Ok": "2"}))
    names = signed_header_names(request)
    assert "x-ok" in names
    assert "x_custom" not in names
    assert request.headers["x_custom"] == "1"


def test_hop_by_hop_headers_are_not_signed() -> None:
    request = signed(
        httpx.Request("GET", "https://h/x", headers={"Connection": "keep-alive", "TE": "trailers"})
    )
    assert "connection" not in signed_header_names(request)
    assert "te" not in signed_header_names(request)


def test_an_existing_date_is_kept() -> None:
    request = signed(httpx.Request("GET", "https://h/x", headers={"X-Sdk-Date": VECTOR_DATE}))
    assert request.headers["x-sdk-date"] == VECTOR_DATE


def test_temporary_credentials_send_and_sign_the_token() -> None:
    request = signed(httpx.Request("GET", "https://h/x"), TEMP_CREDS)
    assert request.headers["x-security-token"] == TEMP_CREDS.security_token
    assert "x-security-token" in signed_header_names(request)
    verify_httpx_request(request)


def test_project_and_domain_ids_are_sent_when_set() -> None:
    credentials = Credentials("AK-TEST", "sk-test-secret", project_id="p1", domain_id="d1")
    request = signed(httpx.Request("GET", "https://h/x"), credentials)
    assert request.headers["x-project-id"] == "p1"
    assert request.headers["x-domain-id"] == "d1"
    assert {"x-project-id", "x-domain-id"} <= set(signed_header_names(request))
    plain = signed(httpx.Request("GET", "https://h/x"))
    assert "x-project-id" not in plain.headers
    assert "x-domain-id" not in plain.headers


def test_an_explicit_project_id_header_wins() -> None:
    credentials = Credentials("AK-TEST", "sk-test-secret", project_id="p1")
    request = signed(
        httpx.Request("GET", "https://h/x", headers={"X-Project-Id": "p2"}), credentials
    )
    assert request.headers.get_list("x-project-id") == ["p2"]


def test_json_body_is_hashed() -> None:
    request = signed(httpx.Request("POST", "https://h/x", json={"name": "test"}))
    assert "x-sdk-content-sha256" not in request.headers
    verify_httpx_request(request)
    forged = request.headers.raw
    path, _, query = request.url.raw_path.partition(b"?")
    with pytest.raises(SignatureRejected) as caught:
        make_verifier().verify(
            "POST", path, query, forged, payload_hash_of(b'{"name":"forged"}', forged)
        )
    assert caught.value.reason is RejectReason.SIGNATURE_MISMATCH


def test_streamed_json_body_is_read_and_hashed() -> None:
    def body() -> Iterator[bytes]:
        yield b'{"a":'
        yield b"1}"

    request = signed(
        httpx.Request(
            "POST", "https://h/x", content=body(), headers={"Content-Type": "application/json"}
        )
    )
    assert request.content == b'{"a":1}'
    verify_httpx_request(request)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"content": b"raw bytes", "headers": {"Content-Type": "application/octet-stream"}},
        {"content": b"no content type"},
        {"files": {"attachment": ("a.txt", b"hello", "text/plain")}},
        {"data": {"field": "value"}},
    ],
)
def test_non_json_bodies_are_unsigned_payload(kwargs: dict[str, object]) -> None:
    request = signed(httpx.Request("POST", "https://h/x", **kwargs))  # type: ignore[arg-type]
    assert request.headers["x-sdk-content-sha256"] == "UNSIGNED-PAYLOAD"
    assert "x-sdk-content-sha256" in signed_header_names(request)
    verify_httpx_request(request)


def test_empty_body_uses_the_empty_hash() -> None:
    request = signed(httpx.Request("DELETE", "https://h/x"))
    assert "x-sdk-content-sha256" not in request.headers
    verify_httpx_request(request)


def test_query_is_sent_in_canonical_form() -> None:
    request = signed(httpx.Request("GET", "https://h/x", params=[("b", "x y"), ("a", "1")]))
    assert request.url.query == b"a=1&b=x%20y"
    verify_httpx_request(request)


def test_public_names_are_exported_lazily() -> None:
    assert attachkit.AkSkAuth is AkSkAuth
    assert attachkit.Credentials is Credentials


# --- streaming bodies are never read for signing ----------------------------------------------

GIB = 1 << 30


class OneGibSource(io.RawIOBase):
    """A 1 GiB readable file that fails if anything reads it before the transport sends it."""

    def __init__(self) -> None:
        self.sending = False
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: GIB}[whence]
        self.position = base + offset
        return self.position

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if not self.sending:
            raise AssertionError("the body was read before it was sent")
        size = min(len(buffer), GIB - self.position)
        buffer[:size] = bytes(size)
        self.position += size
        return size


class StreamingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Like httpx.MockTransport but hands the handler the unread body, as a real socket would."""

    def __init__(self, handler: Callable[[httpx.Request], object]) -> None:
        self.handler = handler

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.handler(request)  # type: ignore[return-value]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.handler(request)  # type: ignore[misc, no-any-return]


def first_bytes(stream: httpx.SyncByteStream, limit: int) -> bytes:
    taken = b""
    for chunk in stream:
        taken += chunk
        if len(taken) >= limit:
            break
    return taken


def test_one_gib_multipart_upload_is_signed_without_being_read() -> None:
    source = OneGibSource()
    seen: dict[str, object] = {}

    def transport(request: httpx.Request) -> httpx.Response:
        verify_httpx_request(request)  # must not need the body
        source.sending = True
        seen["start"] = first_bytes(request.stream, 1 << 20)  # type: ignore[arg-type]
        seen["length"] = request.headers.get("content-length")
        return httpx.Response(200)

    with httpx.Client(
        transport=StreamingTransport(transport), auth=AkSkAuth(CREDS, clock=fixed_clock)
    ) as client:
        response = client.post(
            "https://h/v4/projects/p/issues/1/attachments/upload",
            # A file object that makes up its bytes; httpx reads it like any other.
            files={"attachment": ("big.bin", source, "application/octet-stream")},  # type: ignore[dict-item]
        )
    assert response.status_code == 200
    assert b'name="attachment"; filename="big.bin"' in seen["start"]  # type: ignore[operator]
    assert int(str(seen["length"])) > GIB


def test_generator_body_is_signed_without_being_read() -> None:
    state = {"sending": False}

    def body() -> Iterator[bytes]:
        if not state["sending"]:
            raise AssertionError("the body was read before it was sent")
        yield b"chunk"

    def transport(request: httpx.Request) -> httpx.Response:
        verify_httpx_request(request)
        state["sending"] = True
        assert b"".join(request.stream) == b"chunk"  # type: ignore[arg-type]
        return httpx.Response(200)

    with httpx.Client(
        transport=StreamingTransport(transport), auth=AkSkAuth(CREDS, clock=fixed_clock)
    ) as client:
        response = client.post(
            "https://h/x", content=body(), headers={"Content-Type": "application/octet-stream"}
        )
    assert response.status_code == 200


def test_async_generator_body_is_signed_without_being_read() -> None:
    state = {"sending": False}

    async def body() -> AsyncIterator[bytes]:
        if not state["sending"]:
            raise AssertionError("the body was read before it was sent")
        yield b"chunk"

    async def transport(request: httpx.Request) -> httpx.Response:
        verify_httpx_request_async_safe(request)
        state["sending"] = True
        assert b"".join([part async for part in request.stream]) == b"chunk"  # type: ignore[union-attr]
        return httpx.Response(200)

    async def main() -> int:
        async with httpx.AsyncClient(
            transport=StreamingTransport(transport), auth=AkSkAuth(CREDS, clock=fixed_clock)
        ) as client:
            response = await client.post("https://h/x", content=body())
            return response.status_code

    assert asyncio.run(main()) == 200


def verify_httpx_request_async_safe(request: httpx.Request) -> None:
    path, _, query = request.url.raw_path.partition(b"?")
    headers = request.headers.raw
    assert payload_is_unsigned(headers)
    make_verifier().verify(request.method, path, query, headers, c.UNSIGNED_PAYLOAD)


# --- every kind of request the specs use, on sync and async clients ----------------------------

SPEC_REQUESTS: list[tuple[str, str, dict[str, object]]] = [
    ("GET", "/v4/projects/p1/issues/12/attachments/34", {}),
    ("DELETE", "/v4/projects/p1/issues/12/attachments/34", {}),
    (
        "POST",
        "/v4/projects/p1/issues/12/attachments/upload",
        {"files": {"attachment": ("a b.pdf", b"%PDF-1.4", "application/pdf")}},
    ),
    (
        "POST",
        "/v1/ipdprojectservice/projects/p1/issues/123456789012345678/attachments/upload",
        {"files": {"attachment": ("x.txt", io.BytesIO(b"text"), "text/plain")}},
    ),
    (
        "GET",
        "/v1/ipdprojectservice/projects/p1/attachments",
        {"params": {"issue_id": "123456789012345678", "source_project_id": "p2"}},
    ),
    ("GET", "/v1/ipdprojectservice/projects/p1/attachments/download/99", {}),
    ("POST", "/v1/incident/attachments", {"files": {"file": ("e.png", b"\x89PNG", "image/png")}}),
    ("GET", "/v1/incident/attachments/doc-1", {}),
    ("POST", "/v1/something", {"json": {"key": "value", "n": [1, 2]}}),
]


def verifying_handler(request: httpx.Request) -> httpx.Response:
    path, _, query = request.url.raw_path.partition(b"?")
    headers = request.headers.raw
    body = None if payload_is_unsigned(headers) else request.read()
    try:
        accepted = make_verifier().verify(
            request.method, path, query, headers, payload_hash_of(body, headers)
        )
    except SignatureRejected as rejected:
        return httpx.Response(401, json={"error_code": rejected.error_code})
    return httpx.Response(200, json={"ak": accepted.ak})


@pytest.mark.parametrize(("method", "path", "kwargs"), SPEC_REQUESTS)
def test_sync_client_requests_verify(method: str, path: str, kwargs: dict[str, object]) -> None:
    with httpx.Client(
        base_url="https://projectman-ext.cn-north-4.myhuaweicloud.com",
        transport=httpx.MockTransport(verifying_handler),
        auth=AkSkAuth(TEMP_CREDS, clock=fixed_clock),
    ) as client:
        response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("method", "path", "kwargs"), SPEC_REQUESTS)
def test_async_client_requests_verify(method: str, path: str, kwargs: dict[str, object]) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await request.aread()
        return verifying_handler(request)

    async def main() -> httpx.Response:
        async with httpx.AsyncClient(
            base_url="http://127.0.0.1:8080",
            transport=httpx.MockTransport(handler),
            auth=AkSkAuth(CREDS, clock=fixed_clock),
        ) as client:
            return await client.request(method, path, **kwargs)  # type: ignore[arg-type]

    response = asyncio.run(main())
    assert response.status_code == 200, response.text


# --- the verifier's reasons -------------------------------------------------------------------


def signed_parts(
    credentials: Credentials = CREDS,
) -> tuple[str, bytes, bytes, list[tuple[bytes, bytes]], str]:
    request = signed(
        httpx.Request("GET", "https://h/v1/x", params={"a": "1"}, headers={"X-Extra": "e"}),
        credentials,
    )
    path, _, query = request.url.raw_path.partition(b"?")
    return request.method, path, query, list(request.headers.raw), c.EMPTY_PAYLOAD_HASH


def without(headers: list[tuple[bytes, bytes]], name: bytes) -> list[tuple[bytes, bytes]]:
    return [(key, value) for key, value in headers if key.lower() != name]


def replaced(
    headers: list[tuple[bytes, bytes]], name: bytes, value: bytes
) -> list[tuple[bytes, bytes]]:
    return [*without(headers, name), (name, value)]


def reason_for(
    method: str,
    path: bytes,
    query: bytes,
    headers: list[tuple[bytes, bytes]],
    payload: str,
    verifier: Verifier | None = None,
) -> RejectReason:
    with pytest.raises(SignatureRejected) as caught:
        (verifier or make_verifier()).verify(method, path, query, headers, payload)
    assert caught.value.status == 401
    return caught.value.reason


def test_a_correct_request_is_accepted_with_details() -> None:
    method, path, query, headers, payload = signed_parts()
    accepted = make_verifier().verify(method, path, query, headers, payload)
    assert accepted.ak == CREDS.ak
    assert accepted.sdk_date == NOW
    assert "x-extra" in accepted.signed_headers
    assert not accepted.temporary


def test_header_mapping_and_query_pairs_are_accepted_too() -> None:
    method, path, query, headers, payload = signed_parts()
    as_text = {key.decode(): value.decode() for key, value in headers}
    make_verifier().verify(method, path.decode(), [("a", "1")], as_text, payload)


def test_missing_authorization() -> None:
    method, path, query, headers, payload = signed_parts()
    reason = reason_for(method, path, query, without(headers, b"authorization"), payload)
    assert reason is RejectReason.MISSING_AUTHORIZATION


@pytest.mark.parametrize(
    "value",
    [
        b"Basic dXNlcjpwYXNz",
        b"SDK-HMAC-SHA256 Access=AK-TEST, Signature=" + b"0" * 64,
        b"SDK-HMAC-SHA256 Access=AK-TEST, SignedHeaders=host, Signature=abc",
        b"SDK-HMAC-SHA256 Access=AK-TEST, SignedHeaders=Host;X-Sdk-Date, Signature=" + b"0" * 64,
    ],
)
def test_malformed_authorization(value: bytes) -> None:
    method, path, query, headers, payload = signed_parts()
    reason = reason_for(method, path, query, replaced(headers, b"authorization", value), payload)
    assert reason is RejectReason.MALFORMED_AUTHORIZATION


def test_unknown_ak() -> None:
    method, path, query, headers, payload = signed_parts(Credentials("AK-OTHER", "sk"))
    assert reason_for(method, path, query, headers, payload) is RejectReason.UNKNOWN_AK


def test_date_missing() -> None:
    method, path, query, headers, payload = signed_parts()
    reason = reason_for(method, path, query, without(headers, b"x-sdk-date"), payload)
    assert reason is RejectReason.DATE_MISSING


def test_date_not_signed() -> None:
    request = httpx.Request("GET", "https://h/x", headers={"X-Sdk-Date": "20260509T120000Z"})
    signed_headers = {"Host": "h"}
    result = sign_request(
        CREDS, "GET", "/x", "", {**signed_headers, "X-Sdk-Date": "x"}, c.EMPTY_PAYLOAD_HASH
    )
    # A signature over host alone: rebuild the Authorization header to list only host.
    forged = result.authorization.replace("host;x-sdk-date", "host")
    headers = [*request.headers.raw, (b"authorization", forged.encode())]
    assert reason_for("GET", b"/x", b"", headers, c.EMPTY_PAYLOAD_HASH) is (
        RejectReason.DATE_NOT_SIGNED
    )


def test_date_malformed() -> None:
    method, path, query, headers, payload = signed_parts()
    bad = replaced(headers, b"x-sdk-date", b"2026-05-09T12:00:00Z")
    assert reason_for(method, path, query, bad, payload) is RejectReason.DATE_MALFORMED


@pytest.mark.parametrize(
    "text",
    [
        "20260509T120000Z",
        "20240229T235959Z",  # a leap day
        "20260509t120000z",  # strptime ignores case
        "20260509T1200Z",  # short fields: strptime takes single digits
        "20250229T000000Z",  # no such day
        "20260509T246000Z",
        "2026-05-09T12:00:00Z",
        "",
    ],
)
def test_parse_sdk_date_answers_like_strptime_every_time(text: str) -> None:
    # Parses are cached: a repeated value gets the same answer, a malformed one raises again.
    for _ in range(3):
        try:
            expected = datetime.strptime(text, c.SDK_DATE_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            with pytest.raises(ValueError):
                c.parse_sdk_date(text)
            continue
        parsed = c.parse_sdk_date(text)
        assert parsed == expected and parsed.tzinfo is UTC


@pytest.mark.parametrize("offset", [timedelta(minutes=15, seconds=1), -timedelta(minutes=16)])
def test_date_more_than_fifteen_minutes_away_is_expired(offset: timedelta) -> None:
    method, path, query, headers, payload = signed_parts()
    verifier = make_verifier(clock=NOW + offset)
    reason = reason_for(method, path, query, headers, payload, verifier)
    assert reason is RejectReason.DATE_EXPIRED
    assert reason.error_code == "APIG.0303"


def test_date_within_fifteen_minutes_is_accepted() -> None:
    method, path, query, headers, payload = signed_parts()
    make_verifier(clock=NOW + timedelta(minutes=15)).verify(method, path, query, headers, payload)
    naive_clock = Verifier({CREDS.ak: CREDS.sk}.get, clock=lambda: NOW.replace(tzinfo=None))
    naive_clock.verify(method, path, query, headers, payload)


def test_signed_header_absent() -> None:
    method, path, query, headers, payload = signed_parts()
    reason = reason_for(method, path, query, without(headers, b"x-extra"), payload)
    assert reason is RejectReason.SIGNED_HEADER_ABSENT


def test_temporary_ak_without_its_token() -> None:
    method, path, query, headers, payload = signed_parts(Credentials(TEMP_CREDS.ak, TEMP_CREDS.sk))
    reason = reason_for(method, path, query, headers, payload)
    assert reason is RejectReason.SECURITY_TOKEN_MISSING


def test_temporary_ak_with_someone_elses_token() -> None:
    method, path, query, headers, payload = signed_parts(
        Credentials(TEMP_CREDS.ak, TEMP_CREDS.sk, security_token="another-token")
    )
    reason = reason_for(method, path, query, headers, payload)
    assert reason is RejectReason.SECURITY_TOKEN_INVALID


def test_temporary_ak_with_its_token_is_accepted() -> None:
    method, path, query, headers, payload = signed_parts(TEMP_CREDS)
    assert make_verifier().verify(method, path, query, headers, payload).temporary


@pytest.mark.parametrize(
    "tamper",
    ["method", "path", "query", "header", "signature", "payload", "date", "secret"],
)
def test_tampering_is_a_signature_mismatch(tamper: str) -> None:
    method, path, query, headers, payload = signed_parts()
    verifier = make_verifier()
    if tamper == "method":
        method = "DELETE"
    elif tamper == "path":
        path += b"/more"
    elif tamper == "query":
        query = b"a=2"
    elif tamper == "header":
        headers = replaced(headers, b"x-extra", b"changed")
    elif tamper == "signature":
        authorization = {key.lower(): value for key, value in headers}[b"authorization"]
        flipped = authorization[:-1] + (b"0" if authorization[-1:] != b"0" else b"1")
        headers = replaced(headers, b"authorization", flipped)
    elif tamper == "payload":
        payload = c.payload_hash(b"{}")
    elif tamper == "date":
        headers = replaced(headers, b"x-sdk-date", b"20260509T120001Z")
    elif tamper == "secret":
        verifier = Verifier({CREDS.ak: "another-secret"}.get, clock=fixed_clock)
    reason = reason_for(method, path, query, headers, payload, verifier)
    assert reason is RejectReason.SIGNATURE_MISMATCH
    assert reason.error_code == "APIG.0301"


def test_signature_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac  # what attachkit.auth.verifier compares with

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    method, path, query, headers, payload = signed_parts()
    make_verifier().verify(method, path, query, headers, payload)
    assert calls


def test_payload_hash_helpers() -> None:
    unsigned = {"X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"}
    assert payload_is_unsigned(unsigned)
    assert payload_hash_of(b"anything", unsigned) == "UNSIGNED-PAYLOAD"
    assert payload_hash_of(None, {}) == c.EMPTY_PAYLOAD_HASH
    assert payload_hash_of(b'{"a":1}', {}) == c.payload_hash(b'{"a":1}')
    assert json.loads(b'{"a":1}') == {"a": 1}


def test_a_non_ascii_header_value_is_sent_as_the_bytes_that_were_signed() -> None:
    """``X-Project-Id: proj-é`` from the credentials and as a caller's own header (bytes)."""
    from_credentials = Credentials(CREDS.ak, CREDS.sk, project_id="proj-é")
    request = signed(httpx.Request("GET", "https://h/x?b=1&a=2"), from_credentials)
    assert request.headers.raw.count((b"X-Project-Id", "proj-é".encode())) == 1
    verify_httpx_request(request)

    own_header = httpx.Request("GET", "https://h/x", headers=[(b"X-Project-Id", "proj-é".encode())])
    request = signed(own_header, CREDS)
    assert dict(request.headers.raw)[b"X-Project-Id"] == b"proj-\xc3\xa9"
    verify_httpx_request(request)
    resigned = signed(request, CREDS)  # signing twice (a retry) signs the same bytes again
    assert resigned.headers.get_list("authorization") == request.headers.get_list("authorization")


def test_a_non_ascii_project_id_round_trips_through_the_mock_verifier(mock: MockServer) -> None:
    from attachkit.facades import CodeArtsReq
    from tests.mock_helpers import IPD_ISSUE, IPD_PROJECT

    credentials = Credentials(mock.credentials.ak, mock.credentials.sk, project_id="proj-é")
    with CodeArtsReq(endpoint=mock.base_url, credentials=credentials, max_retries=0) as req:
        assert req.ipd.list(IPD_PROJECT, IPD_ISSUE).result == []
