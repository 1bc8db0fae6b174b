"""The output flags are accepted before the command and after the operation alike."""

from __future__ import annotations

import pytest

from attachkit.cli import build_parser

LIST = [
    "codearts-req",
    "--endpoint",
    "http://127.0.0.1:9",
    "ipd",
    "list",
    "--project-id",
    "P",
    "--issue-id",
    "I",
]


@pytest.mark.parametrize(
    ("argv", "json", "quiet"),
    [
        (LIST, False, False),
        (["--json", *LIST], True, False),
        ([*LIST, "--json"], True, False),
        (["-q", *LIST], False, True),
        ([*LIST, "--quiet", "--json"], True, True),
    ],
)
def test_output_flags_anywhere(argv: list[str], json: bool, quiet: bool) -> None:
    args = build_parser().parse_args(argv)
    assert (args.json, args.quiet) == (json, quiet)
