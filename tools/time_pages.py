"""Unloaded page timings on the benchmark county (a script, not a test).

Serves each page through Django's test client in one process (no load, no network): once to
count its queries (and time the first view), then three times, and prints the best time:

    DATABASE_URL=sqlite:///var/bench.sqlite3 python tools/time_pages.py

It adds an office user (first township), a secretary (its first branch) and a reviewer
(the county) to the bench database when they are missing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "township.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from branches.models import Branch, County, Meeting, Township  # noqa: E402
from township.models import User  # noqa: E402


def user(username: str, **fields) -> User:
    found = User.objects.filter(username=username).first()
    return found or User.objects.create(username=username, **fields)


def main() -> None:
    county = County.objects.order_by("pk").first()
    township = Township.objects.filter(county=county).order_by("code").first()
    branch = Branch.objects.filter(township=township).order_by("code").first()
    meeting = Meeting.objects.filter(branch=branch).order_by("-date").first()
    year = 2026
    people = {
        "office": user("bench-office", role="office", township=township),
        "secretary": user("bench-secretary", role="secretary", township=township, branch=branch),
        "reviewer": user("bench-reviewer", role="reviewer", county=county),
    }
    t, b = township.pk, branch.pk
    pages = [
        ("office", "/branches/"),
        ("office", "/branches/?page=2"),
        ("office", f"/branches/{b}/"),
        ("office", "/branches/meetings/"),
        ("office", "/members/"),
        ("office", f"/scoring/t/{t}/{year}/"),
        ("office", f"/scoring/t/{t}/month/{year}-10/"),
        ("office", f"/scoring/branch/{b}/{year}/"),
        ("office", f"/scoring/t/{t}/{year - 1}/"),
        ("office", f"/scoring/branch/{b}/{year - 1}/"),
        ("office", "/"),
        ("office", "/audit/"),
        ("secretary", f"/branches/meetings/{meeting.pk}/attendance/"),
        ("secretary", "/branches/meetings/"),
        ("secretary", "/members/"),
        ("secretary", "/"),
        ("reviewer", "/"),
        ("reviewer", "/branches/"),
        ("reviewer", f"/branches/?township={t}"),
        ("reviewer", "/branches/meetings/"),
        ("reviewer", "/members/"),
        ("reviewer", f"/scoring/t/{t}/{year}/"),
        ("anonymous", "/login/"),
    ]
    only = sys.argv[1:]
    print(f"{'role':10} {'page':44} {'status':>6} {'queries':>7} {'ms':>8} {'first':>8}")
    for role, url in pages:
        if only and not any(s in url for s in only):
            continue
        client = Client()
        if role != "anonymous":
            client.force_login(people[role])
        with CaptureQueriesContext(connection) as ctx:  # warm-up, counting the queries
            started = time.perf_counter()
            response = client.get(url)
            first = (time.perf_counter() - started) * 1000
        queries = len(ctx.captured_queries)
        best = first
        for _ in range(0 if first > 5000 else 3):  # a slow page is timed once
            started = time.perf_counter()
            client.get(url)
            best = min(best, (time.perf_counter() - started) * 1000)
        print(
            f"{role:10} {url:44} {response.status_code:>6} {queries:>7} {best:>8.0f} {first:>8.0f}"
        )


if __name__ == "__main__":
    main()
