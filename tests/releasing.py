"""Helpers of the publish tests: a tagless clone of this repository, as CI makes it, to release from."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

from cacdata.describe.package import DataPackage
from cacdata.describe.stamp import stamp
from cacdata.publish.manifest import RELEASES
from cacdata.publish.metadata import write_metadata

from faults import REPO, read, write

IDENTITY = ["-c", "user.name=cacdata test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
# What a release reads and writes; the fixture brings the clone up to the working tree's state of these.
TRACKED = ["datapackage.json", "CITATION.cff", "CHANGELOG.md", "README.md", "LICENSE", "LICENSE-DATA"]
TRACKED_FOLDERS = ["schemas", "data", "docs", RELEASES]


TODAY = date(2031, 5, 6)  # a release day no test can mistake for the real one


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *IDENTITY, "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def clone(tmp_path: Path) -> Path:
    """A clone of this repository without tags, as CI makes it, at the working tree's state of the package."""
    root = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", "--no-tags", str(REPO), str(root)], check=True, capture_output=True)
    for name in TRACKED:
        shutil.copy(REPO / name, root / name)
    for folder in TRACKED_FOLDERS:
        shutil.rmtree(root / folder, ignore_errors=True)
        shutil.copytree(REPO / folder, root / folder)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "the working tree")
    return root


def clone_with_a_change(tmp_path: Path) -> Path:
    """A tagless clone with one new entity (and its citation) committed since the last release."""
    root = clone(tmp_path)
    header, entities = read(root, "entities")
    new_id = f"ent-{int(entities[-1]['entity_id'][4:]) + 1:04d}"
    write(root, "entities", header, [*entities, {**entities[-1], "entity_id": new_id, "parent_id": ""}])
    header, citations = read(root, "citations")
    new_citation = f"cit-{int(citations[-1]['citation_id'][4:]) + 1:04d}"
    last = next(c for c in citations if c["record_id"] == entities[-1]["entity_id"])
    write(root, "citations", header, [*citations, {**last, "citation_id": new_citation, "record_id": new_id}])
    stamp(DataPackage.open(root))
    write_metadata(root)
    git(root, "commit", "-qam", "one new entity")
    return root


def next_minor(version: str) -> str:
    """The next minor version, as a MAJOR schema change needs before 1.0.0."""
    major, minor, _ = version.split(".")
    return f"{major}.{int(minor) + 1}.0"
