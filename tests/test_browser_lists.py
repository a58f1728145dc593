"""In a real browser: a reviewer picks a township on the branch list and pages through it; the
attendance grid written as a plain table still records in one post."""

from __future__ import annotations

from pathlib import Path

import pytest

from branches.models import Attendance
from branches.views import BRANCH_PAGE_SIZE
from tests import factories as f
from tests.factories import PASSWORD
from tests.test_browser import chromium_page  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_reviewer_chooses_a_township_and_pages_its_branches(chromium_page, live_server, cast):  # noqa: F811
    page = chromium_page
    for i in range(BRANCH_PAGE_SIZE):  # T2: B3 and these, one more than a page
        f.branch(township=cast.t2, code=f"T2-{i:03}", name=f"二号镇第{i}支部")
    _login(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/branches/")
    assert cast.b1.name in page.text_content("main")
    page.select_option("#f-township", str(cast.t2.pk))
    page.click("text=筛选")
    page.wait_for_url(f"**/branches/?township={cast.t2.pk}")
    main = page.text_content("main")
    assert cast.b1.name not in main and "第 1 / 2 页" in main
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reviewer-branch-list.png"))
    page.click("text=下一页")
    page.wait_for_url(f"**/branches/?township={cast.t2.pk}&page=2")
    assert "第 2 / 2 页" in page.text_content("main")
    assert page.locator("table.list tbody tr").count() == 1


def test_secretary_fills_the_plain_attendance_grid(chromium_page, live_server, cast):  # noqa: F811
    page = chromium_page
    members = [f.member(branch=cast.b1, name=f"党员{i}") for i in range(3)]
    meeting = f.meeting(branch=cast.b1, topic="学习党章")
    _login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/branches/meetings/{meeting.pk}/attendance/")
    page.locator(f".grid-row[data-member='{members[0].pk}']").get_by_label("缺席").check()
    row = page.locator(f".grid-row[data-member='{members[1].pk}']")
    row.get_by_label("请假", exact=True).check()
    page.screenshot(path=str(SCREENSHOTS / "attendance-grid.png"), full_page=True)
    page.click("text=保存出勤")  # the reason is missing: refused, what was chosen stays
    assert "请假须填写事由" in page.text_content("main")
    assert page.locator(f"input[name='m{members[0].pk}-status'][value=absent]").is_checked()
    row = page.locator(f".grid-row[data-member='{members[1].pk}']")
    row.locator("input[type=text]").fill("外出务工")
    page.click("text=保存出勤")
    page.wait_for_url(f"{live_server.url}/branches/meetings/{meeting.pk}/")
    statuses = dict(Attendance.objects.values_list("member__name", "status"))
    assert statuses == {
        cast.m1.name: "present",
        "党员0": "absent",
        "党员1": "excused",
        "党员2": "present",
    }
