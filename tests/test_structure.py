"""The house's shape: one async root with its generated twin, one synchronization module, and
layers that only import downward (the contracts in pyproject.toml's ``[tool.importlinter]``).

These hold the redesign in place: a new module that imports upward, a second ``_async/`` root
or a second shims module fails here, not in a review months later.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.scripts_loader import ROOT

PACKAGE = ROOT / "overlay" / "attachkit"


def test_the_layer_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "overlay"), str(ROOT / "generated")]),
    }
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_there_is_one_async_root_and_its_generated_twin() -> None:
    async_roots = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("_async"))
    sync_roots = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("_sync"))
    assert async_roots == ["_async"]
    assert sync_roots == ["_sync"]
    sources = {p.name for p in (PACKAGE / "_async").glob("*.py")}
    twins = {p.name for p in (PACKAGE / "_sync").glob("*.py")}
    assert sources == twins


def test_what_rewriting_cannot_express_lives_in_one_module() -> None:
    shims = sorted(
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if "shim" in p.name or "synchronization" in p.name
    )
    assert shims == ["_synchronization.py"]


def test_every_module_of_the_package_has_its_place_in_the_layers() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = config["tool"]["importlinter"]["contracts"]
    placed = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    modules = {
        f"attachkit.{path.stem if path.is_file() else path.name}"
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and not path.name.startswith("__"))
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    # A module left out of the layers would be free to import anything: name it there.
    assert sorted(modules - placed) == []
