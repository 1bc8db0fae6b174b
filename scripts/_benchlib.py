"""Helpers shared by the benchmark scripts (``scripts/bench``, ``bench-transfer-engine``,
``bench-small``, ``bench-latency``, ``bench-mock-cpu``).

Every measured client runs as its own process and is measured with ``wait4()``: wall time, CPU
(user+sys) and peak RSS of that process alone, so one client's imports, threads and buffers never
colour another's figures.
"""

from __future__ import annotations

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

MIB = 1024 * 1024


class ClientFailed(RuntimeError):
    """A measured client exited with a non-zero status."""


# The process that starts every measured client. A child's peak RSS as wait4() reports it can
# never be lower than the RSS of the process it was forked from (Linux carries the old memory's
# high-water mark across exec), so forking clients from a benchmark driver that has imported
# attachkit, or holds a big buffer, would inflate every figure. A bare interpreter started with
# -I -S forks them instead: its own few MiB are the floor (below any Python client's RSS).
_LAUNCHER = r"""
import json, os, signal, sys, time
def on_alarm(signum, frame):
    os.kill(child, signal.SIGKILL)
signal.signal(signal.SIGALRM, on_alarm)
for line in sys.stdin:
    job = json.loads(line)
    out = os.open(job["stdout"] or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    started = time.perf_counter()
    child = os.fork()
    if child == 0:
        try:
            os.dup2(out, 1)
            if job["env"] is not None:
                os.execvpe(job["argv"][0], job["argv"], job["env"])
            os.execvp(job["argv"][0], job["argv"])
        finally:
            os._exit(127)
    os.close(out)
    if job["timeout"]:
        signal.alarm(max(1, int(job["timeout"])))
    _, status, usage = os.wait4(child, 0)
    wall = time.perf_counter() - started
    signal.alarm(0)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status), "wall_s": wall,
                      "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
                      "maxrss_kib": usage.ru_maxrss, "minflt": usage.ru_minflt,
                      "majflt": usage.ru_majflt}), flush=True)
"""

_launcher: subprocess.Popen[str] | None = None


def _launch(job: dict[str, Any]) -> dict[str, Any]:
    global _launcher
    if _launcher is None or _launcher.poll() is not None:
        _launcher = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
    assert _launcher.stdin is not None and _launcher.stdout is not None
    _launcher.stdin.write(json.dumps(job) + "\n")
    _launcher.stdin.flush()
    answer = _launcher.stdout.readline()
    if not answer:
        raise ClientFailed("the launcher process died")
    return dict(json.loads(answer))


def stop_launcher() -> None:
    """End the launcher process (it also ends by itself when this process exits)."""
    global _launcher
    if _launcher is not None:
        assert _launcher.stdin is not None
        _launcher.stdin.close()
        _launcher.wait(10)
        _launcher = None


def measure(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    capture: bool = False,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Run ``argv`` to completion; its wall time, CPU seconds, peak RSS and page faults (and
    stdout if asked).

    ``wait4`` reports the child's own rusage: ``ru_maxrss`` is the peak resident set of that
    process (KiB on Linux), not of this one.
    """
    with tempfile.NamedTemporaryFile(prefix="bench-stdout-") as stdout:
        answer = _launch(
            {
                "argv": list(argv),
                "env": dict(env) if env is not None else None,
                "stdout": stdout.name if capture else None,
                "timeout": timeout,
            }
        )
        out = Path(stdout.name).read_text("utf-8", "replace") if capture else ""
    if answer["status"] != 0:
        raise ClientFailed(f"{list(argv)[:3]} failed with exit code {answer['status']}")
    result: dict[str, Any] = {
        "wall_s": answer["wall_s"],
        "cpu_s": answer["user_s"] + answer["sys_s"],
        "user_s": answer["user_s"],
        "sys_s": answer["sys_s"],
        "peak_rss_mib": answer["maxrss_kib"] / 1024,  # Linux reports KiB
        # Page faults of that process: a minor one maps a page (a fresh buffer touched for the
        # first time), a major one also waits for the disk.
        "minflt": answer["minflt"],
        "majflt": answer["majflt"],
    }
    if capture:
        result["stdout"] = out
    return result


def write_random_file(path: Path, size: int) -> None:
    """``size`` bytes of incompressible data, every MiB different (no dedup, no compression)."""
    block = bytearray(os.urandom(MIB))
    with open(path, "wb") as f:
        written = 0
        index = 0
        while written < size:
            block[:8] = index.to_bytes(8, "big")
            piece = block[: min(MIB, size - written)]
            f.write(piece)
            written += len(piece)
            index += 1


def free_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago (for servers that cannot take port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


_BANNER_URL = re.compile(r"on (http://127\.0\.0\.1:\d+)")
_BANNER_TOKEN = re.compile(r"X-Attachkit-Mock-Token: (\S+)")


def start_mock(
    command: Sequence[str], env: Mapping[str, str] | None = None
) -> tuple[subprocess.Popen[str], str, str]:
    """Start a mock service process (``command`` prints the ``mock serve`` banner on stdout).

    Returns the process, its URL and its control token, read from the banner; the rest of its
    stdout is drained in the background so a full pipe never blocks it. A mock that does not
    start is stopped and ``SystemExit`` names what it printed.
    """
    process = subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=None if env is None else dict(env),
    )
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or "control API" not in lines[-1]:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
    url = _BANNER_URL.search("".join(lines))
    token = _BANNER_TOKEN.search("".join(lines))
    if url is None or token is None:
        process.terminate()
        process.wait(timeout=30)
        raise SystemExit("the mock did not start:\n" + "".join(lines))
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process, url.group(1), token.group(1)


def process_cpu_seconds(pid: int) -> float:
    """utime+stime of a running process (all its threads) from /proc; 0.0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def summarise(samples: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Median of each numeric figure over runs, plus the best (lowest) wall time."""
    keys = [k for k, v in samples[0].items() if isinstance(v, int | float)]
    summary = {key: statistics.median(float(s[key]) for s in samples) for key in keys}
    summary["best_wall_s"] = min(float(s["wall_s"]) for s in samples)
    summary["runs"] = len(samples)
    return summary
