"""The organisation's report kinds: liaison duties, two-committee statistics and reserve cadres,
classification and demonstration villages. Registered in `BranchesConfig.ready()`.

Each kind reads through the same selectors as its page, with the scope of the office of the
township (or the reviewer of the county) it covers.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches import org_rules
from branches import selectors_org as selectors
from branches.models import Branch, ClassificationScore, County, Township
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


def branch_targets(*, scope: Scope) -> list[Target]:
    """Every branch `scope` reaches as a report target ("township branch"), in township and
    branch code order: the report form offers them for each kind that covers a branch. Read as
    values: a county's 700 branches made as model instances (with their townships) took 25 ms
    for each such kind."""
    return [
        Target(
            level="branch",
            county_id=county_id,
            township_id=township_id,
            branch_id=pk,
            label=f"{township_name} {name}",
        )
        for pk, township_id, county_id, township_name, name in Branch.objects.within(scope)
        .order_by("township__code", "code")
        .values_list("pk", "township_id", "township__county_id", "township__name", "name")
    ]


def _not_found() -> ReportError:
    return ReportError(_("找不到该报表的对象，或不在您的管理范围内。"))


def _pick(queryset, ident, by_code: bool):
    if by_code:
        return queryset.filter(code=str(ident)[:20]).first()
    text = str(ident)[:12]
    return queryset.filter(pk=int(text)).first() if text.isdigit() else None


class OrgReport(ReportKind):
    """A township's (or a county's) organisation report, found through `within(scope)`."""

    levels = ("township", "county")
    periods = ("year",)
    audience = (Role.REVIEWER, Role.OFFICE)

    def target(self, *, scope: Scope | None, level: str, ident, by_code: bool = False) -> Target:
        if level == "county" and "county" in self.levels:
            counties = County.objects.all() if scope is None else County.objects.within(scope)
            county = _pick(counties.distinct(), ident, by_code)
            if county is None:
                raise _not_found()
            return Target(level="county", county_id=county.pk, label=county.name)
        if level != "township":
            raise _not_found()
        townships = Township.objects.all() if scope is None else Township.objects.within(scope)
        township = _pick(townships.select_related("county"), ident, by_code)
        if township is None:
            raise _not_found()
        return Target(
            level="township",
            county_id=township.county_id,
            township_id=township.pk,
            label=f"{township.county.name} {township.name}",
        )

    def target_choices(self, *, scope: Scope) -> list[Target]:
        out = []
        if "county" in self.levels:
            out += [
                Target(level="county", county_id=c.pk, label=c.name)
                for c in County.objects.within(scope).distinct()
            ]
        out += [
            Target(level="township", county_id=t.county_id, township_id=t.pk, label=t.name)
            for t in Township.objects.within(scope).order_by("code")
        ]
        return out

    @staticmethod
    def scope_of(target: Target) -> Scope:
        if target.level == "county":
            return Scope(role=Role.REVIEWER, county_id=target.county_id)
        return Scope(role=Role.OFFICE, township_id=target.township_id)

    @staticmethod
    def code_of(target: Target) -> str:
        if target.level == "county":
            return County.objects.get(pk=target.county_id).code
        return Township.objects.get(pk=target.township_id).code

    @staticmethod
    def day_of(period: Period) -> dt.date:
        """The figures as of the period's end, or today while it runs."""
        return min(period.last_day, timezone.localdate())


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def _yes(flag: bool) -> str:
    return _("是") if flag else _("否")


class LiaisonDuties(OrgReport):
    name = "liaison_duties"
    label = gettext_lazy("挂包责任落实情况")
    periods = ("quarter",)

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        progress(0, 1, _("读取会议列席人员"))
        scope = self.scope_of(target)
        q = period.number
        today = timezone.localdate()
        assignments = list(selectors.liaison_assignments(scope=scope, year=period.year))
        rows_in = selectors.liaison_rows(assignments=assignments, year=period.year, today=today)
        duty = org_rules.liaison_obligation(q)
        first, last = org_rules.quarter_bounds(period.year, q)
        status_text = {
            org_rules.MET: _("已落实"),
            org_rules.UNMET: _("未落实"),
            org_rules.OPEN: _("进行中"),
        }
        rows, marked = [], set()
        for i, r in enumerate(rows_in):
            visits = [
                v for v in r.visits
                if first <= v.date <= last and org_rules.liaison_visit_counts(v, q)
            ]  # fmt: skip
            status = r.statuses[q - 1]
            rows.append(
                [r.assignment.township.name, r.assignment.cadre_name, r.assignment.cadre_post,
                 r.assignment.branch.name, "、".join(v.date.isoformat() for v in visits) or "—",
                 status_text[status]]
            )  # fmt: skip
            if status == org_rules.UNMET:
                marked.add(i)
        duty_text = (
            _("到联系点参加至少 1 次主题党日")
            if duty == org_rules.THEMED_DAY
            else _("到联系点讲至少 1 次党课")
        )
        unmet = len(marked)
        return Report(
            title=_("%(s)s %(p)s 挂包责任落实情况") % {"s": target.label, "p": period.label},
            subject=target.label,
            period=period,
            facts=[
                (_("本季度要求"), duty_text),
                (_("挂包领导"), str(len(rows))),
                (_("未落实"), str(unmet)),
            ],
            tables=[
                Table(
                    title=_("挂包领导履责情况"),
                    columns=[
                        Column(_("乡镇"), width=12),
                        Column(_("挂包领导"), width=10),
                        Column(_("职务"), width=16),
                        Column(_("联系党支部"), width=20),
                        Column(_("履责日期"), width=24),
                        Column(_("状态"), width=10),
                    ],
                    rows=rows,
                    marked=marked,
                    note=_("依据会议列席人员登记；季度未结束的显示为“进行中”。"),
                )
            ],
            filename=f"liaison-duties-{self.code_of(target)}-{period.text}",
        )


