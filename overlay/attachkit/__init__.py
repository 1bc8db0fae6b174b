"""attachkit: move file attachments in and out of CodeArts Req, COC and WorldServer.

The generated clients (``codearts_req_client``, ``coc_client``, ``worldserver_client``) speak
the wire protocol; this package adds what a generator cannot know: request signing, sessions,
streaming transfers, retries, errors and the command line.
"""

from attachkit import errors as _errors

__version__ = "0.1.0"

# Public names resolve lazily, so `import attachkit` stays cheap until one is used.
_LAZY = {
    "Credentials": "attachkit.credentials",
    "AkSkAuth": "attachkit.signing.signer",
    "WorldServerSession": "attachkit.worldserver_session",
    "AsyncWorldServerSession": "attachkit.worldserver_session",
    "CodeArtsReq": "attachkit.clients",
    "AsyncCodeArtsReq": "attachkit.clients",
    "Coc": "attachkit.clients",
    "AsyncCoc": "attachkit.clients",
    "WorldServer": "attachkit.clients",
    "AsyncWorldServer": "attachkit.clients",
    "DownloadResult": "attachkit.transfer",
    "RetryPolicy": "attachkit.transfer",
    "copy": "attachkit.copying",
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
