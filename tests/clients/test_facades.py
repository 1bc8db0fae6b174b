"""Every facade method, sync and async, against the mock service; plus the behaviour users rely
on when things go wrong: resume after a cut, retry after 503, overwrite protection, no partial
files, clear errors."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import httpx
import pytest

import attachkit
from attachkit import errors
from attachkit.mock import MockServer
from attachkit.transfer import RetryPolicy
from tests.results import ipd_uploaded, present

SCRUM_PROJECT = "f7a67aee4c034fd6944fd5f769e89042"
SCRUM_ISSUE = 5667740
IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"
# No waiting between retries: the behaviour is under test here, not the clock.
NO_WAIT = RetryPolicy(
    max_retries=3, sleep=lambda seconds: None, async_sleep=lambda s: asyncio.sleep(0)
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def payload() -> bytes:
    return os.urandom(300_000) + b"\r\n--+++\r\n" + os.urandom(1000)


@pytest.fixture
def source(tmp_path: Path, payload: bytes) -> Path:
    path = tmp_path / "evidence.txt"
    path.write_bytes(payload)
    return path


@pytest.fixture
def req(mock: MockServer) -> Iterator[attachkit.CodeArtsReq]:
    with attachkit.CodeArtsReq(
        endpoint=mock.base_url, credentials=mock.credentials, retry_policy=NO_WAIT
    ) as client:
        yield client


@pytest.fixture
def coc(mock: MockServer) -> Iterator[attachkit.Coc]:
    with attachkit.Coc(
        endpoint=mock.base_url, credentials=mock.credentials, retry_policy=NO_WAIT
    ) as client:
        yield client


@pytest.fixture
def ws(mock: MockServer) -> Iterator[attachkit.WorldServer]:
    with attachkit.WorldServer(
        mock.base_url, mock.ws_user, mock.ws_password, retry_policy=NO_WAIT
    ) as client:
        yield client


def test_scrum_upload_download_delete(
    req: attachkit.CodeArtsReq, source: Path, payload: bytes, tmp_path: Path
) -> None:
    uploaded = req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, source)
    assert uploaded.file_name == "evidence.txt"
    assert uploaded.size == str(len(payload))

    got = req.scrum.download(
        SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id, tmp_path / "out.bin", checksum="sha256"
    )
    assert got.path == tmp_path / "out.bin"
    assert got.size == len(payload)
    assert got.sha256 == sha256(payload)
    assert (tmp_path / "out.bin").read_bytes() == payload
    assert b"".join(req.scrum.stream(SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id)) == payload

    req.scrum.delete(SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id)
    with pytest.raises(errors.APIError) as caught:
        req.scrum.download(SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id, tmp_path / "gone.bin")
    assert caught.value.status in {400, 404}
    assert caught.value.service == "codearts-req"
    assert not (tmp_path / "gone.bin").exists()


def test_ipd_upload_list_download(
    req: attachkit.CodeArtsReq, source: Path, payload: bytes, tmp_path: Path
) -> None:
    uploaded = ipd_uploaded(req.ipd.upload(IPD_PROJECT, IPD_ISSUE, source))
    listed = present(req.ipd.list(IPD_PROJECT, IPD_ISSUE).result)
    assert [item.id for item in listed] == [uploaded.id]

    # A directory destination takes the name the server gives.
    out = tmp_path / "downloads"
    out.mkdir()
    got = req.ipd.download(IPD_PROJECT, uploaded.id, out, checksum="sha256")
    assert got.path == out / "evidence.txt"
    assert got.sha256 == sha256(payload)


def test_uploads_from_bytes_and_file_objects(req: attachkit.CodeArtsReq, payload: bytes) -> None:
    from_bytes = req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, payload, filename="raw.bin")
    from_file = req.scrum.upload(
        SCRUM_PROJECT, SCRUM_ISSUE, io.BytesIO(payload), filename="fileobj.bin"
    )
    for uploaded in (from_bytes, from_file):
        assert b"".join(req.scrum.stream(SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id)) == payload


def _pipe(data: bytes) -> BinaryIO:
    """The read end of an OS pipe that a thread fills with ``data``: a non-seekable source."""
    read_fd, write_fd = os.pipe()

    def fill() -> None:
        with open(write_fd, "wb") as writer:
            writer.write(data)

    threading.Thread(target=fill, daemon=True).start()
    return open(read_fd, "rb")


def test_upload_from_a_pipe_needs_its_size(
    req: attachkit.CodeArtsReq, ws: attachkit.WorldServer, payload: bytes
) -> None:
    with _pipe(payload) as pipe:
        assert not pipe.seekable()
        with pytest.raises(ValueError, match="size="):
            req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, pipe, filename="piped.bin")
        uploaded = req.scrum.upload(
            SCRUM_PROJECT, SCRUM_ISSUE, pipe, filename="piped.bin", size=len(payload)
        )
    assert b"".join(req.scrum.stream(SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id)) == payload

    with _pipe(payload) as pipe:
        stored = ws.upload(1113, pipe, filename="piped.txt", size=len(payload))
    streamed = ws.stream(stored.internal_name, download_token=stored.download_token)
    assert b"".join(streamed) == payload


def test_worldserver_relogin_cannot_resend_a_pipe_and_says_so(
    ws: attachkit.WorldServer, mock: MockServer, payload: bytes
) -> None:
    ws.upload(1113, b"warm-up", filename="first.txt")  # logs in and caches the token
    mock.reset()  # the mock forgets every session: the cached token is now refused with 401
    with _pipe(payload) as pipe, pytest.raises(errors.BodyNotReplayableError) as caught:
        ws.upload(1113, pipe, filename="piped.txt", size=len(payload))
    assert isinstance(caught.value, errors.AttachkitError)
    assert "piped.txt" in str(caught.value)
    assert "non-seekable" in str(caught.value)


def test_download_into_binary_file_object(req: attachkit.CodeArtsReq, payload: bytes) -> None:
    uploaded = req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, payload, filename="a.bin")
    sink = io.BytesIO()
    got = req.scrum.download(SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id, sink)
    assert got.path is None
    assert sink.getvalue() == payload


def test_coc_upload_download(
    coc: attachkit.Coc, source: Path, payload: bytes, tmp_path: Path
) -> None:
    uploaded = coc.upload(source)
    got = coc.download(uploaded.data.doc_id, tmp_path / "coc.txt", checksum="sha256")
    assert got.sha256 == sha256(payload)


def test_coc_refuses_types_and_sizes_it_cannot_store_before_sending(
    coc: attachkit.Coc, mock: MockServer
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        coc.upload(b"MZ...", filename="tool.exe")
    assert caught.value.parameter == "filename"  # the type is the name's
    assert ".pdf" in caught.value.rule
    with pytest.raises(errors.ValidationError, match="at most 10 MiB") as caught:
        coc.upload(b"\0" * (10 * 1024 * 1024 + 1), filename="big.txt")
    assert caught.value.parameter == "file"  # the size is the file's
    assert "'big.txt' has 10.0 MiB (10485761 bytes), too large" in str(caught.value)


def test_worldserver_upload_download(
    ws: attachkit.WorldServer, source: Path, payload: bytes, tmp_path: Path
) -> None:
    uploaded = ws.upload(1113, source)
    assert uploaded.internal_name.startswith("attr1113-")
    assert uploaded.internal_name.endswith("_evidence.txt")
    got = ws.download(
        uploaded.internal_name,
        tmp_path / "ws.txt",
        download_token=uploaded.download_token,
        checksum="sha256",
    )
    assert got.sha256 == sha256(payload)
    assert ws.session.token is not None


def test_async_twins_do_the_same(
    mock: MockServer, source: Path, payload: bytes, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with attachkit.AsyncCodeArtsReq(
            endpoint=mock.base_url, credentials=mock.credentials
        ) as req:
            scrum = await req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, source)
            got = await req.scrum.download(
                SCRUM_PROJECT, SCRUM_ISSUE, scrum.id, tmp_path / "a1", checksum="sha256"
            )
            assert got.sha256 == sha256(payload)
            chunks = [
                chunk async for chunk in req.scrum.stream(SCRUM_PROJECT, SCRUM_ISSUE, scrum.id)
            ]
            assert b"".join(chunks) == payload
            await req.scrum.delete(SCRUM_PROJECT, SCRUM_ISSUE, scrum.id)

            ipd = ipd_uploaded(await req.ipd.upload(IPD_PROJECT, IPD_ISSUE, source))
            listed = present((await req.ipd.list(IPD_PROJECT, IPD_ISSUE)).result)
            assert [a.id for a in listed] == [ipd.id]
            got = await req.ipd.download(IPD_PROJECT, ipd.id, tmp_path / "a2", checksum="sha256")
            assert got.sha256 == sha256(payload)

        async with attachkit.AsyncCoc(endpoint=mock.base_url, credentials=mock.credentials) as coc:
            doc = await coc.upload(source)
            got = await coc.download(doc.data.doc_id, tmp_path / "a3", checksum="sha256")
            assert got.sha256 == sha256(payload)

        async with attachkit.AsyncWorldServer(mock.base_url, mock.ws_user, mock.ws_password) as ws:
            # Concurrent first calls share one login.
            files = await asyncio.gather(*(ws.upload(7, source) for _ in range(5)))
            got = await ws.download(
                files[0].internal_name,
                tmp_path / "a4",
                download_token=files[0].download_token,
                checksum="sha256",
            )
            assert got.sha256 == sha256(payload)

    asyncio.run(scenario())


def test_download_resumes_after_the_connection_is_cut(
    req: attachkit.CodeArtsReq, mock: MockServer, payload: bytes, tmp_path: Path
) -> None:
    uploaded = req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, payload, filename="cut.bin")
    path = f"/v4/projects/{SCRUM_PROJECT}/issues/{SCRUM_ISSUE}/attachments/{uploaded.id}"
    rule = mock.faults.cut("GET", path, after_bytes=100_000, times=2)

    seen: list[tuple[int, int | None]] = []
    got = req.scrum.download(
        SCRUM_PROJECT,
        SCRUM_ISSUE,
        uploaded.id,
        tmp_path / "cut.bin",
        progress=lambda d, t: seen.append((d, t)),
        checksum="sha256",
    )

    assert rule.matched == 2
    assert got.sha256 == sha256(payload)
    assert (tmp_path / "cut.bin").read_bytes() == payload
    assert seen[-1] == (len(payload), len(payload))
    assert [p for p in tmp_path.iterdir()] == [tmp_path / "cut.bin"]


def test_download_retries_after_503_with_retry_after(
    req: attachkit.CodeArtsReq, mock: MockServer, payload: bytes, tmp_path: Path
) -> None:
    uploaded = req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, payload, filename="busy.bin")
    path = f"/v4/projects/{SCRUM_PROJECT}/issues/{SCRUM_ISSUE}/attachments/{uploaded.id}"
    waits: list[float] = []
    policy = RetryPolicy(max_retries=3, sleep=waits.append)
    mock.faults.status("GET", path, 503, retry_after=2, times=2)

    with attachkit.CodeArtsReq(
        endpoint=mock.base_url, credentials=mock.credentials, retry_policy=policy
    ) as client:
        got = client.scrum.download(
            SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id, tmp_path / "busy.bin", checksum="sha256"
        )

    assert waits == [2, 2]
    assert got.sha256 == sha256(payload)


def test_upload_from_a_path_is_retried_after_503_and_lands_once(
    req: attachkit.CodeArtsReq, mock: MockServer, source: Path, payload: bytes
) -> None:
    mock.faults.status("POST", "/v1/ipdprojectservice/*", 503, retry_after=0, times=2)

    req.ipd.upload(IPD_PROJECT, IPD_ISSUE, source)

    listed = present(req.ipd.list(IPD_PROJECT, IPD_ISSUE).result)
    assert len(listed) == 1
    assert b"".join(req.ipd.stream(IPD_PROJECT, listed[0].id)) == payload


def test_retry_budget_runs_out_with_a_clear_error(
    req: attachkit.CodeArtsReq, mock: MockServer, payload: bytes, tmp_path: Path
) -> None:
    uploaded = req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, payload, filename="down.bin")
    path = f"/v4/projects/{SCRUM_PROJECT}/issues/{SCRUM_ISSUE}/attachments/{uploaded.id}"
    mock.faults.status("GET", path, 503, times=10)

    with pytest.raises(errors.ServerError) as caught:
        req.scrum.download(
            SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id, tmp_path / "down.bin", max_retries=1
        )

    assert caught.value.status == 503
    assert list(tmp_path.iterdir()) == []  # no partial or temporary file


def test_existing_file_is_never_overwritten_unless_asked(
    req: attachkit.CodeArtsReq, payload: bytes, tmp_path: Path
) -> None:
    uploaded = req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, payload, filename="keep.bin")
    target = tmp_path / "keep.bin"
    target.write_bytes(b"precious")

    with pytest.raises(errors.DestinationExistsError):
        req.scrum.download(SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id, target)
    assert target.read_bytes() == b"precious"
    assert list(tmp_path.iterdir()) == [target]

    req.scrum.download(SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id, target, overwrite=True)
    assert target.read_bytes() == payload


def test_bad_signature_is_an_authentication_error(mock: MockServer, tmp_path: Path) -> None:
    wrong = attachkit.Credentials(ak=mock.credentials.ak, sk="not-the-secret")
    with (
        attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=wrong) as req,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        req.ipd.list(IPD_PROJECT, IPD_ISSUE)
    assert caught.value.error_code == "APIG.0301"
    assert "not-the-secret" not in str(caught.value)


def test_wrong_worldserver_password_names_the_user_not_the_password(mock: MockServer) -> None:
    with (
        attachkit.WorldServer(mock.base_url, mock.ws_user, "hunter2-wrong") as ws,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        ws.upload(1, b"x", filename="x.txt")
    assert mock.ws_user in str(caught.value)
    assert "hunter2-wrong" not in str(caught.value)


def test_worldserver_login_is_public_and_checks_the_password_early(mock: MockServer) -> None:
    with attachkit.WorldServer(mock.base_url, mock.ws_user, mock.ws_password) as ws:
        assert ws.session.token is None
        ws.login()
        first = ws.session.token
        assert first is not None
        ws.login()  # again: a fresh token
        assert ws.session.token not in (None, first)
    with (
        attachkit.WorldServer(mock.base_url, mock.ws_user, "hunter2-wrong") as ws,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        ws.login()
    assert "hunter2-wrong" not in str(caught.value)


def test_async_worldserver_login_is_public_too(mock: MockServer) -> None:
    async def scenario() -> str | None:
        async with attachkit.AsyncWorldServer(mock.base_url, mock.ws_user, mock.ws_password) as ws:
            await ws.login()
            return ws.session.token

    assert asyncio.run(scenario()) is not None

    async def refused() -> None:
        async with attachkit.AsyncWorldServer(mock.base_url, mock.ws_user, "wrong") as ws:
            await ws.login()

    with pytest.raises(errors.AuthenticationError):
        asyncio.run(refused())


def test_worldserver_download_takes_the_uploads_download_token_as_it_came() -> None:
    # AttributeFile.download_token is UNSET when WorldServer sent none: no filter is sent.
    from worldserver_client.types import UNSET

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/login"):
            return httpx.Response(200, json={"sessionId": "s"})
        return httpx.Response(200, content=b"body")

    with attachkit.WorldServer(
        "https://ws.example.test", "u", "p", transport=httpx.MockTransport(handler)
    ) as ws:
        ws.download("attr1-1_a.txt", io.BytesIO(), download_token=UNSET)
        ws.download("attr1-1_a.txt", io.BytesIO(), download_token="tok")
    tokens = [r.url.params.get("downloadToken") for r in seen if "/login" not in r.url.path]
    assert tokens == [None, "tok"]


def test_clients_say_where_they_send_and_how_they_retry() -> None:
    creds = attachkit.Credentials(ak="AK", sk="SK")
    policy = RetryPolicy(max_retries=7)
    with attachkit.WorldServer("https://ws.example.test:8443", "u", "p", retry_policy=policy) as ws:
        assert ws.base_url == "https://ws.example.test:8443"
        assert ws.retry_policy is policy

    async def scenario() -> None:
        async with attachkit.AsyncCoc(endpoint="https://coc.example.test", credentials=creds) as c:
            assert c.base_url == "https://coc.example.test"
            assert c.retry_policy.max_retries == 3
            assert c.timeout.connect == 10.0

    asyncio.run(scenario())


def test_invalid_parameters_are_refused_before_sending(
    req: attachkit.CodeArtsReq, mock: MockServer, tmp_path: Path
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        req.scrum.download("not-a-project", SCRUM_ISSUE, "1", tmp_path / "x")
    assert caught.value.parameter == "project_id"
    with pytest.raises(errors.ValidationError):
        req.ipd.upload(IPD_PROJECT, "12", b"x", filename="x.txt")
    with pytest.raises(errors.ValidationError):
        req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, b"x", filename="../../etc/passwd")
    assert list(tmp_path.iterdir()) == []


def test_unreachable_service_is_a_transport_error(tmp_path: Path) -> None:
    creds = attachkit.Credentials(ak="AK", sk="SK")
    with (
        attachkit.CodeArtsReq(
            endpoint="http://127.0.0.1:9", credentials=creds, retry_policy=NO_WAIT
        ) as req,
        pytest.raises(errors.TransportError),
    ):
        req.ipd.list(IPD_PROJECT, IPD_ISSUE)


def test_region_picks_the_documented_endpoint() -> None:
    creds = attachkit.Credentials(ak="AK", sk="SK")
    with attachkit.CodeArtsReq(region="ap-southeast-3", credentials=creds) as req:
        assert req.base_url == "https://projectman-ext.ap-southeast-3.myhuaweicloud.com"
    with attachkit.Coc(region="eu-west-101", credentials=creds) as coc:
        assert coc.base_url == "https://coc-eu-west-101-open-api.myhuaweicloud.eu"
    with pytest.raises(errors.ConfigurationError, match="cn-north-4"):
        attachkit.CodeArtsReq(region="mars-1", credentials=creds)


def _answering(status: int, content: bytes) -> httpx.MockTransport:
    """A transport that answers every request with ``status`` and ``content`` (JSON-typed)."""

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        return httpx.Response(status, content=content, headers={"Content-Type": "application/json"})

    return httpx.MockTransport(handler)


def _answered_req(status: int, content: bytes) -> attachkit.CodeArtsReq:
    return attachkit.CodeArtsReq(
        endpoint="https://req.example.test",
        credentials=attachkit.Credentials(ak="AK", sk="SK"),
        transport=_answering(status, content),
        retry_policy=NO_WAIT,
    )


@pytest.mark.parametrize(
    ("status", "content", "problem"),
    [
        # Before: a bare TransportError ("no answer"), though the service did answer.
        (200, b'{"downloadToken": "secret-token-123"}', "no 'id' field"),
        (200, b"<html>secret-token-123</html>", "not JSON"),
        (200, b"", "not JSON"),  # the spec promises a ScrumAttachment, not nothing
        # Before: None, and the command line then failed on ``result.id``.
        (201, b'{"id": 1, "file_name": "a.txt", "token": "secret-token-123"}', "documents"),
        # Before: None as well, though the upload is typed to return a ScrumAttachment.
        (204, b"", "documents"),
    ],
)
def test_a_success_answer_the_spec_does_not_document_is_an_unexpected_response(
    status: int, content: bytes, problem: str
) -> None:
    with (
        _answered_req(status, content) as req,
        pytest.raises(errors.UnexpectedResponseError) as caught,
    ):
        req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, b"data", filename="a.txt")
    error = caught.value
    assert not isinstance(error, errors.TransportError)
    assert (error.status, error.service, error.operation) == (
        status,
        "codearts-req",
        "uploadScrumAttachment",
    )
    assert problem in str(error)
    assert "secret-token-123" not in str(error)  # the body is never quoted


def test_success_answers_the_spec_documents_still_parse() -> None:
    # A documented 200 without a body model (delete), and an undocumented but empty 2xx.
    # (delete is typed to return None: that it does not raise is the behaviour under test)
    with _answered_req(200, b'{"whatever": 1}') as req:
        req.scrum.delete(SCRUM_PROJECT, SCRUM_ISSUE, "1")
    with _answered_req(204, b"") as req:
        req.scrum.delete(SCRUM_PROJECT, SCRUM_ISSUE, "1")
    with _answered_req(200, b'{"id": 7, "file_name": "a.txt"}') as req:
        assert req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, b"x", filename="a.txt").id == 7


def test_async_facade_raises_unexpected_response_too() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await request.aread()
        return httpx.Response(202, json={"result": []})

    async def main() -> None:
        async with attachkit.AsyncCodeArtsReq(
            endpoint="https://req.example.test",
            credentials=attachkit.Credentials(ak="AK", sk="SK"),
            transport=httpx.MockTransport(handler),
            retry_policy=NO_WAIT,
        ) as req:
            with pytest.raises(errors.UnexpectedResponseError) as caught:
                await req.ipd.list(IPD_PROJECT, IPD_ISSUE)
            assert caught.value.status == 202
            assert caught.value.operation == "listIpdAttachments"

    asyncio.run(main())


def test_upload_from_a_bytearray_or_memoryview_lands_byte_for_byte(
    req: attachkit.CodeArtsReq, payload: bytes
) -> None:
    buffer = bytearray(payload)
    for source in (buffer, memoryview(buffer)):
        uploaded = req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, source, filename="view.bin")
        assert b"".join(req.scrum.stream(SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id)) == payload


def _counting_503() -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, json={"error_code": "X.503", "error_msg": "busy"})

    return httpx.MockTransport(handler), seen


@pytest.mark.parametrize(
    ("options", "attempts"),
    [
        ({"retry_policy": NO_WAIT}, 4),  # the policy's own max_retries=3
        ({"retry_policy": NO_WAIT, "max_retries": 1}, 2),  # an explicit budget wins
        ({"retry_policy": NO_WAIT, "max_retries": 0}, 1),
    ],
)
def test_max_retries_given_with_a_retry_policy_replaces_its_budget(
    options: dict[str, object], attempts: int
) -> None:
    transport, seen = _counting_503()
    with (
        attachkit.CodeArtsReq(
            endpoint="https://req.example.test",
            credentials=attachkit.Credentials(ak="AK", sk="SK"),
            transport=transport,
            **options,  # type: ignore[arg-type]
        ) as req,
        pytest.raises(errors.ServerError),
    ):
        req.ipd.list(IPD_PROJECT, IPD_ISSUE)
    assert len(seen) == attempts


def test_retry_budget_defaults_and_refuses_a_negative_one() -> None:
    from attachkit.facade_defaults import DEFAULT_MAX_RETRIES

    creds = attachkit.Credentials(ak="AK", sk="SK")
    with attachkit.Coc(endpoint="https://coc.example.test", credentials=creds) as coc:
        assert coc.retry_policy.max_retries == DEFAULT_MAX_RETRIES
    with attachkit.WorldServer(
        "https://ws.example.test", "u", "p", retry_policy=NO_WAIT, max_retries=5
    ) as ws:
        assert ws.retry_policy.max_retries == 5
        assert ws.retry_policy.sleep is NO_WAIT.sleep  # the rest of the policy is kept
    with pytest.raises(ValueError, match="zero or more"):
        attachkit.CodeArtsReq(
            endpoint="https://req.example.test", credentials=creds, max_retries=-1
        )


def test_a_calls_own_negative_max_retries_is_refused_like_the_clients() -> None:
    transport, sent = _counting_503()
    creds = attachkit.Credentials(ak="AK", sk="SK")
    with (
        attachkit.CodeArtsReq(
            endpoint="https://req.example.test", credentials=creds, transport=transport
        ) as req,
        pytest.raises(ValueError, match="zero or more"),
    ):
        req.scrum.download("P" * 32, 1, "2", io.BytesIO(), max_retries=-1)
    assert sent == []  # refused before anything was sent


def test_ipd_list_sends_and_validates_source_project_id() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "success", "result": []})

    with attachkit.CodeArtsReq(
        endpoint="https://req.example.test",
        credentials=attachkit.Credentials(ak="AK", sk="SK"),
        transport=httpx.MockTransport(handler),
    ) as req:
        req.ipd.list(IPD_PROJECT, IPD_ISSUE)
        req.ipd.list(IPD_PROJECT, IPD_ISSUE, source_project_id=IPD_PROJECT)
        with pytest.raises(errors.ValidationError) as caught:
            req.ipd.list(IPD_PROJECT, IPD_ISSUE, source_project_id="not a project")
    assert caught.value.parameter == "source_project_id"
    assert [dict(request.url.params) for request in seen] == [
        {"issue_id": IPD_ISSUE},
        {"issue_id": IPD_ISSUE, "source_project_id": IPD_PROJECT},
    ]


def test_upload_size_limit_is_optional_and_placeholders_are_empty_files() -> None:
    from attachkit.facade_defaults import empty_file, upload_body
    from attachkit.options import UploadOptions
    from coc_client.types import File as CocFile
    from worldserver_client.types import File as WsFile

    # WorldServer documents no limit: no max_bytes, no check (it used to pass 2**63).
    named = UploadOptions(filename="a.txt")
    assert upload_body("file", b"x" * 1000, named).size == 1000
    with pytest.raises(errors.ValidationError, match="at most 10 bytes"):
        upload_body("file", b"x" * 1000, named, max_bytes=10)
    for file_class in (CocFile, WsFile):
        placeholder = empty_file(file_class)
        assert isinstance(placeholder, file_class)
        assert placeholder.payload.read() == b""
