"""County-scale benchmark of the scoring engine (a script, not a timed test).

Builds (or reuses) a county of N townships × B branches × M members with a year of records in
the configured database, then reports in one run: one county month computed and stored, the
whole year, and a floor measured on the same database — one plain SQL aggregate reading the
same month's attendance rows.

    DATABASE_URL=sqlite:///var/bench.sqlite3 python manage.py bench_scoring
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from branches.models import Attendance, Branch, County, Meeting, Township
from members.models import Applicant, DuesPayment, Household, Member, PointAdjustment, Visit
from scoring import engine
from scoring.models import BranchMonthScore, MemberMonthScore, OfficeScore
from scoring.selectors import month_inputs, month_results
from scoring.services import month_compute, year_compute

BENCH_COUNTY = "BENCH"


class Command(BaseCommand):
    help = "Benchmark the scoring engine at county scale and print the figures."

    def add_arguments(self, parser):
        parser.add_argument("--townships", type=int, default=20)
        parser.add_argument("--branches", type=int, default=35)
        parser.add_argument("--members", type=int, default=45, help="members per branch")
        parser.add_argument("--year", type=int, default=2026)
        parser.add_argument("--month", type=int, default=6, help="the month timed alone")
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, **o):
        others = Township.objects.exclude(county__code=BENCH_COUNTY).exists()
        if others:
            raise CommandError(
                "The database holds real townships; run the benchmark on its own database, "
                "e.g. DATABASE_URL=sqlite:///var/bench.sqlite3 python manage.py bench_scoring"
            )
        # To build afresh, remove the benchmark's database: the county's townships are protected
        # from a cascade, and 1.7 M attendance rows are faster dropped with the file.
        county = County.objects.filter(code=BENCH_COUNTY).first()
        if county is None:
            started = time.perf_counter()
            county = build_county(
                townships=o["townships"],
                branches=o["branches"],
                members=o["members"],
                year=o["year"],
                log=self.stdout.write,
            )
            self.stdout.write(f"built the data set in {time.perf_counter() - started:.1f} s")
        township_ids = list(county.townships.values_list("pk", flat=True))
        month = dt.date(o["year"], o["month"], 1)
        stats = {
            "townships": len(township_ids),
            "branches": Branch.objects.filter(township__county=county).count(),
            "members": Member.objects.filter(township__county=county).count(),
            "meetings": Meeting.objects.filter(township__county=county).count(),
            "attendance": Attendance.objects.filter(meeting__township__county=county).count(),
        }
        self.stdout.write(
            "data: {townships} townships, {branches} branches, {members} members, "
            "{meetings} meetings, {attendance} attendance rows".format(**stats)
        )
        self.stdout.write(f"database: {connection.vendor}")

        floor = best_of(o["repeat"], lambda: floor_query(township_ids, month))
        ids = township_ids
        gather = best_of(o["repeat"], lambda: month_inputs(township_ids=ids, month=month))
        compute = best_of(o["repeat"], lambda: month_results(township_ids=ids, month=month))
        store = best_of(o["repeat"], lambda: month_compute(township_ids=ids, month=month))
        townships = list(Township.objects.filter(pk__in=township_ids))
        started = time.perf_counter()
        with transaction.atomic():
            for m in engine.year_months(o["year"]):
                month_compute(township_ids=township_ids, month=m)
            for t in townships:
                year_compute(township=t, year=o["year"])
        year_time = time.perf_counter() - started
        member_rows = MemberMonthScore.objects.filter(
            branch__township__county=county, month=month
        ).count()
        branch_rows = BranchMonthScore.objects.filter(
            branch__township__county=county, month=month
        ).count()

        self.stdout.write(f"floor (one SQL aggregate over the month's attendance): {floor:.3f} s")
        self.stdout.write(f"county month, inputs gathered:               {gather:.3f} s")
        self.stdout.write(f"county month, inputs + engine:               {compute:.3f} s")
        self.stdout.write(
            f"county month, computed and stored:            {store:.3f} s "
            f"({store / floor:.1f}× floor; {member_rows} member rows, {branch_rows} branch rows)"
        )
        self.stdout.write(f"county year (12 months + quarters, ranks, stars): {year_time:.3f} s")


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(max(1, n)):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times) if len(times) < 3 else statistics.median(sorted(times)[:-1] or times)


def floor_query(township_ids, month) -> list:
    end = engine.month_end(month)
    a, m = Attendance._meta.db_table, Meeting._meta.db_table
    placeholders = ",".join(["%s"] * len(township_ids))
    sql = (
        f"SELECT m.branch_id, a.status, COUNT(*) FROM {a} a JOIN {m} m ON a.meeting_id = m.id "  # noqa: S608
        f"WHERE m.township_id IN ({placeholders}) AND m.date >= %s AND m.date <= %s "
        "GROUP BY m.branch_id, a.status"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*township_ids, month, end])
        return cursor.fetchall()


def build_county(
    *, townships: int, branches: int, members: int, year: int, log, today: dt.date | None = None
) -> County:
    """A deterministic county with a year of records; raw bulk inserts for the big tables.

    Nothing that happened is dated after `today` (the local date unless given): a year still
    under way has its records up to today, and a member's leaving still to come is not written.
    The random draws are the same whatever the date, so the records up to it do not change.
    """
    today = today or timezone.localdate()
    rng = random.Random(20261123)
    county = County.objects.create(code=BENCH_COUNTY, name="基准测试县")
    for t in range(townships):
        with transaction.atomic():
            township = Township.objects.create(
                county=county, code=f"BENCH{t:03d}", name=f"基准镇{t + 1}"
            )
            _build_township(
                township, rng, branches=branches, members=members, year=year, today=today
            )
        log(f"  township {t + 1}/{townships} built")
    return county


def _build_township(
    township, rng, *, branches: int, members: int, year: int, today: dt.date
) -> None:
    bs = Branch.objects.bulk_create(
        Branch(
            township=township,
            code=f"B{b:03d}",
            name=f"第{b + 1}党支部",
            kind="village" if b < branches - 2 else ("flowing" if b == branches - 2 else "unit"),
            ranked=b != branches - 2,
            has_groups=b % 7 != 0,
        )
        for b in range(branches)
    )
    ms = Member.objects.bulk_create(
        Member(
            township=township,
            code=f"M{b.code}{i:03d}",
            name=f"党员{i}",
            gender="MF"[i % 2],
            branch=b,
            status="probationary" if i == 0 else "full",
            probation_ends_on=dt.date(year, rng.randint(1, 12), 1) if i == 0 else None,
            dues_exempt=i % 20 == 19,
            branch_since=dt.date(2015, 1, 1),
            left_on=_happened(dt.date(year, rng.randint(2, 12), 15), today)
            if rng.random() < 0.02
            else None,
        )
        for b in bs
        for i in range(members)
    )
    by_branch: dict[int, list[Member]] = {}
    for m in ms:
        by_branch.setdefault(m.branch_id, []).append(m)
    Household.objects.bulk_create(
        Household(member=m, name="联系户") for m in ms for _ in range(m.pk % 3)
    )
    Applicant.objects.bulk_create(
        Applicant(
            township=township,
            branch=b,
            code=f"D{b.code}",
            name="申请人",
            stage="activist",
            stage_since=dt.date(year - 1, 6, 1),
        )
        for b in bs
        if rng.random() < 0.7
    )
    meetings: list[Meeting] = []
    groups = 5
    for b in bs:
        for month in engine.year_months(year):
            plan = ["themed_day", "committee", "committee"] + ["group"] * (groups * 3)
            if engine.is_quarter_end(month):
                plan += ["general", "lecture"]
            for k, kind in enumerate(plan):
                if rng.random() < 0.05:
                    continue  # the gaps real branches have
                themed = kind == "themed_day"
                meetings.append(
                    Meeting(
                        township=township,
                        branch=b,
                        code=f"{b.code}-{month:%m}-{k:02d}",
                        type=kind,
                        date=month.replace(day=1 + k % 27),
                        act_study=themed,
                        act_dues=themed,
                        act_oath=themed and rng.random() < 0.8,
                        act_deliberation=themed and rng.random() < 0.7,
                    )
                )
    # Meetings still to come are drawn, not written (their pk stays None, and so do their rows).
    Meeting.objects.bulk_create([mt for mt in meetings if mt.date <= today], batch_size=5000)
    rows = []
    statuses = ("present",) * 8 + ("excused", "absent")
    for mt in meetings:
        roster = by_branch[mt.branch_id]
        if mt.type == "committee":
            people = roster[:5]
        elif mt.type == "group":
            g = int(mt.code[-2:]) % groups
            people = roster[g::groups]
        else:
            people = roster
        drawn = [(mt.pk, m.pk, rng.choice(statuses), "") for m in people]
        if mt.pk is not None:
            rows.extend(drawn)
    table = Attendance._meta.db_table
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 20000):
            cursor.executemany(
                f"INSERT INTO {table} (meeting_id, member_id, status, reason) "  # noqa: S608
                "VALUES (%s, %s, %s, %s)",
                rows[i : i + 20000],
            )
    dues, visits, adjustments = [], [], []
    for m in ms:
        if m.dues_exempt:
            continue
        for month in engine.year_months(year):
            if rng.random() < 0.9:
                late = rng.random() < 0.1
                paid_on = engine.month_end(month) + dt.timedelta(days=5) if late else month
                dues.append(
                    DuesPayment(member=m, month=month, amount=Decimal("2.00"), paid_on=paid_on)
                )
            if m.pk % 3 and rng.random() < 0.6:
                visits.append(Visit(member=m, date=month.replace(day=10), household_name="联系户"))
            if rng.random() < 0.03:
                adjustments.append(
                    PointAdjustment(
                        member=m,
                        date=month.replace(day=12),
                        points=Decimal(rng.choice([5, -5, 10, -10])),
                    )
                )
    DuesPayment.objects.bulk_create((d for d in dues if d.paid_on <= today), batch_size=5000)
    Visit.objects.bulk_create((v for v in visits if v.date <= today), batch_size=5000)
    PointAdjustment.objects.bulk_create(
        (a for a in adjustments if a.date <= today), batch_size=5000
    )
    # The office scores a month once it has ended.
    OfficeScore.objects.bulk_create(
        OfficeScore(branch=b, month=m, points=Decimal(rng.randint(5, 10)))
        for b in bs
        for m in engine.year_months(year)
        if rng.random() < 0.5 and engine.month_end(m) < today
    )


def _happened(day: dt.date, today: dt.date) -> dt.date | None:
    """`day` for an event that has happened by `today`; None for one still to come."""
    return day if day <= today else None
