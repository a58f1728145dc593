"""Screenshots of the main pages of each demo role, for the README (a script, not a test).

Against a running demo (`make run`, or `manage.py runserver` on a seeded database):

    python tools/readme_shots.py http://127.0.0.1:8000 --password "$(cat var/demo-password)"

Each role logs in through the form and opens its pages by following the links a user would
click (no ids are guessed); the PNGs go to docs/screenshots/ at 1280 px, and a few at 390 px
(a phone). Uses Debian's Chromium (CHROMIUM_PATH or /usr/bin/chromium), as the browser tests.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

# (user, file name, how to reach the page: a path, or a link text to click on the page before)
SHOTS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "demo-office",
        [
            ("office-dashboard", "/"),
            ("office-township-year", "/scoring/"),
            ("office-branches", "/branches/"),
            ("office-meetings", "/branches/meetings/"),
            ("office-members", "/members/"),
            ("office-audit", "/audit/"),
        ],
    ),
    (
        "demo-secretary",
        [
            ("secretary-dashboard", "/"),
            ("secretary-branch-year", "/scoring/"),
            ("secretary-meetings", "/branches/meetings/"),
            ("secretary-meeting", "first:.list a[href*='/branches/meetings/']"),
        ],
    ),
    ("demo-reviewer", [("county-comparison", "/"), ("reviewer-township-year", "/scoring/")]),
    ("demo-member", [("member-own-page", "/")]),
]
PHONE = {"secretary-dashboard", "secretary-meeting", "member-own-page", "office-dashboard"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the demo's address, e.g. http://127.0.0.1:8000")
    parser.add_argument("--password", required=True, help="the demo users' password")
    parser.add_argument("--only", default="", help="only the shots whose name contains this")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for username, shots in SHOTS:
            for width, height, suffix in ((1280, 900, ""), (390, 844, "-phone")):
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale="zh-CN"
                )
                page = context.new_page()
                page.goto(f"{args.base}/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", args.password)
                page.click("main button[type=submit]")
                page.wait_for_load_state("networkidle")
                for name, how in shots:
                    if (suffix and name not in PHONE) or args.only not in name:
                        continue
                    if how.startswith("first:"):
                        page.locator(how[6:]).first.click()
                    else:
                        page.goto(f"{args.base}{how}")
                    page.wait_for_load_state("networkidle")
                    target = OUT / f"{name}{suffix}.png"
                    page.screenshot(path=str(target), full_page=not suffix)
                    written.append(target)
                context.close()
        browser.close()
    for target in written:
        print(target.relative_to(OUT.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
