"""The fault corpus built once per test run: each broken copy made once, validated once per engine, shared.

Tests ask the ``corpus`` fixture (``conftest.py``) for a fault's broken copy (``Corpus.case``: its root, its
source texts when the fault needs them, and what the validator must say), or for what was said about it:
``Corpus.report(fault, engine)`` is ``validate(root, texts, engine=engine)``, ``Corpus.stock(fault)`` stock
frictionless's report, ``Corpus.cli(fault)`` the ``cacdata validate --format json`` run (whose own call of
``validate`` is answered from ``report(fault, "auto")``). Each is computed
the first time a test asks and kept for the rest of the session. Under pytest-xdist each worker has its own
session, so ``-n`` hands all the tests of one fault (their ID is the fault's ``slug``) to one worker
(``scheduler``), which builds its copy once. An exception is kept like a report and raised again to each
test that asks, so ``pytest.raises`` still holds.

A shared copy must not be changed by a test: it is made read-only once built, and after each test the copies
that test used are compared with their state when built (names, modes, sizes and SHA-256 of every file),
since chmod stops no one running as root. A test that must write copies the package itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cacdata.validation import validate  # bound here: cli() stands in for the module's attribute for a while

from conftest import provide_texts
from faults import FAULTS, Expected, Fault, Refused, break_copy, copy_package

TODAY = date.today()  # one day for the whole run, so that no report changes at midnight


def slug(fault: Fault) -> str:
    """A file name for the fault: its kind in lower case, a quoted character spelt out by its Unicode name."""
    kind = re.sub(r"'(.+?)'", lambda m: " ".join(unicodedata.name(c) for c in m[1]), fault.kind)
    return re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")


SLUGS = {slug(f) for f in FAULTS}


def cases(faults: Iterable[Fault]) -> list[Any]:
    """``faults`` as test parameters whose ID is the fault's slug, by which ``scheduler`` keeps them together."""
    return [pytest.param(f, id=slug(f)) for f in faults]


def scope(nodeid: str) -> str:
    """Which tests one xdist worker runs together: a fault's (they share its copy), else a module's (they
    share its module fixtures: the wheel, the server, an export)."""
    if nodeid.endswith("]") and (param := nodeid[nodeid.rindex("[") + 1 : -1]) in SLUGS:
        return f"fault {param}"
    return nodeid.split("::", 1)[0]


def scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's scheduling by scope (whole scopes to a worker, the largest first), with the scopes of ``scope``.

    (xdist's own ``--dist loadgroup`` would do with ``xdist_group`` marks, but with pytest 9.2 it silently
    stops grouping: pytest-dev/pytest-xdist#1386.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class ByFaultAndModule(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return scope(nodeid)

    return ByFaultAndModule(config, log)


@dataclass(frozen=True)
class Case:
    """One fault's broken copy: the package at ``root``, the texts it is checked against, what must be said."""

    fault: Fault
    root: Path
    texts: Path | None
    expected: Expected | Refused


class Corpus:
    """Broken copies and what was said about them, each made on first use and kept."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._cases: dict[str, Case] = {}
        self._states: dict[str, dict[str, tuple[object, ...]]] = {}
        self._outcomes: dict[tuple[str, str], object] = {}
        self.used: set[str] = set()  # cases asked for since the last check

    def case(self, fault: Fault) -> Case:
        """The fault's broken copy, built the first time it is asked for, then read-only."""
        name = slug(fault)
        self.used.add(name)
        if name not in self._cases:
            folder = self.base / name
            root = copy_package(folder / "package")
            texts = None
            if fault.needs_texts:  # texts for the unbroken copy, as a contributor's would be, before breaking it
                texts = folder / "texts"
                provide_texts(root, texts)
            expected = break_copy(fault, root)
            _set_writable(folder, False)
            self._cases[name] = Case(fault, root, texts, expected)
            self._states[name] = _state(folder)
        return self._cases[name]

    def report(self, fault: Fault, engine: str) -> Any:
        """``validate(root, texts, engine=engine)`` on the fault's copy, or the exception it raised, raised again."""
        case = self.case(fault)
        return self._once(fault, engine, lambda: validate(case.root, case.texts, today=TODAY, engine=engine))  # type: ignore[arg-type]

    def stock(self, fault: Fault) -> Any:
        """Stock ``frictionless.validate`` on the fault's copy (its descriptor)."""
        import frictionless

        case = self.case(fault)
        return self._once(fault, "frictionless", lambda: frictionless.validate(str(case.root / "datapackage.json")))

    def cli(self, fault: Fault) -> Any:
        """``cacdata validate ROOT --format json [--texts TEXTS]`` run in-process: typer's ``Result``.

        The command's own call of ``validate(ROOT, TEXTS)`` is answered from ``report(fault, "auto")``, the
        same call already made (or made now) on the same copy: it is one pure function of the same arguments,
        so only the repeated work goes. Any other call the command makes runs as it is.
        """
        from typer.testing import CliRunner

        from cacdata.cli import app

        case = self.case(fault)
        args = ["validate", str(case.root), "--format", "json", *(["--texts", str(case.texts)] if case.texts else [])]

        def run() -> Any:
            with self._validate_answered_for(fault):
                return CliRunner().invoke(app, args)

        return self._once(fault, "cli", run)

    @contextlib.contextmanager
    def _validate_answered_for(self, fault: Fault) -> Iterator[None]:
        """``cacdata.validation.validate`` answers the fault's own call from the kept report, for a while."""
        import cacdata.validation

        real, case = cacdata.validation.validate, self.case(fault)

        def answered(path: Any = None, texts: Any = None, today: Any = None, engine: str = "auto") -> Any:
            same_texts = (texts is None) == (case.texts is None) and (texts is None or Path(texts) == case.texts)
            same_root = path is not None and Path(path).resolve() == case.root.resolve()
            if same_root and same_texts and today in (None, TODAY) and engine == "auto":
                return self.report(fault, "auto")
            return real(path, texts, today, engine)  # type: ignore[arg-type]

        cacdata.validation.validate = answered  # type: ignore[assignment]
        try:
            yield
        finally:
            cacdata.validation.validate = real

    def _once(self, fault: Fault, what: str, compute: Any) -> Any:
        key = (slug(fault), what)
        if key not in self._outcomes:
            try:
                self._outcomes[key] = compute()
            except Exception as error:  # kept: each test asking gets it, as if it had called itself
                self._outcomes[key] = _Raised(error)
        outcome = self._outcomes[key]
        if isinstance(outcome, _Raised):
            raise outcome.error.with_traceback(None)
        return outcome

    def check_untouched(self) -> None:
        """Fail when a copy used since the last check differs from what was built: a test wrote to it."""
        used, self.used = self.used, set()
        for name in sorted(used & self._states.keys()):
            built, now = self._states[name], _state(self.base / name)
            if now != built:
                changed = sorted(k for k in now.keys() | built.keys() if now.get(k) != built.get(k))
                raise AssertionError(f"a test changed the shared broken copy {name}: {changed}; copy it to write")

    def release(self) -> None:
        """Make every copy writable again, so the temporary folder can be removed."""
        for name in self._cases:
            _set_writable(self.base / name, True)


@dataclass(frozen=True)
class _Raised:
    error: Exception


def _set_writable(folder: Path, writable: bool) -> None:
    """chmod a folder tree: read-only (files 444, folders 555) or back to 644/755; symlinks are left alone."""
    for directory, folders, files in os.walk(folder):
        for name in files + folders:
            path = Path(directory, name)
            if not path.is_symlink():
                is_dir = stat.S_ISDIR(path.lstat().st_mode)
                path.chmod((0o755 if is_dir else 0o644) if writable else (0o555 if is_dir else 0o444))
    folder.chmod(0o755 if writable else 0o555)


def _state(folder: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under ``folder``: kind, size and SHA-256 of regular files (a named pipe is never opened)."""
    found: dict[str, tuple[object, ...]] = {}
    for directory, folders, files in os.walk(folder):
        for name in files + folders:
            path = Path(directory, name)
            info = path.lstat()
            key = str(path.relative_to(folder))
            if stat.S_ISREG(info.st_mode):
                found[key] = ("file", info.st_size, hashlib.sha256(path.read_bytes()).hexdigest())
            elif stat.S_ISLNK(info.st_mode):
                found[key] = ("link", os.readlink(path))
            else:
                found[key] = (stat.S_IFMT(info.st_mode),)
    return found
