"""The members app's report kinds: the development pipeline, training compliance and flowing
members without organisation life. Registered with `township.reports` in
`MembersConfig.ready()`.

Each kind reads through the same selectors as its page, with the scope of its target (the
township's office, or the branch's secretary), so the file holds what the page shows.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Branch, Township
from branches.reports import branch_targets
from members import lifecycle, selectors_life
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


def _as_of(period: Period) -> dt.date:
    """Reports describe the period as of its last day, or today while it lasts."""
    return min(period.last_day, timezone.localdate())


def _ident(queryset, ident, by_code: bool):
    if by_code:
        return queryset.filter(code=str(ident)[:20]).first()
    try:
        return queryset.filter(pk=int(str(ident)[:12])).first()
    except ValueError:
        return None


class MembersReport(ReportKind):
    """A township or one of its branches, found through `within(scope)` (all of them for the
    command line and scheduled jobs)."""

    levels = ("township", "branch")
    audience = (Role.REVIEWER, Role.OFFICE, Role.SECRETARY)

    def target(self, *, scope: Scope | None, level: str, ident, by_code: bool = False) -> Target:
        missing = ReportError(_("找不到该报表的对象，或不在您的管理范围内。"))
        if level == "township":
            townships = Township.objects.all() if scope is None else Township.objects.within(scope)
            t = _ident(townships.select_related("county"), ident, by_code)
            if t is None:
                raise missing
            return Target("township", t.county_id, t.pk, label=f"{t.county.name} {t.name}")
        branches = Branch.objects.all() if scope is None else Branch.objects.within(scope)
        if by_code:
            branches = branches.filter(township__code=str(ident).split("/")[0][:20])
            ident = str(ident).split("/")[-1]
        b = _ident(branches.select_related("township"), ident, by_code)
        if b is None:
            raise missing
        return Target(
            "branch", b.township.county_id, b.township_id, b.pk, f"{b.township.name} {b.name}"
        )

    def target_choices(self, *, scope: Scope) -> list[Target]:
        out = [
            Target("township", t.county_id, t.pk, label=t.name)
            for t in Township.objects.within(scope).order_by("code")
        ]
        return out + branch_targets(scope=scope)

    @staticmethod
    def scope(target: Target) -> Scope:
        """The scope whose selectors give this target's rows: the township's office, or the
        branch's secretary (the one scoping mechanism, not a second filter)."""
        if target.level == "branch":
            return Scope(
                role=Role.SECRETARY, township_id=target.township_id, branch_id=target.branch_id
            )
        return Scope(role=Role.OFFICE, township_id=target.township_id)

    @staticmethod
    def filename(name: str, target: Target, period: Period) -> str:
        ident = f"b{target.branch_id}" if target.level == "branch" else f"t{target.township_id}"
        return f"{name}-{ident}-{period.text}"


class DevelopmentPipeline(MembersReport):
    name = "development_pipeline"
    label = gettext_lazy("发展党员台账")
    periods = ("year",)

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        progress(0, 2, _("读取发展党员记录"))
        scope = self.scope(target)
        as_of = _as_of(period)
        start = dt.date(period.year, 1, 1)
        applicants = list(selectors_life.pipeline_queryset(scope=scope, stage=""))
        full = list(
            selectors_life.pipeline_queryset(scope=scope, stage=lifecycle.FULL).filter(
                stage_since__range=(start, period.last_day)
            )
        )
        rows, marked = [], set()
        for i, row in enumerate(selectors_life.pipeline_rows([*applicants, *full], today=as_of)):
            a = row.applicant
            rows.append(
                [
                    a.branch.name,
                    a.name,
                    str(a.get_stage_display()),
                    row.date(lifecycle.APPLICANT),
                    row.date(lifecycle.ACTIVIST),
                    row.date(lifecycle.CANDIDATE),
                    row.date(lifecycle.PROBATIONARY),
                    row.date(lifecycle.FULL),
                    a.kinship_declared_on,
                    row.next_label,
                    row.status.next_due,
                    "；".join(row.status.flags),
                ]
            )
            if row.status.flags:
                marked.add(i)
        progress(1, 2, _("读取逾期未转正的预备党员"))
        overdue = [
            [
                m.branch.name,
                m.name,
                m.joined_party_on,
                m.probation_ends_on,
                (as_of - m.probation_ends_on).days,
            ]
            for m in selectors_life.overdue_probations(scope=scope, today=as_of)
        ]
        columns = [
            Column(_("支部"), width=13),
            Column(_("姓名"), width=8),
            Column(_("当前阶段"), width=14),
            Column(_("申请"), "date", 11),
            Column(_("积极分子"), "date", 11),
            Column(_("发展对象"), "date", 11),
            Column(_("预备党员"), "date", 11),
            Column(_("转正"), "date", 11),
            Column(_("亲属报备"), "date", 11),
            Column(_("下一步"), width=16),
            Column(_("最早可办"), "date", 11),
            Column(_("提示"), width=33),
        ]
        flagged = len(marked)
        return Report(
            title=_("%(t)s %(p)s 发展党员台账") % {"t": target.label, "p": period.label},
            subject=target.label,
            period=period,
            facts=[
                (_("统计截至"), as_of.isoformat()),
                (_("在发展程序中"), str(len(applicants))),
                (_("本年转正"), str(len(full))),
                (_("有提示"), str(flagged)),
                (_("逾期未转正"), str(len(overdue))),
            ],
            tables=[
                Table(
                    title=_("发展对象"),
                    sheet=_("发展党员"),
                    columns=columns,
                    rows=rows,
                    marked=marked,
                    note=_(
                        "积极分子培养满一年并参加培训后方可确定为发展对象；接收预备党员前须完成"
                        "亲属关系报备；预备期一年。"
                    ),
                ),
                Table(
                    title=_("预备期满逾期未转正"),
                    sheet=_("逾期未转正"),
                    columns=[
                        Column(_("支部"), width=18),
                        Column(_("姓名"), width=10),
                        Column(_("入党日期"), "date", 11),
                        Column(_("预备期满"), "date", 11),
                        Column(_("逾期天数"), "int", 9),
                    ],
                    rows=overdue,
                    marked=set(range(len(overdue))),
                ),
            ],
            filename=self.filename("development-pipeline", target, period),
            landscape=True,
        )


