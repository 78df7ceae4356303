"""The data dictionary, written from the schemas so that it cannot drift from them.

Meanings of allowed values are read from the field's description, where each value is written as
`` `value` meaning; ``: the schema stays the one place a value is explained.
"""

from __future__ import annotations

import re

from cacdata.describe.csv_lines import read_rows
from cacdata.describe.package import DataPackage, Table
from cacdata.describe.schema import Field

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
    bounds = table.schema.row_count
    if bounds:
        most = "any number" if bounds.maximum is None else bounds.maximum
        lines.append(f"Expected rows: {bounds.minimum or 0} to {most}.")
    for key in table.schema.foreign_keys:
        target = key.resource or table.name
        lines.append(f"`{key.fields[0]}` refers to `{target}.{key.reference_fields[0]}`.")
    lines += ["", "| field | type | constraints | description | example |", "| --- | --- | --- | --- | --- |"]
    for field in table.fields:
        lines.append(
            f"| `{field.name}` | {field.type} | {_constraints(field)} | {_cell(field.description)} "
            f"| {_cell(examples.get(field.name, ''))} |"
        )
    for field in table.fields:
        enum = field.enum
        if enum:
            meanings = _meanings(field.description, enum)
            lines += ["", f"Allowed values of `{field.name}`:", ""]
            lines += [
                f"- `{value}`" + (f": {meanings[value].strip()}" if meanings.get(value) else "") for value in enum
            ]
    return [*lines, ""]


def _meanings(description: str, values: tuple[str, ...]) -> dict[str, str]:
    """What the description says after each `` `value` ``, up to the next value or the end of its sentence."""
    meanings = {}
    for value in values:
        start = description.find(f"`{value}`")
        if start >= 0:
            rest = description[start + len(value) + 2 :]
            end = MEANING_END.search(rest)
            meanings[value] = rest[: end.start() if end else len(rest)].strip()
    return meanings


def _constraints(field: Field) -> str:
    said = []
    if field.required:
        said.append("required")
    if field.unique:
        said.append("unique")
    if field.pattern is not None:
        said.append(f"pattern `{field.pattern}`")
    if field.max_length is not None:
        said.append(f"at most {field.max_length} characters")
    if field.enum is not None:
        said.append("one of the allowed values below")
    if field.type == "date" and field.format != "default":
        said.append("YYYY-MM-DD")
    if field.required_with is not None:
        said.append(f"required when `{field.required_with}` is filled")
    if field.entity_types is not None:
        said.append("an entity of type " + " or ".join(f"`{kind}`" for kind in field.entity_types))
    if field.minimum_fill is not None:
        said.append(f"at least {field.minimum_fill:.0%} of cells filled")
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
