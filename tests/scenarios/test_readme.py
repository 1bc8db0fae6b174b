"""Every shell and Python example in README.md and in docs/ runs as written against the mock.

Each document is followed on its own, README.md first, then the pages of docs/ that have
examples: its first ``attachkit mock serve`` example is started (on a free port instead of
8080, and ``http://127.0.0.1:8080`` in the other examples is pointed at it); then each ``sh``
and ``python`` block runs in the document's order, in one working directory, each shell block
inheriting the environment the previous one exported, so the page is followed exactly as a
reader would.
A block preceded by ``<!-- readme-test: skip (reason) -->`` is reported as skipped with that
reason (it needs a real cloud account, or sets up what the suite already runs in); a block
marked ``<!-- readme-test: server -->`` is a long-running server, started, checked and stopped.

The examples depend on each other (an upload, then its download), so run this file whole.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]
MOCK_URL_IN_README = "http://127.0.0.1:8080"
DEV_EXPORT = (
    "export HUAWEICLOUD_SDK_AK=ATTACHKITDEVAK00000000 HUAWEICLOUD_SDK_SK=attachkit-dev-secret"
)
RUNNABLE = {"sh", "python"}
BLOCK_SECONDS = 180

_FENCE = re.compile(
    r"^(?:<!-- readme-test: (?P<mark>[^\n]*?) -->\n)?"  # an optional mark on the line before
    r"```(?P<lang>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$",
    re.M | re.S,
)


@dataclass(frozen=True)
class Block:
    document: Path
    line: int
    lang: str
    body: str
    mark: str | None

    @property
    def id(self) -> str:
        name = "README" if self.document == README else self.document.stem
        return f"{name}-line{self.line}-{self.lang or 'untagged'}"

    @property
    def where(self) -> str:
        return f"{self.document.relative_to(ROOT)} line {self.line}"


def blocks_of(document: Path) -> list[Block]:
    text = document.read_text(encoding="utf-8")
    return [
        Block(
            document,
            text.count("\n", 0, match.start("lang")) + 1,
            match["lang"].strip(),
            match["body"],
            match["mark"],
        )  # fmt: skip
        for match in _FENCE.finditer(text)
    ]


def readme_blocks() -> list[Block]:
    return blocks_of(README)


BLOCKS = [block for document in DOCUMENTS for block in blocks_of(document)]
RUN = [block for block in BLOCKS if block.lang in RUNNABLE]
SERVERS = [block for block in BLOCKS if block.mark == "server"]


def _first_server(document: Path) -> Block | None:
    return next((block for block in SERVERS if block.document == document), None)


def _runs_examples(document: Path) -> bool:
    return any(
        block.document == document and not (block.mark or "").startswith("skip") for block in RUN
    )


def test_every_code_block_names_its_language() -> None:
    """An untagged block would escape the runner below; a tag says whether it is a command."""
    assert readme_blocks(), "no code blocks found: the fence pattern no longer matches README.md"
    assert [block.where for block in BLOCKS if not block.lang] == []


def test_the_examples_use_the_mock_development_account() -> None:
    shells = "".join(block.body for block in readme_blocks() if block.lang == "sh")
    assert DEV_EXPORT in shells
    first = _first_server(README)
    assert first is not None and "--port 8080" in first.body


def test_every_page_with_examples_starts_its_mock_first() -> None:
    pages = [document for document in DOCUMENTS if _runs_examples(document)]
    assert {README, ROOT / "docs" / "cli.md", ROOT / "docs" / "mock.md"} <= set(pages)
    for document in pages:
        first = _first_server(document)
        assert first is not None and "--port 8080" in first.body, document
        runnable = [block for block in RUN if block.document == document]
        assert runnable[0] is first or runnable[0].mark, (document, runnable[0].where)


@dataclass
class Session:
    url: str
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)


def _start_server(
    command: str, cwd: Path, env: dict[str, str]
) -> tuple[subprocess.Popen[str], str]:
    """Start a README ``mock serve`` command on a free port; its URL from the banner."""
    process = subprocess.Popen(
        ["bash", "-c", "exec " + command.replace("\\\n", " ").replace("--port 8080", "--port 0")],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    banner = ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 1)
        if ready:
            line = process.stdout.readline()
            if not line:
                break
            banner += line
            found = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
            if found:
                return process, found.group(1)
    _stop(process)
    raise AssertionError(f"`{command.strip()}` printed no URL within 60 s:\n{banner}")


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


class Sessions:
    """One session per document, started when its first block runs and stopped at the next
    document (the blocks run in document order), so one mock runs at a time."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._factory = tmp_path_factory
        self._document: Path | None = None
        self._session: Session | None = None
        self._process: subprocess.Popen[str] | None = None

    def for_document(self, document: Path) -> Session:
        if document == self._document and self._session is not None:
            return self._session
        self.stop()
        server = _first_server(document)
        assert server is not None, f"{document} has examples but no mock server block"
        cwd = self._factory.mktemp(document.stem)
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("HUAWEICLOUD_SDK_", "CLOUD_SDK_", "ATTACHKIT_"))
        }
        # `attachkit` and `python3` are this environment's, as after the README's set-up.
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env["HUAWEICLOUD_SDK_CREDENTIALS_FILE"] = str(cwd / "no-profile-file")
        self._process, url = _start_server(server.body, cwd, env)
        self._document, self._session = document, Session(url, cwd, env)
        return self._session

    def stop(self) -> None:
        if self._process is not None:
            _stop(self._process)
        self._process = self._session = self._document = None


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sessions]:
    manager = Sessions(tmp_path_factory)
    try:
        yield manager
    finally:
        manager.stop()


