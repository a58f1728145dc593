"""A real browser: the office opens an alliance, a secretary of a member branch claims a
micro-wish for a member of their branch, and the office marks it fulfilled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from alliances.models import Wish
from tests import factories as f
from tests.factories import PASSWORD
from tests.test_browser import chromium_page, menu_open  # noqa: F401 - the shared browser fixture

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def _login(page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_a_secretary_claims_a_wish_and_the_office_marks_it_fulfilled(
    chromium_page,  # noqa: F811
    live_server,
    cast,
):
    page = chromium_page
    url = live_server.url
    SCREENSHOTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    core = f.alliance(township=cast.t1, branches=[cast.b1, cast.b2], name="一号镇党建联盟")
    red = f.alliance(
        township=cast.t1, branches=[cast.b1], parent=core, kind="red", name="红色传承联盟"
    )
    red.organisations.create(code="OX", name="县供电公司党支部", kind="enterprise")
    owner = red.organisations.get(kind="branch")
    red.projects.create(
        kind="common", title="红色讲解员队伍", owner=owner, due_on=today - dt.timedelta(days=3)
    )
    wish = f.wish(alliance=red, need="为独居老人安装扶手", raised_on=today - dt.timedelta(days=2))

    # The office opens the alliance from the tree.
    _login(page, url, "office")
    menu_open(page)
    page.click("nav.nav a:has-text('党建联盟')")
    page.click("#alliance-tree a:has-text('红色传承联盟')")
    assert "逾期" in page.text_content("#projects")
    assert "为独居老人安装扶手" in page.text_content("#open-wishes")
    page.screenshot(path=str(SCREENSHOTS / "alliance-detail-office.png"), full_page=True)

    # The secretary of B1 claims it for a member of B1.
    _login(page, url, "secretary")
    menu_open(page)
    page.click("nav.nav a:has-text('党建联盟')")
    page.click("#alliance-tree a:has-text('红色传承联盟')")
    page.click("a:has-text('微心愿')")
    page.click(f"#wish-{wish.code} a:has-text('认领')")
    page.select_option("#id_member", str(cast.m1.pk))
    page.fill("#id_claimed_on", today.isoformat())
    page.screenshot(path=str(SCREENSHOTS / "alliance-wish-claim.png"), full_page=True)
    page.click("button:has-text('保存')")
    page.wait_for_url(f"{url}/alliances/{red.pk}/wishes/")
    assert "微心愿已认领" in page.text_content(".messages")
    assert cast.m1.name in page.text_content(f"#wish-{wish.code}")

    # The office marks it fulfilled, with evidence.
    _login(page, url, "office")
    page.goto(f"{url}/alliances/{red.pk}/wishes/")
    page.click(f"#wish-{wish.code} a:has-text('登记实现')")
    page.fill("#id_fulfilled_on", today.isoformat())
    page.fill("#id_evidence", "扶手已安装，老人签字确认")
    page.click("button:has-text('保存')")
    page.wait_for_url(f"{url}/alliances/{red.pk}/wishes/")
    assert "已实现" in page.text_content(f"#wish-{wish.code}")
    page.screenshot(path=str(SCREENSHOTS / "alliance-wishes-fulfilled.png"), full_page=True)

    wish.refresh_from_db()
    assert (wish.state, wish.claimed_by, wish.fulfilled_on) == ("fulfilled", cast.m1, today)
    assert Wish.objects.get(pk=wish.pk).evidence == "扶手已安装，老人签字确认"
    # The phone-sized page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
