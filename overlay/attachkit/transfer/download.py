"""Streaming downloads that resume, verify and land atomically.

Bytes go straight from the socket to a hidden temporary file beside the target, and the file is
renamed into place only when the byte count matches what the server promised, so a crashed
process never leaves a half file under the final name. Like curl, wget and pip, the data is left
in the page cache: ``durable=True`` fsyncs the file and its directory before the rename returns
(what survives a power loss or a kernel crash, not only a crash of this process), and
``checksum="sha256"`` hashes the bytes on the way (``DownloadResult.sha256``; None otherwise).

A dropped connection resumes with ``Range``/``If-Range`` inside the retry budget; a server that
ignores the range or whose file changed makes the download start over. Whatever fails, the
temporary file is removed and an existing file is never replaced unless ``overwrite=True``.

Throughput: httpcore reads the socket 64 KiB at a time, and each read costs a trip through h11
and httpx in Python; for a local or fast link that overhead, not the network, sets the pace
(measured: 512 MiB took 1.65 s CPU at 64 KiB per read, 0.64 s at 1 MiB). So once a download's
response has arrived, its connection is told to read 1 MiB at a time, and the body is taken
with ``iter_raw`` (no decoding, no re-chunking copies) and written as it comes. A large body
(over 4 MiB) goes further: it is read from the connection's network stream past h11 (see
``_DIRECT_BYTES``), and hashed and written by one worker thread a few chunks behind the
receive loop (see ``_Writer``). Measured on 256 MiB from the mock (2 vCPUs shared with it):
reading past h11 took the client from about 2.1 to 1.5 s of CPU per GiB, and the worker then
added 5% (sync) and 12% (async) to the throughput for about 5% more CPU. What remains is
SHA-256 (about 0.7 s/GiB) and the kernel's copies.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import re
import secrets
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Literal, NamedTuple

import anyio.to_thread
import attrs
import h11
import httpcore
import httpx

from attachkit.errors import DestinationExistsError, IntegrityError

from .filenames import filename_from_content_disposition, sanitize_filename
from .http_errors import (
    ErrorParser,
    api_error_from,
    async_read_error_body,
    huawei_error_parser,
    read_error_body,
)
from .multipart import Progress
from .retry import RetryPolicy, RetryState

__all__ = [
    "DOWNLOAD_READ_SIZE",
    "Checksum",
    "Destination",
    "DownloadResult",
    "async_download",
    "async_stream",
    "download",
    "stream",
]

DOWNLOAD_READ_SIZE = 1024 * 1024
# The switch for the A/B of scripts/bench-read-path: False reads every body through httpx's
# public iter_raw and leaves the connection's read size alone.
PRIVATE_READ_PATH = True
_EARLY_SYNC_BYTES = 64 * 1024 * 1024
# A worker thread costs about 0.1 ms to start and join; hashing 4 MiB takes about 3 ms.
_BACKGROUND_BYTES = 4 * 1024 * 1024
_QUEUED_CHUNKS = 3  # how far (in received chunks) the worker may fall behind the socket
_new_hash = hashlib.sha256
Destination = str | os.PathLike[str] | BinaryIO
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.I)
_Verdict = Literal["ok", "retry", "error"]
Checksum = Literal["sha256"]
"""The digests a download can compute on the way; no service publishes one to compare with."""


@attrs.frozen
class DownloadResult:
    """What a finished download produced."""

    path: Path | None  # None when the destination was a file object
    size: int
    sha256: str | None  # only with checksum="sha256"
    content_type: str | None = None
    etag: str | None = None


# --- where the bytes go ------------------------------------------------------------------------


class _FileSink:
    """A hidden temporary file beside the target, renamed into place on success."""

    def __init__(self, dest: str | os.PathLike[str], overwrite: bool, fallback: str, fsync: bool):
        self.overwrite = overwrite
        self.fsync = fsync
        self.fallback = sanitize_filename(fallback, "download")
        path = Path(dest)
        wants_dir = str(dest).endswith(("/", os.sep))
        # A directory named with a trailing separator that does not exist yet is created in
        # open(), once a usable response arrived: a refused download (404, 401, no network)
        # must not leave empty directories behind.
        self._make_directory = wants_dir and not path.exists()
        if self._make_directory or path.is_dir():
            self.directory = path
            self.target: Path | None = None
        else:
            if not path.parent.is_dir():
                raise FileNotFoundError(f"directory {path.parent} does not exist")
            self._check_free(path)
            self.directory = path.parent
            self.target = path
        self.temp: Path | None = None
        self._file: BinaryIO | None = None
        self._unsynced = 0
        self._flusher: threading.Thread | None = None

    restartable = True

    def _check_free(self, path: Path) -> None:
        if not self.overwrite and os.path.lexists(path):
            raise DestinationExistsError(f"{path} exists; pass overwrite=True to replace it")

    def open(self, response: httpx.Response) -> None:
        if self._file is not None:
            return
        if self._make_directory:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._make_directory = False
        if self.target is None:
            proposed = filename_from_content_disposition(
                response.headers.get("content-disposition")
            )
            self.target = self.directory / sanitize_filename(proposed, self.fallback)
            self._check_free(self.target)
        # Same directory, so the final rename never crosses a filesystem; hidden and random,
        # so it neither shows up as a real file nor collides with a parallel download.
        stem = self.target.name[:64]
        self.temp = self.directory / f".{stem}.{secrets.token_hex(6)}.part"
        self._file = open(self.temp, "xb", buffering=0)  # noqa: SIM115 - closed in commit/discard

    def write(self, chunk: bytes) -> None:
        assert self._file is not None
        written = self._file.write(chunk)
        if written is not None and written != len(chunk):
            view = memoryview(chunk)[written:]
            while view:
                view = view[self._file.write(view) or 0 :]
        if self.fsync:
            self._unsynced += len(chunk)
            if self._unsynced >= _EARLY_SYNC_BYTES:
                self._sync_in_background()

    def _sync_in_background(self) -> None:
        # One fsync at the end of a 1 GiB download waits seconds for the disk; flushing every
        # 64 MiB from a helper thread overlaps that disk work with the network transfer, so the
        # final fsync only has the tail left to write.
        if self._flusher is not None and self._flusher.is_alive():
            return
        assert self._file is not None
        self._unsynced = 0
        fd = self._file.fileno()
        self._flusher = threading.Thread(target=_quiet_fdatasync, args=(fd,), daemon=True)
        self._flusher.start()

    def _join_flusher(self) -> None:
        if self._flusher is not None:
            self._flusher.join()
            self._flusher = None

    def restart(self) -> bool:
        assert self._file is not None
        self._file.seek(0)
        self._file.truncate()
        return True

    def commit(self) -> Path:
        assert self._file is not None and self.temp is not None and self.target is not None
        self._join_flusher()
        if self.fsync:
            os.fsync(self._file.fileno())
        self._file.close()
        if self.overwrite:
            os.replace(self.temp, self.target)
        else:
            try:
                # link() fails if the target appeared meanwhile, where rename() would replace it.
                os.link(self.temp, self.target)
            except FileExistsError:
                raise DestinationExistsError(
                    f"{self.target} appeared during the download; pass overwrite=True to replace it"
                ) from None
            except OSError:
                # No hard links here (some network or FAT filesystems): check, then rename.
                self._check_free(self.target)
                os.rename(self.temp, self.target)
            else:
                os.unlink(self.temp)
        self.temp = None
        if self.fsync:
            _fsync_directory(self.directory)
        return self.target

    def discard(self) -> None:
        self._join_flusher()  # never close the descriptor under a running fdatasync
        if self._file is not None and not self._file.closed:
            self._file.close()
        if self.temp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.temp)
            self.temp = None


class _FileObjectSink:
    """The caller's binary file object; restartable only if it can seek back."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        try:
            self.start: int | None = file.tell() if file.seekable() else None
        except (AttributeError, OSError, ValueError):
            self.start = None

    @property
    def restartable(self) -> bool:
        return self.start is not None

    def open(self, response: httpx.Response) -> None:
        pass

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)

    def restart(self) -> bool:
        if self.start is None:
            return False
        self.file.seek(self.start)
        self.file.truncate()
        return True

    def commit(self) -> None:
        self.file.flush()

    def discard(self) -> None:
        pass


