"""X-Project-Id: the IAM project id, declared in the spec and sent as the official SDK sends it."""

from __future__ import annotations

import httpx
import pytest

import attachkit
from attachkit import specs

IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"


def test_every_codearts_operation_declares_the_header() -> None:
    operations = specs.operations("codearts-req")
    assert operations
    for operation_id in operations:
        names = {(p["in"], p["name"]) for p in specs.parameters("codearts-req", operation_id)}
        assert ("header", "X-Project-Id") in names, operation_id


@pytest.mark.parametrize("how", ["keyword", "environment", "none"])
def test_the_facade_sends_the_iam_project_id(how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HUAWEICLOUD_SDK_PROJECT_ID", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", "/nonexistent/attachkit-test")
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AK")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "SK")
    iam_project_id = "0123456789abcdef0123456789abcdef" if how == "keyword" else None
    if how == "environment":
        monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", "0123456789abcdef0123456789abcdef")
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"result": []})

    with attachkit.CodeArtsReq(
        endpoint="https://req.example.test",
        transport=httpx.MockTransport(answer),
        iam_project_id=iam_project_id,
    ) as req:
        req.ipd.list(IPD_PROJECT, IPD_ISSUE)
    header = seen[0].headers.get("X-Project-Id")
    if how == "none":
        assert header is None
    else:
        assert header == "0123456789abcdef0123456789abcdef"
        signed = seen[0].headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]
        assert "x-project-id" in signed.split(";")
