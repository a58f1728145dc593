"""Pages that grow with a branch or a township keep their query count: the same budget for 5
and for 50 members (Zulip's query-count guards)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring import services
from scoring.models import BranchMonthScore
from tests import factories as f
from tests.conftest import get_query_count


def test_attendance_grid_takes_the_same_queries_for_5_and_50_members(as_secretary, cast):
    meeting = f.meeting(branch=cast.b1, date=dt.date(2026, 3, 5))
    url = reverse("branches:meeting_attendance", args=[meeting.pk])
    for _ in range(4):
        f.member(branch=cast.b1)
    five = get_query_count(as_secretary, url)
    for _ in range(45):
        f.member(branch=cast.b1)
    assert get_query_count(as_secretary, url) == five <= 12


def test_attendance_grid_checks_the_recorded_status_and_shows_the_reason(as_secretary, cast):
    m2 = f.member(branch=cast.b1, name="王秀英")
    meeting = f.meeting(branch=cast.b1, date=dt.date(2026, 3, 5), attendance={cast.m1: "absent"})
    meeting.attendance.create(member=m2, status="excused", reason="外出务工")
    html = as_secretary.get(reverse("branches:meeting_attendance", args=[meeting.pk])).content
    html = html.decode()
    assert f'name="m{cast.m1.pk}-status" value="absent" required checked' in html
    assert f'name="m{cast.m1.pk}-status" value="present" required>' in html
    assert f'name="m{m2.pk}-status" value="excused" required checked' in html
    assert f'name="m{m2.pk}-reason" value="外出务工"' in html


def test_a_refused_grid_shows_what_was_posted(as_secretary, cast):
    m2 = f.member(branch=cast.b1)
    meeting = f.meeting(branch=cast.b1, date=dt.date(2026, 3, 5))
    response = as_secretary.post(
        reverse("branches:meeting_attendance", args=[meeting.pk]),
        {f"m{cast.m1.pk}-status": "absent", f"m{m2.pk}-status": "excused"},
    )
    html = response.content.decode()
    assert f'name="m{cast.m1.pk}-status" value="absent" required checked' in html
    assert f'name="m{m2.pk}-status" value="excused" required checked' in html
    assert html.count("请假须填写事由") == 2  # once in the summary at the top, once at the row


# --- scoring pages ------------------------------------------------------------------------------

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1


def _branch_with_members(cast, n: int) -> None:
    """B1 with `n` members (M1 and n − 1 more), each at a meeting of every month of last year."""
    members = [cast.m1] + [f.member(branch=cast.b1) for _ in range(n - 1)]
    for month in range(1, 13):
        f.meeting(
            branch=cast.b1,
            date=dt.date(LAST_YEAR, month, 5),
            attendance={m: "present" for m in members},
        )


def _store_the_year_a_page_asks_for(client, url, capture) -> None:
    """The first view computes in memory and asks the job to store the year (run here)."""
    with capture(execute=True) as callbacks:
        assert client.get(url).status_code == 200
    assert len(callbacks) == 1


SCORING_PAGES = [
    ("scoring:branch_year", lambda cast, year: [cast.b1.pk, year]),
    ("scoring:township_year", lambda cast, year: [cast.t1.pk, year]),
    ("scoring:township_month", lambda cast, year: [cast.t1.pk, f"{year}-03"]),
]


@pytest.mark.parametrize("url_name, args", SCORING_PAGES)
def test_last_years_pages_read_the_stored_year_in_the_same_queries_for_5_and_50_members(
    as_office, cast, django_capture_on_commit_callbacks, url_name, args
):
    url = reverse(url_name, args=args(cast, LAST_YEAR))
    _branch_with_members(cast, 5)
    _store_the_year_a_page_asks_for(as_office, url, django_capture_on_commit_callbacks)
    five = get_query_count(as_office, url)
    for _ in range(45):
        f.member(branch=cast.b1, branch_since=dt.date(LAST_YEAR - 1, 1, 1))
    services.year_compute(township=cast.t1, year=LAST_YEAR)  # as the job after a change
    assert get_query_count(as_office, url) == five <= 20


def test_a_year_never_stored_is_stored_once_by_the_job_the_page_queues(
    as_office, cast, django_capture_on_commit_callbacks
):
    url = reverse("scoring:branch_year", args=[cast.b1.pk, LAST_YEAR])
    _branch_with_members(cast, 5)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        computed = as_office.get(url)
    assert len(queued) == 1
    assert not BranchMonthScore.objects.exists()  # the page itself only reads
    queued[0]()
    assert BranchMonthScore.objects.filter(month__year=LAST_YEAR).count() == 2 * 12
    with django_capture_on_commit_callbacks(execute=False) as queued:
        stored = as_office.get(url)
    assert queued == []  # read from the stored figures: nothing more to queue
    assert computed.context["result"] == stored.context["result"]
    assert [r.months for r in computed.context["members"]] == [
        r.months for r in stored.context["members"]
    ]


def test_a_year_that_has_not_begun_queues_nothing(
    as_office, cast, django_capture_on_commit_callbacks
):
    url = reverse("scoring:township_year", args=[cast.t1.pk, THIS_YEAR + 1])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert as_office.get(url).status_code == 200
    assert queued == []


def test_this_years_branch_page_takes_the_same_queries_for_5_and_50_members(as_office, cast):
    url = reverse("scoring:branch_year", args=[cast.b1.pk, THIS_YEAR])
    for _ in range(4):
        f.member(branch=cast.b1)
    services.year_compute(township=cast.t1, year=THIS_YEAR)
    five = get_query_count(as_office, url)
    for _ in range(45):
        f.member(branch=cast.b1)
    services.year_compute(township=cast.t1, year=THIS_YEAR)
    assert get_query_count(as_office, url) == five <= 20


TOWNSHIP_PAGES = [
    ("scoring:township_year", lambda t, today: [t.pk, today.year], ""),
    ("scoring:township_year", lambda t, today: [t.pk, today.year], "?q=4"),
    ("scoring:township_month", lambda t, today: [t.pk, f"{today:%Y-%m}"], ""),
]


@pytest.mark.parametrize("url_name, args, query", TOWNSHIP_PAGES)
def test_this_years_township_pages_take_the_same_queries_for_5_and_50_branches(
    client, db, url_name, args, query
):
    today = timezone.localdate()

    def count(branches: int) -> int:
        township = f.township(county=f.county())
        for _ in range(branches):
            branch = f.branch(township=township)
            member = f.member(branch=branch)
            f.meeting(branch=branch, date=today.replace(day=1), attendance={member: "present"})
        services.year_ensure(township=township, year=today.year)
        office = f.user(username=f"office{branches}", role="office", township=township)
        client.force_login(office)
        return get_query_count(client, reverse(url_name, args=args(township, today)) + query)

    assert count(5) == count(50) <= 20
