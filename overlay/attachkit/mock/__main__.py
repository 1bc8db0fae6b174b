"""``python -m attachkit.mock serve ...``, the same as ``attachkit mock serve ...``."""

import sys

from attachkit.mock.cli import build_parser

if __name__ == "__main__":
    parser = build_parser()
    arguments = parser.parse_args(["mock", *sys.argv[1:]])
    sys.exit(arguments.func(arguments))
