"""The scoring rules of SCORING.md as plain functions over plain data.

No ORM here: `scoring.selectors` gathers the inputs with a fixed number of set-based queries,
`scoring.services` stores what these functions return. Arithmetic is exact (Fraction) until a
value is published; a published value is rounded half-up to 2 decimals (`publish`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal, Inexact
from fractions import Fraction
from functools import reduce

from django.utils.translation import gettext_noop  # marks the default labels for the catalogue

Number = Fraction | Decimal | int

STAR_THRESHOLDS: tuple[tuple[int, int], ...] = ((90, 3), (80, 2), (60, 1))
UNQUALIFIED_BELOW = 60
BOTTOM_SIZE = 3
WEAK_AND_LAX_SHARE = Fraction(1, 10)
PROBATION_OVERDUE_DAYS = 30
THEMED_DAY_ACTIONS = ("study", "dues", "oath", "deliberation")


# ---------------------------------------------------------------------------------------------
# Publishing and periods


def publish(value: Number) -> Decimal:
    """Round half-up (away from zero at .5) to 2 decimals, exactly."""
    if not isinstance(value, Fraction):
        value = Fraction(value)
    return _publish_ratio(value.numerator, value.denominator)


def _publish_ratio(numerator: int, denominator: int) -> Decimal:
    """`publish` of numerator / denominator (denominator > 0), without building a Fraction."""
    q, r = divmod(abs(numerator) * 100, denominator)  # exact, no gcd needed
    if 2 * r >= denominator:
        q += 1
    return Decimal(-q if numerator < 0 else q).scaleb(-2)


# Adds decimals exactly or raises: published values (2 decimals) always fit.
_EXACT = Context(prec=60, traps=[Inexact])


def items_met(items: dict[str, Decimal], points: dict[str, Decimal]) -> tuple[int, int]:
    """(met, applicable) of a month's fortress items: an item is met when it earned its full
    points (points switched off count as not met). Both are exact decimals, compared as such."""
    codes = [c for c in items if c.startswith("F")]
    met = sum(1 for c in codes if points.get(c) is not None and items[c] >= points[c])
    return met, len(codes)


def mean_published(values: Iterable[Decimal | None]) -> Decimal | None:
    """Mean of published values (None skipped), published; None when there is none.

    The sum is taken as exact decimals (five times faster than fractions; pages take many
    means), falling back to fractions for other numbers or digits beyond the context.
    """
    present = [v for v in values if v is not None]
    if not present:
        return None
    try:
        numerator, denominator = reduce(_EXACT.add, present, Decimal(0)).as_integer_ratio()
    except (TypeError, Inexact):
        total = sum((Fraction(v) for v in present), Fraction(0))
        numerator, denominator = total.numerator, total.denominator
    return _publish_ratio(numerator, denominator * len(present))


def mean_from_total(total: Decimal, count: int) -> Decimal | None:
    """`mean_published` of `count` published values whose exact sum is `total` (a sum the
    database took); None when there is none."""
    if not count:
        return None
    numerator, denominator = total.as_integer_ratio()
    return _publish_ratio(numerator, denominator * count)


def month_end(month: dt.date) -> dt.date:
    nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def quarter_of(month: dt.date) -> int:
    return (month.month - 1) // 3 + 1


def quarter_start(month: dt.date) -> dt.date:
    return dt.date(month.year, 3 * (quarter_of(month) - 1) + 1, 1)


def quarter_end_month(month: dt.date) -> dt.date:
    """The first day of the quarter's last month (3, 6, 9 or 12)."""
    return dt.date(month.year, 3 * quarter_of(month), 1)


def is_quarter_end(month: dt.date) -> bool:
    return month.month % 3 == 0


def year_months(year: int) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in range(1, 13)]


def on_roster(*, branch_since: dt.date | None, left_on: dt.date | None, at: dt.date) -> bool:
    """Whether a member belongs to their branch's roster at the date `at` (a month end)."""
    return (branch_since is None or branch_since <= at) and (left_on is None or left_on > at)


