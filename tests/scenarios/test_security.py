"""Bad input and security: what the client refuses, what the mock refuses, and what never leaks.

The parameter cases are derived from the specs (``attachkit.specs.operations``/``parameters``),
so a parameter added to a spec is fuzzed here without touching this file, and an operation
added to a spec fails ``test_every_operation_has_a_facade_call`` until it gets one.
docs/security-cases.md lists every case and its outcome.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

import attachkit
from attachkit import errors, specs
from attachkit.auth import AkSkAuth
from attachkit.mock import AkSkAccount, MockConfig, MockServer, config
from attachkit.mock.auth import AkSkGate, WsSessions
from attachkit.transfer import RetryPolicy

SCRUM_PROJECT = "f7a67aee4c034fd6944fd5f769e89042"
SCRUM_ISSUE = 5667740
IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"
NO_RETRY = RetryPolicy(max_retries=0)
IPD_UPLOAD = f"/v1/ipdprojectservice/projects/{IPD_PROJECT}/issues/{IPD_ISSUE}/attachments/upload"

# The error code a refused parameter carries, per service (None: WorldServer has no codes).
BAD_PARAMETER_CODE = {"codearts-req": "PM.02170001", "coc": "GOM.00007256", "worldserver": None}


# -- the cases, from the specs -------------------------------------------------------------------


def _example(schema: dict[str, Any]) -> str:
    if "examples" in schema:
        return str(schema["examples"][0])
    if "enum" in schema:
        return str(schema["enum"][0])
    return "a" * max(1, int(schema.get("minLength", 1)))


def _fullwidth(text: str) -> str:
    """The same characters in their Unicode full-width forms: ``12ab`` -> ``１２ａｂ``."""
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch for ch in text)


def bad_values(schema: dict[str, Any]) -> dict[str, Any]:
    """Label -> a value to try. Strings are what goes on the wire; other types are client-only."""
    example = _example(schema)
    values: dict[str, Any] = {
        "empty": "",
        "unicode": _fullwidth(example),
        "CR/LF": example + "\r\nX-Injected: 1",
        "trailing newline": example + "\n",
        "NUL": example + "\x00",
        "path traversal": "../../etc/passwd",
        "huge": "9" * 20_000,
        "wrong type (float)": 1.5,
        "wrong type (list)": [example],
    }
    if schema.get("type") == "integer":
        values["wrong type (text)"] = "abc"
        values["not a whole number"] = "1.5"
        values["below minimum"] = str(schema.get("minimum", 0) - 1)
        values["above maximum"] = str(schema.get("maximum", 2**31) + 1)
    if "pattern" in schema:
        values["wrong pattern"] = example[:-1] + "-"
    if "maxLength" in schema:
        filler = "1" if example.isdigit() else "a"
        values["too long"] = filler * (schema["maxLength"] + 1)
    if "enum" in schema:
        values["not in enum"] = example.swapcase()
    return values


def accepted(schema: dict[str, Any], raw: str) -> bool:
    """Whether the spec allows ``raw`` on the wire, read independently of attachkit's code."""
    if schema.get("type") == "integer":
        if not re.fullmatch(r"-?[0-9]{1,18}", raw):
            return False  # not a number, or more digits than any 64-bit value has
        number = int(raw)
        return bool(schema.get("minimum", number) <= number <= schema.get("maximum", number))
    if "enum" in schema and raw not in schema["enum"]:
        return False
    if not schema.get("minLength", 0) <= len(raw) <= schema.get("maxLength", len(raw)):
        return False
    pattern = schema.get("pattern")
    return (
        pattern is None
        or re.fullmatch(pattern.removeprefix("^").removesuffix("$"), raw) is not None
    )


def _cases() -> list[Any]:
    cases = []
    for service in specs.SERVICES:
        spec = specs.load_spec(service)
        for operation_id in specs.operations(service):
            for parameter in specs.parameters(service, operation_id):
                if parameter["in"] == "header":
                    # Not an argument of the facade's call: X-Project-Id comes from the
                    # credentials, and WorldServer's header filters repeat its query filters,
                    # whose cases are here (tests/clients/test_worldserver_filters.py sends them).
                    continue
                schema = specs.resolve_ref(spec, parameter.get("schema", {}))
                for label, value in bad_values(schema).items():
                    name = parameter["name"]
                    cases.append(
                        pytest.param(
                            service, operation_id, name, value, id=f"{operation_id}-{name}-{label}"
                        )
                    )
    return cases


