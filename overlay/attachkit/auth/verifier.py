"""Checks APIG ``SDK-HMAC-SHA256`` signatures on received requests, as the gateway does.

The mock service calls ``Verifier.verify`` once per request with what it received: method, raw
path, raw query, headers and the body's hash (``payload_hash_of`` computes it, or says
``UNSIGNED-PAYLOAD`` without touching a streamed body). The canonical request comes from
``attachkit.auth.canonical``, the module the signer uses, so the two cannot drift apart.
"""

from __future__ import annotations

import enum
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from attachkit.auth import canonical as c

__all__ = [
    "RejectReason",
    "SignatureRejected",
    "SecretRecord",
    "VerifiedRequest",
    "Verifier",
    "payload_hash_of",
    "payload_is_unsigned",
]


class RejectReason(enum.Enum):
    """Why a request's signature was refused; ``error_code`` is what the gateway answers."""

    MISSING_AUTHORIZATION = "missing_authorization"
    MALFORMED_AUTHORIZATION = "malformed_authorization"
    UNKNOWN_AK = "unknown_ak"
    DATE_MISSING = "date_missing"
    DATE_MALFORMED = "date_malformed"
    DATE_NOT_SIGNED = "date_not_signed"
    DATE_EXPIRED = "date_expired"
    SIGNED_HEADER_ABSENT = "signed_header_absent"
    SECURITY_TOKEN_MISSING = "security_token_missing"
    SECURITY_TOKEN_INVALID = "security_token_invalid"
    SIGNATURE_MISMATCH = "signature_mismatch"

    @property
    def error_code(self) -> str:
        # The gateway reports a stale date as "signature expired" and every other failure as
        # "incorrect IAM authentication information".
        return "APIG.0303" if self is RejectReason.DATE_EXPIRED else "APIG.0301"

    @property
    def status(self) -> int:
        return 401


