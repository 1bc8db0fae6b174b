"""Text that reaches a terminal: whatever a server sent is shown, never obeyed.

A file name or an error message from a server may hold escape sequences that would retitle the
window, clear the screen or forge output (``\\x1b]0;…\\x07``, ``\\x1b[2J``), and bidirectional
controls that reorder what is displayed. Every such character is printed as a visible escape
(``\\x1b``, ``\\u202e``); ordinary non-ASCII text (``设计.pdf``) is printed as it is.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

# Format characters that change how the text around them is displayed: the bidirectional
# embeddings, overrides and isolates, and the two Unicode line breaks.
_DISPLAY_CONTROLS = frozenset(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C, 0x2028, 0x2029]
)


def _is_unsafe(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ord(ch) in _DISPLAY_CONTROLS


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(text: object) -> str:
    """``text`` with every control character written out as an escape, on one line.

    Newlines and tabs are escaped too: a line of output is one line, whoever wrote its parts.
    """
    value = str(text)
    if not any(_is_unsafe(ch) for ch in value):
        return value
    return "".join(_escape(ch) if _is_unsafe(ch) else ch for ch in value)


def safe_json(value: Any, *, indent: int | None = 2) -> str:
    """JSON for a terminal or a pipe: valid JSON with no raw control character anywhere.

    ``json.dumps`` already escapes C0 controls inside strings; DEL, the C1 range (``\\x9b`` is a
    one-byte CSI to some terminals) and the display controls it would leave raw are escaped as
    ``\\uXXXX``, which JSON reads back as the same character. Raw characters of that kind can
    only sit inside strings, so the document's layout is untouched.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return "".join(f"\\u{ord(ch):04x}" if ch not in "\n" and _is_unsafe(ch) else ch for ch in text)