CASES = _cases()


def _schema(service: str, operation_id: str, name: str) -> dict[str, Any]:
    spec = specs.load_spec(service)
    [parameter] = [
        p
        for p in specs.parameters(service, operation_id)
        if p["name"] == name and p["in"] != "header"  # not the header twin of a WorldServer filter
    ]
    schema: dict[str, Any] = specs.resolve_ref(spec, parameter.get("schema", {}))
    return schema


def _valid_values(service: str, operation_id: str) -> dict[str, str]:
    """An example value for every required parameter."""
    spec = specs.load_spec(service)
    return {
        p["name"]: _example(specs.resolve_ref(spec, p.get("schema", {})))
        for p in specs.parameters(service, operation_id)
        if p.get("required")
    }


def _documented_statuses(service: str, operation_id: str) -> set[int]:
    _, _, operation = specs.operations(service)[operation_id]
    return {int(code) for code in operation["responses"] if code.isdigit()}


# -- calling an operation through the facade, and raw ------------------------------------------


class Clients:
    def __init__(self, mock: MockServer, dest: Path) -> None:
        self.req = attachkit.CodeArtsReq(
            endpoint=mock.base_url, credentials=mock.credentials, retry_policy=NO_RETRY
        )
        self.coc = attachkit.Coc(
            endpoint=mock.base_url, credentials=mock.credentials, retry_policy=NO_RETRY
        )
        self.ws = attachkit.WorldServer(
            mock.base_url, mock.ws_user, mock.ws_password, retry_policy=NO_RETRY
        )
        self.dest = dest

    def close(self) -> None:
        self.req.close()
        self.coc.close()
        self.ws.close()


FacadeCall = Callable[[Clients, dict[str, Any]], Any]

FACADE_CALLS: dict[tuple[str, str], FacadeCall] = {
    ("codearts-req", "uploadScrumAttachment"): lambda c, v: c.req.scrum.upload(
        v["project_id"], v["issue_id"], b"x", filename="x.txt"
    ),
    ("codearts-req", "downloadScrumAttachment"): lambda c, v: c.req.scrum.download(
        v["project_id"], v["issue_id"], v["attachment_id"], c.dest / "out"
    ),
    ("codearts-req", "deleteScrumAttachment"): lambda c, v: c.req.scrum.delete(
        v["project_id"], v["issue_id"], v["attachment_id"]
    ),
    ("codearts-req", "uploadIpdAttachment"): lambda c, v: c.req.ipd.upload(
        v["project_id"], v["issue_id"], b"x", filename="x.txt"
    ),
    ("codearts-req", "listIpdAttachments"): lambda c, v: c.req.ipd.list(
        v["project_id"], v["issue_id"], source_project_id=v.get("source_project_id")
    ),
    ("codearts-req", "downloadIpdAttachment"): lambda c, v: c.req.ipd.download(
        v["project_id"], v["id"], c.dest / "out"
    ),
    ("coc", "uploadAttachment"): lambda c, v: c.coc.upload(
        b"x", filename="x.txt", ticket_type=v["ticket_type"]
    ),
    ("coc", "downloadAttachment"): lambda c, v: c.coc.download(
        v["doc_id"], c.dest / "out", ticket_type=v["ticket_type"]
    ),
    # The login has no parameters (its JSON body is fuzzed in test_login_body_...).
    ("worldserver", "login"): lambda c, v: c.ws.login(),
    ("worldserver", "uploadAttributeFile"): lambda c, v: c.ws.upload(
        v["attributeDefinitionId"], b"x", filename="x.txt"
    ),
    ("worldserver", "getAttributeFiles"): lambda c, v: c.ws.download(
        v["filename"],
        c.dest / "out",
        resource_type=v.get("resourceType"),
        resource_id=v.get("resourceId"),
        attribute_name=v.get("attributeName"),
        download_token=v.get("downloadToken"),
    ),
}


