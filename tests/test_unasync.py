"""The sync twins in ``_sync/`` folders are exactly what scripts/unasync makes of ``_async/``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.scripts_loader import ROOT, load_script


def run_unasync(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "unasync"), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_committed_sync_twins_match_their_async_source() -> None:
    result = run_unasync(ROOT, "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_tokens_are_rewritten_as_whole_words() -> None:
    unasync = load_script("unasync")
    source = (
        "from attachkit._async.retry import async_send\n"
        "class AsyncThing(AsyncBase):\n"
        "    async def get(self, http: httpx.AsyncClient) -> AsyncIterator[bytes]:\n"
        "        async with http.stream('GET', '/') as response:\n"
        "            async for chunk in response.aiter_raw():\n"
        "                yield chunk\n"
        "        await response.aclose()\n"
        "        asynchronous = await anext(chunks)\n"
        "        marker = 1  # unasync: async-only\n"
        "        await loop_only()  # unasync: keep\n"
        "        await _async_helper(_async)\n"
    )
    assert unasync.unasync_source(source, "x.py", set()).splitlines()[1:] == [
        "from attachkit._sync.retry import send",
        "class Thing(Base):",
        "    def get(self, http: httpx.Client) -> Iterator[bytes]:",
        "        with http.stream('GET', '/') as response:",
        "            for chunk in response.iter_raw():",
        "                yield chunk",
        "        response.close()",
        "        asynchronous = next(chunks)",
        "        await loop_only()",
        "        _helper(_sync)",
    ]


def test_an_edited_async_source_without_regenerating_is_reported(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(
        ROOT / "scripts", copy / "scripts", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    package = copy / "overlay" / "attachkit" / "demo" / "_async"
    package.mkdir(parents=True)
    (package / "thing.py").write_text("async def fetch() -> None:\n    await other()\n")

    assert run_unasync(copy).returncode == 0
    twin = copy / "overlay" / "attachkit" / "demo" / "_sync" / "thing.py"
    assert "def fetch() -> None:\n    other()\n" in twin.read_text()
    assert run_unasync(copy, "--check").returncode == 0

    (package / "thing.py").write_text("async def fetch() -> int:\n    return await other()\n")
    result = run_unasync(copy, "--check")
    assert result.returncode == 1
    assert "overlay/attachkit/demo/_sync/thing.py (out of date" in result.stdout

    (package / "thing.py").unlink()
    result = run_unasync(copy, "--check")
    assert result.returncode == 1
    assert "no async source" in result.stdout
