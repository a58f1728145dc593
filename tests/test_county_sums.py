"""The county's monthly sums of the stored months: every row summed by its township and month
(a column the row carries), less the rows of branches not ranked or deactivated before the
month. They must equal the rows summed one by one against their branch's flags, whatever
those flags are now."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branches.models import Branch
from scoring import dashboards, selectors, services
from scoring.dashboards import Period
from scoring.models import BranchMonthScore
from tests import factories as f
from township.scoping import scope_for

JAN, FEB, MAR, APR = (dt.date(2026, m, 1) for m in (1, 2, 3, 4))
MONTHS = (JAN, FEB, MAR, APR)


def _row(branch, month, index="80.00", met=3, applicable=5) -> None:
    BranchMonthScore.objects.create(
        branch=branch,
        township_id=branch.township_id,
        month=month,
        index=None if index is None else Decimal(index),
        earned=0,
        possible=0,
        items={},
        met=met,
        applicable=applicable,
        scheme=services.scheme_for(township_id=branch.township_id, year=month.year),
    )


def _one_by_one(township_ids) -> dict:
    """The oracle: each stored row of the townships looked at with its branch's flags now."""
    sums: dict = defaultdict(lambda: [0, Decimal(0), 0, 0, 0, 0])
    flags = {b.pk: b for b in Branch.objects.filter(township_id__in=township_ids)}
    for row in BranchMonthScore.objects.filter(branch__township_id__in=township_ids):
        branch = flags[row.branch_id]
        total = sums[(branch.township_id, row.month)]
        if not selectors.scored_in(row.month, branch.deactivated_on):
            continue
        total[0] += 1
        if not branch.ranked:
            continue
        if row.index is not None:
            total[1] += row.index
            total[2] += 1
        total[3] += row.met or 0
        total[4] += row.applicable or 0
        total[5] += row.met is None or row.applicable is None
    return {key: tuple(value) for key, value in sums.items()}


def _sums(township_ids) -> dict:
    excepted = {
        b.pk: (b.ranked, b.deactivated_on)
        for b in Branch.objects.filter(township_id__in=township_ids)
        if not b.ranked or b.deactivated_on is not None
    }
    return selectors._ranked_month_sums(
        township_ids=township_ids, first=JAN, last=APR, excepted=excepted
    )


def test_stored_months_carry_their_branchs_township(cast):
    for month in (FEB, MAR):
        services.month_compute(township_ids=[cast.t1.pk, cast.t2.pk, cast.t3.pk], month=month)
    rows = BranchMonthScore.objects.select_related("branch")
    assert rows.count() == 8  # four branches in three townships of two counties, two months
    assert all(row.township_id == row.branch.township_id for row in rows)
    assert {row.township_id for row in rows} == {cast.t1.pk, cast.t2.pk, cast.t3.pk}


def test_rows_of_branches_unranked_or_gone_are_taken_off_their_months(cast):
    unranked = f.branch(township=cast.t1, ranked=False)
    gone = f.branch(township=cast.t1)  # stored while in use, deactivated on 31 January after
    in_march = f.branch(township=cast.t1)  # deactivated on March's first day: lived in March
    for month in MONTHS:
        _row(cast.b1, month, "70.25", met=4, applicable=5)
        _row(cast.b2, month, None, met=None, applicable=5)  # no index; counts unknown
        _row(unranked, month, "10.00", met=1, applicable=5)
        _row(gone, month, "99.99", met=5, applicable=5)
        _row(in_march, month, "50.50", met=2, applicable=5)
        _row(cast.b3, month, "60.00")
        _row(cast.b4, month, "40.00")  # another county's township: never summed here
    Branch.objects.filter(pk=gone.pk).update(active=False, deactivated_on=dt.date(2026, 1, 31))
    Branch.objects.filter(pk=in_march.pk).update(active=False, deactivated_on=MAR)

    sums = _sums([cast.t1.pk, cast.t2.pk])

    assert sums == _one_by_one([cast.t1.pk, cast.t2.pk])
    # January: all five of T1's branches scored, the unranked one left out of the sums.
    assert sums[(cast.t1.pk, JAN)] == (5, Decimal("220.74"), 3, 11, 20, 1)
    # February and March: the branch gone in January counts no more.
    assert sums[(cast.t1.pk, MAR)] == (4, Decimal("120.75"), 2, 6, 15, 1)
    # April: nor the one deactivated on 1 March.
    assert sums[(cast.t1.pk, APR)] == (3, Decimal("70.25"), 1, 4, 10, 1)
    assert sums[(cast.t2.pk, APR)] == (1, Decimal("60.00"), 1, 3, 5, 0)
    assert {t for t, _m in sums} == {cast.t1.pk, cast.t2.pk}


