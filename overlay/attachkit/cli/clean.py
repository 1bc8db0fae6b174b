"""``attachkit clean DIR``: list, and with ``--remove`` delete, partial downloads in a directory."""

from __future__ import annotations

import argparse

from attachkit.cli.exit_codes import EXIT_OK


def add_clean_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "clean",
        help="list or remove partial downloads (.part files) left in a directory",
        description="Lists the partial downloads in DIR: kept ones (resumable with --continue) "
        "and left-over ones from interrupted runs. --remove deletes those not written to for "
        "--older-than minutes; one a running download holds is always left alone.",
    )
    parser.set_defaults(handler="attachkit.cli.clean:run")
    parser.add_argument("directory", metavar="DIR")
    parser.add_argument("--remove", action="store_true", help="delete them")
    parser.add_argument(
        "--older-than",
        type=float,
        default=10.0,
        metavar="MINUTES",
        help="only partials untouched for this long (default 10; 0 for all)",
    )
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON")


def run(args: argparse.Namespace) -> int:
    from attachkit.cli.terminal import safe_json, safe_text
    from attachkit.transfer.partials import list_partials, remove_partials

    found = list_partials(args.directory)
    stale = [p for p in found if p.age_seconds >= args.older_than * 60 and not p.in_use]
    freed = remove_partials(stale) if args.remove else 0
    if args.json:
        items = [
            {
                "path": str(p.path),
                "size": p.size,
                "expected_size": p.expected_size,
                "resumable": p.resumable,
                "age_seconds": round(p.age_seconds, 1),
                "stale": p in stale,
                "in_use": p.in_use,
                "removed": args.remove and p in stale,
            }
            for p in found
        ]
        print(safe_json({"partials": items, "bytes_freed": freed}))
        return EXIT_OK
    for p in found:
        kind = "resumable" if p.resumable else "left over"
        of = f"/{p.expected_size}" if p.expected_size is not None else ""
        state = ("removed" if args.remove else "stale") if p in stale else "recent"
        if p.in_use:
            state = "in use"
        print(f"{state:8} {kind:9} {p.size}{of} bytes  {safe_text(str(p.path))}")
    verb = "removed" if args.remove else "found"
    print(f"{len(stale) if args.remove else len(found)} partial download(s) {verb}", end="")
    print(f", {freed} bytes freed" if args.remove else "")
    return EXIT_OK
