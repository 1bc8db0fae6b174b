"""Every number, JSON document and answer shape from outside is checked before use (issue 19).

A header number is ASCII digits of a bounded length; a JSON document (an answer, a login, a
resume sidecar on disk) is bounded in nesting depth before it is parsed; a success answer must
have the shape its spec documents, field by field; a WorldServer session token must be usable
as a header value. Each breach is an attachkit error that names what was wrong, never a
``ValueError``, ``RecursionError``, ``AttributeError`` or ``UnicodeEncodeError`` from deep
inside, and never quotes the offending value (it may be a secret).
"""

from __future__ import annotations

import asyncio
import copy
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from attachkit import Credentials
from attachkit.catalog import OPERATIONS
from attachkit.cli import main
from attachkit.errors import APIError, TransportError, UnexpectedResponseError
from attachkit.facades import (
    AsyncCodeArtsReq,
    AsyncWorldServer,
    AsyncWorldServerSession,
    CodeArtsReq,
    WorldServer,
    WorldServerSession,
)
from attachkit.operations import Operation
from attachkit.shapes import ANNOTATIONS, KEYWORDS, answer_schema
from attachkit.specs import SERVICES, load_spec, operations, resolve_ref
from attachkit.transfer import RetryPolicy, parse_retry_after
from attachkit.transfer.partials import Sidecar, list_partials, part_path, sidecar_path
from attachkit.untrusted import UntrustedJSONError, load_json, parse_number
from tests.engine import async_download, download
from tests.hostile_server import Answer, HostileServer, head

pytestmark = pytest.mark.timeout(60)


IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"
IPD_ID = "1212813884362502144"
DEEP = b"[" * 100_000 + b"]" * 100_000


def _policy(max_retries: int = 2) -> RetryPolicy:
    async def no_wait(seconds: float) -> None:
        pass

    return RetryPolicy(max_retries=max_retries, sleep=lambda s: None, async_sleep=no_wait)


def _always(raw: bytes) -> Answer:
    """Answers every request with ``raw``, after reading the request's body (a login's JSON).

    Closing with request bytes unread would reset the connection before the client reads
    the answer.
    """

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        head_part, _, received = request.partition(b"\r\n\r\n")
        for line in head_part.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                remaining = int(value) - len(received)
                while remaining > 0:
                    data = connection.recv(min(remaining, 65536))
                    if not data:
                        break
                    remaining -= len(data)
        connection.sendall(raw)

    return answer


def _json_answer(body: bytes, status: str = "200 OK") -> bytes:
    return head(status, content_type="application/json", content_length=len(body)) + body


def _base(server: HostileServer) -> str:
    return server.url.rsplit("/", 1)[0]


def _sync_and_async_download(url: str, dest: Path, **options: Any) -> list[object]:
    """The outcome (a result or the error raised) of a sync, then an async download of ``url``."""
    outcomes: list[object] = []
    with httpx.Client() as client:
        try:
            outcomes.append(download(client, httpx.Request("GET", url), dest, **options))
        except Exception as exc:
            outcomes.append(exc)

    async def run() -> object:
        async with httpx.AsyncClient() as client:
            return await async_download(client, httpx.Request("GET", url), dest, **options)

    try:
        outcomes.append(asyncio.run(run()))
    except Exception as exc:
        outcomes.append(exc)
    return outcomes


# --- header numbers: ASCII digits of a bounded length ---------------------------------------


@pytest.mark.parametrize(
    "content_range",
    [
        "bytes " + "0" * 5001 + "-4/5",
        "bytes 0-" + "9" * 5001 + "/5",
        "bytes 0-4/" + "5" * 5001,
        "bytes \u0660-4/5",  # ARABIC-INDIC DIGIT ZERO: int() reads it, HTTP does not
    ],
    ids=["first-5001-digits", "last-5001-digits", "total-5001-digits", "arabic-indic-digit"],
)
def test_a_content_range_that_is_not_a_short_ascii_number_is_an_unusable_range(
    content_range: str, tmp_path: Path
) -> None:
    answer = head(
        "206 Partial Content",
        content_length=5,
        content_range=content_range.encode().decode("latin-1"),
    )
    with HostileServer(_always(answer + b"hello")) as server:
        outcomes = _sync_and_async_download(server.url, tmp_path / "o", policy=_policy())
    for outcome in outcomes:
        assert isinstance(outcome, TransportError), repr(outcome)
        assert "range" in str(outcome).lower()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "value", ["\u00b2", "\u2460", "\u0663", "1\u00b2", "0" * 5001, "9" * 19, "-1", "+3", " "]
)
def test_a_retry_after_that_is_not_a_short_ascii_number_or_a_date_counts_as_absent(
    value: str,
) -> None:
    assert parse_retry_after(value) is None


