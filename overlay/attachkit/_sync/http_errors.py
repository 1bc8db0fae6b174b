# Generated from overlay/attachkit/_async/http_errors.py by scripts/unasync: do not edit.
"""Read an error answer (bounded) and raise it as the service's ``APIError``."""

from __future__ import annotations

import httpx

from attachkit._sync.answers import read_answer
from attachkit.errors import IntegrityError
from attachkit.transfer.http_errors import MAX_ERROR_BODY, ErrorParser, api_error_from

__all__ = ["raise_for_status", "read_error_body"]


def read_error_body(response: httpx.Response) -> bytes:
    """At most ``MAX_ERROR_BODY`` bytes of a (possibly streamed) error response, decoded in
    bounded steps; a cut or undecodable error body still has a status worth reporting."""
    try:
        return read_answer(response, MAX_ERROR_BODY, truncate=True)
    except (httpx.HTTPError, httpx.StreamError, IntegrityError):
        return b""


def raise_for_status(
    response: httpx.Response,
    parser: ErrorParser,
    *,
    service: str | None = None,
    operation: str | None = None,
) -> None:
    """Raise the matching ``APIError`` when ``response`` is a 4xx/5xx (or stray 3xx).

    ``parser`` is the service's error parser (``huawei_error_parser``, ``coc_error_parser``,
    ``text_error_parser`` or your own).
    """
    if response.status_code < 300:
        return
    body = read_error_body(response)
    raise api_error_from(
        response.status_code, response.headers, body, parser, service=service, operation=operation
    )
