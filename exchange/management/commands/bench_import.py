"""Benchmark of a very large import (a script, not a timed test).

Writes (once, then reuses) an exchange document of one township with N members (260,000 by
default, 100 to a branch) and imports it with `manage.py import_township` in a child process,
three times: into a database without the township (everything created), the same file again
(nothing changes), then a file of the township without members (everything deleted). For each
run it prints the wall time, the child's CPU time and its peak memory (maximum resident set
size), both from `os.wait4`. The child runs with DEBUG off, as in production.

    DATABASE_URL=sqlite:///var/bench-import.sqlite3 python manage.py bench_import
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from branches.models import Township
from exchange.document import FORMAT

BENCH_COUNTY = "BENCHIMP"
BENCH_TOWNSHIP = "BENCHIMP01"
PER_BRANCH = 100


class Command(BaseCommand):
    help = "Import a township of N members twice through import_township; print time and memory."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=260_000)
        parser.add_argument(
            "--file", default="", help="where the document is written (default: var/…)"
        )

    def handle(self, *args, members: int, file: str, **options):
        if Township.objects.exclude(county__code=BENCH_COUNTY).exists():
            raise CommandError(
                "The database holds real townships; run the benchmark on its own database, "
                "e.g. DATABASE_URL=sqlite:///var/bench-import.sqlite3 python manage.py bench_import"
            )
        path = Path(file or settings.BASE_DIR / "var" / f"bench-import-{members}.json")
        if not path.exists():
            started = time.perf_counter()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(bench_document(members), ensure_ascii=False))
            self.stdout.write(f"document written in {time.perf_counter() - started:.1f} s")
        self.stdout.write(
            f"{path}: {members:,} members, {path.stat().st_size / 1e6:.1f} MB "
            f"({connection.vendor}, {connection.settings_dict['NAME']})"
        )
        empty = path.with_name(path.stem + "-empty.json")
        empty.write_text(json.dumps(bench_document(0), ensure_ascii=False))
        connection.close()  # the child writes; SQLite wants no other open connection
        if Township.objects.filter(code=BENCH_TOWNSHIP).exists():
            _run_child(empty)  # a previous run's township: emptied through the importer too
            connection.close()
        runs = (
            (f"import of {members:,} members (all created)", path),
            ("the same file again (nothing changes)", path),
            ("a file without them (all deleted)", empty),
        )
        for label, document in runs:
            run = _run_child(document)
            self.stdout.write(
                f"{label}: {run.wall:.1f} s ({run.cpu:.1f} s CPU), peak memory {run.peak_mb:.0f} MB"
            )
            self.stdout.write("  " + run.output.strip().replace("\n", "\n  "))


@dataclass(frozen=True)
class ChildRun:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child (the machine may be shared)
    peak_mb: float  # maximum resident set size
    output: str


def _run_child(path: Path) -> ChildRun:
    """Run import_township on `path` in a child process, as production runs it (DEBUG off)."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
    }
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "import_township", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    assert child.stdout is not None
    output = child.stdout.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise CommandError(f"import_township failed ({child.returncode}):\n{output[-1500:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return ChildRun(wall, cpu, usage.ru_maxrss / 1024, output)  # ru_maxrss: KiB on Linux


def bench_document(members: int) -> dict:
    """One township: a branch per 100 members, an area per 100 branches, full member rows."""
    branches = -(-members // PER_BRANCH)
    areas = [{"code": f"A{a:03d}", "name": f"片区{a}"} for a in range(1, -(-branches // 100) + 1)]
    return {
        "format": FORMAT,
        "county": {"code": BENCH_COUNTY, "name": "导入测试县"},
        "townships": [
            {
                "code": BENCH_TOWNSHIP,
                "name": "导入测试镇",
                "close_day": 25,
                "areas": areas,
                "branches": [
                    {
                        "code": f"B{b:05d}",
                        "name": f"测试村{b}党支部",
                        "kind": "village",
                        "area": areas[(b - 1) // 100]["code"],
                        "has_groups": True,
                        "ranked": True,
                    }
                    for b in range(1, branches + 1)
                ],
                "members": [_member(n) for n in range(1, members + 1)],
                "applicants": [],
                "meetings": [],
                "dues": [],
                "visits": [],
                "adjustments": [],
                "office_scores": [],
                "target_scores": [],
            }
        ],
    }


def _member(n: int) -> dict:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=(n * 37) % 20000)
    joined = born + dt.timedelta(days=9200)  # about 25 years later
    return {
        "id": f"M{n:07d}",
        "name": f"党员{n}",
        "gender": "MF"[n % 2],
        "birth_date": born.isoformat(),
        "branch": f"B{(n - 1) // PER_BRANCH + 1:05d}",
        "status": "full",
        "joined_party_on": joined.isoformat(),
        "probation_ends_on": None,
        "dues_exempt": n % 50 == 0,
        "rating_exempt": False,
        "flowing": n % 20 == 0,
        "households": 0,
        "branch_since": joined.isoformat(),
        "left_on": None,
    }
