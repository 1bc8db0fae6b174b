"""A streaming ``multipart/form-data`` body holding one file field.

httpx's own ``files=`` support cannot say how long the body is up front and the generated clients
use a fixed boundary, so a file that contains that boundary breaks the upload. This body picks a
random boundary, computes ``Content-Length`` exactly (preamble + file size + epilogue) and reads
the file in large chunks while httpx sends it, so memory stays flat whatever the file size.
The streams themselves are ``attachkit/_async/multipart.py`` and its generated twin in
``attachkit/_sync/``; this module does not import them (they build on it).
"""

from __future__ import annotations

import errno
import io
import mimetypes
import os
import re
import secrets
import stat
from collections.abc import AsyncIterable, Iterable
from pathlib import Path
from typing import BinaryIO, cast

from attachkit.errors import BodyNotReplayableError, IntegrityError, LocalFileError

from .localfiles import local_file_errors
from .types import Progress, UploadSource, progress_events

__all__ = ["DEFAULT_UPLOAD_CHUNK", "MultipartFile"]

DEFAULT_UPLOAD_CHUNK = 1024 * 1024

# RFC 7230 token: what a form field name may be without quoting trouble.
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_CONTENT_TYPE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def quote_filename(name: str) -> str:
    """``name`` made safe for ``filename="…"`` the way browsers (and requests) do it.

    RFC 7578 §4.2 forbids ``filename*`` in form data and points at the HTML5 rules instead:
    ``"`` becomes ``%22``, every control character (CR and LF included, so no header can be
    injected) becomes ``%XX``, ``\\`` is escaped, and non-ASCII text is sent as raw UTF-8.
    """
    out = []
    for ch in name:
        code = ord(ch)
        if ch == '"':
            out.append("%22")
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x20 or code == 0x7F:
            out.append(f"%{code:02X}")
        else:
            out.append(ch)
    return "".join(out)


class MultipartFile:
    """One file as a ``multipart/form-data`` body, produced chunk by chunk.

    ``source`` is a path, a binary file object (read from its current position), bytes (a
    bytearray or memoryview is read in place, not copied: leave it unchanged until done), or an
    iterable of chunks of bytes (async for an async client), such as another download's stream,
    with ``size=``: its bytes go on as they come, never in a file or in memory whole.
    Use it as ``client.build_request("POST", url, content=BodyStream(body),
    headers=body.headers)`` with ``httpx.Client``, or ``content=AsyncBodyStream(body)`` with
    ``httpx.AsyncClient``. Each iteration of those streams starts again from the first byte when
    ``replayable`` is true (a path, a seekable file or bytes), so a retry resends the same body.
    """

    def __init__(
        self,
        field_name: str,
        source: UploadSource,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        size: int | None = None,
        progress: Progress | None = None,
        chunk_size: int = DEFAULT_UPLOAD_CHUNK,
    ) -> None:
        if not _TOKEN.match(field_name):
            raise ValueError(f"multipart field name {field_name!r} is not an HTTP token")
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self.field_name = field_name
        self.chunk_size = chunk_size
        self.events = progress_events(progress)
        self._path: Path | None = None
        self.data: bytes | memoryview | None = None
        self._file: BinaryIO | None = None
        self._chunks: AsyncIterable[bytes] | Iterable[bytes] | None = None
        self._start = 0
        self._iterations = 0

        if isinstance(source, bytes | bytearray | memoryview):
            self.data = _byte_view(source)
            file_size = len(self.data)
            self.replayable = True
            default_name = "upload"
        elif isinstance(source, str | os.PathLike):
            self._path = Path(source)
            file_size = _regular_file_size(self._path)  # checked early, before any request
            self.replayable = True
            default_name = self._path.name
        elif hasattr(source, "read"):
            file = self._file = cast(BinaryIO, source)
            self.replayable = _seekable(file)
            if self.replayable:
                self._start = file.tell()
                file_size = file.seek(0, io.SEEK_END) - self._start
                file.seek(self._start)
            elif size is None:
                raise ValueError("a non-seekable file object needs size= for Content-Length")
            else:
                file_size = size
            name_attr = getattr(source, "name", None)
            default_name = os.path.basename(name_attr) if isinstance(name_attr, str) else "upload"
        elif isinstance(source, AsyncIterable | Iterable):
            if size is None:
                raise ValueError("an upload from a stream of chunks needs size= for Content-Length")
            self._chunks = cast(AsyncIterable[bytes] | Iterable[bytes], source)
            self.replayable = False
            file_size = size
            default_name = "upload"
        else:
            raise TypeError(f"cannot upload from {type(source).__name__}")
        if size is not None and size != file_size:
            raise ValueError(f"size={size} but the source holds {file_size} bytes")

        self.size = file_size
        self.filename = filename if filename is not None else (default_name or "upload")
        guessed = mimetypes.guess_type(self.filename, strict=False)[0]
        part_type = content_type or guessed or "application/octet-stream"
        if not _CONTENT_TYPE.match(part_type):
            raise ValueError(f"content type {part_type!r} is not a plain type/subtype")
        self.part_content_type = part_type
        self.boundary = secrets.token_hex(16)
        self.preamble = (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{field_name}"; '
            f'filename="{quote_filename(self.filename)}"\r\n'
            f"Content-Type: {part_type}\r\n\r\n"
        ).encode()
        self.epilogue = f"\r\n--{self.boundary}--\r\n".encode()
        self.content_length = len(self.preamble) + self.size + len(self.epilogue)

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def headers(self) -> dict[str, str]:
        """The request headers this body needs; an explicit length keeps httpx from chunking."""
        return {"Content-Type": self.content_type, "Content-Length": str(self.content_length)}

    # The pure part shared by both drivers (``_async/multipart.py`` and its generated sync twin):
    # where to start, what a chunk means, when it is done.

    def begin(self) -> None:
        if self._iterations and not self.replayable:
            # Reached when something sends the request a second time (a WorldServer re-login
            # after 401; retries already skip one-shot bodies): the stream is used up by now.
            raise BodyNotReplayableError(
                f"{self.filename}: the upload had to be sent again, but it is read from a "
                "non-seekable stream that is already used up; upload from a path, bytes or "
                "a seekable file instead"
            )
        self._iterations += 1
        if self._file is not None and self.replayable:
            self._file.seek(self._start)
        if self.events is not None:
            self.events.on_progress(0, self.size)

    def queued(self) -> None:
        if self.events is not None:
            self.events.on_queued(self.size)

    def done(self, error: BaseException | None) -> None:
        if self.events is not None:
            self.events.on_done(error)

    def account(self, done: int, chunk: bytes) -> int:
        done += len(chunk)
        if done > self.size:
            raise IntegrityError(f"{self.filename}: the file grew while it was being uploaded")
        if self.events is not None:
            self.events.on_progress(done, self.size)
        return done

    def check_end(self, done: int) -> None:
        if done != self.size:
            raise IntegrityError(
                f"{self.filename}: expected {self.size} bytes but the source ended at {done}"
            )

    def want(self, done: int) -> int:
        # Never read past the size promised in Content-Length.
        return min(self.chunk_size, self.size - done)

    @property
    def from_chunks(self) -> bool:
        """Whether the source is a stream of chunks (``chunks``/``async_chunks``), not a file."""
        return self._chunks is not None

    def async_chunks(self) -> AsyncIterable[bytes]:
        """The source's chunks, for an async upload."""
        if not isinstance(self._chunks, AsyncIterable):
            raise TypeError("an async upload needs an async stream of chunks")
        return self._chunks

    def chunks(self) -> Iterable[bytes]:
        """The source's chunks, for a sync upload."""
        if not isinstance(self._chunks, Iterable):
            raise TypeError("a sync upload needs an iterable of chunks, not an async one")
        return self._chunks

    @property
    def source_name(self) -> str:
        """The source as named in a ``LocalFileError``: its path, else the upload's name."""
        return str(self._path) if self._path is not None else self.filename

    def open_source(self) -> _open_source:
        """The file to read from: opened for a path (closed after), borrowed otherwise."""
        return _open_source(self)


