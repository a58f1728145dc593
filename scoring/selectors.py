"""Reads of the scoring app.

`month_inputs` gathers everything the engine needs for a month of many townships with a fixed
number of set-based queries (aggregates grouped by branch or member), whatever their size.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum

from branches.models import MEMBER_MEETING_TYPES, Attendance, Branch, Meeting
from members.models import Applicant, DuesPayment, Household, Member, PointAdjustment, Visit
from scoring import engine
from scoring.models import (
    BranchMonthScore,
    MemberMonthScore,
    OfficeScore,
    Scheme,
    SchemeItem,
    TargetScore,
)
from township.db import chunked, fetch_raw
from township.models import MonthState
from township.scoping import Scope


@dataclass(frozen=True)
class RosterEntry:
    member_id: int
    branch_id: int
    township_id: int


def scored_in(month: dt.date, deactivated_on: dt.date | None) -> bool:
    """Whether a branch is scored in `month`: every branch but one deactivated before the month
    began (a branch deactivated during a month is scored in it, as it lived in it)."""
    return deactivated_on is None or deactivated_on >= month


def scored_count(month: dt.date, deactivated: Counter[dt.date | None]) -> int:
    """How many branches are scored in `month`, from how many were deactivated on each day
    (None: active); a township's 35 branches are one or two entries, not 35 `scored_in`."""
    return sum(n for day, n in deactivated.items() if scored_in(month, day))


def scored_in_q(month: dt.date | F, *, prefix: str = "") -> Q:
    """`scored_in` as a filter on branches (`prefix`: the path to the branch, e.g. "branch__")."""
    return Q(**{f"{prefix}deactivated_on__isnull": True}) | Q(
        **{f"{prefix}deactivated_on__gte": month}
    )


@dataclass(frozen=True)
class MonthInputs:
    month: dt.date
    branches: dict[int, engine.BranchMonth]  # by branch id
    branch_townships: dict[int, int]
    members: dict[int, engine.MemberMonth]  # rostered members only, by member id
    roster: dict[int, RosterEntry]