_Sink = _FileSink | _FileObjectSink


def _make_sink(dest: Destination, overwrite: bool, fallback: str, fsync: bool) -> _Sink:
    if hasattr(dest, "write"):
        return _FileObjectSink(dest)  # type: ignore[arg-type]
    return _FileSink(dest, overwrite, fallback, fsync)


class _Writer:
    """Hashes a download's bytes and writes them to its sink: inline, or from a worker thread.

    A large body (over ``_BACKGROUND_BYTES``) gets one worker thread, fed through a queue of a
    few chunks: SHA-256 and the file write both release the GIL on large buffers, so they run
    while the caller's thread receives the next chunk. A small body is done inline, where a
    thread would cost more than it saves. Either way the same bytes are hashed and written in
    the same order, and a failure of the worker (a full disk, say) is raised in the caller at
    its next ``write``, ``restart`` or ``commit``, from where the usual cleanup removes the
    temporary file. Under asyncio a full queue blocks the event loop while the worker catches
    up, which is no longer than the inline hash and write that it replaces would have.
    """

    def __init__(self, sink: _Sink, checksum: Checksum | None) -> None:
        if checksum not in (None, "sha256"):
            raise ValueError(f"checksum must be None or 'sha256', not {checksum!r}")
        self.sink = sink
        self._hasher = _new_hash() if checksum else None
        self._queue: queue.Queue[bytes | None] | None = None
        self._worker: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._abandoned = False

    @property
    def restartable(self) -> bool:
        return self.sink.restartable

    @property
    def sha256(self) -> str | None:
        return None if self._hasher is None else self._hasher.hexdigest()

    def open(self, response: httpx.Response, total: int | None) -> None:
        self.sink.open(response)
        if self._worker is None and total is not None and total > _BACKGROUND_BYTES:
            self._queue = queue.Queue(_QUEUED_CHUNKS)
            self._worker = threading.Thread(
                target=self._work, args=(self._queue,), name="attachkit-download", daemon=True
            )
            self._worker.start()

    def write(self, chunk: bytes) -> None:
        if self._queue is None:
            self._consume(chunk)
        else:
            self._raise_failure()
            self._queue.put(chunk)

    def _consume(self, chunk: bytes) -> None:
        if self._hasher is not None:
            self._hasher.update(chunk)
        self.sink.write(chunk)

    def _work(self, chunks: queue.Queue[bytes | None]) -> None:
        while True:
            chunk = chunks.get()
            try:
                if chunk is None:
                    return
                if self._failure is None and not self._abandoned:
                    self._consume(chunk)
            except BaseException as exc:  # handed to the caller's thread
                self._failure = exc
            finally:
                chunks.task_done()

    def _drain(self) -> None:
        """Wait until the worker has consumed everything queued; raise its failure if any."""
        if self._queue is not None:
            self._queue.join()
        self._raise_failure()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _stop(self) -> None:
        if self._worker is not None and self._queue is not None:
            self._queue.put(None)
            self._worker.join()
        self._worker = None
        self._queue = None

    def restart(self) -> bool:
        self._drain()  # the worker is idle from here on: the file is the caller's to rewind
        if not self.sink.restart():
            return False
        if self._hasher is not None:
            self._hasher = _new_hash()
        return True

    def commit(self) -> Path | None:
        self._drain()
        self._stop()
        return self.sink.commit()

    def discard(self) -> None:
        self._abandoned = True  # the worker skips what is still queued
        self._stop()  # and is gone before the file is closed and removed
        self.sink.discard()


