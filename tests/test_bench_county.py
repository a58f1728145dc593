"""The benchmark county (`bench_scoring.build_county`): nothing that happened after today."""

import datetime as dt

import pytest
from django.db import transaction

from branches.models import Attendance, County, Meeting
from members.models import DuesPayment, Member, PointAdjustment, Visit
from scoring.management.commands.bench_scoring import build_county
from scoring.models import OfficeScore

pytestmark = pytest.mark.django_db

MID_YEAR = dt.date(2026, 6, 15)
YEAR_END = dt.date(2026, 12, 31)


def _build(today: dt.date) -> County:
    return build_county(
        townships=1, branches=3, members=5, year=2026, log=lambda _: None, today=today
    )


def _records(county: County, *, until: dt.date) -> dict[str, list]:
    """What the county holds up to `until`, in a form two builds can be compared by."""
    meetings = Meeting.objects.filter(township__county=county, date__lte=until)
    return {
        "meetings": sorted(meetings.values_list("code", "date", "type", "act_oath")),
        "attendance": sorted(
            Attendance.objects.filter(meeting__in=meetings).values_list(
                "meeting__code", "member__code", "status"
            )
        ),
        "dues": sorted(
            DuesPayment.objects.filter(
                member__township__county=county, paid_on__lte=until
            ).values_list("member__code", "month", "paid_on")
        ),
        "visits": sorted(
            Visit.objects.filter(member__township__county=county, date__lte=until).values_list(
                "member__code", "date"
            )
        ),
    }


def test_nothing_is_dated_after_today():
    county = _build(MID_YEAR)
    meetings = Meeting.objects.filter(township__county=county)
    assert meetings.filter(date__month=6).exists()
    assert not meetings.filter(date__gt=MID_YEAR).exists()
    assert not Attendance.objects.filter(meeting__in=meetings, meeting__date__gt=MID_YEAR).exists()
    members = Member.objects.filter(township__county=county)
    assert not members.filter(left_on__gt=MID_YEAR).exists()
    # Other tests' data may share the database (a module's seeded demo): each read is the
    # county's own.
    dues = DuesPayment.objects.filter(member__in=members)
    assert not dues.filter(paid_on__gt=MID_YEAR).exists()
    assert dues.filter(month="2026-06-01").exists()
    assert not Visit.objects.filter(member__in=members, date__gt=MID_YEAR).exists()
    assert not PointAdjustment.objects.filter(member__in=members, date__gt=MID_YEAR).exists()
    # The office scores a month once it has ended: May at the latest.
    scores = OfficeScore.objects.filter(branch__township__county=county)
    assert scores.filter(month__lte="2026-05-01").exists()
    assert not scores.filter(month__gte="2026-06-01").exists()


def test_the_last_day_of_a_month_scores_that_month_the_next_day():
    county = build_county(
        townships=1,
        branches=12,
        members=3,
        year=2026,
        log=lambda _: None,
        today=dt.date(2026, 7, 1),
    )
    scores = OfficeScore.objects.filter(branch__township__county=county)
    assert scores.filter(month="2026-06-01").exists()
    assert not scores.filter(month="2026-07-01").exists()
    assert Meeting.objects.filter(township__county=county, date="2026-07-01").exists()
    assert not Meeting.objects.filter(township__county=county, date="2026-07-02").exists()


def test_the_records_up_to_today_do_not_depend_on_the_date():
    """The draws are the same whatever the date: a later build adds records, changes none."""
    with transaction.atomic():
        early = _records(_build(MID_YEAR), until=MID_YEAR)
        transaction.set_rollback(True)
    county = _build(YEAR_END)
    assert _records(county, until=MID_YEAR) == early
    assert Meeting.objects.filter(township__county=county, date__gt=MID_YEAR).exists()
