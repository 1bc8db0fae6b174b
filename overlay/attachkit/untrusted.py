"""Numbers and JSON documents from outside attachkit, read with bounds: the one parser of each.

Everything a server sends, and every file another process could have written, is untrusted, and
Python's own parsers are not bounded for it: ``str.isdigit()`` accepts ``²`` and ``①`` (which
``int()`` then refuses), ``int()`` reads Arabic-Indic digits and raises ``ValueError`` past 4300
digits, and ``json.loads`` recurses once per nesting level, so a document 100,000 levels deep
raises ``RecursionError``, which no caller expects. ``parse_number`` reads a count (a header
number such as ``Content-Length``, ``Content-Range`` or ``Retry-After``, or a size a listing
gives as text) as ASCII digits of a bounded length; ``load_json`` refuses a document that is too
large or nested too deep before ``json.loads`` sees it.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

__all__ = ["MAX_JSON_DEPTH", "MAX_NUMBER_DIGITS", "UntrustedJSONError", "load_json", "parse_number"]

# 18 digits count up to an exabyte, beyond any size or delay a server can mean; 19 could pass
# 2**63, the largest size the file APIs take.
MAX_NUMBER_DIGITS = 18
# The documented answers nest four levels; unknown fields a service adds get a wide margin.
MAX_JSON_DEPTH = 64

_NUMBER = re.compile(rf"[0-9]{{1,{MAX_NUMBER_DIGITS}}}")  # [0-9], not \d: ASCII digits only
# A JSON string, escapes included (the unrolled form: no backtracking per character).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def parse_number(text: str | None) -> int | None:
    """``text`` as a whole number when it is 1 to 18 ASCII digits, and nothing else; else None.

    None covers absent, empty, signed, fractional, spaced, non-ASCII and too long alike: each
    caller decides what an unusable number means for it (an unknown size, an unusable range, no
    delay, a refused argument).
    """
    return int(text) if text is not None and _NUMBER.fullmatch(text) else None


class UntrustedJSONError(ValueError):
    """A document that is not JSON, or is larger or deeper than allowed.

    ``reason`` says which, in our words; the document itself is never quoted (an answer can
    carry tokens).
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def load_json(
    raw: bytes | str, *, max_bytes: int | None = None, max_depth: int = MAX_JSON_DEPTH
) -> Any:
    """The JSON document in ``raw`` (UTF-8), or ``UntrustedJSONError`` saying why not.

    ``max_bytes`` bounds the document's size (None: the caller has bounded it already, as an
    answer read through ``transfer.answers`` is); ``max_depth`` its nesting, checked without
    recursion before anything is parsed. ``NaN`` and ``Infinity`` are refused: they are not JSON.
    """
    if max_bytes is not None and len(raw) > max_bytes:
        raise UntrustedJSONError(f"larger than {max_bytes} bytes")
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise UntrustedJSONError("not UTF-8") from None
    if _nests_deeper(text, max_depth):
        raise UntrustedJSONError(f"nested more than {max_depth} deep")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except ValueError:  # JSONDecodeError, NaN/Infinity, a number of thousands of digits
        raise UntrustedJSONError("not JSON") from None


def _nests_deeper(text: str, max_depth: int) -> bool:
    """Whether ``text``'s arrays and objects nest more than ``max_depth`` deep.

    Brackets inside strings do not count. Exact for valid JSON (a quote outside a string always
    opens one); for anything else it may overcount, never undercount, what ``json.loads`` would
    recurse into before it fails.
    """
    # Few brackets cannot nest deep: the common answer costs two counts and no copy.
    if text.count("[") + text.count("{") <= max_depth:
        return False
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0) > max_depth


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
