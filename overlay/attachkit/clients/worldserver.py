"""The WorldServer facades, sync and async (``attachkit.clients.worldserver``, as before).

The code is in ``clients/_async/worldserver.py`` (the source) and
``clients/_sync/worldserver.py`` (generated from it).
"""

from attachkit.clients._async.worldserver import AsyncWorldServer
from attachkit.clients._sync.worldserver import WorldServer

__all__ = ["WorldServer", "AsyncWorldServer"]
