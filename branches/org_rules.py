"""The rules of the organisation's assessment, as plain functions over plain data (no ORM).

PRODUCT.md “Organisation” and SCORING.md “Other defaults”: the two-committee roster and its
reserve cadres, the liaison obligation per quarter, the 100-point classification sheet and the
ten standards of a demonstration village.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CENT = Decimal("0.01")

# --- two-committee roster and reserve cadres (村“两委”, 后备干部) -----------------------------

RESERVE_MIN = 2  # 2–3 reserve cadres per village
RESERVE_MAX = 3
RESERVE_AGE_LIMIT = 50  # under 50: a reserve cadre of 50 or more does not count
ONE_SHOULDER_TARGET = Decimal(100)  # 一肩挑: every village's secretary also chairs the committee


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (a birthday on 29 February is reached on 1 March)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def reserve_counts(birth: dt.date, day: dt.date) -> bool:
    """Whether a reserve cadre born on `birth` counts on `day`: under 50 years of age."""
    return age_on(birth, day) < RESERVE_AGE_LIMIT


def reserve_shortfall(count: int) -> int:
    """How many reserve cadres a village lacks, given those who count."""
    return max(0, RESERVE_MIN - count)


def reserve_excess(count: int) -> int:
    return max(0, count - RESERVE_MAX)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage, half-up to 2 decimals; None when there is no whole."""
    if whole <= 0:
        return None
    return (Decimal(100) * part / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def target_met(share: Decimal | None, target: Decimal) -> bool:
    return share is not None and share >= target


# --- liaison duties (挂包责任制) ----------------------------------------------------------------

THEMED_DAY, LECTURE = "themed_day", "lecture"


def liaison_obligation(quarter: int) -> str:
    """Q1 and Q3: attend at least one themed Party day at the branch; Q2 and Q4: give at least
    one Party lecture there (PRODUCT.md, 挂包责任制)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(quarter)
    return THEMED_DAY if quarter in (1, 3) else LECTURE


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year, 12, 31) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    if quarter != 4:
        last -= dt.timedelta(days=1)
    return first, last


@dataclass(frozen=True)
class GuestVisit:
    """The liaison cadre on a meeting's guest list at their own branch."""

    date: dt.date
    meeting_type: str
    lectured: bool


def liaison_visit_counts(visit: GuestVisit, quarter: int) -> bool:
    if liaison_obligation(quarter) == THEMED_DAY:
        return visit.meeting_type == THEMED_DAY
    return visit.meeting_type == LECTURE and visit.lectured


def liaison_quarter_met(visits: Iterable[GuestVisit], *, year: int, quarter: int) -> bool:
    first, last = quarter_bounds(year, quarter)
    return any(first <= v.date <= last and liaison_visit_counts(v, quarter) for v in visits)


MET, UNMET, OPEN = "met", "unmet", "open"


def liaison_quarter_status(
    visits: Iterable[GuestVisit], *, year: int, quarter: int, today: dt.date
) -> str:
    """met; unmet once the quarter has ended without it; open while the quarter runs."""
    if liaison_quarter_met(visits, year=year, quarter=quarter):
        return MET
    return UNMET if quarter_bounds(year, quarter)[1] < today else OPEN


# --- classification (定位升级) -----------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    code: str
    aspect: str
    label: object
    max_points: Decimal


@dataclass(frozen=True)
class Aspect:
    code: str
    label: object
    points: Decimal
    indicators: tuple[Indicator, ...]


def _aspect(code: str, label, points: int, parts: tuple[tuple[object, int], ...]) -> Aspect:
    indicators = tuple(
        Indicator(f"{code}{n}", code, text, Decimal(p)) for n, (text, p) in enumerate(parts, 1)
    )
    assert sum(i.max_points for i in indicators) == points, code
    return Aspect(code, label, Decimal(points), indicators)


# Six aspects, three indicators each, 100 points (SCORING.md “Other defaults”).
ASPECTS: tuple[Aspect, ...] = (
    _aspect(
        "A",
        gettext_lazy("班子建设"),
        20,
        (
            (gettext_lazy("班子结构合理、团结协作"), 7),
            (gettext_lazy("书记带头作用突出"), 7),
            (gettext_lazy("落实民主集中制"), 6),
        ),
    ),
    _aspect(
        "B",
        gettext_lazy("队伍建设"),
        15,
        (
            (gettext_lazy("党员发展与教育管理"), 5),
            (gettext_lazy("后备干部培养"), 5),
            (gettext_lazy("党员作用发挥"), 5),
        ),
    ),
    _aspect(
        "C",
        gettext_lazy("阵地建设"),
        15,
        (
            (gettext_lazy("活动场所达标"), 5),
            (gettext_lazy("党建氛围与宣传"), 5),
            (gettext_lazy("远程教育与信息化"), 5),
        ),
    ),
    _aspect(
        "D",
        gettext_lazy("工作机制"),
        15,
        (
            (gettext_lazy("三会一课落实"), 5),
            (gettext_lazy("四议两公开"), 5),
            (gettext_lazy("村务公开与民主管理"), 5),
        ),
    ),
    _aspect(
        "E",
        gettext_lazy("工作业绩"),
        20,
        (
            (gettext_lazy("集体经济发展"), 7),
            (gettext_lazy("群众增收致富"), 7),
            (gettext_lazy("社会和谐稳定"), 6),
        ),
    ),
    _aspect(
        "F",
        gettext_lazy("民主测评"),
        15,
        (
            (gettext_lazy("党员测评"), 5),
            (gettext_lazy("群众测评"), 5),
            (gettext_lazy("镇党委评价"), 5),
        ),
    ),
)
INDICATORS: dict[str, Indicator] = {i.code: i for a in ASPECTS for i in a.indicators}
SHEET_POINTS = sum(a.points for a in ASPECTS)  # 100

ADVANCED, AVERAGE, LAGGING = "advanced", "average", "lagging"
GRADE_LABELS = {
    ADVANCED: gettext_lazy("先进"),
    AVERAGE: gettext_lazy("一般"),
    LAGGING: gettext_lazy("后进"),
}
ADVANCED_MIN = Decimal(85)
AVERAGE_MIN = Decimal(70)
TARGET_ADVANCED = Decimal(60)  # ≥ 60 % of the villages advanced
TARGET_AVERAGE = Decimal(30)  # ≥ 30 % average


def indicator_problem(code: str, points: Decimal | None) -> str | None:
    """Why `points` cannot be entered for indicator `code`; None when it can."""
    indicator = INDICATORS.get(code)
    if indicator is None:
        return _("没有指标“%(c)s”。") % {"c": code[:10]}
    if points is None:
        return _("请填写“%(i)s”的得分。") % {"i": indicator.label}
    if not points.is_finite() or points < 0 or points > indicator.max_points:
        return _("“%(i)s”的得分须在 0 至 %(m)s 分之间。") % {
            "i": indicator.label,
            "m": f"{indicator.max_points:f}",
        }
    if points != points.quantize(CENT):
        return _("“%(i)s”的得分最多保留两位小数。") % {"i": indicator.label}
    return None


def classification_total(points: Mapping[str, Decimal]) -> Decimal:
    """The sheet's total over all 18 indicators; every indicator must be scored."""
    missing = [code for code in INDICATORS if code not in points]
    if missing:
        raise ValueError(f"indicators missing: {missing}")
    return sum((points[code] for code in INDICATORS), Decimal(0)).quantize(CENT)


def classification_grade(total: Decimal) -> str:
    """≥ 85 advanced, ≥ 70 average, otherwise lagging."""
    if total >= ADVANCED_MIN:
        return ADVANCED
    if total >= AVERAGE_MIN:
        return AVERAGE
    return LAGGING


@dataclass(frozen=True)
class Shares:
    total: int
    counts: dict[str, int]
    shares: dict[str, Decimal | None]
    advanced_met: bool
    average_met: bool


def classification_shares(grades: Iterable[str]) -> Shares:
    """Each grade's share of the classified villages, against the targets."""
    grades = list(grades)
    counts = {g: grades.count(g) for g in GRADE_LABELS}
    shares = {g: percent(n, len(grades)) for g, n in counts.items()}
    return Shares(
        total=len(grades),
        counts=counts,
        shares=shares,
        advanced_met=target_met(shares[ADVANCED], TARGET_ADVANCED),
        average_met=target_met(shares[AVERAGE], TARGET_AVERAGE),
    )


# --- demonstration villages (党建示范村) -------------------------------------------------------

# The ten standards (十条标准) of a demonstration site of rural Party building.
STANDARDS: tuple[tuple[int, object], ...] = (
    (1, gettext_lazy("村党支部领导核心作用突出")),
    (2, gettext_lazy("村书记讲政治、有能力、敢担当")),
    (3, gettext_lazy("组织生活落实到位")),
    (4, gettext_lazy("党员作用发挥明显")),
    (5, gettext_lazy("村级组织运行高效")),
    (6, gettext_lazy("干部队伍管理严格")),
    (7, gettext_lazy("决策民主治理规范")),
    (8, gettext_lazy("活动阵地标准较高")),
    (9, gettext_lazy("产业兴旺生活富裕")),
    (10, gettext_lazy("生态宜居村风文明")),
)
STANDARD_NUMBERS = tuple(n for n, _label in STANDARDS)
MODEL_VILLAGE_TARGET = Decimal(10)  # ≥ 10 % of a township's villages


def standard_problem(number: int, *, met: bool, evidence: str) -> str | None:
    """A standard is ticked as met only with its evidence."""
    if number not in STANDARD_NUMBERS:
        return _("没有第 %(n)s 条标准。") % {"n": number}
    if met and not evidence.strip():
        return _("第 %(n)d 条标准“%(s)s”达标须填写佐证材料。") % {
            "n": number,
            "s": dict(STANDARDS)[number],
        }
    return None


def is_model_village(checks: Mapping[int, tuple[bool, str]]) -> bool:
    """All ten standards met, each with its evidence."""
    return all(checks.get(n, (False, ""))[0] and checks[n][1].strip() for n in STANDARD_NUMBERS)


def reserve_birth_cutoff(day: dt.date) -> dt.date:
    """Reserve cadres born after this date are under 50 on `day` (a set-based form of
    `reserve_counts`: born after the same day 50 years earlier, 28 February standing in for
    a 29 February that year lacks)."""
    try:
        return day.replace(year=day.year - RESERVE_AGE_LIMIT)
    except ValueError:
        return dt.date(day.year - RESERVE_AGE_LIMIT, 2, 28)