def stars_for(score: Decimal | None) -> int | None:
    if score is None:
        return None
    for threshold, stars in STAR_THRESHOLDS:
        if score >= threshold:
            return stars
    return 0


# ---------------------------------------------------------------------------------------------
# Schemes


@dataclass(frozen=True)
class Weights:
    """Points per item code; an item missing from `points` is switched off in the scheme."""

    points: Mapping[str, Decimal]
    exact: Mapping[str, Fraction] = field(init=False, repr=False, compare=False)
    key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact = {code: Fraction(value) for code, value in self.points.items()}
        object.__setattr__(self, "exact", exact)
        object.__setattr__(self, "key", tuple(sorted(exact.items())))

    def get(self, code: str) -> Fraction | None:
        return self.exact.get(code)


DEFAULT_ITEMS: tuple[tuple[str, str, int], ...] = (
    ("F1", gettext_noop("主题党日"), 8),
    ("F2", gettext_noop("“4+X”固定动作"), 12),
    ("F3", gettext_noop("支委会"), 10),
    ("F4", gettext_noop("党小组会"), 10),
    ("F5", gettext_noop("支部党员大会（季度）"), 10),
    ("F6", gettext_noop("党课（季度）"), 10),
    ("F7", gettext_noop("参会率"), 15),
    ("F8", gettext_noop("发展党员"), 10),
    ("F9", gettext_noop("党费收缴"), 5),
    ("F10", gettext_noop("镇党建办评价"), 10),
    ("P1", gettext_noop("三会一课参加"), 50),
    ("P2", gettext_noop("按时交纳党费"), 25),
    ("P3", gettext_noop("党员联户"), 25),
)

DEFAULT_LABELS: dict[str, str] = {code: label for code, label, _points in DEFAULT_ITEMS}
DEFAULT_WEIGHTS = Weights({code: Decimal(points) for code, _label, points in DEFAULT_ITEMS})
OFFICE_SCORE_MAX = Fraction(10)


# ---------------------------------------------------------------------------------------------
# Branch fortress index (堡垒指数)


@dataclass(frozen=True)
class BranchMonth:
    """What a branch did in a month, as counted by the selectors."""

    month: dt.date
    has_groups: bool = True
    themed_days: int = 0
    actions: frozenset[str] = frozenset()
    committee: int = 0
    group: int = 0
    general_in_quarter: int = 0  # from the quarter's first day to month end
    lecture_in_quarter: int = 0
    present: int = 0  # over all entries of the month's member meetings
    absent: int = 0
    has_development: bool = False  # ≥1 applicant at activist/candidate stage by month end
    overdue_probationary: bool = False
    liable: int = 0
    paid: int = 0
    office_points: Decimal | None = None


@dataclass(frozen=True)
class BranchMonthResult:
    index: Decimal | None
    items: dict[str, Decimal]  # published earned points of the applicable items
    earned: Fraction
    possible: Fraction


def _ratio(numerator: int, denominator: int) -> Fraction:
    return Fraction(numerator, denominator) if denominator else Fraction(0)


def fortress_items(b: BranchMonth, weights: Weights = DEFAULT_WEIGHTS) -> dict[str, tuple]:
    """Each applicable item's (earned, possible), exact. N/A items are left out."""
    out: dict[str, tuple[Fraction, Fraction]] = {}

    def put(code: str, share: Fraction) -> None:
        points = weights.get(code)
        if points is not None:
            out[code] = (points * share, points)

    held = lambda n: Fraction(1 if n > 0 else 0)  # noqa: E731
    put("F1", held(b.themed_days))
    done = sum(1 for a in THEMED_DAY_ACTIONS if a in b.actions) if b.themed_days else 0
    put("F2", Fraction(done, len(THEMED_DAY_ACTIONS)))
    put("F3", held(b.committee))
    if b.has_groups:
        put("F4", held(b.group))
    if is_quarter_end(b.month):
        put("F5", held(b.general_in_quarter))
        put("F6", held(b.lecture_in_quarter))
    put("F7", _ratio(b.present, b.present + b.absent))
    put("F8", Fraction(int(b.has_development) + int(not b.overdue_probationary), 2))
    if b.liable:
        put("F9", Fraction(b.paid, b.liable))
    if b.office_points is not None:
        put("F10", Fraction(b.office_points) / OFFICE_SCORE_MAX)
    return out


