"""A real browser: the office records a ledger entry's evidence and satisfaction and closes it
(销号); closing is refused until the satisfaction reaches 80 %."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scoring.models import RectificationEntry
from tests.factories import PASSWORD
from tests.test_browser import chromium_page, menu_open  # noqa: F401 - the fixture

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
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    menu_open(page)
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


def test_the_organisation_pages_show_the_gaps(chromium_page, live_server, cast):  # noqa: F811
    """The office's roster names the village short of reserve cadres and the one-shoulder rate;
    the classification page shows the shares against the targets (screenshots looked at)."""
    from decimal import Decimal

    from branches import org_rules
    from branches import services_org as svc
    from branches.models import Cadre

    Cadre.objects.create(
        township=cast.t1, branch=cast.b1, name="陈刚", gender="M", education="college",
        birth_date=dt.date(1978, 4, 2), party_post="secretary", village_post="chair",
    )  # fmt: skip
    Cadre.objects.create(
        township=cast.t1, branch=cast.b1, name="孙丽", gender="F", education="bachelor",
        birth_date=dt.date(1992, 1, 1), reserve=True, note="返乡大学生",
    )  # fmt: skip
    full = {c: i.max_points for c, i in org_rules.INDICATORS.items()}
    svc.classification_enter(actor=cast.office, branch=cast.b1, year=2026, points=full)
    svc.classification_enter(
        actor=cast.office,
        branch=cast.b2,
        year=2026,
        points=full | {"A1": Decimal(0), "A2": Decimal(0), "A3": Decimal("1.01")},
    )
    page = chromium_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    menu_open(page)
    page.click("nav.nav a:has-text('组织建设')")
    page.wait_for_selector("text=各村班子")
    text = page.text_content("main")
    assert "缺 1 名" in text and "缺 2 名" in text and "50.00%" in text
    page.screenshot(path=str(SCREENSHOTS / "org-cadre-roster.png"), full_page=True)
    page.click("nav.tabs a:has-text('定位升级')")
    page.wait_for_selector("text=各村评分")
    text = page.text_content("main")
    assert "先进≥60% 未达到" in text and "一般≥30% 达到" in text
    assert "81.01" in text and "100.00" in text
    page.screenshot(path=str(SCREENSHOTS / "org-classification.png"), full_page=True)
