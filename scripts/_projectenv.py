"""Run a developer script under the project's .venv when started by another interpreter.

The scripts are often run as plain commands, and their shebang finds the system python3; the
pinned tools they need (openapi-python-client, ruff, openapi-spec-validator) live in the
environment the README sets up.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure(module: str) -> None:
    """Re-execute the running script under ROOT/.venv if ``module`` cannot be imported here."""
    if importlib.util.find_spec(module) is not None:
        return
    venv = ROOT / ".venv"
    venv_python = venv / "bin" / "python"
    if venv_python.exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(venv_python, [str(venv_python), sys.argv[0], *sys.argv[1:]])
    raise SystemExit(
        f"{module} is not installed for {sys.executable}; "
        "set up the project first: python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'"
    )
