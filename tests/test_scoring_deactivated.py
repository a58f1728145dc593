"""A deactivated branch is scored up to the month it was deactivated in, not after.

Every reader of the stored months agrees: the month results, the year (quarter ranks, bottom
list), the stored-months check that decides what to compute again, and the county's sums.
"""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from scoring import dashboards, selectors, services
from scoring.dashboards import Period
from scoring.models import BranchMonthScore
from tests import factories as f
from township.scoping import scope_for

JAN, FEB, MAR = (dt.date(2026, m, 1) for m in (1, 2, 3))
MAR_31 = dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    "deactivated_on, scored",
    [
        (dt.date(2026, 2, 28), False),  # the day before March began
        (MAR, True),  # on March's first day: it lived in March
        (MAR_31, True),
        (None, True),
    ],
)
def test_a_branch_is_scored_in_the_months_it_lived_in(deactivated_on, scored):
    assert selectors.scored_in(MAR, deactivated_on) is scored


def test_a_townships_scored_branches_are_counted_from_its_deactivation_days():
    days = Counter({None: 33, dt.date(2026, 2, 28): 1, MAR: 2})
    assert selectors.scored_count(FEB, days) == 36
    assert selectors.scored_count(MAR, days) == 35  # the one gone on 28 February is not
    assert selectors.scored_count(dt.date(2026, 4, 1), days) == 33
    assert selectors.scored_count(MAR, Counter()) == 0


@pytest.fixture
def gone(cast):
    """A third ranked branch of T1, deactivated on the last day of January."""
    branch = f.branch(township=cast.t1)
    branch.active, branch.deactivated_on = False, dt.date(2026, 1, 31)
    branch.save()
    return branch


def test_the_month_results_leave_out_a_branch_deactivated_before_the_month(cast, gone):
    weights = selectors.scheme_weights_for(township_ids=[cast.t1.pk], year=2026)
    january = selectors.month_results(township_ids=[cast.t1.pk], month=JAN, weights=weights)
    february = selectors.month_results(township_ids=[cast.t1.pk], month=FEB, weights=weights)

    assert gone.pk in january.branches
    assert gone.pk not in february.branches
    assert cast.b1.pk in february.branches


def test_months_stored_before_the_deactivation_are_computed_again_without_it(cast, gone):
    gone.deactivated_on = None  # stored while it was still in use …
    gone.save()
    for month in (JAN, FEB, MAR):
        services.month_compute(township_ids=[cast.t1.pk], month=month)
    assert BranchMonthScore.objects.filter(branch=gone).count() == 3
    gone.deactivated_on = dt.date(2026, 1, 31)  # … then deactivated at the end of January
    gone.save()

    with_today = [m for m in services.months_missing(township=cast.t1, year=2026) if m <= MAR]
    assert with_today == [FEB, MAR]  # its rows no longer match the branches scored
    for month in with_today:
        services.month_compute(township_ids=[cast.t1.pk], month=month)

    assert [r.month for r in BranchMonthScore.objects.filter(branch=gone)] == [JAN]
    assert [m for m in services.months_missing(township=cast.t1, year=2026) if m <= MAR] == []


def test_the_year_reads_its_stored_months_before_the_deactivation_only(cast, gone):
    gone.deactivated_on = None
    gone.save()
    for month in (JAN, FEB, MAR):
        services.month_compute(township_ids=[cast.t1.pk], month=month)
    gone.deactivated_on = dt.date(2026, 1, 31)
    gone.save()

    year = selectors.township_year(township_id=cast.t1.pk, year=2026, until=MAR_31)

    assert set(year.months[gone.pk]) == {JAN}  # February's and March's rows are stale
    q1 = year.result.branches[gone.code].quarters[1]
    assert q1.score == year.months[gone.pk][JAN].index  # January alone


@pytest.mark.parametrize("stored", [True, False], ids=["stored", "computed"])
def test_the_county_comparison_leaves_it_out_after_its_last_month(cast, gone, stored):
    if stored:
        for month in (JAN, FEB, MAR):
            services.month_compute(township_ids=[cast.t1.pk, cast.t2.pk], month=month)
    comparison = dashboards.county_comparison(
        scope=scope_for(cast.reviewer), period=Period("month", 2026, 3), today=MAR_31
    )
    t1 = next(r for r in comparison.townships if r.township == cast.t1)
    assert gone.pk not in {v.branch_id for v in t1.values}
    assert len(t1.values) == 2  # B1 and B2

    january = dashboards.county_comparison(
        scope=scope_for(cast.reviewer), period=Period("month", 2026, 1), today=MAR_31
    )
    t1 = next(r for r in january.townships if r.township == cast.t1)
    assert gone.pk in {v.branch_id for v in t1.values}
    assert all(isinstance(v.value, Decimal) for v in t1.values)
