"""The generated clients put each of the 11 operations on the wire as the specs say.

Every call goes through ``httpx.MockTransport``: the handler records the request and answers
with the spec's example, so these tests need no network and no mock service.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import pytest

from attachkit import specs
from coc_client import Client as CocClient
from coc_client.api.attachments import download_attachment, upload_attachment
from coc_client.models import Error as CocError
from coc_client.models import TicketType, UploadAttachmentBody, UploadResult
from coc_client.types import File as CocFile
from codearts_req_client import Client as ReqClient
from codearts_req_client.api.ipd import (
    download_ipd_attachment,
    list_ipd_attachments,
    upload_ipd_attachment,
)
from codearts_req_client.api.scrum import (
    delete_scrum_attachment,
    download_scrum_attachment,
    upload_scrum_attachment,
)
from codearts_req_client.models import (
    AttachmentUpload,
    IpdAttachmentList,
    IpdUploadResult,
    ScrumAttachment,
)
from codearts_req_client.models import Error as ReqError
from codearts_req_client.types import File as ReqFile
from tests.results import present
from worldserver_client import Client as WsClient
from worldserver_client.api.attachments import get_attribute_files, upload_attribute_file
from worldserver_client.api.session import login
from worldserver_client.models import (
    AttributeFile,
    GetAttributeFilesResourceType,
    LoginRequest,
    LoginResult,
    UploadAttributeFileBody,
)
from worldserver_client.types import File as WsFile

BASE = "https://service.example.test"
PROJECT = "f7a67aee4c034fd6944fd5f769e89042"
IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"
IPD_ATTACHMENT = "1212813884362502144"
# Contains the generator's old fixed boundary: it must travel as data, not as a delimiter.
PAYLOAD = b'line one\r\n--+++\r\nContent-Disposition: form-data; name="evil"\r\n\r\nx\r\n'


class Recorder:
    """A MockTransport handler that keeps every request and answers with a canned response."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response]) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.answer(request)

    @property
    def only(self) -> httpx.Request:
        assert len(self.requests) == 1
        return self.requests[0]


_Parsed = TypeVar("_Parsed")


def parsed_as(value: object, kind: type[_Parsed]) -> _Parsed:
    """A generated ``parsed`` answer (typed as the union of every documented one) as ``kind``."""
    assert isinstance(value, kind), value
    return value


def example(service: str, operation_id: str, status: str = "200", name: str | None = None) -> Any:
    """A documented example (the first, or the one named) of a response, straight from the spec."""
    spec = specs.load_spec(service)
    _method, _path, operation = specs.operations(service)[operation_id]
    response = specs.resolve_ref(spec, operation["responses"][status])
    media = next(iter(response["content"].values()))
    examples = media["examples"]
    return (examples[name] if name else next(iter(examples.values())))["value"]