class RawClients:
    """Plain httpx clients: one signing with AK/SK, one carrying a WorldServer session token."""

    def __init__(self, mock: MockServer) -> None:
        self.signed = httpx.Client(base_url=mock.base_url, auth=AkSkAuth(mock.credentials))
        self.ws = httpx.Client(base_url=mock.base_url)
        login = {"username": mock.ws_user, "password": mock.ws_password}
        self.ws.headers["token"] = self.ws.post("/ws-api/v1/login", json=login).json()["sessionId"]

    def close(self) -> None:
        self.signed.close()
        self.ws.close()


def send_raw(raw: RawClients, service: str, operation_id: str, values: dict[str, str]) -> Any:
    """The request as any HTTP client could send it: path values percent-encoded, signed."""
    method, template, operation = specs.operations(service)[operation_id]
    spec = specs.load_spec(service)
    path, query = template, {}
    for p in specs.parameters(service, operation_id):
        if p["name"] not in values:
            continue
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", quote(values[p["name"]], safe=""))
        else:
            query[p["name"]] = values[p["name"]]
    body = specs.resolve_ref(spec, operation.get("requestBody")) or {}
    files = None
    if "multipart/form-data" in body.get("content", {}):
        field = "attachment" if service == "codearts-req" else "file"
        files = {field: ("x.txt", b"x")}
    client = raw.ws if service == "worldserver" else raw.signed
    return client.request(method, path, params=query, files=files)


# -- what "the mock's stored data" is ------------------------------------------------------------


def stored(mock: MockServer) -> tuple[list[tuple[Any, ...]], list[str]]:
    """Every attachment's metadata and every file on disk: compared before and after."""
    rows = [
        (a.kind, a.public_id, a.project_id, a.issue_id, a.file_name, a.size, a.sha256)
        for a in mock.app.storage.list()
    ]
    files = sorted(p.name for p in (mock.data_dir / "files").iterdir())
    return rows, files


def seed(mock: MockServer) -> None:
    """One attachment of each kind, so "unchanged" has something to protect."""
    with httpx.Client(base_url=mock.base_url, auth=AkSkAuth(mock.credentials)) as client:
        for path, field in [
            (f"/v4/projects/{SCRUM_PROJECT}/issues/{SCRUM_ISSUE}/attachments/upload", "attachment"),
            (IPD_UPLOAD, "attachment"),
            ("/v1/incident/attachments", "file"),
        ]:
            client.post(path, files={field: ("seed.txt", b"seed")}).raise_for_status()
    with attachkit.WorldServer(mock.base_url, mock.ws_user, mock.ws_password) as ws:
        ws.upload(1113, b"seed", filename="seed.txt")


@pytest.fixture
def seeded(mock: MockServer) -> MockServer:
    seed(mock)
    return mock


@pytest.fixture(scope="module")
def fuzzed(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[MockServer, Clients, RawClients]]:
    """A mock of its own for the parameter cases: seeded once, never reset, so any change to
    its stored data during the ~300 cases would show."""
    dest = tmp_path_factory.mktemp("dest")
    with MockServer() as server:
        seed(server)
        facades, raw = Clients(server, dest), RawClients(server)
        try:
            yield server, facades, raw
        finally:
            facades.close()
            raw.close()


@pytest.fixture
def clients(seeded: MockServer, tmp_path: Path) -> Iterator[Clients]:
    dest = tmp_path / "dest"
    dest.mkdir()
    both = Clients(seeded, dest)
    yield both
    both.close()


# -- every operation, every parameter, every kind of bad value ---------------------------------


def test_every_operation_has_a_facade_call() -> None:
    in_specs = {(s, op) for s in specs.SERVICES for op in specs.operations(s)}
    assert in_specs == set(FACADE_CALLS)


