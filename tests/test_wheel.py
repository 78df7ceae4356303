"""The wheel is the product: built, installed into a clean environment with no development tools and no
access to the repository, it must carry the data and load, validate and report its version."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import cacdata

from conftest import REPO

# Building, installing and starting the wheel takes a minute: `pytest -m "not slow"` leaves it out. Under
# xdist the module's tests run on one worker (tests/conftest.py), which builds the wheel once.
pytestmark = pytest.mark.slow

CHECK = """
import json, sys, cacdata, pandas as pd
from cacdata.describe.package import DataPackage
package = DataPackage.open()
assert "site-packages" in str(package.root), package.root
frames = cacdata.load_all()
print(json.dumps({
    "version": cacdata.__version__,
    "rows": {name: len(frame) for name, frame in frames.items()},
    "dates": str(frames["events"]["date_start"].dtype),
}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--sdist",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(work / "dist"),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (work / "dist").glob("cacdata-*.whl")
    venv.create(work / "env", with_pip=True)
    python = work / "env" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    return work


def test_wheel_loads_every_table_outside_the_repository(installed: Path) -> None:
    python = installed / "env" / "bin" / "python"
    result = subprocess.run([str(python), "-c", CHECK], cwd=installed, capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    assert report["version"] == cacdata.__version__
    assert report["rows"] == {name: len(cacdata.load(name)) for name in cacdata.tables()}
    assert report["dates"].startswith("datetime64")


def test_wheel_validates_its_own_data(installed: Path) -> None:
    command = installed / "env" / "bin" / "cacdata"
    result = subprocess.run([str(command), "validate"], cwd=installed, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("valid")


def test_wheel_has_no_development_tools(installed: Path) -> None:
    python = installed / "env" / "bin" / "python"
    code = "import importlib.util as u; print([m for m in ('pytest', 'ruff', 'mypy') if u.find_spec(m)])"
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_sdist_is_built_beside_the_wheel(installed: Path) -> None:
    (sdist,) = (installed / "dist").glob("cacdata-*.tar.gz")
    assert cacdata.__version__ in sdist.name


def test_wheel_cites_its_release(installed: Path) -> None:
    command = installed / "env" / "bin" / "cacdata"
    result = subprocess.run([str(command), "cite", "--format", "bibtex"], cwd=installed, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"version {cacdata.__version__}}}" in result.stdout
    assert "SHA-256 of cacdata-" in result.stdout  # the wheel carries releases/, so it cites with the checksum
