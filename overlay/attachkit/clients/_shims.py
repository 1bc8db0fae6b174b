"""The pieces of the facades that differ between sync and async beyond a token rewrite.

``scripts/unasync`` turns ``async_default_transport`` in ``_async/`` into ``default_transport``
in ``_sync/`` (and ``async_download_all`` into ``download_all``); each pair is written here by
hand because they are not the same code: the async client spreads its connections over small
pools (``_pool``), the sync one uses one httpx pool; the async bulk download runs its downloads as
tasks, the sync one in worker threads (``attachkit.bulk``).
"""

from __future__ import annotations

import os
import urllib.request
from typing import TYPE_CHECKING, Any

import httpx

from attachkit.clients._common import connection_limits
from attachkit.clients._pool import async_transport
from attachkit.clients._sync.transport import BoundedTransport
from attachkit.transfer import Progress

if TYPE_CHECKING:
    from attachkit.bulk import BulkDownload


def default_transport(max_connections: int) -> httpx.BaseTransport | None:
    """The bounded transport (``clients/_async/transport.py``) with the client's limits, or
    None (httpx picks its own) behind a proxy.

    Built here rather than by the client so that the facade's sender can use it directly
    (``clients/_async/send.py``); httpx honours HTTP(S)_PROXY and NO_PROXY only when it builds
    the transports itself, so with a proxy in the environment it still does.
    """
    if urllib.request.getproxies():
        return None
    return BoundedTransport(connection_limits(max_connections))


def async_default_transport(max_connections: int) -> httpx.AsyncBaseTransport | None:
    """The sharded pool (``clients/_pool.py``), or None (httpx's own) behind a proxy."""
    return async_transport(max_connections)


def download_all(
    ipd: Any,
    project_id: str,
    issue_id: str,
    dest_dir: str | os.PathLike[str],
    *,
    jobs: int,
    overwrite: bool,
    resume: bool,
    source_project_id: str | None,
    progress: Progress | None,
) -> BulkDownload:
    """``attachkit.bulk.download_all`` (imported on first use: it brings anyio)."""
    from attachkit import bulk

    return bulk.download_all(
        ipd, project_id, issue_id, dest_dir, jobs=jobs, overwrite=overwrite,
        resume=resume, source_project_id=source_project_id, progress=progress,
    )  # fmt: skip


async def async_download_all(
    ipd: Any,
    project_id: str,
    issue_id: str,
    dest_dir: str | os.PathLike[str],
    *,
    jobs: int,
    overwrite: bool,
    resume: bool,
    source_project_id: str | None,
    progress: Progress | None,
) -> BulkDownload:
    """``attachkit.bulk.adownload_all`` (imported on first use: it brings anyio)."""
    from attachkit import bulk

    return await bulk.adownload_all(
        ipd, project_id, issue_id, dest_dir, jobs=jobs, overwrite=overwrite,
        resume=resume, source_project_id=source_project_id, progress=progress,
    )  # fmt: skip
