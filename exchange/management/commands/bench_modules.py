"""Fill the benchmark county's modules before `bench_pages` times them (a script, not a test).

Builds the county of `bench_scoring` when the database has none (the same 20 townships × 35
branches × 45 members, for last month's year as `bench_pages` does), then tops up, per township
and once, what `build_county` leaves empty: the Party school, the pipeline, lagging and flowing
members, heart-to-heart talks, alliances and cooperatives (`exchange.bench_modules`).

    DATABASE_URL=sqlite:///var/bench.sqlite3 python manage.py bench_modules
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from branches.models import County, Township
from exchange.bench_modules import bench_modules_ensure
from scoring.management.commands.bench_scoring import BENCH_COUNTY, build_county


class Command(BaseCommand):
    help = "Top up the benchmark county's modules (training, talks, alliances, cooperatives, …)."

    def add_arguments(self, parser):
        parser.add_argument("--townships", type=int, default=20, help="when building the county")
        parser.add_argument("--branches", type=int, default=35, help="when building the county")
        parser.add_argument("--members", type=int, default=45, help="members per branch, ditto")
        parser.add_argument(
            "--year", type=int, default=0, help="of the county built (default: last month's)"
        )
        parser.add_argument(
            "--today", default="", help="the last day of the records (default: today)"
        )

    def handle(self, *args, **o):
        if Township.objects.exclude(county__code=BENCH_COUNTY).exists():
            raise CommandError(
                "The database holds real townships; run the benchmark on its own database, "
                "e.g. DATABASE_URL=sqlite:///var/bench.sqlite3 python manage.py bench_modules"
            )
        try:
            today = dt.date.fromisoformat(o["today"]) if o["today"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today {o['today']!r} is not a date (YYYY-MM-DD)") from exc
        county = County.objects.filter(code=BENCH_COUNTY).first()
        if county is None:
            year = o["year"] or (today.replace(day=1) - dt.timedelta(days=1)).year
            self.stdout.write(f"no benchmark county: building one on {connection.vendor}…")
            started = time.perf_counter()
            county = build_county(
                townships=o["townships"],
                branches=o["branches"],
                members=o["members"],
                year=year,
                log=self.stdout.write,
            )
            self.stdout.write(f"county built in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        added = bench_modules_ensure(county, today=today, log=self.stdout.write)
        seconds = time.perf_counter() - started
        if not added:
            self.stdout.write(f"every township has its modules already ({seconds:.1f} s)")
            return
        width = max(len(label) for label in added)
        for label, n in added.items():
            self.stdout.write(f"  {label:{width}} {n:>10,}")
        total = sum(n for label, n in added.items() if not label.endswith(" removed"))
        self.stdout.write(f"added {total:,} rows up to {today} in {seconds:.1f} s")
