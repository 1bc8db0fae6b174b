"""A local mock of CodeArts Req, COC and WorldServer, driven by attachkit's OpenAPI specs.

Needs the ``attachkit[mock]`` extra (uvicorn, jsonschema, regex). In-process use::

    from attachkit.mock import MockServer

    with MockServer() as mock:          # 127.0.0.1, a free port, a temporary data directory
        mock.base_url, mock.credentials, mock.ws_user, mock.ws_password
        mock.faults.status("GET", "/v1/incident/attachments/*", 503, retry_after=1)
        mock.control_client().get("/_mock/attachments")  # the /_mock/ API, with its token

From a shell: ``attachkit mock serve --port 8080`` (or ``python -m attachkit mock serve``).
In pytest, the ``attachkit_mock`` fixture (``pytest_plugin``); in front of a real service,
``attachkit mock proxy`` (``proxy``). docs/mock.md has an example of each.
"""

# Not `from typing import TYPE_CHECKING`: importing typing would cost `import attachkit` time.
TYPE_CHECKING = False

if TYPE_CHECKING:
    # What the lazy names below resolve to, for type checkers (nothing imported at run time).
    from attachkit.mock.app import MockApp as MockApp
    from attachkit.mock.app import create_app as create_app
    from attachkit.mock.config import DEV_AK as DEV_AK
    from attachkit.mock.config import DEV_SK as DEV_SK
    from attachkit.mock.config import DEV_WS_PASSWORD as DEV_WS_PASSWORD
    from attachkit.mock.config import DEV_WS_USER as DEV_WS_USER
    from attachkit.mock.config import AkSkAccount as AkSkAccount
    from attachkit.mock.config import Limits as Limits
    from attachkit.mock.config import MockConfig as MockConfig
    from attachkit.mock.faults import FaultRule as FaultRule
    from attachkit.mock.faults import Faults as Faults
    from attachkit.mock.proxy import ProxyServer as ProxyServer
    from attachkit.mock.server import MockServer as MockServer

# Names resolve on first use: `attachkit --help` builds the `mock serve` parser from
# attachkit.cli.mock, and must not pay for importing uvicorn and the app to do so.
_LAZY = {
    "MockApp": "attachkit.mock.app",
    "create_app": "attachkit.mock.app",
    "DEV_AK": "attachkit.mock.config",
    "DEV_SK": "attachkit.mock.config",
    "DEV_WS_PASSWORD": "attachkit.mock.config",
    "DEV_WS_USER": "attachkit.mock.config",
    "AkSkAccount": "attachkit.mock.config",
    "CONTROL_TOKEN_HEADER": "attachkit.mock.config",
    "Limits": "attachkit.mock.config",
    "MockConfig": "attachkit.mock.config",
    "FaultRule": "attachkit.mock.faults",
    "Faults": "attachkit.mock.faults",
    "ProxyServer": "attachkit.mock.proxy",
    "MockServer": "attachkit.mock.server",
    "RemoteBindRefused": "attachkit.mock.server",
}


def __getattr__(name: str) -> object:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'attachkit.mock' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


__all__ = [
    "DEV_AK",
    "DEV_SK",
    "DEV_WS_USER",
    "DEV_WS_PASSWORD",
    "AkSkAccount",
    "CONTROL_TOKEN_HEADER",
    "Limits",
    "MockConfig",
    "MockApp",
    "MockServer",
    "RemoteBindRefused",
    "FaultRule",
    "Faults",
    "ProxyServer",
    "create_app",
]
