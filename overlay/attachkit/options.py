"""The options of a call, built once at the edge and passed whole down to the engine.

The edge is wherever a user states them: the command line's flags (``attachkit.cli.run``) or a
facade method's keywords. Either builds one frozen value here (``DownloadOptions``,
``StreamOptions``, ``UploadOptions``, ``CallOptions``), and every layer below (the facade, its
client, the transfer engine) takes that value whole instead of naming each option again, as
openai-python's ``make_request_options`` does. A new option is a field here, a flag in the CLI
and its use in the engine: three places.

A facade method takes the value, keywords, or both (keywords replace the value's fields)::

    opts = attachkit.DownloadOptions(checksum="sha256", durable=True)
    req.scrum.download(project, issue, attachment, "out/", opts, overwrite=True)

The ``*Keywords`` dictionaries name the same fields for type checkers (``**keywords:
Unpack[DownloadKeywords]``), so a misspelt keyword is a type error and an IDE lists them;
``tests/clients/test_options.py`` checks the two lists agree.
"""

from __future__ import annotations

import enum
from typing import Any, Self, TypedDict

import attrs
import httpx

from attachkit.transfer.types import Checksum, Progress

__all__ = [
    "SERVICE_LIMIT",
    "CallKeywords",
    "CallOptions",
    "DownloadKeywords",
    "DownloadOptions",
    "StreamKeywords",
    "StreamOptions",
    "Timeout",
    "UploadKeywords",
    "UploadOptions",
]

Timeout = float | httpx.Timeout | None
"""Seconds for each phase (connect, read, write, pool), an ``httpx.Timeout``, or None for the
facade's own (30 s, connect 10 s)."""


class ServiceLimit(enum.Enum):
    """The type of ``SERVICE_LIMIT``."""

    SERVICE_LIMIT = "the service's documented maximum"

    def __repr__(self) -> str:
        return "SERVICE_LIMIT"


SERVICE_LIMIT = ServiceLimit.SERVICE_LIMIT
"""``max_bytes`` default: the largest file the service documents (Scrum 50 MiB, IPD 200 MiB,
COC 10 MiB; WorldServer documents none), applied by the facade that knows the service."""


@attrs.frozen(kw_only=True)
class CallOptions:
    """What every call takes: ``timeout`` and ``max_retries`` (None: the facade's own)."""

    timeout: Timeout = None
    max_retries: int | None = None

    @classmethod
    def build(cls, options: Self | None, keywords: Any) -> Self:
        """``options`` (or the defaults) with the fields ``keywords`` give replaced."""
        base = options if options is not None else cls()
        return attrs.evolve(base, **keywords) if keywords else base


@attrs.frozen(kw_only=True)
class StreamOptions(CallOptions):
    """A download read as a stream of bytes: ``progress(done, total)`` and ``max_bytes``.

    A body larger than ``max_bytes`` (announced or sent) ends with ``ResponseTooLargeError``;
    None sets no bound.
    """

    progress: Progress | None = None
    max_bytes: int | None | ServiceLimit = SERVICE_LIMIT

    def limited_to(self, documented: int | None) -> Self:
        """These options with ``SERVICE_LIMIT`` replaced by the service's ``documented`` limit."""
        if self.max_bytes is SERVICE_LIMIT:
            return attrs.evolve(self, max_bytes=documented)
        return self

    @property
    def byte_limit(self) -> int | None:
        """``max_bytes`` as a number, or None (no bound, or no service to take one from)."""
        return None if isinstance(self.max_bytes, ServiceLimit) else self.max_bytes


@attrs.frozen(kw_only=True)
class DownloadOptions(StreamOptions):
    """A download into a file, a directory or a binary file object.

    ``overwrite`` replaces an existing file (refused otherwise); ``durable`` fsyncs the file and
    its directory before returning; ``checksum="sha256"`` fills ``DownloadResult.sha256``;
    ``resume`` keeps a failed download's bytes (``.NAME.part`` and a sidecar) and continues
    them on the next call with ``resume=True``.
    """

    overwrite: bool = False
    durable: bool = False
    checksum: Checksum | None = None
    resume: bool = False


@attrs.frozen(kw_only=True)
class UploadOptions(CallOptions):
    """An upload: ``filename`` to store it under (default: the source's own name), ``size``
    (needed only for a pipe, whose length cannot be measured; such a body is read once, so the
    upload is never retried) and ``progress(done, total)``."""

    filename: str | None = None
    size: int | None = None
    progress: Progress | None = None


class CallKeywords(TypedDict, total=False):
    timeout: Timeout
    max_retries: int | None


class StreamKeywords(CallKeywords, total=False):
    progress: Progress | None
    max_bytes: int | None | ServiceLimit


class DownloadKeywords(StreamKeywords, total=False):
    overwrite: bool
    durable: bool
    checksum: Checksum | None
    resume: bool


class UploadKeywords(CallKeywords, total=False):
    filename: str | None
    size: int | None
    progress: Progress | None
