# Generated from overlay/attachkit/_async/retry.py by scripts/unasync: do not edit.
"""Send a request again after retryable failures, within the budget of a ``RetryPolicy``."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from attachkit._transports.sending import RequestSender
from attachkit.transfer.retry import RetryPolicy, RetryState

__all__ = ["send_with_retries"]


def send_with_retries(
    client: RequestSender,
    build_request: Callable[[], httpx.Request],
    policy: RetryPolicy | None = None,
    *,
    idempotent: bool,
    replayable: bool = True,
    stream: bool = False,
    operation: str | None = None,
) -> httpx.Response:
    """Send the request ``build_request()`` makes, again after retryable failures.

    ``build_request`` is called once per attempt so that an upload body starts from its first
    byte and the auth flow signs each attempt afresh. Returns the last response, whatever its
    status (pass it to ``raise_for_status``); a transport failure that is not retried (or
    runs out of budget) raises ``TransportError``/``TimeoutError``.
    """
    state = RetryState(policy or RetryPolicy(), idempotent, replayable, operation)
    while True:
        try:
            response = client.send(build_request(), stream=stream)
        except httpx.TransportError as exc:
            state.policy.sleep(state.after_exception(exc))
            continue
        delay = state.after_status(response)
        if delay is None:
            return response
        response.close()
        state.policy.sleep(delay)
