"""What the transfer engine sends requests through: anything with httpx's ``send``.

An ``httpx.Client`` (``httpx.AsyncClient``) is one; the facades pass their own sender, which
goes straight to the transport (``attachkit/_async/send.py``). Only
``send(request, stream=...)`` is used, so a test or a caller may pass either.
"""

from __future__ import annotations

from typing import Protocol

import httpx

__all__ = ["AsyncRequestSender", "RequestSender"]


class RequestSender(Protocol):
    def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response: ...


class AsyncRequestSender(Protocol):
    async def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response: ...
