"""A JSON (or error) answer read whole, but never past a size cap, compressed or not.

An answer the client parses must be in memory, so it is capped: ``MAX_ANSWER_BYTES`` by default,
``max_answer_bytes=`` on a facade. A body in a content coding (gzip or deflate; the client asks
for no other) is inflated a bounded step at a time, so a gzip bomb stops at the cap instead of
filling memory. The readers that do the I/O are ``_async/answers.py`` and its generated twin.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

from attachkit.errors import IntegrityError, ResponseTooLargeError

__all__ = ["ANSWER_ACCEPT_ENCODING", "MAX_ANSWER_BYTES", "BoundedBody", "cap_answer"]

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


def cap_answer(response: httpx.Response, limit: int = MAX_ANSWER_BYTES) -> None:
    """Make ``response.read()`` stop with ``ResponseTooLargeError`` past ``limit`` bytes.

    For answers that httpx reads itself (inside an auth flow, where reading it another way
    leaves httpx a consumed stream): the body stream is wrapped so it counts what arrives. It
    counts bytes as sent, so an answer in a content coding (which the request did not ask for:
    send ``Accept-Encoding: identity``) is refused before anything is read.
    """
    coding = response.headers.get("content-encoding", "").strip().lower()
    if coding not in ("", "identity"):
        response.close()
        raise IntegrityError(f"the answer came in content coding {coding!r}, not asked for")
    response.stream = _CappedStream(response.stream, limit)


class _CappedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, stream: Any, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._size = 0

    def _count(self, chunk: bytes) -> bytes:
        self._size += len(chunk)
        if self._size > self._limit:
            raise ResponseTooLargeError(f"the answer is larger than max_answer_bytes={self._limit}")
        return chunk

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            yield self._count(chunk)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield self._count(chunk)

    def close(self) -> None:
        self._stream.close()

    async def aclose(self) -> None:
        await self._stream.aclose()
