"""County-scale benchmark of the reports (a script, not a timed test).

Uses the benchmark county of `bench_scoring` (build it first: `make bench`). Stores the year's
figures once (as the close-day jobs would have), then makes each report in a fresh process with
`manage.py make_report`, the job's own code, and prints its wall time and the process's peak
memory (max RSS), the median of --repeat runs.

    DATABASE_URL=sqlite:///var/bench.sqlite3 python manage.py bench_reports
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from branches.models import County, Township
from members.models import Member
from scoring.management.commands.bench_scoring import BENCH_COUNTY
from scoring.services import year_ensure

REPORTS = [
    ("county ranking PDF (year)", ["county_ranking", "--period", "{year}", "--format", "pdf"]),
    ("county ranking Excel (year)", ["county_ranking", "--period", "{year}", "--format", "xlsx"]),
    ("county star board Excel", ["star_board", "--period", "{year}", "--format", "xlsx"]),
]


class Command(BaseCommand):
    help = "Benchmark the county reports (time and peak memory) on the benchmark county."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2026)
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, year, repeat, **options):
        county = County.objects.filter(code=BENCH_COUNTY).first()
        if county is None:
            raise CommandError("No benchmark county: run `make bench` (bench_scoring) first.")
        started = time.perf_counter()
        for township in Township.objects.filter(county=county):
            year_ensure(township=township, year=year)
        self.stdout.write(f"year {year} stored in {time.perf_counter() - started:.1f} s")
        members = Member.objects.filter(township__county=county).count()
        branches = county.townships.values_list("branches", flat=True).count()
        self.stdout.write(f"data: {branches} branches, {members} members")
        self._comparison_page(county, repeat=max(repeat, 5))
        self.stdout.write(f"{'report':32} {'size':>10} {'wall (median)':>14} {'peak RSS':>10}")
        for label, argv in REPORTS:
            sizes, walls, peaks = [], [], []
            for _ in range(repeat):
                size, wall, peak = self._run(argv, county.code, year)
                sizes.append(size)
                walls.append(wall)
                peaks.append(peak)
            self.stdout.write(
                f"{label:32} {max(sizes) / 1e6:>8.2f}MB {statistics.median(walls):>12.2f} s "
                f"{statistics.median(peaks):>7.0f} MB"
            )

    def _comparison_page(self, county, *, repeat: int) -> None:
        """The reviewer's comparison page for the year, in-process: queries and server time."""
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from township.models import User

        reviewer, _created = User.objects.get_or_create(
            username="bench-reviewer", defaults={"role": "reviewer", "county": county}
        )
        client = Client()
        client.force_login(reviewer, backend="django.contrib.auth.backends.ModelBackend")
        url = f"/?period={timezone.localdate().year}"
        client.get(url)  # warm: templates, the first computation of any month not stored
        times, queries = [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise CommandError(f"the comparison page answered {response.status_code}")
            queries = len(ctx.captured_queries)
        self.stdout.write(
            f"county comparison page ({url}): {queries} queries, "
            f"{statistics.median(times) * 1000:.0f} ms (median of {repeat})"
        )

    def _run(self, argv: list[str], county: str, year: int) -> tuple[int, float, float]:
        """One report in a child process: (bytes, seconds, peak resident MB of that child)."""
        with tempfile.TemporaryDirectory() as tmp:
            output = Path(tmp) / "report"
            command = [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "make_report",
                *[a.format(year=year) for a in argv],
                "--county",
                county,
                "--output",
                str(output),
            ]
            started = time.perf_counter()
            child = subprocess.Popen(command, env=os.environ.copy(), stderr=subprocess.DEVNULL)  # noqa: S603
            _pid, status, usage = os.wait4(child.pid, 0)  # wait4: the child's own peak memory
            child.returncode = os.waitstatus_to_exitcode(status)
            wall = time.perf_counter() - started
            if child.returncode != 0:
                raise CommandError(f"make_report failed: {' '.join(command)}")
            return output.stat().st_size, wall, usage.ru_maxrss / 1024
