"""A real browser: a secretary fills the month's dues grid, trips over one bad row, fixes it
and saves. Screenshots in screenshots/dues/."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from members.models import DuesPayment
from tests import factories as f
from tests.factories import PASSWORD
from tests.test_browser import chromium_page, menu_open  # noqa: F401 - the shared browser fixture

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots" / "dues"


def test_a_secretary_fills_the_dues_grid_fixes_a_bad_row_and_saves(
    chromium_page,  # noqa: F811
    live_server,
    cast,
):
    page = chromium_page
    url = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cast.m1.monthly_income, cast.m1.income_kind = Decimal("4000"), "employed"
    cast.m1.save()
    farmer = f.member(branch=cast.b1, name="王秀英", income_kind="farmer")
    unknown = f.member(branch=cast.b1, name="刘洋")

    page.goto(f"{url}/login/")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{url}/")
    menu_open(page)
    page.locator("nav.nav a", has_text="党费").click()
    page.wait_for_selector("#dues-grid")

    def amount(member):
        return page.locator(f"input[name='m{member.pk}-amount']")

    assert amount(cast.m1).input_value() == "40.00"  # 1% of 4000
    assert amount(farmer).input_value() == "0.50"  # the branch's fixed amount
    assert amount(unknown).input_value() == ""
    page.screenshot(path=str(SCREENSHOTS / "1-prefilled-390.png"), full_page=True)

    for member in (cast.m1, farmer):
        page.check(f"input[name='m{member.pk}-paid']")
    amount(cast.m1).fill("4O.00")  # a letter O instead of a zero
    page.click("text=保存党费")
    page.wait_for_selector("#dues-problems")
    summary = page.text_content("#dues-problems")
    assert "张伟：金额：" in summary
    row = page.locator(f"tr[data-member='{cast.m1.pk}']")
    assert row.locator(".errorlist").count() == 1
    assert amount(cast.m1).input_value() == "4O.00"  # what was typed stays
    assert page.is_checked(f"input[name='m{farmer.pk}-paid']")
    assert not DuesPayment.objects.exists()
    page.screenshot(path=str(SCREENSHOTS / "2-error-390.png"), full_page=True)

    amount(cast.m1).fill("40.00")
    page.click("text=保存党费")
    page.wait_for_selector(".messages li.success")
    assert "新登记 2 笔" in page.text_content(".messages")
    assert page.is_checked(f"input[name='m{cast.m1.pk}-paid']")
    payments = dict(DuesPayment.objects.values_list("member__name", "amount"))
    assert payments == {"张伟": Decimal("40.00"), "王秀英": Decimal("0.50")}
    assert DuesPayment.objects.filter(paid_on=timezone.localdate()).count() == 2
    page.screenshot(path=str(SCREENSHOTS / "3-saved-390.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280
    page.screenshot(path=str(SCREENSHOTS / "4-saved-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
