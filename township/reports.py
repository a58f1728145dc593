"""The report registry: what a report is, the periods it covers, and the kinds apps register.

A report kind is a small class in the app that owns its data (`scoring/reports.py`, later
`cooperatives/reports.py`) and registers itself at app loading, the way admin classes do:
`township.reports.register(QuarterlyRanking())` in its `AppConfig.ready()`. The base never
imports an app: it knows a kind only through the methods below. A kind builds a `Report` (plain
data: tables of values); `township.rendering` turns the same `Report` into PDF and Excel.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from township.errors import ApplicationError

FORMATS = ("pdf", "xlsx")
LEVELS = ("county", "township", "branch")
YEAR_MIN, YEAR_MAX = 2000, 2100

Progress = Callable[[int, int, str], None]  # (done, total, step text)


class ReportError(ApplicationError):
    """A report that cannot be made as asked: a bad kind, period, format or target."""


# --- periods ------------------------------------------------------------------------------------

_PERIOD = re.compile(r"([0-9]{4})(?:-([0-9]{2})|-Q([1-4])|-H([12]))?")


@dataclass(frozen=True)
class Period:
    """A month (`2026-03`), a quarter (`2026-Q1`), a half year (`2026-H1`) or a year (`2026`)."""

    kind: str  # "month", "quarter", "half", "year"
    year: int
    number: int = 0  # the month, quarter or half; 0 for a year

    @property
    def month(self) -> int | None:
        return self.number if self.kind == "month" else None

    @property
    def quarter(self) -> int | None:
        return self.number if self.kind == "quarter" else None

    @property
    def text(self) -> str:
        match self.kind:
            case "month":
                return f"{self.year}-{self.number:02d}"
            case "quarter":
                return f"{self.year}-Q{self.number}"
            case "half":
                return f"{self.year}-H{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        match self.kind:
            case "month":
                return _("%(y)d年%(m)d月") % {"y": self.year, "m": self.number}
            case "quarter":
                return _("%(y)d年第%(q)d季度") % {"y": self.year, "q": self.number}
            case "half":
                if self.number == 1:
                    return _("%(y)d年上半年") % {"y": self.year}
                return _("%(y)d年下半年") % {"y": self.year}
        return _("%(y)d年") % {"y": self.year}

    @property
    def months(self) -> list[date]:
        """The first days of the months the period covers."""
        match self.kind:
            case "month":
                numbers = [self.number]
            case "quarter":
                numbers = [3 * self.number - 2, 3 * self.number - 1, 3 * self.number]
            case "half":
                numbers = list(range(6 * self.number - 5, 6 * self.number + 1))
            case _:
                numbers = list(range(1, 13))
        return [date(self.year, n, 1) for n in numbers]

    @property
    def last_day(self) -> date:
        last = self.months[-1]
        following = (
            date(last.year + 1, 1, 1) if last.month == 12 else last.replace(month=last.month + 1)
        )
        return date.fromordinal(following.toordinal() - 1)


def period_parse(text: str, *, allowed: Sequence[str]) -> Period:
    """Parse a period of one of the `allowed` kinds; a bad one raises `ReportError` in Chinese.

    The text is checked for shape and length before any number is converted.
    """
    text = (text or "").strip()
    match = _PERIOD.fullmatch(text) if len(text) <= 8 else None
    if match is None:
        raise ReportError(
            _("期间“%(p)s”无效：月份写作 2026-03，季度 2026-Q1，半年 2026-H1，年度 2026。")
            % {"p": text[:20]}
        )
    year, month, quarter, half = match.groups()
    if month is not None:
        period = Period("month", int(year), int(month))
        if not 1 <= period.number <= 12:
            raise ReportError(_("月份“%(p)s”无效。") % {"p": text})
    elif quarter is not None:
        period = Period("quarter", int(year), int(quarter))
    elif half is not None:
        period = Period("half", int(year), int(half))
    else:
        period = Period("year", int(year))
    if not YEAR_MIN <= period.year <= YEAR_MAX:
        raise ReportError(_("年份须在 %(a)d 至 %(b)d 之间。") % {"a": YEAR_MIN, "b": YEAR_MAX})
    if period.kind not in allowed:
        names = {"month": _("月份"), "quarter": _("季度"), "half": _("半年"), "year": _("年度")}
        raise ReportError(
            _("该报表的期间须为：%(kinds)s。")
            % {"kinds": "、".join(str(names[k]) for k in allowed)}
        )
    return period


# --- what a report is ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text, int, score (2 decimals), money (yuan), percent, date
    width: int = 12  # Excel column width in characters


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[Sequence[Any]]
    sheet: str = ""  # the Excel sheet's name (≤ 31 characters); the title when empty
    note: str = ""  # a line under the table
    marked: set[int] = field(default_factory=set)  # rows shown highlighted (e.g. the 约谈 list)


@dataclass
class Report:
    title: str  # e.g. 一号镇 2026年第1季度 支部排名
    subject: str  # the county, township or branch it covers
    period: Period
    facts: list[tuple[str, str]]  # shown under the title and on the Excel info sheet
    tables: list[Table]
    filename: str  # without the extension, ASCII
    landscape: bool = False
    large_type: bool = False  # the notice board for the wall

    def data_digest(self) -> str:
        """A checksum of the report's data (not of a file): the same in its PDF and its Excel,
        printed in the footer and shown on the download page, so a printed ranking can be
        checked against the system."""
        payload = {
            "title": self.title,
            "subject": self.subject,
            "period": self.period.text,
            "facts": self.facts,
            "tables": [
                {"title": t.title, "columns": [c.label for c in t.columns], "rows": t.rows}
                for t in self.tables
            ],
        }
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=_plain)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain(value: Any) -> str:
    if isinstance(value, Decimal | date):
        return str(value)
    raise TypeError(type(value))


@dataclass(frozen=True)
class Target:
    """What a report covers, resolved and checked against the requester's scope by its kind."""

    level: str  # county, township or branch
    county_id: int
    township_id: int | None = None
    branch_id: int | None = None
    label: str = ""
    options: tuple[tuple[str, str], ...] = ()  # a kind's extra options, e.g. the cooperative


