"""The data dictionary, written from the schemas so that it cannot drift from them.

Meanings of allowed values are read from the field's description, where each value is written as
`` `value` meaning; ``: the schema stays the one place a value is explained.
"""

from __future__ import annotations

import re
from typing import Any

from cacdata.describe.csv_lines import read_rows
from cacdata.describe.package import DataPackage, Table
from cacdata.describe.shape import as_names
from cacdata.validation.expectations import MINIMUM_FILL, ROW_COUNT
from cacdata.validation.semantics import ENTITY_TYPES, REQUIRED_WITH

MEANING_END = re.compile(r";\s*`|\.\s+[A-Z]|\.?$")


def render_codebook(package: DataPackage) -> str:
    """Markdown for every table and field: type, constraints, description, allowed values, an example."""
    lines = [
        f"# Data dictionary: {package.descriptor.get('title', package.descriptor.get('name', ''))}",
        "",
        f"Version {package.version}. Generated from `schemas/` by `cacdata codebook`; do not edit by hand.",
        "",
    ]
    for table in package.tables.values():
        lines += _table_section(table)
    return "\n".join(lines).rstrip() + "\n"


def _table_section(table: Table) -> list[str]:
    examples = _examples(table)
    lines = [f"## `{table.name}`: {table.title}", "", table.description, ""]
    lines.append(f"File `data/{table.csv_path.name}`; primary key `{table.primary_key}`.")
    bounds = table.schema.get(ROW_COUNT)
    if bounds:
        lines.append(f"Expected rows: {bounds.get('minimum', 0)} to {bounds.get('maximum', 'any number')}.")
    for key in table.schema.get("foreignKeys", []):
        target = key["reference"].get("resource") or table.name
        local, remote = as_names(key["fields"]) or [], as_names(key["reference"]["fields"]) or []
        lines.append(f"`{', '.join(local)}` refers to `{target}.{', '.join(remote)}`.")
    lines += ["", "| field | type | constraints | description | example |", "| --- | --- | --- | --- | --- |"]
    for field in table.fields:
        lines.append(
            f"| `{field['name']}` | {field.get('type', 'string')} | {_constraints(field)} "
            f"| {_cell(field.get('description', ''))} "
            f"| {_cell(examples.get(field['name'], ''))} |"
        )
    for field in table.fields:
        enum = field.get("constraints", {}).get("enum")
        if enum:
            meanings = _meanings(field.get("description", ""), enum)
            lines += ["", f"Allowed values of `{field['name']}`:", ""]
            lines += [
                f"- `{value}`" + (f": {meanings[value].strip()}" if meanings.get(value) else "") for value in enum
            ]
    return [*lines, ""]


def _meanings(description: str, values: list[str]) -> dict[str, str]:
    """What the description says after each `` `value` ``, up to the next value or the end of its sentence."""
    meanings = {}
    for value in values:
        start = description.find(f"`{value}`")
        if start >= 0:
            rest = description[start + len(value) + 2 :]
            end = MEANING_END.search(rest)
            meanings[value] = rest[: end.start() if end else len(rest)].strip()
    return meanings


def _constraints(field: dict[str, Any]) -> str:
    constraints = field.get("constraints", {})
    said = []
    if constraints.get("required"):
        said.append("required")
    if constraints.get("unique"):
        said.append("unique")
    if "pattern" in constraints:
        said.append(f"pattern `{constraints['pattern']}`")
    if "maxLength" in constraints:
        said.append(f"at most {constraints['maxLength']} characters")
    if "enum" in constraints:
        said.append("one of the allowed values below")
    if "format" in field and field.get("type") == "date":
        said.append("YYYY-MM-DD")
    if REQUIRED_WITH in field:
        said.append(f"required when `{field[REQUIRED_WITH]}` is filled")
    if ENTITY_TYPES in field:
        said.append("an entity of type " + " or ".join(f"`{kind}`" for kind in field[ENTITY_TYPES]))
    if MINIMUM_FILL in field:
        said.append(f"at least {field[MINIMUM_FILL]:.0%} of cells filled")
    return _cell(", ".join(said))


def _examples(table: Table) -> dict[str, str]:
    """The first non-empty value of each column, shortened."""
    examples: dict[str, str] = {}
    for row in read_rows(table.csv_path):
        for name, value in row.cells.items():
            if value and name not in examples:
                examples[name] = value if len(value) <= 60 else value[:59] + "…"
    return examples


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
