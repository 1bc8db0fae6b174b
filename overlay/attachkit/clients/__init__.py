"""The service facades: one obvious call per operation, sync and async.

The async facades (``clients/_async/``) are the single source; the sync ones (``clients/_sync/``)
are generated from them by ``scripts/unasync`` (as encode/httpcore does), and
``tests/test_unasync.py`` checks the committed twins are current. Why: a facade method is a few
lines of request building around one awaited call, and its sync twin is the same lines without
``await``. Generating it gives two ordinary classes whose methods say exactly what they return
(``ScrumAttachment`` on ``CodeArtsReq``, a coroutine of it on ``AsyncCodeArtsReq``), so type
checkers, IDEs and ``help()`` see the real signatures, and a forgotten ``await`` is a type error.
The alternative, one runtime class generic over its executor with self-typed ``@overload`` pairs
on every method, keeps two signatures per method in step by hand and makes a result's type
depend on a type parameter that ``help()`` and IDEs show poorly. What token rewriting cannot
express (the async transport's sharded pool, locks for threads or tasks) is in small hand-written
shims beside their users (``clients/_shims.py``, ``attachkit/_shims.py``), imported under twin
names (``async_default_transport`` / ``default_transport``, ``AsyncLock`` / ``Lock``).
"""

from attachkit.clients._async.huawei import (
    AsyncCoc,
    AsyncCodeArtsReq,
    AsyncIpdAttachments,
    AsyncScrumAttachments,
)
from attachkit.clients._async.worldserver import AsyncWorldServer
from attachkit.clients._sync.huawei import Coc, CodeArtsReq, IpdAttachments, ScrumAttachments
from attachkit.clients._sync.worldserver import WorldServer

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
]
