"""A locked month's meetings are read-only for secretaries: no edit buttons, no attendance
form, and a notice saying who locked the month and when. The office, which may still correct a
locked month (township.permissions.LOCKED_MONTH_EDITORS), keeps its buttons and sees the notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Attendance
from tests import factories as f
from tests.conftest import get_query_count
from township.models import MonthState

MARCH = dt.date(2026, 3, 1)
LOCKED_AT = dt.datetime(2026, 4, 25, 9, 30, tzinfo=dt.UTC)  # 17:30 in Shanghai


@pytest.fixture
def locked(cast):
    cast.office.first_name = "王主任"
    cast.office.save()
    return MonthState.objects.create(
        township=cast.t1, month=MARCH, locked=True, locked_by=cast.office, locked_at=LOCKED_AT
    )


@pytest.fixture
def meeting(cast):
    return f.meeting(branch=cast.b1, type="general", attendance={cast.m1: "present"})


def edit_links(meeting) -> list[str]:
    return [
        reverse(name, args=[meeting.pk])
        for name in (
            "branches:meeting_attendance",
            "branches:meeting_edit",
            "branches:meeting_delete",
        )
    ]


NOTICE = "本月已于 2026-04-25 17:30 由 王主任 锁定"


def test_an_open_month_shows_the_secretary_the_edit_buttons_and_no_notice(as_secretary, meeting):
    html = as_secretary.get(reverse("branches:meeting_detail", args=[meeting.pk])).content.decode()
    assert all(f'href="{url}"' in html for url in edit_links(meeting))
    assert 'id="month-locked"' not in html


def test_a_locked_months_meeting_shows_the_secretary_no_edit_buttons_and_the_notice(
    as_secretary, meeting, locked
):
    html = as_secretary.get(reverse("branches:meeting_detail", args=[meeting.pk])).content.decode()
    assert not any(f'href="{url}"' in html for url in edit_links(meeting))
    assert NOTICE in html
    assert "记录只读" in html
    assert 'type="file"' not in html  # no photo upload either


def test_the_office_keeps_its_buttons_on_a_locked_month_and_sees_who_locked_it(
    as_office, meeting, locked
):
    html = as_office.get(reverse("branches:meeting_detail", args=[meeting.pk])).content.decode()
    assert all(f'href="{url}"' in html for url in edit_links(meeting))
    assert NOTICE in html
    assert "镇党建办仍可更正" in html


def test_a_month_closed_by_itself_says_so(as_secretary, meeting, cast):
    MonthState.objects.create(township=cast.t1, month=MARCH, locked=True, locked_at=LOCKED_AT)
    html = as_secretary.get(reverse("branches:meeting_detail", args=[meeting.pk])).content.decode()
    assert "本月已于 2026-04-25 17:30 按关账日自动锁定" in html


def test_a_locked_months_attendance_is_a_read_only_table_for_the_secretary(
    as_secretary, meeting, locked, cast
):
    unrecorded = f.member(branch=cast.b1, name="未登记者")
    url = reverse("branches:meeting_attendance", args=[meeting.pk])
    html = as_secretary.get(url).content.decode()
    assert 'id="attendance-grid"' not in html
    assert 'type="radio"' not in html
    assert 'id="attendance-read-only"' in html
    assert NOTICE in html
    row = html.split(f'data-member="{unrecorded.pk}"')[1].split("</tr>")[0]
    assert "未登记" in row  # not shown as present


def test_the_open_months_attendance_grid_is_still_a_form(as_secretary, meeting):
    html = as_secretary.get(
        reverse("branches:meeting_attendance", args=[meeting.pk])
    ).content.decode()
    assert 'id="attendance-grid"' in html
    assert 'id="month-locked"' not in html


def test_posting_a_locked_months_attendance_changes_nothing(as_secretary, meeting, locked, cast):
    url = reverse("branches:meeting_attendance", args=[meeting.pk])
    response = as_secretary.post(url, {f"m{cast.m1.pk}-status": "absent"})
    assert response.status_code == 302
    assert Attendance.objects.get(meeting=meeting).status == "present"


@pytest.mark.parametrize("name", ["branches:meeting_edit", "branches:meeting_delete"])
def test_the_edit_and_delete_pages_of_a_locked_month_send_the_secretary_back(
    as_secretary, meeting, locked, name
):
    response = as_secretary.get(reverse(name, args=[meeting.pk]))
    assert response.status_code == 302
    assert response.url == reverse("branches:meeting_detail", args=[meeting.pk])
    response = as_secretary.post(reverse(name, args=[meeting.pk]), {"topic": "改"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.topic != "改"


def test_the_meeting_list_marks_the_locked_months_meetings(as_secretary, meeting, locked, cast):
    april = f.meeting(branch=cast.b1, type="committee", date=dt.date(2026, 4, 2))
    html = as_secretary.get(reverse("branches:meeting_list")).content.decode()
    rows = {m.pk: html.split(reverse("branches:meeting_detail", args=[m.pk]))[1].split("</tr>")[0]
            for m in (meeting, april)}  # fmt: skip
    assert "已锁定" in rows[meeting.pk]
    assert "已锁定" not in rows[april.pk]


def test_the_lock_costs_the_meeting_pages_no_more_queries(as_secretary, meeting, cast):
    detail = reverse("branches:meeting_detail", args=[meeting.pk])
    attendance = reverse("branches:meeting_attendance", args=[meeting.pk])
    listing = reverse("branches:meeting_list")
    open_counts = [get_query_count(as_secretary, u) for u in (detail, attendance, listing)]
    MonthState.objects.create(
        township=cast.t1, month=MARCH, locked=True, locked_by=cast.office, locked_at=timezone.now()
    )
    locked_counts = [get_query_count(as_secretary, u) for u in (detail, attendance, listing)]
    assert all(lk <= op for lk, op in zip(locked_counts, open_counts, strict=True))


@pytest.mark.parametrize("n", [5, 50])
def test_the_locked_attendance_page_reads_in_constant_queries(
    as_secretary, meeting, locked, cast, n, django_assert_max_num_queries
):
    for _ in range(n):
        f.member(branch=cast.b1)
    with django_assert_max_num_queries(8):
        as_secretary.get(reverse("branches:meeting_attendance", args=[meeting.pk]))
