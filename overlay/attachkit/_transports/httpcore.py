"""httpcore's errors as the httpx errors ``httpx.HTTPTransport`` would raise.

``attachkit/_async/transport.py`` (and its generated twin) drives an httpcore connection pool
as ``httpx.HTTPTransport`` does, through public httpcore API. httpx maps httpcore's errors to
its own in a private helper, so the same mapping is written here from the two public
hierarchies. The network backend, which differs between the twins beyond a token rewrite, is
in ``attachkit._synchronization``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpcore
import httpx

__all__ = ["httpx_errors"]

# Most specific first: the first class an error is an instance of decides the httpx error.
_HTTPX_ERROR_FOR: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def httpx_errors() -> Iterator[None]:
    """Raise httpcore's errors as the httpx errors ``httpx.HTTPTransport`` would raise."""
    try:
        yield
    except Exception as exc:
        for core_error, httpx_error in _HTTPX_ERROR_FOR:
            if isinstance(exc, core_error):
                raise httpx_error(str(exc)) from exc
        raise