def _quiet_fdatasync(fd: int) -> None:
    # Only an early start on the final fsync, whose own errors are the ones reported.
    with contextlib.suppress(OSError):
        getattr(os, "fdatasync", os.fsync)(fd)  # macOS has no fdatasync


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, so best effort.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- the protocol logic, shared by the sync and async drivers ---------------------------------


class _Transfer:
    """Offsets, validators and progress of one download across its attempts."""

    def __init__(self, sink: _Writer | None, progress: Progress | None) -> None:
        self.sink = sink
        self.progress = progress
        self.offset = 0  # bytes handed on (written or yielded) so far
        # The furthest offset any attempt reached: a resume that starts over and receives the
        # same prefix again has not made progress, only bytes beyond this have.
        self.furthest = 0
        self.skip = 0  # bytes of the current body to drop (a re-sent prefix we already have)
        self.total: int | None = None
        self.validator: str | None = None
        self.etag: str | None = None
        self.content_type: str | None = None
        self.decoded = False

    def request_headers(self) -> dict[str, str]:
        # Raw bytes only: a compressed body would defeat Range, the size check and the hash.
        headers = {"Accept-Encoding": "identity"}
        if self.offset > 0 and not self.decoded:
            headers["Range"] = f"bytes={self.offset}-"
            if self.validator is not None:
                headers["If-Range"] = self.validator
        return headers

    def _start_over(self) -> None:
        """Forget what was received: the next bytes come from offset 0 again."""
        if self.offset == 0:
            return
        if self.sink is None or not self.sink.restart():
            raise IntegrityError(
                "the download broke off and the server cannot resume it (the file changed, or "
                "it ignores Range), and the bytes already handed on cannot be taken back"
            )
        self.offset = 0
        self.skip = 0
        self._report()

    def begin(self, response: httpx.Response) -> _Verdict:
        """Judge a response: use its body ("ok"), try again ("retry"), or report it ("error")."""
        status = response.status_code
        headers = response.headers
        etag = headers.get("etag")
        if status == 200:
            if self.offset > 0:
                same_file = etag is not None and not etag.startswith("W/") and etag == self.etag
                if same_file and (self.sink is None or not self.sink.restartable):
                    self.skip = self.offset  # identical content re-sent: drop what we have
                else:
                    self._start_over()
            self._learn(response)
            length = headers.get("content-length")
            self.total = int(length) if length and length.isdigit() and not self.decoded else None
        elif status == 206:
            match = _CONTENT_RANGE.match(headers.get("content-range", ""))
            if match is None or int(match.group(1)) != self.offset:
                self._start_over()
                return "retry"
            complete = None if match.group(3) == "*" else int(match.group(3))
            changed = (etag is not None and self.etag is not None and etag != self.etag) or (
                complete is not None and self.total is not None and complete != self.total
            )
            if changed:
                self._start_over()
                return "retry"
            if self.offset == 0:
                self._learn(response)
            if complete is not None:
                self.total = complete
        elif status == 416 and self.offset > 0:
            self._start_over()
            return "retry"
        else:
            return "error"
        if self.sink is not None:
            self.sink.open(response, self.total)
        self._report()
        return "ok"

    def _learn(self, response: httpx.Response) -> None:
        headers = response.headers
        encoding = headers.get("content-encoding", "identity").strip().lower()
        self.decoded = encoding not in ("", "identity")
        self.content_type = headers.get("content-type")
        self.etag = headers.get("etag")
        if self.etag is not None and not self.etag.startswith("W/"):
            self.validator = self.etag  # If-Range needs a strong validator
        else:
            self.validator = headers.get("last-modified")

    def take(self, chunk: bytes) -> bytes:
        """Account for one chunk of body; returns the part to hand on (maybe empty)."""
        if self.skip:
            if len(chunk) <= self.skip:
                self.skip -= len(chunk)
                return b""
            chunk = chunk[self.skip :]
            self.skip = 0
        self.offset += len(chunk)
        if self.progress is not None:
            self.progress(self.offset, self.total)
        return chunk

    def reached_new_bytes(self) -> bool:
        """Whether this attempt got further than every earlier one (and remember how far)."""
        if self.offset <= self.furthest:
            return False
        self.furthest = self.offset
        return True

    def finish(self) -> None:
        if self.skip or (self.total is not None and self.offset != self.total):
            raise IntegrityError(
                f"received {self.offset} bytes but the server announced {self.total}"
            )

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.offset, self.total)

    def result(self, path: Path | None, sha256: str | None) -> DownloadResult:
        return DownloadResult(
            path=path,
            size=self.offset,
            sha256=sha256,
            content_type=self.content_type,
            etag=self.etag,
        )


