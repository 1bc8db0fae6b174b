"""generated/ is exactly what the specs produce, and the drift check notices when it is not."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.scripts_loader import ROOT


def run_generate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "generate"), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_committed_clients_match_the_specs() -> None:
    result = run_generate(ROOT, "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_editing_a_spec_without_regenerating_is_reported(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    for part in ("scripts", "specs", "gen", "generated"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    spec = copy / "specs" / "coc.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text.replace("summary: Download an incident attachment", "summary: Fetch an attachment"),
        encoding="utf-8",
    )

    result = run_generate(copy, "--check")

    assert result.returncode == 1
    assert "generated/coc_client/api/attachments/download_attachment.py (changed)" in result.stdout
    assert "codearts_req_client" not in result.stdout

    # Regenerating brings the copy back in line.
    assert run_generate(copy).returncode == 0
    assert run_generate(copy, "--check").returncode == 0
