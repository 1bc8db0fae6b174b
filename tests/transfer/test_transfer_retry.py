"""Retry rules, backoff, Retry-After, and how failures become attachkit errors."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from attachkit._async.http_errors import async_raise_for_status
from attachkit._async.retry import async_send_with_retries
from attachkit._sync.http_errors import raise_for_status
from attachkit._sync.retry import send_with_retries
from attachkit.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TimeoutError,
    TransportError,
)
from attachkit.transfer import (
    ErrorInfo,
    RetryPolicy,
    api_error_from,
    coc_error_parser,
    huawei_error_parser,
    parse_retry_after,
    should_retry_exception,
    should_retry_status,
    text_error_parser,
    transport_error_from,
)

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after("Thu, 02 Jan 2025 03:04:35 GMT", now=NOW) == 30.0
    assert parse_retry_after("Thu, 02 Jan 2025 03:00:00 GMT", now=NOW) == 0.0  # in the past
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(max_retry_after=60.0, random=lambda: 0.0)

    def ask(value: str) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": value})

    assert policy.delay(0, ask("7")) == 7.0
    assert policy.delay(0, ask("3600")) == 60.0
    later = (datetime.now(UTC) + timedelta(hours=2)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert policy.delay(0, ask(later)) == 60.0
    assert policy.delay(0, httpx.Response(503)) == 0.0  # no header: jittered backoff


def test_backoff_is_full_jitter_exponential_and_capped() -> None:
    top = RetryPolicy(base_delay=0.5, max_delay=20.0, random=lambda: 0.999999)
    assert [round(top.backoff(n), 3) for n in range(8)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        8.0,
        16.0,
        20.0,
        20.0,
    ]
    assert top.backoff(10_000) <= 20.0
    bottom = RetryPolicy(random=lambda: 0.0)
    assert bottom.backoff(5) == 0.0


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_idempotent_requests_retry_on_busy_statuses(status: int) -> None:
    assert should_retry_status(status, idempotent=True, replayable=True)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 500, 501])
def test_other_statuses_are_final(status: int) -> None:
    assert not should_retry_status(status, idempotent=True, replayable=True)


def test_uploads_retry_only_when_the_server_cannot_have_stored_them() -> None:
    assert should_retry_status(429, idempotent=False, replayable=True)
    assert should_retry_status(503, idempotent=False, replayable=True)
    assert not should_retry_status(502, idempotent=False, replayable=True)
    assert not should_retry_status(504, idempotent=False, replayable=True)
    assert not should_retry_status(503, idempotent=False, replayable=False)
    request = httpx.Request("POST", "http://t")
    assert should_retry_exception(
        httpx.ConnectError("x", request=request), idempotent=False, replayable=True
    )
    assert should_retry_exception(httpx.ConnectTimeout("x"), idempotent=False, replayable=True)
    assert not should_retry_exception(httpx.ReadTimeout("x"), idempotent=False, replayable=True)
    assert not should_retry_exception(httpx.WriteError("x"), idempotent=False, replayable=True)
    assert not should_retry_exception(
        httpx.RemoteProtocolError("x"), idempotent=False, replayable=True
    )
    assert not should_retry_exception(httpx.ConnectError("x"), idempotent=False, replayable=False)


def test_gets_retry_on_any_transport_failure() -> None:
    for exc in (httpx.ConnectError("x"), httpx.ReadTimeout("x"), httpx.RemoteProtocolError("x")):
        assert should_retry_exception(exc, idempotent=True, replayable=True)
    assert not should_retry_exception(ValueError("x"), idempotent=True, replayable=True)


def test_failures_that_repeat_identically_are_never_retried() -> None:
    # An unsendable scheme or a request h11 refuses to write fails the same way every time.
    for exc in (httpx.UnsupportedProtocol("ftp:"), httpx.LocalProtocolError("bad header")):
        for idempotent in (True, False):
            assert not should_retry_exception(exc, idempotent=idempotent, replayable=True)
    # Its sibling from the far side may be a one-off (a proxy cut the answer short).
    assert should_retry_exception(httpx.RemoteProtocolError("x"), idempotent=True, replayable=True)


def test_a_get_to_an_unsupported_scheme_is_sent_once_and_reported() -> None:
    sleeps: list[float] = []
    policy = RetryPolicy(max_retries=3, sleep=sleeps.append)
    with httpx.Client() as client, pytest.raises(TransportError, match="UnsupportedProtocol"):
        send_with_retries(
            client, lambda: client.build_request("GET", "ftp://t/x"), policy, idempotent=True
        )
    assert sleeps == []  # no backoff spent on a failure that cannot change

    transport, calls = _scripted(*[httpx.LocalProtocolError("illegal header value")] * 4)
    with httpx.Client(transport=transport) as client, pytest.raises(TransportError):
        send_with_retries(
            client, lambda: client.build_request("DELETE", "http://t/x"), policy, idempotent=True
        )
    assert len(calls) == 1
    assert sleeps == []


def _scripted(
    *outcomes: httpx.Response | Exception,
) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A transport that answers with the given responses/exceptions in turn, counting calls."""
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return httpx.MockTransport(handler), calls


