"""``python -m attachkit.mock [serve] ...``, the same as ``attachkit mock serve ...``."""

import sys

from attachkit.mock.cli import build_parser

if __name__ == "__main__":
    argv = sys.argv[1:]
    # "serve" is the only command, so it may be left out: python -m attachkit.mock --port 0
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["serve", *argv]
    arguments = build_parser().parse_args(["mock", *argv])
    sys.exit(arguments.func(arguments))
