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

from attachkit.auth import canonical as c
from attachkit.credentials import Credentials

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
        # (raw name, lowercase name, value) as bytes, the form they are added in.
        self._extra_headers = tuple(
            (name.encode("ascii"), name.lower().encode("ascii"), value.encode("utf-8"))
            for name, value in extra
            if value is not None
        )
        self._date_cache: tuple[int, bytes] = (-1, b"")

    @property
    def credentials(self) -> Credentials:
        return self._credentials

    def __repr__(self) -> str:
        return f"AkSkAuth({self._credentials!r})"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        signable, payload_hash, declare_unsigned = self._inspect(request)
        if payload_hash is None:
            payload_hash = c.payload_hash(request.read())
        self._sign(request, signable, payload_hash, declare_unsigned)
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        signable, payload_hash, declare_unsigned = self._inspect(request)
        if payload_hash is None:
            payload_hash = c.payload_hash(await request.aread())
        self._sign(request, signable, payload_hash, declare_unsigned)
        yield request

    def sign(self, request: httpx.Request) -> httpx.Request:
        """Sign a built request in place (reading a streamed JSON body) and return it."""
        for signed in self.sync_auth_flow(request):
            return signed
        raise AssertionError("unreachable: the auth flow always yields the request")

    @staticmethod
    def _inspect(request: httpx.Request) -> tuple[_Inspected, str | None, bool]:
        """The signable headers (lowercase name to trimmed value), the PayloadHash line (None
        when a streamed JSON body must be read first), and whether to declare it unsigned.

        The headers are read once, as bytes: each httpx ``Headers`` lookup decodes and scans
        the whole list, which would cost more than the signature itself.
        """
        signable = _Inspected()
        unsignable = c.UNSIGNABLE_HEADERS
        for key, value in _lowercase_header_items(request.headers):
            if b"_" in key or key in unsignable:
                if key == b"authorization":
                    signable.had_authorization = True
                continue
            value = value.strip(b" \t")
            previous = signable.get(key)
            signable[key] = value if previous is None else previous + b"," + value

        declared = signable.get(b"x-sdk-content-sha256")
        if declared is not None:
            return signable, declared.decode("ascii"), False
        try:
            body: bytes | None = request.content
        except httpx.RequestNotRead:
            body = None
        content_type = signable.get(b"content-type")
        if content_type is not None and is_json_content_type(content_type.decode("latin-1")):
            return signable, None if body is None else c.payload_hash(body), False
        if body == b"":
            return signable, c.EMPTY_PAYLOAD_HASH, False
        return signable, c.UNSIGNED_PAYLOAD, True

    def _sdk_date(self) -> bytes:
        if self._clock is not None:
            return c.format_sdk_date(self._clock()).encode("ascii")
        now = int(time.time())
        second, text = self._date_cache
        if second != now:
            text = time.strftime(c.SDK_DATE_FORMAT, time.gmtime(now)).encode("ascii")
            # One tuple assignment, so a concurrent reader never sees a torn pair.
            self._date_cache = (now, text)
        return text

    def _sign(
        self,
        request: httpx.Request,
        signable: _Inspected,
        payload_hash: str,
        declare_unsigned: bool,
    ) -> None:
        additions: list[tuple[bytes, bytes, bytes]] = []
        if declare_unsigned:
            additions.append(_UNSIGNED_HEADER)
        for header in self._extra_headers:
            if header[1] not in signable:
                additions.append(header)
        sdk_date = signable.get(b"x-sdk-date")
        if sdk_date is None:
            sdk_date = self._sdk_date()
            additions.append((b"X-Sdk-Date", b"x-sdk-date", sdk_date))
        for _, lower, value in additions:
            signable[lower] = value

        url = request.url
        raw_path, _, raw_query = url.raw_path.partition(b"?")
        query_text = raw_query.decode("ascii")
        canonical_query = c.canonical_query(query_text)
        if canonical_query != query_text:
            request.url = url.copy_with(query=canonical_query.encode("ascii") or None)

        signature, signed_headers = _signature_parts(
            self._secret_key,
            request.method,
            raw_path.decode("ascii"),
            canonical_query,
            signable,
            payload_hash,
            sdk_date.decode("ascii"),
        )
        authorization = f"{self._authorization_prefix}{signed_headers}, Signature={signature}"
        if signable.had_authorization:
            del request.headers["authorization"]
        additions.append((b"Authorization", b"authorization", authorization.encode("ascii")))
        _add_headers(request, additions)


class _Inspected(dict[bytes, bytes]):
    """Signable headers, remembering whether an (unsignable) Authorization was there."""

    had_authorization = False


def _lowercase_header_items(headers: httpx.Headers) -> list[tuple[bytes, bytes]]:
    """(lowercase name, value) byte pairs of every header, read once through ``Headers.raw``."""
    return [(name.lower(), value) for name, value in headers.raw]


_UNSIGNED_HEADER = (b"X-Sdk-Content-Sha256", b"x-sdk-content-sha256", b"UNSIGNED-PAYLOAD")


def _add_headers(request: httpx.Request, additions: list[tuple[bytes, bytes, bytes]]) -> None:
    """Append headers known to be absent, as the exact bytes that were signed.

    A new ``httpx.Headers`` built from byte pairs keeps every value as it is; assigning text
    would make httpx encode it again (a UTF-8 value decoded as Latin-1 came back double-encoded,
    so ``X-Project-Id: proj-é`` went out differently from what was signed).
    """
    pairs = [*request.headers.raw, *((raw_name, value) for raw_name, _, value in additions)]
    request.headers = httpx.Headers(pairs)