class _open_source:  # noqa: N801 - used like open()
    """The file to read from: opened here for a path (closed after), borrowed otherwise."""

    def __init__(self, body: MultipartFile) -> None:
        self._body = body
        self._owned: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        if self._body._path is not None:
            with local_file_errors(self._body._path):
                self._owned = open(self._body._path, "rb", buffering=0)  # noqa: SIM115
            return self._owned
        assert self._body._file is not None
        return self._body._file

    def __exit__(self, *exc: object) -> None:
        if self._owned is not None:
            self._owned.close()


def _regular_file_size(path: Path) -> int:
    """The size of the regular file at ``path``; ``LocalFileError`` for anything else.

    A directory, a pipe or a device has no size to put in ``Content-Length`` up front (a pipe
    can be uploaded as a file object with ``size=``).
    """
    with local_file_errors(path):
        status = path.stat()
    if stat.S_ISDIR(status.st_mode):
        raise LocalFileError(str(path), os.strerror(errno.EISDIR))
    if not stat.S_ISREG(status.st_mode):
        raise LocalFileError(str(path), "not a regular file (upload a pipe as a file object)")
    return status.st_size


def _byte_view(source: bytes | bytearray | memoryview) -> bytes | memoryview:
    """``source`` to read chunks from, without copying a large buffer whole.

    bytes are immutable and kept as they are. A bytearray or memoryview is read in place
    through a read-only, flat byte view (``bytes(source)`` used to copy it: twice the memory
    for a big buffer). So its contents must not change until the upload is done, and a
    bytearray cannot be resized while the body exists (Python raises ``BufferError``). A
    non-contiguous view cannot be read flat and is copied, as before.
    """
    if isinstance(source, bytes):
        return source
    view = memoryview(source)
    if not view.c_contiguous:
        return view.tobytes()
    return view.cast("B").toreadonly()


def _seekable(file: BinaryIO) -> bool:
    try:
        return bool(file.seekable())
    except (AttributeError, OSError, ValueError):
        return False
