"""A real browser: the office records a ledger entry's evidence and satisfaction and closes it
(销号); closing is refused until the satisfaction reaches 80 %."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scoring.models import RectificationEntry
from tests.factories import PASSWORD
from tests.test_browser import chromium_page  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def test_the_office_closes_a_ledger_entry(chromium_page, live_server, cast):  # noqa: F811
    page = chromium_page
    page.set_viewport_size({"width": 1280, "height": 900})
    entry = RectificationEntry.objects.create(
        township=cast.t1,
        branch=cast.b1,
        year=2025,
        annual_score="52.40",
        problems="组织生活不经常，党员参会率偏低",
        deadline=dt.date(2026, 6, 30),
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("nav.nav a:has-text('整改台账')")
    page.goto(f"{live_server.url}/scoring/ledger/?year=2025")
    assert "逾期未销号" in page.text_content("main")
    page.click(f"a[href='/scoring/ledger/{entry.pk}/']")
    page.fill("#id_measures", "镇党委委员包联，每月按时开展主题党日")
    page.fill("#id_responsible", "张书记")
    page.fill("#id_evidence", "整改报告、支部会议记录及照片")
    page.fill("#id_satisfaction", "79.9")
    page.click("text=保存台账")
    page.wait_for_selector(".messages")
    page.click("#close-entry button[type=submit]")
    page.wait_for_selector(".messages")
    assert "群众满意度 79.9% 低于 80%，不能销号，请继续整改。" in page.text_content(".messages")
    page.screenshot(path=str(SCREENSHOTS / "ledger-close-refused.png"), full_page=True)
    assert RectificationEntry.objects.get().closed_on is None

    page.fill("#id_satisfaction", "80")
    page.click("text=保存台账")
    page.wait_for_selector(".messages")
    page.click("#close-entry button[type=submit]")
    page.wait_for_selector("#entry-status .badge.ok")
    assert "东李庄党支部的整改已销号。" in page.text_content(".messages")
    page.screenshot(path=str(SCREENSHOTS / "ledger-closed.png"), full_page=True)
    closed = RectificationEntry.objects.get()
    assert closed.closed_on is not None and closed.closed_by == cast.office
