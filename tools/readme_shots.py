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

# (user, [(file name, how to reach the page)]): steps joined by " > ", each a path to open,
# `link:` a link's text to click in the page, or `first:` a CSS selector whose first match to click
SHOTS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "demo-office",
        [
            ("office-dashboard", "/"),
            ("office-township-year", "/scoring/"),
            ("office-star-round", "/scoring/ > link:查看星级评定 > link:上一年"),
            ("office-organisation", "/branches/manage/"),
        ],
    ),
    (
        "demo-secretary",
        [
            ("secretary-dashboard", "/"),
            ("secretary-branch-year", "/scoring/"),
            (
                "secretary-meeting",
                "/branches/meetings/ > first:.list a[href*='/branches/meetings/']",
            ),
            ("secretary-dues-grid", "/ > link:登记本月党费"),
        ],
    ),
    ("demo-reviewer", [("county-comparison", "/")]),
    ("demo-member", [("member-own-page", "/")]),
]
PHONE = {"secretary-dashboard", "secretary-meeting", "member-own-page", "county-comparison"}
PHONE_ONLY = PHONE - {"county-comparison"}  # the README shows these on a phone only


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
            for width, height, suffix in ((1280, 1000, ""), (390, 844, "-phone")):
                context = browser.new_context(  # charts drawn at once, not mid-animation
                    viewport={"width": width, "height": height},
                    locale="zh-CN",
                    reduced_motion="reduce",
                )
                page = context.new_page()
                page.goto(f"{args.base}/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", args.password)
                page.click("main button[type=submit]")
                page.wait_for_load_state("networkidle")
                for name, how in shots:
                    wanted = name in PHONE if suffix else name not in PHONE_ONLY
                    if not wanted or args.only not in name:
                        continue
                    for step in how.split(" > "):  # a path, then links to click
                        if step.startswith("first:"):
                            page.locator(step[6:]).first.click()
                        elif step.startswith("link:"):
                            page.locator("main a", has_text=step[5:]).first.click()
                        else:
                            page.goto(f"{args.base}{step}")
                        page.wait_for_load_state("networkidle")
                    target = OUT / f"{name}{suffix}.png"
                    page.screenshot(path=str(target))  # the first screen, as a visitor sees it
                    written.append(target)
                context.close()
        browser.close()
    for target in written:
        print(target.relative_to(OUT.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
