"""What `month_inputs` counts from the database: the edges of SCORING.md's rules."""

import datetime as dt
from decimal import Decimal

from scoring.selectors import month_inputs
from tests import factories as f

MARCH = dt.date(2026, 3, 1)
END = dt.date(2026, 3, 31)


def inputs(cast):
    return month_inputs(township_ids=[cast.t1.pk], month=MARCH)


def test_actions_are_the_union_over_the_months_themed_days(cast):
    f.meeting(branch=cast.b1, type="themed_day", date=MARCH.replace(day=5), act_study=True)
    f.meeting(branch=cast.b1, type="themed_day", date=MARCH.replace(day=20), act_oath=True)
    b = inputs(cast).branches[cast.b1.pk]
    assert b.themed_days == 2 and b.actions == {"study", "oath"}


def test_excused_entries_count_nowhere_and_committee_only_for_the_member(cast):
    m2 = f.member(branch=cast.b1)
    f.meeting(branch=cast.b1, type="group", attendance={cast.m1: "present", m2: "excused"})
    f.meeting(branch=cast.b1, type="committee", attendance={cast.m1: "absent"})
    data = inputs(cast)
    b = data.branches[cast.b1.pk]
    assert (b.present, b.absent) == (1, 0)  # F7: member meetings only, excused dropped
    assert (data.members[cast.m1.pk].present, data.members[cast.m1.pk].absent) == (1, 1)
    assert (data.members[m2.pk].present, data.members[m2.pk].absent) == (0, 0)


def test_roster_at_month_end_includes_joining_on_the_last_day_and_excludes_leaving_on_it(cast):
    joins = f.member(branch=cast.b1, branch_since=END)
    leaves = f.member(branch=cast.b1, left_on=END)
    later = f.member(branch=cast.b1, left_on=END + dt.timedelta(days=1))
    rostered = set(inputs(cast).members)
    assert joins.pk in rostered and later.pk in rostered and leaves.pk not in rostered


def test_attendance_of_a_member_off_the_roster_still_counts_for_the_branch(cast):
    gone = f.member(branch=cast.b1, left_on=dt.date(2026, 3, 10))
    f.meeting(branch=cast.b1, type="themed_day", date=MARCH.replace(day=5),
              attendance={gone: "absent", cast.m1: "present"})  # fmt: skip
    data = inputs(cast)
    assert (data.branches[cast.b1.pk].present, data.branches[cast.b1.pk].absent) == (1, 1)
    assert gone.pk not in data.members


def test_dues_count_when_paid_by_month_end_even_early_but_not_late(cast):
    early = f.member(branch=cast.b1)
    late = f.member(branch=cast.b1)
    exempt = f.member(branch=cast.b1, dues_exempt=True)
    f.dues(member=early, month=MARCH, paid_on=dt.date(2026, 1, 15))
    f.dues(member=late, month=MARCH, paid_on=dt.date(2026, 4, 1))
    f.dues(member=cast.m1, month=dt.date(2026, 4, 1), paid_on=MARCH)  # April's, paid in March
    data = inputs(cast)
    b = data.branches[cast.b1.pk]
    assert (b.liable, b.paid) == (3, 1)
    assert data.members[early.pk].paid and not data.members[late.pk].paid
    assert data.members[exempt.pk].dues_exempt and not data.members[cast.m1.pk].paid


def test_probation_is_overdue_from_30_days_after_its_end(cast):
    f.member(branch=cast.b1, status="probationary", probation_ends_on=END - dt.timedelta(days=29))
    assert not inputs(cast).branches[cast.b1.pk].overdue_probationary
    f.member(branch=cast.b2, status="probationary", probation_ends_on=END - dt.timedelta(days=30))
    assert inputs(cast).branches[cast.b2.pk].overdue_probationary


def test_development_needs_an_activist_or_candidate_by_month_end(cast):
    f.applicant(branch=cast.b1, stage="applicant", since=dt.date(2025, 1, 1))
    f.applicant(branch=cast.b2, stage="candidate", since=END + dt.timedelta(days=1))
    data = inputs(cast)
    assert not data.branches[cast.b1.pk].has_development
    assert not data.branches[cast.b2.pk].has_development
    f.applicant(branch=cast.b2, stage="activist", since=END)
    assert inputs(cast).branches[cast.b2.pk].has_development


def test_general_meeting_counts_from_the_quarters_first_day(cast):
    f.meeting(branch=cast.b1, type="general", date=dt.date(2025, 12, 20))
    assert inputs(cast).branches[cast.b1.pk].general_in_quarter == 0
    f.meeting(branch=cast.b1, type="general", date=dt.date(2026, 1, 1))
    assert inputs(cast).branches[cast.b1.pk].general_in_quarter == 1


def test_adjustments_and_visits_of_the_month_only(cast):
    from members.models import PointAdjustment, Visit

    f.household(member=cast.m1)
    PointAdjustment.objects.create(member=cast.m1, date=MARCH, points=Decimal("5"))
    PointAdjustment.objects.create(member=cast.m1, date=END, points=Decimal("-12.5"))
    PointAdjustment.objects.create(member=cast.m1, date=END + dt.timedelta(days=1), points=9)
    Visit.objects.create(member=cast.m1, date=dt.date(2026, 2, 28))
    m = inputs(cast).members[cast.m1.pk]
    assert m.adjustment == Decimal("-7.5") and m.has_households and not m.visited


def member_with_falling_months(cast, months: int = 6):
    """m1 pays every month and loses 10 more points each month: 90, 80, 70, 60, 50, 40 …"""
    from members.models import PointAdjustment

    for n in range(1, months + 1):
        month = dt.date(2026, n, 1)
        f.dues(member=cast.m1, month=month, paid_on=month)
        PointAdjustment.objects.create(member=cast.m1, date=month, points=-10 * n)


def test_the_notice_boards_quarters_each_take_their_own_three_months(cast):
    from scoring.selectors import member_board
    from township.scoping import scope_for

    member_with_falling_months(cast)
    (row,) = member_board(
        scope=scope_for(cast.secretary), branch=cast.b1, year=2026, until=dt.date(2026, 6, 1)
    )
    assert row.member == cast.m1
    assert row.months[:7] == [Decimal(v) for v in (90, 80, 70, 60, 50, 40)] + [""]
    assert row.quarters == [Decimal(80), Decimal(50), None, None]
    assert row.annual == Decimal(65)


def test_members_of_townships_with_different_schemes_are_each_computed_with_their_own(cast):
    """Members with equal inputs share one computation only within the same weights."""
    from scoring import services
    from scoring.selectors import month_results

    services.scheme_for(township_id=cast.t1.pk, year=2026)  # both read from stored schemes
    services.scheme_revise(actor=cast.office2, township=cast.t2, year=2026, points={"P2": None})
    f.meeting(branch=cast.b1, type="general", attendance={cast.m1: "present"})
    f.meeting(branch=cast.b3, type="general", attendance={cast.m3: "present"})
    members = month_results(township_ids=[cast.t1.pk, cast.t2.pk], month=MARCH).members
    assert members[cast.m1.pk].index == Decimal("66.67")  # P1 50 of 50, P2 0 of 25
    assert members[cast.m3.pk].index == Decimal("100.00")  # P2 switched off in T2


def test_a_year_that_has_not_begun_reads_as_empty_not_as_an_error(cast):
    from scoring.selectors import township_year

    # `until` before the year's first month leaves no month to ask for (`month__in=[]`).
    year = township_year(township_id=cast.t1.pk, year=2027, until=dt.date(2026, 12, 31))
    assert year is not None
