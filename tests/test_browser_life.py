"""A real browser through the development pipeline: the office records a candidacy refused one
day short, then on the day the year is complete, follows the person to admission and opens
the member's whole history as one timeline (screenshots in screenshots/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from members import services_life
from members.models import ApplicantStageChange, TrainingAttendance
from tests import factories as f
from tests.test_browser import _log_in, chromium_page, menu_open  # noqa: F401 - the browser fixture

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
D = dt.date


def test_the_office_walks_the_pipeline_and_reads_the_members_timeline(
    chromium_page,  # noqa: F811
    live_server,
    cast,
    settings,
    tmp_path,
):
    settings.PRIVATE_ROOT = tmp_path
    today = dt.date.today()
    if (today.month, today.day) == (2, 29):
        pytest.skip("no day a year before 29 February ends its year on it")
    since = today.replace(year=today.year - 1)
    a = f.applicant(branch=cast.b1, stage="activist", since=since)
    a.name, a.gender = "陈静", "F"
    a.save()
    ApplicantStageChange.objects.create(
        applicant=a, stage="applicant", date=since - dt.timedelta(days=120)
    )
    ApplicantStageChange.objects.create(applicant=a, stage="activist", date=since)
    training = f.training_session(
        township=cast.t1, kind="activist", date=since + dt.timedelta(days=30)
    )
    TrainingAttendance.objects.create(session=training, applicant=a)
    f.meeting(branch=cast.b1, type="committee", date=today, topic="研究确定发展对象")
    SCREENSHOTS.mkdir(exist_ok=True)

    page = chromium_page
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, live_server, "office")
    menu_open(page)
    page.click("nav.nav a:has-text('发展党员')")
    page.wait_for_selector("#pipeline")
    page.click("#pipeline a:has-text('陈静')")
    page.click("#next-step")

    # One day short of the year: refused with the rule's message, the input kept.
    page.fill("#id_date", (today - dt.timedelta(days=1)).isoformat())
    page.select_option("#id_meeting", index=1)
    page.fill("#id_notice_start", (today - dt.timedelta(days=10)).isoformat())
    page.fill("#id_notice_end", (today - dt.timedelta(days=3)).isoformat())
    page.click("form.stacked button[type=submit]")
    error = page.text_content(".errorlist")
    assert f"最早 {today.isoformat()} 才能确定为发展对象" in error
    page.screenshot(path=str(SCREENSHOTS / "pipeline-step-refused.png"), full_page=True)

    page.fill("#id_date", today.isoformat())
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("#steps")
    assert "已登记" in page.text_content(".messages")
    assert "发展对象" in page.text_content("#steps")
    page.screenshot(path=str(SCREENSHOTS / "pipeline-applicant.png"), full_page=True)

    # The rest of the way, and a year of life, through the services.
    services_life.applicant_kinship_declare(actor=cast.office, applicant=a, declared_on=today)
    a.refresh_from_db()
    general = f.meeting(branch=cast.b1, type="general", date=today)
    services_life.applicant_step(
        actor=cast.office,
        applicant=a,
        stage="probationary",
        date=today,
        meeting=general,
        notice_start=today - dt.timedelta(days=8),
        notice_end=today,
    )
    a.refresh_from_db()
    member = a.member
    services_life.talk_record(
        actor=cast.office, member=member, talker="王书记", date=today, topic="入党后第一次谈话"
    )
    services_life.flowing_start(
        actor=cast.office,
        member=member,
        started_on=today,
        workplace="江苏省苏州市",
        channel="wechat",
    )

    page.goto(f"{live_server.url}/members/{member.pk}/")
    page.click("#life-actions a:has-text('党员档案时间线')")
    page.wait_for_selector("#timeline")
    items = page.locator("#timeline li")
    texts = [items.nth(i).text_content() for i in range(items.count())]
    assert "列为入党积极分子" in texts[1] and "确定为发展对象" in texts[2]
    assert any("入党后第一次谈话" in t for t in texts)
    assert any("江苏省苏州市" in t for t in texts)
    page.screenshot(path=str(SCREENSHOTS / "member-timeline.png"), full_page=True)

    # On a phone the timeline is no wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "member-timeline-phone.png"), full_page=True)
