"""Validating an import document: every problem, each with its JSON path.

`document_validate` reads nothing from the database. It returns the document normalised into
plain Python values named like the model fields (dates as `date`, months as the month's first
day, numbers as `Decimal`) together with the list of problems; the importer writes only when
that list is empty.

Problems are the errors EXCHANGE.md lists, what keeps the import safe (sizes, types, dates in
a window the arithmetic can handle) and what the database itself refuses (two dues payments of
a member for one month, leaving a branch before joining it). What `township.plausible` finds
implausible (dates after today or before 2000, a member who joined the Party before 18, an ID
number with a wrong check character, …) is only a warning: the exchange format is a contract,
and old registers carry such records and must still be read in. Warnings keep their JSON paths
(`TownshipData.warnings`); forms and services refuse the same findings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from branches.models import THEMED_DAY_ACTIONS, AttendanceStatus, BranchKind, MeetingType
from exchange import alliance_section
from exchange.document import (
    FORMAT,
    MAX_NUMBER_CHARS,
    MAX_NUMBER_EXPONENT,
    ROOT,
    JSONObject,
    UnreadableNumber,
)
from members.models import ApplicantStage, Gender, MemberStatus
from township import plausible
from township.inputs import DATE_YEAR_MAX, DATE_YEAR_MIN, control_character, date_in_range

SECTIONS = (
    "areas",
    "branches",
    "members",
    "applicants",
    "meetings",
    "dues",
    "visits",
    "adjustments",
    "office_scores",
    "target_scores",
)

ACTION_FIELDS = dict(THEMED_DAY_ACTIONS)

MAX_HOUSEHOLDS = 500

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_CENT = Decimal("0.01")

# Dates outside township.inputs' window are refused as bad dates: every date the scoring
# computes from them (month ends, quarters, a year later) stays representable. Plausibility is
# narrower and only warns (township.plausible).
ID_NUMBER_LENGTH = 18  # Member.id_number
PHONE_LENGTH = 20  # Member.phone

MISSING = object()  # the key is absent
INVALID = object()  # a problem was reported for the value


@dataclass
class TownshipData:
    """One township of the document, normalised; row dicts use model field names."""

    path: str
    code: str
    name: str
    close_day: int
    warnings: list[str] = field(default_factory=list)  # "path: message", implausible records
    areas: list[dict] = field(default_factory=list)
    branches: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    applicants: list[dict] = field(default_factory=list)
    meetings: list[dict] = field(default_factory=list)
    dues: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)
    adjustments: list[dict] = field(default_factory=list)
    office_scores: list[dict] = field(default_factory=list)
    target_scores: list[dict] = field(default_factory=list)
    cooperatives: list[dict] | None = None  # None: the optional section is absent
    alliances: list[dict] | None = None  # None: the document has no section (alliance_section)


@dataclass
class DocumentData:
    county_code: str
    county_name: str
    townships: list[TownshipData]

    @property
    def warnings(self) -> list[str]:
        return [w for t in self.townships for w in t.warnings]


class _Checker:
    """Reads values out of JSON objects, recording a problem (with its path) for each bad one
    and a warning for each implausible one."""

    def __init__(self, *, today: dt.date) -> None:
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.today = today  # what the dates are judged against (township.plausible)

    def problem(self, path: str, message: str) -> object:
        self.problems.append(f"{path}: {message}")
        return INVALID

    # Containers -------------------------------------------------------------------------------

    def obj(self, value: Any, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, _("应为 JSON 对象（{…}）。"))
            return None
        for key in getattr(value, "duplicate_keys", ()) if isinstance(value, JSONObject) else ():
            self.problem(_at(path, _key(key)), _("同一对象中重复出现的键。"))
        return value

    def list(self, obj: dict, key: str, path: str) -> list:
        value = obj.get(key, MISSING)
        if value is MISSING:
            self.problem(_at(path, key), _("缺少必填字段。"))
            return []
        if not isinstance(value, list):
            self.problem(_at(path, key), _("应为列表（[…]）。"))
            return []
        return value

    # Scalars ----------------------------------------------------------------------------------

    def _get(self, obj: dict, key: str, path: str, *, required: bool) -> Any:
        """The raw value, or MISSING for an absent/null optional key (INVALID when required)."""
        value = obj.get(key, MISSING)
        if value is MISSING or value is None:
            if required:
                if value is None:
                    return self.problem(_at(path, key), _("不能为空。"))
                return self.problem(_at(path, key), _("缺少必填字段。"))
            return MISSING
        if isinstance(value, UnreadableNumber):
            return self.problem(_at(path, key), _unreadable(value))
        return value

    def text(
        self, obj: dict, key: str, path: str, *, max_length: int, required: bool = True
    ) -> Any:
        value = self._get(obj, key, path, required=required)
        if value is INVALID:
            return INVALID
        if value is MISSING:
            return ""
        if not isinstance(value, str):
            return self.problem(_at(path, key), _("应为文本。"))
        # Kept as given (no stripping), so that export → import → export is exact.
        if required and not value.strip():
            return self.problem(_at(path, key), _("不能为空。"))
        if len(value) > max_length:
            return self.problem(
                _at(path, key), _("过长（最多 %(n)d 个字符）。") % {"n": max_length}
            )
        found = control_character(value)
        if found is not None:
            return self.problem(
                _at(path, key), _("不能包含控制字符（%(char)s）。") % {"char": found}
            )
        return value

    def choice(self, obj: dict, key: str, path: str, choices, *, required: bool = True) -> Any:
        value = self._get(obj, key, path, required=required)
        if value is INVALID or value is MISSING:
            return value
        if not isinstance(value, str) or value not in choices:
            return self.problem(
                _at(path, key),
                _("未知的取值 %(value)s（可选：%(choices)s）。")
                % {"value": _shown(value), "choices": "、".join(choices)},
            )
        return value

    def flag(self, obj: dict, key: str, path: str, *, default: bool) -> Any:
        value = self._get(obj, key, path, required=False)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            return self.problem(_at(path, key), _("应为 true 或 false。"))
        return value

    def integer(
        self, obj: dict, key: str, path: str, *, low: int, high: int, required: bool = True
    ) -> Any:
        value = self._get(obj, key, path, required=required)
        if value is INVALID or value is MISSING:
            return value
        out_of_range = _("应在 %(low)d 到 %(high)d 之间。") % {"low": low, "high": high}
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
            # Compared while still a Decimal: a huge exponent never becomes a huge int.
            if not low <= value <= high:
                return self.problem(_at(path, key), out_of_range)
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return self.problem(_at(path, key), _("应为整数。"))
        if not low <= value <= high:
            return self.problem(_at(path, key), out_of_range)
        return value

    def date(self, obj: dict, key: str, path: str, *, required: bool = True) -> Any:
        value = self._get(obj, key, path, required=required)
        if value is INVALID:
            return INVALID
        if value is MISSING:
            return None
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                pass
            else:
                return day if date_in_range(day) else self._out_of_range(obj, key, path)
        return self.problem(
            _at(path, key),
            _("日期无效：%(value)s（应为 YYYY-MM-DD）。") % {"value": _shown(value)},
        )

    def month(self, obj: dict, key: str, path: str) -> Any:
        value = self._get(obj, key, path, required=True)
        if value is INVALID:
            return INVALID
        if isinstance(value, str) and _MONTH.fullmatch(value):
            try:
                month = dt.date.fromisoformat(f"{value}-01")
            except ValueError:
                pass
            else:
                return month if date_in_range(month) else self._out_of_range(obj, key, path)
        return self.problem(
            _at(path, key),
            _("月份无效：%(value)s（应为 YYYY-MM）。") % {"value": _shown(value)},
        )

    def _out_of_range(self, obj: dict, key: str, path: str) -> object:
        return self.problem(
            _at(path, key),
            _("日期 %(value)s 超出可处理的范围（%(low)d 至 %(high)d 年）。")
            % {"value": _shown(obj.get(key)), "low": DATE_YEAR_MIN, "high": DATE_YEAR_MAX},
        )

    def decimal(
        self,
        obj: dict,
        key: str,
        path: str,
        *,
        low: Decimal | None,
        high: Decimal | None,
        range_message: str,
        type_message: str | None = None,
    ) -> Any:
        """A number (JSON number or decimal text) with at most two decimal places."""
        value = self._get(obj, key, path, required=True)
        if value is INVALID:
            return INVALID
        number = _as_decimal(value)
        message = type_message or _("应为数字。")
        if number is None:
            return self.problem(_at(path, key), message)
        if (low is not None and number < low) or (high is not None and number > high):
            return self.problem(_at(path, key), range_message)
        if number != number.quantize(_CENT, rounding="ROUND_DOWN"):
            return self.problem(_at(path, key), message + _("（最多两位小数）"))
        return number

    def warn(self, path: str, key: str, message: str | None) -> None:
        """Note what a rule of `township.plausible` found (None: nothing): a warning, the
        record is imported all the same."""
        if message:
            self.warnings.append(f"{_at(path, key)}: {message}")

    # References -------------------------------------------------------------------------------

    def unique(self, seen: dict[str, str], code: Any, path: str, key: str, label: str) -> None:
        if not isinstance(code, str):
            return
        if code in seen:
            self.problem(
                _at(path, key),
                _("重复的%(label)s %(code)s（首次出现于 %(first)s）。")
                % {"label": label, "code": _shown(code), "first": seen[code]},
            )
        else:
            seen[code] = path


def _at(path: str, key: str) -> str:
    """The path of `key` inside the object at `path` (keys of the document itself stand alone)."""
    return key if path == ROOT else f"{path}.{key}"


def _shown(value: Any) -> str:
    """A value as quoted in a problem: short, one line, control characters escaped."""
    if isinstance(value, dict):
        text = "{…}"
    elif isinstance(value, list):
        text = "[…]"
    elif isinstance(value, str):
        text = _escaped(value[:40]) + ("…" if len(value) > 40 else "")
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        text = _("（过长的整数）")  # only from a caller that parsed the JSON itself
    else:  # numbers (bounded by the parser), booleans, UnreadableNumber
        text = repr(value)
        if len(text) > 40:
            text = text[:40] + "…"
    return f"“{text}”"


def _key(key: str) -> str:
    """A key of the document as a part of a path: short, control characters escaped."""
    return _escaped(key[:40]) + ("…" if len(key) > 40 else "")


def _escaped(text: str) -> str:
    return "".join(f"\\u{ord(ch):04x}" if control_character(ch) else ch for ch in text)


def _unreadable(value: UnreadableNumber) -> str:
    if value.constant:
        return _("不允许的数值 %(value)s（应为有限的数字）。") % {"value": value.text}
    return _("数值 %(value)s 过大或过长（最多 %(n)d 个字符，指数绝对值不超过 %(e)d）。") % {
        "value": _shown(value),
        "n": MAX_NUMBER_CHARS,
        "e": MAX_NUMBER_EXPONENT,
    }


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):  # only from a caller that parsed the JSON itself
        value = repr(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str) and len(value) > MAX_NUMBER_CHARS:
        return None
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def document_validate(
    data: Any, *, today: dt.date | None = None
) -> tuple[DocumentData | None, list[str]]:
    """Check the whole document; return its normalised content (with the warnings of each
    township) and every problem found.

    Dates are judged against `today` (default: today in Shanghai) by `township.plausible`; what
    it finds implausible is a warning, not a problem.
    """
    c = _Checker(today=today or plausible.today())
    root = c.obj(data, ROOT)
    if root is None:
        return None, c.problems
    fmt = root.get("format", MISSING)
    if fmt is MISSING:
        c.problem("format", _("缺少必填字段。"))
    elif fmt != FORMAT:
        c.problem(
            "format",
            _("不支持的格式 %(value)s（应为 %(format)s）。")
            % {"value": _shown(fmt), "format": FORMAT},
        )

    county_code = county_name = ""
    county = root.get("county", MISSING)
    if county is MISSING:
        c.problem("county", _("缺少必填字段。"))
    elif c.obj(county, "county") is not None:
        county_code = c.text(county, "code", "county", max_length=20)
        county_name = c.text(county, "name", "county", max_length=100)

    townships: list[TownshipData] = []
    seen_townships: dict[str, str] = {}
    for i, item in enumerate(c.list(root, "townships", ROOT)):
        path = f"townships[{i}]"
        if c.obj(item, path) is None:
            continue
        township = _township(c, item, path)
        c.unique(seen_townships, item.get("code"), path, "code", _("乡镇代码"))
        if township is not None:
            townships.append(township)
    if not c.problems and not townships:
        c.problem("townships", _("文件中没有任何乡镇。"))

    if c.problems:
        return None, c.problems
    return DocumentData(county_code=county_code, county_name=county_name, townships=townships), []


def _township(c: _Checker, t: dict, path: str) -> TownshipData | None:
    before, warned = len(c.problems), len(c.warnings)
    data = TownshipData(
        path=path,
        code=c.text(t, "code", path, max_length=20),
        name=c.text(t, "name", path, max_length=100),
        close_day=c.integer(t, "close_day", path, low=1, high=28),
    )
    sections = {key: c.list(t, key, path) for key in SECTIONS}

    area_codes: dict[str, str] = {}
    for i, row in _rows(c, sections["areas"], f"{path}.areas"):
        p = f"{path}.areas[{i}]"
        code = c.text(row, "code", p, max_length=20)
        c.unique(area_codes, code, p, "code", _("片区代码"))
        data.areas.append({"code": code, "name": c.text(row, "name", p, max_length=100)})

    branch_codes: dict[str, str] = {}
    for i, row in _rows(c, sections["branches"], f"{path}.branches"):
        p = f"{path}.branches[{i}]"
        code = c.text(row, "code", p, max_length=20)
        c.unique(branch_codes, code, p, "code", _("党支部代码"))
        area = c.text(row, "area", p, max_length=20, required=False) or None
        if area is not None and area is not INVALID and area not in area_codes:
            area = c.problem(f"{p}.area", _("未知的片区 %(code)s。") % {"code": _shown(area)})
        data.branches.append(
            {
                "code": code,
                "name": c.text(row, "name", p, max_length=100),
                "kind": c.choice(row, "kind", p, BranchKind.values),
                "area": area,
                "has_groups": c.flag(row, "has_groups", p, default=True),
                "ranked": c.flag(row, "ranked", p, default=True),
            }
        )

    member_branch: dict[str, Any] = {}  # member id -> branch code (INVALID when unknown)
    member_paths: dict[str, str] = {}
    for i, row in _rows(c, sections["members"], f"{path}.members"):
        p = f"{path}.members[{i}]"
        code = c.text(row, "id", p, max_length=30)
        c.unique(member_paths, code, p, "id", _("党员编号"))
        branch = _branch_ref(c, row, p, branch_codes)
        if isinstance(code, str):
            member_branch.setdefault(code, branch)
        status = c.choice(row, "status", p, MemberStatus.values)
        probation_ends_on = c.date(row, "probation_ends_on", p, required=False)
        if status == MemberStatus.PROBATIONARY and probation_ends_on is None:
            c.problem(f"{p}.probation_ends_on", _("预备党员必须填写预备期满日期。"))
        branch_since = c.date(row, "branch_since", p, required=False)
        left_on = c.date(row, "left_on", p, required=False)
        if isinstance(branch_since, dt.date) and isinstance(left_on, dt.date):
            if left_on < branch_since:  # the database refuses it (member_left_after_joining_branch)
                c.problem(f"{p}.left_on", _("离开支部日期早于转入本支部日期。"))
        households = c.integer(row, "households", p, low=0, high=MAX_HOUSEHOLDS, required=False)
        member = {
            "code": code,
            "name": c.text(row, "name", p, max_length=50),
            "gender": c.choice(row, "gender", p, Gender.values),
            "birth_date": c.date(row, "birth_date", p, required=False),
            "branch": branch,
            "status": status,
            "joined_party_on": c.date(row, "joined_party_on", p, required=False),
            "probation_ends_on": probation_ends_on,
            "dues_exempt": c.flag(row, "dues_exempt", p, default=False),
            "rating_exempt": c.flag(row, "rating_exempt", p, default=False),
            "flowing": c.flag(row, "flowing", p, default=False),
            "households": 0 if households is MISSING else households,
            "branch_since": branch_since,
            "left_on": left_on,
        }
        member.update(_member_extras(c, row, p))
        checked = {k: v for k, v in member.items() if isinstance(v, dt.date) or k in _MEMBER_EXTRAS}
        for key, message in plausible.member(checked, today=c.today).items():
            c.warn(p, key, message)
        data.members.append(member)

    applicant_paths: dict[str, str] = {}
    for i, row in _rows(c, sections["applicants"], f"{path}.applicants"):
        p = f"{path}.applicants[{i}]"
        code = c.text(row, "id", p, max_length=30)
        c.unique(applicant_paths, code, p, "id", _("发展对象编号"))
        stage_since = c.date(row, "stage_since", p)
        if isinstance(stage_since, dt.date):
            c.warn(p, "stage_since", plausible.record_date(stage_since, today=c.today))
        data.applicants.append(
            {
                "code": code,
                "name": c.text(row, "name", p, max_length=50),
                "branch": _branch_ref(c, row, p, branch_codes),
                "stage": c.choice(row, "stage", p, ApplicantStage.values),
                "stage_since": stage_since,
            }
        )

    meeting_paths: dict[str, str] = {}
    for i, row in _rows(c, sections["meetings"], f"{path}.meetings"):
        p = f"{path}.meetings[{i}]"
        data.meetings.append(_meeting(c, row, p, meeting_paths, branch_codes, member_branch))

    dues_paths: dict[str, str] = {}
    for i, row in _rows(c, sections["dues"], f"{path}.dues"):
        p = f"{path}.dues[{i}]"
        member, month = _member_ref(c, row, p, member_branch), c.month(row, "month", p)
        paid_on = c.date(row, "paid_on", p)
        if isinstance(month, dt.date) and isinstance(paid_on, dt.date):
            for key, message in plausible.dues(month=month, paid_on=paid_on, today=c.today).items():
                c.warn(p, key, message)
        if isinstance(member, str) and isinstance(month, dt.date):
            # Not in EXCHANGE.md's list, but the database refuses it (dues_one_per_member_month)
            # and the shared scenarios have none: an error.
            key = f"{member} {month:%Y-%m}"
            if key in dues_paths:
                c.problem(
                    f"{p}.month",
                    _("党员 %(member)s %(month)s 的党费已在 %(first)s 登记；每月只能有一笔。")
                    % {"member": member, "month": f"{month:%Y-%m}", "first": dues_paths[key]},
                )
            else:
                dues_paths[key] = p
        data.dues.append(
            {
                "member": member,
                "month": month,
                "amount": c.decimal(
                    row,
                    "amount",
                    p,
                    low=Decimal(0),
                    high=Decimal("99999999.99"),
                    type_message=_('金额应为非负的十进制数（如 "2.00"）。'),
                    range_message=_('金额应为非负的十进制数（如 "2.00"）。'),
                ),
                "paid_on": paid_on,
            }
        )

    for i, row in _rows(c, sections["visits"], f"{path}.visits"):
        p = f"{path}.visits[{i}]"
        data.visits.append(
            {
                "member": _member_ref(c, row, p, member_branch),
                "date": _record_date(c, row, p),
                "household_name": c.text(row, "household", p, max_length=100),
                "note": c.text(row, "note", p, max_length=500, required=False),
            }
        )

    for i, row in _rows(c, sections["adjustments"], f"{path}.adjustments"):
        p = f"{path}.adjustments[{i}]"
        data.adjustments.append(
            {
                "member": _member_ref(c, row, p, member_branch),
                "date": _record_date(c, row, p),
                "points": c.decimal(
                    row,
                    "points",
                    p,
                    low=Decimal("-9999.99"),
                    high=Decimal("9999.99"),
                    range_message=_("加减分应在 -9999.99 到 9999.99 之间。"),
                ),
                "reason": c.text(row, "reason", p, max_length=200, required=False),
            }
        )

    office_keys: dict[str, str] = {}
    for i, row in _rows(c, sections["office_scores"], f"{path}.office_scores"):
        p = f"{path}.office_scores[{i}]"
        branch = _branch_ref(c, row, p, branch_codes)
        month = c.month(row, "month", p)
        if isinstance(month, dt.date):
            c.warn(p, "month", plausible.record_month(month, today=c.today))
        if isinstance(branch, str) and isinstance(month, dt.date):
            c.unique(office_keys, f"{branch} {month:%Y-%m}", p, "month", _("党建办月度评价"))
        data.office_scores.append(
            {
                "branch": branch,
                "month": month,
                "points": c.decimal(
                    row,
                    "points",
                    p,
                    low=Decimal(0),
                    high=Decimal(10),
                    range_message=_("党建办评价分应在 0 到 10 之间。"),
                ),
            }
        )

    target_keys: dict[str, str] = {}
    for i, row in _rows(c, sections["target_scores"], f"{path}.target_scores"):
        p = f"{path}.target_scores[{i}]"
        branch = _branch_ref(c, row, p, branch_codes)
        year = c.integer(row, "year", p, low=1900, high=2999)
        if isinstance(year, int):
            c.warn(p, "year", plausible.record_year(year, today=c.today))
        if isinstance(branch, str) and isinstance(year, int):
            c.unique(target_keys, f"{branch} {year}", p, "year", _("年终目标考核"))
        data.target_scores.append(
            {
                "branch": branch,
                "year": year,
                "score": c.decimal(
                    row,
                    "score",
                    p,
                    low=Decimal(0),
                    high=Decimal(100),
                    range_message=_("目标考核得分应在 0 到 100 之间。"),
                ),
            }
        )

    from exchange.coop_section import section_validate  # it uses this module's checker

    data.cooperatives = section_validate(c, t, path, branch_codes, member_branch)

    data.alliances = alliance_section.validate(
        c, t, path, branch_codes=branch_codes, member_branch=member_branch
    )

    if len(c.problems) > before:
        return None
    data.warnings = c.warnings[warned:]
    return data


def _rows(c: _Checker, rows: list, path: str):
    for i, row in enumerate(rows):
        if c.obj(row, f"{path}[{i}]") is not None:
            yield i, row


def _record_date(c: _Checker, row: dict, path: str, key: str = "date") -> Any:
    """A record's date: a valid date (required), with a warning when `township.plausible`
    finds it implausible."""
    day = c.date(row, key, path)
    if isinstance(day, dt.date):
        c.warn(path, key, plausible.record_date(day, today=c.today))
    return day


# Member fields EXCHANGE.md does not name, read when a document carries them (a register moved
# from another system): stored when present, kept as they are when absent.
_MEMBER_EXTRAS = ("id_number", "phone")


def _member_extras(c: _Checker, row: dict, path: str) -> dict[str, str]:
    extras = {}
    if row.get("id_number") is not None:
        value = c.text(row, "id_number", path, max_length=40, required=False)
        if isinstance(value, str):
            value = plausible.id_number_normal(value.strip())
            if len(value) > ID_NUMBER_LENGTH:
                c.problem(
                    f"{path}.id_number",
                    _("身份证号过长（最多 %(n)d 位）。") % {"n": ID_NUMBER_LENGTH},
                )
            else:
                extras["id_number"] = value
    if row.get("phone") is not None:
        value = c.text(row, "phone", path, max_length=PHONE_LENGTH, required=False)
        if isinstance(value, str):
            extras["phone"] = value.strip()
    return extras


def _branch_ref(c: _Checker, row: dict, path: str, branch_codes: dict[str, str]) -> Any:
    code = c.text(row, "branch", path, max_length=20)
    if isinstance(code, str) and code not in branch_codes:
        return c.problem(f"{path}.branch", _("未知的党支部 %(code)s。") % {"code": _shown(code)})
    return code


def _member_ref(c: _Checker, row: dict, path: str, member_branch: dict[str, Any]) -> Any:
    code = c.text(row, "member", path, max_length=30)
    if isinstance(code, str) and code not in member_branch:
        return c.problem(f"{path}.member", _("未知的党员 %(code)s。") % {"code": _shown(code)})
    return code


def _meeting(
    c: _Checker,
    row: dict,
    p: str,
    meeting_paths: dict[str, str],
    branch_codes: dict[str, str],
    member_branch: dict[str, Any],
) -> dict:
    code = c.text(row, "id", p, max_length=30)
    c.unique(meeting_paths, code, p, "id", _("会议编号"))
    branch = _branch_ref(c, row, p, branch_codes)
    meeting_type = c.choice(row, "type", p, MeetingType.values)
    meeting = {
        "code": code,
        "branch": branch,
        "type": meeting_type,
        "date": _record_date(c, row, p),
        "topic": c.text(row, "topic", p, max_length=200, required=False),
        "x_activity": c.text(row, "x_activity", p, max_length=200, required=False),
        **{name: False for name in ACTION_FIELDS.values()},
        "attendance": {},
    }

    actions = row.get("actions")
    if actions is not None:
        if not isinstance(actions, list):
            c.problem(f"{p}.actions", _("应为列表（[…]）。"))
        else:
            if actions and meeting_type not in (MeetingType.THEMED_DAY, INVALID):
                c.problem(f"{p}.actions", _("只有主题党日才有“4+X”规定动作。"))
            for j, action in enumerate(actions):
                name = ACTION_FIELDS.get(action) if isinstance(action, str) else None
                if name is None:
                    c.problem(
                        f"{p}.actions[{j}]",
                        _("未知的取值 %(value)s（可选：%(choices)s）。")
                        % {"value": _shown(action), "choices": "、".join(ACTION_FIELDS)},
                    )
                elif meeting[name]:
                    c.problem(f"{p}.actions[{j}]", _("重复的规定动作。"))
                else:
                    meeting[name] = True

    attendance = row.get("attendance")
    if attendance is not None and c.obj(attendance, f"{p}.attendance") is not None:
        for member, status in attendance.items():
            ap = f"{p}.attendance.{_key(member)}"
            if member not in member_branch:
                c.problem(ap, _("未知的党员 %(code)s。") % {"code": _shown(member)})
                continue
            own = member_branch[member]
            if isinstance(own, str) and isinstance(branch, str) and own != branch:
                c.problem(
                    ap,
                    _("党员 %(member)s 属于党支部 %(own)s，不是本会议的党支部 %(branch)s。")
                    % {"member": member, "own": own, "branch": branch},
                )
                continue
            if status not in AttendanceStatus.values:
                c.problem(
                    ap,
                    _("未知的取值 %(value)s（可选：%(choices)s）。")
                    % {"value": _shown(status), "choices": "、".join(AttendanceStatus.values)},
                )
                continue
            meeting["attendance"][member] = status
    return meeting
