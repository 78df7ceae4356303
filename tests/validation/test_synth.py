"""The synthetic package the benchmarks use: clean when asked, and every injected fault found where recorded."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from cacdata.validation import validate

REPO = Path(__file__).resolve().parents[2]


def _synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth", REPO / "benchmarks" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = module
    spec.loader.exec_module(module)
    return module


synth = _synth()


def test_a_clean_synthetic_package_validates_clean(tmp_path: Path) -> None:
    synth.synthesise(200, tmp_path / "package")
    report = validate(tmp_path / "package")
    assert report.failures == []
    assert sum(1 for _ in (tmp_path / "package" / "data" / "citations.csv").open()) - 1 == 200 * 6.5


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    synth.synthesise(200, tmp_path / "a", faults=1, seed=3)
    synth.synthesise(200, tmp_path / "b", faults=1, seed=3)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert len(files) > 6  # the descriptor, the schemas, the tables and the manifest, not an empty folder
    for path in files:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes(), path


@pytest.mark.parametrize("faults", [1, 2])
def test_each_injected_fault_is_reported_where_the_manifest_says(tmp_path: Path, faults: int) -> None:
    root = tmp_path / "package"
    injected = synth.synthesise(200, root, faults=faults)
    assert {fault.kind for fault in injected} == set(synth.FAULT_KINDS)
    assert len(injected) == faults * len(synth.FAULT_KINDS)
    manifest = json.loads((root / "faults.json").read_text(encoding="utf-8"))
    assert len(manifest) == len(injected)
    located = {(f.rule, f.table, f.line, f.column) for f in validate(root).failures}
    for fault in manifest:
        assert (fault["rule"], fault["table"], fault["line"], fault["column"]) in located, fault