@pytest.mark.parametrize(("service", "operation_id", "name", "value"), CASES)
def test_bad_parameter_is_refused_by_the_client_and_the_mock_and_stores_nothing(
    fuzzed: tuple[MockServer, Clients, RawClients],
    service: str,
    operation_id: str,
    name: str,
    value: Any,
) -> None:
    seeded, clients, raw = fuzzed
    schema = _schema(service, operation_id, name)
    documented = _documented_statuses(service, operation_id)
    before = stored(seeded)
    values: dict[str, Any] = {**_valid_values(service, operation_id), name: value}
    wire_ok = isinstance(value, str) and accepted(schema, value)

    # Through the facade: refused before sending, or (a value the spec allows) a documented 4xx.
    if wire_ok:
        with pytest.raises(errors.APIError) as answered:
            FACADE_CALLS[(service, operation_id)](clients, values)
        assert answered.value.status in documented
        assert 400 <= answered.value.status < 500
    else:
        with pytest.raises(errors.ValidationError) as refused:
            FACADE_CALLS[(service, operation_id)](clients, values)
        assert refused.value.parameter == name
    assert list(clients.dest.iterdir()) == []
    assert stored(seeded) == before

    # Raw on the wire (strings only: that is all a wire can carry).
    if not isinstance(value, str):
        return
    answer = send_raw(raw, service, operation_id, values)
    body = answer.json()
    if wire_ok:
        assert answer.status_code in documented and 400 <= answer.status_code < 500, body
    elif service == "worldserver" and (
        name == "resourceType" or (name == "resourceId" and not re.fullmatch(r"\s*-?\d+\s*", value))
    ):
        # WorldServer documents 500 for an unknown resourceType and a resourceId that is not a
        # number at all; a number the spec refuses (out of range, padded with whitespace,
        # other scripts' digits) is an ordinary 400.
        assert (answer.status_code, body) == (500, {"message": "Internal Server Error"})
    elif value == "" and f"{{{name}}}" in specs.operations(service)[operation_id][1]:
        # An empty path segment names no API at all: the gateway's (or server's) own 404.
        assert answer.status_code == 404, body
    else:
        assert answer.status_code == 400, body
        assert 400 in documented
        code = BAD_PARAMETER_CODE[service]
        if code is None:
            assert name in body["message"]
        else:
            assert body["error_code"] == code
            assert name in body["error_msg"]
    assert stored(seeded) == before


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"", 400, "Required request body is missing"),
        (b"not json", 400, "Invalid JSON"),
        (b"[]", 400, "is not of type 'object'"),
        (b'{"username": 1, "password": "x"}', 400, "username"),
        (b'{"username": "", "password": "x"}', 400, "username"),
        (b'{"username": "admin"}', 400, "password"),
        (b'{"username": "' + b"a" * 100_000 + b'", "password": "x"}', 400, "username"),
        (b'{"username": "admin\\r\\nX: 1", "password": "attachkit"}', 401, "Bad credentials"),
        (b'{"username": "../../admin", "password": "attachkit"}', 401, "Bad credentials"),
        (b'{"username": "admin", "password": "attachkit\\u0000"}', 401, "Bad credentials"),
    ],
    ids=[
        "missing",
        "not-json",
        "not-an-object",
        "wrong-type",
        "empty-user",
        "no-password",
        "huge-user",
        "crlf-user",
        "traversal-user",
        "nul-password",
    ],
)
def test_login_body_is_refused_with_the_documented_answer(
    mock: MockServer, body: bytes, status: int, message: str
) -> None:
    answer = httpx.post(
        mock.base_url + "/ws-api/v1/login",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == status
    assert message in answer.json()["message"]
    assert status in _documented_statuses("worldserver", "login")


# -- upload file names -----------------------------------------------------------------------

BAD_NAMES = {
    "CR/LF": "report\r\nX-Injected: 1.txt",
    "bare LF": "a\nb.txt",
    "traversal": "../../etc/passwd.txt",
    "windows traversal": "..\\..\\boot.txt",
    "NUL": "a\x00b.txt",
    "very long": "x" * 300 + ".txt",
    "dot-dot": "..",
}


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_bad_upload_names_are_refused_by_every_client_upload(
    seeded: MockServer, clients: Clients, name: str
) -> None:
    before = stored(seeded)
    uploads: list[Callable[[], object]] = [
        lambda: clients.req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, b"x", filename=name),
        lambda: clients.req.ipd.upload(IPD_PROJECT, IPD_ISSUE, b"x", filename=name),
        lambda: clients.coc.upload(b"x", filename=name),
        lambda: clients.ws.upload(1113, b"x", filename=name),
    ]
    for upload in uploads:
        with pytest.raises(errors.ValidationError):
            upload()
    assert stored(seeded) == before


