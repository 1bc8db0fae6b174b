"""The service facades: one obvious call per operation, sync and async."""

from attachkit.clients.huawei import AsyncCoc, AsyncCodeArtsReq, Coc, CodeArtsReq
from attachkit.clients.worldserver import AsyncWorldServer, WorldServer

__all__ = ["CodeArtsReq", "AsyncCodeArtsReq", "Coc", "AsyncCoc", "WorldServer", "AsyncWorldServer"]
