"""The alliances' report kind: the quarter's public display (晾晒) of a township's alliances,
registered with `township.reports` in `AlliancesConfig.ready()`:

    manage.py make_report alliance_display --township CODE --period 2026-Q1 --format pdf|xlsx
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliances import selectors
from alliances.models import Alliance
from branches.models import Township
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


def _not_found() -> ReportError:
    return ReportError(_("找不到该报表的对象，或不在您的管理范围内。"))


class AllianceDisplay(ReportKind):
    name = "alliance_display"
    label = gettext_lazy("党建联盟季度晾晒")
    levels = ("township",)
    periods = ("quarter",)
    audience = (Role.REVIEWER, Role.OFFICE)

    def target(self, *, scope, level: str, ident, by_code: bool = False) -> Target:
        if level != "township":
            raise _not_found()
        townships = Township.objects.all() if scope is None else Township.objects.within(scope)
        townships = townships.select_related("county")
        if by_code:
            township = townships.filter(code=str(ident)[:20]).first()
        else:
            try:
                township = townships.filter(pk=int(str(ident)[:12])).first()
            except ValueError:
                township = None
        if township is None:
            raise _not_found()
        return Target(
            level="township",
            county_id=township.county_id,
            township_id=township.pk,
            label=f"{township.county.name} {township.name}",
        )

    def target_choices(self, *, scope) -> list[Target]:
        return [
            Target(level="township", county_id=t.county_id, township_id=t.pk, label=t.name)
            for t in Township.objects.within(scope).order_by("code")
        ]

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        township = Township.objects.get(pk=target.township_id)
        progress(0, 1, _("统计 %(t)s 的党建联盟") % {"t": township.name})
        alliances = list(
            Alliance.objects.filter(township=township).select_related("parent").order_by("code")
        )
        today = timezone.localdate()
        rows = selectors.display_rows(
            alliances=alliances, year=period.year, quarter=period.number, today=today
        )
        facts = [(_("联盟数"), str(len(alliances)))]
        until = selectors.display_until(year=period.year, quarter=period.number, today=today)
        if until < period.last_day:
            facts.append((_("统计截至"), until.isoformat()))
        table_rows = []
        for r in rows:
            share = (
                (Decimal(r.projects_done) / r.projects_total).quantize(Decimal("0.001"))
                if r.projects_total
                else None
            )
            table_rows.append(
                [
                    r.alliance.code,
                    r.alliance.name,
                    str(r.alliance.get_kind_display()),
                    r.projects_done,
                    r.projects_total,
                    share,
                    r.overdue,
                    r.activities,
                    r.participants,
                    r.wishes_raised,
                    r.wishes_fulfilled,
                    r.wishes_open,
                ]
            )
        columns = [
            Column(_("代码"), width=8),
            Column(_("联盟"), width=22),
            Column(_("类型"), width=12),
            Column(_("完成项目"), "int", 9),
            Column(_("项目总数"), "int", 9),
            Column(_("完成率"), "percent", 9),
            Column(_("逾期项目"), "int", 9),
            Column(_("联建活动"), "int", 9),
            Column(_("参加人次"), "int", 9),
            Column(_("新提心愿"), "int", 9),
            Column(_("实现心愿"), "int", 9),
            Column(_("未实现心愿"), "int", 10),
        ]
        marked = {i for i, r in enumerate(rows) if r.overdue}
        return Report(
            title=_("%(t)s %(p)s 党建联盟晾晒") % {"t": township.name, "p": period.label},
            subject=target.label,
            period=period,
            facts=facts,
            tables=[
                Table(
                    title=_("各联盟工作进度"),
                    sheet=_("联盟晾晒"),
                    columns=columns,
                    rows=table_rows,
                    marked=marked,
                    note=_(
                        "项目为本年截至季末到期的清单项目；逾期指季末尚未完成且已过时限（标色）；"
                        "活动与心愿按季度内日期统计；未实现心愿为季末前提出、季末尚未实现的心愿。"
                    ),
                )
            ],
            filename=f"alliance-display-{township.code}-{period.text}",
            landscape=True,
        )
