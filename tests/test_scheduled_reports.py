"""The calendar's reports: the month sheet after a close, the rankings after a quarter; once."""

from __future__ import annotations

import datetime as dt

from scoring.services import scheduled_reports_make
from scoring.tasks import daily_reminders_and_reports
from township.models import MonthState, ReportJob

APRIL_26 = dt.date(2026, 4, 26)


def lock(township, month=dt.date(2026, 3, 1)):
    MonthState.objects.create(township=township, month=month, locked=True)


def test_nothing_is_made_before_a_township_has_locked_last_month(cast):
    assert scheduled_reports_make(today=APRIL_26) == []
    assert not ReportJob.objects.exists()


def test_a_locked_quarter_end_brings_the_sheet_and_the_ranking_in_both_formats(cast):
    lock(cast.t1)
    keys = scheduled_reports_make(today=APRIL_26)
    assert sorted(keys) == sorted(
        f"{kind}:township:{cast.t1.pk}:{period}:{fmt}"
        for kind, period in (("monthly_sheet", "2026-03"), ("quarterly_ranking", "2026-Q1"))
        for fmt in ("pdf", "xlsx")
    )
    jobs = ReportJob.objects.all()
    assert {j.township_id for j in jobs} == {cast.t1.pk}
    assert all(j.requested_by is None and j.status == "queued" for j in jobs)


def test_the_county_ranking_waits_for_every_township_of_the_county(cast):
    lock(cast.t1)
    scheduled_reports_make(today=APRIL_26)
    assert not ReportJob.objects.filter(kind="county_ranking").exists()
    lock(cast.t2)
    keys = scheduled_reports_make(today=APRIL_26)
    county = [k for k in keys if k.startswith("county_ranking")]
    assert county == [
        f"county_ranking:county:{cast.county.pk}:2026-Q1:pdf",
        f"county_ranking:county:{cast.county.pk}:2026-Q1:xlsx",
    ]


def test_a_day_run_twice_makes_nothing_twice(cast):
    lock(cast.t1)
    lock(cast.t2)
    first = daily_reminders_and_reports(today=APRIL_26.isoformat())["reports"]
    assert len(first) == 10
    assert daily_reminders_and_reports(today=APRIL_26.isoformat())["reports"] == []
    assert ReportJob.objects.count() == 10


def test_a_month_that_ends_no_quarter_brings_only_its_sheet(cast):
    lock(cast.t1, dt.date(2026, 4, 1))
    keys = scheduled_reports_make(today=dt.date(2026, 5, 25))
    assert [k.split(":")[0] for k in keys] == ["monthly_sheet", "monthly_sheet"]
