"""WorldServer's filters as the spec declares them: query parameters (the facade's default) or
headers of the same names (seed 004), and the header form reaches the mock."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import attachkit
from attachkit import errors, specs
from attachkit.mock import MockServer


class Recording(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return super().handle_request(request)


def test_the_spec_declares_each_filter_in_query_and_header() -> None:
    where = {(p["name"], p["in"]) for p in specs.parameters("worldserver", "getAttributeFiles")}
    for name in ("resourceType", "resourceId", "attributeName", "downloadToken"):
        assert {(name, "query"), (name, "header")} <= where


def test_filters_as_headers_reach_the_mock(mock: MockServer, tmp_path: Path) -> None:
    transport = Recording()
    with attachkit.WorldServer(
        mock.base_url, mock.ws_user, mock.ws_password, transport=transport
    ) as ws:
        uploaded = ws.upload(1113, b"project file", filename="p.txt")
        attached = httpx.post(
            mock.base_url + "/_mock/worldserver/attach",
            headers=mock.control_headers,
            json={"internalName": uploaded.internal_name, "resourceType": "PROJECT",
                  "resourceId": 3486},
        )  # fmt: skip
        assert attached.status_code == 200
        got = ws.download(
            uploaded.internal_name, tmp_path / "a", filters_as_headers=True,
            resource_type="PROJECT", resource_id=3486, attribute_name="attachment",
        )  # fmt: skip
        assert (tmp_path / "a").read_bytes() == b"project file" and got.size == 12
        sent = transport.requests[-1]
        assert dict(sent.url.params) == {"filename": uploaded.internal_name}
        assert (sent.headers["resourceType"], sent.headers["resourceId"]) == ("PROJECT", "3486")
        assert sent.headers["attributeName"] == "attachment"
        # Seed 004's request carries Content-Type: application/json, and so does attachkit's.
        assert sent.headers["Content-Type"] == "application/json"

        # The mock reads them: a header naming another project finds nothing.
        with pytest.raises(errors.NotFoundError):
            ws.download(uploaded.internal_name, tmp_path / "b", filters_as_headers=True,
                        resource_type="PROJECT", resource_id=9)  # fmt: skip

        # The default sends them as query parameters, as before.
        ws.download(
            uploaded.internal_name, tmp_path / "c",
            resource_type="PROJECT", resource_id=3486, attribute_name="attachment",
        )  # fmt: skip
        assert transport.requests[-1].url.params["resourceType"] == "PROJECT"
        assert "resourceType" not in transport.requests[-1].headers


def test_the_query_wins_over_a_header_of_the_same_name(mock: MockServer) -> None:
    with attachkit.WorldServer(mock.base_url, mock.ws_user, mock.ws_password) as ws:
        uploaded = ws.upload(1113, b"loose", filename="l.txt")
    assert uploaded.download_token
    login = httpx.post(
        mock.base_url + "/ws-api/v1/login",
        json={"username": mock.ws_user, "password": mock.ws_password},
    ).json()["sessionId"]
    answer = httpx.get(
        mock.base_url + "/ws-api/v1/files/attachments",
        params={"filename": uploaded.internal_name, "downloadToken": uploaded.download_token},
        headers={"token": login, "downloadToken": "wrong"},
    )
    assert answer.status_code == 200 and answer.content == b"loose"
