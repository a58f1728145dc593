"""The rectification ledger's report kind, registered with scoring's kinds."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import County, Township
from scoring import rectification
from scoring.reports import ScoringReport
from scoring.selectors_ledger import ledger_entries, ledger_summaries
from township.permissions import Role
from township.reports import Column, Period, Progress, Report, Table, Target
from township.scoping import Scope


class RectificationLedger(ScoringReport):
    name = "rectification_ledger"
    label = gettext_lazy("软弱涣散整改台账")
    levels = ("township", "county")
    periods = ("year",)
    audience = (Role.REVIEWER, Role.OFFICE)

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        progress(0, 1, _("读取整改台账"))
        if target.level == "county":
            scope = Scope(role=Role.REVIEWER, county_id=target.county_id)
            code = County.objects.get(pk=target.county_id).code
        else:
            scope = Scope(role=Role.OFFICE, township_id=target.township_id)
            code = Township.objects.get(pk=target.township_id).code
        today = timezone.localdate()
        rows, marked = [], set()
        for i, e in enumerate(ledger_entries(scope=scope, year=period.year)):
            late = rectification.is_overdue(deadline=e.deadline, closed_on=e.closed_on, today=today)
            status = (
                _("%(d)s 销号") % {"d": e.closed_on.isoformat()}
                if e.closed_on
                else (_("逾期未销号") if late else _("整改中"))
            )
            rows.append(
                [e.township.name, e.branch.name, e.annual_score, e.problems, e.measures,
                 e.responsible, e.deadline, e.evidence,
                 None if e.satisfaction is None else f"{e.satisfaction}%", status]
            )  # fmt: skip
            if late:
                marked.add(i)
        summaries = ledger_summaries(scope=scope, year=period.year, today=today)
        counts = "；".join(
            f"{s.township.name} {s.entries}/{s.closed}/{s.overdue}" for s in summaries
        )
        counts = counts or _("无")
        return Report(
            title=_("%(s)s %(p)s 软弱涣散党组织整改台账") % {"s": target.label, "p": period.label},
            subject=target.label,
            period=period,
            facts=[(_("台账/已销号/逾期"), counts), (_("逾期判断日期"), today.isoformat())],
            tables=[
                Table(
                    title=_("整改台账"),
                    columns=[
                        Column(_("乡镇"), width=10),
                        Column(_("党支部"), width=16),
                        Column(_("年度得分"), "score", 8),
                        Column(_("存在问题"), width=28),
                        Column(_("整改措施"), width=28),
                        Column(_("责任人"), width=8),
                        Column(_("时限"), "date", 11),
                        Column(_("佐证"), width=24),
                        Column(_("满意度"), width=8),
                        Column(_("状态"), width=14),
                    ],
                    rows=rows,
                    marked=marked,
                    note=_("销号须有整改佐证且群众满意度不低于 80%；逾期未销号的行已标出。"),
                )
            ],
            filename=f"rectification-ledger-{code}-{period.text}",
            landscape=True,
        )
