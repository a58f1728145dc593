"""Reads for the landing pages: the county reviewer's comparison and the township office's board.

Selectors only (keyword-only, given the scope). They read the figures the scoring pages read
(stored months where current, the rest computed in memory, months not begun left out; the
county's sums through `selectors.townships_ranked_figures`), so their query counts do not grow
with the number of branches.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import ngettext

from branches import selectors as branch_selectors
from branches.models import Branch, Meeting, Township
from scoring import engine, selectors
from scoring.labels import item_label
from scoring.selectors import close_date
from township.reports import Period, ReportError, period_parse
from township.scoping import Scope

FORTRESS_CODES = tuple(c for c, _label, _p in engine.DEFAULT_ITEMS if c.startswith("F"))

# ---------------------------------------------------------------------------------------------
# Periods


def period_default(*, today: dt.date) -> Period:
    """The current quarter (its months up to today)."""
    return Period("quarter", today.year, engine.quarter_of(today))


def period_from_query(value: str) -> Period | None:
    """The period a query parameter names (a month, quarter or year), or None."""
    try:
        return period_parse(value, allowed=("month", "quarter", "year"))
    except ReportError:
        return None


def period_choices(*, today: dt.date, years: int = 3) -> list[tuple[int, list[Period]]]:
    """The periods begun by today of the last `years` years, newest first, by year."""
    out = []
    for year in range(today.year, today.year - years, -1):
        periods = [Period("year", year)]
        periods += [Period("quarter", year, q) for q in range(4, 0, -1)]
        periods += [Period("month", year, m) for m in range(12, 0, -1)]
        out.append((year, [p for p in periods if p.months[0] <= today]))
    return out


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _met(earned: Decimal, points: Decimal | None) -> bool:
    """An item is met when it earned its full points (points switched off count as not met).

    Both are exact decimals (published points, scheme points): compared as such, no Fraction.
    """
    return points is not None and earned >= points


def _median(values: list[Decimal]) -> Decimal | None:
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return None
    if n % 2:
        return ordered[n // 2]
    return engine.mean_published(ordered[n // 2 - 1 : n // 2 + 1])


def _silent_counts(*, scope: Scope, today: dt.date, days: int) -> dict[int, int]:
    """Silent branches (no meeting in `days` days) per township, in one grouped query: for each
    branch, whether a meeting exists since the cutoff (a seek on the branch-and-date index,
    not a read of every meeting of those weeks)."""
    cutoff = today - dt.timedelta(days=days)
    met = Meeting.objects.filter(branch=OuterRef("pk"), date__gte=cutoff)
    return dict(
        Branch.objects.within(scope)
        .filter(~Exists(met))
        .order_by()
        .values("township_id")
        .annotate(n=Count("id"))
        .values_list("township_id", "n")
    )


# ---------------------------------------------------------------------------------------------
# The county reviewer's comparison


@dataclass(frozen=True)
class BranchValue:
    branch_id: int
    name: str
    value: Decimal


@dataclass(frozen=True)
class TownshipComparison:
    township: Township  # with `branch_count` and `member_count`
    ranked: int  # ranked branches
    values: list[BranchValue]  # ranked branches with a value for the period, lowest first
    mean: Decimal | None
    minimum: Decimal | None
    median: Decimal | None
    maximum: Decimal | None
    bottom: int | None  # 约谈名单 (quarter periods only)
    weak_and_lax: int | None  # year periods only
    stars: dict[int, int] | None  # {3: n, 2: n, 1: n} (year periods only)
    items_met: int
    items_applicable: int
    completeness: Decimal | None  # percent of applicable F-items met over the period
    silent: int
    trend: list[Decimal | None]  # mean monthly index, one per `CountyComparison.trend_months`
    sheet_month: dt.date  # the month sheet a click opens


@dataclass(frozen=True)
class CountyComparison:
    period: Period
    months: list[dt.date]  # the period's months begun by today
    trend_months: list[dt.date]  # the year's months begun by today
    townships: list[TownshipComparison]


def county_comparison(
    *, scope: Scope, period: Period, today: dt.date, silent_days: int = 30
) -> CountyComparison:
    """Townships of the scope side by side for a period, over their ranked branches.

    A branch's value is its month index (month periods), quarter score (quarters) or annual
    score (years), as the township's ranking page shows it.
    """
    townships = branch_selectors.county_townships(scope=scope, today=today)  # with counts
    ids = [t.pk for t in townships]
    branches: dict[int, list[tuple[int, str]]] = defaultdict(list)  # ranked: id, name
    for bid, tid, name in (
        Branch.objects.within(scope)
        .filter(ranked=True)
        .order_by("code")
        .values_list("id", "township_id", "name")
    ):
        branches[tid].append((bid, name))
    months = [m for m in period.months if m <= today]
    trend_months = [m for m in engine.year_months(period.year) if m <= today]
    figures = selectors.townships_ranked_figures(
        township_ids=ids,
        year=period.year,
        until=today,
        period_months=months,
        targets=period.kind == "year",
    )
    silent = _silent_counts(scope=scope, today=today, days=silent_days)

    rows = []
    for township in townships:
        data = figures[township.pk]
        ranked = branches[township.pk]
        values = []
        for bid, name in ranked:
            # The period's value: the month's index, the quarter score (the mean of its
            # months begun), or the annual score (with the target where one is entered).
            value = engine.mean_from_total(*data.branches.get(bid, (Decimal(0), 0)))
            if period.kind == "year":
                value = engine.annual_branch_score(value, data.targets.get(bid))
            if value is not None:
                values.append(BranchValue(bid, name, value))
        values.sort(key=lambda v: v.value)
        numbers = [v.value for v in values]
        scores = {v.branch_id: v.value for v in values}
        met = sum(data.months[m].met for m in months)
        applicable = sum(data.months[m].applicable for m in months)
        year = period.kind == "year"
        rows.append(
            TownshipComparison(
                township=township,
                ranked=len(ranked),
                values=values,
                mean=engine.mean_published(numbers),
                minimum=numbers[0] if numbers else None,
                median=_median(numbers),
                maximum=numbers[-1] if numbers else None,
                bottom=len(engine.bottom_list(scores)) if period.quarter else None,
                weak_and_lax=len(engine.weak_and_lax(scores)) if year else None,
                stars={s: sum(engine.stars_for(n) == s for n in numbers) for s in (3, 2, 1)}
                if year
                else None,
                items_met=met,
                items_applicable=applicable,
                completeness=engine.publish(Fraction(100 * met, applicable))
                if applicable
                else None,
                silent=silent.get(township.pk, 0),
                trend=[
                    engine.mean_from_total(data.months[m].index_sum, data.months[m].index_count)
                    for m in trend_months
                ],
                sheet_month=months[-1] if months else period.months[0],
            )
        )
    return CountyComparison(period=period, months=months, trend_months=trend_months, townships=rows)


# ---------------------------------------------------------------------------------------------
# The township office's dashboard


@dataclass(frozen=True)
class BranchTrend:
    branch: Branch
    indices: list[Decimal | None]  # one per `OfficeDashboard.months`


@dataclass(frozen=True)
class ItemCompletion:
    code: str
    label: str
    met: int
    applicable: int  # branches the item applies to this month

    @property
    def share(self) -> Decimal | None:
        return (
            engine.publish(Fraction(100 * self.met, self.applicable)) if self.applicable else None
        )


@dataclass(frozen=True)
class MissingRecords:
    branch: Branch
    month: dt.date
    codes: list[str]
    close_on: dt.date
    days_left: int

    @property
    def labels(self) -> list[str]:
        return [f"{c} {item_label(c)}" for c in self.codes]

    @property
    def days_left_label(self) -> str:
        """ "3 天" in the reader's language (a `blocktranslate count` per row cost more)."""
        return ngettext("%(n)s 天", "%(n)s 天", self.days_left) % {"n": self.days_left}