def test_retry_after_still_reads_seconds_and_dates() -> None:
    assert parse_retry_after(" 7 ") == 7.0
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_a_503_with_a_superscript_retry_after_is_retried_with_backoff(tmp_path: Path) -> None:
    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        if number == 0:
            busy = head("503 Service Unavailable", retry_after="\u00b2".encode().decode("latin-1"),
                        content_length=0)  # fmt: skip
            connection.sendall(busy)
        else:
            connection.sendall(head("200 OK", content_length=5) + b"hello")

    for number, run in enumerate((download, async_download)):
        with HostileServer(answer) as server, httpx.Client() as client:
            request = httpx.Request("GET", server.url)
            dest = tmp_path / f"o{number}"
            if run is download:
                download(client, request, dest, policy=_policy())
            else:
                asyncio.run(_async_fetch(request, dest))
        assert dest.read_bytes() == b"hello"


async def _async_fetch(request: httpx.Request, dest: Path) -> None:
    async with httpx.AsyncClient() as client:
        await async_download(client, request, dest, policy=_policy())


def _ipd_server(listing: bytes) -> Answer:
    """An IPD service: ``listing`` for the list, five bytes for any download."""

    def answer(connection: socket.socket, request: bytes, number: int) -> None:
        if b"/attachments/download/" in request.split(b"\r\n", 1)[0]:
            connection.sendall(head("200 OK", content_length=5) + b"hello")
        else:
            connection.sendall(_json_answer(listing))

    return answer


@pytest.mark.parametrize("file_size", ["\u00b2", "\u2460", "9" * 5001])
def test_download_all_reads_a_listed_size_that_is_not_a_short_ascii_number_as_unknown(
    file_size: str, tmp_path: Path
) -> None:
    listing = {"result": [{"id": IPD_ID, "store_filename": "a.txt", "file_size": file_size}]}
    with (
        HostileServer(_ipd_server(json.dumps(listing).encode())) as server,
        CodeArtsReq(endpoint=_base(server), credentials=Credentials("AK", "SK")) as req,
    ):
        result = req.ipd.download_all(IPD_PROJECT, IPD_ISSUE, tmp_path)
    [item] = result.items
    assert item.status == "downloaded", item
    assert (tmp_path / "a.txt").read_bytes() == b"hello"


# --- JSON documents: bounded in depth before they are parsed ----------------------------------


def _list_ipd(server: HostileServer) -> list[object]:
    """The outcome of ``ipd.list`` through the sync, then the async facade."""
    outcomes: list[object] = []
    credentials = Credentials("AK", "SK")
    with CodeArtsReq(endpoint=_base(server), credentials=credentials, max_retries=0) as req:
        try:
            outcomes.append(req.ipd.list(IPD_PROJECT, IPD_ISSUE))
        except Exception as exc:
            outcomes.append(exc)

    async def run() -> object:
        async with AsyncCodeArtsReq(
            endpoint=_base(server), credentials=credentials, max_retries=0
        ) as req:
            return await req.ipd.list(IPD_PROJECT, IPD_ISSUE)

    try:
        outcomes.append(asyncio.run(run()))
    except Exception as exc:
        outcomes.append(exc)
    return outcomes


