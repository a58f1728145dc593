"""Turning a `Report` into files: PDF through WeasyPrint, Excel through openpyxl (write-only).

Both are byte-identical for the same report: no print time, no random identifier, fixed zip
timestamps, the embedded font subset without a time stamp (`SOURCE_DATE_EPOCH`), and the writers'
versions pinned in pyproject.toml. Chinese renders with Noto Sans SC from the
`pylopdf-fonts-zh-cn` wheel, embedded as a subset, so no system font is needed.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import io
import os
import zipfile
from copy import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from township.reports import Column, Report, Table

# fontTools (WeasyPrint's subsetter without HarfBuzz-subset) stamps "now" into the embedded
# font unless this is set; the report then differs from run to run.
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")

FONT_FAMILY = "Report CJK"
FIXED_TIME = dt.datetime(2000, 1, 1)  # the workbook's created/modified: never the print time
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def font_url() -> str:
    font = importlib.resources.files("pylopdf_fonts_zh_cn") / "NotoSansSC-Regular.otf"
    return Path(str(font)).resolve().as_uri()


# --- PDF ----------------------------------------------------------------------------------------


def _cell_text(value: Any, column: Column) -> str:
    if value is None or value == "":
        return "—" if column.kind != "text" else ""
    if column.kind == "score" and isinstance(value, Decimal):
        return f"{value:.2f}"
    if column.kind == "money" and isinstance(value, Decimal):
        return f"{value:,.2f}"
    if column.kind == "percent" and isinstance(value, Decimal):
        return f"{value * 100:.1f}%"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _percentages(widths: list[int]) -> list[str]:
    total = sum(widths) or 1
    return [f"{100 * w / total:.2f}" for w in widths]


def render_pdf(report: Report) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    tables = [
        {
            "table": t,
            # Fixed column widths (from the Excel widths): WeasyPrint then skips measuring every
            # cell of a long table first.
            "widths": _percentages([c.width for c in t.columns]),
            "rows": [
                {
                    "cells": [
                        (_cell_text(v, c), c.kind != "text")
                        for v, c in zip(row, t.columns, strict=True)
                    ],
                    "marked": i in t.marked,
                }
                for i, row in enumerate(t.rows)
            ],
        }
        for t in report.tables
    ]
    html = render_to_string(
        "reports/report.html",
        {"report": report, "tables": tables, "digest": report.data_digest()},
    )
    fonts = FontConfiguration()
    font_css = CSS(
        string=(
            # One face (regular): bold text picks the nearest weight of the family, this one,
            # so the font is subset and embedded once.
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{font_url()}"); }}\n'
        ),
        font_config=fonts,
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[font_css],
        font_config=fonts,
        pdf_identifier=f"dangjian-{report.data_digest()}".encode(),
    )


# --- Excel --------------------------------------------------------------------------------------


class _FixedTimeZipFile(zipfile.ZipFile):
    """A zip whose entries all carry one fixed time (openpyxl stamps the current time)."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o644 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # Write-only worksheets are streamed to temporary files: leave their mtime out.
        with open(filename, "rb") as fh:
            self.writestr(arcname or filename, fh.read(), compress_type, compresslevel)


NUMBER_FORMATS = {
    "int": "0",
    "score": "0.00",
    "money": '#,##0.00" 元"',
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F3E3E3")
MARK_FILL = PatternFill("solid", fgColor="FDECC8")


def _text_cell(ws, value: str) -> WriteOnlyCell:
    """User-entered text never becomes a formula: it is stored as a string cell, and one that
    starts like a formula (OWASP's =, +, -, @, tab, CR) is also shown with a quote prefix."""
    cell = WriteOnlyCell(ws, value=None)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


class _CellMaker:
    """Cells of one column: plain values go in as they are (the fast path of write-only mode);
    formatted numbers, marked rows and formula-like text get a styled cell, its style copied
    from a prototype made once per column (styling each cell afresh costs more than writing)."""

    def __init__(self, ws, column: Column):
        self.ws = ws
        self.fmt = NUMBER_FORMATS.get(column.kind)
        self.plain = WriteOnlyCell(ws, value=None)
        if self.fmt:
            self.plain.number_format = self.fmt
        self.marked = WriteOnlyCell(ws, value=None)
        self.marked.fill = MARK_FILL
        if self.fmt:
            self.marked.number_format = self.fmt

    def __call__(self, value: Any, *, marked: bool):
        if isinstance(value, str):
            if value.startswith(FORMULA_STARTS):
                cell = _text_cell(self.ws, value)
                if marked:
                    cell.fill = MARK_FILL
                return cell
            if not marked:
                return value
        elif value is None or (not marked and not self.fmt):
            return value
        cell = WriteOnlyCell(self.ws, value=value)
        cell._style = copy(self.marked._style if marked else self.plain._style)
        return cell


def _sheet_name(title: str, taken: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, n = name, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _write_table(wb: Workbook, table: Table, taken: set[str]) -> None:
    ws = wb.create_sheet(_sheet_name(table.sheet or table.title, taken))
    # In write-only mode panes and widths must be set before the first row.
    ws.freeze_panes = "A2"
    for i, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    header = []
    for column in table.columns:
        cell = _text_cell(ws, column.label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    makers = [_CellMaker(ws, c) for c in table.columns]
    for i, row in enumerate(table.rows):
        marked = i in table.marked
        ws.append([make(v, marked=marked) for v, make in zip(row, makers, strict=True)])


def render_xlsx(report: Report) -> bytes:
    wb = Workbook(write_only=True)
    wb.properties.creator = "dangjian"
    wb.properties.title = report.title
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    taken: set[str] = set()
    info = wb.create_sheet(_sheet_name(_("报表说明"), taken))
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 60
    for label, value in [
        (_("报表"), report.title),
        (_("范围"), report.subject),
        (_("期间"), report.period.label),
        *report.facts,
        (_("数据校验码"), report.data_digest()),
    ]:
        info.append([_text_cell(info, str(label)), _text_cell(info, str(value))])
    for table in report.tables:
        _write_table(wb, table, taken)
    out = io.BytesIO()
    ExcelWriter(wb, _FixedTimeZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return out.getvalue()


RENDERERS = {"pdf": render_pdf, "xlsx": render_xlsx}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
