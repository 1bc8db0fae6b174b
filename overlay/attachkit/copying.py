"""Copy one file between a local path and the services, or from one service to another.

``copy(src, dst)`` / ``await acopy(src, dst)``; the addresses are described in
``attachkit.addresses``. The engine is ``attachkit/_async/copy.py`` (the sync ``copy`` is its
generated twin, not an event loop run for the caller).
"""

from attachkit._async.copy import async_copy as acopy
from attachkit._sync.copy import copy
from attachkit.addresses import Connections, parse_address
from attachkit.transfer.types import CopyResult

__all__ = ["Connections", "CopyResult", "acopy", "copy", "parse_address"]