def month_inputs(*, township_ids: Sequence[int], month: dt.date) -> MonthInputs:
    """The engine's inputs for one month of the given townships (12 queries, whatever the size)."""
    start, end = month, engine.month_end(month)
    q_start = engine.quarter_start(month)

    branches = list(
        Branch.objects.filter(scored_in_q(month), township_id__in=township_ids).values_list(
            "id", "township_id", "has_groups"
        )
    )

    in_month = Q(date__gte=start)
    themed = in_month & Q(type="themed_day")
    meeting_counts = {
        row["branch_id"]: row
        for row in Meeting.objects.filter(
            township_id__in=township_ids, date__gte=q_start, date__lte=end
        )
        .order_by()
        .values("branch_id")
        .annotate(
            themed=Count("id", filter=themed),
            study=Count("id", filter=themed & Q(act_study=True)),
            dues=Count("id", filter=themed & Q(act_dues=True)),
            oath=Count("id", filter=themed & Q(act_oath=True)),
            deliberation=Count("id", filter=themed & Q(act_deliberation=True)),
            committee=Count("id", filter=in_month & Q(type="committee")),
            group=Count("id", filter=in_month & Q(type="group")),
            general=Count("id", filter=Q(type="general")),
            lecture=Count("id", filter=Q(type="lecture")),
        )
    }

    # One pass over the month's attendance, grouped by (branch, member): the member-meeting
    # counts feed F7 (summed per branch), the all-meeting counts feed P1.
    member_meeting = Q(meeting__type__in=MEMBER_MEETING_TYPES)
    present, absent = Q(status="present"), Q(status="absent")
    attendance = fetch_raw(
        Attendance.objects.filter(
            meeting__township_id__in=township_ids, meeting__date__gte=start, meeting__date__lte=end
        )
        .order_by()
        .values_list("meeting__branch_id", "member_id")
        .annotate(
            p_mm=Count("id", filter=member_meeting & present),
            a_mm=Count("id", filter=member_meeting & absent),
            p_all=Count("id", filter=present),
            a_all=Count("id", filter=absent),
        )
    )
    branch_attendance: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    member_attendance: dict[tuple[int, int], tuple[int, int]] = {}
    for branch_id, member_id, p_mm, a_mm, p_all, a_all in attendance:
        totals = branch_attendance[branch_id]
        totals[0] += p_mm
        totals[1] += a_mm
        member_attendance[(branch_id, member_id)] = (p_all, a_all)

    rostered = (
        Member.objects.filter(township_id__in=township_ids)
        .filter(Q(branch_since__isnull=True) | Q(branch_since__lte=end))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=end))
        .order_by()
    )
    # Integer columns only: the roster is the largest read, and ints need no conversion.
    roster_rows = list(rostered.values_list("id", "branch_id", "township_id"))
    exempt = set(rostered.filter(dues_exempt=True).values_list("id", flat=True))
    overdue = set(
        rostered.filter(
            status="probationary",
            probation_ends_on__lte=end - dt.timedelta(days=engine.PROBATION_OVERDUE_DAYS),
        ).values_list("branch_id", flat=True)
    )
    paid = set(
        DuesPayment.objects.filter(
            member__township_id__in=township_ids, month=start, paid_on__lte=end
        )
        .order_by()
        .values_list("member_id", flat=True)
    )
    households = dict(
        Household.objects.filter(member__township_id__in=township_ids)
        .order_by()
        .values_list("member_id")
        .annotate(n=Count("id"))
    )
    visited = set(
        Visit.objects.filter(member__township_id__in=township_ids, date__gte=start, date__lte=end)
        .order_by()
        .values_list("member_id", flat=True)
    )
    adjustments = dict(
        PointAdjustment.objects.filter(
            member__township_id__in=township_ids, date__gte=start, date__lte=end
        )
        .order_by()
        .values_list("member_id")
        .annotate(total=Sum("points"))
    )
    developing = set(
        Applicant.objects.filter(
            township_id__in=township_ids,
            stage__in=["activist", "candidate"],
            stage_since__lte=end,
        )
        .order_by()
        .values_list("branch_id", flat=True)
    )
    office = dict(
        OfficeScore.objects.filter(branch__township_id__in=township_ids, month=start)
        .order_by()
        .values_list("branch_id", "points")
    )

    liable: dict[int, int] = defaultdict(int)
    paid_count: dict[int, int] = defaultdict(int)
    members: dict[int, engine.MemberMonth] = {}
    roster: dict[int, RosterEntry] = {}
    no_adjustment = Decimal(0)
    for mid, bid, tid in roster_rows:
        dues_exempt = mid in exempt
        if not dues_exempt:
            liable[bid] += 1
            paid_count[bid] += mid in paid
        p_all, a_all = member_attendance.get((bid, mid), (0, 0))
        members[mid] = engine.MemberMonth(
            present=p_all,
            absent=a_all,
            dues_exempt=dues_exempt,
            paid=mid in paid,
            has_households=mid in households,
            visited=mid in visited,
            adjustment=adjustments.get(mid) or no_adjustment,
        )
        roster[mid] = RosterEntry(mid, bid, tid)

    branch_inputs: dict[int, engine.BranchMonth] = {}
    for bid, _tid, has_groups in branches:
        counts = meeting_counts.get(bid, {})
        actions = frozenset(a for a in engine.THEMED_DAY_ACTIONS if counts.get(a))
        p_mm, a_mm = branch_attendance.get(bid, (0, 0))
        branch_inputs[bid] = engine.BranchMonth(
            month=start,
            has_groups=has_groups,
            themed_days=counts.get("themed", 0),
            actions=actions,
            committee=counts.get("committee", 0),
            group=counts.get("group", 0),
            general_in_quarter=counts.get("general", 0),
            lecture_in_quarter=counts.get("lecture", 0),
            present=p_mm,
            absent=a_mm,
            has_development=bid in developing,
            overdue_probationary=bid in overdue,
            liable=liable.get(bid, 0),
            paid=paid_count.get(bid, 0),
            office_points=office.get(bid),
        )
    return MonthInputs(
        month=start,
        branches=branch_inputs,
        branch_townships={bid: tid for bid, tid, _g in branches},
        members=members,
        roster=roster,
    )


@dataclass(frozen=True)
class MemberResult:
    branch_id: int
    index: Decimal | None
    items: dict[str, Decimal]
    adjustment: Decimal


@dataclass(frozen=True)
class MonthResults:
    month: dt.date
    branches: dict[int, engine.BranchMonthResult]
    branch_townships: dict[int, int]
    members: dict[int, MemberResult]


