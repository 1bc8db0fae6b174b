"""Twin names for what differs between threads and tasks beyond a token rewrite.

``scripts/unasync`` turns ``AsyncLock`` in an ``_async/`` module into ``Lock`` in its ``_sync/``
twin: a lock for tasks on one event loop and a lock for threads.
"""

from __future__ import annotations

import asyncio
import threading

AsyncLock = asyncio.Lock
Lock = threading.Lock

__all__ = ["AsyncLock", "Lock"]
