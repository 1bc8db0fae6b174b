"""What the mock answers: ids, download headers, ranges, limits, filters, validation errors."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

from attachkit.auth import AkSkAuth
from attachkit.mock import Limits, MockConfig, MockServer
from attachkit.mock.responses import content_disposition
from tests.mock_helpers import (
    COC_UPLOAD,
    IPD_ISSUE,
    IPD_LIST,
    IPD_UPLOAD,
    PROJECT,
    SCRUM_UPLOAD,
    coc_path,
    ipd_download_path,
    scrum_path,
    upload_coc,
    upload_ipd,
    upload_scrum,
    upload_ws,
)

DATA = bytes(range(256)) * 40  # 10240 bytes


def test_ids_have_each_services_format(
    signed_client: httpx.Client, ws_client: httpx.Client
) -> None:
    assert re.fullmatch(r"[1-9][0-9]{0,10}", str(upload_scrum(signed_client, "a.txt", DATA)))
    assert re.fullmatch(r"[0-9]{18,19}", upload_ipd(signed_client, "a.txt", DATA))
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        upload_coc(signed_client, "a.txt", DATA),
    )
    uploaded = upload_ws(ws_client, "ws_api.txt", DATA)
    assert re.fullmatch(r"attr1113-[0-9]+_ws_api\.txt", uploaded["internalName"])
    assert uploaded["name"] == "ws_api.txt" and uploaded["downloadToken"]


def test_downloads_carry_type_length_disposition_and_etag(signed_client: httpx.Client) -> None:
    doc_id = upload_coc(signed_client, "Störung 1.txt", DATA)
    answer = signed_client.get(coc_path(doc_id))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/octet-stream"
    assert answer.headers["content-length"] == str(len(DATA))
    assert answer.headers["content-disposition"] == (
        "attachment; filename=\"St_rung 1.txt\"; filename*=UTF-8''St%C3%B6rung%201.txt"
    )
    assert re.fullmatch(r'"[0-9a-f]{32}"', answer.headers["etag"])
    assert answer.headers["x-request-id"]
    plain = signed_client.get(scrum_path(upload_scrum(signed_client, "plain.pdf", b"x")))
    assert plain.headers["content-disposition"] == 'attachment; filename="plain.pdf"'


@pytest.mark.parametrize(
    ("range_header", "status", "content_range", "body"),
    [
        ("bytes=0-99", 206, f"bytes 0-99/{len(DATA)}", DATA[:100]),
        ("bytes=10000-", 206, f"bytes 10000-10239/{len(DATA)}", DATA[10000:]),
        ("bytes=-40", 206, f"bytes 10200-10239/{len(DATA)}", DATA[-40:]),
        ("bytes=10200-999999", 206, f"bytes 10200-10239/{len(DATA)}", DATA[10200:]),
        ("bytes=10240-", 416, f"bytes */{len(DATA)}", b""),
        ("bytes=0-1,5-6", 200, None, DATA),  # several ranges: served whole
        ("bytes=9-3", 200, None, DATA),  # invalid: ignored
    ],
)
def test_range_requests(
    signed_client: httpx.Client,
    range_header: str,
    status: int,
    content_range: str | None,
    body: bytes,
) -> None:
    attachment_id = upload_scrum(signed_client, "r.bin", DATA)
    answer = signed_client.get(scrum_path(attachment_id), headers={"Range": range_header})
    assert answer.status_code == status
    assert answer.headers.get("content-range") == content_range
    assert answer.content == body


def test_if_range_resumes_only_the_same_file(signed_client: httpx.Client) -> None:
    attachment_id = upload_ipd(signed_client, "r.bin", DATA)
    path = ipd_download_path(attachment_id)
    etag = signed_client.get(path).headers["etag"]
    same = signed_client.get(path, headers={"Range": "bytes=100-", "If-Range": etag})
    assert (same.status_code, same.content) == (206, DATA[100:])
    changed = signed_client.get(path, headers={"Range": "bytes=100-", "If-Range": '"other"'})
    assert (changed.status_code, changed.content) == (200, DATA)


def test_equal_bytes_have_equal_etags(signed_client: httpx.Client) -> None:
    first = signed_client.get(scrum_path(upload_scrum(signed_client, "a", DATA)))
    second = signed_client.get(scrum_path(upload_scrum(signed_client, "b", DATA)))
    other = signed_client.get(scrum_path(upload_scrum(signed_client, "c", b"other")))
    assert first.headers["etag"] == second.headers["etag"] != other.headers["etag"]


def test_ipd_list_reflects_uploads(signed_client: httpx.Client) -> None:
    assert signed_client.get(IPD_LIST, params={"issue_id": IPD_ISSUE}).json() == {
        "status": "success",
        "message": "",
        "result": [],
    }
    ids = [upload_ipd(signed_client, f"{n}.txt", DATA) for n in range(3)]
    listed = signed_client.get(IPD_LIST, params={"issue_id": IPD_ISSUE}).json()["result"]
    assert [entry["id"] for entry in listed] == ids
    assert listed[0]["store_filename"] == "0.txt" and listed[0]["file_size"] == str(len(DATA))
    other_issue = signed_client.get(IPD_LIST, params={"issue_id": "1" * 18}).json()["result"]
    assert other_issue == []


def test_scrum_delete_removes_the_attachment_and_its_file(
    mock: MockServer, signed_client: httpx.Client
) -> None:
    attachment_id = upload_scrum(signed_client, "gone.txt", DATA)
    assert signed_client.delete(scrum_path(attachment_id)).status_code == 200
    refused = signed_client.get(scrum_path(attachment_id))
    assert refused.status_code == 400 and refused.json()["error_code"].startswith("PM.")
    assert signed_client.delete(scrum_path(attachment_id)).status_code == 400
    assert not any((mock.data_dir / "files").iterdir())


def test_a_scrum_attachment_belongs_to_its_work_item(signed_client: httpx.Client) -> None:
    attachment_id = upload_scrum(signed_client, "a.txt", DATA)
    elsewhere = f"/v4/projects/{PROJECT}/issues/1/attachments/{attachment_id}"
    assert signed_client.get(elsewhere).status_code == 400


@pytest.fixture
def small_limits(mock_factory: Callable[..., MockServer]) -> httpx.Client:
    limits = Limits(scrum_max_bytes=100, ipd_max_bytes=200, coc_max_bytes=50)
    server = mock_factory(MockConfig(limits=limits))
    return httpx.Client(base_url=server.base_url, auth=AkSkAuth(server.credentials))


@pytest.mark.parametrize(
    ("path", "field", "name", "limit", "code"),
    [
        (SCRUM_UPLOAD, "attachment", "a.txt", 100, "PM.02175146"),
        (IPD_UPLOAD, "attachment", "a.txt", 200, "PM.02175146"),
        (COC_UPLOAD, "file", "a.txt", 50, "GOM.00007256"),
    ],
)
def test_upload_limits(
    small_limits: httpx.Client, path: str, field: str, name: str, limit: int, code: str
) -> None:
    assert small_limits.post(path, files={field: (name, b"x" * limit)}).status_code == 200
    refused = small_limits.post(path, files={field: (name, b"x" * (limit + 1))})
    assert refused.status_code == 400
    assert refused.json()["error_code"] == code


def test_coc_accepts_only_its_file_types(signed_client: httpx.Client) -> None:
    for name in ("a.jpg", "b.PNG", "c.docx", "d.txt", "e.pdf"):
        upload_coc(signed_client, name, b"x")
    refused = signed_client.post(COC_UPLOAD, files={"file": ("evil.exe", b"x")})
    assert refused.status_code == 400
    assert refused.json() == {
        "provider_code": "049",
        "error_code": "GOM.00007256",
        "error_msg": refused.json()["error_msg"],
        "data": None,
    }


# -- validation from the specs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v4/projects/short/issues/1/attachments/1", {}, "project_id"),
        (f"/v4/projects/{PROJECT}/issues/abc/attachments/1", {}, "issue_id"),
        (f"/v4/projects/{PROJECT}/issues/99999999999/attachments/1", {}, "issue_id"),
        (f"/v4/projects/{PROJECT}/issues/1/attachments/012", {}, "attachment_id"),
        (IPD_LIST, {}, "issue_id"),
        (IPD_LIST, {"issue_id": "123"}, "issue_id"),
    ],
)
def test_codearts_parameters_are_checked_against_the_spec(
    signed_client: httpx.Client, path: str, params: dict[str, str], field: str
) -> None:
    answer = signed_client.get(path, params=params)
    assert answer.status_code == 400
    body = answer.json()
    assert body["error_code"] == "PM.02170001" and field in body["error_msg"]


def test_coc_parameters_are_checked_against_the_spec(signed_client: httpx.Client) -> None:
    answer = signed_client.get("/v1/problem/attachments/abc")
    assert answer.status_code == 400
    assert answer.json()["error_code"] == "GOM.00007256"
    assert answer.json()["data"] is None and "ticket_type" in answer.json()["error_msg"]


def test_an_upload_without_its_file_field_is_refused(signed_client: httpx.Client) -> None:
    answer = signed_client.post(SCRUM_UPLOAD, files={"other": ("a.txt", b"x")})
    assert answer.status_code == 400 and "attachment" in answer.json()["error_msg"]
    answer = signed_client.post(SCRUM_UPLOAD, content=b"not multipart")
    assert answer.status_code == 400


def test_unknown_paths_and_methods_get_the_services_error_shape(mock: MockServer) -> None:
    huawei = httpx.get(mock.base_url + "/v3/nothing")
    assert huawei.status_code == 404 and huawei.json()["error_code"] == "APIG.0101"
    ws = httpx.get(mock.base_url + "/ws-api/v1/nothing")
    assert (ws.status_code, ws.json()) == (404, {"message": "Not Found"})
    wrong_method = httpx.put(mock.base_url + "/ws-api/v1/login")
    assert wrong_method.status_code == 405 and "message" in wrong_method.json()


# -- WorldServer filters ---------------------------------------------------------------------------


def _attach(mock: MockServer, name: str, resource_type: str, resource_id: int) -> None:
    answer = httpx.post(
        mock.base_url + "/_mock/worldserver/attach",
        headers=mock.control_headers,
        json={"internalName": name, "resourceType": resource_type, "resourceId": resource_id},
    )
    assert answer.status_code == 200, answer.text


def test_worldserver_filters_really_filter(mock: MockServer, ws_client: httpx.Client) -> None:
    url = "/ws-api/v1/files/attachments"
    loose = upload_ws(ws_client, "loose.txt", b"loose")
    name, token = loose["internalName"], loose["downloadToken"]
    # A file not attached to a resource needs its download token.
    assert ws_client.get(url, params={"filename": name}).status_code == 400
    assert ws_client.get(url, params={"filename": name, "downloadToken": token}).content == b"loose"
    assert ws_client.get(url, params={"filename": name, "downloadToken": "nope"}).status_code == 404
    # Filters may come as headers too.
    assert ws_client.get(
        url, params={"filename": name}, headers={"downloadToken": token}
    ).content == (b"loose")

    project_file = upload_ws(ws_client, "p.txt", b"project")["internalName"]
    _attach(mock, project_file, "PROJECT", 3486)
    by_project = {"filename": project_file, "resourceType": "PROJECT", "resourceId": "3486"}
    assert ws_client.get(url, params=by_project).content == b"project"
    assert (
        ws_client.get(url, params={**by_project, "attributeName": "attachment"}).status_code == 200
    )
    assert ws_client.get(url, params={**by_project, "attributeName": "other"}).status_code == 404
    assert (
        ws_client.get(url, params={"filename": project_file, "resourceType": "TASK"}).status_code
        == 404
    )
    unknown_project = ws_client.get(url, params={**by_project, "resourceId": "9"})
    assert (unknown_project.status_code, unknown_project.json()) == (
        404,
        {"message": "Resource PROJECT (9) not found"},
    )
    unknown_group = ws_client.get(url, params={**by_project, "resourceType": "PROJECT_GROUP"})
    assert unknown_group.json() == {"message": "Resource PROJECT_GROUP (3486) not found"}
    unknown_task = ws_client.get(url, params={"filename": project_file, "resourceId": "9"})
    assert (unknown_task.status_code, unknown_task.json()) == (
        400,
        {"message": "Source asset is not available for download"},
    )
    assert (
        ws_client.get(
            url, params={"filename": "attr1-1_missing.txt", "downloadToken": "x"}
        ).status_code
        == 404
    )


def test_worldserver_filters_given_as_headers_filter_and_the_query_wins(
    mock: MockServer, ws_client: httpx.Client
) -> None:
    """Each filter may come as a header (the WorldServer docs); a query value overrides it."""
    url = "/ws-api/v1/files/attachments"

    def status(query: dict[str, str], headers: dict[str, str]) -> int:
        return ws_client.get(url, params=query, headers=headers).status_code

    # downloadToken, on a file not attached to anything.
    loose = upload_ws(ws_client, "loose.txt", b"loose")
    by_name = {"filename": loose["internalName"]}
    right, wrong = {"downloadToken": loose["downloadToken"]}, {"downloadToken": "nope"}
    assert ws_client.get(url, params=by_name, headers=right).content == b"loose"
    assert status(by_name, wrong) == 404
    assert status({**by_name, **right}, wrong) == 200  # the query's token is the one used
    assert status({**by_name, **wrong}, right) == 404

    # resourceType, resourceId and attributeName, on a file attached to PROJECT 3486.
    attached = upload_ws(ws_client, "p.txt", b"project")["internalName"]
    answer = httpx.post(
        mock.base_url + "/_mock/worldserver/attach",
        headers=mock.control_headers,
        json={
            "internalName": attached,
            "resourceType": "PROJECT",
            "resourceId": 3486,
            "attributeName": "notes",
        },
    )
    assert answer.status_code == 200, answer.text
    by_name = {"filename": attached}
    project = {"resourceType": "PROJECT", "resourceId": "3486"}
    assert ws_client.get(url, params=by_name, headers=project).content == b"project"
    assert status(by_name, {**project, "attributeName": "notes"}) == 200

    # Each header alone really filters: a wrong value is refused as it is in the query.
    assert status(by_name, {"resourceType": "TASK"}) == 404  # attached to a PROJECT
    unknown_project = ws_client.get(url, params=by_name, headers={**project, "resourceId": "9"})
    assert (unknown_project.status_code, unknown_project.json()) == (
        404,
        {"message": "Resource PROJECT (9) not found"},
    )
    unknown_task = ws_client.get(url, params=by_name, headers={"resourceId": "9"})
    assert (unknown_task.status_code, unknown_task.json()) == (
        400,
        {"message": "Source asset is not available for download"},
    )
    assert status(by_name, {**project, "attributeName": "other"}) == 404

    # Given both ways, the query value wins, whichever of the two is the right one.
    for name, good, bad in [
        ("resourceType", "PROJECT", "TASK"),
        ("resourceId", "3486", "9"),
        ("attributeName", "notes", "other"),
    ]:
        rest = {k: v for k, v in project.items() if k != name}
        assert status({**by_name, **rest, name: good}, {name: bad}) == 200, name
        assert status({**by_name, **rest, name: bad}, {name: good}) != 200, name


@pytest.mark.parametrize(
    "params",
    [{"resourceId": "abc"}, {"resourceType": "FOLDER"}],
    ids=["resourceId", "resourceType"],
)
def test_worldserver_answers_its_documented_500s(
    ws_client: httpx.Client, params: dict[str, str]
) -> None:
    answer = ws_client.get("/ws-api/v1/files/attachments", params={"filename": "x", **params})
    assert (answer.status_code, answer.json()) == (500, {"message": "Internal Server Error"})
    as_header = ws_client.get(
        "/ws-api/v1/files/attachments", params={"filename": "x"}, headers=params
    )
    assert as_header.status_code == 500


def test_worldserver_unknown_attribute_definition(mock_factory: Callable[..., MockServer]) -> None:
    server = mock_factory(ws_attribute_definitions={1113: "attachment"})
    with httpx.Client(base_url=server.base_url) as client:
        token = client.post(
            "/ws-api/v1/login", json={"username": server.ws_user, "password": server.ws_password}
        ).json()["sessionId"]
        client.headers["token"] = token
        upload_ws(client, "a.txt", b"a", definition=1113)
        refused = client.post("/ws-api/v1/files/attachments/7", files={"file": ("a.txt", b"a")})
        assert (refused.status_code, refused.json()) == (
            404,
            {"message": "Resource ATTRIBUTE_DEFINITION (7) not found"},
        )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", 'attachment; filename="report.pdf"'),
        ("a b~.txt", 'attachment; filename="a b~.txt"'),
        ("", 'attachment; filename=""'),
        (
            'say "hi".txt',
            "attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt",
        ),
        ("back\\slash", "attachment; filename=\"back_slash\"; filename*=UTF-8''back%5Cslash"),
        ("tab\there", "attachment; filename=\"tab_here\"; filename*=UTF-8''tab%09here"),
        (
            "résumé.pdf",
            "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
        ),
    ],
)
def test_content_disposition_names_the_file_safely(name: str, expected: str) -> None:
    assert content_disposition(name) == expected
