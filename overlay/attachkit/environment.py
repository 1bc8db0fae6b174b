"""The environment variables that name a WorldServer account, read the same way everywhere.

The command line (``--username``, ``--password-env``), the library (``Connections``, ``cp``'s
``ws://`` addresses) and the schemathesis hooks read one name per setting from here, so a user
sets ``ATTACHKIT_WS_USERNAME`` once and every entry point finds it. (The Huawei Cloud names,
``HUAWEICLOUD_SDK_*``, live with the credentials and regions they configure.)
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping

__all__ = ["WS_PASSWORD_ENV", "WS_USERNAME_ENV", "WS_USERNAME_ENV_DEPRECATED", "ws_username"]

WS_USERNAME_ENV = "ATTACHKIT_WS_USERNAME"
WS_PASSWORD_ENV = "ATTACHKIT_WS_PASSWORD"
# The schemathesis hooks' first name for the user; still read, with a DeprecationWarning.
WS_USERNAME_ENV_DEPRECATED = "ATTACHKIT_WS_USER"


def ws_username(environ: Mapping[str, str] | None = None) -> str | None:
    """``$ATTACHKIT_WS_USERNAME``, else the deprecated ``$ATTACHKIT_WS_USER``; None if neither."""
    env = os.environ if environ is None else environ
    value = env.get(WS_USERNAME_ENV, "").strip()
    if value:
        return value
    old = env.get(WS_USERNAME_ENV_DEPRECATED, "").strip()
    if old:
        warnings.warn(
            f"${WS_USERNAME_ENV_DEPRECATED} is deprecated; set ${WS_USERNAME_ENV} instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return old
    return None
