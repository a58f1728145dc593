"""The audit log as an Excel report: the county reviewer's county, or the office's township,
for a month, a quarter or a year. Registered with the base registry in `TownshipConfig.ready()`
like any app's kinds.

The base floor imports no app: targets are checked against the scope's own ids, and the county
and township (their names, a township's county) are reached through the entries' own foreign
keys (`AuditLog.county`, `AuditLog.township`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from township.models import AuditLog
from township.permissions import Role
from township.reports import (
    Column,
    Period,
    Progress,
    Report,
    ReportError,
    ReportKind,
    Table,
    Target,
)
from township.scoping import Scope
from township.selectors import day_start

MAX_ROWS = 100_000  # a county's year stays far below; an Excel sheet holds 1,048,576


def _not_found() -> ReportError:
    return ReportError(_("找不到该报表的对象，或不在您的管理范围内。"))


def _pk(ident) -> int | None:
    text = str(ident)[:12]
    return int(text) if text.isdigit() else None


def _by_code(level: str, code: str) -> int | None:
    """A county or township code (the command line), found among the entries' relations."""
    path = "county" if level == "county" else "township"
    return (
        AuditLog.objects.filter(**{f"{path}__code": str(code)[:20]})
        .values_list(f"{path}_id", flat=True)
        .first()
    )


def _county(pk: int):
    try:
        return AuditLog(county_id=pk).county
    except ObjectDoesNotExist:
        return None


def _township(pk: int):
    try:
        return AuditLog(township_id=pk).township
    except ObjectDoesNotExist:
        return None


class AuditLogReport(ReportKind):
    name = "audit_log"
    label = _l("操作日志")
    levels = ("township", "county")
    periods = ("month", "quarter", "year")
    audience = (Role.REVIEWER, Role.OFFICE)
    formats = ("xlsx",)

    def target(self, *, scope: Scope | None, level: str, ident, by_code: bool = False) -> Target:
        pk = _by_code(level, ident) if by_code else _pk(ident)
        if pk is None or level not in self.levels:
            raise _not_found()
        if level == "county":
            if scope is not None and not (scope.role == Role.REVIEWER and scope.county_id == pk):
                raise _not_found()
            county = _county(pk)
            if county is None:
                raise _not_found()
            return Target(level="county", county_id=pk, label=str(county))
        township = _township(pk)
        if township is None:
            raise _not_found()
        if scope is not None and not (
            (scope.role == Role.OFFICE and scope.township_id == pk)
            or (scope.role == Role.REVIEWER and scope.county_id == township.county_id)
        ):
            raise _not_found()
        return Target(
            level="township", county_id=township.county_id, township_id=pk, label=str(township)
        )

    def target_choices(self, *, scope: Scope) -> list[Target]:
        if scope.role == Role.REVIEWER and scope.county_id:
            return [self.target(scope=scope, level="county", ident=scope.county_id)]
        if scope.role == Role.OFFICE and scope.township_id:
            return [self.target(scope=scope, level="township", ident=scope.township_id)]
        return []

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        if target.level == "county":
            entries = AuditLog.objects.filter(county_id=target.county_id)
        else:
            entries = AuditLog.objects.filter(township_id=target.township_id)
        entries = entries.filter(
            created_at__gte=day_start(period.months[0]),
            created_at__lt=day_start(period.last_day + dt.timedelta(days=1)),
        ).order_by("created_at", "pk")
        total = entries.count()
        progress(0, total + 1, _("读取操作日志"))
        rows = []
        for i, e in enumerate(entries[:MAX_ROWS].iterator(chunk_size=2000)):
            rows.append(
                [
                    timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor_name,
                    e.description,
                    e.object_repr,
                    e.reason,
                    e.changes_text,
                    e.ip_address or "",
                ]
            )
            if i % 5000 == 4999:
                progress(i + 1, total + 1, _("读取操作日志"))
        facts = [(_("记录条数"), str(total))]
        if total > MAX_ROWS:
            facts.append(
                (
                    _("说明"),
                    _("只列出最早的 %(m)d 条；请按较短的期间导出。") % {"m": MAX_ROWS},
                )
            )
        columns = [
            Column(_("时间"), width=20),
            Column(_("操作人"), width=14),
            Column(_("操作"), width=22),
            Column(_("对象"), width=26),
            Column(_("原因"), width=24),
            Column(_("变更内容"), width=40),
            Column(_("IP 地址"), width=16),
        ]
        title = _("%(subject)s %(period)s 操作日志") % {
            "subject": target.label,
            "period": period.label,
        }
        ident = target.township_id if target.level == "township" else target.county_id
        return Report(
            title=title,
            subject=target.label,
            period=period,
            facts=facts,
            tables=[Table(title=_("操作日志"), columns=columns, rows=rows)],
            filename=f"audit-log-{target.level}-{ident}-{period.text}",
            landscape=True,
        )
