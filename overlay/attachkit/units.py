"""Sizes as people read them, in the binary units the services' limits are defined in.

COC's documented 10 MB is 10,485,760 bytes: a binary megabyte. So every size attachkit shows, in
a progress bar, a summary or a refusal, is in B, KiB, MiB, GiB (powers of 1024) and can be
compared with a limit directly; one module, so the command line and the library never disagree.
"""

from __future__ import annotations

__all__ = ["binary_size", "limit_text", "size_text"]

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")
_MIB = 1024 * 1024


def binary_size(count: float, unit_of: float | None = None) -> str:
    """``count`` bytes in the binary unit that fits ``unit_of`` (default: ``count`` itself)."""
    reference = count if unit_of is None else unit_of
    exponent = 0
    while reference >= 1024 and exponent < len(_UNITS) - 1:
        reference /= 1024
        exponent += 1
    if exponent == 0:
        return f"{int(count)} B"
    return f"{count / 1024**exponent:.1f} {_UNITS[exponent]}"


def size_text(done: int, total: int | None) -> str:
    """``12.0/40.0 MiB`` (both in the total's unit); ``12.0 MiB`` while the total is unknown."""
    if total is None:
        return binary_size(done)
    amount, _, unit = binary_size(total).partition(" ")
    done_text = binary_size(done, unit_of=total).partition(" ")[0]
    return f"{done_text}/{amount} {unit}"


def limit_text(size: int) -> str:
    """A documented limit in the unit it is defined in: "10 MiB" (10 * 1024 * 1024 bytes)."""
    return f"{size // _MIB} MiB" if size >= _MIB and size % _MIB == 0 else f"{size:,} bytes"
