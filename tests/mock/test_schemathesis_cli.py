"""Stock ``st run specs/<service>.yaml --url <mock>`` is green with the committed settings.

The repository's ``schemathesis.toml`` names the hooks module that signs CodeArts Req and COC
requests and logs WorldServer in; the mock stores the attachments the specs' examples name. The
runs here are bounded: the examples phase (every documented example, once), then fuzzing and
stateful runs of a few examples each (the coverage phase is left to ``st run`` by hand and to
tests/mock/test_schemathesis_mock.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from attachkit.mock import MockConfig, MockServer

ROOT = Path(__file__).resolve().parents[2]
ST = Path(sys.executable).parent / "st"
SERVICES = ("codearts-req", "coc", "worldserver")


@pytest.fixture(scope="module")
def seeded() -> Iterator[MockServer]:
    with MockServer(MockConfig(seed_examples=True)) as server:
        yield server


def st_run(
    spec: str, url: str, *options: str, config: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``st [--config-file C] run specs/<spec>.yaml --url URL ...`` from the repository root."""
    chosen = ["--config-file", str(config)] if config else []
    command = [
        str(ST),
        *chosen,
        "run",
        str(ROOT / "specs" / f"{spec}.yaml"),
        "--url",
        url,
        *options,
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def strict_config(tmp_path: Path) -> Path:
    """The project's settings with positive data expected to succeed: 2xx only."""
    text = (ROOT / "schemathesis.toml").read_text(encoding="utf-8")
    strict = re.sub(
        r"(positive_data_acceptance\.expected-statuses = )\[[^\]]*\]", r'\1["2xx"]', text
    )
    assert strict != text
    path = tmp_path / "schemathesis.toml"
    path.write_text(strict, encoding="utf-8")
    return path


@pytest.mark.parametrize("spec", SERVICES)
def test_every_documented_example_request_succeeds(
    spec: str, seeded: MockServer, tmp_path: Path
) -> None:
    config = strict_config(tmp_path)
    result = st_run(spec, seeded.base_url, "--phases", "examples", config=config)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_examples_fail_without_the_seeded_attachments(tmp_path: Path) -> None:
    # The check above can fail: an empty mock answers the download examples 400.
    with MockServer(MockConfig()) as empty:
        config = strict_config(tmp_path)
        result = st_run("coc", empty.base_url, "--phases", "examples", config=config)
    assert result.returncode != 0
    assert "400" in result.stdout


@pytest.mark.parametrize("spec", SERVICES)
def test_stock_st_run_with_the_project_settings_is_green(spec: str, seeded: MockServer) -> None:
    result = st_run(
        spec, seeded.base_url, "--phases", "examples,fuzzing,stateful", "--max-examples", "5"
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "failures" not in result.stdout.rsplit("SUMMARY", 1)[-1].lower()