def _attempt(request: httpx.Request, extra: dict[str, str]) -> httpx.Request:
    headers = request.headers.copy()
    headers.update(extra)
    return httpx.Request(
        request.method, request.url, headers=headers, extensions=request.extensions
    )


def _tune_read_size(response: httpx.Response) -> None:
    """Make the connection under ``response`` read the socket 1 MiB at a time.

    httpcore offers no public knob, so this finds the HTTP/1.1 connection through the stream
    wrappers (httpx ``BoundSyncStream`` → ``ResponseStream`` → httpcore ``PoolByteStream`` →
    ``HTTP11ConnectionByteStream``) and sets its ``READ_NUM_BYTES`` on that one instance only,
    so other httpx users in the process are unaffected. Under asyncio the event loop's transport
    reads at most 256 KiB per wake-up whatever httpcore asks for, so that connection's transport
    gets a 1 MiB ``max_size`` too (measured: 512 MiB received in 0.35 s instead of 1.18 s).
    Any other layout (a mock transport, HTTP/2, uvloop, trio, a future httpcore) is left alone:
    the download still works, only slower.
    """
    connection = _find_connection(response.stream) if PRIVATE_READ_PATH else None
    if connection is None:
        return
    connection.READ_NUM_BYTES = max(connection.READ_NUM_BYTES, DOWNLOAD_READ_SIZE)
    # httpcore AnyIOStream → anyio SocketStream → asyncio transport.
    socket_stream = getattr(getattr(connection, "_network_stream", None), "_stream", None)
    transport: Any = getattr(socket_stream, "_transport", None)
    if isinstance(getattr(transport, "max_size", None), int):
        transport.max_size = max(transport.max_size, DOWNLOAD_READ_SIZE)