class ReserveCadres(OrgReport):
    name = "reserve_cadres"
    label = gettext_lazy("村“两委”班子与后备干部")

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        progress(0, 1, _("读取“两委”班子"))
        scope = self.scope_of(target)
        day = self.day_of(period)
        summaries = selectors.cadre_summaries(scope=scope, day=day)
        summary_rows = [
            [s.township.name, s.villages, s.one_shoulder, _pct(s.one_shoulder_rate), s.committee,
             s.women, s.college, s.under_35, s.mean_age, s.short_villages, s.shortfall]
            for s in summaries
        ]  # fmt: skip
        village_rows, marked = [], set()
        rows = selectors.cadre_rows(branches=list(selectors.villages(scope=scope)), day=day)
        for i, r in enumerate(rows):
            secretary = next((c.name for c in r.committee if c.party_post == "secretary"), "—")
            village_rows.append(
                [r.branch.township.name, r.branch.name, secretary, _yes(r.one_shoulder),
                 len(r.committee), len(r.reserves), r.counting, r.shortfall,
                 "、".join(f"{c.name}（{org_rules.age_on(c.birth_date, day)}）" for c in r.reserves)
                 or "—"]
            )  # fmt: skip
            if r.shortfall:
                marked.add(i)
        return Report(
            title=_("%(s)s %(p)s 村“两委”班子与后备干部统计")
            % {"s": target.label, "p": period.label},
            subject=target.label,
            period=period,
            facts=[(_("统计日期"), day.isoformat()), (_("一肩挑目标"), "100%")],
            tables=[
                Table(
                    title=_("“两委”班子统计"),
                    sheet=_("统计"),
                    columns=[
                        Column(_("乡镇"), width=12),
                        Column(_("村"), "int", 6),
                        Column(_("一肩挑"), "int", 7),
                        Column(_("一肩挑比例"), width=10),
                        Column(_("“两委”成员"), "int", 9),
                        Column(_("女性"), "int", 6),
                        Column(_("大专及以上"), "int", 9),
                        Column(_("35岁以下"), "int", 8),
                        Column(_("平均年龄"), width=8),
                        Column(_("后备不足的村"), "int", 10),
                        Column(_("后备缺口"), "int", 8),
                    ],
                    rows=summary_rows,
                ),
                Table(
                    title=_("各村后备干部"),
                    sheet=_("各村"),
                    columns=[
                        Column(_("乡镇"), width=12),
                        Column(_("村"), width=18),
                        Column(_("党支部书记"), width=10),
                        Column(_("一肩挑"), width=7),
                        Column(_("“两委”成员"), "int", 9),
                        Column(_("后备干部"), "int", 8),
                        Column(_("50岁以下"), "int", 8),
                        Column(_("缺口"), "int", 6),
                        Column(_("后备干部（年龄）"), width=30),
                    ],
                    rows=village_rows,
                    marked=marked,
                    note=_("每村储备 2–3 名 50 周岁以下的后备干部；缺口 = 2 − 50 岁以下人数。"),
                ),
            ],
            filename=f"reserve-cadres-{self.code_of(target)}-{period.text}",
            landscape=True,
        )


