"""Copy one file between a local path and the services, or from one service to another.

``copy(src, dst)`` / ``await acopy(src, dst)``; addresses are described in ``addresses``.
"""

from attachkit.copying.addresses import parse_address
from attachkit.copying.engine import CopyResult, acopy, copy
from attachkit.copying.services import Connections

__all__ = ["Connections", "CopyResult", "acopy", "copy", "parse_address"]
