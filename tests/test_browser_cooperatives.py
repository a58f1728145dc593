"""In a real browser: the office enters a cooperative with its holders and its year's account,
then downloads the dividend statement through the report job (Debian Chromium, live server)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from cooperatives import rules
from cooperatives.models import Cooperative
from tests.test_browser import SCREENSHOTS, _log_in, chromium_page, menu_open  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

HOLDERS = [
    ("H001", "collective", "东李庄村股份经济合作社", "funds", "200000.00", "200"),
    ("H002", "villager", "张伟", "land", "12000.00", "12"),
    ("H003", "villager", "赵秀英", "money", "12000.00", "12"),
    ("H004", "enterprise", "鲁丰农业发展有限公司", "money", "100000.00", "100"),
]


def test_office_enters_a_cooperative_and_downloads_its_dividend_statement(
    chromium_page,  # noqa: F811
    live_server,
    cast,
    settings,
    tmp_path,
):
    settings.PRIVATE_ROOT = tmp_path
    page = chromium_page
    page.set_viewport_size({"width": 1280, "height": 900})
    SCREENSHOTS.mkdir(exist_ok=True)
    _log_in(page, live_server, "office")

    menu_open(page)
    page.locator("nav.nav a", has_text="合作社与项目").click()
    page.get_by_role("link", name="登记合作社").click()
    page.select_option("#id_branch", str(cast.b1.pk))
    page.fill("#id_code", "C01")
    page.fill("#id_name", "东李庄富民种植专业合作社")
    page.fill("#id_credit_code", "93370123MA3C4Q5K8Q")  # a wrong check character first
    page.select_option("#id_model", "collective")
    page.fill("#id_founded_on", "2021-04-01")
    page.fill("#id_business", "蔬菜种植")
    page.click("main button[type=submit]")
    assert "校验位不正确" in page.text_content("#field-credit_code")
    page.fill("#id_credit_code", "93370123MA3C4Q5K8P")
    page.click("main button[type=submit]")
    coop = Cooperative.objects.get(code="C01")
    page.wait_for_url(f"**{reverse('cooperatives:detail', args=[coop.pk])}")

    for code, kind, name, contribution, value, shares in HOLDERS:
        page.get_by_role("link", name="登记股东").click()
        page.fill("#id_code", code)
        page.select_option("#id_kind", kind)
        page.fill("#id_name", name)
        if name == "张伟":
            page.select_option("#id_member", str(cast.m1.pk))
        page.select_option("#id_contribution", contribution)
        page.fill("#id_value", value)
        page.fill("#id_shares", shares)
        page.click("main button[type=submit]")
        page.wait_for_selector(".messages")
    assert page.locator("#register tbody tr").count() == 4
    assert "61.73%" in page.text_content("#register")  # 200 of 324 shares

    page.get_by_role("link", name="登记年度决算").click()
    page.fill("#id_year", "2025")
    page.fill("#id_profit", "100000.01")
    page.fill("#id_reserve_ratio", "0.10")
    page.click("main button[type=submit]")
    page.wait_for_selector("#year-2025")
    page.screenshot(path=str(SCREENSHOTS / "cooperative-detail.png"), full_page=True)

    page.locator("#year-2025 form.report-buttons button[value=xlsx]").click()
    page.wait_for_selector("#download", timeout=60_000)
    page.screenshot(path=str(SCREENSHOTS / "cooperative-statement-job.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#download")
    data = Path(download.value.path()).read_bytes()
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["股东分红"]
    rows = list(sheet.iter_rows(values_only=True))[1:-1]
    cents = {r[0]: round(Decimal(str(r[5])) * 100) for r in rows}
    expected = rules.dividends(
        profit=Decimal("100000.01"),
        reserve_ratio=Decimal("0.10"),
        holders=[rules.HolderStake(h[0], int(h[5])) for h in HOLDERS],
    )
    assert cents == expected.amounts and sum(cents.values()) == 9000001
