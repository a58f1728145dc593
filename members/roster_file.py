"""An uploaded roster file, checked before anything is parsed, then read row by row.

The checks, in order, each refusing with a Chinese message (`RosterFileError`):
1. the upload's size (MAX_UPLOAD_BYTES) and its first bytes (a zip's local header: a renamed
   PDF or CSV is refused here);
2. the zip's central directory, without decompressing anything: the number of entries, the
   total uncompressed size and each entry's compression ratio as the headers declare them.
   Python's zipfile never returns more than an entry's declared size (and checks its CRC), so a
   header that lies about the size cannot smuggle a larger stream past this check;
3. the package parts (content types, workbook, relationships), small by now, parsed with
   defusedxml (no DTDs, no entities), to find the roster sheet;
4. the first bytes of the sheet's XML: no DOCTYPE, and the `<dimension>` header's rows and
   columns within MAX_ROWS / MAX_COLUMNS;
5. only then openpyxl (read-only, formulas not evaluated; it uses defusedxml too once that is
   installed) reads the rows, stopping past MAX_ROWS even when the sheet declared no dimension.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from members.roster import SHEET, CellError, Formula
from township.errors import ApplicationError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 100
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_PART_BYTES = 2 * 1024 * 1024  # content types, workbook, relationships
MAX_ROWS = 5001  # the header and 5,000 members
MAX_COLUMNS = 40
HEAD_BYTES = 4096

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?\""
)


class RosterFileError(ApplicationError):
    default_message = gettext_lazy("名册文件无法读取。")


def _refuse(message: str) -> RosterFileError:
    return RosterFileError(message)


def inspect(upload: IO[bytes], *, size: int) -> str:
    """Check the file as described above; returns the roster sheet's path inside the zip."""
    if size > MAX_UPLOAD_BYTES:
        raise _refuse(
            _("文件过大（%(size).1f MB），名册文件最大 %(max)d MB。")
            % {"size": size / 1024 / 1024, "max": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":
        raise _refuse(_("这不是 Excel（.xlsx）文件，请下载模板填写后上传。"))
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            _check_sizes(archive)
            sheet = _sheet_path(archive)
            _check_sheet_head(archive, sheet)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
        raise _refuse(_("这不是有效的 Excel（.xlsx）文件，文件可能已损坏。")) from None
    upload.seek(0)
    return sheet


def _check_sizes(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _refuse(_("文件包含的部件过多（%(n)d 个），不是正常的名册文件。") % {"n": len(infos)})
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _refuse(
            _("文件解压后过大（%(size)d MB，最多 %(max)d MB），已拒绝。")
            % {"size": total // 1024 // 1024, "max": MAX_UNCOMPRESSED_BYTES // 1024 // 1024}
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(
                _("文件压缩比异常（%(name)s 压缩了 %(ratio)d 倍），可能是压缩炸弹，已拒绝。")
                % {
                    "name": info.filename[:60],
                    "ratio": info.file_size // max(info.compress_size, 1),
                }
            )


def _part(archive: zipfile.ZipFile, name: str):
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise _refuse(
            _("文件缺少工作簿部件（%(name)s），不是有效的 .xlsx 文件。") % {"name": name}
        ) from None
    if info.file_size > MAX_PART_BYTES:
        raise _refuse(_("文件的部件 %(name)s 过大。") % {"name": name})
    try:
        return fromstring(archive.read(info))
    except (ParseError, DefusedXmlException, ValueError):
        raise _refuse(_("文件的部件 %(name)s 不是安全的 XML，已拒绝。") % {"name": name}) from None


def _sheet_path(archive: zipfile.ZipFile) -> str:
    """The path of the sheet named 党员名册 (or else the first sheet)."""
    _part(archive, "[Content_Types].xml")
    workbook = _part(archive, "xl/workbook.xml")
    rels = _part(archive, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    sheets = [(s.get("name"), s.get(f"{_NS_REL}id")) for s in workbook.iter(f"{_NS_MAIN}sheet")]
    if not sheets:
        raise _refuse(_("文件中没有工作表。"))
    rel = next((r for name, r in sheets if name == SHEET), sheets[0][1])
    target = targets.get(rel, "")
    path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    path = posixpath.normpath(path)
    if path not in archive.namelist():
        raise _refuse(_("文件中找不到名册工作表。"))
    return path


def _check_sheet_head(archive: zipfile.ZipFile, path: str) -> None:
    with archive.open(path) as stream:
        head = stream.read(HEAD_BYTES)
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise _refuse(_("名册工作表含有文档类型声明，不是安全的 XML，已拒绝。"))
    match = _DIMENSION.search(head)
    if match is None:
        return  # no declared dimension: the row reader stops past MAX_ROWS
    last_col, last_row = match.group(3) or match.group(1), match.group(4) or match.group(2)
    rows, cols = int(last_row), column_index_from_string(last_col.decode())
    if rows > MAX_ROWS or cols > MAX_COLUMNS:
        raise _refuse(
            _(
                "名册工作表过大（%(rows)d 行 × %(cols)d 列），"
                "最多 %(max_rows)d 行、%(max_cols)d 列。"
            )
            % {"rows": rows, "cols": cols, "max_rows": MAX_ROWS, "max_cols": MAX_COLUMNS}
        )


def _value(cell) -> Any:
    kind = getattr(cell, "data_type", None)
    if kind == "f":
        return Formula(str(cell.value))
    if kind == "e":  # an error value, or a date serial number out of range (openpyxl)
        return CellError(str(cell.value)[:20])
    return cell.value


def read_rows(upload: IO[bytes], *, sheet: str) -> Iterator[tuple[int, list[Any]]]:
    """The sheet's rows as (row number, cell values), formulas as `Formula`; the caller has
    run `inspect` first."""
    try:
        wb = load_workbook(upload, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken package
        raise _refuse(_("这不是有效的 Excel（.xlsx）文件，文件可能已损坏。")) from exc
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        for number, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), start=1):
            if number > MAX_ROWS:
                raise _refuse(_("名册超过 %(n)d 行，请分成几个文件导入。") % {"n": MAX_ROWS - 1})
            values = [_value(c) for c in row]
            if any(v is not None and v != "" for v in values):
                yield number, values
    except RosterFileError:
        raise
    except Exception as exc:  # whatever a hostile sheet makes openpyxl, zipfile or lxml raise
        raise _refuse(_("名册工作表中有无法读取的内容，文件可能已损坏。")) from exc
    finally:
        wb.close()
