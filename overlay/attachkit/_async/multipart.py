"""A ``MultipartFile`` produced chunk by chunk: the body stream httpx sends."""

from __future__ import annotations

from collections.abc import AsyncIterator

from attachkit._synchronization import async_read_chunk
from attachkit.transfer.localfiles import local_file_errors
from attachkit.transfer.multipart import MultipartFile

__all__ = ["AsyncBodyStream", "async_iter_body"]


class AsyncBodyStream:
    """A re-iterable byte stream of ``body``: each iteration starts from the first byte."""

    def __init__(self, body: MultipartFile) -> None:
        self._body = body

    def __aiter__(self) -> AsyncIterator[bytes]:
        return async_iter_body(self._body)


async def async_iter_body(body: MultipartFile) -> AsyncIterator[bytes]:
    body.begin()
    yield body.preamble
    done = 0
    if body.data is not None:
        while done < body.size:
            # One chunk is copied at a time (as slicing bytes always did), so the stream
            # yields plain bytes and the caller's buffer is never duplicated whole.
            chunk = bytes(body.data[done : done + body.want(done)])
            done = body.account(done, chunk)
            yield chunk
    elif body.from_chunks:
        async for chunk in body.async_chunks():
            done = body.account(done, chunk)
            yield chunk
    else:
        with body.open_source() as reader:
            while done < body.size:
                with local_file_errors(body.source_name):
                    chunk = await async_read_chunk(reader, body.want(done))
                if not chunk:
                    break
                done = body.account(done, chunk)
                yield chunk
    body.check_end(done)
    yield body.epilogue
