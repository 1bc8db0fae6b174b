"""``AkSkAuth``: signs httpx requests with the APIG ``SDK-HMAC-SHA256`` algorithm.

The same object signs requests of a sync ``httpx.Client`` and of an ``httpx.AsyncClient``. A
body is read only when it is JSON (the gateway needs its hash); any other body (multipart,
octet-stream, a generator) is sent with ``X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`` and is never
touched, so a streamed upload stays streamed.

``sign_request`` is the same computation as a pure function over the parts of a request.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from datetime import datetime
from typing import NamedTuple

import httpx

from attachkit.credentials import Credentials
from attachkit.signing import canonical as c

__all__ = ["AkSkAuth", "SignedRequest", "sign_request", "is_json_content_type"]


class SignedRequest(NamedTuple):
    """The result of signing: the ``Authorization`` value and what went into it."""

    authorization: str
    signature: str
    signed_headers: str


def is_json_content_type(content_type: str) -> bool:
    """Whether a Content-Type names a JSON (or BSON) body, whose hash the gateway checks."""
    media_type = content_type.partition(";")[0].strip().lower()
    return (
        media_type == "application/json"
        or media_type == "application/bson"
        or media_type.endswith("+json")
    )


def _signature_parts(
    secret_key: bytes,
    method: str,
    raw_path: str,
    raw_query: str,
    signable: Mapping[bytes, bytes],
    payload_hash: str,
    sdk_date: str,
) -> tuple[str, str]:
    """(signature, SignedHeaders) for a request whose signable headers are already chosen."""
    names = sorted(signable)
    request_bytes = c.canonical_request(
        method,
        c.canonical_uri(raw_path),
        c.canonical_query(raw_query),
        c.canonical_headers(signable, names),
        signed_headers := b";".join(names).decode("ascii"),
        payload_hash,
    )
    return c.compute_signature(secret_key, c.string_to_sign(sdk_date, request_bytes)), (
        signed_headers
    )


def sign_request(
    credentials: Credentials,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str] | c.HeaderPairs,
    payload_hash: str,
) -> SignedRequest:
    """Sign a request described by its wire form; pure, no I/O, no clock.

    ``raw_path`` is the percent-encoded path and ``raw_query`` the query string (no ``?``), as
    they will be sent. ``headers`` are all the headers that will be sent, including ``Host``
    and ``X-Sdk-Date`` (and ``X-Security-Token`` for temporary credentials); every one whose
    name has no ``_`` is signed, text values as their UTF-8 bytes. ``payload_hash`` is the
    body's hex SHA-256 or ``UNSIGNED-PAYLOAD``. Raises ``ValueError`` when ``Host`` or
    ``X-Sdk-Date`` is missing.
    """
    normalised = c.normalise_headers(headers, received=False)
    for required in (b"host", b"x-sdk-date"):
        if required not in normalised:
            raise ValueError(f"cannot sign: the {required.decode()} header is missing")
    signable = {name: value for name, value in normalised.items() if c.is_signable_header(name)}
    signature, signed_headers = _signature_parts(
        credentials.sk.encode("utf-8"),
        method,
        raw_path,
        raw_query,
        signable,
        payload_hash,
        normalised[b"x-sdk-date"].decode("ascii"),
    )
    return SignedRequest(
        c.format_authorization(credentials.ak, signed_headers, signature),
        signature,
        signed_headers,
    )


class AkSkAuth(httpx.Auth):
    """An ``httpx.Auth`` that adds the APIG AK/SK signature to every request.

    Adds ``X-Sdk-Date`` (unless the request already has one), ``X-Security-Token``,
    ``X-Project-Id`` and ``X-Domain-Id`` when the credentials carry them (an explicit request
    header wins), ``X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`` for non-JSON bodies, then
    ``Authorization``. The query string is rewritten into its canonical form when it is not
    already in it, as the official SDK does, so the gateway hashes exactly what was signed.

    ``clock`` (returning an aware or UTC-naive datetime) replaces the system clock, for tests.
    """

    def __init__(
        self, credentials: Credentials, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        if not isinstance(credentials, Credentials):
            raise TypeError("AkSkAuth needs an attachkit.Credentials")
        self._credentials = credentials
        self._clock = clock
        # Everything that does not change between requests is computed once here.
        self._secret_key = credentials.sk.encode("utf-8")
        self._authorization_prefix = f"{c.ALGORITHM} Access={credentials.ak}, SignedHeaders="
        extra = [
            (c.HEADER_SECURITY_TOKEN, credentials.security_token),
            (c.HEADER_PROJECT_ID, credentials.project_id),
            (c.HEADER_DOMAIN_ID, credentials.domain_id),
        ]
        self._extra_headers = tuple((name, value) for name, value in extra if value is not None)
        self._date_cache: tuple[int, str] = (-1, "")

    @property
    def credentials(self) -> Credentials:
        return self._credentials

    def __repr__(self) -> str:
        return f"AkSkAuth({self._credentials!r})"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        payload_hash = self._payload_hash(request)
        if payload_hash is None:
            payload_hash = c.payload_hash(request.read())
        self._sign(request, payload_hash)
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        payload_hash = self._payload_hash(request)
        if payload_hash is None:
            payload_hash = c.payload_hash(await request.aread())
        self._sign(request, payload_hash)
        yield request

    def sign(self, request: httpx.Request) -> httpx.Request:
        """Sign a built request in place (reading a streamed JSON body) and return it."""
        for signed in self.sync_auth_flow(request):
            return signed
        raise AssertionError("unreachable: the auth flow always yields the request")

    def _payload_hash(self, request: httpx.Request) -> str | None:
        """The PayloadHash line, or None when a streamed JSON body must be read first."""
        headers = request.headers
        declared = headers.get(c.HEADER_CONTENT_SHA256)
        if declared is not None:
            return declared.strip()
        content_type = headers.get("content-type")
        try:
            body: bytes | None = request.content
        except httpx.RequestNotRead:
            body = None
        if content_type is not None and is_json_content_type(content_type):
            return None if body is None else c.payload_hash(body)
        if body == b"":
            return c.EMPTY_PAYLOAD_HASH
        headers[c.HEADER_CONTENT_SHA256] = c.UNSIGNED_PAYLOAD
        return c.UNSIGNED_PAYLOAD

    def _sdk_date(self) -> str:
        if self._clock is not None:
            return c.format_sdk_date(self._clock())
        now = int(time.time())
        second, text = self._date_cache
        if second != now:
            text = time.strftime(c.SDK_DATE_FORMAT, time.gmtime(now))
            # One tuple assignment, so a concurrent reader never sees a torn pair.
            self._date_cache = (now, text)
        return text

    def _sign(self, request: httpx.Request, payload_hash: str) -> None:
        headers = request.headers
        for name, value in self._extra_headers:
            if name not in headers:
                headers[name] = value
        sdk_date = headers.get(c.HEADER_SDK_DATE)
        if sdk_date is None:
            sdk_date = self._sdk_date()
            headers[c.HEADER_SDK_DATE] = sdk_date

        url = request.url
        raw_path, _, raw_query = url.raw_path.partition(b"?")
        query_text = raw_query.decode("ascii")
        canonical_query = c.canonical_query(query_text)
        if canonical_query != query_text:
            request.url = url.copy_with(query=canonical_query.encode("ascii") or None)

        signable: dict[bytes, bytes] = {}
        unsignable = c.UNSIGNABLE_HEADERS
        for name, value in headers.raw:
            key = name.lower()
            if b"_" in key or key in unsignable:
                continue
            value = value.strip(b" \t")
            previous = signable.get(key)
            signable[key] = value if previous is None else previous + b"," + value

        signature, signed_headers = _signature_parts(
            self._secret_key,
            request.method,
            raw_path.decode("ascii"),
            canonical_query,
            signable,
            payload_hash,
            sdk_date,
        )
        headers[c.HEADER_AUTHORIZATION] = (
            f"{self._authorization_prefix}{signed_headers}, Signature={signature}"
        )
