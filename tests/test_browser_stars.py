"""A real browser through the star rating (星级评定): the office opens last year's round, the
secretary writes the branch's self-assessment, the office changes a proposal with a reason and
starts the notice, a member reads it, time moves past the notice (time-machine, shared by the
live server's thread), the office sets the stars and lowers one after a finding, and the
branch's page shows the history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from scoring.models import StarChange, StarProposal, StarRound
from tests.factories import PASSWORD
from tests.test_browser import chromium_page, menu_open  # noqa: F401 - the shared browser fixture

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots" / "stars"
YEAR = 2025


def _login(page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{url}/")


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_the_star_rating_from_proposal_to_set_stars_and_a_demotion(
    chromium_page,  # noqa: F811
    live_server,
    cast,
):
    page = chromium_page
    url = live_server.url
    round_url = url + reverse("scoring:stars_round", args=[cast.t1.pk, YEAR])
    page.set_viewport_size({"width": 1280, "height": 900})

    # The office opens the round of last year from the year page's link.
    _login(page, url, "office")
    page.goto(url + reverse("scoring:township_year", args=[cast.t1.pk, YEAR]))
    assert "尚未启动" in page.text_content("#star-round-state")
    page.click("#star-round-state a")
    page.click("#star-open")
    page.wait_for_selector(".messages")
    assert "星级评定已启动" in page.text_content(".messages")
    assert "支部自评中" in page.text_content("#star-round-state")
    _shot(page, "1-office-round-opened")

    # The secretary writes the branch's self-assessment (on a phone).
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, url, "secretary")
    page.goto(round_url)
    page.get_by_role("link", name="填写支部自评").click()
    page.fill("#id_text", "全年三会一课按时开展，党员联户走访全覆盖。")
    page.click("#star-note button[type=submit]")
    page.wait_for_selector(".messages")
    assert "已保存" in page.text_content(".messages")
    _shot(page, "2-secretary-self-assessment")

    # The office closes the self-assessment, changes a proposal with a reason, starts the notice.
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, url, "office")
    page.goto(round_url)
    page.click("#star-next")  # 结束自评，开始审核
    page.wait_for_selector(".messages")
    assert "审核中" in page.text_content("#star-round-state")
    page.goto(round_url + "?kind=branch")
    page.locator("#star-proposals a", has_text=cast.b1.name).click()
    assert "全年三会一课按时开展" in page.text_content("#star-proposal")
    page.select_option("#id_stars", "2")
    page.fill("#id_reason", "村集体经济增收明显，群众评议满意度高")
    page.click("#star-review button[type=submit]")
    page.wait_for_selector(".messages")
    assert "建议星级已调整" in page.text_content(".messages")
    _shot(page, "3-office-review")
    page.goto(round_url)
    page.click("#star-next")  # 开始公示（5 天）
    page.wait_for_selector(".messages")
    assert "公示中" in page.text_content("#star-round-state")
    page.click("#star-next")  # too early: refused with the notice's end
    page.wait_for_selector(".messages")
    assert "公示期满后" in page.text_content(".messages")

    # A member reads the notice from their own page (on a phone).
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, url, "member")
    page.goto(url + reverse("me"))
    page.get_by_role("link", name=f"{YEAR} 年星级评定公示").click()
    notice = page.text_content("#star-notice")
    today = timezone.localdate()
    end = today + dt.timedelta(days=4)
    assert f"{today:%Y-%m-%d} — {end:%Y-%m-%d}" in notice
    assert cast.b1.name in notice and cast.b2.name in notice
    _shot(page, "4-member-notice")

    # Six days later the notice is over: the office sets the stars and lowers one.
    with time_machine.travel(timezone.now() + dt.timedelta(days=6), tick=True):
        page.set_viewport_size({"width": 1280, "height": 900})
        _login(page, url, "office")
        page.goto(round_url)
        page.click("#star-next")  # 公示期满，确定星级
        page.wait_for_selector(".messages")
        assert "星级已确定" in page.text_content(".messages")
        assert "已评定" in page.text_content("#star-round-state")
        _shot(page, "5-office-set")
        page.goto(round_url + "?kind=branch")
        page.locator("#star-proposals a", has_text=cast.b1.name).click()
        page.select_option("#id_stars", "1")
        page.fill("#id_found_on", timezone.localdate().isoformat())
        page.fill("#id_reason", "巡察发现虚报主题党日记录")
        page.click("#star-demote button[type=submit]")
        page.wait_for_selector(".messages")
        assert "星级已降低" in page.text_content(".messages")
        _shot(page, "6-office-demotion")

        page.goto(url + reverse("branches:branch_detail", args=[cast.b1.pk]))
        history = page.text_content("#star-history")
        assert "发现问题降级" in history and "巡察发现虚报主题党日记录" in history
        assert "审核调整" in history and "村集体经济增收明显" in history
        _shot(page, "7-branch-history")

    star_round = StarRound.objects.get(township=cast.t1, year=YEAR)
    assert star_round.state == "set"
    b1 = StarProposal.objects.get(round=star_round, kind="branch", branch=cast.b1)
    assert (b1.stars, b1.final) == (2, 1)
    assert list(b1.changes.values_list("step", flat=True)) == [
        "proposed",
        "reviewed",
        "set",
        "demoted",
    ]
    assert StarChange.objects.filter(step="demoted").count() == 1
