"""A real browser against the live server: a secretary logs in and fills the attendance grid.

Runs Debian's Chromium (CHROMIUM_PATH or /usr/bin/chromium); skipped when none is installed.
Browsers are never downloaded.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from branches.models import Attendance
from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


@pytest.fixture
def chromium_page():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses that
    # unless told it is safe (the live server runs in its own thread).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = context.new_page()
        # Whatever the Content-Security-Policy refuses (an inline script, handler or style) is
        # reported on the console; no page of any browser test may cause one.
        violations = []
        page.on(
            "console",
            lambda msg: (
                violations.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        yield page
        browser.close()
        assert violations == [], violations


def test_secretary_records_attendance_in_the_grid(chromium_page, live_server, cast):
    page = chromium_page
    m2 = f.member(branch=cast.b1, name="王秀英")
    meeting = f.meeting(branch=cast.b1, topic="学习党章")

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")  # the header's language buttons are submits too
    page.wait_for_url(f"{live_server.url}/")
    assert cast.b1.name in page.text_content("main")
    assert page.locator("nav.nav a", has_text="本支部").count() == 1

    page.goto(f"{live_server.url}/branches/meetings/{meeting.pk}/attendance/")
    row = page.locator(f".grid-row[data-member='{m2.pk}']")
    row.get_by_label("请假", exact=True).check()
    row.locator("input[type=text]").fill("外出务工")
    page.click("text=保存出勤")
    page.wait_for_url(f"{live_server.url}/branches/meetings/{meeting.pk}/")
    assert "出勤已保存" in page.text_content(".messages")

    statuses = dict(Attendance.objects.values_list("member__name", "status"))
    assert statuses == {cast.m1.name: "present", "王秀英": "excused"}
    assert Attendance.objects.get(member=m2).reason == "外出务工"


@pytest.mark.parametrize("who", ["reviewer", "office"])
def test_the_dashboards_charts_draw_and_link(chromium_page, live_server, cast, who):
    page = chromium_page
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", who)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")  # the header's language buttons are submits too
    page.wait_for_url(f"{live_server.url}/")
    charts = page.locator("[data-chart]")
    assert charts.count() >= 2
    for i in range(charts.count()):
        charts.nth(i).locator("svg").first.wait_for()  # drawn by static/js/charts.js
        box = charts.nth(i).bounding_box()
        assert box["width"] <= 390 and box["height"] > 100
    # A tooltip on each chart: drawn inside the chart, as HTML ones would break the policy.
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).hover(position={"x": 200, "y": 60})
        page.wait_for_timeout(300)
    # The tables scroll in their own box: the page itself is no wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []


def _chart_animations(page) -> list[bool]:
    """Whether each chart of the page was drawn with ECharts' entry animation."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("[data-chart]"), (el) =>
            window.echarts.getInstanceByDom(el).getOption().animation !== false)"""
    )


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_the_charts_animate_only_for_those_who_did_not_ask_for_reduced_motion(
    chromium_page, live_server, cast, motion
):
    page = chromium_page
    page.emulate_media(reduced_motion=motion)
    _log_in(page, live_server, "reviewer")
    page.locator("[data-chart] svg").first.wait_for()
    animations = _chart_animations(page)
    assert len(animations) >= 2
    assert animations == [motion != "reduce"] * len(animations)
    # A resize redraws the charts from their makers (after a pause): still as the visitor asked.
    page.set_viewport_size({"width": 800, "height": 844})
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll("[data-chart]")).every(
            (el) => window.echarts.getInstanceByDom(el).getWidth() > 400)"""
    )
    assert _chart_animations(page) == animations


SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def test_reviewer_compares_drills_into_a_township_and_downloads_the_county_ranking(
    chromium_page, live_server, cast, settings, tmp_path
):
    """In-process jobs (no broker): the request runs the job, the page shows the download."""
    settings.PRIVATE_ROOT = tmp_path
    import datetime as dt

    from township.models import ReportJob

    for branch, member in ((cast.b1, cast.m1), (cast.b3, cast.m3)):
        f.meeting(branch=branch, type="committee", date=dt.date(2026, 1, 8))
        f.meeting(branch=branch, date=dt.date(2026, 1, 5), attendance={member: "present"})
    page = chromium_page
    page.set_viewport_size({"width": 1280, "height": 900})
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")  # the header's language buttons are submits too
    page.goto(f"{live_server.url}/?period=2026-Q1")
    assert cast.t1.name in page.text_content("#comparison")
    page.wait_for_timeout(1500)  # the charts' entry animation
    page.screenshot(path=str(SCREENSHOTS / "reviewer-comparison.png"), full_page=True)

    page.locator("#comparison a", has_text=cast.t1.name).first.click()
    page.wait_for_url(f"**/scoring/t/{cast.t1.pk}/2026/**")
    assert cast.b1.name in page.text_content("main")

    page.goto(f"{live_server.url}/?period=2026-Q1")
    page.locator("form.report-buttons:has(input[value=county_ranking]) button[value=pdf]").click()
    page.wait_for_selector("#download", timeout=60_000)
    job = ReportJob.objects.get(kind="county_ranking")
    assert page.text_content("#sha256").strip() == job.sha256
    page.screenshot(path=str(SCREENSHOTS / "reviewer-county-ranking-job.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#download")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    import hashlib

    assert hashlib.sha256(data).hexdigest() == job.sha256


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")  # the header's language buttons are submits too
    page.wait_for_url(f"{live_server.url}/")


def test_choosing_a_township_switches_the_page_without_inline_script(
    chromium_page, live_server, cast
):
    """The township picker submits on change through static/js/app.js (no onchange=)."""
    page = chromium_page
    _log_in(page, live_server, "reviewer")
    page.goto(live_server.url + reverse("scoring:township_year", args=[cast.t1.pk, 2026]))
    with page.expect_navigation():
        page.select_option("#pick-township", str(cast.t2.pk))
    assert f"/scoring/t/{cast.t2.pk}/" in page.url
    assert cast.t2.name in page.text_content("h1")


def test_the_sign_in_sheets_print_button_prints(chromium_page, live_server, cast):
    page = chromium_page
    meeting = f.meeting(branch=cast.b1, topic="学习党章")
    _log_in(page, live_server, "secretary")
    page.goto(live_server.url + reverse("branches:meeting_sign_in", args=[meeting.pk]))
    page.evaluate("window.print = function () { window.printed = true; }")
    page.click("button[data-print]")
    assert page.evaluate("window.printed") is True
    # The sheet's own style sheet applies: the toolbar is centred, the table has its borders.
    assert page.evaluate("getComputedStyle(document.querySelector('.toolbar')).textAlign") == (
        "center"
    )


def menu_open(page) -> None:
    """Unfold the main menu when it is folded behind its button (phone widths)."""
    toggle = page.locator("[data-nav-toggle]")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
