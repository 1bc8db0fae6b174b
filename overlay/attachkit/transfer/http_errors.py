"""Turn what httpx raises and what services answer into attachkit errors.

The three services word their errors differently, so the body parser is pluggable: a facade passes
the parser for its service (there is no default) and everything else (a bounded body, the request
id, the status family) is shared. Reading an error answer's body is I/O, so it lives in the
drivers: ``_async/http_errors.py`` and its generated twin ``_sync/http_errors.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import httpx

from attachkit.errors import APIError, TimeoutError, TransportError, api_error_class_for
from attachkit.untrusted import UntrustedJSONError, load_json

__all__ = [
    "ErrorInfo",
    "ErrorParser",
    "MAX_ERROR_BODY",
    "api_error_from",
    "coc_error_parser",
    "huawei_error_parser",
    "text_error_parser",
    "transport_error_from",
]

# An error body is a few hundred bytes; a hostile or broken server must not make us buffer a
# gigabyte just to build an exception message.
MAX_ERROR_BODY = 64 * 1024
_MAX_MESSAGE = 1000


@attrs.frozen
class ErrorInfo:
    """The service's own words for what went wrong."""

    error_code: str | None = None
    error_msg: str | None = None


ErrorParser = Callable[[int, httpx.Headers, bytes], ErrorInfo]
"""``(status, headers, body) -> ErrorInfo``; must not raise on garbage input."""


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)[:_MAX_MESSAGE]


def _json_object(body: bytes) -> dict[str, object] | None:
    try:
        data = load_json(body)
    except UntrustedJSONError:
        return None
    return data if isinstance(data, dict) else None


def _plain(body: bytes) -> str | None:
    text = body.decode("utf-8", "replace").strip()
    return text[:_MAX_MESSAGE] or None


def huawei_error_parser(status: int, headers: httpx.Headers, body: bytes) -> ErrorInfo:
    """CodeArts Req and the API gateway: ``{"error_code": …, "error_msg": …}``."""
    data = _json_object(body)
    if data is None:
        return ErrorInfo(None, _plain(body))
    code = data.get("error_code", data.get("errorCode", data.get("code")))
    msg = data.get("error_msg", data.get("errorMsg", data.get("message", data.get("msg"))))
    return ErrorInfo(_text(code), _text(msg))


def coc_error_parser(status: int, headers: httpx.Headers, body: bytes) -> ErrorInfo:
    """COC: ``{"provider_code": 4, "error_code": …, "error_msg": …, "data": null}``.

    ``provider_code`` is documented as a string but sent as a number; it is kept only when there
    is no ``error_code`` to report, since the latter is what COC's error tables are keyed by.
    """
    info = huawei_error_parser(status, headers, body)
    if info.error_code is None:
        data = _json_object(body)
        if data is not None and data.get("provider_code") is not None:
            return ErrorInfo(_text(data["provider_code"]), info.error_msg)
    return info


def text_error_parser(status: int, headers: httpx.Headers, body: bytes) -> ErrorInfo:
    """WorldServer answers plain text (sometimes JSON with ``message``/``errorCode``)."""
    data = _json_object(body)
    if data is not None:
        code = data.get("errorCode", data.get("error_code", data.get("error")))
        msg = data.get("message", data.get("error_msg", data.get("errorMessage")))
        if code is not None or msg is not None:
            return ErrorInfo(_text(code), _text(msg))
    return ErrorInfo(None, _plain(body))


def api_error_from(
    status: int,
    headers: httpx.Headers,
    body: bytes,
    parser: ErrorParser,
    *,
    service: str | None = None,
    operation: str | None = None,
) -> APIError:
    """The ``APIError`` subclass for ``status``, filled from the body by ``parser``."""
    try:
        info = parser(status, headers, body[:MAX_ERROR_BODY])
    except Exception:  # a parser bug must not hide the service's status
        info = ErrorInfo(None, _plain(body[:MAX_ERROR_BODY]))
    return api_error_class_for(status)(
        status,
        info.error_code,
        info.error_msg,
        request_id=headers.get("x-request-id"),
        service=service,
        operation=operation,
    )


def transport_error_from(exc: httpx.TransportError, operation: str | None = None) -> TransportError:
    """Map an httpx failure to ``TimeoutError`` or ``TransportError``.

    The message names the exception type and httpx's text only: httpx does not put the URL in
    it, and a WorldServer download URL may carry a ``downloadToken`` in its query (the session
    token itself travels as a header, never in the URL).
    """
    prefix = f"{operation}: " if operation else ""
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return TimeoutError(f"{prefix}{type(exc).__name__}: {detail}")
    return TransportError(f"{prefix}{type(exc).__name__}: {detail}")