@pytest.mark.parametrize(
    "body",
    [DEEP, b'{"result": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001],
    ids=["array", "object"],
)
def test_an_answer_nested_100000_deep_is_an_unexpected_response(body: bytes) -> None:
    with HostileServer(_always(_json_answer(body))) as server:
        outcomes = _list_ipd(server)
    for outcome in outcomes:
        assert isinstance(outcome, UnexpectedResponseError), repr(outcome)
        assert "deep" in outcome.problem


def test_an_error_answer_nested_100000_deep_is_still_the_service_error() -> None:
    with HostileServer(_always(_json_answer(DEEP, "400 Bad Request"))) as server:
        outcomes = _list_ipd(server)
    for outcome in outcomes:
        assert isinstance(outcome, APIError) and outcome.status == 400, repr(outcome)


def _login_outcomes(login_answer: bytes) -> list[BaseException]:
    """What a sync and an async session raise when the login is answered ``login_answer``."""
    raised: list[BaseException] = []
    with HostileServer(_always(login_answer)) as server:
        base = _base(server)
        session = WorldServerSession("u", "pw", endpoint=base)
        with httpx.Client() as client, pytest.raises(Exception) as caught:
            session.login(client)
        raised.append(caught.value)

        async def run() -> None:
            async with httpx.AsyncClient() as client:
                await AsyncWorldServerSession("u", "pw", endpoint=base).login(client)

        with pytest.raises(Exception) as caught:
            asyncio.run(run())
        raised.append(caught.value)
    return raised


@pytest.mark.parametrize(
    "body", [DEEP, b'{"sessionId": "s", "x": ' + DEEP + b"}"], ids=["document", "unknown-field"]
)
def test_a_login_answer_nested_100000_deep_is_refused_as_a_login_answer(body: bytes) -> None:
    for raised in _login_outcomes(_json_answer(body)):
        assert isinstance(raised, APIError), repr(raised)
        assert raised.error_code == "INVALID_LOGIN_RESPONSE"


@pytest.mark.parametrize("content", [b"[" * 16000, b'{"version": 1, "x": ' + b"[" * 16000])
def test_a_sidecar_nested_too_deep_is_not_a_usable_sidecar(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / ".a.bin.part.json"
    path.write_bytes(content)
    assert Sidecar.read(path) is None


def test_a_download_beside_a_sidecar_nested_too_deep_starts_over(tmp_path: Path) -> None:
    target = tmp_path / "a.bin"
    part_path(target).write_bytes(b"junk")
    sidecar_path(target).write_bytes(b"[" * 16000)
    with HostileServer(_always(head("200 OK", content_length=5) + b"hello")) as server:
        [first, second] = _sync_and_async_download(
            server.url, target, policy=_policy(), resume=True, overwrite=True
        )
    assert not isinstance(first, Exception) and not isinstance(second, Exception)
    assert target.read_bytes() == b"hello"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_clean_lists_a_partial_whose_sidecar_is_nested_too_deep_as_not_resumable(
    tmp_path: Path,
) -> None:
    target = tmp_path / "a.bin"
    part_path(target).write_bytes(b"junk")
    sidecar_path(target).write_bytes(b"[" * 16000)
    [partial] = list_partials(tmp_path)
    assert partial.path == part_path(target) and partial.size == 4
    assert not partial.resumable


# --- answer shapes: every field of every JSON answer has its documented type -----------------


def _schema(service: str, operation_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The spec and the JSON schema of the operation's 200 answer."""
    schema = answer_schema(service, operation_id, 200)
    assert schema is not None
    return load_spec(service), schema


def _types(schema: dict[str, Any]) -> list[str]:
    kinds: Any = schema.get("type")
    if kinds is None and "anyOf" in schema:
        return [kind for option in schema["anyOf"] for kind in _types(option)]
    return list(kinds) if isinstance(kinds, list) else [str(kinds)]


_SAMPLES: dict[str, Any] = {
    "string": "s",
    "integer": 7,
    "number": 1.5,
    "boolean": True,
    "null": None,
    "array": [],
    "object": {},
}


# A wrong value that would show if an error quoted it.
_WRONG = {"string": "SECRET-VALUE"}


def _full(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A document with every documented field, each of its first documented type."""
    schema = resolve_ref(spec, schema)
    if "anyOf" in schema:
        schema = next(resolve_ref(spec, s) for s in schema["anyOf"] if s.get("type") != "null")
    kind = _types(schema)[0]
    if kind == "object":
        return {name: _full(spec, sub) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_full(spec, schema["items"])]
    return _SAMPLES[kind]


def _wrong_fields(
    spec: dict[str, Any], schema: dict[str, Any], path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(path, a value of an undocumented type) for every field, nested ones included."""
    schema = resolve_ref(spec, schema)
    if "anyOf" in schema:
        options = [resolve_ref(spec, s) for s in schema["anyOf"]]
        schema = {**next(s for s in options if s.get("type") != "null"), "type": _types(schema)}
    allowed = set(_types(schema))
    if "integer" in allowed:
        allowed.add("number")  # 7 would be a number too; 1.5 is the wrong one
    wrong = next(k for k in ("object", "string", "boolean", "number") if k not in allowed)
    if path:
        yield (
            path,
            {"SECRET-KEY": "SECRET"} if wrong == "object" else _WRONG.get(wrong, _SAMPLES[wrong]),
        )
    if "object" in allowed:
        for name, sub in schema.get("properties", {}).items():
            yield from _wrong_fields(spec, sub, (*path, name))
    if "array" in allowed:
        yield from _wrong_fields(spec, schema["items"], (*path, 0))


def _set(document: Any, path: tuple[str | int, ...], value: Any) -> Any:
    changed = copy.deepcopy(document)
    place = changed
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = value
    return changed


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}" if text else step
    return text


JSON_OPERATIONS = [
    op for op in OPERATIONS if answer_schema(op.service, op.operation_id, 200) is not None
]
WRONG_FIELDS = [
    pytest.param(op, path, value, id=f"{op.operation_id}:{_dotted(path)}")
    for op in JSON_OPERATIONS
    for path, value in _wrong_fields(*_schema(op.service, op.operation_id))
]


def test_every_json_answer_of_every_operation_is_checked() -> None:
    assert {op.operation_id for op in JSON_OPERATIONS} == {
        "uploadScrumAttachment",
        "uploadIpdAttachment",
        "listIpdAttachments",
        "uploadAttachment",
        "uploadAttributeFile",
    }
    assert len(WRONG_FIELDS) > 40


@pytest.mark.parametrize("operation", JSON_OPERATIONS, ids=lambda op: op.operation_id)
def test_an_answer_with_every_documented_field_parses(operation: Operation[Any]) -> None:
    document = _full(*_schema(operation.service, operation.operation_id))
    parsed = operation.parse(httpx.Response(200, json=document))
    assert isinstance(parsed, operation.returns)


@pytest.mark.parametrize("operation, path, value", WRONG_FIELDS)
def test_a_field_of_an_undocumented_type_is_an_unexpected_response_naming_it(
    operation: Operation[Any], path: tuple[str | int, ...], value: Any
) -> None:
    document = _set(_full(*_schema(operation.service, operation.operation_id)), path, value)
    with pytest.raises(UnexpectedResponseError) as caught:
        operation.parse(httpx.Response(200, json=document))
    assert _dotted(path) in caught.value.problem
    assert "expected" in caught.value.problem
    assert "SECRET" not in str(caught.value)  # the answer's values are never quoted


@pytest.mark.parametrize("operation", JSON_OPERATIONS, ids=lambda op: op.operation_id)
@pytest.mark.parametrize("document", ["x", [], 5, None], ids=["string", "array", "number", "null"])
def test_an_answer_that_is_not_an_object_is_an_unexpected_response(
    operation: Operation[Any], document: Any
) -> None:
    with pytest.raises(UnexpectedResponseError):
        operation.parse(httpx.Response(200, json=document))


@pytest.mark.parametrize(
    "result, field", [("x", "result"), ([1, 2], "result[0]"), ([{}], "no 'id' field in result[0]")]
)
def test_an_ipd_list_whose_result_has_the_wrong_shape_is_refused_by_both_facades(
    result: Any, field: str
) -> None:
    body = json.dumps({"status": "success", "result": result}).encode()
    with HostileServer(_always(_json_answer(body))) as server:
        outcomes = _list_ipd(server)
    for outcome in outcomes:
        assert isinstance(outcome, UnexpectedResponseError), repr(outcome)
        assert field in outcome.problem


def test_the_cli_reports_an_ipd_list_of_the_wrong_shape_as_a_service_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AK")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "SK")
    body = json.dumps({"status": "success", "result": "x"}).encode()
    with HostileServer(_always(_json_answer(body))) as server:
        code = main(["--quiet", "codearts-req", "--endpoint", _base(server), "ipd", "list",
                     "--project-id", IPD_PROJECT, "--issue-id", IPD_ISSUE])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1, err
    assert "result" in err and "internal error" not in err


# --- the WorldServer session token: a usable header value, never printed ---------------------


@pytest.mark.parametrize(
    "token",
    ["t\u00f6ken-SECRET", "a\r\nX-Injected: SECRET", "SECRET\n", "SEC RET", "\tSECRET", "S" * 5000],
    ids=["non-ascii", "crlf", "lf", "space", "tab", "too-long"],
)
def test_a_session_id_that_is_not_a_usable_token_is_refused_without_echoing_it(
    token: str,
) -> None:
    answer = _json_answer(json.dumps({"sessionId": token}).encode())
    for raised in _login_outcomes(answer):
        assert isinstance(raised, APIError), repr(raised)
        assert raised.error_code == "INVALID_LOGIN_RESPONSE"
        assert "sessionId" in str(raised) and "token" in str(raised)
        assert "SECRET" not in str(raised) and "SSSS" not in str(raised)


def test_a_facade_refuses_a_session_id_that_is_not_a_usable_token(tmp_path: Path) -> None:
    answer = _json_answer(json.dumps({"sessionId": "a\r\nSECRET"}).encode())
    source = tmp_path / "a.txt"
    source.write_bytes(b"x")
    with HostileServer(_always(answer)) as server:
        with (
            WorldServer(_base(server), "u", "pw", max_retries=0) as ws,
            pytest.raises(APIError) as caught,
        ):
            ws.upload(1113, source)
        assert "SECRET" not in str(caught.value)

        async def run() -> None:
            async with AsyncWorldServer(_base(server), "u", "pw", max_retries=0) as ws:
                await ws.upload(1113, source)

        with pytest.raises(APIError) as caught:
            asyncio.run(run())
        assert "SECRET" not in str(caught.value)


def test_every_answer_schema_uses_only_keywords_the_shape_check_knows() -> None:
    def keywords(spec: dict[str, Any], schema: Any, seen: set[int]) -> Iterator[str]:
        if id(schema) in seen:
            return
        seen.add(id(schema))
        yield from schema
        target = resolve_ref(spec, schema)
        for sub in [*target.get("properties", {}).values(), *target.get("anyOf", [])]:
            yield from keywords(spec, sub, seen)
        if isinstance(target.get("items"), dict):
            yield from keywords(spec, target["items"], seen)
        if target is not schema:
            yield from keywords(spec, target, seen)

    used: set[str] = set()
    for service in SERVICES:
        spec = load_spec(service)
        for operation_id, (_method, _path, operation) in operations(service).items():
            for status in operation["responses"]:
                schema = answer_schema(service, operation_id, int(status))
                if schema is not None:
                    used |= set(keywords(spec, schema, set()))
    assert used >= {"type", "properties", "required", "items", "anyOf", "$ref"}
    assert used <= KEYWORDS | ANNOTATIONS, used - (KEYWORDS | ANNOTATIONS)


# --- the loader and the number parser themselves -----------------------------------------------


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"[" * 65 + b"]" * 65, "nested more than 64 deep"),
        (b'{"a": ' * 65 + b"1" + b"}" * 65, "nested more than 64 deep"),
        (b'"' + b"[" * 100, "nested more than 64 deep"),  # unclosed: its brackets count
        (b"NaN", "not JSON"),
        (b"[Infinity]", "not JSON"),
        (b"1" * 5000, "not JSON"),
        (b"\xff[]", "not UTF-8"),
        (b"[" + b"1," * 10 + b"1]", "larger than 20 bytes"),
    ],
)
def test_the_json_loader_refuses_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(UntrustedJSONError) as caught:
        load_json(raw, max_bytes=20 if b"," in raw else None)
    assert caught.value.reason == reason


def test_the_json_loader_reads_what_is_within_its_bounds() -> None:
    assert load_json(b"[" * 64 + b"]" * 64) is not None
    # Brackets and escaped quotes inside strings are text, not nesting.
    text = {"a": "[" * 1000 + '\\"{' * 1000}
    assert load_json(json.dumps(text).encode()) == text
    assert load_json(b"\xef\xbb\xbf{}") == {}  # a UTF-8 byte order mark is allowed


@pytest.mark.parametrize(
    "text, number",
    [("0", 0), ("42", 42), ("9" * 18, 10**18 - 1), ("9" * 19, None), ("", None), (None, None),
     (" 42", None), ("\u00b2", None), ("\u0661", None), ("-1", None), ("1.0", None),
     ("0x10", None)],
)  # fmt: skip
def test_a_number_from_outside_is_1_to_18_ascii_digits(
    text: str | None, number: int | None
) -> None:
    assert parse_number(text) == number
