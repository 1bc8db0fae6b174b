"""The request journal: what the mock answered, in order, bounded, and never a secret."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable

import httpx

from attachkit.auth import AkSkAuth
from attachkit.credentials import Credentials
from attachkit.mock import MockConfig, MockServer
from attachkit.mock.config import parse_credential
from attachkit.mock.journal import redact_query
from tests.mock_helpers import (
    IPD_ISSUE,
    IPD_LIST,
    IPD_UPLOAD,
    coc_path,
    upload_coc,
    upload_ipd,
    upload_ws,
)

DATA = b"journal me" * 100


def test_each_answered_request_is_listed_in_order_with_its_operation_status_and_sizes(
    mock: MockServer, signed_client: httpx.Client, control: httpx.Client
) -> None:
    upload_ipd(signed_client, "a.txt", DATA)
    signed_client.get(IPD_LIST, params={"issue_id": IPD_ISSUE})
    signed_client.get("/v4/no/such/api")

    listed = control.get("/_mock/requests")
    assert listed.status_code == 200
    entries = listed.json()
    assert [(e["method"], e["operation_id"], e["status"]) for e in entries] == [
        ("POST", "uploadIpdAttachment", 200),
        ("GET", "listIpdAttachments", 200),
        ("GET", None, 404),
    ]
    upload, listing, _ = entries
    assert upload["path"] == IPD_UPLOAD and upload["service"] == "codearts-req"
    assert upload["request_bytes"] > len(DATA)  # the multipart body, as read
    assert upload["response_bytes"] > 0
    assert listing["query"] == {"issue_id": IPD_ISSUE} and listing["request_bytes"] == 0
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    # The Python API reads the same list; the control requests themselves are not in it.
    assert mock.requests == entries


def test_the_journal_keeps_only_the_newest_entries_up_to_its_size(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory(journal_size=3)
    with httpx.Client(base_url=server.base_url) as client:
        for n in range(5):
            client.get(f"/ws-api/v1/nothing-{n}")
    assert [e["path"] for e in server.requests] == [f"/ws-api/v1/nothing-{n}" for n in (2, 3, 4)]


def test_a_journal_of_size_zero_records_nothing(mock_factory: Callable[..., MockServer]) -> None:
    server = mock_factory(journal_size=0)
    httpx.get(server.base_url + "/ws-api/v1/nothing")
    assert server.requests == []


def test_no_secret_reaches_the_journal(
    mock_factory: Callable[..., MockServer],
) -> None:
    account = parse_credential("TMPAK000000000:temporary-secret-key:the-security-token-value")
    server = mock_factory(MockConfig(accounts={account.ak: account}))
    credentials = Credentials(ak=account.ak, sk=account.sk, security_token=account.security_token)
    with httpx.Client(base_url=server.base_url, auth=AkSkAuth(credentials)) as signed:
        doc_id = upload_coc(signed, "a.txt", DATA)
        assert signed.get(coc_path(doc_id)).content == DATA
    with httpx.Client(base_url=server.base_url) as ws:
        login = ws.post(
            "/ws-api/v1/login", json={"username": server.ws_user, "password": server.ws_password}
        )
        token = login.json()["sessionId"]
        ws.headers["token"] = token
        uploaded = upload_ws(ws, "w.txt", DATA)
        got = ws.get(
            "/ws-api/v1/files/attachments",
            params={
                "token": token,
                "filename": uploaded["internalName"],
                "downloadToken": uploaded["downloadToken"],
            },
        )
        assert got.content == DATA

    text = json.dumps(server.requests)
    for secret in (
        account.sk,
        account.security_token,
        "SDK-HMAC-SHA256",
        token,
        uploaded["downloadToken"],
        server.ws_password,
    ):
        assert secret and secret not in text
    download = server.requests[-1]
    assert download["operation_id"] == "getAttributeFiles" and download["status"] == 200
    assert download["query"] == {
        "token": "***",
        "filename": uploaded["internalName"],
        "downloadToken": "***",
    }


def test_query_redaction_keeps_names_and_hides_every_secret_looking_value() -> None:
    query = b"token=t1&downloadToken=t2&DownloadTOKEN=t3&client_secret=s&password=p&issue_id=5"
    assert redact_query(query) == {
        "token": "***",
        "downloadToken": "***",
        "DownloadTOKEN": "***",
        "client_secret": "***",
        "password": "***",
        "issue_id": "5",
    }
    # Undecodable bytes are shown replaced; an entry's values are cut short.
    assert redact_query(b"a=%ff&b=" + b"x" * 5000) == {"a": "\ufffd", "b": "x" * 2048 + "..."}


def test_a_client_without_the_control_token_cannot_read_or_clear_the_journal(
    mock: MockServer, signed_client: httpx.Client
) -> None:
    upload_ipd(signed_client, "a.txt", DATA)
    with httpx.Client(base_url=mock.base_url) as stranger:
        assert stranger.get("/_mock/requests").status_code == 401
        assert stranger.delete("/_mock/requests").status_code == 401
    assert len(mock.requests) == 1


def test_delete_clears_the_journal_and_reset_does_too(
    mock: MockServer, signed_client: httpx.Client, control: httpx.Client
) -> None:
    upload_ipd(signed_client, "a.txt", DATA)
    assert control.delete("/_mock/requests").status_code == 204
    assert control.get("/_mock/requests").json() == []
    upload_ipd(signed_client, "b.txt", DATA)
    assert control.post("/_mock/reset").status_code == 200
    assert mock.requests == []


def test_a_faulted_request_is_listed_with_what_it_was_answered(
    mock: MockServer, signed_client: httpx.Client
) -> None:
    doc_id = upload_coc(signed_client, "a.txt", DATA)
    mock.faults.status("GET", "/v1/incident/attachments/*", 503)
    mock.faults.cut("GET", "/v1/incident/attachments/*", 10)
    assert signed_client.get(coc_path(doc_id)).status_code == 503
    with contextlib.suppress(httpx.HTTPError):  # the cut breaks the answer off
        signed_client.get(coc_path(doc_id))
    faulted = [e for e in mock.requests if e["operation_id"] == "downloadAttachment"]
    assert [(e["status"], e["response_bytes"]) for e in faulted][1] == (200, 10)
    assert faulted[0]["status"] == 503
