"""The reminders of the 20th: a branch with records missing is reminded once, a complete one
never; the office gets the list; messages show in the header and on their page."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.urls import reverse

from scoring.services import records_missing, reminders_send
from tests import factories as f
from township.models import Notification

MARCH_20 = dt.date(2026, 3, 20)


def complete(branch, member, day=dt.date(2026, 3, 5)):
    """Every record item of March met: 4+X themed day, committee, group, general, lecture, dues."""
    f.meeting(
        branch=branch, type="themed_day", date=day, attendance={member: "present"},
        act_study=True, act_dues=True, act_oath=True, act_deliberation=True,
    )  # fmt: skip
    for kind in ("committee", "group", "general", "lecture"):
        f.meeting(branch=branch, type=kind, date=day, attendance={member: "present"})
    f.dues(member=member, month=dt.date(2026, 3, 1), paid_on=day)


def test_records_missing_names_the_items_not_met(cast):
    complete(cast.b1, cast.m1)
    f.meeting(branch=cast.b2, type="committee", date=dt.date(2026, 3, 9))
    missing = records_missing(township_ids=[cast.t1.pk], month=dt.date(2026, 3, 1))
    assert cast.b1.pk not in missing
    assert missing[cast.b2.pk] == ["F1", "F2", "F4", "F5", "F6"]  # nobody liable: no F9


def test_on_the_20th_a_branch_missing_records_is_reminded_once_and_a_complete_one_never(
    cast, settings
):
    settings.SILENT_BRANCH_DAYS = 30
    complete(cast.b1, cast.m1)
    secretary2 = f.user(username="secretary2", role="secretary", branch=cast.b2)
    assert reminders_send(today=MARCH_20) == 4  # B2's and B3's secretaries, both offices
    assert not Notification.objects.filter(user=cast.secretary).exists()
    note = Notification.objects.get(user=secretary2)
    assert "主题党日" in note.body and "距本月考核截止还有 36 天" in note.body
    assert note.link == reverse("scoring:branch_year", args=[cast.b2.pk, 2026])
    office = Notification.objects.get(user=cast.office)
    assert cast.b2.name in office.body and cast.b1.name not in office.body
    assert "已连续 30 天没有登记会议" in office.body  # B2 has never met: silent too
    assert reminders_send(today=MARCH_20) == 0
    assert Notification.objects.count() == 4


def test_no_reminder_on_other_days(cast):
    assert reminders_send(today=dt.date(2026, 3, 19)) == 0
    assert reminders_send(today=dt.date(2026, 3, 21)) == 0
    assert not Notification.objects.exists()


def test_reminders_are_emailed_when_email_is_configured(cast, settings):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cast.secretary3.email = "sec3@example.org"
    cast.secretary3.save()
    reminders_send(today=MARCH_20)
    assert [m.to for m in mail.outbox] == [["sec3@example.org"]]
    assert Notification.objects.get(user=cast.secretary3).emailed


def test_the_header_counts_unread_messages_and_the_page_marks_them_read(cast, client):
    reminders_send(today=MARCH_20)
    client.force_login(cast.secretary3, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("dashboard"))
    assert b'id="unread-count">1<' in page.content
    listing = client.get(reverse("notifications"))
    assert "三会一课记录提醒".encode() in listing.content
    assert b'id="unread-count"' not in client.get(reverse("dashboard")).content
    assert not Notification.objects.filter(user=cast.secretary3, read_at__isnull=True).exists()
