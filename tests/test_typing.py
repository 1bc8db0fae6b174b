"""The overlay, mock service included, stays ``mypy --strict`` clean (DESIGN.md, Conventions).

mypy reads the settings in pyproject.toml ``[tool.mypy]``: the overlay checked strictly, the
generated clients followed through their ``py.typed`` so the overlay is checked against their
annotations. A fresh cache in a temporary directory keeps the run independent of earlier ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.scripts_loader import ROOT


def test_overlay_is_mypy_strict_clean(tmp_path: Path) -> None:
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
        "-p",
        "attachkit",
    ]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (
        f"mypy --strict -p attachkit failed (exit {result.returncode}):\n"
        f"{result.stdout}{result.stderr}"
    )