def fortress_month(b: BranchMonth, weights: Weights = DEFAULT_WEIGHTS) -> BranchMonthResult:
    items = fortress_items(b, weights)
    earned = sum((e for e, _p in items.values()), Fraction(0))
    possible = sum((p for _e, p in items.values()), Fraction(0))
    index = publish(100 * earned / possible) if possible else None
    return BranchMonthResult(
        index=index,
        items={code: publish(e) for code, (e, _p) in items.items()},
        earned=earned,
        possible=possible,
    )


# ---------------------------------------------------------------------------------------------
# Member pioneer index (先锋指数)


@dataclass(frozen=True)
class MemberMonth:
    present: int = 0  # the member's own entries on all the month's meetings of the branch
    absent: int = 0
    dues_exempt: bool = False
    paid: bool = False
    has_households: bool = False
    visited: bool = False
    adjustment: Decimal = Decimal(0)


@dataclass(frozen=True)
class MemberMonthResult:
    index: Decimal | None
    items: dict[str, Decimal]


def pioneer_month(m: MemberMonth, weights: Weights = DEFAULT_WEIGHTS) -> MemberMonthResult:
    items: dict[str, tuple[Fraction, Fraction]] = {}

    def put(code: str, share: Fraction) -> None:
        points = weights.get(code)
        if points is not None:
            items[code] = (points * share, points)

    if m.present + m.absent:
        put("P1", Fraction(m.present, m.present + m.absent))
    if not m.dues_exempt:
        put("P2", Fraction(int(m.paid)))
    if m.has_households:
        put("P3", Fraction(int(m.visited)))
    possible = sum((p for _e, p in items.values()), Fraction(0))
    if not possible:
        return MemberMonthResult(index=None, items={})
    earned = sum((e for e, _p in items.values()), Fraction(0))
    index = publish(100 * earned / possible + Fraction(m.adjustment))
    index = min(max(index, Decimal("0.00")), Decimal("100.00"))
    return MemberMonthResult(index=index, items={c: publish(e) for c, (e, _p) in items.items()})


# ---------------------------------------------------------------------------------------------
# Quarters, ranks, years


