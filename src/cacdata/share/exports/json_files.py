"""JSON: one document per table (an array of records), or JSON Lines (one record per line).

Missing cells are ``null``, dates ISO strings; keys keep the schema's column order.
"""

from __future__ import annotations

import json
from pathlib import Path

from cacdata.describe.atomic import write_text
from cacdata.describe.package import DataPackage
from cacdata.share.exports.fields import frames, plain_records


def write_json(package: DataPackage, out: Path) -> list[Path]:
    """Write one JSON array file per table into ``out``, for web and script use; returns the files."""
    written = []
    for name, frame in frames(package).items():
        path = write_text(out / f"{name}.json", json.dumps(plain_records(frame), ensure_ascii=False, indent=1) + "\n")
        written.append(path)
    return written


def write_json_lines(package: DataPackage, out: Path) -> list[Path]:
    """Write one JSON Lines file per table into ``out``, for streaming tools; returns the files."""
    written = []
    for name, frame in frames(package).items():
        lines = [json.dumps(record, ensure_ascii=False) for record in plain_records(frame)]
        path = write_text(out / f"{name}.jsonl", "".join(line + "\n" for line in lines))
        written.append(path)
    return written
