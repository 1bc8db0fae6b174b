"""CodeArts Req and COC facades, sync and async (``attachkit.clients.huawei``, as before).

The code is in ``clients/_async/huawei.py`` (the source) and ``clients/_sync/huawei.py``
(generated from it); the operations, endpoints and limits are in ``clients/_services.py``.
"""

from attachkit.clients._async.huawei import (
    AsyncCoc,
    AsyncCodeArtsReq,
    AsyncIpdAttachments,
    AsyncScrumAttachments,
)
from attachkit.clients._services import (
    COC_ENDPOINTS,
    COC_EXTENSIONS,
    COC_MAX_BYTES,
    IPD_MAX_BYTES,
    SCRUM_MAX_BYTES,
)
from attachkit.clients._sync.huawei import Coc, CodeArtsReq, IpdAttachments, ScrumAttachments

__all__ = [
    "CodeArtsReq",
    "AsyncCodeArtsReq",
    "Coc",
    "AsyncCoc",
    "ScrumAttachments",
    "AsyncScrumAttachments",
    "IpdAttachments",
    "AsyncIpdAttachments",
    "COC_ENDPOINTS",
    "COC_EXTENSIONS",
    "COC_MAX_BYTES",
    "IPD_MAX_BYTES",
    "SCRUM_MAX_BYTES",
]