def competition_ranks(scores: Mapping[str, Decimal]) -> dict[str, int]:
    """Rank by score descending; equal scores share a rank and the next rank skips."""
    ordered = sorted(scores.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, score in enumerate(ordered, start=1):
        first_position.setdefault(score, position)
    return {key: first_position[score] for key, score in scores.items()}


def lowest_k_with_ties(scores: Mapping[str, Decimal], k: int) -> list[str]:
    """Every key whose score is ≤ the k-th lowest score (sorted keys); [] when k is 0."""
    if k <= 0 or not scores:
        return []
    boundary = sorted(scores.values())[min(k, len(scores)) - 1]
    return sorted(key for key, score in scores.items() if score <= boundary)


def bottom_list(scores: Mapping[str, Decimal]) -> list[str]:
    """约谈名单: ranked branches at or below the min(3, n)-th lowest quarter score."""
    return lowest_k_with_ties(scores, min(BOTTOM_SIZE, len(scores)))


def weak_and_lax(scores: Mapping[str, Decimal]) -> list[str]:
    """软弱涣散: ranked branches at or below the ceil(10% × n)-th lowest annual score."""
    k = math.ceil(WEAK_AND_LAX_SHARE * len(scores))
    return lowest_k_with_ties(scores, k)


def annual_branch_score(fortress_mean: Decimal | None, target: Decimal | None) -> Decimal | None:
    if fortress_mean is None:
        return None
    if target is None:
        return fortress_mean
    return publish((Fraction(fortress_mean) + Fraction(target)) / 2)


@dataclass(frozen=True)
class BranchYearInput:
    code: str
    ranked: bool
    months: Mapping[dt.date, Decimal | None]  # published monthly indices of the year
    target: Decimal | None = None


@dataclass(frozen=True)
class BranchQuarterResult:
    score: Decimal | None
    rank: int | None
    bottom: bool


@dataclass(frozen=True)
class BranchYearResult:
    quarters: dict[int, BranchQuarterResult]
    fortress_mean: Decimal | None
    score: Decimal | None
    stars: int | None
    weak_and_lax: bool


@dataclass(frozen=True)
class TownshipYearResult:
    branches: dict[str, BranchYearResult]
    bottom: dict[int, list[str]] = field(default_factory=dict)
    weak_and_lax: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QuarterRanking:
    """A township's quarter: every branch's score, the ranked branches' ranks and bottom list."""

    scores: dict[str, Decimal | None]
    ranks: dict[str, int]
    bottom: list[str]


def quarter_ranking(branches: Sequence[BranchYearInput], year: int, quarter: int) -> QuarterRanking:
    months = [dt.date(year, 3 * (quarter - 1) + i, 1) for i in range(1, 4)]
    scores = {b.code: mean_published(b.months.get(m) for m in months) for b in branches}
    ranked = {b.code: scores[b.code] for b in branches if b.ranked and scores[b.code] is not None}
    return QuarterRanking(
        scores=scores, ranks=competition_ranks(ranked), bottom=bottom_list(ranked)
    )


@dataclass(frozen=True)
class AnnualRanking:
    """A township's year: every branch's fortress mean and annual score, and the weak-and-lax
    list among the ranked branches."""

    fortress: dict[str, Decimal | None]
    annual: dict[str, Decimal | None]
    weak_and_lax: list[str]


def annual_ranking(branches: Sequence[BranchYearInput], year: int) -> AnnualRanking:
    all_months = year_months(year)
    fortress = {b.code: mean_published(b.months.get(m) for m in all_months) for b in branches}
    annual = {b.code: annual_branch_score(fortress[b.code], b.target) for b in branches}
    weak = weak_and_lax(
        {b.code: annual[b.code] for b in branches if b.ranked and annual[b.code] is not None}
    )
    return AnnualRanking(fortress=fortress, annual=annual, weak_and_lax=weak)


def township_year(branches: Sequence[BranchYearInput], year: int) -> TownshipYearResult:
    """Quarter scores, ranks, bottom lists, annual scores, stars and weak-and-lax of a township."""
    quarters = {q: quarter_ranking(branches, year, q) for q in range(1, 5)}
    annual = annual_ranking(branches, year)
    results = {
        b.code: BranchYearResult(
            quarters={
                q: BranchQuarterResult(
                    score=quarters[q].scores[b.code],
                    rank=quarters[q].ranks.get(b.code),
                    bottom=b.code in quarters[q].bottom,
                )
                for q in range(1, 5)
            },
            fortress_mean=annual.fortress[b.code],
            score=annual.annual[b.code],
            stars=stars_for(annual.annual[b.code]),
            weak_and_lax=b.code in annual.weak_and_lax,
        )
        for b in branches
    }
    return TownshipYearResult(
        branches=results,
        bottom={q: r.bottom for q, r in quarters.items()},
        weak_and_lax=annual.weak_and_lax,
    )


@dataclass(frozen=True)
class MemberYearResult:
    annual: Decimal | None
    stars: int | None
    unqualified: bool


def member_year(months: Iterable[Decimal | None], *, rating_exempt: bool) -> MemberYearResult:
    annual = mean_published(months)
    if rating_exempt or annual is None:
        return MemberYearResult(annual=annual, stars=None, unqualified=False)
    return MemberYearResult(
        annual=annual, stars=stars_for(annual), unqualified=annual < UNQUALIFIED_BELOW
    )


def member_quarter(months: Iterable[Decimal | None]) -> Decimal | None:
    return mean_published(months)