# Bash's own variables, which a script may not (or must not) set again.
_BASH_OWN = (
    r"^(BASH.*|EUID|PPID|SHELLOPTS|UID|FUNCNAME|GROUPS|PIPESTATUS|RANDOM|SRANDOM|SECONDS|LINENO|"
    r"SHLVL|PWD|OLDPWD|_|HISTCMD|DIRSTACK|COMP.*|EPOCH.*|OPT.*|IFS|PS[0-9]|HOSTNAME|HOSTTYPE|"
    r"MACHTYPE|OSTYPE|COLUMNS|LINES)$"
)


def _run_shell(block: Block, session: Session) -> None:
    """Run a block as if typed into the shell the earlier blocks were typed into.

    The shell's variables (exported or not: ``M=…`` in one block, ``$M`` in the next) are saved
    at the end of each block and restored at the start of the next.
    """
    env_file = session.cwd / ".readme-env"
    state = session.cwd / ".readme-shell-variables"
    script = (
        f'[ -f "{state}" ] && source "{state}"\n'
        "set -euo pipefail\n"
        + block.body.replace(MOCK_URL_IN_README, session.url)
        + f'\nenv -0 > "{env_file}"\n'
        + f"declare -p $(compgen -v | grep -Ev '{_BASH_OWN}') > \"{state}\" 2>/dev/null || true\n"
    )
    result = subprocess.run(
        ["bash", "-c", script], cwd=session.cwd, env=session.env, capture_output=True,
        text=True, timeout=BLOCK_SECONDS,
    )  # fmt: skip
    assert result.returncode == 0, (
        f"{block.where} failed (exit {result.returncode}):\n{block.body}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
    # What the block exported holds for the blocks after it, as in a reader's shell.
    pairs = (item.partition("=") for item in env_file.read_text().split("\0") if "=" in item)
    session.env = {name: value for name, _, value in pairs if name not in {"_", "SHLVL", "PWD"}}


def _run_python(block: Block, session: Session) -> None:
    script = session.cwd / f"readme_line{block.line}.py"
    script.write_text(block.body.replace(MOCK_URL_IN_README, session.url), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=session.cwd, env=session.env, capture_output=True,
        text=True, timeout=BLOCK_SECONDS,
    )  # fmt: skip
    assert result.returncode == 0, (
        f"{block.where} failed (exit {result.returncode}):\n{block.body}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )


@pytest.mark.parametrize("block", RUN, ids=lambda block: block.id)
def test_readme_example_runs_as_written(block: Block, sessions: Sessions) -> None:
    if block.mark and block.mark.startswith("skip"):
        pytest.skip(f"{block.where}: {block.mark}")
    session = sessions.for_document(block.document)
    if block.mark == "server":
        if block is not _first_server(block.document):  # the first one is already serving
            process, _ = _start_server(block.body, session.cwd, session.env)
            _stop(process)
        return
    assert block.mark is None, f"{block.where}: unknown mark {block.mark!r}"
    if block.lang == "sh":
        _run_shell(block, session)
    else:
        _run_python(block, session)


def test_the_readme_is_a_front_door() -> None:
    """Short enough to read (the rest lives in docs/), and its test command is CI's."""
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 350
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()[-1]
    quick = [block.body for block in readme_blocks() if block.lang == "sh"][:2]
    assert ci in quick[1].splitlines()
    assert ".venv/bin/pip install -q -e '.[mock]' && .venv/bin/attachkit tour" in quick[0]
    # Every page the README links to exists, but the one the sync work adds.
    for target in re.findall(r"\]\((docs/[^)#]+)", text):
        assert (ROOT / target).is_file() or target == "docs/sync.md", target
