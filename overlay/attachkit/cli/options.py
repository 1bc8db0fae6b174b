"""Value types for flags whose nonsense values are refused while parsing, with the range."""

from __future__ import annotations

import argparse
import math

# A day: long enough for any single network wait, short enough to be a number every layer
# below (sockets, asyncio) accepts. Zero would fail every connect at once.
MAX_TIMEOUT_SECONDS = 86400.0
# Each retry waits longer (exponential backoff up to 20 s); past a few dozen the command would
# sit for many minutes before reporting a failure that is clearly not transient.
MAX_RETRIES = 100


def timeout_seconds(text: str) -> float:
    """``--timeout``: seconds, more than 0 and at most a day."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value <= MAX_TIMEOUT_SECONDS):  # also refuses nan and inf
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of seconds greater than 0 and at most "
            f"{MAX_TIMEOUT_SECONDS:g} (e.g. 30)"
        )
    return value


def retry_count(text: str) -> int:
    """``--max-retries``: a whole number from 0 (no retries) to ``MAX_RETRIES``."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not (0 <= value <= MAX_RETRIES):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number from 0 (no retries) to {MAX_RETRIES}"
        )
    return value


def byte_count(text: str) -> int:
    """``--size``: a whole number of bytes, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of bytes (0 or more)")
    return value


def port_number(text: str) -> int:
    """``--port``: 0 (any free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not (0 <= value <= 65535):
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number from 0 (any) to 65535")
    return value


def endpoint_url(text: str) -> str:
    """``--endpoint``: an ``http://`` or ``https://`` URL with a host."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        valid = parts.scheme in {"http", "https"} and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        valid = False
    if not valid:
        from attachkit.redaction import without_userinfo

        raise argparse.ArgumentTypeError(
            f"{without_userinfo(text)!r} is not an http:// or https:// URL with a host "
            "(e.g. http://127.0.0.1:8080 for the mock)"
        )
    return text
