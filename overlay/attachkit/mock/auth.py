"""Authentication as the real services do it: the APIG AK/SK gateway and WorldServer sessions."""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from attachkit.auth.verifier import (
    RejectReason,
    SecretRecord,
    SignatureRejected,
    Verifier,
)
from attachkit.mock.config import MockConfig

__all__ = ["AuthFailure", "AkSkGate", "WsSessions"]

_ACCESS = re.compile(r"Access=([^\s,]+)")

# The gateway's wording for the two codes (the spec's examples).
_MSG_0301 = "Incorrect IAM authentication information: verify aksk signature fail"
_MSG_0303 = "Incorrect app authentication information: signature expired"

# Stands in for a body's hash that precheck() cannot know yet: no SHA-256 hex looks like it.
_HASH_NOT_YET_KNOWN = "hash-not-yet-known"


@dataclass(frozen=True, slots=True)
class AuthFailure:
    """A refused request: the gateway's error code and message, and why (for logs and tests)."""

    error_code: str
    error_msg: str
    reason: str


class AkSkGate:
    """Verifies signatures with the shared verifier and locks an AK after repeated failures.

    With ``MockConfig.lockout`` on (off by default), five failures in a row lock the AK for
    five minutes (both configurable), as the gateway does; while locked even a correct
    signature is refused, with APIG.0301 and a message that says so. A success resets the
    count. Failures are counted per AK, including unknown ones.
    """

    def __init__(self, config: MockConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}
        self._verifier = Verifier(
            self._secret_for,
            max_skew=timedelta(seconds=config.max_clock_skew_seconds),
        )

    def _secret_for(self, ak: str) -> SecretRecord | None:
        account = self._config.accounts.get(ak)
        if account is None:
            return None
        return SecretRecord(account.sk, account.security_token)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._locked_until.clear()

    def precheck(
        self,
        method: str,
        raw_path: bytes,
        query_string: bytes,
        headers: list[tuple[bytes, bytes]],
    ) -> AuthFailure | None:
        """A failure that does not depend on the body, else None (``check`` decides later).

        For a body whose hash is signed: the AK, its lock-out, the date, the security token
        and the signed headers can all be judged before the body is read; only the signature
        itself needs the body's hash.
        """
        ak = self._claimed_ak(headers)
        now = self._clock()
        locked = self._lock_failure(ak, now)
        if locked is not None:
            return locked
        try:
            self._verifier.verify(method, raw_path, query_string, headers, _HASH_NOT_YET_KNOWN)
        except SignatureRejected as rejected:
            if rejected.reason is RejectReason.SIGNATURE_MISMATCH:
                return None  # expected: the hash was a placeholder
            return self._failure(rejected, ak, now)
        return None

    def check(
        self,
        method: str,
        raw_path: bytes,
        query_string: bytes,
        headers: list[tuple[bytes, bytes]],
        payload_hash: str,
    ) -> AuthFailure | None:
        """None when the request is accepted, else the failure to answer with 401."""
        ak = self._claimed_ak(headers)
        now = self._clock()
        locked = self._lock_failure(ak, now)
        if locked is not None:
            return locked
        try:
            self._verifier.verify(method, raw_path, query_string, headers, payload_hash)
        except SignatureRejected as rejected:
            return self._failure(rejected, ak, now)
        if ak is not None:
            with self._lock:
                self._failures.pop(ak, None)
        return None

    def _lock_failure(self, ak: str | None, now: float) -> AuthFailure | None:
        if ak is None:
            return None
        with self._lock:
            until = self._locked_until.get(ak)
            if until is not None and now >= until:
                del self._locked_until[ak]
                until = None
        if until is None:
            return None
        return AuthFailure(
            "APIG.0301",
            f"Incorrect IAM authentication information: the access key is locked for "
            f"{self._config.lockout_seconds:g} seconds after "
            f"{self._config.lockout_failures} failed authentication attempts",
            "locked",
        )

    def _failure(self, rejected: SignatureRejected, ak: str | None, now: float) -> AuthFailure:
        self._count_failure(ak, now)
        message = _MSG_0303 if rejected.reason is RejectReason.DATE_EXPIRED else _MSG_0301
        # The verifier's detail never holds a secret; it helps a user see what was wrong.
        return AuthFailure(
            rejected.error_code, f"{message} ({rejected.message})", rejected.reason.value
        )

    def _count_failure(self, ak: str | None, now: float) -> None:
        if ak is None or not self._config.lockout or self._config.lockout_failures <= 0:
            return
        with self._lock:
            if len(self._failures) > 10_000:  # a fuzzer inventing AKs must not grow this forever
                self._failures.clear()
            count = self._failures.get(ak, 0) + 1
            if count >= self._config.lockout_failures:
                self._locked_until[ak] = now + self._config.lockout_seconds
                self._failures.pop(ak, None)
            else:
                self._failures[ak] = count

    @staticmethod
    def _claimed_ak(headers: list[tuple[bytes, bytes]]) -> str | None:
        for name, value in headers:
            if name.lower() == b"authorization":
                match = _ACCESS.search(value.decode("latin-1"))
                return match.group(1) if match else None
        return None


@dataclass(slots=True)
class _Session:
    username: str
    expires_at: float


class WsSessions:
    """WorldServer session tokens: issued by login, expire after a sliding idle period."""

    def __init__(self, config: MockConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, _Session] = {}

    def login(self, username: str, password: str) -> str | None:
        expected = self._config.ws_users.get(username)
        # compare_digest on both paths keeps the timing of a wrong user and a wrong password alike.
        ok = hmac.compare_digest((expected or "\x00").encode(), password.encode())
        if expected is None or not ok:
            return None
        token = str(10**19 + secrets.randbelow(9 * 10**19))
        with self._lock:
            now = self._clock()
            # Expired sessions are dropped here rather than by a timer thread.
            for stale in [t for t, s in self._sessions.items() if s.expires_at <= now]:
                del self._sessions[stale]
            self._sessions[token] = _Session(username, now + self._config.ws_token_ttl_seconds)
        return token

    def check(self, token: str | None) -> str | None:
        """The user of a live token (its expiry slides forward), else None."""
        if not token:
            return None
        with self._lock:
            session = self._sessions.get(token)
            now = self._clock()
            if session is None:
                return None
            if session.expires_at <= now:
                del self._sessions[token]
                return None
            session.expires_at = now + self._config.ws_token_ttl_seconds
            return session.username

    def expire_all(self) -> None:
        with self._lock:
            self._sessions.clear()

    @staticmethod
    def token_of(query: Mapping[str, str], headers: Mapping[str, str]) -> str | None:
        return query.get("token") or headers.get("token")


def utc_now() -> datetime:
    return datetime.now(UTC)