def test_send_with_retries_sleeps_as_told_then_returns_the_answer() -> None:
    transport, calls = _scripted(
        httpx.ConnectError("refused"),
        httpx.Response(503, headers={"Retry-After": "4"}),
        httpx.Response(200, text="ok"),
    )
    sleeps: list[float] = []
    policy = RetryPolicy(sleep=sleeps.append, random=lambda: 0.5, base_delay=1.0)
    with httpx.Client(transport=transport) as client:
        response = send_with_retries(
            client, lambda: client.build_request("GET", "http://t/x"), policy, idempotent=True
        )
    assert response.text == "ok"
    assert sleeps == [0.5, 4.0]
    assert len(calls) == 3


def test_send_with_retries_returns_the_last_error_response_when_budget_runs_out() -> None:
    transport, calls = _scripted(*[httpx.Response(502)] * 3)
    policy = RetryPolicy(max_retries=2, sleep=lambda s: None)
    with httpx.Client(transport=transport) as client:
        response = send_with_retries(
            client, lambda: client.build_request("DELETE", "http://t/x"), policy, idempotent=True
        )
    assert response.status_code == 502
    assert len(calls) == 3


def test_upload_not_retried_after_502_or_read_timeout() -> None:
    for outcome in (httpx.Response(502), httpx.ReadTimeout("slow")):
        transport, calls = _scripted(outcome, httpx.Response(201))
        with httpx.Client(transport=transport) as client:
            try:
                response = send_with_retries(
                    client,
                    lambda: client.build_request("POST", "http://t/u", content=b"x"),
                    RetryPolicy(sleep=lambda s: None),
                    idempotent=False,
                )
                assert response.status_code == 502
            except TimeoutError:
                pass
        assert len(calls) == 1


def test_async_send_with_retries_maps_exhausted_timeouts() -> None:
    transport, calls = _scripted(*[httpx.ReadTimeout("slow")] * 2)

    async def no_sleep(seconds: float) -> None:
        pass

    async def main() -> None:
        async with httpx.AsyncClient(transport=transport) as client:
            await async_send_with_retries(
                client,
                lambda: client.build_request("GET", "http://t/x"),
                RetryPolicy(max_retries=1, async_sleep=no_sleep),
                idempotent=True,
                operation="coc.download",
            )

    with pytest.raises(TimeoutError, match="coc.download: ReadTimeout"):
        asyncio.run(main())
    assert len(calls) == 2


def test_transport_errors_map_to_attachkit_classes() -> None:
    timeout = transport_error_from(httpx.ConnectTimeout("too slow"))
    assert isinstance(timeout, TimeoutError) and isinstance(timeout, TransportError)
    broken = transport_error_from(httpx.RemoteProtocolError("peer closed"))
    assert type(broken) is TransportError
    assert "peer closed" in str(broken)


# --- error bodies --------------------------------------------------------------------------


def test_huawei_error_body() -> None:
    body = b'{"error_code": "PM.02177002", "error_msg": "no such issue"}'
    err = api_error_from(
        404,
        httpx.Headers({"X-Request-Id": "abc"}),
        body,
        huawei_error_parser,
        service="codearts_req",
        operation="scrum.download",
    )
    assert isinstance(err, NotFoundError)
    assert (err.error_code, err.error_msg, err.request_id) == (
        "PM.02177002",
        "no such issue",
        "abc",
    )