def scheme_weights_for(*, township_ids: Sequence[int], year: int) -> dict[int, engine.Weights]:
    """Each township's current weights for the year (the default scheme when none is stored)."""
    latest: dict[int, Scheme] = {}
    for scheme in (
        Scheme.objects.filter(township_id__in=township_ids, year=year)
        .order_by("version")
        .prefetch_related("items")
    ):
        latest[scheme.township_id] = scheme
    return {
        t: engine.Weights({i.code: i.points for i in latest[t].items.all() if i.enabled})
        if t in latest
        else engine.DEFAULT_WEIGHTS
        for t in township_ids
    }


def month_results(
    *, township_ids: Sequence[int], month: dt.date, weights: dict[int, engine.Weights] | None = None
) -> MonthResults:
    """Compute (without storing) a month of the given townships."""
    if weights is None:
        weights = scheme_weights_for(township_ids=township_ids, year=month.year)
    inputs = month_inputs(township_ids=township_ids, month=month)
    branches = {
        bid: engine.fortress_month(b, weights[inputs.branch_townships[bid]])
        for bid, b in inputs.branches.items()
    }
    # Members share few distinct input combinations: compute each combination once.
    # Townships with equal weights share one number, so the memo key hashes cheaply.
    weight_ids: dict[tuple, int] = {}
    scheme_of = {t: weight_ids.setdefault(w.key, len(weight_ids)) for t, w in weights.items()}
    memo: dict[tuple[int, engine.MemberMonth], engine.MemberMonthResult] = {}
    members = {}
    for mid, m in inputs.members.items():
        entry = inputs.roster[mid]
        key = (scheme_of[entry.township_id], m)
        r = memo.get(key)
        if r is None:
            r = memo[key] = engine.pioneer_month(m, weights[entry.township_id])
        members[mid] = MemberResult(entry.branch_id, r.index, r.items, m.adjustment)
    return MonthResults(month, branches, inputs.branch_townships, members)


def target_scores(*, township_id: int, year: int) -> dict[int, Decimal]:
    return dict(
        TargetScore.objects.filter(branch__township_id=township_id, year=year).values_list(
            "branch_id", "score"
        )
    )


def stale_months(*, township_id: int, year: int) -> set[dt.date]:
    """Months of the year whose stored figures are older than a change of their records.

    A month's records also feed its quarter-end month (F5/F6 look back over the quarter). Locked
    months are included (their month figures stand, but the quarter and year results they feed
    are computed again); any stale month makes the year's derived results stale.
    """
    changed = MonthState.objects.filter(
        township_id=township_id, month__year=year, revision__gt=F("scored_revision")
    ).values_list("month", flat=True)
    return {m for month in changed for m in (month, engine.quarter_end_month(month))}


CENT = Decimal("0.01")

# The items a branch makes good by recording what it did (meetings, the 4+X actions, dues): the
# office's dashboard lists them as missing and the reminder of the 20th names them.
RECORD_CODES = ("F1", "F2", "F3", "F4", "F5", "F6", "F9")


def record_gaps(items: dict[str, Decimal], points: dict[str, Decimal]) -> list[str]:
    """The record items that apply this month and have not earned their full points."""
    return [
        code
        for code in RECORD_CODES
        if code in items and (points.get(code) is None or items[code] < points[code])
    ]


def close_date(*, month: dt.date, close_day: int) -> dt.date:
    """The day by which the office locks `month`: `close_day` of the following month."""
    return (engine.month_end(month) + dt.timedelta(days=1)).replace(day=close_day)


@dataclass(frozen=True)
class ItemsOf:
    """The stored months whose items a page reads: those of `months` (all when None) of the
    branches `branches` (all when None). `ItemsOf(months=())`: none."""

    months: Collection[dt.date] | None = None
    branches: Collection[int] | None = None

    def q(self) -> Q | None:
        """The rows' condition; None when no row is wanted."""
        if (self.months is not None and not self.months) or (
            self.branches is not None and not self.branches
        ):
            return None
        wanted = Q()
        if self.months is not None:
            wanted &= Q(month__in=list(self.months))
        if self.branches is not None:
            wanted &= Q(branch_id__in=list(self.branches))
        return wanted


NO_ITEMS = ItemsOf(months=())


