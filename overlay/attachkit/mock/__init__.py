"""A local mock of CodeArts Req, COC and WorldServer, driven by attachkit's OpenAPI specs.

Needs the ``attachkit[mock]`` extra (starlette-free: uvicorn and jsonschema). In-process use::

    from attachkit.mock import MockServer

    with MockServer() as mock:          # 127.0.0.1, a free port, a temporary data directory
        mock.base_url, mock.credentials, mock.ws_user, mock.ws_password
        mock.faults.status("GET", "/v1/incident/attachments/*", 503, retry_after=1)

From a shell: ``attachkit mock serve --port 8080`` (or ``python -m attachkit.mock serve``).
"""

from attachkit.mock.app import MockApp, create_app
from attachkit.mock.config import (
    DEV_AK,
    DEV_SK,
    DEV_WS_PASSWORD,
    DEV_WS_USER,
    AkSkAccount,
    Limits,
    MockConfig,
)
from attachkit.mock.faults import FaultRule, Faults
from attachkit.mock.server import MockServer

__all__ = [
    "DEV_AK",
    "DEV_SK",
    "DEV_WS_USER",
    "DEV_WS_PASSWORD",
    "AkSkAccount",
    "Limits",
    "MockConfig",
    "MockApp",
    "MockServer",
    "FaultRule",
    "Faults",
    "create_app",
]