def _find_connection(stream: object) -> Any:
    node: Any = stream
    for _ in range(8):
        if isinstance(getattr(node, "READ_NUM_BYTES", None), int):
            return node
        inner = (
            getattr(node, name, None) for name in ("_stream", "_httpcore_stream", "_connection")
        )
        node = next((each for each in inner if each is not None), None)
        if node is None:
            return None
    return None


def _body(response: httpx.Response, decoded: bool) -> Iterator[bytes]:
    if response.is_stream_consumed:  # a transport that answered from memory (MockTransport)
        return iter((response.content,))
    direct = _direct_reader(response, decoded)
    if direct is not None:
        return _direct_body(*direct)
    return response.iter_bytes() if decoded else response.iter_raw()


# A large body is read from the connection's network stream straight away, not through h11:
# h11 copies every chunk three times on its way through its receive buffer (append, a slice it
# throws away, the slice it returns) and httpcore a fourth (bytes()), which for a 1 GiB download
# cost about 0.8 s of CPU here. h11 still parses the status line and headers, and hands over any
# body bytes that came with them; the rest is counted against Content-Length here. h11 is never
# told about those bytes, so when the response is closed httpcore sees an unfinished message and
# closes the connection rather than reusing it: one new connection per large download.
_DIRECT_BYTES = 4 * 1024 * 1024


class _Direct(NamedTuple):
    parser: Any  # h11.Connection
    network: Any  # httpcore NetworkStream (sync or async)
    length: int
    timeout: float | None


def _direct_reader(response: httpx.Response, decoded: bool) -> _Direct | None:
    length = response.headers.get("content-length", "")
    if not PRIVATE_READ_PATH or decoded or not length.isdigit() or int(length) <= _DIRECT_BYTES:
        return None
    # With Transfer-Encoding (chunked) h11 frames the body by its chunks whatever
    # Content-Length says; reading Content-Length raw bytes would keep the chunk framing.
    if "transfer-encoding" in response.headers:
        return None
    connection = _find_connection(response.stream)
    parser = getattr(connection, "_h11_state", None)
    network = getattr(connection, "_network_stream", None)
    if not isinstance(parser, h11.Connection) or parser.their_state is not h11.SEND_BODY:
        return None
    if not callable(getattr(network, "read", None)):
        return None
    timeout = response.request.extensions.get("timeout", {}).get("read")
    return _Direct(parser, network, int(length), timeout)


