"""The service facades and WorldServer sessions, sync and async: the public names, gathered.

The async classes (``attachkit/_async/``) are the single source; the sync ones
(``attachkit/_sync/``) are generated from them by ``scripts/unasync`` (as encode/httpcore does),
and ``tests/test_unasync.py`` checks the committed twins are current. Why: a facade method is a
few lines of request building around one awaited call, and its sync twin is the same lines
without ``await``. Generating it gives two ordinary classes whose methods say exactly what they
return (``ScrumAttachment`` on ``CodeArtsReq``, a coroutine of it on ``AsyncCodeArtsReq``), so
type checkers, IDEs and ``help()`` see the real signatures, and a forgotten ``await`` is a type
error. The alternative, one runtime class generic over its executor with self-typed
``@overload`` pairs on every method, keeps two signatures per method in step by hand and makes
a result's type depend on a type parameter that ``help()`` and IDEs show poorly. What token
rewriting cannot express (locks for threads or tasks, blocking work off the loop) is in one
hand-written module, ``attachkit/_synchronization.py``, imported under twin names
(``AsyncLock`` / ``Lock``); the transports under twin names are in ``attachkit/_transports``.

The services' limits (``COC_EXTENSIONS``, ``SCRUM_MAX_BYTES``, …) are in ``attachkit.catalog``.
"""

from attachkit._async.huawei import (
    AsyncCoc,
    AsyncCodeArtsReq,
    AsyncIpdAttachments,
    AsyncScrumAttachments,
)
from attachkit._async.worldserver import AsyncWorldServer
from attachkit._async.worldserver_session import AsyncWorldServerSession
from attachkit._sync.huawei import Coc, CodeArtsReq, IpdAttachments, ScrumAttachments
from attachkit._sync.worldserver import WorldServer
from attachkit._sync.worldserver_session import WorldServerSession

__all__ = [
    "CodeArtsReq",
    "AsyncCodeArtsReq",
    "Coc",
    "AsyncCoc",
    "WorldServer",
    "AsyncWorldServer",
    "ScrumAttachments",
    "AsyncScrumAttachments",
    "IpdAttachments",
    "AsyncIpdAttachments",
    "WorldServerSession",
    "AsyncWorldServerSession",
]
