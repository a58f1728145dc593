"""The roster in a real browser: the office exports a branch's roster, downloads the import
template, uploads it with a bad row (refused whole, the errors listed) and then a good file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member
from tests import factories as f
from tests.factories import PASSWORD
from tests.test_browser import chromium_page  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
NATIONAL = ["姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党支部"]


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")  # the header's language buttons are submits too


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_office_exports_then_imports_a_roster_bad_row_refused_good_file_accepted(
    chromium_page,  # noqa: F811 (the fixture imported above)
    live_server,
    cast,
    tmp_path,
):
    page = chromium_page
    SHOTS.mkdir(exist_ok=True)
    _log_in(page, live_server, "office")
    page.goto(live_server.url + reverse("members:roster"))
    assert _fits(page)
    page.screenshot(path=str(SHOTS / "roster-page-390.png"), full_page=True)

    # the export of B1, opened with openpyxl: the national order and the member
    with page.expect_download() as got:
        page.click(f"a[href='{reverse('members:roster_export_branch', args=[cast.b1.pk])}']")
    exported = tmp_path / "export.xlsx"
    got.value.save_as(exported)
    rows = list(load_workbook(exported)["党员名册"].iter_rows(values_only=True))
    assert list(rows[0][: len(NATIONAL)]) == NATIONAL
    assert rows[1][0] == "张伟"

    # the template, filled in with one good and one bad row (a day too young to join)
    with page.expect_download() as got:
        page.click("#roster-template")
    template = tmp_path / "template.xlsx"
    got.value.save_as(template)
    wb = load_workbook(template)
    ws = wb["党员名册"]
    header = [c.value for c in ws[1]]
    birth = dt.date(1990, 3, 4)

    def row(**values):
        return [values.get(label) for label in header]

    good = row(姓名="刘洋", 性别="男", 公民身份号码=f.id_number(birth, 9), 出生日期=birth,
               人员类别="正式党员", 所在党支部=cast.b1.name,
               入党日期=dt.date(2012, 7, 1))  # fmt: skip
    bad = row(姓名="陈静", 性别="女", 编号="N2", 出生日期=birth, 人员类别="正式党员",
              所在党支部=cast.b1.name, 入党日期=dt.date(2008, 3, 3))  # fmt: skip
    ws.append(good)
    ws.append(bad)
    with_bad = tmp_path / "with-bad-row.xlsx"
    wb.save(with_bad)
    ws.delete_rows(3)
    only_good = tmp_path / "good.xlsx"
    wb.save(only_good)

    page.click("#roster-import")
    page.set_input_files("#id_file", str(with_bad))
    page.click("#roster-upload")
    page.wait_for_selector("#roster-errors")
    text = page.text_content("#roster-errors")
    assert "第 3 行" in text and "入党日期" in text and "未满 18 周岁" in text
    assert not Member.objects.filter(name__in=["刘洋", "陈静"]).exists()
    assert _fits(page)
    page.screenshot(path=str(SHOTS / "roster-import-refused-390.png"), full_page=True)

    page.set_input_files("#id_file", str(only_good))
    page.click("#roster-upload")
    page.wait_for_selector("#roster-result")
    assert "新增 1 人" in page.text_content("#roster-result")
    assert Member.objects.get(name="刘洋").branch == cast.b1
    page.set_viewport_size({"width": 1280, "height": 800})
    assert _fits(page)
    page.screenshot(path=str(SHOTS / "roster-import-accepted-1280.png"), full_page=True)
