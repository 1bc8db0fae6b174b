"""The validating proxy: every answer passed on unchanged, every departure from the specs listed.

The upstream in these tests is a second mock service, which answers as the specs say unless a
fault makes it answer otherwise: exactly the "real service that drifted" the proxy is for.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator

import httpx
import pytest

from attachkit.auth import AkSkAuth
from attachkit.mock import MockServer
from attachkit.mock.conformance import Conformance
from attachkit.mock.proxy import ProxyServer, parse_upstream
from tests.mock_helpers import (
    IPD_ISSUE,
    IPD_LIST,
    ipd_download_path,
    scrum_path,
    upload_coc,
    upload_ipd,
    upload_scrum,
)

WRONG_SHAPE = {"status": "success", "result": {"id": 7, "extra": "x" * 40}}


@pytest.fixture
def upstream(mock_factory: Callable[..., MockServer]) -> MockServer:
    return mock_factory()


@pytest.fixture
def proxy(upstream: MockServer) -> Iterator[ProxyServer]:
    with ProxyServer(upstream.base_url) as server:
        yield server


def _signing_client(proxy: ProxyServer, upstream: MockServer) -> httpx.Client:
    """Connected to the proxy, signing for (and sending the Host of) the upstream."""
    upstream_host = upstream.base_url.removeprefix("http://")
    return httpx.Client(
        base_url=proxy.url, headers={"Host": upstream_host}, auth=AkSkAuth(upstream.credentials)
    )


def test_a_wrong_shaped_list_answer_is_listed_as_a_violation_and_passed_on_unchanged(
    upstream: MockServer, proxy: ProxyServer
) -> None:
    upstream.faults.status("GET", IPD_LIST, 200, body=WRONG_SHAPE, times=2)
    with _signing_client(proxy, upstream) as client:
        answers = [client.get(IPD_LIST, params={"issue_id": IPD_ISSUE}) for _ in range(2)]
    # The client gets the upstream's bytes: what the mock encodes for the fault's body.
    expected = json.dumps(WRONG_SHAPE, ensure_ascii=False, separators=(",", ":")).encode()
    assert [a.status_code for a in answers] == [200, 200]
    assert [a.content for a in answers] == [expected, expected]

    with httpx.Client(base_url=proxy.url, headers=proxy.control_headers) as control:
        violations = control.get("/_mock/violations").json()
    assert violations == [
        {
            "service": "codearts-req",
            "operation_id": "listIpdAttachments",
            "status": 200,
            "field": "body:/result",
            "expected": "of type array or null",
            "got": "an object with keys extra, id",
            "count": 2,
        }
    ]
    # What came is described, never repeated: the 40 x's are nowhere.
    assert "xxxx" not in json.dumps(violations)


def test_each_departure_is_logged_once_per_operation_and_field(
    upstream: MockServer, proxy: ProxyServer, caplog: pytest.LogCaptureFixture
) -> None:
    upstream.faults.status("GET", IPD_LIST, 200, body=[1, 2], times=3)
    upstream.faults.status("GET", IPD_LIST, 418, times=2)
    with (
        caplog.at_level(logging.WARNING, "attachkit.mock.proxy"),
        _signing_client(proxy, upstream) as client,
    ):
        for _ in range(5):
            client.get(IPD_LIST, params={"issue_id": IPD_ISSUE})
    departures = [r.getMessage() for r in caplog.records if "spec departure" in r.getMessage()]
    assert departures == [
        "spec departure: codearts-req listIpdAttachments answered 200, body: "
        "the spec says of type object, came an array of 2 items",
        "spec departure: codearts-req listIpdAttachments answered 418, status: "
        "the spec says one of 200, 400, 401, came 418",
    ]
    assert [(v["field"], v["count"]) for v in proxy.violations] == [("body", 3), ("status", 2)]


def test_the_usual_flows_pass_through_byte_for_byte_with_no_violation(
    upstream: MockServer, proxy: ProxyServer
) -> None:
    content = os.urandom(300_000)
    with (
        _signing_client(proxy, upstream) as via_proxy,
        httpx.Client(base_url=upstream.base_url, auth=AkSkAuth(upstream.credentials)) as direct,
    ):
        ipd_id = upload_ipd(via_proxy, "big.bin", content)
        scrum_id = upload_scrum(via_proxy, "s.txt", b"scrum")
        upload_coc(via_proxy, "c.txt", b"coc")
        proxied = via_proxy.get(ipd_download_path(ipd_id))
        straight = direct.get(ipd_download_path(ipd_id))
        listed = via_proxy.get(IPD_LIST, params={"issue_id": IPD_ISSUE})
        assert via_proxy.delete(scrum_path(scrum_id)).status_code == 200
    assert proxied.content == straight.content == content
    # Every header of the upstream's answer came through, and only those (x-request-id and
    # date differ per answer by nature).
    varying = {"x-request-id", "date"}
    assert [(k, v) for k, v in proxied.headers.items() if k not in varying] == [
        (k, v) for k, v in straight.headers.items() if k not in varying
    ]
    assert listed.json()["result"][0]["id"] == ipd_id
    assert proxy.violations == []


def test_a_request_body_is_forwarded_whole_when_it_comes_chunked(
    upstream: MockServer, proxy: ProxyServer
) -> None:
    def pieces() -> Iterator[bytes]:
        yield b'{"username": "'
        yield upstream.ws_user.encode() + b'", "password": "'
        yield upstream.ws_password.encode() + b'"}'

    with httpx.Client(base_url=proxy.url) as client:
        answer = client.post(
            "/ws-api/v1/login", content=pieces(), headers={"Content-Type": "application/json"}
        )
    assert answer.status_code == 200 and answer.json()["sessionId"]


def test_an_unsigned_request_addressed_to_the_proxy_gets_the_upstreams_host(
    upstream: MockServer, proxy: ProxyServer
) -> None:
    # WorldServer requests are not signed: a client that never heard of the upstream works.
    with httpx.Client(base_url=proxy.url) as client:
        answer = client.post(
            "/ws-api/v1/login",
            json={"username": upstream.ws_user, "password": upstream.ws_password},
        )
    assert answer.status_code == 200
    assert proxy.violations == []


def test_a_request_signed_for_the_proxys_host_is_refused_by_the_upstream(
    upstream: MockServer, proxy: ProxyServer
) -> None:
    # The signature covers Host: signing for the proxy's address cannot pass upstream. This is
    # why a signing client sets Host to the upstream's.
    with httpx.Client(base_url=proxy.url, auth=AkSkAuth(upstream.credentials)) as client:
        answer = client.get(IPD_LIST, params={"issue_id": IPD_ISSUE})
    assert answer.status_code == 401 and answer.json()["error_code"] == "APIG.0301"


def test_the_proxy_works_as_an_http_proxy_for_a_plain_http_upstream(
    upstream: MockServer, proxy: ProxyServer
) -> None:
    # httpx's proxy= sends the absolute URL and the upstream's Host: nothing to set by hand.
    with httpx.Client(
        base_url=upstream.base_url, proxy=proxy.url, auth=AkSkAuth(upstream.credentials)
    ) as client:
        ipd_id = upload_ipd(client, "a.txt", b"via proxy=")
    assert [e["operation_id"] for e in proxy.app.journal.entries()] == ["uploadIpdAttachment"]
    assert [a.public_id for a in upstream.app.storage.list("ipd")] == [ipd_id]


def test_control_routes_answer_on_the_proxy_itself(
    upstream: MockServer, proxy: ProxyServer
) -> None:
    with _signing_client(proxy, upstream) as client:
        client.get(IPD_LIST, params={"issue_id": IPD_ISSUE})
    with httpx.Client(base_url=proxy.url) as stranger:
        assert stranger.get("/_mock/health").json() == {"status": "ok"}
        # The departures hold no value that came, so they are open to read; the journal
        # (paths and ids of the user's requests) and clearing need the token.
        assert stranger.get("/_mock/violations").json() == []
        assert stranger.delete("/_mock/violations").status_code == 401
        assert stranger.get("/_mock/requests").status_code == 401
        assert stranger.get("/_mock/violations", headers={"Origin": "http://x"}).status_code == 403
    with httpx.Client(base_url=proxy.url, headers=proxy.control_headers) as control:
        (entry,) = control.get("/_mock/requests").json()
        assert (entry["operation_id"], entry["status"]) == ("listIpdAttachments", 200)
        assert control.delete("/_mock/violations").status_code == 204
        # The upstream's own /_mock/ is not reachable through the proxy.
        assert control.get("/_mock/attachments").status_code == 404
    assert [e["operation_id"] for e in upstream.requests] == ["listIpdAttachments"]


def test_an_upstream_that_cannot_be_reached_is_a_502_from_the_proxy() -> None:
    with MockServer() as gone:
        url = gone.base_url
    with ProxyServer(url) as proxy, httpx.Client(base_url=proxy.url) as client:
        answer = client.get("/ws-api/v1/login")
    assert answer.status_code == 502
    assert answer.json()["source"] == "attachkit mock proxy"


def test_a_required_header_missing_from_an_answer_is_a_violation() -> None:
    conformance = Conformance()
    route = conformance.router.operations[("codearts-req", "downloadIpdAttachment")]
    responses = dict(route.spec["responses"])
    responses["200"] = {
        "description": "bytes",
        "headers": {"ETag": {"required": True, "schema": {"type": "string"}}},
        "content": {"application/octet-stream": {}},
    }
    strict = dataclasses.replace(route, spec={**route.spec, "responses": responses})
    found = conformance.check_head(strict, "GET", 200, {"content-type": "text/html"})
    assert [(v.field, v.expected, v.got) for v in found] == [
        ("header ETag", "present (required)", "absent"),
        ("header Content-Type", "application/octet-stream", "text/html"),
    ]
    assert (
        conformance.check_head(
            strict, "GET", 200, {"etag": '"x"', "content-type": "application/octet-stream"}
        )
        == []
    )


def test_body_departures_name_the_field_and_never_repeat_a_string() -> None:
    conformance = Conformance()
    route = conformance.router.operations[("worldserver", "uploadAttributeFile")]
    body = json.dumps({"internalName": 5, "downloadToken": "secret-token-value", "x\x1b[2J": 1})
    found = conformance.check_body(route, 200, body.encode())
    text = json.dumps([v.to_json() for v in found])
    assert "secret-token-value" not in text and "\x1b" not in text
    assert "body:/internalName" in {v.field for v in found}
    assert conformance.check_body(route, 200, b"not json")[0].got == "a body that is not JSON"


@pytest.mark.parametrize(
    "url",
    ["ftp://host", "http://", "http://host/path", "http://user:pw@host", "http://host#x", "x"],
)
def test_an_upstream_url_with_more_than_scheme_host_and_port_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        parse_upstream(url)


def test_the_proxy_command_serves_until_sigterm(upstream: MockServer) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "attachkit",
            "mock",
            "proxy",
            "--upstream",
            upstream.base_url,
            "--port",
            "0",
            "--control-token",
            "proxy-token-123",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert banner.startswith("attachkit mock proxy on http://127.0.0.1:")
        url = banner.split(" on ", 1)[1].split(",", 1)[0]
        upstream.faults.status("GET", IPD_LIST, 200, body=[], times=1)
        with httpx.Client(base_url=url) as client:
            host = upstream.base_url.removeprefix("http://")
            signed = httpx.Client(
                base_url=url, headers={"Host": host}, auth=AkSkAuth(upstream.credentials)
            )
            with signed:
                assert signed.get(IPD_LIST, params={"issue_id": IPD_ISSUE}).content == b"[]"
            listed = client.get(
                "/_mock/violations", headers={"X-Attachkit-Mock-Token": "proxy-token-123"}
            ).json()
        assert [v["operation_id"] for v in listed] == ["listIpdAttachments"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM
    assert "spec departure: codearts-req listIpdAttachments answered 200, body" in err


def test_the_proxy_command_refuses_a_bad_upstream_and_a_remote_host() -> None:
    for extra in (
        ["--upstream", "http://host/path"],
        ["--upstream", "http://x", "--host", "0.0.0.0"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "attachkit", "mock", "proxy", *extra],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2 and "attachkit mock proxy:" in done.stderr
