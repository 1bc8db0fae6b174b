"""The mock keeps what it is given: on disk, across restarts, under concurrency."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from attachkit.auth import AkSkAuth
from attachkit.mock import MockConfig, MockServer
from tests.mock_helpers import (
    IPD_ISSUE,
    IPD_LIST,
    coc_path,
    ipd_download_path,
    scrum_path,
    upload_coc,
    upload_ipd,
    upload_scrum,
    upload_ws,
)


def _login(client: httpx.Client, server: MockServer) -> None:
    answer = client.post(
        "/ws-api/v1/login", json={"username": server.ws_user, "password": server.ws_password}
    )
    client.headers["token"] = answer.json()["sessionId"]


def test_a_restarted_mock_serves_every_attachment_byte_for_byte(tmp_data_dir: Path) -> None:
    payloads = {name: os.urandom(size) for name, size in [("a.pdf", 1), ("b.txt", 300_001)]}
    first = MockServer(MockConfig(data_dir=tmp_data_dir)).start()
    try:
        with httpx.Client(base_url=first.base_url, auth=AkSkAuth(first.credentials)) as client:
            scrum = {upload_scrum(client, n, d): d for n, d in payloads.items()}
            ipd = {upload_ipd(client, n, d): d for n, d in payloads.items()}
            coc = {upload_coc(client, n, d): d for n, d in payloads.items()}
        with httpx.Client(base_url=first.base_url) as ws:
            _login(ws, first)
            worldserver = {upload_ws(ws, n, d)["internalName"]: d for n, d in payloads.items()}
            tokens = {
                a["id"]: a["download_token"]
                for a in httpx.get(
                    first.base_url + "/_mock/attachments", headers=first.control_headers
                ).json()
                if a["kind"] == "ws"
            }
    finally:
        first.stop()

    second = MockServer(MockConfig(data_dir=tmp_data_dir)).start()
    try:
        with httpx.Client(base_url=second.base_url, auth=AkSkAuth(second.credentials)) as client:
            for attachment_id, data in scrum.items():
                assert client.get(scrum_path(attachment_id)).content == data
            for ipd_id, data in ipd.items():
                assert client.get(ipd_download_path(ipd_id)).content == data
            for doc_id, data in coc.items():
                assert client.get(coc_path(doc_id)).content == data
            listed = client.get(IPD_LIST, params={"issue_id": IPD_ISSUE}).json()["result"]
            assert {entry["id"] for entry in listed} == set(ipd)
            # New ids continue after the old ones instead of colliding with them.
            assert upload_scrum(client, "c.txt", b"c") not in scrum
        with httpx.Client(base_url=second.base_url) as ws:
            _login(ws, second)
            for name, data in worldserver.items():
                got = ws.get(
                    "/ws-api/v1/files/attachments",
                    params={"filename": name, "downloadToken": tokens[name]},
                )
                assert got.content == data
    finally:
        second.stop()


def test_without_a_data_dir_a_temporary_one_is_removed_at_shutdown() -> None:
    server = MockServer().start()
    try:
        root = server.data_dir
        assert root.is_dir()
    finally:
        server.stop()  # also when the assertion fails: never leave a server thread behind
    assert not root.exists()


def test_a_given_data_dir_is_kept_at_shutdown(tmp_data_dir: Path) -> None:
    server = MockServer(MockConfig(data_dir=tmp_data_dir)).start()
    server.stop()
    assert (tmp_data_dir / "mock.sqlite3").is_file()


def test_reset_forgets_attachments_and_deletes_their_files(
    mock: MockServer, signed_client: httpx.Client, control: httpx.Client
) -> None:
    attachment_id = upload_scrum(signed_client, "a.txt", b"abc")
    assert any((mock.data_dir / "files").iterdir())
    assert control.post("/_mock/reset").json() == {"status": "reset"}
    assert not any((mock.data_dir / "files").iterdir())
    assert signed_client.get(scrum_path(attachment_id)).status_code == 400


def test_parallel_uploads_and_downloads_keep_every_file_intact(
    mock: MockServer, signed_client: httpx.Client, control: httpx.Client
) -> None:
    auth = AkSkAuth(mock.credentials)
    # A timeout turns a worker that never arrives (an exception before wait) into a
    # BrokenBarrierError in the others instead of a hung test run.
    barrier = threading.Barrier(8, timeout=30)

    def round_trip(index: int) -> bool:
        data = os.urandom(200_000 + index)
        with httpx.Client(base_url=mock.base_url, auth=auth) as client:
            barrier.wait()
            ids = [upload_scrum(client, f"f{index}-{n}.bin", data) for n in range(3)]
            return all(client.get(scrum_path(i)).content == data for i in ids)

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(round_trip, range(8)))
    listed = control.get("/_mock/attachments").json()
    assert len({a["id"] for a in listed}) == 24


def test_a_large_upload_streams_to_disk(
    mock_factory: Callable[..., MockServer], tmp_path: Path
) -> None:
    server = mock_factory()
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        for _ in range(24):
            f.write(os.urandom(1024 * 1024))
    with httpx.Client(base_url=server.base_url, auth=AkSkAuth(server.credentials)) as client:
        with big.open("rb") as f:
            answer = client.post(
                f"/v1/ipdprojectservice/projects/{'a' * 32}/issues/{'1' * 18}/attachments/upload",
                files={"attachment": ("big.bin", f)},
            )
        assert answer.status_code == 200, answer.text
        attachment_id = answer.json()["result"][0]["id"]
        with client.stream(
            "GET", f"/v1/ipdprojectservice/projects/{'a' * 32}/attachments/download/{attachment_id}"
        ) as download:
            assert download.headers["content-length"] == str(24 * 1024 * 1024)
            received = b"".join(download.iter_bytes())
    assert received == big.read_bytes()