def _buffered_by_h11(parser: Any) -> Iterator[bytes]:
    """The body bytes h11 already holds (they arrived with the headers); ends at NEED_DATA."""
    while True:
        with _read_errors():
            event = parser.next_event()
        if isinstance(event, h11.Data):
            yield bytes(event.data)
        elif event is h11.NEED_DATA or isinstance(event, h11.EndOfMessage):
            return
        else:
            raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} in a body")


@contextlib.contextmanager
def _read_errors() -> Iterator[None]:
    # What httpx's transport would have made of them, so the retry logic sees the same errors.
    try:
        yield
    except httpcore.ReadTimeout as exc:
        raise httpx.ReadTimeout(str(exc)) from exc
    except (httpcore.ReadError, httpcore.NetworkError) as exc:
        raise httpx.ReadError(str(exc)) from exc
    except h11.RemoteProtocolError as exc:
        raise httpx.RemoteProtocolError(str(exc)) from exc


def _short_body(received: int, length: int) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError(
        "peer closed connection without sending complete message body "
        f"(received {received} bytes, expected {length})"
    )


def _direct_body(parser: Any, network: Any, length: int, timeout: float | None) -> Iterator[bytes]:
    received = 0
    for data in _buffered_by_h11(parser):
        received += len(data)
        yield data
    while received < length:
        with _read_errors():
            data = network.read(min(DOWNLOAD_READ_SIZE, length - received), timeout)
        if not data:
            raise _short_body(received, length)
        received += len(data)
        yield data


async def _adirect_body(
    parser: Any, network: Any, length: int, timeout: float | None
) -> AsyncIterator[bytes]:
    received = 0
    for data in _buffered_by_h11(parser):
        received += len(data)
        yield data
    while received < length:
        with _read_errors():
            data = await network.read(min(DOWNLOAD_READ_SIZE, length - received), timeout)
        if not data:
            raise _short_body(received, length)
        received += len(data)
        yield data


async def _abody(response: httpx.Response, decoded: bool) -> AsyncIterator[bytes]:
    if response.is_stream_consumed:
        yield response.content
        return
    direct = _direct_reader(response, decoded)
    if direct is not None:
        async for chunk in _adirect_body(*direct):
            yield chunk
        return
    body = response.aiter_bytes() if decoded else response.aiter_raw()
    async for chunk in body:
        yield chunk


# --- sync driver -------------------------------------------------------------------------------


def _chunks(
    client: httpx.Client,
    request: httpx.Request,
    state: _Transfer,
    retry: RetryState,
    parser: ErrorParser,
    service: str | None,
) -> Iterator[bytes]:
    while True:
        try:
            response = client.send(_attempt(request, state.request_headers()), stream=True)
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
                _tune_read_size(response)
                content = _body(response, state.decoded)
                try:
                    for raw in content:
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
    client: httpx.Client,
    request: httpx.Request,
    dest: Destination,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
    policy: RetryPolicy | None = None,
    error_parser: ErrorParser = huawei_error_parser,
    service: str | None = None,
    operation: str | None = None,
    fallback_filename: str = "download",
    durable: bool = False,
    checksum: Checksum | None = None,
) -> DownloadResult:
    """Download ``request`` (a GET built by ``client.build_request``) into ``dest``.

    ``dest`` is a file path, a directory (existing, or a path ending in a separator, created
    only once a usable answer arrived; the name comes from ``Content-Disposition``, sanitised,
    else ``fallback_filename``) or a binary file object. ``durable=True`` fsyncs the file and
    its directory before returning (a file path only); ``checksum="sha256"`` fills
    ``DownloadResult.sha256``. Raises ``DestinationExistsError``,
    ``APIError`` subclasses (parsed by ``error_parser``), ``TransportError``/``TimeoutError``
    after the retry budget, or ``IntegrityError`` on a size mismatch; no partial file is left
    behind.
    """
    sink = _Writer(_make_sink(dest, overwrite, fallback_filename, durable), checksum)
    state = _Transfer(sink, progress=progress)
    retry = RetryState(policy or RetryPolicy(), idempotent=True, operation=operation)
    try:
        for chunk in _chunks(client, request, state, retry, error_parser, service):
            sink.write(chunk)
        path = sink.commit()
    except BaseException:
        sink.discard()
        raise
    return state.result(path, sink.sha256)


