"""Meeting pages: list, create/edit with the lock message, attendance grid, sign-in sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

from branches.models import Attendance, Meeting
from tests import factories as f
from tests.conftest import get_query_count
from township.models import MonthState


def test_meeting_list_query_count_does_not_grow_with_rows(as_office, cast):
    url = reverse("branches:meeting_list")
    for i in range(5):
        f.meeting(branch=cast.b1, attendance={cast.m1: "present"}, date=dt.date(2026, 3, 1 + i))
    five = get_query_count(as_office, url)
    for i in range(45):
        f.meeting(branch=cast.b2, date=dt.date(2026, 1, 1) + dt.timedelta(days=i))
    assert get_query_count(as_office, url) == five


def test_meeting_list_filters_by_month_and_type(as_office, cast):
    f.meeting(branch=cast.b1, type="committee", date=dt.date(2026, 3, 3), topic="三月支委会")
    f.meeting(branch=cast.b1, type="lecture", date=dt.date(2026, 3, 9), topic="三月党课")
    f.meeting(branch=cast.b1, type="committee", date=dt.date(2026, 4, 3), topic="四月支委会")
    page = as_office.get(
        reverse("branches:meeting_list"), {"month": "2026-03", "type": "committee"}
    ).content.decode()
    assert "三月支委会" in page
    assert "三月党课" not in page and "四月支委会" not in page


def test_meeting_list_answers_htmx_with_the_rows_only(as_office, cast):
    f.meeting(branch=cast.b1, topic="主题党日活动")
    response = as_office.get(reverse("branches:meeting_list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "主题党日活动" in html
    assert "<html" not in html


def test_secretary_sees_only_own_branchs_meetings(as_secretary, cast):
    f.meeting(branch=cast.b1, topic="本支部会议")
    f.meeting(branch=cast.b2, topic="别的支部会议")
    page = as_secretary.get(reverse("branches:meeting_list")).content.decode()
    assert "本支部会议" in page and "别的支部会议" not in page


def test_secretary_records_a_themed_day_and_goes_to_the_grid(as_secretary, cast):
    response = as_secretary.post(
        reverse("branches:meeting_create"),
        {
            "branch": cast.b1.pk,
            "type": "themed_day",
            "date": "2026-04-05",
            "topic": "重温入党誓词",
            "act_oath": "on",
            "act_dues": "on",
            "x_activity": "清扫村道",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("branches:meeting_attendance", args=[meeting.pk])
    assert meeting.actions == ["dues", "oath"] and meeting.branch == cast.b1


def test_secretary_cannot_create_a_meeting_for_another_branch(as_secretary, cast):
    response = as_secretary.post(
        reverse("branches:meeting_create"),
        {"branch": cast.b2.pk, "type": "committee", "date": "2026-04-05"},
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_actions_on_a_committee_meeting_are_refused_in_chinese(as_secretary, cast):
    response = as_secretary.post(
        reverse("branches:meeting_create"),
        {"branch": cast.b1.pk, "type": "committee", "date": "2026-04-05", "act_oath": "on"},
    )
    html = response.content.decode()
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert "只适用于主题党日" in summary and html.count("只适用于主题党日") == 2
    assert not Meeting.objects.exists()


def test_locked_month_message_is_shown_and_the_input_kept(as_secretary, cast):
    MonthState.objects.create(township=cast.t1, month=dt.date(2026, 3, 1), locked=True)
    response = as_secretary.post(
        reverse("branches:meeting_create"),
        {"branch": cast.b1.pk, "type": "committee", "date": "2026-03-20", "topic": "补录支委会"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "已由镇党建办锁定" in html
    assert 'value="补录支委会"' in html
    assert not Meeting.objects.exists()


def test_edit_keeps_the_branch_and_changes_the_topic(as_secretary, cast):
    meeting = f.meeting(branch=cast.b1, type="committee", topic="旧")
    response = as_secretary.post(
        reverse("branches:meeting_edit", args=[meeting.pk]),
        {"branch": cast.b2.pk, "type": "committee", "date": "2026-03-05", "topic": "新"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.branch) == ("新", cast.b1)


def test_attendance_grid_lists_the_roster_on_the_meeting_date(as_secretary, cast):
    day = dt.date(2026, 3, 5)
    left = f.member(
        branch=cast.b1, name="已转出", branch_since=dt.date(2020, 1, 1), left_on=dt.date(2026, 2, 1)
    )
    later = f.member(branch=cast.b1, name="后转入", branch_since=dt.date(2026, 3, 6))
    f.member(branch=cast.b2, name="别支部")
    meeting = f.meeting(branch=cast.b1, date=day)
    html = as_secretary.get(reverse("branches:meeting_attendance", args=[meeting.pk])).content
    html = html.decode()
    assert cast.m1.name in html
    assert left.name not in html and later.name not in html and "别支部" not in html


def test_attendance_grid_saves_every_row_in_one_post(as_secretary, cast):
    m2 = f.member(branch=cast.b1)
    meeting = f.meeting(branch=cast.b1)
    response = as_secretary.post(
        reverse("branches:meeting_attendance", args=[meeting.pk]),
        {
            f"m{cast.m1.pk}-status": "present",
            f"m{m2.pk}-status": "excused",
            f"m{m2.pk}-reason": "外出务工",
        },
    )
    assert response.status_code == 302
    rows = {a.member_id: (a.status, a.reason) for a in Attendance.objects.all()}
    assert rows == {cast.m1.pk: ("present", ""), m2.pk: ("excused", "外出务工")}


def test_excused_without_reason_is_refused_and_nothing_saved(as_secretary, cast):
    meeting = f.meeting(branch=cast.b1)
    response = as_secretary.post(
        reverse("branches:meeting_attendance", args=[meeting.pk]),
        {f"m{cast.m1.pk}-status": "excused"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('id="attendance-summary"')[1].split("</div>")[0]
    assert "1 名党员的出勤需要修改" in summary and f'href="#row-{cast.m1.pk}"' in summary
    assert cast.m1.name in summary and "请假须填写事由" in summary
    assert html.count("请假须填写事由") == 2  # in the summary and at the row
    assert not Attendance.objects.exists()


def test_sign_in_sheet_lists_the_roster_with_a_signature_column(as_secretary, cast):
    meeting = f.meeting(branch=cast.b1, topic="学习二十大精神")
    html = as_secretary.get(reverse("branches:meeting_sign_in", args=[meeting.pk])).content
    html = html.decode()
    assert "本人签名" in html and cast.m1.name in html and "学习二十大精神" in html
    # Printed on A4 by its own style sheet (the Content-Security-Policy allows no inline style).
    assert "css/sign_in_sheet.css" in html
    assert "size: A4" in Path(finders.find("css/sign_in_sheet.css")).read_text()


def test_delete_needs_a_post_and_confirms_first(as_secretary, cast):
    meeting = f.meeting(branch=cast.b1)
    url = reverse("branches:meeting_delete", args=[meeting.pk])
    assert "确认删除" in as_secretary.get(url).content.decode()
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert as_secretary.post(url).status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
