"""Stored month figures carry what pages count (met and applicable items), so that a county's
pages do not decode every month's items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from scoring import dashboards, engine, services
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
