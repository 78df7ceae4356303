"""docs/reliability.md states the limits the code holds; each number is read from the code, so neither drifts."""

from __future__ import annotations

import pytest

from cacdata.describe import copies, csv_lines, package
from cacdata.share import serve

from conftest import REPO

DOC = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")


def mib(value: int) -> str:
    return f"{value // 2**20} MiB"


@pytest.mark.parametrize(
    ("constant", "stated"),
    [
        ("MAX_JSON_BYTES", mib(package.MAX_JSON_BYTES)),
        ("MAX_JSON_DEPTH", f"{package.MAX_JSON_DEPTH} levels"),
        ("MAX_NUMBER_DIGITS", f"{package.MAX_NUMBER_DIGITS} characters"),
        ("MAX_CSV_BYTES", f"{package.MAX_CSV_BYTES // 2**30} GiB"),
        ("MAX_LINE_BYTES", mib(csv_lines.MAX_LINE_BYTES)),
        ("MAX_BLANK_LINES", f"{csv_lines.MAX_BLANK_LINES:,}"),
        ("MAX_MEMBERS", f"{copies.MAX_MEMBERS:,}"),
        ("MAX_MEMBER_BYTES", mib(copies.MAX_MEMBER_BYTES)),
        ("MAX_UNPACKED_BYTES", mib(copies.MAX_UNPACKED_BYTES)),
        ("GRACE_SECONDS", f"{serve.GRACE_SECONDS} s"),
    ],
)
def test_each_limit_is_stated_as_the_code_holds_it(constant: str, stated: str) -> None:
    row = next(line for line in DOC.splitlines() if f"`{constant}`" in line)
    assert f"| {stated}" in row, row