class TrainingCompliance(MembersReport):
    name = "training_compliance"
    label = gettext_lazy("党员培训达标情况")
    periods = ("year",)

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        progress(0, 1, _("计算培训达标情况"))
        as_of = _as_of(period)
        people = selectors_life.training_compliance(
            scope=self.scope(target), year=period.year, as_of=as_of
        )
        rows, marked = [], set()
        for i, r in enumerate(people):
            rows.append(
                [r.branch, r.name, r.role, len(r.met), len(r.missed), r.missed_text, r.open_text]
            )
            if r.missed:
                marked.add(i)
        columns = [
            Column(_("支部"), width=18),
            Column(_("姓名"), width=10),
            Column(_("身份"), width=12),
            Column(_("已达标期数"), "int", 10),
            Column(_("缺训期数"), "int", 9),
            Column(_("缺训"), width=34),
            Column(_("待完成"), width=26),
        ]
        return Report(
            title=_("%(t)s %(p)s 党员培训达标情况") % {"t": target.label, "p": period.label},
            subject=target.label,
            period=period,
            facts=[
                (_("统计截至"), as_of.isoformat()),
                (_("应训人数"), str(len(people))),
                (_("有缺训"), str(len(marked))),
            ],
            tables=[
                Table(
                    title=_("有缺训的人员"),
                    sheet=_("缺训"),
                    columns=columns,
                    rows=[rows[i] for i in sorted(marked)],
                ),
                Table(
                    title=_("全部应训人员"),
                    sheet=_("培训达标"),
                    columns=columns,
                    rows=rows,
                    marked=marked,
                    note=_(
                        "党员每半年参加一次轮训，入党积极分子每季度、发展对象每半年参加一次相应"
                        "培训；已结束的期间没有参训记为缺训。"
                    ),
                ),
            ],
            filename=self.filename("training-compliance", target, period),
            landscape=True,
        )


class FlowingMembers(MembersReport):
    name = "flowing_members"
    label = gettext_lazy("流动党员组织生活情况")
    periods = ("half",)

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        progress(0, 2, _("读取流动党员"))
        scope = self.scope(target)
        start, end = period.months[0], period.last_day
        spells = [
            s
            for s in selectors_life.flowing_spells(scope=scope)
            if s.started_on <= end and (s.ended_on is None or s.ended_on >= start)
        ]
        progress(1, 2, _("核对组织生活"))
        without = selectors_life.flowing_without_org_life(scope=scope, start=start, end=end)
        missing = {m.pk for m in without}
        rows, marked = [], set()
        for i, s in enumerate(spells):
            rows.append(
                [
                    s.member.branch.name,
                    s.member.name,
                    s.workplace,
                    s.employer,
                    str(s.get_channel_display()),
                    s.started_on,
                    s.ended_on,
                    _("无") if s.member_id in missing else _("有"),
                ]
            )
            if s.member_id in missing:
                marked.add(i)
        listed = [[m.branch.name, m.name, m.flowing_workplace] for m in without]
        return Report(
            title=_("%(t)s %(p)s 流动党员组织生活情况") % {"t": target.label, "p": period.label},
            subject=target.label,
            period=period,
            facts=[
                (_("期间"), f"{start.isoformat()} — {end.isoformat()}"),
                (_("外出流动党员"), str(len(spells))),
                (_("未参加组织生活"), str(len(without))),
            ],
            tables=[
                Table(
                    title=_("未参加组织生活的流动党员"),
                    sheet=_("未参加组织生活"),
                    columns=[
                        Column(_("支部"), width=18),
                        Column(_("姓名"), width=10),
                        Column(_("外出务工地"), width=20),
                    ],
                    rows=listed,
                    marked=set(range(len(listed))),
                    note=_(
                        "期间内处于外出流动，既没有出席本支部会议，也没有登记异地参加组织生活。"
                    ),
                ),
                Table(
                    title=_("外出流动登记"),
                    sheet=_("外出登记"),
                    columns=[
                        Column(_("支部"), width=18),
                        Column(_("姓名"), width=10),
                        Column(_("外出务工地"), width=18),
                        Column(_("工作单位"), width=18),
                        Column(_("联系方式"), width=12),
                        Column(_("外出日期"), "date", 11),
                        Column(_("返回日期"), "date", 11),
                        Column(_("组织生活"), width=9),
                    ],
                    rows=rows,
                    marked=marked,
                ),
            ],
            filename=self.filename("flowing-members", target, period),
            landscape=True,
        )


KINDS = (DevelopmentPipeline, TrainingCompliance, FlowingMembers)
