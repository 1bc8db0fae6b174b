"""Fault injection: delays, error statuses, bodies cut short and connections reset."""

from __future__ import annotations

import time

import httpx
import pytest

from attachkit.mock import MockServer
from tests.mock_helpers import coc_path, upload_coc

DATA = b"0123456789" * 1000


def test_delay_applies_to_the_next_k_matching_requests(
    mock: MockServer, signed_client: httpx.Client
) -> None:
    doc_id = upload_coc(signed_client, "a.txt", DATA)
    mock.faults.delay("GET", "/v1/incident/attachments/*", 0.4, times=2)
    durations = []
    rules_left = []
    for _ in range(3):
        started = time.monotonic()
        assert signed_client.get(coc_path(doc_id)).content == DATA
        durations.append(time.monotonic() - started)
        rules_left.append(len(mock.faults.list()))
    # The rule is used up by exactly two requests (no timing involved) ...
    assert rules_left == [1, 0, 0]
    # ... each of which waited at least the delay (a lower bound, true on any machine). The
    # third is compared with them, not with a fixed time, so a slow machine cannot fail it:
    # it is faster than both unless its own work took 0.4 s longer than theirs.
    assert durations[0] >= 0.4 and durations[1] >= 0.4
    assert durations[2] < min(durations[0], durations[1])


def test_status_fault_answers_with_retry_after_and_the_services_body(
    mock: MockServer, signed_client: httpx.Client
) -> None:
    doc_id = upload_coc(signed_client, "a.txt", DATA)
    mock.faults.status("GET", "/v1/incident/*", 503, retry_after=2)
    failed = signed_client.get(coc_path(doc_id))
    assert failed.status_code == 503 and failed.headers["retry-after"] == "2"
    assert set(failed.json()) == {"provider_code", "error_code", "error_msg", "data"}
    assert signed_client.get(coc_path(doc_id)).status_code == 200  # used up


def test_status_fault_on_an_upload_reads_the_body_first(
    mock: MockServer, signed_client: httpx.Client
) -> None:
    mock.faults.status("POST", "/v1/incident/attachments", 429, retry_after=1)
    answer = signed_client.post("/v1/incident/attachments", files={"file": ("a.txt", DATA * 50)})
    assert answer.status_code == 429
    upload_coc(signed_client, "a.txt", DATA)


def test_cut_closes_the_connection_after_n_body_bytes(
    mock: MockServer, signed_client: httpx.Client
) -> None:
    doc_id = upload_coc(signed_client, "a.txt", DATA)
    mock.faults.cut("GET", coc_path(doc_id), after_bytes=1234)
    received = bytearray()
    with (
        pytest.raises(httpx.RemoteProtocolError),
        signed_client.stream("GET", coc_path(doc_id)) as r,
    ):
        assert r.headers["content-length"] == str(len(DATA))
        for chunk in r.iter_raw():
            received += chunk
    assert bytes(received) == DATA[:1234]
    # Resuming from where the cut happened gets the rest.
    rest = signed_client.get(coc_path(doc_id), headers={"Range": f"bytes={len(received)}-"})
    assert bytes(received) + rest.content == DATA


def test_reset_aborts_the_connection_before_any_answer(
    mock: MockServer, signed_client: httpx.Client
) -> None:
    doc_id = upload_coc(signed_client, "a.txt", DATA)
    mock.faults.reset_connection("GET", "/v1/incident/attachments/*", times=2)
    for _ in range(2):
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            signed_client.get(coc_path(doc_id))
    assert signed_client.get(coc_path(doc_id)).status_code == 200


@pytest.mark.parametrize("fault", ["cut", "reset"])
def test_a_forwarded_for_header_does_not_hide_the_connection_from_a_fault(
    mock: MockServer, signed_client: httpx.Client, fault: str
) -> None:
    # The mock is not behind a proxy: a client's X-Forwarded-For must not replace the
    # connection's address, which is how a cut or reset finds the socket to close.
    doc_id = upload_coc(signed_client, "a.txt", DATA)
    if fault == "cut":
        mock.faults.cut("GET", coc_path(doc_id), after_bytes=10)
    else:
        mock.faults.reset_connection("GET", coc_path(doc_id))
    received = bytearray()
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    with (
        pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)),
        signed_client.stream("GET", coc_path(doc_id), headers=forwarded) as r,
    ):
        for chunk in r.iter_raw():
            received += chunk
    assert bytes(received) == (DATA[:10] if fault == "cut" else b"")


def test_faults_through_the_json_api(
    mock: MockServer, ws_client: httpx.Client, control: httpx.Client
) -> None:
    faults = "/_mock/faults"
    created = control.post(
        faults,
        json={
            "method": "GET",
            "path": r"/ws-api/v1/files/.*",
            "regex": True,
            "status": 500,
            "times": 3,
        },
    )
    assert created.status_code == 201
    assert [rule["id"] for rule in control.get(faults).json()] == [created.json()["id"]]
    answer = ws_client.get("/ws-api/v1/files/attachments", params={"filename": "x"})
    assert (answer.status_code, answer.json()) == (500, {"message": "Injected fault: HTTP 500"})
    assert control.get(faults).json()[0]["times"] == 2
    assert control.delete(f"{faults}/{created.json()['id']}").status_code == 204
    assert (
        ws_client.get("/ws-api/v1/files/attachments", params={"filename": "x"}).status_code == 404
    )
    refused = control.post(faults, json={"path": "/x", "status": 500, "reset": True})
    assert refused.status_code == 400
    control.post(faults, json={"path": "/x", "delay": 1})
    assert control.post("/_mock/reset").status_code == 200
    assert control.get(faults).json() == []


def test_faults_match_method_and_path(mock: MockServer, signed_client: httpx.Client) -> None:
    doc_id = upload_coc(signed_client, "a.txt", DATA)
    mock.faults.status("POST", "/v1/incident/attachments/*", 503)
    mock.faults.status("GET", "/v4/*", 503)
    assert signed_client.get(coc_path(doc_id)).status_code == 200
    assert len(mock.faults.list()) == 2
