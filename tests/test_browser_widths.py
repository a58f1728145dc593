"""No page scrolls sideways, on a 390 px phone or a 1280 px desktop: wide tables scroll inside
their own box, the menu folds away on a phone. Every role's main pages on the demo county."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from branches.models import Meeting
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.test_browser import chromium_page  # noqa: F401  (the fixture)
from township.models import User

pytestmark = pytest.mark.browser
PASSWORD = "widths-pass-123"
SHOTS = Path(__file__).resolve().parent.parent / "screenshots" / "widths"
# WIDTH_SHOTS=1 saves every page at both widths to look at; otherwise only the failures.
EVERY_SHOT = bool(os.environ.get("WIDTH_SHOTS"))


def _pages(role: str) -> list[str]:
    """The pages each role uses most, by URL name."""
    secretary = User.objects.get(username="demo-secretary")
    branch = secretary.branch
    meeting = Meeting.objects.filter(branch=branch).order_by("-date").first()
    member = branch.members.order_by("pk").first()
    t, year, month = branch.township_id, 2026, "2026-10"
    home = [reverse("dashboard"), reverse("notifications")]
    branch_pages = [
        reverse("branches:branch_detail", args=[branch.pk]),
        reverse("members:member_list"),
        reverse("members:member_detail", args=[member.pk]),
        reverse("branches:meeting_list"),
        reverse("branches:meeting_detail", args=[meeting.pk]),
        reverse("branches:meeting_attendance", args=[meeting.pk]),
        reverse("branches:meeting_sign_in", args=[meeting.pk]),
        reverse("scoring:branch_year", args=[branch.pk, year]),
    ]
    township_pages = [
        reverse("scoring:township_month", args=[t, month]),
        reverse("scoring:township_year", args=[t, year]),
    ]
    return {
        "demo-office": [
            *home,
            reverse("branches:branch_list"),
            *branch_pages,
            *township_pages,
            reverse("reports:list"),
            reverse("audit_list"),
        ],
        "demo-secretary": [*home, *branch_pages],
        "demo-reviewer": [*home, *township_pages, reverse("audit_list")],
        "demo-liaison": [
            *home,
            reverse(
                "branches:branch_detail", args=[User.objects.get(username="demo-liaison").branch_id]
            ),
        ],
        "demo-member": [*home, reverse("me")],
    }[role]


@pytest.mark.django_db(transaction=True)
def test_no_page_scrolls_sideways_on_a_phone_or_a_desktop(chromium_page, live_server):  # noqa: F811
    call_command("seed_demo", password=PASSWORD, today=dt.date(2026, 11, 23), stdout=io.StringIO())
    page = chromium_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide = []
    for role in ("demo-office", "demo-secretary", "demo-reviewer", "demo-liaison", "demo-member"):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", role)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for path in _pages(role):
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, (role, path, response.status)
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                name = f"{role}-{width}-{path.strip('/').replace('/', '_') or 'home'}.png"
                if overflow > 0 or EVERY_SHOT:
                    page.screenshot(path=str(SHOTS / name), full_page=True)
                if overflow > 0:
                    wide.append(f"{role} {width}px {path}: {overflow}px too wide ({name})")
    assert not wide, "Pages that scroll sideways:\n" + "\n".join(wide)


def test_the_menu_folds_behind_a_button_on_a_phone_only(chromium_page, live_server, cast):  # noqa: F811
    page = chromium_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", FACTORY_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    menu, toggle = page.locator("#main-menu"), page.locator("[data-nav-toggle]")
    assert toggle.is_visible() and not menu.is_visible()  # 390 px: folded
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "menu-open-390.png"))
    page.get_by_role("link", name="支部", exact=True).click()
    page.wait_for_url(f"{live_server.url}{reverse('branches:branch_list')}")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert menu.is_visible() and not toggle.is_visible()  # desktop: always open, no button