class ReportKind:
    """A kind of report. Subclasses live in the app that owns the data and set these."""

    name: str = ""  # the command-line and URL name, e.g. "quarterly_ranking"
    label: str = ""  # shown to people, e.g. 季度排名
    levels: tuple[str, ...] = ("township",)  # what it may cover
    periods: tuple[str, ...] = ("quarter",)  # the period kinds it takes
    audience: tuple[str, ...] = ("reviewer", "office")  # roles offered it in the browser
    formats: tuple[str, ...] = FORMATS  # the files it may be made as
    # Extra target options the kind requires beyond county/township/branch (e.g. "cooperative"):
    # each is a code, given as `--NAME` to make_report, kept on the job and passed to `target`
    # as a keyword. Kinds with options are asked for from their object's page, not the list.
    options: tuple[str, ...] = ()

    def target(
        self, *, scope, level: str, ident: int | str, by_code: bool = False
    ) -> Target:  # pragma: no cover - every kind implements it
        """Resolve the county/township/branch (by id, or by code on the command line) inside
        `scope`; outside it, raise `ReportError` (the view answers 404)."""
        raise NotImplementedError

    def target_choices(self, *, scope) -> list[Target]:  # pragma: no cover - every kind has it
        """The counties, townships or branches `scope` may make this report for.

        They depend on the kind's `levels` and on `scope` only: the report form asks kinds that
        share this method and their levels once."""
        raise NotImplementedError

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        raise NotImplementedError  # pragma: no cover


_registry: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    """Add a kind to the registry (apps call this in `AppConfig.ready()`)."""
    if not kind.name or set(kind.levels) - set(LEVELS):
        raise ValueError(f"bad report kind {kind!r}")
    existing = _registry.get(kind.name)
    if existing is not None and type(existing) is not type(kind):
        raise ValueError(f"report kind {kind.name} registered twice")
    _registry[kind.name] = kind
    return kind


def kinds() -> list[ReportKind]:
    return list(_registry.values())


def kind_get(name: str) -> ReportKind:
    kind = _registry.get(name or "")
    if kind is None:
        raise ReportError(
            _("没有这种报表：%(name)s。可用的报表：%(names)s")
            % {"name": (name or "")[:40], "names": "、".join(sorted(_registry))}
        )
    return kind


def options_check(kind: ReportKind, given: dict | None) -> dict[str, str]:
    """The kind's options, each given as a short text, and no others."""
    given = {k: v for k, v in (given or {}).items() if v not in (None, "")}
    unknown = sorted(set(given) - set(kind.options))
    if unknown:
        raise ReportError(
            _("报表“%(kind)s”不接受选项：%(names)s。")
            % {"kind": kind.label, "names": "、".join(str(n)[:20] for n in unknown)}
        )
    missing = [n for n in kind.options if n not in given]
    if missing:
        raise ReportError(
            _("报表“%(kind)s”需要选项：%(names)s。")
            % {"kind": kind.label, "names": "、".join(f"--{n}" for n in missing)}
        )
    return {k: str(v)[:40] for k, v in given.items()}


def format_check(fmt: str, kind: ReportKind | None = None) -> str:
    if fmt not in FORMATS:
        raise ReportError(_("格式须为 pdf 或 xlsx，而不是“%(f)s”。") % {"f": (fmt or "")[:10]})
    if kind is not None and fmt not in kind.formats:
        names = {"pdf": "PDF", "xlsx": "Excel"}
        raise ReportError(
            _("报表“%(kind)s”只能生成为 %(formats)s。")
            % {"kind": kind.label, "formats": "、".join(names[f] for f in kind.formats)}
        )
    return fmt