def stream(
    client: httpx.Client,
    request: httpx.Request,
    *,
    progress: Progress | None = None,
    policy: RetryPolicy | None = None,
    error_parser: ErrorParser = huawei_error_parser,
    service: str | None = None,
    operation: str | None = None,
) -> Iterator[bytes]:
    """The body of ``request`` as chunks of bytes, resumed across dropped connections.

    Bytes already yielded cannot be taken back, so a resume that finds the file changed raises
    ``IntegrityError``. Close the iterator (``contextlib.closing``) if you stop early.
    """
    state = _Transfer(None, progress=progress)
    retry = RetryState(policy or RetryPolicy(), idempotent=True, operation=operation)
    yield from _chunks(client, request, state, retry, error_parser, service)


# --- async driver ------------------------------------------------------------------------------


async def _achunks(
    client: httpx.AsyncClient,
    request: httpx.Request,
    state: _Transfer,
    retry: RetryState,
    parser: ErrorParser,
    service: str | None,
) -> AsyncGenerator[bytes, None]:
    while True:
        try:
            response = await client.send(_attempt(request, state.request_headers()), stream=True)
        except httpx.TransportError as exc:
            await retry.policy.async_sleep(retry.after_exception(exc))
            continue
        try:
            verdict = state.begin(response)
            if verdict == "error":
                wait = retry.after_status(response)
                if wait is None:
                    body = await async_read_error_body(response)
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
                _tune_read_size(response)
                content = _abody(response, state.decoded)
                try:
                    async for raw in content:
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
            await response.aclose()
        await retry.policy.async_sleep(wait)


async def async_download(
    client: httpx.AsyncClient,
    request: httpx.Request,
    dest: Destination,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
    policy: RetryPolicy | None = None,
    error_parser: ErrorParser = huawei_error_parser,
    service: str | None = None,
    operation: str | None = None,
    fallback_filename: str = "download",
    durable: bool = False,
    checksum: Checksum | None = None,
) -> DownloadResult:
    """Async twin of :func:`download`.

    A small body is hashed and written from the event loop (a page-cache write of a few KiB
    takes microseconds, less than a thread hop); a large one from the download's worker thread
    (see ``_Writer``). The final fsync, which can take seconds, runs in a worker thread.
    """
    sink = _Writer(_make_sink(dest, overwrite, fallback_filename, durable), checksum)
    state = _Transfer(sink, progress=progress)
    retry = RetryState(policy or RetryPolicy(), idempotent=True, operation=operation)
    try:
        chunks = _achunks(client, request, state, retry, error_parser, service)
        try:
            async for chunk in chunks:
                sink.write(chunk)
        finally:
            await chunks.aclose()
        path = await anyio.to_thread.run_sync(sink.commit)
    except BaseException:
        sink.discard()
        raise
    return state.result(path, sink.sha256)


async def async_stream(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    progress: Progress | None = None,
    policy: RetryPolicy | None = None,
    error_parser: ErrorParser = huawei_error_parser,
    service: str | None = None,
    operation: str | None = None,
) -> AsyncIterator[bytes]:
    """Async twin of :func:`stream`; ``aclose()`` it if you stop early."""
    state = _Transfer(None, progress=progress)
    retry = RetryState(policy or RetryPolicy(), idempotent=True, operation=operation)
    chunks = _achunks(client, request, state, retry, error_parser, service)
    try:
        async for chunk in chunks:
            yield chunk
    finally:
        await chunks.aclose()
