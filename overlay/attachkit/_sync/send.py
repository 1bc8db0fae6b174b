# Generated from overlay/attachkit/_async/send.py by scripts/unasync: do not edit.
"""Sending a facade's requests: straight to the transport, the auth flow driven here.

``httpx.Client.send`` does, for every request, work that attachkit never needs: it runs
each answer's headers through urllib's cookie jar (``Set-Cookie`` handling), checks redirects,
runs event hooks and wraps the body in a timing stream: more CPU than the request's signature.
Sent this way (with the changes beside it), a 1 KiB download costs the sync facade what it
costs a bare ``httpx.HTTPTransport``, about 1.3-1.6 ms of user CPU against 2.0-2.5 ms before
(``scripts/bench-small``).

The facades build complete requests themselves (URL, timeout, default headers:
``Client._request``), so this sender hands them to the transport through the public
transport API (``handle_request``) and drives the auth flow (the AK/SK signer, the
WorldServer session) the way httpx does.

Differences from ``httpx.Client.send``, on purpose: no cookies are kept or sent (neither
service uses them; requests are signed or carry a session token), redirects are never
followed (httpx's default too), an answer the auth flow replaces (a WorldServer ``401``
before a new login) is closed unread rather than read whole, and each exchange is logged at
DEBUG on ``attachkit.http`` in place of httpx's INFO line. Either line shows the URL through
``attachkit.redaction.loggable_url`` (no userinfo, no query).

The sync twin ``Sender`` is generated from this file by ``scripts/unasync``.
"""

from __future__ import annotations

import logging

import httpx

from attachkit.redaction import loggable_url

__all__ = ["Sender"]

# One DEBUG line per exchange, in place of the INFO line httpx's client would have logged: the
# method, the URL without its userinfo and query (a WorldServer download URL carries its
# downloadToken there) and the status.
_log = logging.getLogger("attachkit.http")


class Sender:
    """Sends requests built for ``client`` through ``transport`` with ``auth``.

    ``client`` is the facade's ``httpx.Client`` on the same transport: once it is closed,
    so is this sender.
    """

    def __init__(
        self, client: httpx.Client, transport: httpx.BaseTransport, auth: httpx.Auth
    ) -> None:
        self._client = client
        self._transport = transport
        self._auth = auth

    def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """Send ``request`` (signed on the way); the answer, its body read unless ``stream``."""
        if self._client.is_closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        auth = self._auth
        if auth.requires_request_body:
            request.read()
        flow = auth.sync_auth_flow(request)
        try:
            request = flow.__next__()
            while True:
                response = self._send_once(request)
                try:
                    if auth.requires_response_body:
                        response.read()
                    next_request = flow.send(response)
                except StopIteration:
                    break
                except BaseException:
                    response.close()
                    raise
                response.close()
                request = next_request
        finally:
            flow.close()
        if not stream:
            try:
                response.read()
            except BaseException:
                response.close()
                raise
        return response

    def _send_once(self, request: httpx.Request) -> httpx.Response:
        if "timeout" not in request.extensions:
            # A request the auth flow made (a WorldServer login) gets the client's timeout, as
            # httpx's client gives it: without one it would wait for ever, and the transport's
            # bounds on the answer (transfer.deadlines) derive from it.
            timeout = self._client.timeout.as_dict()
            request.extensions = {**request.extensions, "timeout": timeout}
        try:
            response = self._transport.handle_request(request)
        except httpx.RequestError as exc:
            # As httpx's client does: the failure names its request (the CLI reports its host).
            try:
                exc.request  # noqa: B018 - raises RuntimeError when none is set
            except RuntimeError:
                exc.request = request
            raise
        response.request = request
        if _log.isEnabledFor(logging.DEBUG):
            url = loggable_url(request.url)
            _log.debug("%s %s: %d", request.method, url, response.status_code)
        return response
