"""WorldServer session tokens: log in lazily, reuse the token, log in again once on 401.

``WorldServerSession`` (sync) and ``AsyncWorldServerSession`` are ``httpx.Auth`` objects: give
one to an ``httpx.Client`` / ``httpx.AsyncClient`` (``auth=session``) and every request gets
the ``token`` header. The login goes through the same client, so it uses the same transport,
proxies and timeouts. The token travels in a header, never in the URL, so it stays out of
access logs. Concurrent requests share one login: a thread (or task) that finds no token waits
for the one already logging in instead of logging in itself.

A request answered 401 is repeated once with a fresh token. Its body must be replayable for
that (bytes, JSON, or a multipart upload from seekable files); a one-shot generator body
cannot be sent twice, and httpx then raises ``httpx.StreamConsumed`` (the facades' own upload
body read from a pipe raises ``attachkit.errors.BodyNotReplayableError``).

The async session is the source (``attachkit/_async/worldserver_session.py``); the sync one is
generated from it by ``scripts/unasync``.
"""

from attachkit._async.worldserver_session import AsyncWorldServerSession
from attachkit._sync.worldserver_session import WorldServerSession
from attachkit._worldserver_login import LOGIN_PATH, TOKEN_HEADER

__all__ = ["WorldServerSession", "AsyncWorldServerSession", "LOGIN_PATH", "TOKEN_HEADER"]
