"""The APIG ``SDK-HMAC-SHA256`` canonical request, shared by the signer and the verifier.

Both halves call the functions here and nothing else to turn a request into the bytes that get
hashed, so a client and the mock service cannot disagree about what was signed.

Everything works from the request *as it travels on the wire*: the percent-encoded path, the
raw query string and the header bytes. The verifier sees exactly those, so it reproduces the
signer's canonical form without knowing how the client spelt the URL. The canonical request is
built as bytes because header values are bytes on the wire; hashing the bytes directly also
saves an encode per request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from hashlib import sha256
from hmac import digest as hmac_digest
from urllib.parse import quote_from_bytes, unquote_to_bytes

__all__ = [
    "ALGORITHM",
    "AUTHORIZATION_PREFIX",
    "EMPTY_PAYLOAD_HASH",
    "UNSIGNED_PAYLOAD",
    "SDK_DATE_FORMAT",
    "HEADER_AUTHORIZATION",
    "HEADER_SDK_DATE",
    "HEADER_CONTENT_SHA256",
    "HEADER_SECURITY_TOKEN",
    "HEADER_PROJECT_ID",
    "HEADER_DOMAIN_ID",
    "UNSIGNABLE_HEADERS",
    "HeaderPairs",
    "canonical_uri",
    "canonical_query",
    "canonical_query_from_pairs",
    "is_signable_header",
    "normalise_headers",
    "canonical_headers",
    "canonical_request",
    "string_to_sign",
    "compute_signature",
    "format_authorization",
    "format_sdk_date",
    "parse_sdk_date",
    "payload_hash",
    "wire_text",
]

ALGORITHM = "SDK-HMAC-SHA256"
AUTHORIZATION_PREFIX = ALGORITHM + " "
EMPTY_PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"

HEADER_AUTHORIZATION = "Authorization"
HEADER_SDK_DATE = "X-Sdk-Date"
HEADER_CONTENT_SHA256 = "X-Sdk-Content-Sha256"
HEADER_SECURITY_TOKEN = "X-Security-Token"
HEADER_PROJECT_ID = "X-Project-Id"
HEADER_DOMAIN_ID = "X-Domain-Id"

# Hop-by-hop headers (RFC 9110 section 7.6.1) are consumed or rewritten by the first proxy, so
# the gateway may never see the value we would sign; the Authorization header carries the
# signature and cannot sign itself.
UNSIGNABLE_HEADERS: frozenset[bytes] = frozenset(
    {
        b"authorization",
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)

HeaderPairs = Iterable[tuple[str | bytes, str | bytes]]

# Bytes that percent-encoding leaves alone; a path or query made only of these (plus its
# separators) is already canonical, which is the common case and worth a fast path.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9\-._~/]*")
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9\-._~=&]*")
_UNRESERVED = "~"  # quote() keeps ALPHA / DIGIT / "-._" by itself; RFC 3986 adds "~".


@lru_cache(maxsize=2048)
def canonical_uri(raw_path: str) -> str:
    """The CanonicalURI of a request path as sent on the wire (no query string).

    The path is percent-decoded once and split on ``/``, then every segment is percent-encoded
    per RFC 3986 and the result always ends in ``/``. This is what the official SDK and the
    gateway do; a consequence is that ``%2F`` inside a segment canonicalises like a real ``/``.
    Decoding to bytes (not text) keeps invalid UTF-8 distinct instead of folding it into U+FFFD.
    """
    if _PLAIN_PATH.fullmatch(raw_path):
        return raw_path if raw_path.endswith("/") else raw_path + "/"
    segments = unquote_to_bytes(raw_path).split(b"/")
    uri = "/".join([quote_from_bytes(segment, safe=_UNRESERVED) for segment in segments])
    return uri if uri.endswith("/") else uri + "/"


@lru_cache(maxsize=2048)
def canonical_query(raw_query: str) -> str:
    """The CanonicalQueryString of a query string as sent on the wire (without the ``?``).

    Each ``name=value`` is percent-decoded, re-encoded per RFC 3986 (space becomes ``%20``),
    and the pairs are sorted by decoded name then decoded value, as the official SDK sorts
    them. A ``+`` decodes to a space, as every server framework reads it and as httpx writes a
    space in ``params=``; a literal plus travels as ``%2B``. A piece without ``=`` is a name
    with an empty value. Canonicalising a canonical string returns it unchanged.
    """
    if not raw_query:
        return ""
    pairs_text = [piece.partition("=") for piece in raw_query.split("&") if piece]
    # A second "=" belongs to the value and must be encoded, so it leaves the fast path.
    if _PLAIN_QUERY.fullmatch(raw_query) and not any("=" in value for _, _, value in pairs_text):
        pairs_text.sort(key=_name_and_value)
        return "&".join([f"{name}={value}" for name, _, value in pairs_text])
    decoded = [
        (unquote_to_bytes(name.replace("+", " ")), unquote_to_bytes(value.replace("+", " ")))
        for name, _, value in pairs_text
    ]
    decoded.sort()
    return _encode_pairs(decoded)


def wire_text(raw: bytes) -> str:
    """A raw path or query received as bytes, as the ASCII text the functions here expect.

    HTTP clients percent-encode non-ASCII bytes, but a server may still receive some raw;
    encoding them here means the same thing and keeps both spellings on one canonical form.
    """
    if raw.isascii():
        return raw.decode("ascii")
    return quote_from_bytes(raw, safe=_ASCII_PRINTABLE)


_ASCII_PRINTABLE = "".join(chr(code) for code in range(0x21, 0x7F))


def _name_and_value(parts: tuple[str, str, str]) -> tuple[str, str]:
    return parts[0], parts[2]


def canonical_query_from_pairs(
    pairs: Mapping[str, object] | Iterable[tuple[str, object]],
) -> str:
    """The CanonicalQueryString of already decoded parameters.

    A value may be a list (one pair per element); booleans become ``true``/``false`` as the
    gateway expects; anything else is ``str()``-ed. The result equals ``canonical_query`` of
    the same parameters however they were encoded on the wire.
    """
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    flat: list[tuple[bytes, bytes]] = []
    for name, value in items:
        name_bytes = str(name).encode()
        values = value if isinstance(value, list | tuple) else (value,)
        for single in values:
            text = ("true" if single else "false") if isinstance(single, bool) else str(single)
            flat.append((name_bytes, text.encode()))
    flat.sort()
    return _encode_pairs(flat)


def _encode_pairs(sorted_pairs: list[tuple[bytes, bytes]]) -> str:
    return "&".join(
        [
            quote_from_bytes(name, safe=_UNRESERVED)
            + "="
            + quote_from_bytes(value, safe=_UNRESERVED)
            for name, value in sorted_pairs
        ]
    )


def is_signable_header(lower_name: bytes) -> bool:
    """Whether a header (name already lowercase) is signed: no ``_``, not hop-by-hop."""
    return b"_" not in lower_name and lower_name not in UNSIGNABLE_HEADERS


def _received_bytes(text: str | bytes) -> bytes:
    if isinstance(text, bytes):
        return text
    # ASGI and WSGI servers hand header bytes over decoded as Latin-1, which this undoes
    # exactly; text that cannot be Latin-1 came from a caller holding real Unicode.
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _sent_bytes(text: str | bytes) -> bytes:
    # A client's text goes on the wire as UTF-8, as the official SDK sends it.
    return text if isinstance(text, bytes) else text.encode("utf-8")


def normalise_headers(
    headers: Mapping[str, str] | HeaderPairs, *, received: bool = True
) -> dict[bytes, bytes]:
    """Header name (lowercase bytes) to value (bytes, trimmed, repeats joined with ``,``).

    Bytes are taken as they are. Text is read as a server decoded it (Latin-1) when
    ``received``, and as a client will encode it (UTF-8) otherwise.
    """
    to_bytes = _received_bytes if received else _sent_bytes
    items = headers.items() if isinstance(headers, Mapping) else headers
    result: dict[bytes, bytes] = {}
    for name, value in items:
        key = to_bytes(name).lower()
        trimmed = to_bytes(value).strip(b" \t")
        previous = result.get(key)
        result[key] = trimmed if previous is None else previous + b"," + trimmed
    return result


def canonical_headers(headers: Mapping[bytes, bytes], signed_names: Iterable[bytes]) -> bytes:
    """CanonicalHeaders: ``name:value\\n`` for each signed name, in the order given.

    Raises ``KeyError`` naming the first signed header that ``headers`` lacks.
    """
    return b"".join([name + b":" + headers[name] + b"\n" for name in signed_names])


def canonical_request(
    method: str,
    canonical_uri_text: str,
    canonical_query_text: str,
    canonical_headers_block: bytes,
    signed_headers: str,
    payload_hash_text: str,
) -> bytes:
    """The canonical request: the six parts joined by newlines (headers end in their own)."""
    return b"%s\n%s\n%s\n%s\n%s\n%s" % (
        method.upper().encode("ascii"),
        canonical_uri_text.encode("ascii"),
        canonical_query_text.encode("ascii"),
        canonical_headers_block,
        signed_headers.encode("ascii"),
        payload_hash_text.encode("ascii"),
    )


def string_to_sign(sdk_date: str, canonical_request_bytes: bytes) -> bytes:
    return b"%s\n%s\n%s" % (
        ALGORITHM.encode("ascii"),
        sdk_date.encode("ascii"),
        sha256(canonical_request_bytes).hexdigest().encode("ascii"),
    )


def compute_signature(secret_key: bytes, string_to_sign_bytes: bytes) -> str:
    """Hex HMAC-SHA256 of the string to sign under the secret key."""
    # hmac.digest is the one-shot C implementation: no Python HMAC object per request.
    return hmac_digest(secret_key, string_to_sign_bytes, "sha256").hex()


def format_authorization(access_key: str, signed_headers: str, signature: str) -> str:
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={signed_headers}, Signature={signature}"


def format_sdk_date(moment: datetime) -> str:
    """``YYYYMMDDTHHMMSSZ`` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(SDK_DATE_FORMAT)


# strptime costs tens of microseconds, a large share of verifying a request; a client signs
# many requests within one second, so the same value comes again and again. Only successful
# parses are cached (lru_cache never stores an exception), the datetime is immutable, and the
# cache is small: a stranger sending a new date each time pays strptime as before.
@lru_cache(maxsize=64)
def parse_sdk_date(text: str) -> datetime:
    """The aware UTC datetime of an ``X-Sdk-Date`` value; ``ValueError`` if malformed."""
    return datetime.strptime(text, SDK_DATE_FORMAT).replace(tzinfo=UTC)


def payload_hash(body: bytes) -> str:
    """Hex SHA-256 of a body, as the canonical request's last line."""
    return sha256(body).hexdigest() if body else EMPTY_PAYLOAD_HASH
