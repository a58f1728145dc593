"""Pages that grow with a branch or a township keep their query count: the same budget for 5
and for 50 members (Zulip's query-count guards)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

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
    assert html.count("请假须填写事由") == 1
