"""The member roster as an Excel sheet, out and in: columns, cell reading and row checks.

Plain functions over plain values (no ORM): the export and the import template are written
here, a sheet's rows are read here into plain dicts; `members.services.roster_import` resolves
them against the database and writes them.

Column order
------------
The first 19 columns follow the national Party member information system (全国党员管理信息系统):
the items of the 党员基本信息采集表 that the Central Organization Department's 2017 notice
(中组部《关于开展党组织和党员基本信息采集工作的通知》, 26 items: 10 of the organisation and 16
of the member) had every branch collect for the system, in the form's order, as relayed by
the provincial and university notices that published it (e.g. uta.edu.cn, 2017-06-19;
dqxxgcxy.nepu.edu.cn, 2017-07-11) and the form's filling instructions (党员信息表填表说明).
The column list was reconstructed from those secondary sources; it has not been checked
against an official import file of the system itself.

Fields of that form we do not keep, written blank and ignored on import: 工作岗位, 固定电话,
家庭住址, 党籍状态, 是否为失联党员, 失去联系日期. 转正日期 holds a full member's
`probation_ends_on` (the day the probation ended). After the national columns come three of
our own: 编号 (our member code, the import's key), 预备期满日期 (a probationary member's
`probation_ends_on`) and 转入本支部日期.

Import: which row is which member
---------------------------------
A row with 编号 is the member of that code in the township (created with that code when there
is none); a row without 编号 is the member with that 公民身份号码 (created with a new code
when there is none); a row with neither is refused. A blank cell leaves the stored value as it
is (an import never clears a field), so importing the same file twice changes nothing, and an
export imported again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from members.models import Gender, MemberStatus
from township.inputs import DATE_YEAR_MAX, DATE_YEAR_MIN, control_character

SHEET = "党员名册"
NOTES_SHEET = "填写说明"
YES, NO = "是", "否"
# A cell that starts like one of these is a formula to a spreadsheet (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    label: str
    field: str | None  # the Member field; None: a national field we do not keep
    kind: str = "text"  # text | date | choice | flag
    max_length: int = 0
    width: int = 14
    note: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", max_length=50, width=10, note="必填，与身份证一致。"),
    Column("性别", "gender", "choice", width=6, note="必填：男 或 女。"),
    Column("公民身份号码", "id_number", max_length=18, width=21,
           note="18 位，最后一位可为 X；校验位和其中的出生日期须正确。请将本列设为文本。"),
    Column("民族", "ethnicity", max_length=20, width=8, note="民族全称，如 汉族。"),
    Column("出生日期", "birth_date", "date", width=12, note="日期，格式 2001-05-01。"),
    Column("学历", "education", max_length=30, width=10, note="如 高中、大专、本科。"),
    Column("人员类别", "status", "choice", width=10, note="必填：正式党员 或 预备党员。"),
    Column("所在党支部", "branch", max_length=100, width=18,
           note="必填：本系统中党支部的名称或代码，须在您的管理范围内。"),
    Column("入党日期", "joined_party_on", "date", width=12,
           note="日期；不早于年满 18 周岁之日，不晚于今天。"),
    Column("转正日期", "probation_ends_on", "date", width=12, note="正式党员的转正日期。"),
    Column("工作岗位", None, note="本系统不保存，导出为空，导入时忽略。"),
    Column("联系电话", "phone", max_length=20, width=14, note="手机号码或固定电话（含区号）。"),
    Column("固定电话", None, note="本系统不保存，导出为空，导入时忽略。"),
    Column("家庭住址", None, width=20, note="本系统不保存，导出为空，导入时忽略。"),
    Column("党籍状态", None, note="本系统不保存，导出为空，导入时忽略。"),
    Column("是否为失联党员", None, note="本系统不保存，导出为空，导入时忽略。"),
    Column("失去联系日期", None, note="本系统不保存，导出为空，导入时忽略。"),
    Column("是否为流动党员", "flowing", "flag", width=8, note="是 或 否；空白按 否。"),
    Column("外出流向", "flowing_workplace", max_length=100, width=16,
           note="流动党员的外出务工地。"),
    Column("编号", "code", max_length=30, width=10,
           note="本系统的党员编号：填写时按编号匹配已有党员；空白时按公民身份号码匹配，新党员自动编号。"),
    Column("预备期满日期", "probation_ends_on", "date", width=12,
           note="预备党员必填：预备期满的日期（入党后一年，最多延长一年）。"),
    Column("转入本支部日期", "branch_since", "date", width=12, note="日期，可空。"),
)  # fmt: skip
HEADER = tuple(c.label for c in COLUMNS)
CHOICES = {
    "gender": {str(label): value for value, label in Gender.choices},
    "status": {str(label): value for value, label in MemberStatus.choices},
}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


class Formula:
    """A cell that holds a formula (never evaluated, always refused)."""

    def __init__(self, text: str):
        self.text = text


class CellError:
    """A cell that holds an error value (#VALUE!, or a date serial number out of range)."""

    def __init__(self, text: str):
        self.text = text


@dataclass(frozen=True)
class RowError:
    row: int  # the sheet's row number, as Excel shows it
    column: str  # a column label, or "" for the row as a whole
    message: str


# --- reading ------------------------------------------------------------------------------------


def _text(value: Any, column: Column) -> tuple[str, str | None]:
    """A text cell as a string, or an error message."""
    if isinstance(value, bool) or isinstance(value, dt.date | dt.datetime | dt.time):
        return "", _("应为文本，不是日期或逻辑值。")
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer() or abs(value) >= 1e15:
            return "", _("是数字格式，无法准确读取；请将本列设为文本后重新填写。")
        value = str(int(value))
    elif not isinstance(value, str):
        return "", _("无法读取该单元格。")
    value = value.strip()
    found = control_character(value, multiline=False)
    if found:
        return "", _("不能包含控制字符（%(char)s）。") % {"char": found}
    if column.max_length and len(value) > column.max_length:
        return "", _("最多 %(max)d 个字符（现为 %(n)d 个）。") % {
            "max": column.max_length,
            "n": len(value),
        }
    return value, None


def read_date(value: Any) -> tuple[dt.date | None, str | None]:
    """A date cell: a date typed as a date, or as text like 2001-05-01 / 2001/5/1 / 2001年5月1日."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not DATE_YEAR_MIN <= value.year <= DATE_YEAR_MAX:
            return None, _("日期超出可处理的范围（%(low)d 至 %(high)d 年）。") % {
                "low": DATE_YEAR_MIN,
                "high": DATE_YEAR_MAX,
            }
        return value, None
    if isinstance(value, bool | int | float):
        return None, _("是数字，不是日期；请按 2001-05-01 的格式填写。")
    if not isinstance(value, str):
        return None, _("不是日期；请按 2001-05-01 的格式填写。")
    match = _DATE.fullmatch(value.strip()[:40])
    if not match:
        return None, _("“%(value)s”不是日期；请按 2001-05-01 的格式填写。") % {
            "value": value.strip()[:20]
        }
    year, month, day = (int(g) for g in match.groups())
    if not DATE_YEAR_MIN <= year <= DATE_YEAR_MAX:
        return None, _("日期超出可处理的范围（%(low)d 至 %(high)d 年）。") % {
            "low": DATE_YEAR_MIN,
            "high": DATE_YEAR_MAX,
        }
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, _("%(value)s 不是有效日期。") % {"value": match.group(0)}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_row(cells: Sequence[Any], *, row: int) -> tuple[dict[str, Any], list[RowError]]:
    """One data row as {field: value} with only the non-blank cells, and its errors.

    Never raises on any cell value: every problem becomes a RowError naming the column. The
    plausibility rules (township.plausible) are applied later, when the stored member is known.
    """
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    cells = list(cells)[: len(COLUMNS)]
    cells += [None] * (len(COLUMNS) - len(cells))
    for column, value in zip(COLUMNS, cells, strict=True):
        if column.field is None or _blank(value):
            continue
        if isinstance(value, Formula):
            errors.append(RowError(row, column.label, _("不能包含公式，请填写数值本身。")))
            continue
        if isinstance(value, CellError):
            errors.append(
                RowError(row, column.label, _("单元格的值无法读取（%(v)s）。") % {"v": value.text})
            )
            continue
        if column.kind == "date":
            day, problem = read_date(value)
            if problem:
                errors.append(RowError(row, column.label, problem))
            else:
                values[column.label] = day
            continue
        text, problem = _text(value, column)
        if problem:
            errors.append(RowError(row, column.label, problem))
        elif column.kind == "choice":
            choice = CHOICES[column.field].get(text)
            if choice is None:
                allowed = "、".join(CHOICES[column.field])
                errors.append(
                    RowError(
                        row,
                        column.label,
                        _("“%(value)s”不是可选值（可选：%(allowed)s）。")
                        % {"value": text[:20], "allowed": allowed},
                    )
                )
            else:
                values[column.label] = choice
        elif column.kind == "flag":
            if text not in (YES, NO):
                errors.append(RowError(row, column.label, _("应填写 是 或 否。")))
            else:
                values[column.label] = text == YES
        else:
            values[column.label] = text
    fields = _fields(values)
    for label in ("姓名", "性别", "人员类别", "所在党支部"):
        if label not in values and not any(e.column == label for e in errors):
            errors.append(RowError(row, label, _("必填，不能为空。")))
    if not fields.get("code") and not fields.get("id_number"):
        if not any(e.column in ("编号", "公民身份号码") for e in errors):
            errors.append(RowError(row, "编号", _("编号和公民身份号码至少填写一项。")))
    return fields, errors


def _fields(by_label: dict[str, Any]) -> dict[str, Any]:
    """Column values to Member fields; 转正日期 and 预备期满日期 both fill probation_ends_on,
    each for its status."""
    fields = {}
    for column in COLUMNS:
        if column.label in by_label and column.label not in ("转正日期", "预备期满日期"):
            fields[column.field] = by_label[column.label]
    probationary = by_label.get("人员类别") == MemberStatus.PROBATIONARY
    ends = by_label.get("预备期满日期" if probationary else "转正日期")
    if ends is not None:
        fields["probation_ends_on"] = ends
    return fields


def column_of(field: str, *, status: str | None = None) -> str:
    """The column label that carries `field` (for messages)."""
    if field == "probation_ends_on":
        return "预备期满日期" if status == MemberStatus.PROBATIONARY else "转正日期"
    for column in COLUMNS:
        if column.field == field:
            return column.label
    return ""


def check_header(cells: Sequence[Any]) -> str | None:
    """The first row must be the template's header."""
    found = ["" if c is None else str(c).strip() for c in list(cells)[: len(HEADER) + 1]]
    for i, label in enumerate(HEADER):
        have = found[i] if i < len(found) else ""
        if have != label:
            return _("第 1 行的表头与模板不符：第 %(n)d 列应为“%(label)s”，现为“%(have)s”。") % {
                "n": i + 1,
                "label": label,
                "have": have[:20],
            }
    return None


# --- writing ------------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F3E3E3")
_LACKING_FILL = PatternFill("solid", fgColor="EEEEEE")


def _text_cell(ws, value: str) -> WriteOnlyCell:
    """Text stays text: a string cell, with a quote prefix when it starts like a formula."""
    cell = WriteOnlyCell(ws, value=None)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _date_cell(ws, value: dt.date) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = "yyyy-mm-dd"
    return cell


def member_cells(member, *, masked: bool = False) -> list[Any]:
    """A member's row in column order (`masked`: ID number and phone as shown on screen)."""
    probationary = member.status == MemberStatus.PROBATIONARY
    values = {
        "姓名": member.name,
        "性别": member.get_gender_display(),
        "公民身份号码": member.masked_id_number if masked else member.id_number,
        "民族": member.ethnicity,
        "出生日期": member.birth_date,
        "学历": member.education,
        "人员类别": member.get_status_display(),
        "所在党支部": member.branch.name,
        "入党日期": member.joined_party_on,
        "转正日期": None if probationary else member.probation_ends_on,
        "联系电话": _masked_phone(member.phone) if masked else member.phone,
        "是否为流动党员": YES if member.flowing else NO,
        "外出流向": member.flowing_workplace,
        "编号": member.code,
        "预备期满日期": member.probation_ends_on if probationary else None,
        "转入本支部日期": member.branch_since,
    }
    return [values.get(c.label) for c in COLUMNS]


def _masked_phone(phone: str) -> str:
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else "*" * len(phone)


def workbook(rows: Iterable[list[Any]]) -> bytes:
    """The roster sheet (header and `rows`) and the notes sheet, as .xlsx bytes. With no rows
    this is the import template."""
    wb = Workbook(write_only=True)
    wb.properties.creator = "dangjian"
    ws = wb.create_sheet(SHEET)
    ws.freeze_panes = "A2"
    for i, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    header = []
    for column in COLUMNS:
        cell = _text_cell(ws, column.label)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL if column.field else _LACKING_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append(
            [
                _date_cell(ws, v) if isinstance(v, dt.date) else _text_cell(ws, v) if v else None
                for v in row
            ]
        )
    notes = wb.create_sheet(NOTES_SHEET)
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    notes.append([_text_cell(notes, _("列")), _text_cell(notes, _("说明与可填写的值"))])
    for column in COLUMNS:
        notes.append([_text_cell(notes, column.label), _text_cell(notes, column.note)])
    notes.append([])
    for line in (
        _("第一行为表头，请勿修改；从第二行起每行一名党员。"),
        _("前 19 列按全国党员管理信息系统党员基本信息的顺序排列；最后三列为本系统的信息。"),
        _("任何一行有错误时整个文件都不导入，请按错误清单改正后重新上传。"),
        _("空白单元格不会清除已保存的信息；同一文件重复导入不会产生变化。"),
    ):
        notes.append([None, _text_cell(notes, line)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
