"""Reset and named snapshots: a suite prepares its data once and brings it back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from attachkit.auth import AkSkAuth
from attachkit.mock import MockConfig, MockServer
from attachkit.mock.seed import example_attachments
from tests.mock_helpers import (
    coc_path,
    ipd_download_path,
    scrum_path,
    upload_coc,
    upload_ipd,
    upload_scrum,
)


def _stored(control: httpx.Client) -> list[tuple[str, str, str]]:
    listed = control.get("/_mock/attachments").json()
    return sorted((a["kind"], a["id"], a["sha256"]) for a in listed)


def _seeded() -> list[tuple[str, str]]:
    return sorted((e["kind"], e["public_id"]) for e in example_attachments())


def test_reset_empties_uploads_and_sessions_and_brings_the_seeded_examples_back(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory(seed_examples=True)
    with (
        server.control_client() as control,
        httpx.Client(base_url=server.base_url, auth=AkSkAuth(server.credentials)) as signed,
        httpx.Client(base_url=server.base_url) as ws,
    ):
        seeded = control.get("/_mock/attachments").json()
        example = next(a for a in seeded if a["kind"] == "scrum")
        signed.delete(scrum_path(example["id"]))  # a seeded example deleted by a test ...
        upload_coc(signed, "a.txt", b"uploaded")
        login = ws.post(
            "/ws-api/v1/login", json={"username": server.ws_user, "password": server.ws_password}
        )
        ws.headers["token"] = login.json()["sessionId"]
        assert ws.get("/ws-api/v1/files/attachments", params={"filename": "x"}).status_code == 404

        assert control.post("/_mock/reset").json() == {"status": "reset"}

        # ... is back, the upload is gone, and the session no longer works.
        assert sorted((a["kind"], a["id"]) for a in control.get("/_mock/attachments").json()) == (
            _seeded()
        )
        assert ws.get("/ws-api/v1/files/attachments", params={"filename": "x"}).status_code == 401


def test_restore_brings_back_exactly_the_saved_state(
    mock: MockServer, signed_client: httpx.Client, control: httpx.Client
) -> None:
    kept = upload_scrum(signed_client, "kept.txt", b"kept bytes")
    ipd_id = upload_ipd(signed_client, "plan.txt", b"ipd bytes")
    saved = control.post("/_mock/snapshot", json={"name": "prepared"})
    assert saved.status_code == 201 and saved.json() == {"name": "prepared", "attachments": 2}
    before = _stored(control)
    next_scrum_after_save = upload_scrum(signed_client, "probe.txt", b"p")

    # Everything a test might do afterwards ...
    assert signed_client.delete(scrum_path(kept)).status_code == 200
    doc_id = upload_coc(signed_client, "new.txt", b"new")
    control.post("/_mock/reset")

    # ... is undone by the restore.
    restored = control.post("/_mock/restore", json={"name": "prepared"})
    assert restored.status_code == 200 and restored.json()["attachments"] == 2
    assert _stored(control) == before
    assert signed_client.get(scrum_path(kept)).content == b"kept bytes"
    assert signed_client.get(ipd_download_path(ipd_id)).content == b"ipd bytes"
    assert signed_client.get(coc_path(doc_id)).status_code == 400  # not in the snapshot
    # The id counters are part of the state: the next upload gets the id it got then.
    assert upload_scrum(signed_client, "probe.txt", b"p") == next_scrum_after_save


def test_a_snapshot_can_be_restored_again_and_replaced(
    mock: MockServer, signed_client: httpx.Client
) -> None:
    upload_coc(signed_client, "one.txt", b"1")
    assert mock.snapshot("s") == 1
    upload_coc(signed_client, "two.txt", b"2")
    assert mock.restore("s") == 1
    upload_coc(signed_client, "three.txt", b"3")
    assert mock.restore("s") == 1  # a restore leaves the snapshot as it was
    upload_coc(signed_client, "four.txt", b"4")
    assert mock.snapshot("s") == 2  # the same name saved again replaces it
    assert mock.restore("s") == 2
    # Replacing left nothing behind (no staging or old copy beside the snapshots).
    assert not [p for p in (mock.data_dir / "snapshots").iterdir() if p.name.startswith(".")]


def test_restoring_an_unknown_snapshot_is_404_and_changes_nothing(
    mock: MockServer, signed_client: httpx.Client, control: httpx.Client
) -> None:
    upload_coc(signed_client, "a.txt", b"a")
    before = _stored(control)
    answer = control.post("/_mock/restore", json={"name": "never-saved"})
    assert answer.status_code == 404
    assert _stored(control) == before


@pytest.mark.parametrize(
    "name", ["../escape", ".hidden", "a/b", "", "x" * 65, "sp ace", 7, None, "nul\x00"]
)
def test_a_snapshot_name_that_is_not_a_plain_name_is_refused(
    mock: MockServer, control: httpx.Client, name: object
) -> None:
    for path in ("/_mock/snapshot", "/_mock/restore"):
        answer = control.post(path, json={"name": name})
        assert answer.status_code == 400, (path, name)
        assert "snapshot name" in answer.json()["message"]
    assert not (mock.data_dir.parent / "escape").exists()


def test_snapshot_routes_need_the_control_token(mock: MockServer) -> None:
    with httpx.Client(base_url=mock.base_url) as stranger:
        assert stranger.post("/_mock/snapshot", json={"name": "x"}).status_code == 401
        assert stranger.post("/_mock/restore", json={"name": "x"}).status_code == 401


def test_snapshots_of_a_kept_data_directory_survive_a_restart(tmp_data_dir: Path) -> None:
    config = MockConfig(data_dir=tmp_data_dir)
    with (
        MockServer(config) as first,
        httpx.Client(base_url=first.base_url, auth=AkSkAuth(first.credentials)) as signed,
    ):
        doc_id = upload_coc(signed, "a.txt", b"survives")
        first.snapshot("base")
        upload_coc(signed, "b.txt", b"later")
    with MockServer(MockConfig(data_dir=tmp_data_dir)) as second:
        second.restore("base")
        with httpx.Client(base_url=second.base_url, auth=AkSkAuth(second.credentials)) as signed:
            assert signed.get(coc_path(doc_id)).content == b"survives"
        with second.control_client() as control:
            assert [a["file_name"] for a in control.get("/_mock/attachments").json()] == ["a.txt"]
            assert control.get("/_mock/snapshots").json() == ["base"]


def test_a_damaged_snapshot_is_refused_and_the_data_left_alone(
    mock: MockServer, signed_client: httpx.Client, control: httpx.Client
) -> None:
    upload_coc(signed_client, "a.txt", b"a")
    mock.snapshot("damaged")
    (saved_file,) = (mock.data_dir / "snapshots" / "damaged" / "files").iterdir()
    saved_file.unlink()
    saved_file.symlink_to("/etc/passwd")  # never followed, never served
    upload_coc(signed_client, "b.txt", b"b")
    before = _stored(control)
    answer = control.post("/_mock/restore", json={"name": "damaged"})
    assert answer.status_code == 400 and "damaged" in answer.json()["message"]
    assert _stored(control) == before
