# Generated from overlay/attachkit/_async/answers.py by scripts/unasync: do not edit.
"""Read an answer the client parses whole (JSON, an error body) within a size cap."""

from __future__ import annotations

import httpx

from attachkit.transfer.answers import MAX_ANSWER_BYTES, BoundedBody

__all__ = ["read_answer"]


def read_answer(
    response: httpx.Response, limit: int = MAX_ANSWER_BYTES, *, truncate: bool = False
) -> bytes:
    """The decoded body of a streamed ``response``, at most ``limit`` bytes of it.

    Raises ``ResponseTooLargeError`` past the limit (or, with ``truncate=True``, stops reading
    there), ``IntegrityError`` for a content coding that was not asked for or does not decode.
    """
    if response.is_stream_consumed:  # answered from memory (MockTransport): already decoded
        body = BoundedBody(None, limit, truncate=truncate)
        body.feed(response.content)
        return body.value()
    body = BoundedBody(response.headers.get("content-encoding"), limit, truncate=truncate)
    for raw in response.iter_raw():
        body.feed(raw)
        if body.full:
            break
    return body.value()
