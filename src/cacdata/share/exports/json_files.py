"""JSON: one document per table (an array of records), or JSON Lines (one record per line).

Missing cells are ``null``, dates ISO strings; keys keep the schema's column order.
"""

from __future__ import annotations

import json
from pathlib import Path

from cacdata.describe.package import DataPackage
from cacdata.share.exports.fields import frames, plain_records


def write_json(package: DataPackage, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames(package).items():
        path = out / f"{name}.json"
        path.write_text(json.dumps(plain_records(frame), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def write_json_lines(package: DataPackage, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames(package).items():
        path = out / f"{name}.jsonl"
        lines = [json.dumps(record, ensure_ascii=False) for record in plain_records(frame)]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        written.append(path)
    return written