def _multipart(field: str, name: str) -> tuple[bytes, str]:
    """A hand-made body whose RFC 5987 ``filename*`` carries any character, CR/LF and NUL too."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f"filename*=UTF-8''{quote(name, safe='')}\r\n\r\n"
        ).encode()
        + b"DATA\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


# What the mock stores for each name sent raw: the last path component, without control
# characters; a name that is nothing else ("..") becomes "file".
RAW_NAME_STORED_AS = {
    "CR/LF": "reportX-Injected: 1.txt",
    "bare LF": "ab.txt",
    "traversal": "passwd.txt",
    "windows traversal": "boot.txt",
    "NUL": "ab.txt",
    "very long": "x" * 300 + ".txt",
    "dot-dot": "file",
}


@pytest.mark.parametrize("label", BAD_NAMES.keys())
def test_bad_upload_names_sent_raw_are_stored_sanitised(
    mock: MockServer, signed_client: httpx.Client, ws_client: httpx.Client, label: str
) -> None:
    body, content_type = _multipart("attachment", BAD_NAMES[label])
    answer = signed_client.post(
        f"/v4/projects/{SCRUM_PROJECT}/issues/{SCRUM_ISSUE}/attachments/upload",
        content=body,
        headers={"content-type": content_type},
    )
    assert answer.status_code == 200
    assert answer.json()["file_name"] == RAW_NAME_STORED_AS[label]

    body, content_type = _multipart("file", BAD_NAMES[label])
    answer = ws_client.post(
        "/ws-api/v1/files/attachments/1113", content=body, headers={"content-type": content_type}
    )
    assert answer.status_code == 200
    assert answer.json()["name"] == RAW_NAME_STORED_AS[label]
    internal = answer.json()["internalName"]
    assert internal.isprintable() and "/" not in internal and len(internal) <= 255

    names = {a.file_name for a in mock.app.storage.list()}
    assert names == {RAW_NAME_STORED_AS[label]}
    # Files are stored under random keys, never under a name the client chose.
    assert all(re.fullmatch(r"[0-9a-f]{32}", p.name) for p in (mock.data_dir / "files").iterdir())


def test_a_name_beyond_the_part_header_limit_is_a_documented_400(
    mock: MockServer, signed_client: httpx.Client
) -> None:
    body, content_type = _multipart("attachment", "n" * 20_000 + ".txt")
    answer = signed_client.post(
        f"/v4/projects/{SCRUM_PROJECT}/issues/{SCRUM_ISSUE}/attachments/upload",
        content=body,
        headers={"content-type": content_type},
    )
    assert answer.status_code == 400
    assert answer.json()["error_code"] == "PM.02170001"
    assert mock.app.storage.list() == []


# -- authentication refusals -------------------------------------------------------------------

LIST_PATH = f"/v1/ipdprojectservice/projects/{IPD_PROJECT}/attachments"


def _assert_apig_refusal(answer: httpx.Response, code: str) -> None:
    assert answer.status_code == 401
    body = answer.json()
    assert body["error_code"] == code
    assert set(body) == {"error_code", "error_msg", "request_id"}
    expected = "signature expired" if code == "APIG.0303" else "Incorrect IAM authentication"
    assert expected in body["error_msg"]


def test_a_wrong_sk_is_refused_with_apig_0301_and_stores_nothing(seeded: MockServer) -> None:
    before = stored(seeded)
    wrong = attachkit.Credentials(ak=seeded.credentials.ak, sk="wrong-secret-key")
    with (
        attachkit.CodeArtsReq(endpoint=seeded.base_url, credentials=wrong) as req,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        req.ipd.upload(IPD_PROJECT, IPD_ISSUE, b"x", filename="x.txt")
    assert (caught.value.status, caught.value.error_code) == (401, "APIG.0301")
    assert stored(seeded) == before


def test_a_request_signed_16_minutes_ago_is_refused_with_apig_0303(seeded: MockServer) -> None:
    before = stored(seeded)
    stale = lambda: datetime.now(UTC) - timedelta(minutes=16)  # noqa: E731
    with httpx.Client(
        base_url=seeded.base_url, auth=AkSkAuth(seeded.credentials, clock=stale)
    ) as client:
        _assert_apig_refusal(
            client.post(IPD_UPLOAD, files={"attachment": ("x.txt", b"x")}), "APIG.0303"
        )
    with (
        attachkit.Coc(endpoint=seeded.base_url, credentials=seeded.credentials, clock=stale) as coc,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        coc.upload(b"x", filename="x.txt")
    assert caught.value.error_code == "APIG.0303"
    assert stored(seeded) == before


def _signed(mock: MockServer, request: httpx.Request) -> httpx.Request:
    return AkSkAuth(mock.credentials).sign(request)


def _resend(mock: MockServer, request: httpx.Request, **changes: Any) -> httpx.Response:
    """Send ``request`` (signature and all) with the URL, headers or body changed."""
    with httpx.Client() as client:
        tampered = client.build_request(
            request.method,
            changes.get("url", request.url),
            headers=changes.get("headers", request.headers),
            content=changes.get("content", request.content),
        )
        return client.send(tampered)


def test_a_tampered_signed_body_is_refused_and_stores_nothing(seeded: MockServer) -> None:
    # Multipart bodies are UNSIGNED-PAYLOAD by default; declaring the body's hash signs it.
    body, content_type = _multipart("attachment", "x.txt")
    request = httpx.Request(
        "POST",
        seeded.base_url + IPD_UPLOAD,
        content=body,
        headers={
            "content-type": content_type,
            "x-sdk-content-sha256": hashlib.sha256(body).hexdigest(),
        },
    )
    _signed(seeded, request)
    before = stored(seeded)

    tampered = body.replace(b"DATA", b"EVIL")
    _assert_apig_refusal(_resend(seeded, request, content=tampered), "APIG.0301")
    assert stored(seeded) == before

    untouched = _resend(seeded, request)
    assert untouched.status_code == 200, "the same request, untampered, is accepted"
    assert len(seeded.app.storage.list()) == len(before[0]) + 1


def test_a_tampered_query_is_refused(seeded: MockServer) -> None:
    request = _signed(
        seeded, httpx.Request("GET", seeded.base_url + LIST_PATH, params={"issue_id": IPD_ISSUE})
    )
    other = request.url.copy_with(params={"issue_id": "956239067176935401"})
    _assert_apig_refusal(_resend(seeded, request, url=other), "APIG.0301")
    assert _resend(seeded, request).status_code == 200


def test_a_tampered_signed_header_is_refused(seeded: MockServer) -> None:
    request = _signed(
        seeded,
        httpx.Request(
            "GET",
            seeded.base_url + LIST_PATH,
            params={"issue_id": IPD_ISSUE},
            headers={"X-Project-Id": "0123456789abcdef0123456789abcdef"},
        ),
    )
    assert "x-project-id" in request.headers["authorization"]
    headers = httpx.Headers(request.headers)
    headers["X-Project-Id"] = "fedcba9876543210fedcba9876543210"
    _assert_apig_refusal(_resend(seeded, request, headers=headers), "APIG.0301")
    headers = httpx.Headers(request.headers)
    headers["X-Sdk-Date"] = "20200101T000000Z"
    _assert_apig_refusal(_resend(seeded, request, headers=headers), "APIG.0303")


def test_temporary_credentials_without_their_token_are_refused(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory(accounts={"TEMPAK": AkSkAccount("TEMPAK", "tempsk", "session-token-1")})
    cases = {
        "no token": attachkit.Credentials(ak="TEMPAK", sk="tempsk"),
        "wrong token": attachkit.Credentials(ak="TEMPAK", sk="tempsk", security_token="other"),
    }
    for credentials in cases.values():
        with httpx.Client(base_url=server.base_url, auth=AkSkAuth(credentials)) as client:
            answer = client.post(IPD_UPLOAD, files={"attachment": ("x.txt", b"x")})
        _assert_apig_refusal(answer, "APIG.0301")
    assert server.app.storage.list() == []

    with attachkit.CodeArtsReq(endpoint=server.base_url, credentials=server.credentials) as req:
        req.ipd.upload(IPD_PROJECT, IPD_ISSUE, b"x", filename="x.txt")
    assert len(server.app.storage.list()) == 1


def test_an_expired_worldserver_token_is_refused_and_stores_nothing(
    mock_factory: Callable[..., MockServer],
) -> None:
    server = mock_factory(ws_token_ttl_seconds=60)
    now = [1000.0]
    server.app.sessions = WsSessions(server.config, clock=lambda: now[0])
    with httpx.Client(base_url=server.base_url) as client:
        token = client.post(
            "/ws-api/v1/login", json={"username": server.ws_user, "password": server.ws_password}
        ).json()["sessionId"]
        upload = ("/ws-api/v1/files/attachments/1113", {"file": ("x.txt", b"x")})

        now[0] += 59  # still live: and each use slides the expiry forward
        assert client.post(upload[0], files=upload[1], headers={"token": token}).status_code == 200
        now[0] += 61
        for where in ({"headers": {"token": token}}, {"params": {"token": token}}):
            answer = client.post(upload[0], files=upload[1], **where)  # type: ignore[arg-type]
            assert answer.status_code == 401
            assert answer.json() == {"message": "No session token provided or invalid token"}
    assert len(server.app.storage.list()) == 1


# -- no secret in DEBUG logs ------------------------------------------------------------------


def test_a_debug_tour_logs_no_secret(
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from attachkit.cli import main

    # Record what must stay secret as the mock sees it: session tokens and signatures.
    ws_tokens: list[str] = []
    signatures: list[str] = []
    original_login = WsSessions.login
    original_check = AkSkGate.check

    def login(self: WsSessions, username: str, password: str) -> str | None:
        token = original_login(self, username, password)
        if token is not None:
            ws_tokens.append(token)
        return token

    def check(
        self: AkSkGate, method: str, raw_path: bytes, query: bytes, headers: Any, h: str
    ) -> Any:
        for name, value in headers:
            if name.lower() == b"authorization":
                signatures.append(value.decode().rpartition("Signature=")[2])
        return original_check(self, method, raw_path, query, headers, h)

    # The development secrets, made unique for this run so a hit cannot be a coincidence
    # (the real dev password, "attachkit", is also the package's name).
    monkeypatch.setattr(config, "DEV_SK", "dev-sk-" + uuid.uuid4().hex)
    monkeypatch.setattr(config, "DEV_WS_PASSWORD", "dev-pw-" + uuid.uuid4().hex)
    monkeypatch.setattr(WsSessions, "login", login)
    monkeypatch.setattr(AkSkGate, "check", check)
    for name in ("", "httpx", "httpcore", "attachkit", "attachkit.http", "uvicorn"):
        caplog.set_level(logging.DEBUG, logger=name)

    assert main(["--debug", "tour", "--size", "100000"]) == 0

    # A temporary credential's token, used at DEBUG too (the tour has none of its own).
    temporary = MockConfig(accounts={"TMP": AkSkAccount("TMP", "tmp-sk-9f2", "sec-tok-77e")})
    with (
        MockServer(temporary) as server,
        attachkit.CodeArtsReq(endpoint=server.base_url, credentials=server.credentials) as req,
    ):
        req.ipd.upload(IPD_PROJECT, IPD_ISSUE, b"x", filename="x.txt")
        req.ipd.list(IPD_PROJECT, IPD_ISSUE)

    assert ws_tokens and signatures, "the tour really logged in and signed"
    assert any(r.name == "attachkit.http" for r in caplog.records), "DEBUG logging was on"
    secrets = [
        config.DEV_SK,
        config.DEV_WS_PASSWORD,
        "tmp-sk-9f2",
        "sec-tok-77e",
        *ws_tokens,
        *signatures,
    ]
    logged = "\n".join(
        caplog.handler.format(record) + repr(record.args) for record in caplog.records
    )
    printed = capsys.readouterr()
    for secret in secrets:
        assert secret not in logged
        assert secret not in printed.out + printed.err
