"""attachkit: move file attachments in and out of CodeArts Req, COC and WorldServer.

The generated clients (``codearts_req_client``, ``coc_client``, ``worldserver_client``) speak
the wire protocol; this package adds what a generator cannot know: request signing, sessions,
streaming transfers, retries, errors and the command line.
"""

from attachkit import errors as _errors

# Not `from typing import TYPE_CHECKING`: importing typing would cost `import attachkit` time.
TYPE_CHECKING = False

if TYPE_CHECKING:
    # What the lazy names below resolve to, for type checkers and IDEs (nothing imported at
    # run time). tests/test_typing.py checks that this list and _LAZY name the same things.
    from attachkit._async.download import AsyncDownloadStream as AsyncDownloadStream
    from attachkit._async.sync_job import async_check as async_check
    from attachkit._async.sync_job import async_sync as async_sync
    from attachkit._sync.download import DownloadStream as DownloadStream
    from attachkit._sync.sync_job import check as check
    from attachkit._sync.sync_job import sync as sync
    from attachkit.auth.signer import AkSkAuth as AkSkAuth
    from attachkit.copying import Connections as Connections
    from attachkit.copying import CopyResult as CopyResult
    from attachkit.copying import acopy as acopy
    from attachkit.copying import copy as copy
    from attachkit.credentials import Credentials as Credentials
    from attachkit.errors import APIError as APIError
    from attachkit.errors import AttachkitError as AttachkitError
    from attachkit.errors import AuthenticationError as AuthenticationError
    from attachkit.errors import BadRequestError as BadRequestError
    from attachkit.errors import BodyNotReplayableError as BodyNotReplayableError
    from attachkit.errors import ConfigurationError as ConfigurationError
    from attachkit.errors import ConflictError as ConflictError
    from attachkit.errors import CredentialsNotFoundError as CredentialsNotFoundError
    from attachkit.errors import DestinationExistsError as DestinationExistsError
    from attachkit.errors import InsecureCredentialsFileWarning as InsecureCredentialsFileWarning
    from attachkit.errors import IntegrityError as IntegrityError
    from attachkit.errors import LocalFileError as LocalFileError
    from attachkit.errors import NotFoundError as NotFoundError
    from attachkit.errors import PartialInUseError as PartialInUseError
    from attachkit.errors import PermissionDeniedError as PermissionDeniedError
    from attachkit.errors import RateLimitedError as RateLimitedError
    from attachkit.errors import ResponseTooLargeError as ResponseTooLargeError
    from attachkit.errors import ServerError as ServerError
    from attachkit.errors import TimeoutError as TimeoutError
    from attachkit.errors import TransportError as TransportError
    from attachkit.errors import UnexpectedResponseError as UnexpectedResponseError
    from attachkit.errors import ValidationError as ValidationError
    from attachkit.facades import AsyncCoc as AsyncCoc
    from attachkit.facades import AsyncCodeArtsReq as AsyncCodeArtsReq
    from attachkit.facades import AsyncWorldServer as AsyncWorldServer
    from attachkit.facades import AsyncWorldServerSession as AsyncWorldServerSession
    from attachkit.facades import Coc as Coc
    from attachkit.facades import CodeArtsReq as CodeArtsReq
    from attachkit.facades import WorldServer as WorldServer
    from attachkit.facades import WorldServerSession as WorldServerSession
    from attachkit.options import CallOptions as CallOptions
    from attachkit.options import DownloadOptions as DownloadOptions
    from attachkit.options import StreamOptions as StreamOptions
    from attachkit.options import UploadOptions as UploadOptions
    from attachkit.sync_plan import CheckReport as CheckReport
    from attachkit.sync_plan import SyncReport as SyncReport
    from attachkit.transfer import DownloadResult as DownloadResult
    from attachkit.transfer import RetryPolicy as RetryPolicy
    from attachkit.transfer.types import ProgressEvents as ProgressEvents
    from attachkit.transfer.types import StreamInfo as StreamInfo

__version__ = "0.1.0"

# Public names resolve lazily, so `import attachkit` stays cheap until one is used.
_LAZY = {
    "Credentials": "attachkit.credentials",
    "AkSkAuth": "attachkit.auth.signer",
    "WorldServerSession": "attachkit.facades",
    "AsyncWorldServerSession": "attachkit.facades",
    "CodeArtsReq": "attachkit.facades",
    "AsyncCodeArtsReq": "attachkit.facades",
    "Coc": "attachkit.facades",
    "AsyncCoc": "attachkit.facades",
    "WorldServer": "attachkit.facades",
    "AsyncWorldServer": "attachkit.facades",
    "DownloadResult": "attachkit.transfer",
    "DownloadStream": "attachkit._sync.download",
    "AsyncDownloadStream": "attachkit._async.download",
    "StreamInfo": "attachkit.transfer.types",
    "ProgressEvents": "attachkit.transfer.types",
    "CallOptions": "attachkit.options",
    "DownloadOptions": "attachkit.options",
    "StreamOptions": "attachkit.options",
    "UploadOptions": "attachkit.options",
    "RetryPolicy": "attachkit.transfer",
    "copy": "attachkit.copying",
    "sync": "attachkit._sync.sync_job",
    "async_sync": "attachkit._async.sync_job",
    "check": "attachkit._sync.sync_job",
    "async_check": "attachkit._async.sync_job",
    "SyncReport": "attachkit.sync_plan",
    "CheckReport": "attachkit.sync_plan",
    "acopy": "attachkit.copying",
    "CopyResult": "attachkit.copying",
    "Connections": "attachkit.copying",
    # The error classes are cheap to import (no dependencies), so they come from errors.__all__
    # rather than a second list kept by hand; api_error_class_for stays in attachkit.errors.
    **{name: "attachkit.errors" for name in _errors.__all__ if name[0].isupper()},
}
__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> object:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'attachkit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
