"""The resume state machine of one download, shared by the sync and async drivers.

``ResumeState`` judges each response (use its body, try again, or report an error), keeps the
offset, the validators (``ETag``/``Last-Modified``) and the announced size across attempts, and
decides when a resume is really progress. It does no I/O of its own: the drivers send, read and
sleep; the sink (``sinks.Writer``) writes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import httpx

from attachkit.errors import IntegrityError, ResponseTooLargeError
from attachkit.untrusted import parse_number

from . import partials
from .deadlines import SpeedWatch
from .filenames import filename_from_content_disposition, sanitize_filename
from .types import DownloadResult, LowSpeedLimit, Progress, StreamInfo, progress_events

if TYPE_CHECKING:
    from .sinks import Chunk, Writer

__all__ = [
    "ResumeState",
    "Attempts",
    "Verdict",
    "header_fields",
]

Verdict = Literal["ok", "retry", "error"]
# Each number is read by parse_number: ASCII digits of a bounded length.
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+([0-9]+)-([0-9]+)/([0-9]+|\*)\s*$", re.I)


class ResumeState:
    """Offsets, validators and progress of one download across its attempts."""

    def __init__(
        self,
        sink: Writer | None,
        progress: Progress | None,
        *,
        max_bytes: int | None = None,
        low_speed: LowSpeedLimit | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_bytes is not None and max_bytes < 0:
            raise ValueError("max_bytes must be zero or more")
        self.sink = sink
        self.events = progress_events(progress)
        self.max_bytes = max_bytes
        self._speed = None if low_speed is None else SpeedWatch(low_speed, clock)
        self.offset = 0  # bytes handed on (written or yielded) so far
        # The furthest offset any attempt reached: a resume that starts over and receives the
        # same prefix again has not made progress, only bytes beyond this have.
        self.furthest = 0
        self.skip = 0  # bytes of the current body to drop (a re-sent prefix we already have)
        self.total: int | None = None
        self.validator: str | None = None
        self.etag: str | None = None
        self.content_type: str | None = None
        self.content_encoding: str | None = None
        self.disposition: str | None = None
        self._announced: Path | None = None  # the target on_target last named

    def request_headers(self) -> dict[str, str]:
        # The bytes as stored: a compressed answer would defeat Range and the size check. A
        # server that compresses anyway gets its bytes kept as sent (see DownloadResult).
        headers = {"Accept-Encoding": "identity"}
        if self.offset > 0:
            headers["Range"] = f"bytes={self.offset}-"
            if self.validator is not None:
                headers["If-Range"] = self.validator
        return headers

    def continue_from(self, offset: int, sidecar: partials.Sidecar) -> None:
        """Start after ``offset`` bytes an earlier run kept, of the file ``sidecar`` describes."""
        self.offset = self.furthest = offset
        self.total = sidecar.size
        self.etag = sidecar.etag
        self.validator = sidecar.validator
        self._announce_target()
        if self.events is not None:
            self.events.on_resumed(offset, self.total)
        self._report()

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

    def begin(self, response: httpx.Response) -> Verdict:
        """Judge a response: use its body ("ok"), try again ("retry"), or report it ("error")."""
        status = response.status_code
        headers = header_fields(response.headers)
        etag = headers.get("etag")
        if status == 200:
            if self.offset > 0:
                same_file = etag is not None and not etag.startswith("W/") and etag == self.etag
                if same_file and (self.sink is None or not self.sink.restartable):
                    self.skip = self.offset  # identical content re-sent: drop what we have
                else:
                    self._start_over()
            self._learn(headers)
            self.total = parse_number(headers.get("content-length"))
        elif status == 206:
            content_range = _content_range(headers.get("content-range"))
            if content_range is None or content_range[0] != self.offset:
                self._start_over()
                return "retry"
            complete = content_range[1]
            changed = (etag is not None and self.etag is not None and etag != self.etag) or (
                complete is not None and self.total is not None and complete != self.total
            )
            if changed:
                self._start_over()
                return "retry"
            if self.offset == 0:
                self._learn(headers)
            if complete is not None:
                self.total = complete
        elif status == 416 and self.offset > 0:
            self._start_over()
            return "retry"
        else:
            return "error"
        if self.max_bytes is not None and self.total is not None and self.total > self.max_bytes:
            raise self._too_large(f"announces {self.total} bytes")
        if self.sink is not None:
            self.sink.open(response, self.total)
            self._announce_target()
        if self._speed is not None:
            self._speed.restart()
        self._report()
        return "ok"

    def _too_large(self, what: str) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"the download {what}, more than max_bytes={self.max_bytes} allows"
        )

    def _learn(self, headers: dict[str, str]) -> None:
        encoding = headers.get("content-encoding", "").strip().lower()
        self.content_encoding = None if encoding in ("", "identity") else encoding
        self.content_type = headers.get("content-type")
        self.disposition = headers.get("content-disposition")
        self.etag = headers.get("etag")
        self.validator = partials.if_range_validator(self.etag, headers.get("last-modified"))

    def take(self, chunk: Chunk) -> Chunk:
        """Account for one chunk of body; returns the part to hand on (maybe empty)."""
        if self.skip:
            if len(chunk) <= self.skip:
                self.skip -= len(chunk)
                return b""
            chunk = chunk[self.skip :]
            self.skip = 0
        if self._speed is not None:
            self._speed.count(len(chunk))
        if self.max_bytes is not None and self.offset + len(chunk) > self.max_bytes:
            raise self._too_large("goes on past that size")
        self.offset += len(chunk)
        if self.events is not None:
            self.events.on_progress(self.offset, self.total)
        return chunk

    def info(self) -> StreamInfo:
        """What the answer in use said of the bytes (``begin`` judged it "ok")."""
        proposed = filename_from_content_disposition(self.disposition)
        return StreamInfo(
            # None too when nothing of the proposal survives: the caller's fallback applies.
            filename=None if proposed is None else (sanitize_filename(proposed, "") or None),
            size=self.total,
            content_type=self.content_type,
            etag=self.etag,
        )

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

    def _announce_target(self) -> None:
        target = None if self.sink is None else self.sink.target
        if target is not None and target != self._announced and self.events is not None:
            self._announced = target
            self.events.on_target(target)

    def _report(self) -> None:
        if self.events is not None:
            self.events.on_progress(self.offset, self.total)

    def queued(self) -> None:
        if self.events is not None:
            self.events.on_queued(self.total)

    def done(self, error: BaseException | None) -> None:
        if self.events is not None:
            self.events.on_done(error)

    def result(self, path: Path | None, sha256: str | None) -> DownloadResult:
        return DownloadResult(
            path=path,
            size=self.offset,
            sha256=sha256,
            content_type=self.content_type,
            etag=self.etag,
            content_encoding=self.content_encoding,
        )


def _content_range(value: str | None) -> tuple[int, int | None] | None:
    """``(first byte, complete length or None for *)`` of a ``Content-Range``; None if unusable.

    Unusable: not ``bytes FIRST-LAST/LENGTH``, or a number that ``parse_number`` refuses (the
    answer is then treated as a range that does not fit, like any other malformed one).
    """
    match = _CONTENT_RANGE.match(value or "")
    if match is None:
        return None
    first, last = parse_number(match.group(1)), parse_number(match.group(2))
    complete = None if match.group(3) == "*" else parse_number(match.group(3))
    if first is None or last is None or (complete is None and match.group(3) != "*"):
        return None
    return first, complete


def header_fields(headers: httpx.Headers) -> dict[str, str]:
    """Every header as lowercase name to text, decoded in one pass.

    The same values as ``headers.get(name)`` (repeated headers joined with ", ", decoded as
    httpx decodes them); each ``httpx.Headers`` lookup decodes and scans the whole list again,
    and judging an answer takes about ten of them.
    """
    encoding = headers.encoding
    fields: dict[str, str] = {}
    for name, value in headers.raw:
        key = name.decode(encoding).lower()
        text = value.decode(encoding)
        previous = fields.get(key)
        fields[key] = text if previous is None else f"{previous}, {text}"
    return fields


class Attempts:
    """The request of each attempt of a download: the caller's own, then fresh copies.

    The first attempt from offset 0 sends the caller's request itself when it already asks for
    the bytes as stored (the facades build it so), saving a copy per download. Every later
    attempt is rebuilt from the request as it was before the first was sent, because sending
    signs a request in place (``X-Sdk-Date``, ``Authorization``) and a resume must be signed
    afresh.
    """

    def __init__(self, request: httpx.Request) -> None:
        self._first: httpx.Request | None = (
            request if request.headers.get("accept-encoding") == "identity" else None
        )
        self._method = request.method
        self._url = request.url
        self._headers = request.headers.raw  # a new list of the pairs, as they are now
        self._extensions = request.extensions

    def next(self, state: ResumeState) -> httpx.Request:
        """The request for the next attempt, with the headers ``state`` asks for."""
        first, self._first = self._first, None
        if first is not None and state.offset == 0:
            return first
        headers = httpx.Headers(self._headers)
        headers.update(state.request_headers())
        return httpx.Request(self._method, self._url, headers=headers, extensions=self._extensions)
