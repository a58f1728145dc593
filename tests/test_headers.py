"""Response headers and static files: a strict Content-Security-Policy that the pages keep (no
inline script, event handler or style), and content-hashed static files in production."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from tests import test_permissions as matrix
from tests.test_settings import PRODUCTION_ENV, _manage

ROOT = Path(__file__).resolve().parent.parent
BACKEND = "django.contrib.auth.backends.ModelBackend"
world = matrix.world

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_the_login_page_carries_the_strict_policy(client):
    response = client.get(reverse("login"))
    assert _policy(response) == POLICY
    assert "unsafe" not in response["Content-Security-Policy"]


def test_a_signed_in_page_and_a_download_carry_it_too(client, cast):
    client.force_login(cast.office, backend=BACKEND)
    assert _policy(client.get(reverse("dashboard"))) == POLICY
    response = client.post(reverse("exchange_export"), {"townships": [cast.t1.pk]})
    assert "attachment" in response["Content-Disposition"]
    assert _policy(response) == POLICY


# Inline code in templates: a <script> without src (a JSON data block is no script), an event
# handler attribute, a style attribute or element, a javascript: URL.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|\son[a-z]+\s*="
    r"|\sstyle\s*="
    r"|<style\b"
    r"|javascript:",
    re.IGNORECASE,
)
# The report template is rendered by WeasyPrint into PDF files, never sent to a browser.
NOT_SERVED = {"templates/reports/report.html"}


def _templates() -> list[Path]:
    found = list((ROOT / "templates").rglob("*.html"))
    for app in ("township", "branches", "members", "scoring", "cooperatives", "alliances"):
        found += list((ROOT / app / "templates").rglob("*.html"))
    return found


def test_no_template_holds_inline_script_handlers_or_styles():
    templates = _templates()
    assert len(templates) > 30
    offending = []
    for path in templates:
        name = path.relative_to(ROOT).as_posix()
        if name in NOT_SERVED:
            continue
        for match in INLINE.finditer(path.read_text()):
            offending.append(f"{name}: {match.group().strip()}")
    assert offending == []


def test_the_inline_pattern_finds_what_the_policy_refuses():
    for snippet in (
        "<script>alert(1)</script>",
        '<select onchange="this.form.submit()">',
        '<div style="color:red">',
        "<style>p {}</style>",
        '<a href="javascript:go()">',
    ):
        assert INLINE.search(snippet), snippet
    for snippet in (
        '<script src="/static/js/app.js" defer></script>',
        '<script id="d" type="application/json">{}</script>',
        '<button data-print class="btn">',
    ):
        assert not INLINE.search(snippet), snippet


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.found.append("<script> without src")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                self.found.append(f'{tag} {name}="{value}"')
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f'{tag} {name}="{value}"')


@pytest.mark.parametrize("role", ["anon", "reviewer", "office", "secretary", "member"])
def test_every_rendered_page_is_free_of_inline_code(client, world, settings, tmp_path, role):
    """What the templates render, filled with data, for each role: every GET page answering 200."""
    settings.PRIVATE_ROOT = tmp_path
    if role != "anon":
        client.force_login(getattr(world.cast, matrix.USERS[role]), backend=BACKEND)
    pages = 0
    for row in matrix.ROWS:
        if row.method != "get":
            continue
        response = client.get(reverse(row.name, kwargs=row.kwargs(world)))
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        finder = _InlineFinder()
        finder.feed(response.content.decode())
        assert finder.found == [], (row.id(), finder.found)
        pages += 1
    assert pages >= 1


def test_production_serves_static_files_under_content_hashed_names(tmp_path):
    """DEBUG off: collectstatic writes hashed copies and a manifest, and templates link them."""
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)}
    collected = _manage("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr
    assert (tmp_path / "staticfiles.json").exists()
    shown = _manage(
        "shell",
        "-c",
        "from django.templatetags.static import static; print(static('js/app.js'))",
        env=env,
    )
    assert shown.returncode == 0, shown.stderr
    name = shown.stdout.strip().splitlines()[-1]  # after the shell's own notice
    assert re.fullmatch(r"/static/js/app\.[0-9a-f]{12}\.js", name), name
    assert (tmp_path / name.removeprefix("/static/")).read_bytes() == (
        ROOT / "static" / "js" / "app.js"
    ).read_bytes()
