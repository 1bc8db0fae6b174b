"""``python -m attachkit mock serve`` (what ``attachkit mock serve`` dispatches to)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest


def test_serve_prints_its_url_and_accounts_and_serves(tmp_path: Path) -> None:
    env = {**os.environ, "ATTACHKIT_MOCK_WS_USERS": "envuser:secretpw"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "attachkit",
            "mock",
            "serve",
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
    from attachkit.cli.mock import banner
    from attachkit.mock.config import MockConfig

    text = banner(MockConfig(), "http://127.0.0.1:1", "/tmp/x", True)
    assert "ATTACHKITDEVAK00000000" in text and "attachkit-dev-secret" in text
    assert "admin / attachkit" in text


# -- the served mock guards itself (issue 14) ------------------------------------------------------


class Served:
    """``python -m attachkit mock serve`` on 127.0.0.1 and a free port; always killed at the end."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, **popen: Any) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "attachkit", "mock", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
            **popen,
        )
        assert self.process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while not lines or "control API" not in lines[-1]:
            line = self.process.stdout.readline()
            if not line or time.monotonic() > deadline:
                self.kill()
                raise AssertionError("the mock did not start: " + "".join(lines))
            lines.append(line)
        self.banner = "".join(lines)
        found = re.search(r"on (http://127\.0\.0\.1:\d+)", self.banner)
        assert found, self.banner
        self.url = found.group(1)
        token = re.search(r"X-Attachkit-Mock-Token: (\S+)", lines[-1])
        self.token = token.group(1) if token else ""
        self.stderr = ""

    def kill(self) -> None:
        """Stop it (if still running); ``stderr`` then holds what it wrote there."""
        if self.process.poll() is None:
            self.process.kill()
        if self.process.stderr is not None and not self.process.stderr.closed:
            self.stderr = self.process.communicate(timeout=15)[1]

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.kill()


def test_serve_prints_a_control_token_that_opens_the_control_api() -> None:
    with Served() as served:
        assert len(served.token) >= 24
        url = served.url + "/_mock/faults"
        assert httpx.get(url, timeout=10).status_code == 401
        headers = {"X-Attachkit-Mock-Token": served.token}
        assert httpx.get(url, headers=headers, timeout=10).json() == []


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_serve_takes_a_token_and_does_not_print_it(how: str) -> None:
    chosen = "my-own-control-token"
    args = ("--control-token", chosen) if how == "flag" else ()
    env = {"ATTACHKIT_MOCK_CONTROL_TOKEN": chosen} if how == "environment" else {}
    with Served(*args, env=env) as served:
        assert chosen not in served.banner and "(the one you set)" in served.banner
        answer = httpx.get(
            served.url + "/_mock/faults", headers={"X-Attachkit-Mock-Token": chosen}, timeout=10
        )
        assert answer.status_code == 200


def test_serve_refuses_a_host_beyond_loopback_without_allow_remote() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "attachkit", "mock", "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr and "attachkit mock service on" not in result.stdout


def test_allow_remote_prints_a_warning() -> None:
    # 192.0.2.0/24 is TEST-NET-1: never a local address, so the bind fails and nothing listens.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "attachkit",
            "mock",
            "serve",
            "--host",
            "192.0.2.10",
            "--port",
            "0",
            "--allow-remote",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "WARNING" in result.stderr and "other machines" in result.stderr
    assert result.returncode == 1 and "cannot listen" in result.stderr


def test_sigterm_removes_the_temporary_data_directory() -> None:
    with Served() as served:
        found = re.search(r"data directory: (\S+) \(temporary\)", served.banner)
        assert found, served.banner
        data_dir = Path(found.group(1))
        assert data_dir.is_dir()
        served.process.send_signal(signal.SIGTERM)
        try:
            returncode = served.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            served.kill()
            raise
        served.kill()  # collects what it wrote to stderr, for the message below
    assert returncode == 128 + signal.SIGTERM, served.stderr
    assert not data_dir.exists()


def test_a_catastrophic_regular_expression_does_not_hang_the_mock() -> None:
    # In a process of its own: with Python's re this pattern would hold the GIL for ever.
    with Served() as served:
        control = {"X-Attachkit-Mock-Token": served.token}
        patterns = [r"(/[^/]*|[^/]*)*X", r"/(x+x+)+y", r"/(x|xx)+y"]  # the first is issue 14's
        for pattern in patterns:
            rule = {"path": pattern, "regex": True, "status": 500, "times": 1000}
            answer = httpx.post(
                served.url + "/_mock/faults", json=rule, headers=control, timeout=10
            )
            assert answer.status_code == 201
        started = time.monotonic()
        for _ in range(3):
            # Not a rule's match: each request answered (404, an unknown path), none hangs.
            answer = httpx.get(served.url + "/" + "x" * 3000, timeout=30)
            assert answer.status_code == 404
        assert time.monotonic() - started < 30
        left = httpx.get(served.url + "/_mock/faults", headers=control, timeout=10).json()
        # The two rules that ran out of time were removed; the pattern, which the
        # regex module matches without backtracking, stays.
        assert [rule["path"] for rule in left] == [patterns[0]]
        served.kill()
        assert "regular expression took over" in served.stderr


def _limit_descriptors() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def test_many_half_sent_requests_do_not_make_the_mock_unreachable(tmp_path: Path) -> None:
    config = tmp_path / "mock.json"
    config.write_text(json.dumps({"header_timeout_seconds": 2}))
    # 256 descriptors: the default cap keeps the open connections well below it.
    with Served("--config", str(config), preexec_fn=_limit_descriptors) as served:
        port = int(served.url.rsplit(":", 1)[1])
        sockets: list[socket.socket] = []
        try:
            for _ in range(300):
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                sockets.append(sock)
                with contextlib.suppress(OSError):  # refused at once (503, closed): also fine
                    sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n")  # half a head
            # While they hang on, the mock still answers: at once, with 200 or a 503.
            answer = httpx.get(served.url + "/_mock/health", timeout=5)
            assert answer.status_code in (200, 503)
            # After the head deadline every half-sent request is gone, and it serves again.
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if httpx.get(served.url + "/_mock/health", timeout=5).status_code == 200:
                    break
                time.sleep(0.2)
            assert httpx.get(served.url + "/_mock/health", timeout=5).json() == {"status": "ok"}
        finally:
            for sock in sockets:
                sock.close()
