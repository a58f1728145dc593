"""Every link shown to a user works for that user: no dead ends (403, 404, 5xx) in the app.

The crawl logs in as each demo user on the demo county, starts at the dashboard and follows
every link on every page it reaches (same site only), a few pages per kind of page so that the
run stays short: a link to one meeting stands for the links to all meetings.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse

from exchange.management.commands.seed_demo import DEMO_USERNAMES
from township.models import User

PER_KIND = 2  # pages visited per (view, query keys) and role
PER_ROLE = 400  # pages visited at most per role
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/")


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# Elements that hold interface words, never records: in English none may show Chinese. (Form
# labels are left out: a checkbox's label is often a branch's or a member's name. An element
# with its own `lang`, such as the language switch's 简体中文, says what language it is in.)
CHROME = {"th", "button", "legend", "summary", "nav", "caption"}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.chrome: list[str] = []
        self._open: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)
        if tag in CHROME and "lang" not in dict(attrs):
            self._open.append(tag)
            self._text.append("")

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()
            text = self._text.pop().strip()
            if self._text:
                self._text[-1] += text
            if text:
                self.chrome.append(f"<{tag}>{text}")

    def handle_data(self, data):
        if self._text:
            self._text[-1] += data


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _links(html: str, here: str) -> list[str]:
    parser = _parse(html)
    found = []
    for href in parser.hrefs:
        href = urldefrag(href)[0]
        if not href or href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue  # another site
        path = (
            parts.path if parts.path.startswith("/") else here.rsplit("/", 1)[0] + "/" + parts.path
        )
        if path.startswith(SKIPPED_PREFIXES):
            continue
        found.append(path + (f"?{parts.query}" if parts.query else ""))
    return found


def _kind(url: str) -> tuple:
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = parts.path
    return name, tuple(sorted(k for k, _v in parse_qsl(parts.query, keep_blank_values=True)))


def _crawl(
    client, start: str, chinese: set | None = None
) -> tuple[dict[str, tuple[int, str]], int]:
    """Visit from `start`; return {url: (status, the page that showed it)} of the failures.

    With `chinese` (a set), add to it the interface words still in Chinese, with their page.
    """
    failures: dict[str, tuple[int, str]] = {}
    seen: set[str] = {start}
    kinds: Counter = Counter()
    queue = deque([(start, "(start)")])
    visited = 0
    while queue and visited < PER_ROLE:
        url, shown_on = queue.popleft()
        response = client.get(url, follow=True)
        visited += 1
        if response.status_code != 200 or (
            response.redirect_chain
            and urlsplit(response.redirect_chain[-1][0]).path == reverse("login")
        ):
            failures[url] = (response.status_code, shown_on)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        if chinese is not None:
            chinese.update(
                (_kind(url)[0], text)
                for text in _parse(response.content.decode()).chrome
                if CJK.search(text)
            )
        for link in _links(response.content.decode(), urlsplit(final).path):
            if link in seen:
                continue
            seen.add(link)
            kind = _kind(link)
            if kinds[kind] >= PER_KIND:
                continue
            kinds[kind] += 1
            queue.append((link, url))
    return failures, visited


@pytest.mark.django_db(transaction=False)
def test_every_link_shown_to_every_role_answers_200_and_speaks_english_when_asked(client):
    """One crawl, in English (links do not depend on the language): dead links, and headers,
    buttons and menus still in Chinese."""
    call_command(
        "seed_demo",
        password="crawl-pass-123",
        today=dt.date(2026, 11, 23),
        stdout=io.StringIO(),
    )
    report = []
    chinese: set[tuple[str, str]] = set()
    for username in DEMO_USERNAMES:
        user = User.objects.get(username=username)
        client.logout()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        failures, visited = _crawl(client, reverse("dashboard"), chinese)
        if visited < 3:  # a member has the fewest pages: the dashboard, 我的积分, 提醒
            report.append(f"{username}: the crawl found almost nothing ({visited} pages)")
        report += [
            f"{username}: {url} answered {status} (linked from {shown_on})"
            for url, (status, shown_on) in sorted(failures.items())
        ]
    report += [f"{view}: {text[:80]} is still in Chinese" for view, text in sorted(chinese)]
    assert not report, "Dead links and untranslated interface:\n" + "\n".join(report)