def test_without_unranked_or_deactivated_branches_one_query_sums_the_months(
    cast, django_assert_num_queries
):
    for month in (JAN, FEB):
        _row(cast.b1, month)
        _row(cast.b3, month)
    with django_assert_num_queries(1):
        sums = selectors._ranked_month_sums(
            township_ids=[cast.t1.pk, cast.t2.pk], first=JAN, last=APR, excepted={}
        )
    assert sums == _one_by_one([cast.t1.pk, cast.t2.pk])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    branches=st.lists(
        st.tuples(
            st.booleans(),  # ranked
            st.sampled_from([None, dt.date(2026, 1, 31), FEB, dt.date(2026, 3, 31), APR]),
            st.lists(  # a row of each month, or none
                st.one_of(
                    st.none(),
                    st.tuples(
                        st.one_of(
                            st.none(),
                            st.decimals(min_value=0, max_value=100, places=2).map(str),
                        ),
                        st.one_of(st.none(), st.integers(0, 9)),
                        st.one_of(st.none(), st.integers(0, 9)),
                    ),
                ),
                min_size=4,
                max_size=4,
            ),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_the_sums_equal_the_rows_one_by_one_whatever_the_flags(cast, branches):
    made = []
    try:
        for ranked, deactivated_on, rows in branches:
            branch = f.branch(township=cast.t1, ranked=ranked)
            made.append(branch)
            for month, row in zip(MONTHS, rows, strict=True):
                if row is not None:
                    index, met, applicable = row
                    _row(branch, month, index, met=met, applicable=applicable)
            Branch.objects.filter(pk=branch.pk).update(deactivated_on=deactivated_on)
        assert _sums([cast.t1.pk]) == _one_by_one([cast.t1.pk])
    finally:
        Branch.objects.filter(pk__in=[b.pk for b in made]).delete()


def test_a_locked_months_rows_of_a_branch_gone_since_are_left_out_of_the_comparison(cast):
    """Months stored and locked while a branch was in use keep its rows when it is deactivated
    later, back to an earlier day: the comparison reads the locked months as stored and must
    count those rows out, exactly as if they had never been stored."""
    gone = f.branch(township=cast.t1)
    f.meeting(branch=gone, type="themed_day", date=dt.date(2026, 2, 5))
    f.meeting(branch=cast.b1, type="themed_day", date=dt.date(2026, 3, 5))
    for month in (JAN, FEB, MAR):
        services.month_lock(actor=cast.office, township=cast.t1, month=month)
    services.month_compute(township_ids=[cast.t2.pk], month=MAR)
    Branch.objects.filter(pk=gone.pk).update(active=False, deactivated_on=dt.date(2026, 1, 31))
    assert BranchMonthScore.objects.filter(branch=gone).count() == 3  # locked: kept as stored

    def compare(period):  # on 31 March: every month so far locked, so read as stored
        comparison = dashboards.county_comparison(
            scope=scope_for(cast.reviewer), period=period, today=dt.date(2026, 3, 31)
        )
        return next(r for r in comparison.townships if r.township == cast.t1)

    periods = [Period("month", 2026, 3), Period("quarter", 2026, 1), Period("year", 2026)]
    read = [compare(p) for p in periods]
    BranchMonthScore.objects.filter(branch=gone, month__gt=JAN).delete()  # what it should be
    expected = [compare(p) for p in periods]

    assert read == expected
    march = read[0]
    assert gone.pk not in {v.branch_id for v in march.values}
    assert march.items_applicable > 0 and len(march.trend) == 3


def test_more_excepted_branches_than_one_statement_takes_are_read_in_parts(
    cast, django_assert_num_queries
):
    from township.db import IN_BATCH

    scheme = services.scheme_for(township_id=cast.t1.pk, year=2026)
    unranked = Branch.objects.bulk_create(
        Branch(township=cast.t1, code=f"U{n:04d}", name=f"支部{n}", kind="village", ranked=False)
        for n in range(IN_BATCH + 1)
    )
    BranchMonthScore.objects.bulk_create(
        BranchMonthScore(
            branch=branch, township=cast.t1, month=JAN, index=Decimal("10.00"), earned=0,
            possible=0, met=1, applicable=5, scheme=scheme,
        )
        for branch in unranked
    )  # fmt: skip
    _row(cast.b1, JAN, "70.25", met=4, applicable=5)
    excepted = {b.pk: (False, None) for b in unranked}

    with django_assert_num_queries(3):  # the sums, then the excepted rows in two parts
        sums = selectors._ranked_month_sums(
            township_ids=[cast.t1.pk], first=JAN, last=APR, excepted=excepted
        )

    assert sums == _one_by_one([cast.t1.pk])
    assert sums[(cast.t1.pk, JAN)] == (IN_BATCH + 2, Decimal("70.25"), 1, 4, 5, 0)
