"""One example line per command, shown at the end of its ``--help``.

Each runs as written against the mock (``attachkit mock serve --port 8080`` and its development
account in the environment, as README.md sets up), except where it names a real region. The
long forms (``attachkit codearts-req scrum ...``, ``attachkit worldserver ...``) show the
example of the short form they alias.
"""

from __future__ import annotations

import argparse

_MOCK = "--endpoint http://127.0.0.1:8080"
_SCRUM = "--project-id f7a67aee4c034fd6944fd5f769e89042 --issue-id 5667740"
_IPD = "--project-id gdbdf969b32694524a949b5ef6b3e124a"
_IPD_ISSUE = "--issue-id 956239067176935400"
_WS = f"{_MOCK} --username admin"

EXAMPLES = {
    "attachkit": f"attachkit scrum upload {_MOCK} {_SCRUM} design.pdf",
    "attachkit scrum": f"attachkit scrum upload {_MOCK} {_SCRUM} design.pdf",
    "attachkit scrum upload": f"attachkit scrum upload {_MOCK} {_SCRUM} design.pdf",
    "attachkit scrum download": (
        f"attachkit scrum download {_MOCK} {_SCRUM} --attachment-id 1 -o downloads/"
    ),
    "attachkit scrum delete": f"attachkit scrum delete {_MOCK} {_SCRUM} --attachment-id 1",
    "attachkit ipd": f"attachkit ipd list {_MOCK} {_IPD} {_IPD_ISSUE}",
    "attachkit ipd upload": f"attachkit ipd upload {_MOCK} {_IPD} {_IPD_ISSUE} design.pdf",
    "attachkit ipd list": f"attachkit ipd list {_MOCK} {_IPD} {_IPD_ISSUE}",
    "attachkit ipd download": (
        f"attachkit ipd download {_MOCK} {_IPD} --attachment-id 956239067176935401 -o downloads/"
    ),
    "attachkit ipd download-all": (
        f"attachkit ipd download-all {_MOCK} {_IPD} {_IPD_ISSUE} -o items/ --jobs 4"
    ),
    "attachkit coc": f"attachkit coc upload {_MOCK} design.pdf",
    "attachkit coc upload": f"attachkit coc upload {_MOCK} design.pdf",
    "attachkit coc download": f"attachkit coc download {_MOCK} --doc-id DOC_ID -o downloads/",
    "attachkit ws": f"attachkit ws upload {_WS} --attribute-definition-id 1113 design.pdf",
    "attachkit ws upload": f"attachkit ws upload {_WS} --attribute-definition-id 1113 design.pdf",
    "attachkit ws download": (
        f"attachkit ws download {_WS} --filename INTERNAL_NAME --download-token TOKEN -o out/"
    ),
    "attachkit codearts-req": f"attachkit codearts-req {_MOCK} scrum upload {_SCRUM} design.pdf",
    "attachkit cp": "attachkit cp design.pdf ws://1113 --ws-endpoint http://127.0.0.1:8080 "
    "--ws-username admin",
    "attachkit sync": "attachkit sync ipd://gdbdf969b32694524a949b5ef6b3e124a/956239067176935400 "
    "backup/ --codearts-endpoint http://127.0.0.1:8080 --jobs 8",
    "attachkit check": "attachkit check ipd://gdbdf969b32694524a949b5ef6b3e124a/956239067176935400 "
    "backup/ --codearts-endpoint http://127.0.0.1:8080",
    "attachkit clean": "attachkit clean downloads/ --remove",
    "attachkit tour": "attachkit tour --size 1048576",
    "attachkit mock": "attachkit mock serve --port 8080",
    "attachkit mock serve": "attachkit mock serve --port 8080 --data-dir ./mockdata",
    "attachkit mock proxy": "attachkit mock proxy --upstream "
    "https://projectman-ext.cn-north-4.myhuaweicloud.com --port 8081",
}


def example_for(prog: str) -> str | None:
    """The example for the command ``prog`` (its parser's ``prog``), or None."""
    short = prog.replace("attachkit codearts-req ", "attachkit ", 1)
    short = short.replace("attachkit worldserver", "attachkit ws", 1)
    return EXAMPLES.get(prog) or EXAMPLES.get(short)


def subparsers_of(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parsers of ``parser``'s sub-commands (aliases once), in the order they were added."""
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:  # noqa: SLF001 - argparse offers no public walk
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for child in action.choices.values():
                if all(child is not seen for seen in found):
                    found.append(child)
    return found


def add_examples(parser: argparse.ArgumentParser) -> None:
    """Append each command's example to its epilog, through the whole tree."""
    example = example_for(parser.prog)
    if example is not None:
        line = f"example:\n  {example}"
        parser.epilog = f"{parser.epilog}\n\n{line}" if parser.epilog else line
    for child in subparsers_of(parser):
        add_examples(child)
