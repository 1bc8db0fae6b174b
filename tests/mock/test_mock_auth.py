"""The mock authenticates like the real services: the APIG gateway and WorldServer sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from attachkit.auth import AkSkAuth
from attachkit.credentials import Credentials
from attachkit.mock import DEV_AK, DEV_SK, AkSkAccount, MockConfig, MockServer
from tests.mock_helpers import COC_UPLOAD, FakeClock, coc_path, scrum_path, upload_coc

BAD_SIGNATURE = "Incorrect IAM authentication information: verify aksk signature fail"


def _refused(answer: httpx.Response, code: str) -> dict[str, str]:
    assert answer.status_code == 401, answer.text
    body: dict[str, str] = answer.json()
    assert body["error_code"] == code
    return body


def test_a_correct_signature_is_accepted(signed_client: httpx.Client) -> None:
    doc_id = upload_coc(signed_client, "a.txt", b"abc")
    assert signed_client.get(coc_path(doc_id)).content == b"abc"


def test_only_a_request_with_a_hashed_body_is_prechecked(
    mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The precheck judges a signature before its body is spooled. A request without a body
    # (a download, the mock's busiest path) has nothing to spool: it is verified once.
    calls: list[str] = []
    gate = mock.app.gate
    for name in ("precheck", "check"):
        original = getattr(gate, name)

        def recording(*args: object, _name: str = name, _original: Any = original) -> Any:
            calls.append(_name)
            return _original(*args)

        monkeypatch.setattr(gate, name, recording)
    with httpx.Client(base_url=mock.base_url, auth=AkSkAuth(mock.credentials)) as client:
        answer = client.get(coc_path("x"))
        assert answer.status_code == 400  # authenticated; no such document
        assert answer.headers.get("connection") != "close"  # the empty body was consumed
        assert calls == ["check"]
        calls.clear()
        json_type = {"Content-Type": "application/json"}  # a body the signer hashes
        assert client.post(COC_UPLOAD, content=b'{"a": 1}', headers=json_type).status_code == 400
        assert calls == ["precheck", "check"]
    wrong = AkSkAuth(Credentials(ak=DEV_AK, sk="not-the-secret"))
    _refused(httpx.get(mock.base_url + coc_path("x"), auth=wrong), "APIG.0301")


def test_a_bad_signature_gets_apig_0301(mock: MockServer) -> None:
    wrong = Credentials(ak=DEV_AK, sk="not-the-secret")
    answer = httpx.get(mock.base_url + scrum_path(1), auth=AkSkAuth(wrong))
    assert _refused(answer, "APIG.0301")["error_msg"].startswith(BAD_SIGNATURE)


def test_a_tampered_request_gets_apig_0301(mock: MockServer) -> None:
    request = httpx.Request("GET", mock.base_url + scrum_path(1))
    AkSkAuth(mock.credentials).sign(request)
    tampered = httpx.Request("GET", mock.base_url + scrum_path(2), headers=request.headers)
    with httpx.Client() as client:
        _refused(client.send(tampered), "APIG.0301")


def test_an_unknown_ak_and_a_missing_signature_get_apig_0301(mock: MockServer) -> None:
    stranger = Credentials(ak="UNKNOWNAK", sk="whatever")
    _refused(httpx.get(mock.base_url + scrum_path(1), auth=AkSkAuth(stranger)), "APIG.0301")
    _refused(httpx.get(mock.base_url + coc_path("x")), "APIG.0301")


def test_a_stale_date_gets_apig_0303(mock: MockServer) -> None:
    def twenty_minutes_ago() -> datetime:
        return datetime.now(UTC) - timedelta(minutes=20)

    auth = AkSkAuth(mock.credentials, clock=twenty_minutes_ago)
    body = _refused(httpx.get(mock.base_url + coc_path("x"), auth=auth), "APIG.0303")
    assert "signature expired" in body["error_msg"]

    # A date inside the 15-minute window is fine.
    def ten_minutes_ahead() -> datetime:
        return datetime.now(UTC) + timedelta(minutes=10)

    fine = AkSkAuth(mock.credentials, clock=ten_minutes_ahead)
    assert httpx.get(mock.base_url + coc_path("x"), auth=fine).status_code == 400  # unknown id


def test_temporary_credentials_need_their_security_token(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory(accounts={"TMPAK": AkSkAccount("TMPAK", "tmpsk", "the-token")})
    url = server.base_url + coc_path("x")
    with_token = Credentials(ak="TMPAK", sk="tmpsk", security_token="the-token")
    assert httpx.get(url, auth=AkSkAuth(with_token)).status_code == 400  # authenticated
    without = Credentials(ak="TMPAK", sk="tmpsk")
    _refused(httpx.get(url, auth=AkSkAuth(without)), "APIG.0301")
    wrong = Credentials(ak="TMPAK", sk="tmpsk", security_token="another")
    _refused(httpx.get(url, auth=AkSkAuth(wrong)), "APIG.0301")


def test_five_failures_in_a_row_lock_the_ak(mock_factory: Callable[..., MockServer]) -> None:
    clock = FakeClock()  # the lock-out is timed on it: no sleeping, no dependence on speed
    server = mock_factory(lockout=True, lockout_seconds=60.0, clock=clock)
    url = server.base_url + coc_path("x")
    good = AkSkAuth(Credentials(ak=DEV_AK, sk=DEV_SK))
    bad = AkSkAuth(Credentials(ak=DEV_AK, sk="wrong"))
    for _ in range(4):
        _refused(httpx.get(url, auth=bad), "APIG.0301")
    assert httpx.get(url, auth=good).status_code == 400  # a success resets the count
    for _ in range(5):
        _refused(httpx.get(url, auth=bad), "APIG.0301")
    locked = _refused(httpx.get(url, auth=good), "APIG.0301")
    assert "locked" in locked["error_msg"]
    clock.advance(59.9)  # still locked just before the end, even for a correct signature
    assert "locked" in _refused(httpx.get(url, auth=good), "APIG.0301")["error_msg"]
    clock.advance(0.1)
    assert httpx.get(url, auth=good).status_code == 400


def test_reset_lifts_a_lockout(mock_factory: Callable[..., MockServer]) -> None:
    mock = mock_factory(lockout=True)
    url = mock.base_url + coc_path("x")
    bad = AkSkAuth(Credentials(ak=DEV_AK, sk="wrong"))
    for _ in range(5):
        httpx.get(url, auth=bad)
    assert (
        "locked"
        in _refused(httpx.get(url, auth=AkSkAuth(mock.credentials)), "APIG.0301")["error_msg"]
    )
    mock.reset()
    assert httpx.get(url, auth=AkSkAuth(mock.credentials)).status_code == 400


def test_accounts_come_from_flags_environment_and_files(tmp_path: object) -> None:
    from pathlib import Path

    config_file = Path(str(tmp_path)) / "mock.toml"
    config_file.write_text(
        'credentials = ["FILEAK:filesk"]\nws_users = ["filer:pw"]\n'
        "lockout_failures = 3\n[limits]\nscrum_max_bytes = 10\n"
    )
    config = MockConfig.load(
        config_file=config_file,
        credentials=["FLAGAK:flagsk:tok"],
        ws_users=["flagger:pw2"],
        environ={"ATTACHKIT_MOCK_CREDENTIALS": "ENVAK:envsk", "ATTACHKIT_MOCK_WS_USERS": "env:pw3"},
    )
    assert set(config.accounts) == {"FILEAK", "ENVAK", "FLAGAK"}
    assert config.accounts["FLAGAK"].security_token == "tok"
    assert config.ws_users == {"filer": "pw", "env": "pw3", "flagger": "pw2"}
    assert config.lockout_failures == 3 and config.limits.scrum_max_bytes == 10
    assert "flagsk" not in repr(config) and "flagsk" not in repr(config.accounts["FLAGAK"])
    assert set(MockConfig().accounts) == {DEV_AK}


# -- WorldServer ----------------------------------------------------------------------------------


def test_login_answers_a_session_token(mock: MockServer) -> None:
    answer = httpx.post(
        mock.base_url + "/ws-api/v1/login",
        json={"username": mock.ws_user, "password": mock.ws_password},
    )
    assert answer.status_code == 200
    assert answer.json()["sessionId"]


@pytest.mark.parametrize(
    ("content", "status", "body"),
    [
        (b"", 400, {"message": "Required request body is missing"}),
        (b"{not json", 400, {"message": "Invalid JSON"}),
        (
            b'{"username": "admin", "password": "wrong"}',
            401,
            {"code": "BAD_CREDENTIALS", "message": "Bad credentials"},
        ),
        (
            b'{"username": "nobody", "password": "attachkit"}',
            401,
            {"code": "BAD_CREDENTIALS", "message": "Bad credentials"},
        ),
    ],
)
def test_a_refused_login_gets_the_documented_body(
    mock: MockServer, content: bytes, status: int, body: dict[str, str]
) -> None:
    answer = httpx.post(
        mock.base_url + "/ws-api/v1/login",
        content=content,
        headers={"content-type": "application/json"},
    )
    assert (answer.status_code, answer.json()) == (status, body)


def test_a_missing_or_invalid_token_gets_401(mock: MockServer) -> None:
    url = mock.base_url + "/ws-api/v1/files/attachments"
    expected = {"message": "No session token provided or invalid token"}
    for headers in ({}, {"token": "12345"}):
        answer = httpx.get(url, params={"filename": "x"}, headers=headers)
        assert (answer.status_code, answer.json()) == (401, expected)
    answer = httpx.get(url, params={"filename": "x", "token": "12345"})
    assert (answer.status_code, answer.json()) == (401, expected)


def test_the_token_works_in_the_query_and_in_the_header(mock: MockServer) -> None:
    token = httpx.post(
        mock.base_url + "/ws-api/v1/login",
        json={"username": mock.ws_user, "password": mock.ws_password},
    ).json()["sessionId"]
    url = mock.base_url + "/ws-api/v1/files/attachments"
    assert httpx.get(url, params={"filename": "x", "token": token}).status_code == 404
    assert httpx.get(url, params={"filename": "x"}, headers={"token": token}).status_code == 404


def test_tokens_expire_after_the_idle_time(mock_factory: Callable[..., MockServer]) -> None:
    clock = FakeClock()  # session expiry is timed on it: no sleeping
    server = mock_factory(ws_token_ttl_seconds=60.0, clock=clock)
    token = httpx.post(
        server.base_url + "/ws-api/v1/login",
        json={"username": server.ws_user, "password": server.ws_password},
    ).json()["sessionId"]
    url = server.base_url + "/ws-api/v1/files/attachments"
    for _ in range(3):  # each use slides the expiry forward: 3 x 59 s outlives one TTL
        clock.advance(59.0)
        assert httpx.get(url, params={"filename": "x"}, headers={"token": token}).status_code == 404
    clock.advance(60.0)  # an idle TTL since the last use
    assert httpx.get(url, params={"filename": "x"}, headers={"token": token}).status_code == 401
