"""Stored month figures carry what pages count (met and applicable items), so that a county's
pages do not decode every month's items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import dashboards, engine, selectors, services
from scoring.models import BranchMonthScore
from scoring.selectors import BranchMonthView
from tests import factories as f
from township.scoping import scope_for

POINTS = {"F1": Decimal("8"), "F3": Decimal("10"), "F7": Decimal("15")}


def test_an_item_is_met_at_exactly_its_points_and_not_a_cent_below():
    assert engine.items_met({"F1": Decimal("8.00")}, POINTS) == (1, 1)
    assert engine.items_met({"F1": Decimal("7.99")}, POINTS) == (0, 1)


def test_an_item_switched_off_in_the_scheme_applies_but_is_not_met():
    assert engine.items_met({"F1": Decimal("8"), "F4": Decimal("10")}, POINTS) == (1, 2)


def test_member_items_are_not_counted_as_fortress_items():
    assert engine.items_met({"P1": Decimal("50"), "F7": Decimal("15")}, POINTS) == (1, 1)


def test_month_compute_stores_the_counts_the_items_give(cast):
    f.meeting(branch=cast.b1, type="themed_day", date=dt.date(2026, 3, 5))
    f.meeting(branch=cast.b1, type="committee", date=dt.date(2026, 3, 6))
    services.month_compute(township_ids=[cast.t1.pk], month=dt.date(2026, 3, 1))
    points = services.scheme_weights(services.scheme_for(township_id=cast.t1.pk, year=2026)).points
    rows = BranchMonthScore.objects.filter(branch__township=cast.t1)
    assert rows.count() == 2
    for row in rows:
        items = {k: Decimal(v) for k, v in row.items.items()}
        assert (row.met, row.applicable) == engine.items_met(items, points)
    b1 = rows.get(branch=cast.b1)
    assert b1.met >= 2 and b1.applicable > b1.met  # F1 and F3 met, the group meeting missing


def test_pages_take_the_stored_counts_and_count_only_months_stored_without_them():
    stored = BranchMonthView(Decimal("50"), '{"F1": "8.00"}', stored=True, met=(0, 9))
    assert stored.met(POINTS) == (0, 9)  # the column, not the JSON
    older = BranchMonthView(Decimal("50"), '{"F1": "8.00", "F3": "0.00"}', stored=True)
    assert older.met(POINTS) == (1, 2)
    assert older.items == {"F1": Decimal("8.00"), "F3": Decimal("0.00")}


def test_the_county_comparison_sums_the_stored_counts(cast):
    f.meeting(branch=cast.b1, type="themed_day", date=dt.date(2026, 3, 5))
    services.month_compute(township_ids=[cast.t1.pk], month=dt.date(2026, 3, 1))
    BranchMonthScore.objects.filter(branch=cast.b1).update(met=7, applicable=8)
    BranchMonthScore.objects.filter(branch=cast.b2).update(met=1, applicable=8)
    period = dashboards.period_from_query("2026-03")
    comparison = dashboards.county_comparison(
        scope=scope_for(cast.reviewer), period=period, today=dt.date(2026, 4, 10), silent_days=30
    )
    t1 = next(r for r in comparison.townships if r.township == cast.t1)
    assert (t1.items_met, t1.items_applicable) == (8, 16)
    assert t1.completeness == Decimal("50.00")


# --- Items read only where a page shows them ----------------------------------------------------

MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


def _two_stored_months(cast) -> None:
    f.meeting(branch=cast.b1, type="themed_day", date=dt.date(2026, 3, 5))
    f.meeting(branch=cast.b2, type="committee", date=dt.date(2026, 4, 6))
    for month in (MARCH, APRIL):
        services.month_compute(township_ids=[cast.t1.pk], month=month)


def _months(cast, items_of):
    return selectors.townships_months(
        township_ids=[cast.t1.pk], year=2026, until=dt.date(2026, 5, 10), items_of=items_of
    )[cast.t1.pk].months


def _stored_items(branch, month) -> dict[str, Decimal]:
    row = BranchMonthScore.objects.get(branch=branch, month=month)
    return {k: Decimal(v) for k, v in row.items.items()}


def test_the_wanted_months_items_come_with_the_page_and_the_others_on_demand(
    cast, django_assert_num_queries
):
    _two_stored_months(cast)
    everything = _months(cast, None)
    only_april = _months(cast, selectors.ItemsOf(months=[APRIL]))
    for branch in (cast.b1, cast.b2):
        march, april = _stored_items(branch, MARCH), _stored_items(branch, APRIL)
        assert march and april
        with django_assert_num_queries(0):  # fetched with the page's rows
            assert only_april[branch.pk][APRIL].items == april
        with django_assert_num_queries(1):  # not fetched: read from its row when asked for
            assert only_april[branch.pk][MARCH].items == march
        with django_assert_num_queries(0):  # once
            assert only_april[branch.pk][MARCH].items == everything[branch.pk][MARCH].items
        for month in (MARCH, APRIL):
            view, full = only_april[branch.pk][month], everything[branch.pk][month]
            assert (view.index, view.stored, view.met(POINTS)) == (
                full.index,
                full.stored,
                full.met(POINTS),
            )


def test_items_of_one_branch_leave_the_other_branches_unread(cast, django_assert_num_queries):
    _two_stored_months(cast)
    months = _months(cast, selectors.ItemsOf(branches=[cast.b2.pk]))
    expected = {(b, m): _stored_items(b, m) for b in (cast.b1, cast.b2) for m in (MARCH, APRIL)}
    with django_assert_num_queries(0):
        assert months[cast.b2.pk][MARCH].items == expected[cast.b2, MARCH]
        assert months[cast.b2.pk][APRIL].items == expected[cast.b2, APRIL]
    with django_assert_num_queries(1):
        assert months[cast.b1.pk][APRIL].items == expected[cast.b1, APRIL]


def test_no_items_costs_no_query_for_them_and_the_figures_stay_the_same(
    cast, django_assert_num_queries
):
    _two_stored_months(cast)
    everything = selectors.township_year(township_id=cast.t1.pk, year=2026, until=APRIL)
    with django_assert_num_queries(len(_queries_of(cast, None))):  # not one more
        bare = selectors.township_year(
            township_id=cast.t1.pk, year=2026, until=APRIL, items_of=selectors.NO_ITEMS
        )
    assert bare.result == everything.result
    assert {b: {m: v.index for m, v in ms.items()} for b, ms in bare.months.items()} == {
        b: {m: v.index for m, v in ms.items()} for b, ms in everything.months.items()
    }
    stored = [v for ms in bare.months.values() for v in ms.values() if v.stored]
    assert len(stored) == 4  # March and April of both branches (January and February computed)
    assert all(v._items is None for v in stored)


def _queries_of(cast, items_of) -> list:
    with CaptureQueriesContext(connection) as ctx:
        selectors.township_year(township_id=cast.t1.pk, year=2026, until=APRIL, items_of=items_of)
    return ctx.captured_queries


def test_wanted_items_take_one_query_more_whatever_the_number_of_months(cast):
    _two_stored_months(cast)
    baseline = len(_queries_of(cast, selectors.NO_ITEMS))
    assert len(_queries_of(cast, selectors.ItemsOf(months=[MARCH]))) == baseline + 1
    assert len(_queries_of(cast, selectors.ItemsOf(months=[MARCH, APRIL]))) == baseline + 1
    assert len(_queries_of(cast, selectors.ItemsOf(branches=[]))) == baseline  # none wanted


def test_an_unread_month_whose_row_is_gone_reads_as_no_items_not_an_error(cast):
    _two_stored_months(cast)
    months = _months(cast, selectors.NO_ITEMS)
    BranchMonthScore.objects.filter(branch=cast.b1, month=MARCH).delete()  # stored again since

    assert months[cast.b1.pk][MARCH].items == {}


def test_a_month_view_without_items_must_name_its_row():
    with pytest.raises(ValueError):
        BranchMonthView(Decimal("50"), None, stored=True)
