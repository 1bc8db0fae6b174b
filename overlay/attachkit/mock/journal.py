"""The request journal: what the mock (or the validating proxy) answered, newest last, bounded.

A test asks it what was sent, as WireMock's request journal lets one: each entry has the
method, path, query, the spec operation it routed to, the status answered and how many body
bytes went each way. It never holds a secret: no header is recorded at all (so no
``Authorization``, ``X-Security-Token`` or WorldServer ``token`` header), no body, and a
query parameter whose name says it carries one (``token``, ``downloadToken``, any
``...secret...``, ``...password...``, ``...signature...``) is kept with its value replaced by
``"***"``. It lives in memory: a ring of ``size`` entries (the oldest drop out), each entry's
path and query values cut at ``_MAX_TEXT`` characters, so the journal's memory is bounded
however long the run and whatever clients send.

``Journal.record`` wraps one ASGI request: it counts the body bytes the app reads and sends
and notes the status of the answer's start. A request the app never answered (a reset fault,
a client that left) is listed with ``status`` None.

A request is listed before its client can know it is over, so a test that has its answer finds
it in the journal: before the last body message goes out, or, when the mock itself breaks the
connection (a cut or reset fault, a proxied answer that broke off), before the connection is
closed: ``transport`` calls the hook the journal puts in the scope under ``CLOSING_HOOK``.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

__all__ = [
    "CLOSING_HOOK",
    "DEFAULT_JOURNAL_SIZE",
    "MAX_JOURNAL_SIZE",
    "Journal",
    "JournalEntry",
    "OperationOf",
    "redact_query",
]

#: The scope key of a function to call just before the server closes the request's connection.
CLOSING_HOOK = "attachkit.closing"
DEFAULT_JOURNAL_SIZE = 1000
MAX_JOURNAL_SIZE = 1_000_000
REDACTED = "***"
# Longer paths and query values are cut: a client cannot make one entry large.
_MAX_TEXT = 2048
_MAX_QUERY_NAMES = 50
_SECRET_NAMES = frozenset({"token", "downloadtoken", "sessionid", "sk", "ak_sk"})
_SECRET_WORDS = ("token", "secret", "password", "passwd", "signature", "credential")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
#: Finds the spec operation of a request: (method, raw path) -> (service, operation id) or None.
OperationOf = Callable[[str, str], "tuple[str, str] | None"]


class JournalEntry(dict[str, Any]):
    """One answered request: a JSON object (as ``GET /_mock/requests`` lists it), whose keys
    also read as attributes (``entry.operation_id`` is ``entry["operation_id"]``).

    Keys: ``seq`` (arrival order), ``time`` (epoch seconds at arrival), ``method``, ``path``,
    ``query`` (name -> value, the first of a repeated name, secrets ``"***"``), ``service`` and
    ``operation_id`` (None off the specs' routes), ``status`` (None when nothing was
    answered), ``request_bytes`` and ``response_bytes`` (body bytes read and sent).
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_NAMES or any(word in lowered for word in _SECRET_WORDS)


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "..."


def redact_query(query_string: bytes) -> dict[str, str]:
    """The query as name -> value (first of a repeated name wins), secrets replaced by ``***``.

    Undecodable bytes become U+FFFD: the journal shows what came, it does not refuse it.
    """
    pairs = parse_qsl(
        query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace"
    )
    query: dict[str, str] = {}
    for name, value in pairs:
        if len(query) >= _MAX_QUERY_NAMES:
            break
        key = _cut(name)
        if key not in query:
            query[key] = REDACTED if _is_secret(name) else _cut(value)
    return query


class _Recording:
    """What one request has read and sent so far."""

    __slots__ = ("request_bytes", "response_bytes", "status", "listed")

    def __init__(self) -> None:
        self.request_bytes = 0
        self.response_bytes = 0
        self.status: int | None = None
        self.listed = False


class Journal:
    """The last ``size`` requests, oldest first; thread-safe. ``size`` 0 records nothing."""

    def __init__(
        self, size: int = DEFAULT_JOURNAL_SIZE, operation_of: OperationOf | None = None
    ) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_JOURNAL_SIZE:
            raise ValueError(f"the journal size must be an integer from 0 to {MAX_JOURNAL_SIZE}")
        self.size = size
        self._operation_of = operation_of
        self._lock = threading.Lock()
        self._entries: deque[JournalEntry] = deque(maxlen=size or None)
        self._seq = itertools.count(1)

    # -- reading ---------------------------------------------------------------------------------

    def entries(self) -> list[JournalEntry]:
        """A copy of the entries, in arrival order (a request is listed once it is done)."""
        with self._lock:
            found = list(self._entries)
        # Requests finish out of order when they overlap; ``seq`` is their arrival.
        found.sort(key=lambda entry: int(entry["seq"]))
        return found

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    # -- recording -------------------------------------------------------------------------------

    async def record(self, scope: Scope, receive: Receive, send: Send, app: App) -> None:
        """Run ``app`` on the request and add its entry, whatever way the app ends."""
        if not self.size:
            await app(scope, receive, send)
            return
        seq = next(self._seq)
        arrived = time.time()
        recording = _Recording()

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                recording.request_bytes += len(message.get("body", b""))
            return message

        def listing() -> None:
            if not recording.listed:
                recording.listed = True
                self._add(self._entry(scope, seq, arrived, recording))

        async def counting_send(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                recording.status = int(message["status"])
            elif kind == "http.response.body":
                recording.response_bytes += len(message.get("body", b""))
                if not message.get("more_body", False):
                    # Listed before the last bytes leave: a client that has its whole answer
                    # finds the request in the journal, with no wait for the app to return.
                    listing()
            await send(message)

        try:
            await app({**scope, CLOSING_HOOK: listing}, counting_receive, counting_send)
        finally:
            listing()

    def _entry(self, scope: Scope, seq: int, arrived: float, recording: _Recording) -> JournalEntry:
        method: str = scope["method"]
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        raw_path_text = raw_path.decode("latin-1")
        found = None
        if self._operation_of is not None:
            found = self._operation_of(method, raw_path_text)
        service, operation_id = found if found is not None else (None, None)
        return JournalEntry(
            seq=seq,
            time=arrived,
            method=method,
            path=_cut(scope["path"]),
            query=redact_query(scope.get("query_string", b"")),
            service=service,
            operation_id=operation_id,
            status=recording.status,
            request_bytes=recording.request_bytes,
            response_bytes=recording.response_bytes,
        )

    def _add(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)
