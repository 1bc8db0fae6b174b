"""The transfer engine as its own tests call it: options stated as keywords.

The engine takes a ``DownloadOptions`` / ``StreamOptions`` value whole (built once at the edge);
its tests state the few options each case needs as keywords, and these wrappers build the value
from them, with ``text_error_parser`` unless a test names another parser.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import attrs

from attachkit._async import download as async_engine
from attachkit._sync import download as sync_engine
from attachkit.options import DownloadOptions, StreamOptions
from attachkit.transfer import DownloadResult, text_error_parser


def _split(options_class: type[Any], keywords: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    names = {field.name for field in attrs.fields(options_class)}
    options = options_class(**{k: v for k, v in keywords.items() if k in names})
    rest = {k: v for k, v in keywords.items() if k not in names}
    rest.setdefault("error_parser", text_error_parser)
    return options, rest


def download(client: Any, request: Any, dest: Any, **keywords: Any) -> DownloadResult:
    options, rest = _split(DownloadOptions, keywords)
    return sync_engine.download(client, request, dest, options, **rest)


async def async_download(client: Any, request: Any, dest: Any, **keywords: Any) -> DownloadResult:
    options, rest = _split(DownloadOptions, keywords)
    return await async_engine.async_download(client, request, dest, options, **rest)


def stream(client: Any, request: Any, **keywords: Any) -> Iterator[bytes]:
    options, rest = _split(StreamOptions, keywords)
    return sync_engine.stream(client, request, options, **rest)


def async_stream(client: Any, request: Any, **keywords: Any) -> AsyncIterator[bytes]:
    options, rest = _split(StreamOptions, keywords)
    return async_engine.async_stream(client, request, options, **rest)
