"""An incremental ``multipart/form-data`` parser (RFC 7578) that never holds a whole part.

The mock must accept uploads of hundreds of megabytes with flat memory, so the body is fed in
as it arrives and the file part's bytes go straight to their sink; only a delimiter's length of
bytes is ever held back (a delimiter may straddle two chunks). Each byte is looked at a
bounded number of times, whatever the chunking: padding after a delimiter is dropped as it
arrives, and the search for the end of a part's headers resumes where it stopped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

__all__ = [
    "MultipartError",
    "PartStart",
    "PartData",
    "PartEnd",
    "MultipartParser",
    "boundary_from_content_type",
    "parse_header_params",
    "decode_ext_value",
]

_MAX_HEADER_BLOCK = 16 * 1024


class MultipartError(ValueError):
    """The body is not well-formed multipart."""


@dataclass(frozen=True, slots=True)
class PartStart:
    headers: dict[str, str]

    @property
    def disposition(self) -> dict[str, str]:
        _, params = parse_header_params(self.headers.get("content-disposition", ""))
        return params

    @property
    def name(self) -> str | None:
        return self.disposition.get("name")

    @property
    def filename(self) -> str | None:
        """``filename*`` (RFC 8187) if the part has one, else ``filename``.

        Raises ``MultipartError`` for a ``filename*`` that cannot be decoded: the client
        named the file, and storing it under another name would hide that.
        """
        params = self.disposition
        extended = params.get("filename*")
        if extended is None:
            return params.get("filename")
        return decode_ext_value(extended)


@dataclass(frozen=True, slots=True)
class PartData:
    data: bytes


@dataclass(frozen=True, slots=True)
class PartEnd:
    pass


Event = PartStart | PartData | PartEnd


class MultipartParser:
    """Feed body chunks, get events; ``close()`` checks the closing delimiter was seen."""

    def __init__(self, boundary: bytes) -> None:
        # Starting the stream with CRLF makes the first delimiter look like every other one.
        self._delimiter = b"\r\n--" + boundary
        self._buffer = b"\r\n"
        self._state = "preamble"
        self._headers_scanned = 0  # bytes of the header block already searched for its end

    @property
    def done(self) -> bool:
        return self._state == "done"

    def feed(self, chunk: bytes) -> Iterator[Event]:
        self._buffer += chunk
        delimiter = self._delimiter
        while True:
            state = self._state
            buffer = self._buffer
            if state == "preamble":
                index = buffer.find(delimiter)
                if index < 0:
                    self._buffer = buffer[-(len(delimiter) - 1) :]
                    return
                self._buffer = buffer[index + len(delimiter) :]
                self._state = "after_delimiter"
            elif state == "after_delimiter":
                stripped = buffer.lstrip(b" \t")  # RFC 2046 allows padding after a delimiter
                self._buffer = stripped  # the padding is dropped as it comes, never rescanned
                if len(stripped) < 2:
                    return
                if stripped.startswith(b"--"):
                    self._state = "done"
                    self._buffer = b""
                    return
                if not stripped.startswith(b"\r\n"):
                    raise MultipartError("a multipart delimiter is not followed by CRLF")
                self._state = "headers"
                self._headers_scanned = 0
            elif state == "headers":
                # The buffer starts with the delimiter line's CRLF, so an empty header block
                # is CRLF CRLF at index 0. The search resumes 3 bytes before where the last
                # one ended, in case the CRLF CRLF straddles two chunks.
                end = buffer.find(b"\r\n\r\n", max(0, self._headers_scanned - 3))
                self._headers_scanned = len(buffer)
                # Checked whether or not the block's end has arrived, so the limit does not
                # depend on how the body happens to be split into chunks.
                if end > _MAX_HEADER_BLOCK or (end < 0 and len(buffer) > _MAX_HEADER_BLOCK):
                    raise MultipartError("a part's headers are too long")
                if end < 0:
                    return
                headers = _parse_header_block(buffer[2:end])
                self._buffer = buffer[end + 4 :]
                self._state = "body"
                yield PartStart(headers)
            elif state == "body":
                index = buffer.find(delimiter)
                if index < 0:
                    keep = len(delimiter) - 1
                    if len(buffer) > keep:
                        yield PartData(buffer[:-keep])
                        self._buffer = buffer[-keep:]
                    return
                if index:
                    yield PartData(buffer[:index])
                yield PartEnd()
                self._buffer = buffer[index + len(delimiter) :]
                self._state = "after_delimiter"
            else:  # done: the epilogue is ignored
                self._buffer = b""
                return

    def close(self) -> None:
        if self._state != "done":
            raise MultipartError("the multipart body ends before its closing delimiter")


def _parse_header_block(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    if not block:
        return headers
    for line in block.split(b"\r\n"):
        name, sep, value = line.partition(b":")
        if not sep:
            raise MultipartError("a part header line has no ':'")
        try:
            text = value.decode("utf-8")  # browsers send non-ASCII file names as raw UTF-8
        except UnicodeDecodeError:
            text = value.decode("latin-1")
        headers[name.decode("latin-1").strip().lower()] = text.strip()
    return headers


# The charsets RFC 8187 (which replaced RFC 5987) lets an ext-value name. Only these are
# looked up: any other name would reach Python's codec registry, where "undefined" raises
# UnicodeError, "punycode" ValueError, and "utf-8\0" a ValueError of its own.
_EXT_CHARSETS = {"utf-8": "utf-8", "iso-8859-1": "latin-1"}


def decode_ext_value(value: str) -> str:
    """An RFC 8187 ext-value (``charset'language'percent-encoded``) decoded, or MultipartError."""
    charset, quote1, rest = value.partition("'")
    _language, quote2, encoded = rest.partition("'")
    codec = _EXT_CHARSETS.get(charset.lower())
    if not (quote1 and quote2):
        raise MultipartError("filename* is not charset'language'value (RFC 8187)")
    if codec is None:
        raise MultipartError("filename* must name the charset UTF-8 or ISO-8859-1 (RFC 8187)")
    try:
        return unquote(encoded, encoding=codec, errors="strict")
    except UnicodeDecodeError:
        raise MultipartError(f"filename* is not valid {charset.upper()}") from None


_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")


def boundary_from_content_type(content_type: str) -> bytes | None:
    """The boundary of a ``multipart/form-data`` content type, or None if it is not one."""
    kind, params = parse_header_params(content_type)
    if kind.lower() != "multipart/form-data":
        return None
    boundary = params.get("boundary")
    if boundary is None or not _BOUNDARY.fullmatch(boundary):
        return None
    return boundary.encode("latin-1")


def parse_header_params(value: str) -> tuple[str, dict[str, str]]:
    """``type; a=b; c="d"`` -> ("type", {"a": "b", "c": "d"}); names lowercased."""
    first, _, rest = value.partition(";")
    params: dict[str, str] = {}
    i, n = 0, len(rest)
    while i < n:
        while i < n and rest[i] in " \t;":
            i += 1
        start = i
        while i < n and rest[i] not in "=;":
            i += 1
        name = rest[start:i].strip().lower()
        if i >= n or rest[i] == ";":
            if name:
                params.setdefault(name, "")
            continue
        i += 1  # "="
        while i < n and rest[i] in " \t":
            i += 1
        if i < n and rest[i] == '"':
            i += 1
            chars: list[str] = []
            while i < n and rest[i] != '"':
                # A backslash escapes only '"' and itself (how httpx and curl quote). Before
                # anything else it is a character of the value: a Windows path sent as is
                # (C:\Users\me\report.txt) must keep its separators to lose its directories.
                if rest[i] == "\\" and i + 1 < n and rest[i + 1] in '"\\':
                    i += 1
                chars.append(rest[i])
                i += 1
            i += 1  # closing quote
            val = "".join(chars)
        else:
            start = i
            while i < n and rest[i] != ";":
                i += 1
            val = rest[start:i].strip()
        if name:
            params.setdefault(name, val)
    return first.strip(), params
