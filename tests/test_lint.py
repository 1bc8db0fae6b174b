"""The hand-written code stays ruff-clean and ruff-formatted (generated/ is excluded)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.scripts_loader import ROOT


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", "overlay", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
