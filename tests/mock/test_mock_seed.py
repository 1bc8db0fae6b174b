"""The mock stores the attachments the specs' examples name when asked (``mock serve`` does)."""

from __future__ import annotations

import httpx

from attachkit import specs
from attachkit.auth import AkSkAuth
from attachkit.cli.mock import build_parser, config_from_args
from attachkit.mock import MockConfig, MockServer
from attachkit.mock.seed import example_attachments, example_ws_user


def test_seeded_examples_download_and_survive_a_reset() -> None:
    with MockServer(MockConfig(seed_examples=True)) as mock:
        auth = AkSkAuth(mock.credentials)
        scrum = "/v4/projects/f7a67aee4c034fd6944fd5f769e89042/issues/5667740/attachments/72372"
        coc = "/v1/incident/attachments/c70d6b38-3783-4d62-9c4a-c6924925e848"
        ipd = "/v1/ipdprojectservice/projects/gdbdf969b32694524a949b5ef6b3e124a/attachments"
        for path in (scrum, coc, f"{ipd}/download/1212813884362502144"):
            assert httpx.get(mock.base_url + path, auth=auth).status_code == 200, path
        listed = httpx.get(
            mock.base_url + ipd, params={"issue_id": "956239067176935400"}, auth=auth
        ).json()
        assert [entry["id"] for entry in listed["result"]] == ["1212813884362502144"]

        username, password = example_ws_user()
        login = httpx.post(
            mock.base_url + "/ws-api/v1/login", json={"username": username, "password": password}
        )
        assert login.status_code == 200
        ws = httpx.get(
            mock.base_url + "/ws-api/v1/files/attachments",
            params={
                "filename": "attr1113-8493849188859715237_ws_api.txt",
                "resourceType": "PROJECT",
                "resourceId": "3486",
                "attributeName": "attachment",
            },
            headers={"token": login.json()["sessionId"]},
        )
        assert ws.status_code == 200

        # A new Scrum upload gets an id past the seeded one, never the same.
        upload = httpx.post(
            mock.base_url + scrum.rsplit("/", 1)[0] + "/upload",
            files={"attachment": ("a.txt", b"x")},
            headers={"X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"},
            auth=auth,
        )
        assert upload.status_code == 200 and upload.json()["id"] != 72372

        httpx.delete(mock.base_url + scrum, auth=auth)
        assert httpx.get(mock.base_url + scrum, auth=auth).status_code == 400
        mock.reset()
        assert httpx.get(mock.base_url + scrum, auth=auth).status_code == 200


def test_seeded_ids_come_from_the_specs_examples() -> None:
    by_kind = {entry["kind"]: entry for entry in example_attachments()}
    doc_id = next(
        p["schema"]["examples"][0]
        for p in specs.parameters("coc", "downloadAttachment")
        if p["name"] == "doc_id"
    )
    assert by_kind["coc"]["public_id"] == doc_id
    assert by_kind["ws"]["attribute_definition_id"] == 1113


def test_mock_serve_seeds_unless_no_seed() -> None:
    parser = build_parser()
    assert config_from_args(parser.parse_args(["mock", "serve"])).seed_examples is True
    assert (
        config_from_args(parser.parse_args(["mock", "serve", "--no-seed"])).seed_examples is False
    )
    assert MockConfig().seed_examples is False  # in-process mocks start empty
