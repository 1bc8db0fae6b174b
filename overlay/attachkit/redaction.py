"""Secrets out of URLs before a URL is logged, shown or written down: one rule, every path.

A URL may carry a secret in two places: its userinfo (``http://user:PASSWORD@host``, as someone
may write an ``--endpoint`` or a proxy) and its query (a WorldServer ``downloadToken``). Whatever
logs a URL uses :func:`loggable_url`: attachkit's own ``attachkit.http`` line, and httpx's
``HTTP Request: …`` line, which httpx's client writes at INFO when the facades hand it their
requests (behind a proxy, or with only ``NO_PROXY`` set). Importing this module installs
:class:`RedactURLs` on the ``httpx`` logger, so that line is redacted for every httpx client in
the process, whichever path sent the request.
"""

from __future__ import annotations

import logging
import re

import httpx

__all__ = ["RedactURLs", "loggable_url", "without_userinfo"]

# The authority ends at the first "/", "?" or "#" (RFC 3986); its userinfo at its last "@"
# (as urllib.parse and httpx split it). Matches strings that are not valid URLs too.
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


def without_userinfo(url: str) -> str:
    """``url`` with its user name and password, if any, replaced by ``***``."""
    return _USERINFO.sub(r"\1***@", url)


def loggable_url(url: httpx.URL | str) -> str:
    """``url`` as it may be logged: userinfo replaced by ``***``, no query, no fragment."""
    text = without_userinfo(str(url))
    return re.split(r"[?#]", text, maxsplit=1)[0]


class RedactURLs(logging.Filter):
    """Replaces every ``httpx.URL`` among a log record's arguments by its :func:`loggable_url`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                loggable_url(arg) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True


# httpx logs each exchange on the one logger "httpx" (documented: httpx "Logging"), passing the
# request's URL object as an argument.
_httpx_log = logging.getLogger("httpx")
if not any(isinstance(existing, RedactURLs) for existing in _httpx_log.filters):
    _httpx_log.addFilter(RedactURLs())
