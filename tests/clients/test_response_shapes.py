"""The facades and the command line accept every answer the real services may send.

The official Huawei SDKs (huaweicloudsdkprojectman / huaweicloudsdkcoc 3.1.219) make every
response field optional. Each JSON operation is answered, by a small HTTP server on 127.0.0.1,
with bodies built from the SDK's own response model: every field the SDK knows, plus fields
nobody knows yet (they must be kept in ``additional_properties``), and only the id the caller
needs (everything else missing). Downloads are answered without the headers attachkit only
assumes the services send (``Content-Disposition``, ``ETag``, ``Content-Length``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from huaweicloudsdkcoc.v1 import model as coc_model
from huaweicloudsdkprojectman.v4 import model as pm_model

import attachkit
from attachkit.cli import main
from codearts_req_client.models import UserEntityType0
from tests.results import present

SCRUM_PROJECT = "f7a67aee4c034fd6944fd5f769e89042"
IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"
IPD_ID = "1212813884362502144"
DOC_ID = "c70d6b38-3783-4d62-9c4a-c6924925e848"
WS_NAME = "attr1113-8493849188859715237_ws_api.txt"
UNKNOWN = {"field_added_next_year": {"nested": [1, "two", None]}, "another_one": 3.5}


class CannedServer:
    """Answers every request with ``answer`` (a WorldServer login with a session id)."""

    def __init__(self) -> None:
        self.answer: tuple[int, dict[str, str], bytes] = (200, {}, b"")
        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _respond(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                remaining = length
                while remaining > 0:  # read the whole upload before answering
                    remaining -= len(self.rfile.read(min(remaining, 65536)) or b"x" * remaining)
                outer.paths.append(self.path)
                if self.path.startswith("/ws-api/v1/login"):
                    status, headers, body = 200, {}, json.dumps({"sessionId": "s1"}).encode()
                    headers = {"Content-Type": "application/json"}
                else:
                    status, headers, body = outer.answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    # No Content-Length: the body ends when the connection closes.
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _respond

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def json(self, body: Any) -> None:
        data = json.dumps(body).encode()
        self.answer = (200, {"Content-Type": "application/json", "Content-Length": str(len(data))},
                       data)  # fmt: skip

    def bare_bytes(self, data: bytes) -> None:
        """A download answer with nothing but the bytes: no length, name or validator."""
        self.answer = (200, {"Content-Type": "application/octet-stream"}, data)


@pytest.fixture
def server() -> Iterator[CannedServer]:
    canned = CannedServer()
    thread = threading.Thread(target=canned.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield canned
    finally:
        canned.server.shutdown()
        canned.server.server_close()
        thread.join(timeout=10)


def sdk_shaped(model: type, namespace: Any, **fixed: Any) -> dict[str, Any]:
    """An answer with every field of an official SDK response model, under its JSON name."""
    body: dict[str, Any] = {}
    for attribute, kind in model.openapi_types.items():  # type: ignore[attr-defined]
        name = model.attribute_map[attribute]  # type: ignore[attr-defined]
        body[name] = fixed.get(name, _value(kind, namespace, attribute))
    return body


def _value(kind: str, namespace: Any, attribute: str) -> Any:
    if kind == "str":
        return f"{attribute}-value"
    if kind == "int":
        return 7
    if kind == "object":
        return {"user_id": "u1", "nick_name": "someone"}
    if kind.startswith("list[") and kind.endswith("]"):
        return [sdk_shaped(getattr(namespace, kind[5:-1]), namespace, id=IPD_ID)]
    return sdk_shaped(getattr(namespace, kind), namespace)


def full_and_unknown(model: type, namespace: Any, **fixed: Any) -> dict[str, Any]:
    return {**sdk_shaped(model, namespace, **fixed), **UNKNOWN}


@pytest.fixture
def creds() -> attachkit.Credentials:
    return attachkit.Credentials(ak="AK", sk="SK")


def test_scrum_upload_every_sdk_field_plus_unknown_ones(
    server: CannedServer, creds: attachkit.Credentials, tmp_path: Path
) -> None:
    body = full_and_unknown(pm_model.UploadAttachmentsResponse, pm_model, id=72372)
    server.json(body)
    with attachkit.CodeArtsReq(endpoint=server.url, credentials=creds) as req:
        got = req.scrum.upload(SCRUM_PROJECT, 5667740, b"data", filename="a.txt")
    assert got.id == 72372
    assert got.file_name == "file_name-value"
    assert got.additional_properties == UNKNOWN
    assert got.to_dict() == body  # nothing dropped, nothing invented


def test_scrum_upload_with_only_the_id(server: CannedServer, creds: attachkit.Credentials) -> None:
    server.json({"id": 72372})
    with attachkit.CodeArtsReq(endpoint=server.url, credentials=creds) as req:
        got = req.scrum.upload(SCRUM_PROJECT, 5667740, b"data", filename="a.txt")
    assert got.id == 72372
    assert got.to_dict() == {"id": 72372}


def test_scrum_upload_with_null_fields(server: CannedServer, creds: attachkit.Credentials) -> None:
    body = {name: None for name in pm_model.UploadAttachmentsResponse.attribute_map.values()}
    server.json({**body, "id": 5})
    with attachkit.CodeArtsReq(endpoint=server.url, credentials=creds) as req:
        got = req.scrum.upload(SCRUM_PROJECT, 5667740, b"data", filename="a.txt")
    assert got.id == 5 and got.file_name is None and got.size is None


def test_ipd_upload_shapes(server: CannedServer, creds: attachkit.Credentials) -> None:
    full = full_and_unknown(pm_model.CreateIpdProjectIssueAttachmentResponse, pm_model)
    full["result"][0].update(UNKNOWN)
    with attachkit.CodeArtsReq(endpoint=server.url, credentials=creds) as req:
        server.json(full)
        got = req.ipd.upload(IPD_PROJECT, IPD_ISSUE, b"x", filename="a.xlsx")
        [uploaded] = present(got.result)
        assert uploaded.id == IPD_ID
        assert uploaded.additional_properties == UNKNOWN
        assert got.additional_properties == UNKNOWN
        assert got.to_dict() == full
        for minimal in ({}, {"result": None}, {"result": [{"id": IPD_ID}]}):
            server.json(minimal)
            assert req.ipd.upload(IPD_PROJECT, IPD_ISSUE, b"x", filename="a").to_dict() == minimal


def test_ipd_list_shapes(server: CannedServer, creds: attachkit.Credentials) -> None:
    full = full_and_unknown(pm_model.ShowIpdAttachmentByWorkItemIdResponse, pm_model)
    full["result"][0]["created_by"].update(UNKNOWN)
    with attachkit.CodeArtsReq(endpoint=server.url, credentials=creds) as req:
        server.json(full)
        got = req.ipd.list(IPD_PROJECT, IPD_ISSUE)
        [entry] = present(got.result)
        assert entry.id == IPD_ID
        assert isinstance(entry.created_by, UserEntityType0)
        assert entry.created_by.additional_properties == UNKNOWN
        assert got.to_dict() == full
        for minimal in ({}, {"result": None}, {"result": [{"id": IPD_ID}]}):
            server.json(minimal)
            assert req.ipd.list(IPD_PROJECT, IPD_ISSUE).to_dict() == minimal


@pytest.mark.parametrize("code, msg", [("0", ""), ("GOM.00000000", "success")])
def test_coc_upload_sdk_and_gom_forms(
    server: CannedServer, creds: attachkit.Credentials, code: str, msg: str
) -> None:
    data = sdk_shaped(coc_model.ExternalAttachment, coc_model, doc_id=DOC_ID)
    full = full_and_unknown(coc_model.CreateAttachmentResponse, coc_model, code=code, msg=msg)
    full["data"] = {**data, **UNKNOWN}
    server.json(full)
    with attachkit.Coc(endpoint=server.url, credentials=creds) as coc:
        got = coc.upload(b"x", filename="a.txt")
    assert (got.code, got.msg, got.data.doc_id) == (code, msg, DOC_ID)
    assert got.to_dict() == full


def test_coc_upload_with_only_the_doc_id(
    server: CannedServer, creds: attachkit.Credentials
) -> None:
    server.json({"data": {"doc_id": DOC_ID}})
    with attachkit.Coc(endpoint=server.url, credentials=creds) as coc:
        assert coc.upload(b"x", filename="a.txt").data.doc_id == DOC_ID


def test_worldserver_upload_shapes(server: CannedServer) -> None:
    with attachkit.WorldServer(server.url, "u", "p") as ws:
        server.json({"internalName": WS_NAME, **UNKNOWN})
        got = ws.upload(1113, b"x", filename="ws_api.txt")
        assert got.internal_name == WS_NAME and got.additional_properties == UNKNOWN
        server.json({"internalName": WS_NAME, "name": None, "downloadToken": None})
        assert ws.upload(1113, b"x", filename="ws_api.txt").download_token is None


def test_downloads_need_no_optional_header(
    server: CannedServer, creds: attachkit.Credentials, tmp_path: Path
) -> None:
    payload = b"attachment bytes\n" * 100
    server.bare_bytes(payload)
    with attachkit.CodeArtsReq(endpoint=server.url, credentials=creds) as req:
        got = req.scrum.download(SCRUM_PROJECT, 5667740, "72372", tmp_path / "scrum.bin")
        assert (tmp_path / "scrum.bin").read_bytes() == payload and got.size == len(payload)
        req.ipd.download(IPD_PROJECT, IPD_ID, tmp_path / "ipd.bin")
        assert (tmp_path / "ipd.bin").read_bytes() == payload
    with attachkit.Coc(endpoint=server.url, credentials=creds) as coc:
        coc.download(DOC_ID, tmp_path / "coc.bin")
        assert (tmp_path / "coc.bin").read_bytes() == payload
    with attachkit.WorldServer(server.url, "u", "p") as ws:
        ws.download(WS_NAME, tmp_path / "ws.bin", download_token="t")
        assert (tmp_path / "ws.bin").read_bytes() == payload


@pytest.mark.parametrize("body", [b"", b'{"unknown": true}'])
def test_scrum_delete_with_or_without_a_body(
    server: CannedServer, creds: attachkit.Credentials, body: bytes
) -> None:
    # The SDK's DeleteAttachmentResponse has no field; whatever body comes is not an error.
    server.answer = (200, {"Content-Length": str(len(body))}, body)
    with attachkit.CodeArtsReq(endpoint=server.url, credentials=creds) as req:
        req.scrum.delete(SCRUM_PROJECT, 5667740, "72372")
    assert server.paths[-1].endswith("/attachments/72372")


def test_cli_never_prints_a_missing_field_as_an_object(
    server: CannedServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AK")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "SK")
    monkeypatch.setenv("ATTACHKIT_WS_PASSWORD", "p")
    source = tmp_path / "a.txt"
    source.write_bytes(b"x")
    req = ["codearts-req", "--endpoint", server.url]
    commands: list[tuple[Any, list[str]]] = [
        ({"result": [{"id": IPD_ID}]}, [*req, "ipd", "list", "--project-id", IPD_PROJECT,
                                        "--issue-id", IPD_ISSUE]),
        ({"result": [{"id": IPD_ID, "store_filename": "evil\x1b[2Jname"}]},
         [*req, "ipd", "list", "--project-id", IPD_PROJECT, "--issue-id", IPD_ISSUE]),
        ({}, [*req, "ipd", "upload", "--project-id", IPD_PROJECT, "--issue-id", IPD_ISSUE,
              str(source)]),
        ({"id": 5}, [*req, "scrum", "upload", "--project-id", SCRUM_PROJECT, "--issue-id", "1",
                     str(source)]),
        ({"data": {"doc_id": DOC_ID}}, ["coc", "--endpoint", server.url, "upload", str(source)]),
        ({"internalName": WS_NAME}, ["worldserver", "--endpoint", server.url, "--username", "u",
                                     "upload", "--attribute-definition-id", "1113", str(source)]),
    ]  # fmt: skip
    for body, argv in commands:
        server.json(body)
        assert main(["--quiet", *argv]) == 0, argv
        out, err = capsys.readouterr()
        assert "Unset" not in out and " object at 0x" not in out, out
        assert "\x1b" not in out
        assert out.strip(), argv
    server.json({"result": [{"id": IPD_ID}]})
    main(["--quiet", *commands[0][1]])
    assert capsys.readouterr().out.split() == [IPD_ID, "?", "?"]