class BranchMonthView:
    """A branch's month as pages read it: the index, the items' earned points and how many
    items were met of those that apply.

    A stored month's items stay JSON until a page asks for them: a township's or a county's year
    needs only the indices and the counts, which are columns. A page that reads the items of
    a few months only does not fetch the others' (`townships_months(items_of=...)`): those are
    read from their stored row, one query each, if something asks for them after all.
    """

    __slots__ = ("_items", "_met", "_row", "index", "stored")

    def __init__(
        self,
        index: Decimal | None,
        items: dict[str, Decimal] | str | None,
        stored: bool,
        met: tuple[int, int] | None = None,
        row: tuple[int, dt.date] | None = None,
    ):
        """`items` None: not fetched; then `row` (branch id, month) names the stored row."""
        if items is None and row is None:
            raise ValueError("a month view without its items needs the row to read them from")
        self.index, self._items, self.stored, self._met, self._row = index, items, stored, met, row

    @property
    def items(self) -> dict[str, Decimal]:
        if self._items is None:  # not fetched with the page's rows: read it now
            branch_id, month = self._row
            self._items = (  # {}: the row was replaced or removed since (a month stored again)
                BranchMonthScore.objects.filter(branch_id=branch_id, month=month)
                .values_list("items", flat=True)
                .first()
                or {}
            )
        if isinstance(self._items, str):  # the JSON text, as the plain rows give it
            self._items = json.loads(self._items)
        if self._items and not isinstance(next(iter(self._items.values())), Decimal):
            self._items = {k: Decimal(v) for k, v in self._items.items()}
        return self._items

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BranchMonthView):
            return NotImplemented
        return (self.index, self.items, self.stored) == (other.index, other.items, other.stored)

    __hash__ = None  # type: ignore[assignment]  # mutable (decoded on first read)

    def __repr__(self) -> str:
        return f"BranchMonthView(index={self.index!r}, items={self.items!r}, stored={self.stored})"

    @property
    def needs_points(self) -> bool:
        """Whether `met` must count the items against the scheme's points (not stored)."""
        return self._met is None

    def met(self, points: Mapping[str, Decimal]) -> tuple[int, int]:
        """(met, applicable) fortress items: stored with the month, or counted against `points`
        (the current scheme's) for a month computed in memory or stored before the columns."""
        if self._met is None:
            self._met = engine.items_met(self.items, points)
        return self._met


@dataclass(frozen=True)
class TownshipYear:
    """A township's year as pages show it: stored figures where current, computed otherwise."""

    year: int
    months: dict[int, dict[dt.date, BranchMonthView]]  # branch id → month → figures
    result: engine.TownshipYearResult  # keyed by branch code
    locked: set[dt.date]
    computed: frozenset[dt.date] = frozenset()  # months computed in memory, not read as stored


def township_year(
    *, township_id: int, year: int, until: dt.date | None = None, items_of: ItemsOf | None = None
) -> TownshipYear:
    """Read a township's year without writing (a page may be opened before anything is stored).

    Months whose stored results are complete (always so for locked months) are read; the others
    are computed in memory with the current scheme. Months that begin after `until` (today, on
    pages) have not happened yet: they have no index, so quarter and annual figures skip them.
    """
    return townships_year(township_ids=[township_id], year=year, until=until, items_of=items_of)[
        township_id
    ]


def townships_year(
    *,
    township_ids: Sequence[int],
    year: int,
    until: dt.date | None = None,
    items_of: ItemsOf | None = None,
) -> dict[int, TownshipYear]:
    """`township_year` of many townships at once, by township id (see `townships_months`)."""
    return {
        t: TownshipYear(
            year=year,
            months=data.months,
            result=engine.township_year(data.inputs(), year),
            locked=data.locked,
            computed=data.computed,
        )
        for t, data in townships_months(
            township_ids=township_ids, year=year, until=until, items_of=items_of
        ).items()
    }


@dataclass(frozen=True)
class TownshipMonths:
    """A township's months of a year as pages read them, before quarters and the year are
    derived from them (a page that shows one quarter derives only that one)."""

    year: int
    branches: list[tuple[int, str, bool]]  # id, code, ranked
    months: dict[int, dict[dt.date, BranchMonthView]]  # branch id → month → figures
    targets: dict[int, Decimal]  # branch id → the year's target score
    locked: set[dt.date]
    computed: frozenset[dt.date]  # months computed in memory, not read as stored

    def inputs(self) -> list[engine.BranchYearInput]:
        return [
            engine.BranchYearInput(
                code=code,
                ranked=ranked,
                months={m: v.index for m, v in self.months.get(bid, {}).items()},
                target=self.targets.get(bid),
            )
            for bid, code, ranked in self.branches
        ]


