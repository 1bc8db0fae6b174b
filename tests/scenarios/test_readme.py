"""Every shell and Python example in README.md runs as written against the mock service.

The README's first ``attachkit mock serve`` example is started (on a free port instead of 8080,
and ``http://127.0.0.1:8080`` in the other examples is pointed at it); then each ``sh`` and
``python`` block runs in README order, in one working directory, each shell block inheriting
the environment the previous one exported, so the README is followed exactly as a reader would.
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
    line: int
    lang: str
    body: str
    mark: str | None

    @property
    def id(self) -> str:
        return f"line{self.line}-{self.lang or 'untagged'}"


def readme_blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    return [
        Block(
            text.count("\n", 0, match.start("lang")) + 1,
            match["lang"].strip(),
            match["body"],
            match["mark"],
        )  # fmt: skip
        for match in _FENCE.finditer(text)
    ]


BLOCKS = readme_blocks()
SERVERS = [block for block in BLOCKS if block.mark == "server"]


def test_every_code_block_names_its_language() -> None:
    """An untagged block would escape the runner below; a tag says whether it is a command."""
    assert BLOCKS, "no code blocks found: the fence pattern no longer matches README.md"
    assert [block.line for block in BLOCKS if not block.lang] == []


def test_the_examples_use_the_mock_development_account() -> None:
    shells = "".join(block.body for block in BLOCKS if block.lang == "sh")
    assert DEV_EXPORT in shells
    assert SERVERS and "--port 8080" in SERVERS[0].body


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


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    cwd = tmp_path_factory.mktemp("readme")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HUAWEICLOUD_SDK_", "CLOUD_SDK_", "ATTACHKIT_"))
    }
    # `attachkit` and `python3` are this environment's, as after the README's set-up.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["HUAWEICLOUD_SDK_CREDENTIALS_FILE"] = str(cwd / "no-profile-file")
    process, url = _start_server(SERVERS[0].body, cwd, env)
    try:
        yield Session(url, cwd, env)
    finally:
        _stop(process)


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
        f"README.md line {block.line} failed (exit {result.returncode}):\n{block.body}\n"
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
        f"README.md line {block.line} failed (exit {result.returncode}):\n{block.body}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )


@pytest.mark.parametrize(
    "block", [block for block in BLOCKS if block.lang in RUNNABLE], ids=lambda block: block.id
)
def test_readme_example_runs_as_written(block: Block, session: Session) -> None:
    if block.mark and block.mark.startswith("skip"):
        pytest.skip(f"README.md line {block.line}: {block.mark}")
    if block.mark == "server":
        if block is not SERVERS[0]:  # the first one is already serving this session
            process, _ = _start_server(block.body, session.cwd, session.env)
            _stop(process)
        return
    assert block.mark is None, f"README.md line {block.line}: unknown mark {block.mark!r}"
    if block.lang == "sh":
        _run_shell(block, session)
    else:
        _run_python(block, session)
