"""Writes of the base floor: asking for a report, leaving a message for a user."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from township.audit import audit_log
from township.models import Notification, ReportJob
from township.reports import ReportError, format_check, kind_get, options_check, period_parse
from township.scoping import scope_for
from township.tasks import report_job_run

log = logging.getLogger(__name__)


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
    options: dict | None = None,
) -> ReportJob:
    """Queue a report for `actor` (None: a scheduled job, unrestricted) and run it on commit.

    The kind resolves the target inside the actor's scope; outside it, `ReportError` (the view
    answers 404, as for any object out of scope). A scheduled request with a `schedule_key` that
    exists already returns that job instead of making the report twice.
    """
    kind = kind_get(kind_name)
    format_check(fmt, kind)
    parsed = period_parse(period, allowed=kind.periods)
    options = options_check(kind, options)
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
    target = kind.target(scope=scope, level=level, ident=ident, **options)
    job = ReportJob.objects.create(
        options=dict(target.options),
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
        data={
            "kind": kind.name,
            "period": parsed.text,
            "format": fmt,
            "level": target.level,
            **({"options": dict(target.options)} if target.options else {}),
        },
        request=request,
    )
    transaction.on_commit(lambda: report_job_run.delay(job.pk))
    return job


def notification_send(
    *, user, key: str, title: str, body: str = "", link: str = "", township_id: int | None = None
) -> bool:
    """Leave a message for `user` once per `key`; also e-mail it when e-mail is configured and
    the user has an address. Returns whether the message is new."""
    with transaction.atomic():
        note, created = Notification.objects.get_or_create(
            key=key[:150],
            defaults={
                "user": user,
                "title": title[:200],
                "body": body,
                "link": link[:300],
                "township_id": township_id,
            },
        )
    if created and settings.EMAIL_HOST and user.email:
        try:
            send_mail(title, f"{body}\n\n{link}".strip(), None, [user.email])
        except OSError:
            log.warning("could not e-mail reminder %s to %s", key, user.pk, exc_info=True)
        else:
            Notification.objects.filter(pk=note.pk).update(emailed=True)
    return created
