"""The ``attachkit`` command: ``scrum|ipd|coc|ws OPERATION``, ``cp``, ``clean``, the tour, the mock.

Only argparse is imported to build the parser; the facades, rich and the mock service are
imported when a command needs them, so ``attachkit --help`` starts as fast as Python can.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from attachkit import __version__
from attachkit.cli.clean import add_clean_parser
from attachkit.cli.commands import DEBUG_HELP, add_service_parsers
from attachkit.cli.cp import add_cp_parser
from attachkit.cli.examples import add_examples, subparsers_of
from attachkit.cli.exit_codes import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_OK
from attachkit.cli.failures import UsageError
from attachkit.cli.options import byte_count
from attachkit.cli.sync import add_sync_parsers

EXIT_CODES = (
    "exit codes: 0 ok (a bare command lists its commands); 1 service error (or a bug in "
    "attachkit); 2 usage or invalid input; 3 authentication; 4 not found; 5 integrity (size or "
    "checksum); 6 transport or timeout; 130 interrupted (Ctrl-C); 141 the reader of standard "
    "output went away (`| head`), as for a program killed by SIGPIPE"
)


class _Formatter(argparse.HelpFormatter):
    """Wraps paragraphs as argparse does, but keeps indented lines (examples, tables) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = []
        for paragraph in text.split("\n\n"):
            if "\n" in paragraph:  # laid out by hand: an example, a list of addresses
                paragraphs.append("\n".join(indent + line for line in paragraph.splitlines()))
            else:
                paragraphs.append(super()._fill_text(paragraph, width, indent))
        return "\n\n".join(paragraphs)


class _Parser(argparse.ArgumentParser):
    """argparse, except that a mistake is raised (one line, --json aware) instead of printed,
    and an unknown choice suggests the nearest one.

    Sub-parsers are made with the parent's class, so every level of the command behaves alike.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is None or value in choices:
            return
        # Sub-commands list only their visible names; a value list all of them.
        shown = [choice.dest for choice in getattr(action, "_choices_actions", [])] or [
            str(choice) for choice in choices
        ]
        nearest = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1)
        hint = f"did you mean {nearest[0]!r}? " if nearest else ""
        what = "command" if isinstance(action, argparse._SubParsersAction) else "choice"
        raise argparse.ArgumentError(
            action, f"unknown {what} {value!r}; {hint}choose from {', '.join(shown)}"
        )


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog="attachkit",
        description="Move file attachments in and out of CodeArts Req (scrum, ipd), COC (coc) "
        "and WorldServer (ws). Each command has its own --help.",
        epilog=EXIT_CODES,
    )
    parser.add_argument("-V", "--version", action="version", version=f"attachkit {__version__}")
    parser.add_argument("--json", action="store_true", help="print results (and errors) as JSON")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    parser.set_defaults(help_parser=parser)
    # Not required: a bare `attachkit` lists the commands instead of calling that a mistake.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    add_service_parsers(commands)
    add_cp_parser(commands)
    add_sync_parsers(commands)
    add_clean_parser(commands)

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
    add_examples(parser)
    _bare_groups_list_their_commands(parser)
    return parser


def _bare_groups_list_their_commands(parser: argparse.ArgumentParser) -> None:
    """Every level alike: a command that has sub-commands, given alone, lists them (main())."""
    for action in parser._actions:  # noqa: SLF001 - argparse offers no public walk
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            action.required = False
            if parser.get_default("help_parser") is None:
                parser.set_defaults(help_parser=parser)
    for child in subparsers_of(parser):
        _bare_groups_list_their_commands(child)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(arguments)
    except UsageError as error:
        # Nothing was parsed, so --json is looked for in the words themselves.
        from attachkit.cli.run import report_failure

        wants = argparse.Namespace(json="--json" in arguments, debug=False, output=None)
        return report_failure(wants, error)
    if not hasattr(args, "handler") and not hasattr(args, "func"):
        # `attachkit` or `attachkit scrum` alone: what there is to run, as --help shows it.
        args.help_parser.print_help()
        return EXIT_OK
    if args.debug:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    from attachkit.cli.run import run_command

    try:
        return run_command(args)
    except KeyboardInterrupt as interrupt:
        # A download says what it kept and how to continue it (cli.run.Interrupted).
        print(f"attachkit: interrupted{_what_next(interrupt)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`); nothing more can be written to it, or said about it.
        # Point stdout at /dev/null so that the interpreter's final flush has nowhere to fail.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _what_next(interrupt: KeyboardInterrupt) -> str:
    from attachkit.cli.terminal import safe_text

    return f"; {safe_text(str(interrupt))}" if str(interrupt) else ""
