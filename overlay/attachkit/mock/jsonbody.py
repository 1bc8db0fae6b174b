"""The one parse every JSON request body of the mock goes through, bounded in size and nesting.

Python's ``json`` module recurses once per nesting level, so a body of 100,000 ``[`` raises
``RecursionError``, which no handler catches: the client got a 500 and the log a traceback.
Here the nesting is counted first, by a scan that does not recurse (brackets inside strings
are skipped), and a body nested deeper than ``MAX_JSON_DEPTH`` is refused before ``json``
sees it. The body must be UTF-8 (RFC 8259 §8.1) and real JSON: ``NaN`` and ``Infinity``, which
``json`` reads by default, are refused too. Every refusal is an ``InvalidJson`` (a
``ValueError``) whose message the caller answers 400 with; the size bound is the caller's,
``read_limited(body, JSON_BODY_LIMIT)``, answered 413 before anything is parsed.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["JSON_BODY_LIMIT", "MAX_JSON_DEPTH", "InvalidJson", "parse_json"]

# A login, a fault rule or an attach request is a few hundred bytes; a fault's injected body
# may be larger, but never needs a mebibyte.
JSON_BODY_LIMIT = 1024 * 1024
# Far more than any body the specs or the control API describe (a fault's injected body
# included), far less than the interpreter's recursion limit, which the handlers' own
# recursion (jsonschema validation, json.dumps of an injected body) also draws on.
MAX_JSON_DEPTH = 128

# A JSON string (its escapes included) or one bracket: strings are matched whole so that the
# brackets inside them are not counted. The unrolled loop never backtracks.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


class InvalidJson(ValueError):
    """A body that is not UTF-8 JSON within the mock's bounds; the message says why."""


def _reject_constant(name: str) -> Any:
    raise InvalidJson(f"Invalid JSON: {name} is not a JSON number")


def parse_json(raw: bytes) -> Any:
    """The JSON value of ``raw``; ``InvalidJson`` if it is not UTF-8 JSON nested at most
    ``MAX_JSON_DEPTH`` deep."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidJson("Invalid JSON: the body is not UTF-8") from None
    _check_depth(text)
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except InvalidJson:
        raise
    except (ValueError, RecursionError):
        # RecursionError cannot come from a body that passed the depth check, unless the
        # caller's own stack is already deep: still the body's problem to report, not a 500.
        raise InvalidJson("Invalid JSON") from None


def _check_depth(text: str) -> None:
    # Not nested deeper than the bound if there are not that many opening brackets at all:
    # the common case costs two scans in C.
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise InvalidJson(f"Invalid JSON: nested deeper than {MAX_JSON_DEPTH}")
        elif token in ("]", "}"):
            depth -= 1