def test_coc_error_body_with_numeric_provider_code() -> None:
    body = (
        b'{"provider_code": 4, "error_code": "COC.00040701", "error_msg": "doc not found", '
        b'"data": null}'
    )
    err = api_error_from(400, httpx.Headers(), body, coc_error_parser)
    assert isinstance(err, BadRequestError)
    assert (err.error_code, err.error_msg) == ("COC.00040701", "doc not found")
    only_provider = api_error_from(
        400, httpx.Headers(), b'{"provider_code": 4, "error_msg": "m"}', coc_error_parser
    )
    assert only_provider.error_code == "4"


def test_worldserver_plain_text_body() -> None:
    err = api_error_from(
        404, httpx.Headers(), b"Resource ATTRIBUTE_DEFINITION (7) not found\n", text_error_parser
    )
    assert err.error_msg == "Resource ATTRIBUTE_DEFINITION (7) not found"
    err = api_error_from(
        401,
        httpx.Headers(),
        b'{"errorCode": "BAD_CREDENTIALS", "message": "no"}',
        text_error_parser,
    )
    assert isinstance(err, AuthenticationError) and err.error_code == "BAD_CREDENTIALS"


def test_garbage_bodies_and_broken_parsers_still_give_the_status() -> None:
    err = api_error_from(503, httpx.Headers(), b"\xff\xfe<html>", huawei_error_parser)
    assert isinstance(err, ServerError) and err.status == 503

    def broken(status: int, headers: httpx.Headers, body: bytes) -> ErrorInfo:
        raise KeyError("oops")

    assert api_error_from(429, httpx.Headers(), b"slow down", broken).error_msg == "slow down"
    assert isinstance(api_error_from(429, httpx.Headers(), b"", broken), RateLimitedError)
    huge = api_error_from(500, httpx.Headers(), b"x" * 10_000_000, text_error_parser)
    assert len(huge.error_msg or "") <= 1000


def test_raise_for_status_sync_and_async() -> None:
    raise_for_status(httpx.Response(200), huawei_error_parser)
    with pytest.raises(APIError) as info:
        raise_for_status(
            httpx.Response(409, json={"error_code": "X", "error_msg": "y"}),
            huawei_error_parser,
            operation="op",
        )
    assert info.value.status == 409 and "op" in str(info.value)

    with pytest.raises(NotFoundError):
        asyncio.run(async_raise_for_status(httpx.Response(404, text="gone"), text_error_parser))


def _refused() -> httpx.ConnectError:
    """What httpx raises when nothing listens: a ConnectError caused by ConnectionRefusedError."""
    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except ConnectionRefusedError as cause:
            raise httpx.ConnectError("[Errno 111] Connection refused") from cause
    except httpx.ConnectError as error:
        return error


def test_a_refused_connection_is_retried_once_quickly_not_with_the_whole_budget() -> None:
    transport, calls = _scripted(*[_refused() for _ in range(5)])
    sleeps: list[float] = []
    policy = RetryPolicy(max_retries=4, sleep=sleeps.append, random=lambda: 1.0)
    with httpx.Client(transport=transport) as client, pytest.raises(TransportError):
        send_with_retries(
            client, lambda: client.build_request("GET", "http://t/x"), policy, idempotent=True
        )
    assert len(calls) == 2
    assert sleeps == [policy.refused_delay]
    assert policy.refused_delay <= 0.25


def test_a_refused_connection_then_a_listener_succeeds() -> None:
    transport, calls = _scripted(_refused(), httpx.Response(200, text="ok"))
    policy = RetryPolicy(sleep=lambda s: None)
    with httpx.Client(transport=transport) as client:
        response = send_with_retries(
            client, lambda: client.build_request("GET", "http://t/x"), policy, idempotent=True
        )
    assert response.text == "ok" and len(calls) == 2


def test_no_retry_for_a_refused_connection_when_the_budget_is_zero() -> None:
    transport, calls = _scripted(_refused())
    policy = RetryPolicy(max_retries=0, sleep=lambda s: None)
    with httpx.Client(transport=transport) as client, pytest.raises(TransportError):
        send_with_retries(
            client, lambda: client.build_request("GET", "http://t/x"), policy, idempotent=True
        )
    assert len(calls) == 1