class SignatureRejected(Exception):
    """A request's signature was refused; the message never contains a secret or signature."""

    def __init__(self, reason: RejectReason, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(f"{reason.name}: {message}")

    @property
    def error_code(self) -> str:
        return self.reason.error_code

    @property
    def status(self) -> int:
        return self.reason.status


@dataclass(frozen=True, slots=True, repr=False)
class SecretRecord:
    """What the AK lookup knows about a key: its secret and, for temporary keys, the token."""

    sk: str
    security_token: str | None = None

    def __repr__(self) -> str:
        token = "'***'" if self.security_token is not None else "None"
        return f"SecretRecord(sk='***', security_token={token})"


@dataclass(frozen=True, slots=True)
class VerifiedRequest:
    """An accepted request: who signed it, when, and which headers the signature covers."""

    ak: str
    signed_headers: tuple[str, ...]
    sdk_date: datetime
    payload_unsigned: bool
    temporary: bool


SecretLookup = Callable[[str], "str | SecretRecord | None"]

_AUTHORIZATION = re.compile(
    r"SDK-HMAC-SHA256\s+Access=([^\s,]+),\s*SignedHeaders=([^\s,]+),\s*Signature=([0-9a-fA-F]+)\s*"
)
_HEADER_NAME = re.compile(r"[a-z0-9!#$%&'*+.^_`|~-]+")


def payload_is_unsigned(headers: Mapping[str, str] | c.HeaderPairs) -> bool:
    """Whether the client declared ``X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD``.

    A server can ask this before reading the body, so a streamed upload need not be buffered.
    """
    declared = c.normalise_headers(headers).get(b"x-sdk-content-sha256")
    return declared == c.UNSIGNED_PAYLOAD.encode("ascii")


def payload_hash_of(body: bytes | None, headers: Mapping[str, str] | c.HeaderPairs) -> str:
    """The PayloadHash of a received request: ``UNSIGNED-PAYLOAD`` or the body's SHA-256."""
    if payload_is_unsigned(headers):
        return c.UNSIGNED_PAYLOAD
    return c.payload_hash(body or b"")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Verifier:
    """Accepts a request signed with a known AK/SK, or raises ``SignatureRejected``.

    ``secret_for_ak`` maps an AK to its secret (a ``str``) or to a ``SecretRecord`` that also
    names the security token a temporary AK must present; ``None`` means unknown. ``clock``
    gives the current time (aware, or naive UTC); a date further than ``max_skew`` from it is
    refused as expired.
    """

    def __init__(
        self,
        secret_for_ak: SecretLookup,
        clock: Callable[[], datetime] = _utc_now,
        max_skew: timedelta = timedelta(minutes=15),
    ) -> None:
        self._secret_for_ak = secret_for_ak
        self._clock = clock
        self._max_skew = max_skew

    def verify(
        self,
        method: str,
        raw_path: str | bytes,
        query: str | bytes | Mapping[str, object] | Iterable[tuple[str, object]],
        headers: Mapping[str, str] | c.HeaderPairs,
        payload_hash: str,
    ) -> VerifiedRequest:
        """Check one request as received.

        ``raw_path`` is the path exactly as it came on the wire, still percent-encoded (ASGI's
        ``scope["raw_path"]``; a query after ``?`` is ignored); ``query`` is the raw query
        string (``scope["query_string"]``) or its decoded pairs;
        ``headers`` are all received headers (names in any case, ``str`` values as ASGI/WSGI
        decode them, or bytes); ``payload_hash`` comes from ``payload_hash_of``.
        """
        received = c.normalise_headers(headers)
        authorization = received.get(b"authorization")
        if authorization is None:
            raise SignatureRejected(
                RejectReason.MISSING_AUTHORIZATION, "the request has no Authorization header"
            )
        ak, signed_names, signature = self._parse_authorization(authorization)

        record = self._lookup(ak)

        if b"x-sdk-date" not in received:
            raise SignatureRejected(RejectReason.DATE_MISSING, "the X-Sdk-Date header is missing")
        if b"x-sdk-date" not in signed_names:
            raise SignatureRejected(
                RejectReason.DATE_NOT_SIGNED, "X-Sdk-Date is not among the signed headers"
            )
        if record.security_token is not None:
            self._check_security_token(record.security_token, received, signed_names)
        for name in signed_names:
            if name not in received:
                raise SignatureRejected(
                    RejectReason.SIGNED_HEADER_ABSENT,
                    f"signed header {name.decode('ascii')!r} is not in the request",
                )
        sdk_date_text = received[b"x-sdk-date"].decode("latin-1")
        sdk_date = self._check_date(sdk_date_text)

        expected = self._expected_signature(
            record.sk, method, raw_path, query, received, signed_names, payload_hash, sdk_date_text
        )
        if not hmac.compare_digest(expected, signature.lower()):
            raise SignatureRejected(
                RejectReason.SIGNATURE_MISMATCH,
                f"the signature does not match the request signed with AK {ak!r}",
            )
        return VerifiedRequest(
            ak=ak,
            signed_headers=tuple(name.decode("ascii") for name in signed_names),
            sdk_date=sdk_date,
            payload_unsigned=payload_hash == c.UNSIGNED_PAYLOAD,
            temporary=record.security_token is not None,
        )

    @staticmethod
    def _parse_authorization(value: bytes) -> tuple[str, list[bytes], str]:
        text = value.decode("latin-1")
        match = _AUTHORIZATION.fullmatch(text)
        if match is None:
            # The value is not echoed: a malformed header may still carry a real signature.
            raise SignatureRejected(
                RejectReason.MALFORMED_AUTHORIZATION,
                "Authorization is not 'SDK-HMAC-SHA256 Access=..., SignedHeaders=..., "
                "Signature=<64 hex digits>'",
            )
        ak, signed_text, signature = match.groups()
        names = signed_text.split(";")
        if len(signature) != 64 or not all(_HEADER_NAME.fullmatch(name) for name in names):
            raise SignatureRejected(
                RejectReason.MALFORMED_AUTHORIZATION,
                "Authorization has a malformed SignedHeaders list or Signature",
            )
        return ak, [name.encode("ascii") for name in names], signature

    def _lookup(self, ak: str) -> SecretRecord:
        found = self._secret_for_ak(ak)
        if found is None:
            raise SignatureRejected(RejectReason.UNKNOWN_AK, f"unknown AK {ak!r}")
        return SecretRecord(found) if isinstance(found, str) else found

    def _check_date(self, text: str) -> datetime:
        try:
            sdk_date = c.parse_sdk_date(text)
        except ValueError:
            raise SignatureRejected(
                RejectReason.DATE_MALFORMED, "X-Sdk-Date is not in the form YYYYMMDDTHHMMSSZ"
            ) from None
        now = self._clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        if abs(now - sdk_date) > self._max_skew:
            raise SignatureRejected(
                RejectReason.DATE_EXPIRED,
                f"X-Sdk-Date {text} is more than {self._max_skew} from the server's clock",
            )
        return sdk_date

    @staticmethod
    def _check_security_token(
        token: str, received: Mapping[bytes, bytes], signed_names: list[bytes]
    ) -> None:
        presented = received.get(b"x-security-token")
        if presented is None or b"x-security-token" not in signed_names:
            raise SignatureRejected(
                RejectReason.SECURITY_TOKEN_MISSING,
                "temporary credentials need a signed X-Security-Token header",
            )
        if not hmac.compare_digest(presented, token.encode("utf-8")):
            raise SignatureRejected(
                RejectReason.SECURITY_TOKEN_INVALID,
                "X-Security-Token does not belong to this AK",
            )

    @staticmethod
    def _expected_signature(
        sk: str,
        method: str,
        raw_path: str | bytes,
        query: str | bytes | Mapping[str, object] | Iterable[tuple[str, object]],
        received: Mapping[bytes, bytes],
        signed_names: list[bytes],
        payload_hash: str,
        sdk_date: str,
    ) -> str:
        path_text = c.wire_text(raw_path) if isinstance(raw_path, bytes) else raw_path
        path_text = path_text.partition("?")[0]
        if isinstance(query, bytes):
            canonical_query = c.canonical_query(c.wire_text(query))
        elif isinstance(query, str):
            canonical_query = c.canonical_query(query)
        else:
            canonical_query = c.canonical_query_from_pairs(query)
        request_bytes = c.canonical_request(
            method,
            c.canonical_uri(path_text),
            canonical_query,
            c.canonical_headers(received, signed_names),
            b";".join(signed_names).decode("ascii"),
            payload_hash,
        )
        return c.compute_signature(sk.encode("utf-8"), c.string_to_sign(sdk_date, request_bytes))
