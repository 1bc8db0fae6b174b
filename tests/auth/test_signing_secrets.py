"""No secret (SK, security token, WorldServer password or token) in a repr, a str, an error
message or a DEBUG log line, across signing, verifying, credentials and sessions."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from attachkit.auth import AkSkAuth
from attachkit.auth import canonical as c
from attachkit.auth.verifier import (
    SecretRecord,
    SignatureRejected,
    Verifier,
    payload_hash_of,
)
from attachkit.credentials import Credentials
from attachkit.errors import AttachkitError
from attachkit.facades import AsyncWorldServerSession, WorldServerSession

SK = "SK-do-not-leak-0123456789"
TOKEN = "TOKEN-do-not-leak-abcdef"
WS_PASSWORD = "WS-PASSWORD-do-not-leak"
WS_TOKEN = "WS-SESSION-do-not-leak"
SECRETS = (SK, TOKEN, WS_PASSWORD, WS_TOKEN, "WRONG-" + WS_PASSWORD[::-1])


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def ws_handler(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/login"):
        if WS_PASSWORD.encode() in request.content:
            return httpx.Response(200, json={"sessionId": WS_TOKEN})
        return httpx.Response(401, json={"code": "BAD_CREDENTIALS", "message": "Bad credentials"})
    if request.headers.get("token") == WS_TOKEN:
        return httpx.Response(200)
    return httpx.Response(401)


def test_nothing_secret_reaches_debug_logs_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # root: attachkit, httpx and httpcore alike
    credentials = Credentials.resolve(
        environ={
            "HUAWEICLOUD_SDK_AK": "AK-LOG",
            "HUAWEICLOUD_SDK_SK": SK,
            "HUAWEICLOUD_SDK_SECURITY_TOKEN": TOKEN,
        }
    )
    auth = AkSkAuth(credentials)
    verifier = Verifier(lambda ak: SecretRecord(SK, TOKEN) if ak == "AK-LOG" else None)

    def apig(request: httpx.Request) -> httpx.Response:
        path, _, query = request.url.raw_path.partition(b"?")
        headers = request.headers.raw
        verifier.verify(
            request.method, path, query, headers, payload_hash_of(request.content, headers)
        )
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(apig), auth=auth) as client:
        client.post("https://h/v1/x", json={"a": 1}, params={"q": "1"})
        client.post("https://h/v1/y", files={"file": ("a.txt", b"x")})

    session = WorldServerSession("translator", WS_PASSWORD, endpoint="https://ws")
    with httpx.Client(transport=httpx.MockTransport(ws_handler), auth=session) as client:
        client.get("https://ws/ws-api/v1/files/attachments")
        session.invalidate()
        client.get("https://ws/ws-api/v1/files/attachments")

    async def run_async() -> AsyncWorldServerSession:
        async_session = AsyncWorldServerSession("translator", WS_PASSWORD, endpoint="https://ws")
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(ws_handler), auth=async_session
        ) as client:
            await client.get("https://ws/ws-api/v1/files/attachments")
        return async_session

    async_session = asyncio.run(run_async())

    assert caplog.records, "expected DEBUG records from attachkit and httpx"
    assert any(record.name.startswith("attachkit") for record in caplog.records)
    assert_no_secret(caplog.text)
    for thing in (credentials, auth, session, async_session, SecretRecord(SK, TOKEN)):
        assert_no_secret(repr(thing))
        assert_no_secret(str(thing))


def test_no_secret_in_error_messages() -> None:
    errors: list[BaseException] = []

    session = WorldServerSession("translator", "WRONG-" + WS_PASSWORD[::-1], endpoint="https://ws")
    with httpx.Client(transport=httpx.MockTransport(ws_handler), auth=session) as client:
        try:
            client.get("https://ws/ws-api/v1/files/attachments")
        except AttachkitError as error:
            errors.append(error)

    for kwargs in ({"ak": "", "sk": SK}, {"ak": "a", "sk": SK, "security_token": " "}):
        try:
            Credentials(**kwargs)
        except AttachkitError as error:
            errors.append(error)

    # Temporary credentials presenting the wrong token, and a bad signature.
    request = AkSkAuth(Credentials("AK", SK, security_token=TOKEN + "-other")).sign(
        httpx.Request("GET", "https://h/x")
    )
    path, _, query = request.url.raw_path.partition(b"?")
    for record in (SecretRecord(SK, TOKEN), SecretRecord(SK + "-other", TOKEN + "-other")):
        try:
            Verifier(lambda ak, record=record: record).verify(  # type: ignore[misc]
                "GET", path, query, request.headers.raw, c.EMPTY_PAYLOAD_HASH
            )
        except SignatureRejected as error:
            errors.append(error)

    assert len(errors) == 5
    for caught in errors:
        assert_no_secret(str(caught))
        assert_no_secret(repr(caught))
        assert_no_secret(str(caught.args))