class Classification(OrgReport):
    name = "classification"
    label = gettext_lazy("定位升级分类表")

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        progress(0, 1, _("读取定位升级评分"))
        scope = self.scope_of(target)
        villages = list(selectors.villages(scope=scope))
        sheets = selectors.classification_sheets(branches=villages, year=period.year)
        points: dict[int, dict[str, object]] = {}
        for sheet_branch, code, value in ClassificationScore.objects.filter(
            sheet__in=[s.pk for s in sheets.values()]
        ).values_list("sheet__branch_id", "indicator", "points"):
            points.setdefault(sheet_branch, {})[code] = value
        rows, marked = [], set()
        for i, b in enumerate(villages):
            sheet = sheets.get(b.pk)
            given = points.get(b.pk, {})
            aspects = [
                sum((given[ind.code] for ind in a.indicators), start=0) if given else None
                for a in org_rules.ASPECTS
            ]
            grade = str(org_rules.GRADE_LABELS[sheet.grade]) if sheet else _("未评")
            rows.append([b.township.name, b.name, *aspects, sheet.total if sheet else None, grade])
            if sheet and sheet.grade == org_rules.LAGGING:
                marked.add(i)
        summaries = selectors.classification_summaries(scope=scope, year=period.year)
        summary_rows = [
            [s.township.name, s.villages, s.shares.total,
             s.shares.counts[org_rules.ADVANCED], _pct(s.shares.shares[org_rules.ADVANCED]),
             _yes(s.shares.advanced_met),
             s.shares.counts[org_rules.AVERAGE], _pct(s.shares.shares[org_rules.AVERAGE]),
             _yes(s.shares.average_met),
             s.shares.counts[org_rules.LAGGING], _pct(s.shares.shares[org_rules.LAGGING])]
            for s in summaries
        ]  # fmt: skip
        return Report(
            title=_("%(s)s %(p)s 村党组织定位升级分类表") % {"s": target.label, "p": period.label},
            subject=target.label,
            period=period,
            facts=[(_("分类标准"), _("85 分及以上先进，70 分及以上一般，其余后进"))],
            tables=[
                Table(
                    title=_("分类结果与目标"),
                    sheet=_("汇总"),
                    columns=[
                        Column(_("乡镇"), width=12),
                        Column(_("村"), "int", 6),
                        Column(_("已评"), "int", 6),
                        Column(_("先进"), "int", 6),
                        Column(_("先进占比"), width=9),
                        Column(_("≥60%"), width=6),
                        Column(_("一般"), "int", 6),
                        Column(_("一般占比"), width=9),
                        Column(_("≥30%"), width=6),
                        Column(_("后进"), "int", 6),
                        Column(_("后进占比"), width=9),
                    ],
                    rows=summary_rows,
                    note=_("占比按已评村计算；目标：先进村不低于 60%，一般村不低于 30%。"),
                ),
                Table(
                    title=_("各村得分"),
                    sheet=_("各村"),
                    columns=[
                        Column(_("乡镇"), width=12),
                        Column(_("村"), width=18),
                        *[
                            Column(f"{a.label}（{a.points}）", "score", 10)
                            for a in org_rules.ASPECTS
                        ],
                        Column(_("总分"), "score", 8),
                        Column(_("类别"), width=6),
                    ],
                    rows=rows,
                    marked=marked,
                ),
            ],
            filename=f"classification-{self.code_of(target)}-{period.text}",
            landscape=True,
        )


class ModelVillages(OrgReport):
    name = "model_villages"
    label = gettext_lazy("党建示范村创建情况")

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        progress(0, 1, _("读取十条标准"))
        scope = self.scope_of(target)
        villages = list(selectors.villages(scope=scope))
        rows = []
        for r in selectors.model_village_rows(branches=villages, year=period.year):
            rows.append(
                [r.branch.township.name, r.branch.name]
                + [
                    ("✓" if r.checks.get(n, (False, ""))[0] else "")
                    for n in org_rules.STANDARD_NUMBERS
                ]
                + [r.met, _yes(r.model)]
            )
        summaries = selectors.model_village_summaries(scope=scope, year=period.year)
        return Report(
            title=_("%(s)s %(p)s 党建示范村创建情况") % {"s": target.label, "p": period.label},
            subject=target.label,
            period=period,
            facts=[
                (_("标准"), "；".join(f"{n}. {label}" for n, label in org_rules.STANDARDS)),
            ],
            tables=[
                Table(
                    title=_("示范村比例"),
                    sheet=_("汇总"),
                    columns=[
                        Column(_("乡镇"), width=12),
                        Column(_("村"), "int", 6),
                        Column(_("示范村"), "int", 8),
                        Column(_("比例"), width=8),
                        Column(_("达到 10%"), width=8),
                    ],
                    rows=[
                        [s.township.name, s.villages, s.models, _pct(s.share), _yes(s.target_met)]
                        for s in summaries
                    ],
                    marked={i for i, s in enumerate(summaries) if not s.target_met},
                ),
                Table(
                    title=_("各村十条标准"),
                    sheet=_("各村"),
                    columns=[
                        Column(_("乡镇"), width=12),
                        Column(_("村"), width=18),
                        *[Column(str(n), width=4) for n in org_rules.STANDARD_NUMBERS],
                        Column(_("达标条数"), "int", 8),
                        Column(_("示范村"), width=7),
                    ],
                    rows=rows,
                    note=_("“✓”为达标并有佐证材料；十条全部达标的村为党建示范村。"),
                ),
            ],
            filename=f"model-villages-{self.code_of(target)}-{period.text}",
            landscape=True,
        )


KINDS = (LiaisonDuties, ReserveCadres, Classification, ModelVillages)