@dataclass(frozen=True)
class OfficeDashboard:
    township: Township
    months: list[dt.date]  # of the year, begun by today
    branches: list[BranchTrend]
    mean: list[Decimal | None]  # the township's mean over its ranked branches, per month
    items: list[ItemCompletion]  # this month, across branches
    missing: list[MissingRecords]  # open months (last month until its close day, this month)


def office_dashboard(*, scope: Scope, today: dt.date) -> OfficeDashboard:
    """The office's year so far, this month's items, and the records still missing."""
    township = Township.objects.within(scope).get(pk=scope.township_id)
    branches = list(Branch.objects.within(scope).filter(township=township).order_by("code"))
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    # The months only: the board shows no ranking, so the year's results are not derived. The
    # items are read for the open months' completion and gaps only.
    data = selectors.townships_months(
        township_ids=[township.pk],
        year=today.year,
        until=today,
        items_of=selectors.ItemsOf(months=[last_month, this_month]),
    )[township.pk]
    weights = selectors.scheme_weights_for(township_ids=[township.pk], year=today.year)
    months = [m for m in engine.year_months(today.year) if m <= today]

    open_months = [this_month]
    last_close = close_date(month=last_month, close_day=township.close_day)
    if today <= last_close:
        if last_month.year == today.year:
            last_data, last_weights = data, weights
        else:  # January looks back at December
            last_data = selectors.townships_months(
                township_ids=[township.pk],
                year=last_month.year,
                items_of=selectors.ItemsOf(months=[last_month]),
            )[township.pk]
            last_weights = selectors.scheme_weights_for(
                township_ids=[township.pk], year=last_month.year
            )
        if last_month not in last_data.locked:
            open_months.insert(0, last_month)

    trends, ranked_indices = [], defaultdict(list)
    for branch in branches:
        own = data.months.get(branch.pk, {})
        indices = [own[m].index if m in own else None for m in months]
        trends.append(BranchTrend(branch, indices))
        if branch.ranked:
            for m, index in zip(months, indices, strict=True):
                ranked_indices[m].append(index)

    points = weights[township.pk].points
    met, applicable = defaultdict(int), defaultdict(int)
    for branch in branches:
        view = data.months.get(branch.pk, {}).get(this_month)
        for code, earned in (view.items if view else {}).items():
            if code in FORTRESS_CODES:
                applicable[code] += 1
                met[code] += _met(earned, points.get(code))
    items = [
        ItemCompletion(code, item_label(code), met[code], applicable[code])
        for code in FORTRESS_CODES
        if points.get(code) is not None
    ]

    missing = []
    for month in open_months:
        year_data, year_points = (
            (data, points)
            if month.year == today.year
            else (last_data, last_weights[township.pk].points)
        )
        close_on = close_date(month=month, close_day=township.close_day)
        for branch in branches:
            view = year_data.months.get(branch.pk, {}).get(month)
            codes = selectors.record_gaps(view.items, year_points) if view else []
            if codes:
                missing.append(
                    MissingRecords(branch, month, codes, close_on, (close_on - today).days)
                )
    missing.sort(key=lambda r: (r.days_left, -len(r.codes), r.branch.code))
    return OfficeDashboard(
        township=township,
        months=months,
        branches=trends,
        mean=[engine.mean_published(ranked_indices[m]) for m in months],
        items=items,
        missing=missing,
    )
