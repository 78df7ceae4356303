"""XLSX for spreadsheet users, through openpyxl: a sheet per table and a sheet describing every field.

A cell that a spreadsheet would run as a formula (starting with = + - @ or their full-width forms) is
stored as text with Excel's quote prefix: it shows and copies as written and never runs. This happens only
in this export; the CSV data is never changed. Timestamps are fixed, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from cacdata.describe.atomic import write_bytes
from cacdata.describe.package import DataPackage
from cacdata.share.exports.fields import frames, plain_records
from cacdata.validation.cells import FORMULA_STARTS  # one list of what a spreadsheet runs

FIELDS_SHEET = "fields"
FIXED_TIME = datetime(2000, 1, 1)
CORE_PROPERTIES = "docProps/core.xml"
MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def write_xlsx(package: DataPackage, out: Path) -> list[Path]:
    """Write the package as one Excel workbook at ``out``, a sheet per table; returns the file."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, frame in frames(package).items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for record in plain_records(frame):
            sheet.append(list(record.values()))
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
        sheet.freeze_panes = "A2"
        for index in range(1, len(frame.columns) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 24
    fields = book.create_sheet(FIELDS_SHEET)
    fields.append(["table", "field", "type", "required", "allowed values", "description"])
    for table in package.tables.values():
        for column in table.fields:
            fields.append(
                [
                    table.name,
                    column.name,
                    column.type,
                    column.required,
                    ", ".join(column.enum or []),
                    column.description,
                ]
            )
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes(out, _fixed_zip_times(buffer.getvalue()))
    return [out]


def _fixed_zip_times(data: bytes) -> bytes:
    """openpyxl stamps the zip members and the "modified" property with the time of writing; fix both."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            fixed = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(item.filename)
            if item.filename == CORE_PROPERTIES:  # openpyxl sets "modified" to the time of saving
                data = MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            target.writestr(fixed, data)
    return buffer.getvalue()
