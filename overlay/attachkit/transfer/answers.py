"""A JSON (or error) answer read whole, but never past a size cap, compressed or not.

An answer the client parses must be in memory, so it is capped: ``MAX_ANSWER_BYTES`` by default,
``max_answer_bytes=`` on a facade. A body in a content coding (gzip or deflate; the client asks
for no other) is inflated a bounded step at a time, so a gzip bomb stops at the cap instead of
filling memory. The readers that do the I/O are ``_async/answers.py`` and its generated twin.
"""

from __future__ import annotations

import zlib

from attachkit.errors import IntegrityError, ResponseTooLargeError

__all__ = ["ANSWER_ACCEPT_ENCODING", "MAX_ANSWER_BYTES", "BoundedBody"]

MAX_ANSWER_BYTES = 4 * 1024 * 1024
# What the client accepts for answers it reads whole: only codings it can inflate in bounded
# steps (httpx would also offer br and zstd when their packages are installed).
ANSWER_ACCEPT_ENCODING = "gzip, deflate"


class BoundedBody:
    """Collects a body decoded from its ``Content-Encoding``, up to ``limit`` bytes.

    Past the limit it raises ``ResponseTooLargeError``, or with ``truncate=True`` keeps the first
    ``limit`` bytes and ignores the rest (for error bodies, where the status is what matters).
    """

    def __init__(self, content_encoding: str | None, limit: int, *, truncate: bool = False):
        coding = (content_encoding or "").strip().lower()
        self._inflater: zlib._Decompress | None
        if coding in ("", "identity"):
            self._inflater = None
        elif coding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._inflater = zlib.decompressobj()
        else:
            raise IntegrityError(f"the answer came in content coding {coding!r}, not asked for")
        self.limit = limit
        self.truncate = truncate
        self.full = False
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, raw: bytes) -> None:
        """Add bytes as received (still encoded)."""
        if self.full:
            return
        if self._inflater is None:
            self._add(raw)
            return
        data = raw
        try:
            while data and not self.full:
                # At most one byte past the room left: enough to know the cap is broken.
                self._add(self._inflater.decompress(data, self.limit - self._size + 1))
                data = self._inflater.unconsumed_tail
        except zlib.error as exc:
            raise IntegrityError(f"the answer's content coding does not decode: {exc}") from None

    def _add(self, data: bytes) -> None:
        if self._size + len(data) > self.limit:
            if not self.truncate:
                raise ResponseTooLargeError(
                    f"the answer is larger than max_answer_bytes={self.limit}"
                )
            data = data[: self.limit - self._size]
            self.full = True
        self._parts.append(data)
        self._size += len(data)

    def value(self) -> bytes:
        return b"".join(self._parts)