def _month_states(
    *, township_ids: Sequence[int], year: int
) -> tuple[dict[int, set[dt.date]], dict[int, set[dt.date]]]:
    """The locked months and the months changed since they were stored, by township."""
    locked: dict[int, set[dt.date]] = {t: set() for t in township_ids}
    changed: dict[int, set[dt.date]] = {t: set() for t in township_ids}
    for tid, month, is_locked, is_changed in (
        MonthState.objects.filter(township_id__in=township_ids, month__year=year)
        .annotate(changed=Q(revision__gt=F("scored_revision")))
        .values_list("township_id", "month", "locked", "changed")
    ):
        if is_locked:
            locked[tid].add(month)
        if is_changed:  # as in `stale_months`: the quarter-end month looks back at this one
            changed[tid] |= {month, engine.quarter_end_month(month)}
    return locked, changed


def _month_due(month: dt.date, *, locked: set, changed: set, complete: bool) -> bool:
    """Whether a page computes the month in memory rather than reading it as stored: it is not
    locked, and its stored figures are incomplete or older than a change of its records."""
    return month not in locked and (month in changed or not complete)


def townships_months(
    *,
    township_ids: Sequence[int],
    year: int,
    until: dt.date | None = None,
    items_of: ItemsOf | None = None,
) -> dict[int, TownshipMonths]:
    """The months of many townships' year, by township id.

    The queries do not grow with the number of townships or branches: four reads of stored
    figures and month states, the targets, and for each month that some township has not stored
    (or stored before a change), one `month_results` over all such townships.

    `items_of` names the stored months whose items the page reads (all when None). They are
    read apart, and the others not at all: without the JSON column the year's rows come from the
    covering index alone (PostgreSQL otherwise scans the table: 4.5 ms against 0.3 on the
    benchmark county). A page that reads none passes `NO_ITEMS`.
    """
    branches: dict[int, list[tuple[int, str, bool]]] = {t: [] for t in township_ids}
    deactivated: dict[int, dt.date] = {}
    for bid, tid, code, ranked, gone in Branch.objects.filter(
        township_id__in=township_ids
    ).values_list("id", "township_id", "code", "ranked", "deactivated_on"):
        branches[tid].append((bid, code, ranked))
        if gone is not None:
            deactivated[bid] = gone
    months: dict[int, dict[dt.date, BranchMonthView]] = defaultdict(dict)
    months_of_year = [m for m in engine.year_months(year) if until is None or m <= until]
    # Plain rows (`fetch_raw`): the per-value converters of thousands of JSON and decimal
    # columns cost more than the query; the items are decoded only when a page reads them.
    stored = BranchMonthScore.objects.filter(
        branch__township_id__in=township_ids, month__in=months_of_year
    ).order_by()
    columns = ["branch_id", "month", "index", "met", "applicable"]
    wanted: dict[tuple[int, dt.date], str] = {}
    if items_of is None:
        columns.append("items")
    elif months_of_year and (only := items_of.q()) is not None:
        # The wanted rows' items apart, so that the year's rows need no JSON column.
        wanted = {
            (bid, _as_date(month)): items
            for bid, month, items in fetch_raw(
                stored.filter(only).values_list("branch_id", "month", "items")
            )
        }
    stored_rows = (
        fetch_raw(stored.values_list(*columns))
        if months_of_year  # a year not begun: no month to read (and no empty IN to build)
        else []
    )
    for bid, month, index, met, applicable, *all_items in stored_rows:
        month = _as_date(month)
        if not scored_in(month, deactivated.get(bid)):
            continue  # stored before the branch was deactivated: no longer scored
        months[bid][month] = BranchMonthView(
            None if index is None else Decimal(str(index)).quantize(CENT),
            # None: not fetched (the column is never NULL); read from `row` if asked for.
            all_items[0] if all_items else wanted.get((bid, month)),
            stored=True,
            met=None if met is None or applicable is None else (met, applicable),
            row=(bid, month),
        )
    locked, changed = _month_states(township_ids=township_ids, year=year)
    weights = None
    computed_months: dict[int, set[dt.date]] = {t: set() for t in township_ids}
    for month in months_of_year:
        due = [
            t
            for t in township_ids
            if _month_due(
                month,
                locked=locked[t],
                changed=changed[t],
                complete=all(
                    month in months[b]
                    for b, _c, _r in branches[t]
                    if scored_in(month, deactivated.get(b))
                ),
            )
        ]
        if not due:
            continue
        if weights is None:
            weights = scheme_weights_for(township_ids=township_ids, year=year)
        computed = month_results(
            township_ids=due, month=month, weights={t: weights[t] for t in due}
        )
        for t in due:
            computed_months[t].add(month)
        for bid, r in computed.branches.items():
            months[bid][month] = BranchMonthView(r.index, r.items, stored=False)
    targets = dict(
        TargetScore.objects.filter(branch__township_id__in=township_ids, year=year).values_list(
            "branch_id", "score"
        )
    )
    return {
        t: TownshipMonths(
            year=year,
            branches=branches[t],
            months={bid: months[bid] for bid, _c, _r in branches[t] if bid in months},
            targets={bid: targets[bid] for bid, _c, _r in branches[t] if bid in targets},
            locked=locked[t],
            computed=frozenset(computed_months[t]),
        )
        for t in township_ids
    }