def json_answer(body: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(200, json=body)


def bytes_answer(body: bytes) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(
        200, content=body, headers={"Content-Type": "application/octet-stream"}
    )


def multipart_parts(request: httpx.Request) -> list[tuple[dict[str, str], bytes]]:
    """Split a multipart body on the boundary its Content-Type announces."""
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    assert boundary != b"+++", "the fixed boundary lets file content inject form fields"
    body = request.content
    assert body.endswith(b"--" + boundary + b"--\r\n")
    parts = []
    for chunk in body.split(b"--" + boundary)[1:-1]:
        head, _, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = dict(line.decode().split(": ", 1) for line in head.split(b"\r\n") if line)
        parts.append((headers, data.removesuffix(b"\r\n")))
    return parts


def assert_single_file_part(request: httpx.Request, field: str, filename: str) -> None:
    parts = multipart_parts(request)
    assert len(parts) == 1
    headers, data = parts[0]
    assert f'name="{field}"' in headers["Content-Disposition"]
    assert f'filename="{filename}"' in headers["Content-Disposition"]
    assert data == PAYLOAD


def req_client(recorder: Recorder) -> ReqClient:
    return ReqClient(base_url=BASE, httpx_args={"transport": httpx.MockTransport(recorder)})


def test_scrum_upload_sends_attachment_field_to_upload_path() -> None:
    recorder = Recorder(json_answer(example("codearts-req", "uploadScrumAttachment")))
    body = AttachmentUpload(
        attachment=ReqFile(io.BytesIO(PAYLOAD), "design.pdf", "application/pdf")
    )

    response = upload_scrum_attachment.sync_detailed(
        PROJECT, 5667740, client=req_client(recorder), body=body
    )

    request = recorder.only
    assert request.method == "POST"
    assert request.url.path == f"/v4/projects/{PROJECT}/issues/5667740/attachments/upload"
    assert request.url.query == b""
    assert_single_file_part(request, "attachment", "design.pdf")
    assert isinstance(response.parsed, ScrumAttachment)
    assert response.parsed.id == 72372


def test_scrum_download_gets_attachment_path() -> None:
    recorder = Recorder(bytes_answer(b"attachment bytes"))

    response = download_scrum_attachment.sync_detailed(
        PROJECT, 5667740, "72372", client=req_client(recorder)
    )

    request = recorder.only
    assert request.method == "GET"
    assert request.url.path == f"/v4/projects/{PROJECT}/issues/5667740/attachments/72372"
    assert request.content == b""
    assert parsed_as(response.parsed, ReqFile).payload.read() == b"attachment bytes"


def test_scrum_delete_sends_delete_to_attachment_path() -> None:
    recorder = Recorder(lambda request: httpx.Response(200))

    response = delete_scrum_attachment.sync_detailed(
        PROJECT, 5667740, "72372", client=req_client(recorder)
    )

    request = recorder.only
    assert request.method == "DELETE"
    assert request.url.path == f"/v4/projects/{PROJECT}/issues/5667740/attachments/72372"
    assert response.status_code == 200


def test_scrum_error_body_is_parsed() -> None:
    error = example("codearts-req", "downloadScrumAttachment", "400")
    recorder = Recorder(lambda request: httpx.Response(400, json=error))

    response = download_scrum_attachment.sync_detailed(PROJECT, 1, "1", client=req_client(recorder))

    refusal = parsed_as(response.parsed, ReqError)
    assert refusal.error_code == "PM.02174103"
    assert refusal.error_msg == "No permission."


@pytest.mark.parametrize("example_name", ["withResult", "withoutResult"])
def test_ipd_upload_sends_attachment_field_and_accepts_both_documented_answers(
    example_name: str,
) -> None:
    recorder = Recorder(
        json_answer(example("codearts-req", "uploadIpdAttachment", name=example_name))
    )
    body = AttachmentUpload(attachment=ReqFile(io.BytesIO(PAYLOAD), "demo.PNG", "image/png"))

    response = upload_ipd_attachment.sync_detailed(
        IPD_PROJECT, IPD_ISSUE, client=req_client(recorder), body=body
    )

    request = recorder.only
    assert request.method == "POST"
    assert request.url.path == (
        f"/v1/ipdprojectservice/projects/{IPD_PROJECT}/issues/{IPD_ISSUE}/attachments/upload"
    )
    assert_single_file_part(request, "attachment", "demo.PNG")
    assert isinstance(response.parsed, IpdUploadResult)
    assert response.parsed.status == "success"


def test_ipd_upload_parses_string_filesize() -> None:
    recorder = Recorder(json_answer(example("codearts-req", "uploadIpdAttachment")))
    body = AttachmentUpload(attachment=ReqFile(io.BytesIO(PAYLOAD), "TTT.xlsx"))

    response = upload_ipd_attachment.sync_detailed(
        IPD_PROJECT, IPD_ISSUE, client=req_client(recorder), body=body
    )

    [attachment] = parsed_as(parsed_as(response.parsed, IpdUploadResult).result, list)
    assert attachment.id == IPD_ATTACHMENT
    assert attachment.filesize == "36449"
    assert attachment.created_by.user_num_id == 13369


def test_ipd_list_sends_issue_id_and_source_project_in_query() -> None:
    recorder = Recorder(json_answer(example("codearts-req", "listIpdAttachments")))

    response = list_ipd_attachments.sync_detailed(
        IPD_PROJECT, client=req_client(recorder), issue_id=IPD_ISSUE, source_project_id=IPD_PROJECT
    )

    request = recorder.only
    assert request.method == "GET"
    assert request.url.path == f"/v1/ipdprojectservice/projects/{IPD_PROJECT}/attachments"
    assert dict(request.url.params) == {"issue_id": IPD_ISSUE, "source_project_id": IPD_PROJECT}
    assert isinstance(response.parsed, IpdAttachmentList)
    assert present(response.parsed.result)[0].file_size == "36449"


def test_ipd_list_leaves_out_unset_source_project() -> None:
    recorder = Recorder(json_answer(example("codearts-req", "listIpdAttachments")))

    list_ipd_attachments.sync_detailed(IPD_PROJECT, client=req_client(recorder), issue_id=IPD_ISSUE)

    assert dict(recorder.only.url.params) == {"issue_id": IPD_ISSUE}


def test_ipd_download_gets_download_path() -> None:
    recorder = Recorder(bytes_answer(b"xlsx bytes"))

    response = download_ipd_attachment.sync_detailed(
        IPD_PROJECT, IPD_ATTACHMENT, client=req_client(recorder)
    )

    request = recorder.only
    assert request.method == "GET"
    assert request.url.path == (
        f"/v1/ipdprojectservice/projects/{IPD_PROJECT}/attachments/download/{IPD_ATTACHMENT}"
    )
    assert parsed_as(response.parsed, ReqFile).payload.read() == b"xlsx bytes"


def coc_client(recorder: Recorder) -> CocClient:
    return CocClient(base_url=BASE, httpx_args={"transport": httpx.MockTransport(recorder)})


def test_coc_upload_sends_file_field_to_ticket_type_path() -> None:
    recorder = Recorder(json_answer(example("coc", "uploadAttachment")))
    body = UploadAttachmentBody(file=CocFile(io.BytesIO(PAYLOAD), "report.txt", "text/plain"))

    response = upload_attachment.sync_detailed(
        TicketType.INCIDENT, client=coc_client(recorder), body=body
    )

    request = recorder.only
    assert request.method == "POST"
    assert request.url.path == "/v1/incident/attachments"
    assert_single_file_part(request, "file", "report.txt")
    assert isinstance(response.parsed, UploadResult)
    assert response.parsed.data.doc_id == "c70d6b38-3783-4d62-9c4a-c6924925e848"


def test_coc_download_gets_doc_path_and_parses_numeric_provider_code() -> None:
    recorder = Recorder(bytes_answer(b"pdf bytes"))
    doc_id = "c70d6b38-3783-4d62-9c4a-c6924925e848"

    response = download_attachment.sync_detailed(
        TicketType.INCIDENT, doc_id, client=coc_client(recorder)
    )

    request = recorder.only
    assert request.method == "GET"
    assert request.url.path == f"/v1/incident/attachments/{doc_id}"
    assert parsed_as(response.parsed, CocFile).payload.read() == b"pdf bytes"

    error = example("coc", "downloadAttachment", "400")
    recorder = Recorder(lambda request: httpx.Response(400, json=error))
    response = download_attachment.sync_detailed(
        TicketType.INCIDENT, doc_id, client=coc_client(recorder)
    )
    refused = parsed_as(response.parsed, CocError)
    assert refused.provider_code == 4
    assert refused.error_code == "GOM.00007256"


def ws_client(recorder: Recorder) -> WsClient:
    return WsClient(base_url=BASE, httpx_args={"transport": httpx.MockTransport(recorder)})


def test_worldserver_login_posts_json_credentials() -> None:
    recorder = Recorder(json_answer({"sessionId": "1874262157"}))

    response = login.sync_detailed(
        client=ws_client(recorder), body=LoginRequest(username="translator", password="pw")
    )

    request = recorder.only
    assert request.method == "POST"
    assert request.url.path == "/ws-api/v1/login"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"username": "translator", "password": "pw"}
    assert isinstance(response.parsed, LoginResult)
    assert response.parsed.session_id == "1874262157"


