"""``python -m attachkit``: the same as the ``attachkit`` command."""

import sys

from attachkit.cli import main

sys.exit(main())