def _as_date(value: dt.date | str) -> dt.date:
    """A date column of a plain row (SQLite gives the ISO text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class RankedMonth:
    """A township's ranked branches in one month, summed: what county pages average."""

    index_sum: Decimal  # of the published indices present (exact)
    index_count: int
    met: int  # fortress items that earned their full points
    applicable: int


@dataclass(frozen=True)
class RankedFigures:
    """A township's ranked branches over a year up to a day: each month summed, and each
    branch's index sum and count over the months asked for (a month, quarter or year)."""

    months: dict[dt.date, RankedMonth]
    branches: dict[int, tuple[Decimal, int]]  # ranked branch id → (index sum, count)
    targets: dict[int, Decimal]  # ranked branch id → target score (when asked for)


# Sums of up to a county's indices (each ≤ 100.00): wider than the index column itself.
_INDEX_SUM = DecimalField(max_digits=12, decimal_places=2)


def _ranked_month_sums(
    *,
    township_ids: Sequence[int],
    first: dt.date,
    last: dt.date,
    excepted: Mapping[int, tuple[bool, dt.date | None]],
) -> dict[tuple[int, dt.date], tuple[int, Decimal, int, int, int, int]]:
    """Each township's stored months from `first` to `last`, summed: (rows of branches scored
    in the month, then over those of ranked branches: index sum, indices, met, applicable, rows
    without met or applicable), by (township id, month).

    `excepted` holds the branches that are not ranked or have been deactivated (branch id →
    ranked, deactivated on). All the rows are summed by township and month, read in that order
    from one index and joined to no branch; then the excepted branches' rows are read and taken
    off the sums where the month counts them out. Two queries, the second for a few branches.
    """
    sums = {
        (tid, month): [n, total or Decimal(0), count, met or 0, applicable or 0, missing]
        for tid, month, n, total, count, met, applicable, missing in (
            BranchMonthScore.objects.filter(
                township_id__in=township_ids, month__gte=first, month__lte=last
            )
            .order_by()
            .values("township_id", "month")
            .annotate(  # rows counted by a column of the index (PostgreSQL reads it alone)
                n=Count("month"),
                total=Sum("index", output_field=_INDEX_SUM),
                count=Count("index"),
                met_sum=Sum("met"),
                applicable_sum=Sum("applicable"),
                missing=Count("month", filter=Q(met__isnull=True) | Q(applicable__isnull=True)),
            )
            .values_list(
                "township_id", "month", "n", "total", "count", "met_sum", "applicable_sum",
                "missing",
            )
        )
    }  # fmt: skip
    rows = (
        row
        for part in chunked(list(excepted))  # a county may have many unranked branches
        for row in BranchMonthScore.objects.filter(
            branch_id__in=part, month__gte=first, month__lte=last
        ).values_list("branch_id", "township_id", "month", "index", "met", "applicable")
    )
    for bid, tid, month, index, met, applicable in rows:
        ranked, deactivated_on = excepted[bid]
        scored = scored_in(month, deactivated_on)
        row = sums[(tid, month)]
        if not scored:
            row[0] -= 1
        if scored and ranked:
            continue  # summed as it should be
        if index is not None:
            row[1] -= index
            row[2] -= 1
        row[3] -= met or 0
        row[4] -= applicable or 0
        row[5] -= met is None or applicable is None
    return {key: tuple(row) for key, row in sums.items()}


