"""The wheel carries all four packages and the specs, and works with no repository around it."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.scripts_loader import ROOT

PACKAGES = ("attachkit", "codearts_req_client", "coc_client", "worldserver_client")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        timeout=600,
    )
    [built] = out.glob("attachkit-*.whl")
    return built


def test_wheel_contains_the_packages_and_the_specs(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for package in PACKAGES:
        assert f"{package}/__init__.py" in names
        assert f"{package}/py.typed" in names
    for service in ("codearts-req", "coc", "worldserver"):
        assert f"attachkit/specs/{service}.yaml" in names
    assert not [n for n in names if n.startswith(("tests/", "scripts/", "generated/", "overlay/"))]


def test_wheel_installs_and_imports_in_a_clean_venv(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=600
    )
    probe = (
        "import attachkit, codearts_req_client, coc_client, worldserver_client\n"
        "from attachkit import specs\n"
        "print(attachkit.__version__)\n"
        "print(specs.specs_dir())\n"
        "print(sorted(specs.operations('worldserver')))\n"
    )
    # Run from an empty directory so nothing from the checkout can be imported by accident.
    result = subprocess.run(
        [str(python), "-I", "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    version, specs_dir, operations = result.stdout.splitlines()
    assert version
    assert "site-packages" in specs_dir
    assert operations == "['getAttributeFiles', 'login', 'uploadAttributeFile']"
