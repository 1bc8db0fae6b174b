"""Helpers shared by the benchmark scripts (``scripts/bench``, ``scripts/bench-transfer-engine``).

Every measured client runs as its own process and is measured with ``wait4()``: wall time, CPU
(user+sys) and peak RSS of that process alone, so one client's imports, threads and buffers never
colour another's figures.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

MIB = 1024 * 1024


class ClientFailed(RuntimeError):
    """A measured client exited with a non-zero status."""


def measure(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    capture: bool = False,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Run ``argv`` to completion; its wall time, CPU seconds and peak RSS (and stdout if asked).

    ``wait4`` reports the child's own rusage: ``ru_maxrss`` is the peak resident set of that
    process (KiB on Linux), not of this one.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        env=dict(env) if env is not None else None,
    )
    out = b""
    if capture:
        assert proc.stdout is not None
        # The children print a few lines at most; reading to EOF cannot deadlock.
        out = proc.stdout.read()
        proc.stdout.close()
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG if deadline else 0)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            raise ClientFailed(f"{list(argv)[:3]} timed out after {timeout} s")
        time.sleep(0.01)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise ClientFailed(f"{list(argv)[:3]} failed with exit code {proc.returncode}")
    result: dict[str, Any] = {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "user_s": usage.ru_utime,
        "sys_s": usage.ru_stime,
        "peak_rss_mib": usage.ru_maxrss / 1024,  # Linux reports KiB
    }
    if capture:
        result["stdout"] = out.decode("utf-8", "replace")
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