def townships_ranked_figures(
    *,
    township_ids: Sequence[int],
    year: int,
    until: dt.date,
    period_months: Sequence[dt.date],
    targets: bool = False,
) -> dict[int, RankedFigures]:
    """The sums a county compares townships by, by township id.

    The figures are those of `townships_months` (stored months where current, the others
    computed in memory, months after `until` left out). Where all of a township's months are
    stored and current, the database sums them: one row a township and month, and one a ranked
    branch, whatever the number of branches. Townships with a month to compute (or stored
    before the met/applicable columns) go through `townships_months`.
    """
    months_of_year = [m for m in engine.year_months(year) if m <= until]
    period_months = [m for m in period_months if m in months_of_year]
    out: dict[int, RankedFigures] = {}
    stored: dict[int, dict[dt.date, RankedMonth]] = {t: {} for t in township_ids}
    rows: dict[int, dict[dt.date, int]] = {t: {} for t in township_ids}
    uncounted: set[int] = set()
    deactivated: dict[int, Counter[dt.date | None]] = {t: Counter() for t in township_ids}
    excepted: dict[int, tuple[bool, dt.date | None]] = {}  # not ranked, or deactivated
    for bid, tid, gone, is_ranked in Branch.objects.filter(
        township_id__in=township_ids
    ).values_list("id", "township_id", "deactivated_on", "ranked"):
        deactivated[tid][gone] += 1
        if not is_ranked or gone is not None:
            excepted[bid] = (is_ranked, gone)
    if months_of_year:  # a year not begun has nothing stored to read
        for (tid, month), (n, total, count, met, applicable, unknown) in _ranked_month_sums(
            township_ids=township_ids,
            first=months_of_year[0],
            last=months_of_year[-1],
            excepted=excepted,
        ).items():
            rows[tid][month] = n
            stored[tid][month] = RankedMonth(total, count, met, applicable)
            if unknown:
                uncounted.add(tid)
    locked, changed = _month_states(township_ids=township_ids, year=year)
    current = [
        t
        for t in township_ids
        if t not in uncounted
        and not any(
            _month_due(
                m,
                locked=locked[t],
                changed=changed[t],
                complete=rows[t].get(m, 0) == scored_count(m, deactivated[t]),
            )
            for m in months_of_year
        )
    ]
    sums: dict[int, dict[int, tuple[Decimal, int]]] = {t: {} for t in current}
    if current and period_months:
        for bid, tid, total, count in (
            BranchMonthScore.objects.filter(
                township_id__in=current, month__in=period_months, branch__ranked=True
            )
            .filter(scored_in_q(F("month"), prefix="branch__"))
            .order_by()
            .values("branch_id", "township_id")
            .annotate(total=Sum("index", output_field=_INDEX_SUM), count=Count("index"))
            .values_list("branch_id", "township_id", "total", "count")
        ):
            sums[tid][bid] = (total or Decimal(0), count)
    target_rows: dict[int, dict[int, Decimal]] = {t: {} for t in township_ids}
    if targets:
        for bid, tid, score in TargetScore.objects.filter(
            branch__township_id__in=current, branch__ranked=True, year=year
        ).values_list("branch_id", "branch__township_id", "score"):
            target_rows[tid][bid] = score
    for t in current:
        out[t] = RankedFigures(
            months={m: stored[t].get(m, RankedMonth(Decimal(0), 0, 0, 0)) for m in months_of_year},
            branches=sums[t],
            targets=target_rows[t],
        )
    computing = [t for t in township_ids if t not in out]
    if computing:
        out |= _ranked_figures_computed(
            township_ids=computing, year=year, until=until, period_months=period_months
        )
    return out


def _ranked_figures_computed(
    *, township_ids: Sequence[int], year: int, until: dt.date, period_months: Sequence[dt.date]
) -> dict[int, RankedFigures]:
    """`townships_ranked_figures` summed in memory from `townships_months`."""
    data = townships_months(township_ids=township_ids, year=year, until=until)
    weights = None
    out = {}
    for t in township_ids:
        years = data[t]
        months: dict[dt.date, list] = {}
        branches: dict[int, tuple[Decimal, int]] = {}
        for bid, _code, is_ranked in years.branches:
            if not is_ranked:
                continue
            own = years.months.get(bid, {})
            present = [own[m].index for m in period_months if m in own]
            present = [v for v in present if v is not None]
            branches[bid] = (sum(present, Decimal(0)), len(present))
            for month, view in own.items():
                if view.needs_points and weights is None:
                    weights = scheme_weights_for(township_ids=township_ids, year=year)
                met, applicable = view.met(weights[t].points if view.needs_points else {})
                total = months.setdefault(month, [Decimal(0), 0, 0, 0])
                if view.index is not None:
                    total[0] += view.index
                    total[1] += 1
                total[2] += met
                total[3] += applicable
        out[t] = RankedFigures(
            months={
                m: RankedMonth(*months.get(m, (Decimal(0), 0, 0, 0)))
                for m in engine.year_months(year)
                if m <= until
            },
            branches=branches,
            targets={bid: v for bid, v in years.targets.items() if bid in branches},
        )
    return out


