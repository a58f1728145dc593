"""Writes of the base floor: asking for a report."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from township.audit import audit_log
from township.models import ReportJob
from township.reports import ReportError, format_check, kind_get, period_parse
from township.scoping import scope_for
from township.tasks import report_job_run


@transaction.atomic
def report_request(
    *,
    actor,
    kind_name: str,
    level: str,
    ident: int | str,
    period: str,
    fmt: str,
    schedule_key: str | None = None,
    request=None,
) -> ReportJob:
    """Queue a report for `actor` (None: a scheduled job, unrestricted) and run it on commit.

    The kind resolves the target inside the actor's scope; outside it, `ReportError` (the view
    answers 404, as for any object out of scope). A scheduled request with a `schedule_key` that
    exists already returns that job instead of making the report twice.
    """
    kind = kind_get(kind_name)
    format_check(fmt)
    parsed = period_parse(period, allowed=kind.periods)
    if level not in kind.levels:
        raise ReportError(_("报表“%(kind)s”不能按这一级别生成。") % {"kind": kind.label})
    scope = None
    if actor is not None:
        scope = scope_for(actor)
        if scope.role not in kind.audience:
            raise ReportError(_("您的角色不能生成报表“%(kind)s”。") % {"kind": kind.label})
    if schedule_key is not None:
        existing = ReportJob.objects.filter(schedule_key=schedule_key).first()
        if existing is not None:
            return existing
    target = kind.target(scope=scope, level=level, ident=ident)
    job = ReportJob.objects.create(
        kind=kind.name,
        level=target.level,
        county_id=target.county_id,
        township_id=target.township_id,
        branch_id=target.branch_id,
        subject=target.label[:200],
        period=parsed.text,
        format=fmt,
        requested_by=actor,
        schedule_key=schedule_key,
    )
    audit_log(
        actor=actor,
        actor_name="" if actor is not None else "scheduled",
        action="reports.requested",
        township_id=target.township_id,
        obj=job,
        data={"kind": kind.name, "period": parsed.text, "format": fmt, "level": target.level},
        request=request,
    )
    transaction.on_commit(lambda: report_job_run.delay(job.pk))
    return job
