"""The landing pages' selectors: the county comparison and the office's dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from scoring import dashboards, engine, services
from scoring.dashboards import Period, close_date, county_comparison, office_dashboard
from scoring.models import BranchMonthScore
from tests import factories as f
from township.scoping import scope_for

JAN, FEB, MAR, APR = (dt.date(2026, m, 1) for m in (1, 2, 3, 4))


def store(branch, month: dt.date, index: str, items: dict | None = None, counted=False) -> None:
    """A stored month figure with a known index (the items are what completeness counts).

    `counted`: the met and applicable items stored in their columns, as `month_compute` stores
    them (the county's sums are then taken by the database); else left empty, as in months
    stored before those columns (counted from the items against the scheme).
    """
    scheme = services.scheme_for(township_id=branch.township_id, year=month.year)
    items = items if items is not None else {"F1": "8.00"}
    met = applicable = None
    if counted:
        points = services.scheme_weights(scheme).points
        met, applicable = engine.items_met({c: Decimal(v) for c, v in items.items()}, points)
    BranchMonthScore.objects.create(
        branch=branch,
        township_id=branch.township_id,
        month=month,
        index=Decimal(index),
        earned=0,
        possible=0,
        items=items,
        met=met,
        applicable=applicable,
        scheme=scheme,
    )


@pytest.fixture(params=["summed by the database", "summed in memory"])
def stored(request, cast):
    """Q1 stored for every branch: T1's B1 70/80/90 and B2 90 each month, an unranked B4 in T1
    at 10, T2's B3 60 each month.

    Twice: with the met/applicable columns stored (the comparison lets the database sum the
    months) and without (it reads each month and counts its items); the figures must agree.
    """
    counted = request.param == "summed by the database"
    b4 = f.branch(township=cast.t1, ranked=False, kind="flowing")
    for month, b1 in zip((JAN, FEB, MAR), ("70", "80", "90"), strict=True):
        store(cast.b1, month, b1, {"F1": "8.00", "F3": "0.00"}, counted)  # one of two met
        store(cast.b2, month, "90", {"F1": "8.00", "F3": "10.00"}, counted)
        store(b4, month, "10", {"F1": "0.00"}, counted)
        store(cast.b3, month, "60", {"F1": "0.00", "F3": "10.00", "F4": "5.00"}, counted)
    return cast


def by_name(comparison):
    return {row.township.name: row for row in comparison.townships}


# --- periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, period",
    [
        ("2026-03", Period("month", 2026, 3)),
        ("2026-12", Period("month", 2026, 12)),
        ("2026-Q1", Period("quarter", 2026, 1)),
        ("2026", Period("year", 2026)),
        ("2000", Period("year", 2000)),
        ("2100-Q4", Period("quarter", 2100, 4)),
    ],
)
def test_a_period_is_a_month_a_quarter_or_a_year(value, period):
    assert dashboards.period_from_query(value) == period
    assert period.text == value


@pytest.mark.parametrize(
    "value",
    ["9999-99", "abc", "2026-Q9", "2026-Q0", "2026-13", "2026-00", "2026-3", "1999", "2101",
     "\x00", "2026\x00", "２０２６", "2026-q1", "1" * 5000, "2026-03-01"],
)  # fmt: skip
def test_anything_else_is_no_period(value):
    assert dashboards.period_from_query(value) is None


def test_the_default_period_is_the_current_quarter():
    assert dashboards.period_default(today=dt.date(2026, 11, 23)) == Period("quarter", 2026, 4)
    assert dashboards.period_default(today=dt.date(2026, 1, 1)) == Period("quarter", 2026, 1)


def test_the_period_choices_offer_only_periods_begun():
    (year, choices), *_older = dashboards.period_choices(today=dt.date(2026, 2, 10))
    assert year == 2026
    assert [p.text for p in choices] == ["2026", "2026-Q1", "2026-02", "2026-01"]


# --- the county comparison -------------------------------------------------------------


def test_a_month_compares_the_ranked_branches_month_indices(stored):
    cast = stored
    c = county_comparison(scope=scope_for(cast.reviewer), period=Period("month", 2026, 3),
                          today=dt.date(2026, 3, 20))  # fmt: skip
    t1, t2 = by_name(c)[cast.t1.name], by_name(c)[cast.t2.name]
    assert [v.value for v in t1.values] == [Decimal(90), Decimal(90)]  # B4 is not ranked
    assert (t1.mean, t1.minimum, t1.median, t1.maximum) == (90, 90, 90, 90)
    assert (t2.mean, t2.minimum, t2.median, t2.maximum) == (60, 60, 60, 60)
    assert t1.ranked == 2 and t2.ranked == 1
    assert (t1.items_met, t1.items_applicable, t1.completeness) == (3, 4, Decimal("75.00"))
    assert (t2.items_met, t2.items_applicable, t2.completeness) == (1, 3, Decimal("33.33"))
    assert t1.bottom is None and t1.weak_and_lax is None and t1.stars is None
    assert t1.sheet_month == MAR


def test_a_quarter_compares_quarter_scores_and_counts_the_bottom_list(stored):
    cast = stored
    c = county_comparison(scope=scope_for(cast.reviewer), period=Period("quarter", 2026, 1),
                          today=dt.date(2026, 4, 1) - dt.timedelta(days=1))  # fmt: skip
    t1 = by_name(c)[cast.t1.name]
    assert [(v.name, v.value) for v in t1.values] == [(cast.b1.name, 80), (cast.b2.name, 90)]
    assert (t1.mean, t1.minimum, t1.median, t1.maximum) == (85, 80, 85, 90)
    assert t1.bottom == 2  # k = min(3, n): both ranked branches
    assert (t1.items_met, t1.items_applicable) == (9, 12)
    assert t1.trend == [Decimal(80), Decimal(85), Decimal(90)]  # mean month index, Jan–Mar
    assert c.months == [JAN, FEB, MAR]


def test_a_year_counts_stars_and_the_weak_and_lax(stored):
    cast = stored
    c = county_comparison(scope=scope_for(cast.reviewer), period=Period("year", 2026),
                          today=dt.date(2026, 3, 31))  # fmt: skip
    t1, t2 = by_name(c)[cast.t1.name], by_name(c)[cast.t2.name]
    assert (t1.mean, t1.minimum, t1.maximum) == (85, 80, 90)
    assert t1.stars == {3: 1, 2: 1, 1: 0}  # B2 90 ★★★, B1 80 ★★; B4 is not ranked
    assert t1.weak_and_lax == 1  # ceil(10% × 2) = 1: B1
    assert t2.stars == {3: 0, 2: 0, 1: 1} and t2.weak_and_lax == 1
    assert c.trend_months == [JAN, FEB, MAR]


def test_months_not_begun_are_left_out(stored):
    cast = stored
    c = county_comparison(scope=scope_for(cast.reviewer), period=Period("quarter", 2026, 1),
                          today=dt.date(2026, 2, 10))  # fmt: skip
    t1 = by_name(c)[cast.t1.name]
    assert [v.value for v in t1.values] == [75, 90]  # B1: (70 + 80) / 2
    assert c.months == [JAN, FEB] and len(t1.trend) == 2


def test_a_stale_stored_month_is_computed_again(stored):
    from township.months import months_mark_changed

    cast = stored
    months_mark_changed(township_id=cast.t2.pk, days=[MAR])
    c = county_comparison(scope=scope_for(cast.reviewer), period=Period("month", 2026, 3),
                          today=dt.date(2026, 3, 20))  # fmt: skip
    t2 = by_name(c)[cast.t2.name]
    assert t2.mean != 60  # B3 recorded nothing: computed from the records, not the stored 60


@pytest.mark.parametrize("counted", [True, False], ids=["database", "memory"])
def test_the_county_means_are_exact_where_binary_floats_are_not(cast, counted):
    """70.10 + 70.20 is 140.29999… in binary floating point (SQLite sums decimals so); the
    means are taken from the exact sum: 70.15, and 80.005 rounds half-up to 80.01."""
    for month in (JAN, FEB):
        store(cast.b1, month, "70.10" if month == JAN else "80.00", counted=counted)
        store(cast.b2, month, "70.20" if month == JAN else "80.01", counted=counted)
        store(cast.b3, month, "60", counted=counted)
    c = county_comparison(scope=scope_for(cast.reviewer), period=Period("quarter", 2026, 1),
                          today=dt.date(2026, 2, 28))  # fmt: skip
    t1 = by_name(c)[cast.t1.name]
    assert t1.trend == [Decimal("70.15"), Decimal("80.01")]
    assert [v.value for v in t1.values] == [Decimal("75.05"), Decimal("75.11")]  # 75.105 ↑


def test_the_reviewer_compares_only_the_own_countys_townships(stored):
    cast = stored
    other = f.township(county=f.county(), name="外县镇")
    store(f.branch(township=other), MAR, "99")
    c = county_comparison(scope=scope_for(cast.reviewer), period=Period("month", 2026, 3),
                          today=dt.date(2026, 3, 20))  # fmt: skip
    assert [row.township for row in c.townships] == [cast.t1, cast.t2]


def test_silent_branches_are_counted_per_township(cast):
    f.meeting(branch=cast.b1, date=dt.date(2026, 3, 10))
    f.meeting(branch=cast.b3, date=dt.date(2026, 1, 10))
    c = county_comparison(scope=scope_for(cast.reviewer), period=Period("month", 2026, 3),
                          today=dt.date(2026, 3, 20), silent_days=30)  # fmt: skip
    assert by_name(c)[cast.t1.name].silent == 1  # B2 never met
    assert by_name(c)[cast.t2.name].silent == 1  # B3 last met 69 days ago


def test_a_township_counts_the_members_on_a_roster_on_the_day_and_its_branches(cast):
    today = dt.date(2026, 3, 20)
    f.member(branch=cast.b1, left_on=today)  # left today: no longer counted
    f.member(branch=cast.b1, left_on=today + dt.timedelta(days=1))  # leaves tomorrow: counted
    f.member(branch=cast.b2, branch_since=today)  # joined today: counted
    f.member(branch=cast.b2, branch_since=today + dt.timedelta(days=1))  # not yet on it
    f.member(branch=cast.b4)  # another county's member
    c = county_comparison(scope=scope_for(cast.reviewer), period=Period("month", 2026, 3),
                          today=today)  # fmt: skip
    counts = {
        r.township.name: (r.township.branch_count, r.township.member_count) for r in c.townships
    }
    assert counts == {cast.t1.name: (2, 3), cast.t2.name: (1, 1)}  # M1, tomorrow's, today's; M3


# --- the office's dashboard --------------------------------------------------------------


def complete_records(branch, day: dt.date) -> None:
    """F1–F4 and F9 met: a themed day with the four actions, a committee and a group meeting,
    and every member's dues for the month."""
    f.meeting(branch=branch, type="themed_day", date=day, act_study=True, act_dues=True,
              act_oath=True, act_deliberation=True)  # fmt: skip
    f.meeting(branch=branch, type="committee", date=day)
    f.meeting(branch=branch, type="group", date=day)
    for member in branch.members.all():
        f.dues(member=member, month=day.replace(day=1), paid_on=day)


def missing(cast, today: dt.date) -> list[tuple[str, dt.date, list[str], int]]:
    board = office_dashboard(scope=scope_for(cast.office), today=today)
    return [(r.branch.name, r.month, r.codes, r.days_left) for r in board.missing]


def test_a_month_closes_on_the_close_day_of_the_next_month():
    assert close_date(month=MAR, close_day=25) == dt.date(2026, 4, 25)
    assert close_date(month=dt.date(2026, 12, 1), close_day=5) == dt.date(2027, 1, 5)


def test_on_the_close_day_last_month_is_still_listed_with_no_day_left(cast):
    complete_records(cast.b1, dt.date(2026, 4, 2))
    complete_records(cast.b1, dt.date(2026, 3, 2))
    rows = missing(cast, dt.date(2026, 4, 25))
    assert (cast.b2.name, MAR, ["F1", "F2", "F3", "F4", "F5", "F6"], 0) in rows  # quarter end
    assert (cast.b1.name, MAR, ["F5", "F6"], 0) in rows
    assert (cast.b2.name, APR, ["F1", "F2", "F3", "F4"], 30) in rows  # F5, F6 are N/A
    assert not [r for r in rows if r[0] == cast.b1.name and r[1] == APR]
    assert cast.b3.name not in {r[0] for r in rows}  # another township
    assert rows[0][3] == 0  # the most urgent first


def test_after_the_close_day_only_this_month_is_listed(cast):
    rows = missing(cast, dt.date(2026, 4, 26))
    assert {r[1] for r in rows} == {APR}


def test_on_the_last_day_of_a_month_the_close_day_is_that_many_days_away(cast):
    rows = missing(cast, dt.date(2026, 4, 30))
    assert {(r[1], r[3]) for r in rows} == {(APR, 25)}
    cast.t1.close_day = 1
    cast.t1.save()
    assert {r[3] for r in missing(cast, dt.date(2026, 4, 30))} == {1}


def test_a_locked_last_month_is_not_listed(cast):
    services.month_lock(actor=cast.office, township=cast.t1, month=MAR)
    assert {r[1] for r in missing(cast, dt.date(2026, 4, 10))} == {APR}


def test_in_january_december_of_last_year_is_still_open(cast):
    rows = missing(cast, dt.date(2026, 1, 10))
    dec = dt.date(2025, 12, 1)
    assert (cast.b1.name, dec, ["F1", "F2", "F3", "F4", "F5", "F6", "F9"], 15) in rows


def test_the_items_of_this_month_count_the_branches_meeting_them(cast):
    complete_records(cast.b1, dt.date(2026, 4, 2))
    f.meeting(branch=cast.b2, type="committee", date=dt.date(2026, 4, 3))
    cast.b2.has_groups = False
    cast.b2.save()
    board = office_dashboard(scope=scope_for(cast.office), today=dt.date(2026, 4, 20))
    items = {i.code: (i.met, i.applicable) for i in board.items}
    assert items["F1"] == (1, 2) and items["F3"] == (2, 2)
    assert items["F4"] == (1, 1)  # B2 has no groups: N/A
    assert items["F5"] == (0, 0) and items["F10"] == (0, 0)  # N/A in April / none entered
    assert next(i for i in board.items if i.code == "F3").share == Decimal("100.00")


def test_the_year_so_far_has_a_line_per_branch_and_the_ranked_mean(cast):
    b4 = f.branch(township=cast.t1, ranked=False)
    store(cast.b1, JAN, "70")
    store(cast.b2, JAN, "80")
    store(b4, JAN, "10")
    board = office_dashboard(scope=scope_for(cast.office), today=dt.date(2026, 1, 31))
    assert board.months == [JAN]
    assert [(t.branch, t.indices) for t in board.branches] == [
        (cast.b1, [Decimal(70)]), (cast.b2, [Decimal(80)]), (b4, [Decimal(10)])
    ]  # fmt: skip
    assert board.mean == [Decimal(75)]


@pytest.mark.parametrize(
    "language, days, shown",
    [("zh-hans", 1, "1 天"), ("zh-hans", 2, "2 天"), ("en", 1, "1 day"), ("en", 2, "2 days")],
)
def test_the_days_left_to_complete_records_are_counted_in_the_readers_language(
    cast, language, days, shown
):
    from django.utils import translation

    row = dashboards.MissingRecords(cast.b1, MAR, ["F1"], dt.date(2026, 4, 25), days)
    with translation.override(language):
        assert row.days_left_label == shown
