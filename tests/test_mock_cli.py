"""``python -m attachkit.mock serve`` (what ``attachkit mock serve`` dispatches to)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx


def test_serve_prints_its_url_and_accounts_and_serves(tmp_path: Path) -> None:
    env = {**os.environ, "ATTACHKIT_MOCK_WS_USERS": "envuser:secretpw"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "attachkit.mock",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path),
            "--credential",
            "MYAK:mysecret",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or "control API" not in lines[-1]:
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        text = "".join(lines)
        url = re.search(r"on (http://127\.0\.0\.1:\d+)", text)
        assert url, text
        assert "MYAK" in text and "mysecret" not in text
        assert "envuser" in text and "secretpw" not in text
        assert str(tmp_path) in text
        assert httpx.get(url.group(1) + "/_mock/health", timeout=10).json() == {"status": "ok"}
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # It ignored Ctrl-C: kill it rather than leave a server behind or hang the run,
            # then fail, since a clean shutdown is part of what this test checks.
            process.kill()
            process.wait()
            raise
    assert (tmp_path / "mock.sqlite3").is_file()


def test_serve_with_no_accounts_uses_the_documented_development_account() -> None:
    from attachkit.mock.cli import banner
    from attachkit.mock.config import MockConfig

    text = banner(MockConfig(), "http://127.0.0.1:1", "/tmp/x", True)
    assert "ATTACHKITDEVAK00000000" in text and "attachkit-dev-secret" in text
    assert "admin / attachkit" in text
