"""A real browser: the office creates an area and a branch in it, assigns the branch's secretary
(a new account with a one-time password), logs out, and the secretary signs in with that
password and sees their branch."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from branches.models import Area, Branch
from tests.factories import PASSWORD
from tests.test_browser import chromium_page, menu_open  # noqa: F401 - the shared browser fixture
from township.models import User

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots" / "orgadmin"


def _login(page, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_the_office_creates_a_branch_and_its_secretary_signs_in(
    chromium_page,  # noqa: F811
    live_server,
    cast,
):
    page = chromium_page
    page.set_viewport_size({"width": 1280, "height": 900})
    url = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    _login(page, url, "office", PASSWORD)
    menu_open(page)
    page.click("nav.nav a:has-text('组织管理')")
    page.wait_for_url(f"{url}/branches/manage/")

    # An area.
    page.click("nav.tabs a:has-text('片区')")
    page.click("main a:has-text('新建片区')")
    page.fill("#id_code", "A01")
    page.fill("#id_name", "东片区")
    page.fill("#id_head_name", "王片长")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{url}/branches/manage/areas/")
    assert "东片区" in page.text_content("main table")
    page.screenshot(path=str(SCREENSHOTS / "areas.png"), full_page=True)

    # A branch in that area.
    page.click("nav.tabs a:has-text('党支部')")
    page.click("main a:has-text('新建党支部')")
    page.fill("#id_code", "B077")
    page.fill("#id_name", "新光村党支部")
    page.select_option("#id_kind", "village")
    page.select_option("#id_area", label="东片区")
    page.screenshot(path=str(SCREENSHOTS / "branch-form.png"), full_page=True)
    page.click("main button[type=submit]")
    branch = Branch.objects.get(code="B077")
    page.wait_for_url(f"{url}/branches/{branch.pk}/")
    assert branch.area == Area.objects.get(code="A01") and branch.ranked

    # Its secretary: a new account, the password shown once.
    page.click("#manage-actions a:has-text('书记与挂包领导账号')")
    page.select_option("#account-create #id_role", "secretary")
    page.fill("#account-create #id_full_name", "赵书记")
    page.fill("#account-create #id_username", "zhao-sec")
    page.click("#account-create button[type=submit]")
    password = page.text_content("#new-password").strip()
    assert page.text_content("#new-username").strip() == "zhao-sec"
    page.screenshot(path=str(SCREENSHOTS / "account-created.png"), full_page=True)
    assert User.objects.get(username="zhao-sec").branch == branch
    page.click("main a:has-text('完成')")
    assert password not in page.content()
    assert "赵书记" in page.text_content("main table")

    # A member of B1 moves to the new branch; the branch page shows the transfer.
    page.goto(f"{url}/members/{cast.m1.pk}/")
    page.click("#life-actions a:has-text('转接组织关系')")
    page.select_option("#id_to", label="新光村党支部")
    page.fill("#id_on", timezone.localdate().isoformat())
    page.fill("#id_note", "工作调动")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{url}/members/{cast.m1.pk}/")
    page.goto(f"{url}/branches/{branch.pk}/")
    assert cast.m1.name in page.text_content("#org-history")
    page.screenshot(path=str(SCREENSHOTS / "branch-office.png"), full_page=True)
    page.goto(f"{url}/branches/manage/")
    assert "新光村党支部" in page.text_content("main table")
    page.screenshot(path=str(SCREENSHOTS / "branches.png"), full_page=True)

    # The office logs out; the secretary signs in with the password shown and sees the branch.
    page.click("header form[action='/logout/'] button")
    page.wait_for_url(f"{url}/login/")
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, url, "zhao-sec", password)
    assert "新光村党支部" in page.text_content("main")
    menu_open(page)
    page.click("nav.nav a:has-text('本支部')")
    page.wait_for_url(f"{url}/branches/{branch.pk}/")
    assert "赵书记" in page.text_content("main")
    assert page.locator("#manage-actions").count() == 0  # no management buttons for a secretary
    page.screenshot(path=str(SCREENSHOTS / "secretary-branch.png"), full_page=True)
