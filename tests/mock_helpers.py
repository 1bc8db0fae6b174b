"""Paths and small request helpers for the mock service tests."""

from __future__ import annotations

import httpx

PROJECT = "f7a67aee4c034fd6944fd5f769e89042"
ISSUE = 5667740
IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"

SCRUM_UPLOAD = f"/v4/projects/{PROJECT}/issues/{ISSUE}/attachments/upload"
IPD_UPLOAD = f"/v1/ipdprojectservice/projects/{IPD_PROJECT}/issues/{IPD_ISSUE}/attachments/upload"
IPD_LIST = f"/v1/ipdprojectservice/projects/{IPD_PROJECT}/attachments"
COC_UPLOAD = "/v1/incident/attachments"


class FakeClock:
    """A monotonic clock for ``MockServer(clock=...)`` that moves only when a test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def scrum_path(attachment_id: int | str) -> str:
    return f"/v4/projects/{PROJECT}/issues/{ISSUE}/attachments/{attachment_id}"


def ipd_download_path(attachment_id: str) -> str:
    return f"/v1/ipdprojectservice/projects/{IPD_PROJECT}/attachments/download/{attachment_id}"


def coc_path(doc_id: str) -> str:
    return f"/v1/incident/attachments/{doc_id}"


def upload_scrum(client: httpx.Client, name: str, data: bytes) -> int:
    answer = client.post(SCRUM_UPLOAD, files={"attachment": (name, data)})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def upload_ipd(client: httpx.Client, name: str, data: bytes) -> str:
    answer = client.post(IPD_UPLOAD, files={"attachment": (name, data)})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["result"][0]["id"])


def upload_coc(client: httpx.Client, name: str, data: bytes) -> str:
    answer = client.post(COC_UPLOAD, files={"file": (name, data)})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["data"]["doc_id"])


def upload_ws(
    client: httpx.Client, name: str, data: bytes, definition: int = 1113
) -> dict[str, str]:
    answer = client.post(f"/ws-api/v1/files/attachments/{definition}", files={"file": (name, data)})
    assert answer.status_code == 200, answer.text
    result: dict[str, str] = answer.json()
    return result
