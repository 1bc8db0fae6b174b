"""attachkit: move file attachments in and out of CodeArts Req, COC and WorldServer.

The generated clients (``codearts_req_client``, ``coc_client``, ``worldserver_client``) speak
the wire protocol; this package adds what a generator cannot know: request signing, sessions,
streaming transfers, retries, errors and the command line.
"""

__version__ = "0.1.0"

# Public names resolve lazily, so `import attachkit` stays cheap until one is used.
_LAZY = {
    "Credentials": "attachkit.credentials",
    "AkSkAuth": "attachkit.signing.signer",
}


def __getattr__(name: str) -> object:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'attachkit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
