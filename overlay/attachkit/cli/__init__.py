"""The ``attachkit`` command: one subcommand per service operation, the mock, and the tour.

Only argparse is imported to build the parser; the facades, rich and the mock service are
imported when a command needs them, so ``attachkit --help`` starts as fast as Python can.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from attachkit import __version__
from attachkit.cli.clean import add_clean_parser
from attachkit.cli.commands import DEBUG_HELP, add_service_parsers
from attachkit.cli.cp import add_cp_parser
from attachkit.cli.exit_codes import EXIT_USAGE
from attachkit.cli.failures import UsageError
from attachkit.cli.options import byte_count
from attachkit.cli.sync import add_sync_parsers


class _Parser(argparse.ArgumentParser):
    """argparse, except that a mistake is raised (one line, --json aware) instead of printed.

    Sub-parsers are made with the parent's class, so every level of the command behaves alike.
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog="attachkit",
        description="Move file attachments in and out of CodeArts Req, COC and WorldServer.",
        epilog="Exit codes: 0 ok, 1 service error (or a bug in attachkit), 2 usage or invalid "
        "input, 3 authentication, 4 not found, 5 integrity (size or checksum), 6 transport or "
        "timeout.",
    )
    parser.add_argument("--version", action="version", version=f"attachkit {__version__}")
    parser.add_argument("--json", action="store_true", help="print results (and errors) as JSON")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    tour = commands.add_parser(
        "tour", help="run the main job end to end against an in-process mock service"
    )
    tour.add_argument(
        "--size",
        type=byte_count,
        default=3 * 1024 * 1024,
        metavar="BYTES",
        help="bytes in the demo file (default 3 MiB; at most 10 MiB, COC's limit)",
    )
    tour.set_defaults(handler="attachkit.cli.tour:run")

    from attachkit.cli.mock import add_mock_parser

    add_mock_parser(commands)

    add_service_parsers(commands)
    add_cp_parser(commands)
    add_sync_parsers(commands)
    add_clean_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(arguments)
    except UsageError as error:
        # Nothing was parsed, so --json is looked for in the words themselves.
        from attachkit.cli.run import report_failure

        wants = argparse.Namespace(json="--json" in arguments, debug=False, output=None)
        return report_failure(wants, error)
    if args.debug:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    from attachkit.cli.run import run_command

    try:
        return run_command(args)
    except KeyboardInterrupt:
        print("attachkit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`); nothing more can be written to it, or said about it.
        # Point stdout at /dev/null so that the interpreter's final flush has nowhere to fail.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_USAGE
