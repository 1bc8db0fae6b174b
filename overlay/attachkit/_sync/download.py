# Generated from overlay/attachkit/_async/download.py by scripts/unasync: do not edit.
"""The download drivers: send, let ``ResumeState`` judge the answer, read, resume, sleep.

``download`` writes through a ``sinks.Writer``: a small body is hashed (when asked) and
written from the caller's thread or event loop (a page-cache write of a few KiB takes
microseconds, less than a thread hop), a large one from the download's worker thread; the final
commit runs off the event loop unless it is a small held body's without fsync.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import httpx

from attachkit._sync.http_errors import read_error_body
from attachkit._synchronization import run_blocking
from attachkit._transports import fast_read as _fast_read
from attachkit._transports.sending import RequestSender
from attachkit.options import DownloadOptions, StreamOptions
from attachkit.transfer import deadlines
from attachkit.transfer.http_errors import ErrorParser, api_error_from
from attachkit.transfer.resume import Attempts, ResumeState
from attachkit.transfer.retry import RetryPolicy, RetryState
from attachkit.transfer.sinks import Chunk, Writer, make_sink
from attachkit.transfer.types import Destination, DownloadResult, LowSpeedLimit, StreamInfo

__all__ = ["DownloadStream", "download", "stream"]


def _body(response: httpx.Response, held_chunks: int | None) -> Iterator[Chunk]:
    """The body as it arrives: raw bytes (``iter_raw``: never decoded, no re-chunking copies),
    read past h11 where ``_fast_read`` allows it, into reused buffers when the receiver keeps
    at most ``held_chunks`` of them (None: it may keep any, so every chunk is fresh bytes).
    Its pace is ``ResumeState``'s low-speed limit, not the one for answers read whole
    (``deadlines``)."""
    deadlines.paced_elsewhere(response)
    if response.is_stream_consumed:  # a transport that answered from memory (MockTransport)
        yield response.content
        return
    _fast_read.tune_read_size(response)
    direct = _fast_read.direct_reader(response)
    if direct is not None:
        ring = None
        if held_chunks is not None and direct.can_read_into:
            ring = _fast_read.Ring(held_chunks + 1)
        for chunk in _direct_body(direct, ring):
            yield chunk
        return
    for chunk in response.iter_raw():
        yield chunk


def _direct_body(direct: _fast_read.Direct, ring: _fast_read.Ring | None) -> Iterator[Chunk]:
    received = 0
    for data in direct.buffered():
        received += len(data)
        yield data
    while received < direct.length:
        chunk: Chunk
        with _fast_read.read_errors():
            if ring is None:
                wanted = min(direct.read_size, direct.length - received)
                chunk = direct.network.read(wanted, direct.timeout)
            else:
                buffer = ring.next()[: min(_fast_read.READ_SIZE, direct.length - received)]
                chunk = buffer[: direct.read_into(buffer)]
        if not chunk:
            raise _fast_read.short_body(received, direct.length)
        received += len(chunk)
        yield chunk


def _chunks(
    client: RequestSender,
    request: httpx.Request,
    state: ResumeState,
    retry: RetryState,
    parser: ErrorParser,
    service: str | None,
    held_chunks: int | None = None,
) -> Generator[Chunk, None]:
    attempts = Attempts(request)
    while True:
        try:
            response = client.send(attempts.next(state), stream=True)
        except httpx.TransportError as exc:
            retry.policy.sleep(retry.after_exception(exc))
            continue
        try:
            verdict = state.begin(response)
            if verdict == "error":
                wait = retry.after_status(response)
                if wait is None:
                    body = read_error_body(response)
                    raise api_error_from(
                        response.status_code,
                        response.headers,
                        body,
                        parser,
                        service=service,
                        operation=retry.operation,
                    )
            elif verdict == "retry":
                wait = retry.give_up()
            else:
                yield b""  # the head of a usable answer is in (see DownloadStream.start)
                try:
                    for raw in _body(response, held_chunks):
                        data = state.take(raw)
                        if data:
                            yield data
                except httpx.TransportError as exc:
                    if state.reached_new_bytes():
                        retry.made_progress()
                    wait = retry.after_exception(exc)
                else:
                    state.finish()
                    return
        finally:
            response.close()
        retry.policy.sleep(wait)


def download(
    client: RequestSender,
    request: httpx.Request,
    dest: Destination,
    options: DownloadOptions,
    *,
    error_parser: ErrorParser,
    policy: RetryPolicy | None = None,
    service: str | None = None,
    operation: str | None = None,
    fallback_filename: str = "download",
    low_speed: LowSpeedLimit | None = LowSpeedLimit(),  # noqa: B008 - frozen, shared safely
) -> DownloadResult:
    """Download ``request`` (a GET built by ``client.build_request``) into ``dest``.

    ``dest`` is a file path, a directory (existing, or a path ending in a separator, created
    only once a usable answer arrived; the name comes from ``Content-Disposition``, sanitised,
    else ``fallback_filename``) or a binary file object. ``error_parser`` is the service's
    (``huawei_error_parser``, ``coc_error_parser``, ``text_error_parser`` or your own).
    ``options`` (``attachkit.options.DownloadOptions``) says what to do with the file:
    ``durable`` fsyncs the file and its directory before returning (a file path only);
    ``checksum="sha256"`` fills ``DownloadResult.sha256``. A body in a content coding is kept
    as sent (``DownloadResult.content_encoding`` names it), never decoded. ``max_bytes`` ends a
    download that announces or sends more (``ResponseTooLargeError``); ``low_speed`` one that
    stays slower than its rate for its time (``TimeoutError``; None turns that off). Raises
    ``DestinationExistsError``, ``APIError`` subclasses, ``TransportError``/``TimeoutError``
    after the retry budget, ``IntegrityError`` on a size mismatch, or ``LocalFileError``; no
    partial file is left behind, unless ``resume``: then a failed or killed download keeps
    ``.NAME.part`` and a sidecar (``partials``), and the next call with ``resume`` asks for
    the rest only (``Range`` + ``If-Range``), or starts over when the server's file changed.
    """
    sink = Writer(
        make_sink(dest, options.overwrite, fallback_filename, options.durable, options.resume),
        options.checksum,
    )
    state = ResumeState(sink, options.progress, max_bytes=options.byte_limit, low_speed=low_speed)
    retry = RetryState(policy or RetryPolicy(), idempotent=True, operation=operation)
    state.queued()
    try:
        # A kept part is reopened (and, with a checksum, read whole) off the event loop; without
        # ``resume`` there is none to look for, and no thread hop (about 0.1 ms of CPU) for it.
        if options.resume:
            kept = run_blocking(lambda: sink.resume_kept(str(request.url)))
            if kept is not None:
                state.continue_from(*kept)
        chunks = _chunks(client, request, state, retry, error_parser, service, sink.held_chunks)
        try:
            for chunk in chunks:
                if chunk:
                    sink.write(chunk)
        finally:
            chunks.close()
        # A held small body is written and renamed in place (``Writer.brief_commit``: cheaper
        # than a thread hop); a large one's last writes, an fsync, off the event loop.
        path = sink.commit() if sink.brief_commit else run_blocking(sink.commit)
    except BaseException as error:
        sink.discard()
        state.done(error)
        raise
    state.done(None)
    return state.result(path, sink.sha256)


def stream(
    client: RequestSender,
    request: httpx.Request,
    options: StreamOptions = StreamOptions(),  # noqa: B008 - frozen, shared safely
    *,
    error_parser: ErrorParser,
    policy: RetryPolicy | None = None,
    service: str | None = None,
    operation: str | None = None,
    low_speed: LowSpeedLimit | None = LowSpeedLimit(),  # noqa: B008 - frozen, shared safely
) -> DownloadStream:
    """The body of ``request`` as chunks of bytes, resumed across dropped connections.

    Bytes already yielded cannot be taken back, so a resume that finds the file changed raises
    ``IntegrityError``. ``options.max_bytes`` and ``low_speed`` as for ``download``; the bytes
    are never decoded. Nothing is sent until the stream is started or iterated.
    """
    state = ResumeState(None, options.progress, max_bytes=options.byte_limit, low_speed=low_speed)
    retry = RetryState(policy or RetryPolicy(), idempotent=True, operation=operation)
    return DownloadStream(_chunks(client, request, state, retry, error_parser, service), state)


class DownloadStream:
    """One download's bytes as they arrive, with what its answer said of them.

    Iterate it for the bytes (``for chunk in stream``). ``stream.start()`` sends
    the request and waits for the answer's head only: it returns the ``StreamInfo`` (the name
    the answer proposes, the size, the validators) before a byte of the body is read, so a
    caller can refuse what it would not store, as openai-python's streaming responses hand back
    the headers with the body. Close it (``close()``, or ``with``) when stopping early.
    """

    def __init__(self, chunks: Generator[Chunk, None], state: ResumeState) -> None:
        self._chunks = chunks
        self._state = state
        self._info: StreamInfo | None = None

    @property
    def info(self) -> StreamInfo | None:
        """What the answer said of the bytes; None until the stream has started."""
        return self._info

    def start(self) -> StreamInfo:
        """Send the request (if not sent yet) and return what the answer said of its bytes."""
        if self._info is None:
            self._state.queued()
            marker = next(self._chunks, None)
            if marker is None:  # only an answer the state judged usable ends this wait
                raise RuntimeError("the download stream ended before an answer came")
            self._info = self._state.info()
        return self._info

    def __iter__(self) -> DownloadStream:
        return self

    def __next__(self) -> bytes:
        if self._info is None:
            self.start()
        try:
            while True:
                chunk = next(self._chunks)
                if chunk:
                    # Never a reused buffer here (no ``held_chunks``): the caller keeps it.
                    return chunk if isinstance(chunk, bytes) else bytes(chunk)
        except StopIteration:
            self._state.done(None)
            raise
        except BaseException as error:
            self._state.done(error)
            raise

    def close(self) -> None:
        self._chunks.close()

    def __enter__(self) -> DownloadStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
