"""``attachkit sync SRC DST`` and ``attachkit check SRC DST``: many files, with a ledger.

The engine is ``attachkit._async.sync_job``; this module turns flags into its arguments,
draws one bar for the whole job, writes ``--log-json``, and prints the plan or the outcome.
``--json`` prints one JSON object per file (keys ``action``, ``status``, ``reason``, …);
without it, a line per file that needs attention and a summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any, TextIO

from attachkit.cli.commands import transfer_options
from attachkit.cli.cp import connection_options
from attachkit.cli.exit_codes import EXIT_OK, EXIT_SERVICE_ERROR

SYNC_EPILOG = """\
places (SRC and DST; a place stands for everything it holds):
  ipd://PROJECT/ISSUE and a local directory       sources and destinations
  scrum://PROJECT/ISSUE, coc://incident,
  ws://ATTRIBUTE_DEFINITION_ID                    destinations; as a source, list the objects
                                                  in a file given to --files-from
"""


def _jobs(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 1 to 64")
    return int(text)


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 100_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate from 0 to 100000 per second")
    return value


def _shard(text: str) -> tuple[int, int]:
    from attachkit.errors import ValidationError
    from attachkit.sync_plan import parse_shard

    try:
        return parse_shard(text)
    except ValidationError as error:
        raise argparse.ArgumentTypeError(f"{error.problem} ({error.rule})") from None


def add_sync_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sync = commands.add_parser(
        "sync",
        help="copy every file of a place to another; reruns move only what changed",
        description="Make DST hold what SRC holds. A ledger records what each file became, "
        "so a rerun copies only new or changed files and a run cut short picks up where it "
        "stopped without duplicates.",
        epilog=SYNC_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sync.set_defaults(handler="attachkit.cli.sync:run_sync")
    sync.add_argument("source", metavar="SRC")
    sync.add_argument("destination", metavar="DST")
    sync.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    sync.add_argument("--jobs", type=_jobs, default=4, help="transfers at a time (default 4)")
    sync.add_argument("--tps", type=_rate, help="at most this many requests per second, in all")
    sync.add_argument("--include", action="append", default=[], metavar="GLOB")
    sync.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    sync.add_argument("--files-from", metavar="FILE", help="object addresses, one per line")
    sync.add_argument(
        "--ledger", metavar="FILE", help="default: beside a local DST, else ~/.local/state"
    )
    sync.add_argument("--log-json", metavar="FILE", help="one JSON event per file and step")
    sync.add_argument("--shard", type=_shard, metavar="K/N", help="take only the K-th of N shares")
    sync.add_argument(
        "--resend-uncertain", action="store_true",
        help="send again what a cut run may or may not have uploaded (destinations that "
        "cannot be listed)",
    )  # fmt: skip
    _common(sync)

    check = commands.add_parser(
        "check",
        help="compare two places by name, size and SHA-256",
        description="Report files missing at DST, different, or extra; exit 0 only when all match.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.set_defaults(handler="attachkit.cli.sync:run_check")
    check.add_argument("source", metavar="SRC")
    check.add_argument("destination", metavar="DST")
    check.add_argument("--ledger", metavar="FILE", help="the ledger a sync wrote (for its hashes)")
    _common(check)


def _common(parser: argparse.ArgumentParser) -> None:
    transfer_options(parser)
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON")
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress bar"
    )
    connection_options(parser)


def run_sync(args: argparse.Namespace) -> int:
    from attachkit._async.sync_job import async_sync
    from attachkit.cli.cp import connections_from
    from attachkit.cli.progress import progress_bar

    connections = connections_from(args)
    log = open(args.log_json, "a", encoding="utf-8") if args.log_json else None  # noqa: SIM115
    try:

        def on_event(event: dict[str, Any]) -> None:
            if log is not None:
                log.write(json.dumps(event, sort_keys=True) + "\n")
                log.flush()

        label = "dry run" if args.dry_run else f"sync to {args.destination}"
        with progress_bar(args, label) as progress:
            report = asyncio.run(
                async_sync(
                    args.source, args.destination, connections=connections,
                    dry_run=args.dry_run, jobs=args.jobs, tps=args.tps,
                    include=args.include, exclude=args.exclude, files_from=args.files_from,
                    ledger=args.ledger, shard=args.shard,
                    resend_uncertain=args.resend_uncertain, progress=progress,
                    on_event=on_event,
                )
            )  # fmt: skip
    finally:
        if log is not None:
            log.close()
    _print_sync(args, report, sys.stdout)
    if report.dry_run or report.ok:
        return EXIT_OK
    return EXIT_SERVICE_ERROR


def _print_sync(args: argparse.Namespace, report: Any, out: TextIO) -> None:
    from attachkit.cli.terminal import safe_json, safe_text
    from attachkit.units import binary_size

    if args.json:
        for item in report.items:
            print(safe_json(item.to_dict(), indent=None), file=out)
    else:
        for item in report.items:
            if report.dry_run or item.status in ("refused", "failed", "uncertain"):
                name = item.name or item.source
                print(safe_text(f"{item.action:7} {name}  {item.reason}"), file=out)
    summary = f"{report.summary()}; {binary_size(report.bytes_copied)} moved"
    if report.ledger:
        summary += f"; ledger {report.ledger}"
    print(safe_text(summary), file=sys.stderr if args.json else out)


def run_check(args: argparse.Namespace) -> int:
    from attachkit._async.sync_job import async_check
    from attachkit.cli.cp import connections_from
    from attachkit.cli.terminal import safe_json, safe_text

    report = asyncio.run(
        async_check(
            args.source, args.destination, connections=connections_from(args), ledger=args.ledger
        )
    )
    if args.json:
        for item in report.items:
            print(safe_json(item.to_dict(), indent=None))
    else:
        for item in report.problems:
            print(safe_text(f"{item.status:9} {item.name}  {item.detail}"))
        matched = len(report.items) - len(report.problems)
        print(safe_text(f"{matched} match, {len(report.problems)} do not"))
    return EXIT_OK if report.ok else EXIT_SERVICE_ERROR
