"""The ``attachkit`` command: one subcommand per service operation, the mock, and the tour.

Only argparse is imported to build the parser; the facades, rich and the mock service are
imported when a command needs them, so ``attachkit --help`` starts as fast as Python can.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from attachkit import __version__
from attachkit.cli.clean import add_clean_parser
from attachkit.cli.cp import add_cp_parser
from attachkit.cli.exit_codes import EXIT_USAGE
from attachkit.cli.services import add_service_parsers


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="attachkit",
        description="Move file attachments in and out of CodeArts Req, COC and WorldServer.",
        epilog="Exit codes: 0 ok, 1 service error, 2 usage or invalid input, 3 authentication, "
        "4 not found, 5 integrity (size or checksum), 6 transport or timeout.",
    )
    parser.add_argument("--version", action="version", version=f"attachkit {__version__}")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    parser.add_argument(
        "--debug", action="store_true", help="log requests at DEBUG level (no secrets are logged)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    tour = commands.add_parser(
        "tour", help="run the main job end to end against an in-process mock service"
    )
    tour.add_argument(
        "--size", type=int, default=3 * 1024 * 1024, help="bytes in the demo file (default 3 MiB)"
    )
    tour.set_defaults(handler="attachkit.cli.tour:run")

    from attachkit.mock.cli import add_mock_parser

    add_mock_parser(commands)

    add_service_parsers(commands)
    add_cp_parser(commands)
    add_clean_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.debug:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    from attachkit.cli.run import run_command

    try:
        return run_command(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_USAGE
