"""What users call is what their type checker sees (DESIGN.md, Conventions; issue 10).

- The overlay, mock service included, and the tests are ``mypy --strict`` clean.
- ``tests/typing/`` holds user-style scripts: every facade method, sync and async, and the
  README's "Using it" code, each result checked with ``assert_type`` (so a result typed ``Any``
  fails), and ``mistakes.py``, whose deliberate mistakes (a forgotten ``await``, a misspelled
  result attribute or argument) carry ``# type: ignore[<code>]``. mypy runs with
  ``warn_unused_ignores`` (part of ``--strict``), so a mistake that stops being an error fails.
- ``import attachkit`` stays lazy, but its names are the real classes to a type checker.

mypy reads the settings in pyproject.toml ``[tool.mypy]``: the generated clients followed
through their ``py.typed``, not held to ``--strict``. A fresh cache in a temporary directory
keeps each run independent of earlier ones.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import attachkit
from tests.scripts_loader import ROOT

TYPING = ROOT / "tests" / "typing"


def run_mypy(tmp_path: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--cache-dir",
        str(tmp_path / "mypy-cache"),
        "--no-color-output",
        *targets,
    ]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_overlay_tests_and_user_scripts_are_mypy_strict_clean(tmp_path: Path) -> None:
    # tests/ includes tests/typing/: the tests are held to what users are.
    result = run_mypy(tmp_path, "-p", "attachkit", "-p", "tests")
    assert result.returncode == 0, (
        f"mypy --strict failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
    )


def test_a_deliberate_mistake_that_type_checks_fails_the_check(tmp_path: Path) -> None:
    # The guard the mistakes file relies on: an ignore that silences nothing is itself an error.
    script = tmp_path / "no_mistake.py"
    script.write_text("x: int = 1  # type: ignore[assignment]\n")
    result = run_mypy(tmp_path, str(script))
    assert result.returncode == 1
    assert 'Unused "type: ignore" comment' in result.stdout


def test_mistakes_carry_the_error_mypy_reports() -> None:
    # Each line of mistakes.py that is a mistake says which error it must produce.
    text = (TYPING / "mistakes.py").read_text()
    codes = re.findall(r"# type: ignore\[([a-z-]+)\]", text)
    assert {"call-arg", "attr-defined", "unused-coroutine", "arg-type"} <= set(codes)
    assert "# type: ignore\n" not in text  # never a bare ignore, which would hide any error


def _readme_block(heading: str) -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split(f"\n## {heading}\n", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_using_it_code_is_the_checked_script() -> None:
    source = (TYPING / "readme_using_it.py").read_text()
    function = next(node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef))
    lines = source.splitlines(keepends=True)
    body = textwrap.dedent("".join(lines[function.body[0].lineno - 1 : function.end_lineno]))
    assert body == _readme_block("Using it").replace("import attachkit\n\n", "", 1)


def test_lazy_names_are_declared_for_type_checkers() -> None:
    # attachkit/__init__.py's TYPE_CHECKING imports and its lazy table name the same things.
    tree = ast.parse(Path(attachkit.__file__).read_text())
    guarded = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    declared = {
        str(alias.asname): node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert "None" not in declared  # every one re-exported as `X as X`
    assert declared == attachkit._LAZY
    for name, module in declared.items():
        assert getattr(attachkit, name) is getattr(importlib.import_module(str(module)), name)


def test_tests_typing_is_not_collected_by_pytest() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
        + [str(TYPING), *map(str, sorted(TYPING.glob("*.py")))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 5, result.stdout  # pytest's "no tests collected"
    assert "error" not in result.stdout.lower(), result.stdout


def test_the_type_checking_re_exports_cost_import_attachkit_nothing() -> None:
    # The lazy names are declared for type checkers only: neither the facades nor typing (whose
    # import alone costs milliseconds) are loaded by `import attachkit`.
    heavy = "{'typing', 'httpx', 'attachkit.facades'}"
    probe = f"import sys, attachkit; print(sorted({heavy} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
