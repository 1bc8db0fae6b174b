"""Where the facades' requests leave the process: transports, their limits, the read path.

``connection_limits`` sizes a facade's pool; ``pool`` spreads the async client's connections
over small pools; ``httpcore`` maps httpcore's errors to httpx's; ``fast_read`` is the
version-gated large-body read path of the download engine; ``sending`` names what the engine
sends through. The transports and the sender themselves are I/O, written once in
``attachkit/_async/transport.py`` and ``send.py`` (the sync twins generated), as httpx keeps
its transports apart from its clients.
"""

from __future__ import annotations

import httpx

__all__ = ["connection_limits"]


def connection_limits(max_connections: int) -> httpx.Limits:
    """httpx's limits for a client of ``max_connections`` (keep-alive as httpx's default)."""
    if max_connections < 1:
        raise ValueError("max_connections must be at least 1")
    return httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=min(20, max_connections)
    )