def test_worldserver_upload_sends_file_field_to_definition_path() -> None:
    recorder = Recorder(json_answer(example("worldserver", "uploadAttributeFile")))
    body = UploadAttributeFileBody(file=WsFile(io.BytesIO(PAYLOAD), "ws_api.txt"))

    response = upload_attribute_file.sync_detailed(1113, client=ws_client(recorder), body=body)

    request = recorder.only
    assert request.method == "POST"
    assert request.url.path == "/ws-api/v1/files/attachments/1113"
    assert_single_file_part(request, "file", "ws_api.txt")
    assert isinstance(response.parsed, AttributeFile)
    assert response.parsed.internal_name == "attr1113-8493849188859715237_ws_api.txt"


@pytest.mark.parametrize(
    ("kwargs", "expected_query"),
    [
        ({}, {"filename": "attr1-1_a.txt", "resourceType": "TASK"}),
        (
            {
                "resource_type_query": GetAttributeFilesResourceType.PROJECT,
                "resource_id_query": 3486,
                "attribute_name_query": "attachment",
                "download_token_query": "tok",
            },
            {
                "filename": "attr1-1_a.txt",
                "resourceType": "PROJECT",
                "resourceId": "3486",
                "attributeName": "attachment",
                "downloadToken": "tok",
            },
        ),
    ],
)
def test_worldserver_get_files_sends_filters_as_query(
    kwargs: dict[str, Any], expected_query: dict[str, str]
) -> None:
    recorder = Recorder(bytes_answer(b"file"))

    response = get_attribute_files.sync_detailed(
        client=ws_client(recorder), filename="attr1-1_a.txt", **kwargs
    )

    request = recorder.only
    assert request.method == "GET"
    assert request.url.path == "/ws-api/v1/files/attachments"
    assert dict(request.url.params) == expected_query
    assert parsed_as(response.parsed, WsFile).payload.read() == b"file"


def test_every_spec_operation_is_exercised_here() -> None:
    """Adding an operation to a spec without a wire test above makes this fail."""
    tested = {
        "codearts-req": {
            "uploadScrumAttachment", "downloadScrumAttachment", "deleteScrumAttachment",
            "uploadIpdAttachment", "listIpdAttachments", "downloadIpdAttachment",
        },
        "coc": {"uploadAttachment", "downloadAttachment"},
        "worldserver": {"login", "uploadAttributeFile", "getAttributeFiles"},
    }  # fmt: skip
    assert {service: set(specs.operations(service)) for service in specs.SERVICES} == tested
