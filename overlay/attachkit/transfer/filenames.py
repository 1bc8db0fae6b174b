"""File names taken from a server's ``Content-Disposition``, made safe to create on disk.

A download into a directory trusts the server for the name, so the name is reduced to one plain
path component: no separators, no ``..``, no control characters, no leading dot (no hidden or
dot-files such as ``.bashrc``), no Windows device names, and a bounded length. Those rules are
checked again after the length cut (which can expose a dot or a device name), so sanitising a
sanitised name changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

__all__ = ["MAX_FILENAME_BYTES", "filename_from_content_disposition", "sanitize_filename"]

MAX_FILENAME_BYTES = 200
# Every reserved name Microsoft lists ("Naming Files, Paths, and Namespaces"), superscript
# digits and the console's CONIN$/CONOUT$ included, plus the old CLOCK$.
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"{port}{digit}" for port in ("COM", "LPT") for digit in "0123456789\u00b9\u00b2\u00b3"}
)
_EDGES = re.compile(r"\A[\s.]+|[\s.]+\Z")
_PARAM = re.compile(
    r"""\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)\s*(?:;|$)""", re.S
)


def filename_from_content_disposition(value: str | None) -> str | None:
    """The raw file name a ``Content-Disposition`` header proposes, or ``None``.

    ``filename*`` (RFC 6266/8187, ``UTF-8''…`` or ``ISO-8859-1''…``) wins over ``filename``; a
    quoted ``filename`` has its backslash escapes undone. The result is NOT safe yet: pass it
    to :func:`sanitize_filename`.
    """
    if not value:
        return None
    _, _, params = value.partition(";")
    found: dict[str, str] = {}
    for match in _PARAM.finditer(params):
        name, raw = match.group(1).lower(), match.group(2).strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1], flags=re.S)
        found.setdefault(name, raw)
    extended = found.get("filename*")
    if extended:
        charset, _, rest = extended.partition("'")
        _, _, encoded = rest.partition("'")
        if charset.lower() in ("utf-8", "iso-8859-1", "us-ascii") and encoded:
            try:
                return urllib.parse.unquote(encoded, encoding=charset.lower(), errors="strict")
            except (UnicodeDecodeError, LookupError):
                pass
    plain = found.get("filename")
    if plain:
        # Some servers percent-encode UTF-8 inside filename="…" (the browsers' form rule);
        # decoding is safe because everything is sanitised afterwards anyway.
        if re.search(r"%[0-9A-Fa-f]{2}", plain):
            try:
                return urllib.parse.unquote(plain, errors="strict")
            except UnicodeDecodeError:
                return plain
        return plain
    return None


def sanitize_filename(
    name: str | None, fallback: str = "download", max_bytes: int = MAX_FILENAME_BYTES
) -> str:
    """One harmless path component derived from ``name`` (``fallback`` if nothing is left).

    Idempotent: a result passed through again comes back unchanged. The fallback goes through
    the same rules (and ``download`` stands in if nothing of it is left either).
    """
    return _plain_component(name, max_bytes) or _plain_component(fallback, max_bytes) or "download"


def _plain_component(name: str | None, max_bytes: int) -> str:
    text = unicodedata.normalize("NFC", name or "")
    # Keep only the last component: "../../etc/passwd" -> "passwd", "a/b\\c" -> "c".
    text = re.split(r"[/\\]", text)[-1]
    # Control characters (C0, DEL, C1) and the format/line separators that can fool terminals.
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    # Characters Windows forbids in names; harmless elsewhere, so replace them everywhere.
    text = re.sub(r'[<>:"|?*]', "_", text)
    # The edge rules run again after every cut: cutting ". . . .bashrc" to its budget can leave
    # nothing before the extension, i.e. ".bashrc", and "CON . . .txt" can become "CON.txt".
    text = _trim_edges(_truncate_utf8(_trim_edges(text), max_bytes))
    if _is_windows_device(text):
        # The "_" stays first through the cut (which only shortens the end), so the result is
        # neither a device name nor a dot-file.
        text = _trim_edges(_truncate_utf8("_" + text, max_bytes))
    return text


def _trim_edges(text: str) -> str:
    """No leading dot (dot-files) or space, no trailing dot or space (Windows drops them)."""
    return _EDGES.sub("", text)


def _is_windows_device(text: str) -> bool:
    # Windows reads "CON.txt", "con .tar.gz" and "COM¹" as devices: the part before the first
    # dot, trailing spaces ignored, in any case.
    return text.split(".")[0].rstrip(" ").upper() in _WINDOWS_DEVICES


def _truncate_utf8(text: str, max_bytes: int) -> str:
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    stem, dot, ext = text.rpartition(".")
    # Keep a short extension so the file still opens with the right program.
    if dot and stem and 0 < len(ext.encode("utf-8")) <= 16:
        suffix = "." + ext
    else:
        suffix = ""
        stem = text
    budget = max_bytes - len(suffix.encode("utf-8"))
    cut = _trim_edges(stem.encode("utf-8")[: max(budget, 0)].decode("utf-8", "ignore"))
    if not cut:
        # Nothing of the stem fits or is left: never an extension alone (a dot-file).
        return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
    return cut + suffix