def scheme_current(*, township_id: int, year: int) -> dict:
    """The year's current scheme items (the default ones when the township has none stored)."""
    scheme = (
        Scheme.objects.filter(township_id=township_id, year=year)
        .order_by("-version")
        .prefetch_related("items")
        .first()
    )
    if scheme is not None:
        return {"scheme": scheme, "items": list(scheme.items.all())}
    items = [
        SchemeItem(code=code, label=label, points=Decimal(points), enabled=True)
        for code, label, points in engine.DEFAULT_ITEMS
    ]
    return {"scheme": None, "items": items}


@dataclass(frozen=True)
class MemberBoardRow:
    member: Member
    months: list[Decimal | str | None]  # "" when not on the roster that month
    quarters: list[Decimal | None]
    annual: Decimal | None
    stars: int | None


def member_board(
    *, scope: Scope, branch: Branch, year: int, until: dt.date | None = None
) -> list[MemberBoardRow]:
    """The branch notice board (公示) of members' pioneer indices for a year.

    Stored month figures are used where present; months not stored yet are computed in memory;
    months beginning after `until` are left empty.
    """
    months = engine.year_months(year)
    past = [m for m in months if until is None or m <= until]
    # One read of the month states: the locked months, and those whose stored figures are older
    # than a change of their records (with their quarter-end month, as in `stale_months`).
    locked: set[dt.date] = set()
    changed: set[dt.date] = set()
    for month, is_locked, is_changed in (
        MonthState.objects.filter(township_id=branch.township_id, month__year=year)
        .annotate(changed=Q(revision__gt=F("scored_revision")))
        .values_list("month", "locked", "changed")
    ):
        if is_locked:
            locked.add(month)
        if is_changed:
            changed |= {month, engine.quarter_end_month(month)}
    stale = changed - locked
    current = [m for m in past if m not in stale]
    stored: dict[int, dict[dt.date, Decimal | None]] = defaultdict(dict)
    # Plain rows (`fetch_raw`, as in `townships_months`): a board reads hundreds of member-months,
    # and Django's per-value converters cost more than the query.
    # The same few months and indices recur on every member: each is converted once.
    days: dict = {}
    indices: dict = {None: None}
    for mid, month, index in fetch_raw(
        MemberMonthScore.objects.within(scope)
        .filter(branch=branch, month__in=current)
        .values_list("member_id", "month", "index")
    ):
        day = days.get(month)
        if day is None:  # SQLite gives the ISO text
            day = days[month] = _as_date(month)
        value = indices.get(index, indices)
        if value is indices:
            value = indices[index] = Decimal(str(index)).quantize(CENT)
        stored[mid][day] = value
    complete = set(
        BranchMonthScore.objects.filter(branch=branch, month__in=current).values_list(
            "month", flat=True
        )
    )
    weights = None
    for month in past:
        if month in complete:
            continue
        if weights is None:
            weights = scheme_weights_for(township_ids=[branch.township_id], year=year)
        computed = month_results(township_ids=[branch.township_id], month=month, weights=weights)
        for mid, r in computed.members.items():
            if r.branch_id == branch.pk:
                stored[mid][month] = r.index
    # The board shows a member's name and whether they are rated: not the whole record.
    members = (
        Member.objects.within(scope)
        .filter(pk__in=stored)
        .order_by("code")
        .only("id", "code", "name", "rating_exempt")
    )
    rows = []
    for member in members:
        values = stored[member.pk]
        year_result = engine.member_year(values.values(), rating_exempt=member.rating_exempt)
        rows.append(
            MemberBoardRow(
                member=member,
                months=[values.get(m, "") for m in months],
                quarters=[
                    engine.member_quarter(values.get(m) for m in months[3 * q : 3 * q + 3])
                    for q in range(4)
                ],
                annual=year_result.annual,
                stars=year_result.stars,
            )
        )
    return rows
