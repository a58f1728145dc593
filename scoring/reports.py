"""Scoring's report kinds: month sheet, quarterly and county rankings, notice board, star board,
weak-and-lax list. Registered with `township.reports` in `ScoringConfig.ready()`.

Each kind reads the same figures as `export_scores`: it first stores whatever is missing or
stale (`services.year_ensure`, the job is a write context), then reads them. Months that have
not begun when the report is made are left out, as on the pages; for a finished period the
figures are the export's, figure by figure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from branches.models import Branch, BranchKind, County, Township
from branches.reports import branch_targets
from members.models import Member
from scoring import engine, selectors, services
from scoring.labels import item_label, month_label
from scoring.models import MemberMonthScore, MemberYearScore, StarProposal
from township.db import fetch_raw
from township.models import MonthState
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

CENT = Decimal("0.01")
STAR_TEXT = {3: "★★★", 2: "★★", 1: "★", 0: ""}


def _today() -> dt.date:
    return timezone.localdate()


def _not_found() -> ReportError:
    return ReportError(_("找不到该报表的对象，或不在您的管理范围内。"))


def _by_ident(queryset, ident, by_code: bool):
    if by_code:
        return queryset.filter(code=str(ident)[:20]).first()
    try:
        pk = int(str(ident)[:12])
    except ValueError:
        return None
    return queryset.filter(pk=pk).first()


class ScoringReport(ReportKind):
    """Target resolution shared by scoring's kinds: counties, townships and branches, found
    through `within(scope)` (all of them for the command line and scheduled jobs)."""

    def target(self, *, scope: Scope | None, level: str, ident, by_code: bool = False) -> Target:
        if level == "county":
            counties = County.objects.all() if scope is None else County.objects.within(scope)
            county = _by_ident(counties.distinct(), ident, by_code)
            if county is None:
                raise _not_found()
            return Target(level="county", county_id=county.pk, label=county.name)
        if level == "township":
            townships = Township.objects.all() if scope is None else Township.objects.within(scope)
            township = _by_ident(townships.select_related("county"), ident, by_code)
            if township is None:
                raise _not_found()
            return Target(
                level="township",
                county_id=township.county_id,
                township_id=township.pk,
                label=f"{township.county.name} {township.name}",
            )
        branches = Branch.objects.all() if scope is None else Branch.objects.within(scope)
        if by_code:
            branches = branches.filter(township__code=str(ident).split("/")[0][:20])
            ident = str(ident).split("/")[-1]
        branch = _by_ident(branches.select_related("township", "township__county"), ident, by_code)
        if branch is None:
            raise _not_found()
        return Target(
            level="branch",
            county_id=branch.township.county_id,
            township_id=branch.township_id,
            branch_id=branch.pk,
            label=f"{branch.township.name} {branch.name}",
        )

    def target_choices(self, *, scope: Scope) -> list[Target]:
        out: list[Target] = []
        if "county" in self.levels:
            out += [
                Target(level="county", county_id=c.pk, label=c.name)
                for c in County.objects.within(scope).distinct()
            ]
        if "township" in self.levels:
            out += [
                Target(level="township", county_id=t.county_id, township_id=t.pk, label=t.name)
                for t in Township.objects.within(scope).order_by("code")
            ]
        if "branch" in self.levels:
            out += branch_targets(scope=scope)
        return out


# --- shared reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TownshipFigures:
    township: Township
    branches: list[Branch]
    year: selectors.TownshipYear
    until: dt.date


def _until(period: Period) -> dt.date:
    return min(period.last_day, _today())


def _townships(target: Target) -> list[Township]:
    if target.level == "county":
        return list(Township.objects.filter(county_id=target.county_id).order_by("code"))
    return [Township.objects.get(pk=target.township_id)]


def _figures(
    townships: list[Township], period: Period, progress: Progress, *, steps: int = 0
) -> list[TownshipFigures]:
    """Store what is missing for each township's year, then read them all as of the period's
    end (one read for any number of townships)."""
    until = _until(period)
    for i, township in enumerate(townships):
        progress(
            i,
            len(townships) + steps,
            _("计算 %(t)s（%(i)d/%(n)d）") % {"t": township.name, "i": i + 1, "n": len(townships)},
        )
        services.year_ensure(township=township, year=period.year)
    years = selectors.townships_year(
        township_ids=[t.pk for t in townships], year=period.year, until=until
    )
    branches: dict[int, list[Branch]] = defaultdict(list)
    for branch in Branch.objects.filter(township__in=townships).order_by("code"):
        branches[branch.township_id].append(branch)
    return [
        TownshipFigures(township=t, branches=branches[t.pk], year=years[t.pk], until=until)
        for t in townships
    ]


def _month_names(months: Iterable[dt.date]) -> str:
    return pgettext("list separator", "、").join(month_label(m) for m in sorted(months)) or _("无")


def _facts(townships: list[Township], period: Period) -> list[tuple[str, str]]:
    """Which months are locked and when the data last changed: never the print time."""
    ids = [t.pk for t in townships]
    states = MonthState.objects.filter(township_id__in=ids, month__in=period.months)
    locked: dict[dt.date, int] = defaultdict(int)
    for month in states.filter(locked=True).values_list("month", flat=True):
        locked[month] += 1
    fully = [m for m, n in locked.items() if n == len(ids)]
    changed = states.aggregate(last=Max("changed_at"))["last"]
    facts = [(_("已锁定月份"), _month_names(fully))]
    partly = sorted(set(locked) - set(fully))
    if partly:
        facts.append((_("部分乡镇已锁定"), _month_names(partly)))
    last = timezone.localtime(changed).strftime("%Y-%m-%d %H:%M") if changed else "—"
    facts.append((_("数据最后变更"), last))
    until = _until(period)
    if until < period.last_day:
        facts.append((_("统计截至"), until.isoformat()))
    return facts


def _kind_label(kind: str) -> str:
    return str(BranchKind(kind).label) if kind in BranchKind.values else kind


def _stars(stars: int | None) -> str:
    return "" if stars is None else STAR_TEXT.get(stars, "")


def _file(name: str, target: Target, period: Period, code: str) -> str:
    return f"{name}-{code}-{period.text}"


# --- kinds ---------------------------------------------------------------------------------------


class MonthlySheet(ScoringReport):
    name = "monthly_sheet"
    label = gettext_lazy("月度考核表")
    levels = ("township",)
    periods = ("month",)
    audience = (Role.REVIEWER, Role.OFFICE)

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        (fig,) = _figures(_townships(target), period, progress)
        month = period.months[0]
        scheme = selectors.scheme_current(township_id=fig.township.pk, year=period.year)
        items = [i for i in scheme["items"] if i.enabled and i.code.startswith("F")]
        columns = [Column(_("代码"), width=8), Column(_("党支部"), width=22)]
        columns += [
            Column(
                _("%(code)s %(label)s（%(points)s）")
                % {
                    "code": i.code,
                    "label": item_label(i.code, i.label),
                    "points": f"{i.points.normalize():f}",
                },
                "score",
                9,
            )
            for i in items
        ]
        columns.append(Column(_("堡垒指数"), "score", 10))
        rows = []
        for b in fig.branches:
            view = fig.year.months.get(b.pk, {}).get(month)
            values = view.items if view else {}
            rows.append(
                [b.code, b.name]
                + [values.get(i.code) for i in items]
                + [view.index if view else None]
            )
        state = _("已锁定") if month in fig.year.locked else _("未锁定")
        return Report(
            title=_("%(t)s %(p)s 党支部月度考核表（%(s)s）")
            % {"t": fig.township.name, "p": period.label, "s": state},
            subject=target.label,
            period=period,
            facts=_facts([fig.township], period),
            tables=[
                Table(
                    title=_("各党支部考核项目得分"),
                    sheet=_("月度考核"),
                    columns=columns,
                    rows=rows,
                    note=_("“—”表示该项目本月不适用（不计入应得分）；括号内为项目分值。"),
                )
            ],
            filename=_file("monthly-sheet", target, period, fig.township.code),
            landscape=True,
        )


class QuarterlyRanking(ScoringReport):
    name = "quarterly_ranking"
    label = gettext_lazy("季度排名")
    levels = ("township",)
    periods = ("quarter",)
    audience = (Role.REVIEWER, Role.OFFICE)

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        (fig,) = _figures(_townships(target), period, progress)
        q = period.number
        months = period.months
        result = fig.year.result.branches
        order = sorted(
            fig.branches,
            key=lambda b: (
                result[b.code].quarters[q].rank is None,
                result[b.code].quarters[q].rank or 0,
                b.code,
            ),
        )
        rows, marked = [], set()
        for i, b in enumerate(order):
            quarter = result[b.code].quarters[q]
            indices = [fig.year.months.get(b.pk, {}).get(m) for m in months]
            flag = _("约谈") if quarter.bottom else ("" if b.ranked else _("不参与排名"))
            rows.append(
                [quarter.rank, b.code, b.name]
                + [v.index if v else None for v in indices]
                + [quarter.score, flag]
            )
            if quarter.bottom:
                marked.add(i)
        columns = [
            Column(_("排名"), "int", 6),
            Column(_("代码"), width=8),
            Column(_("党支部"), width=24),
            *[Column(_("%(month)s指数") % {"month": month_label(m)}, "score", 10) for m in months],
            Column(_("季度得分"), "score", 10),
            Column(_("备注"), width=12),
        ]
        bottom = [b.name for b in order if result[b.code].quarters[q].bottom]
        return Report(
            title=_("%(t)s %(p)s 党支部堡垒指数排名") % {"t": fig.township.name, "p": period.label},
            subject=target.label,
            period=period,
            facts=[*_facts([fig.township], period), (_("约谈名单"), "、".join(bottom) or _("无"))],
            tables=[
                Table(
                    title=_("季度排名"),
                    columns=columns,
                    rows=rows,
                    marked=marked,
                    note=_(
                        "季度得分为三个月堡垒指数的平均值；并列同分同名次；"
                        "约谈名单为得分最低的三个支部（并列一并列入）。"
                    ),
                )
            ],
            filename=_file("quarterly-ranking", target, period, fig.township.code),
        )


def _branch_value(fig: TownshipFigures, branch: Branch, period: Period) -> Decimal | None:
    r = fig.year.result.branches[branch.code]
    return r.quarters[period.number].score if period.kind == "quarter" else r.score


class CountyRanking(ScoringReport):
    name = "county_ranking"
    label = gettext_lazy("全县排名")
    levels = ("county",)
    periods = ("quarter", "year")
    audience = (Role.REVIEWER,)

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        townships = _townships(target)
        figures = _figures(townships, period, progress, steps=1)
        progress(len(townships), len(townships) + 1, _("汇总全县排名"))
        quarter = period.kind == "quarter"
        summary, everyone = [], {}
        for fig in figures:
            ranked = [b for b in fig.branches if b.ranked]
            values = {b.code: _branch_value(fig, b, period) for b in ranked}
            scored = [v for v in values.values() if v is not None]
            results = fig.year.result.branches
            stars = defaultdict(int)
            for b in ranked:
                stars[results[b.code].stars] += 1
            flagged = sum(
                1
                for b in ranked
                if (
                    results[b.code].quarters[period.number].bottom
                    if quarter
                    else results[b.code].weak_and_lax
                )
            )
            summary.append(
                [
                    fig.township.name,
                    len(ranked),
                    engine.mean_published(scored),
                    min(scored) if scored else None,
                    max(scored) if scored else None,
                    (max(scored) - min(scored)) if scored else None,
                    flagged,
                ]
                + ([] if quarter else [stars[3], stars[2], stars[1]])
            )
            township_ranks = engine.competition_ranks(
                {code: v for code, v in values.items() if v is not None}
            )
            for b in ranked:
                everyone[(fig.township.code, b.code)] = (
                    fig,
                    b,
                    values[b.code],
                    township_ranks.get(b.code),
                )
        county_ranks = engine.competition_ranks(
            {key: v[2] for key, v in everyone.items() if v[2] is not None}
        )
        order = sorted(everyone, key=lambda k: (k not in county_ranks, county_ranks.get(k, 0), k))
        rows, marked = [], set()
        for i, key in enumerate(order):
            fig, b, value, township_rank = everyone[key]
            r = fig.year.result.branches[b.code]
            flag = r.quarters[period.number].bottom if quarter else r.weak_and_lax
            rows.append(
                [county_ranks.get(key), fig.township.name, b.code, b.name, value, township_rank,
                 (_("约谈") if quarter else _("软弱涣散")) if flag else ""]
            )  # fmt: skip
            if flag:
                marked.add(i)
        flag_label = _("约谈名单数") if quarter else _("软弱涣散数")
        summary_columns = [
            Column(_("乡镇"), width=14),
            Column(_("参评支部"), "int", 9),
            Column(_("平均指数"), "score", 10),
            Column(_("最低"), "score", 9),
            Column(_("最高"), "score", 9),
            Column(_("极差"), "score", 9),
            Column(flag_label, "int", 10),
        ]
        if not quarter:
            summary_columns += [
                Column(_("三星"), "int", 7),
                Column(_("二星"), "int", 7),
                Column(_("一星"), "int", 7),
            ]
        county = County.objects.get(pk=target.county_id)
        what = _("季度得分") if quarter else _("年度得分")
        return Report(
            title=_("%(c)s %(p)s 乡镇党建考核对比与支部排名")
            % {"c": county.name, "p": period.label},
            subject=county.name,
            period=period,
            facts=_facts(townships, period),
            tables=[
                Table(
                    title=_("乡镇对比"),
                    columns=summary_columns,
                    rows=summary,
                    note=_("平均指数为各乡镇参评支部%(w)s的平均值。") % {"w": what},
                ),
                Table(
                    title=_("全县党支部排名"),
                    sheet=_("支部排名"),
                    columns=[
                        Column(_("全县排名"), "int", 8),
                        Column(_("乡镇"), width=12),
                        Column(_("代码"), width=8),
                        Column(_("党支部"), width=24),
                        Column(what, "score", 10),
                        Column(_("镇内排名"), "int", 8),
                        Column(_("备注"), width=10),
                    ],
                    rows=rows,
                    marked=marked,
                ),
            ],
            filename=_file("county-ranking", target, period, county.code),
        )


def _final_stars(township_ids: list[int], year: int) -> dict[tuple[str, int], int]:
    """(kind, branch or member id) → the stars the star rating set (公示期满确定, after any
    later demotion), for the townships whose round of `year` is set."""
    rows = StarProposal.objects.filter(
        round__township_id__in=township_ids, round__year=year, round__set_on__isnull=False
    ).values_list("kind", "branch_id", "member_id", "final")
    return {
        (kind, member_id if kind == StarProposal.MEMBER else branch_id): final
        for kind, branch_id, member_id, final in rows
    }


def _with_final(computed: int | None, final: int | None) -> tuple[str, str]:
    """The stars to print and which they are: set by the rating, or computed from the score."""
    if final is not None:
        return _stars(final), _("评定")
    return _stars(computed), _("计算") if computed is not None else ""


def _member_year_values(
    township_ids: list[int], period: Period
) -> dict[int, tuple[Decimal | None, int | None, bool]]:
    """(annual value, stars, unqualified) per member as of the period's end."""
    if _until(period) >= period.last_day:
        return {
            mid: (annual, stars, unqualified)
            for mid, annual, stars, unqualified in MemberYearScore.objects.filter(
                branch__township_id__in=township_ids, year=period.year
            ).values_list("member_id", "annual", "stars", "unqualified")
        }
    monthly: dict[int, list[Decimal | None]] = defaultdict(list)
    # Plain rows: a county has some 350,000 member months; Django's converters would cost more
    # than the query. Published indices have two decimals.
    for mid, index in fetch_raw(
        MemberMonthScore.objects.filter(
            branch__township_id__in=township_ids,
            month__year=period.year,
            month__lte=_until(period),
        )
        .order_by()
        .values_list("member_id", "index")
    ):
        monthly[mid].append(None if index is None else Decimal(str(index)).quantize(CENT))
    exempt = dict(
        Member.objects.filter(township_id__in=township_ids).values_list("pk", "rating_exempt")
    )
    out = {}
    for mid, values in monthly.items():
        r = engine.member_year(values, rating_exempt=exempt[mid])
        out[mid] = (r.annual, r.stars, r.unqualified)
    return out


class StarBoard(ScoringReport):
    name = "star_board"
    label = gettext_lazy("星级评定表")
    levels = ("township", "county")
    periods = ("year",)
    audience = (Role.REVIEWER, Role.OFFICE)

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        townships = _townships(target)
        figures = _figures(townships, period, progress, steps=2)
        progress(len(townships), len(townships) + 2, _("党员星级"))
        final = _final_stars([t.pk for t in townships], period.year)
        branch_rows = []
        for fig in figures:
            for b in fig.branches:
                r = fig.year.result.branches[b.code]
                stars, basis = _with_final(r.stars, final.get(("branch", b.pk)))
                if not b.ranked:
                    stars, basis = _("不参评"), ""
                branch_rows.append([fig.township.name, b.code, b.name, r.score, stars, basis])
        values = _member_year_values([t.pk for t in townships], period)
        member_rows = []
        members = (
            Member.objects.filter(township_id__in=[t.pk for t in townships])
            .order_by("township__code", "branch__code", "code")
            .values_list("pk", "township__name", "branch__name", "code", "name", "rating_exempt")
        )
        for mid, township, branch, code, name, exempt in members.iterator(chunk_size=5000):
            if mid not in values:
                continue  # on no roster this year
            annual, stars, unqualified = values[mid]
            shown, basis = _with_final(stars, final.get(("member", mid)))
            member_rows.append(
                [township, branch, code, name, annual,
                 _("不参评") if exempt else shown,
                 _("不合格（待支部确认）") if unqualified else "",
                 "" if exempt else basis]
            )  # fmt: skip
        subject = County.objects.get(pk=target.county_id).name
        code = County.objects.get(pk=target.county_id).code
        if target.level == "township":
            subject, code = townships[0].name, townships[0].code
        return Report(
            title=_("%(s)s %(p)s 党支部和党员星级评定表") % {"s": subject, "p": period.label},
            subject=target.label,
            period=period,
            facts=_facts(townships, period),
            tables=[
                Table(
                    title=_("党支部星级"),
                    columns=[
                        Column(_("乡镇"), width=12),
                        Column(_("代码"), width=8),
                        Column(_("党支部"), width=24),
                        Column(_("年度得分"), "score", 10),
                        Column(_("星级"), width=8),
                        Column(_("星级依据"), width=10),
                    ],
                    rows=branch_rows,
                    note=_(
                        "星级：90 分及以上三星，80 分及以上二星，60 分及以上一星。"
                        "星级依据为“评定”时是星级评定公示期满后确定（含此后降级）的星级，"
                        "为“计算”时是按得分计算的星级（评定尚未完成）。"
                    ),
                ),
                Table(
                    title=_("党员星级"),
                    columns=[
                        Column(_("乡镇"), width=12),
                        Column(_("党支部"), width=22),
                        Column(_("编号"), width=10),
                        Column(_("姓名"), width=10),
                        Column(_("年度先锋指数"), "score", 12),
                        Column(_("星级"), width=8),
                        Column(_("备注"), width=18),
                        Column(_("星级依据"), width=10),
                    ],
                    rows=member_rows,
                    note=_("年度先锋指数低于 60 分的党员列为不合格，由支部确认。"),
                ),
            ],
            filename=_file("star-board", target, period, code),
        )


class WeakAndLax(ScoringReport):
    name = "weak_and_lax"
    label = gettext_lazy("软弱涣散党组织名单")
    levels = ("township", "county")
    periods = ("year",)
    audience = (Role.REVIEWER, Role.OFFICE)

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        townships = _townships(target)
        figures = _figures(townships, period, progress)
        rows, counts = [], []
        for fig in figures:
            results = fig.year.result.branches
            ranked = [b for b in fig.branches if b.ranked and results[b.code].score is not None]
            listed = [b for b in ranked if results[b.code].weak_and_lax]
            counts.append(f"{fig.township.name} {len(listed)}/{len(ranked)}")
            targets = selectors.target_scores(township_id=fig.township.pk, year=period.year)
            for b in sorted(listed, key=lambda b: (results[b.code].score, b.code)):
                r = results[b.code]
                rows.append(
                    [fig.township.name, b.code, b.name, _kind_label(b.kind), r.fortress_mean,
                     targets.get(b.pk), r.score]
                    + [r.quarters[q].score for q in range(1, 5)]
                )  # fmt: skip
        subject_code = (
            townships[0].code
            if target.level == "township"
            else County.objects.get(pk=target.county_id).code
        )
        return Report(
            title=_("%(s)s %(p)s 软弱涣散基层党组织名单") % {"s": target.label, "p": period.label},
            subject=target.label,
            period=period,
            facts=[*_facts(townships, period), (_("列入/参评"), "；".join(counts))],
            tables=[
                Table(
                    title=_("软弱涣散名单"),
                    columns=[
                        Column(_("乡镇"), width=12),
                        Column(_("代码"), width=8),
                        Column(_("党支部"), width=24),
                        Column(_("类型"), width=12),
                        Column(_("堡垒指数均值"), "score", 11),
                        Column(_("目标考核"), "score", 9),
                        Column(_("年度得分"), "score", 9),
                        *[Column(_("第%(q)d季度") % {"q": q}, "score", 9) for q in range(1, 5)],
                    ],
                    rows=rows,
                    note=_(
                        "每个乡镇按年度得分取最低的 10%（向上取整）参评支部，并列一并列入；"
                        "列入后建立整改台账。"
                    ),
                )
            ],
            filename=_file("weak-and-lax", target, period, subject_code),
            landscape=True,
        )


class NoticeBoard(ScoringReport):
    name = "notice_board"
    label = gettext_lazy("党员积分公示")
    levels = ("branch",)
    periods = ("quarter",)
    audience = (Role.REVIEWER, Role.OFFICE, Role.SECRETARY, Role.LIAISON)

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        branch = Branch.objects.select_related("township").get(pk=target.branch_id)
        progress(0, 2, _("计算 %(b)s") % {"b": branch.name})
        services.year_ensure(township=branch.township, year=period.year)
        scope = Scope(role=Role.SECRETARY, township_id=branch.township_id, branch_id=branch.pk)
        board = selectors.member_board(
            scope=scope, branch=branch, year=period.year, until=_until(period)
        )
        first = (period.number - 1) * 3
        rows = []
        for row in board:
            months = row.months[first : first + 3]
            if all(v == "" for v in months):
                continue  # not on this branch's roster during the quarter
            rows.append(
                [row.member.name]
                + [None if v == "" else v for v in months]
                + [row.quarters[period.number - 1]]
            )
        return Report(
            title=_("%(b)s %(p)s 党员先锋指数公示") % {"b": branch.name, "p": period.label},
            subject=target.label,
            period=period,
            facts=_facts([branch.township], period),
            tables=[
                Table(
                    title=_("党员先锋指数"),
                    columns=[Column(_("姓名"), width=12)]
                    + [Column(month_label(m), "score", 10) for m in period.months]
                    + [Column(_("季度"), "score", 10)],
                    rows=rows,
                    note=_(
                        "先锋指数由三会一课参加、按时交纳党费、党员联户和加减分计算；"
                        "对公示内容有异议的，请在公示期内向支部或镇党建办反映。"
                    ),
                )
            ],
            filename=_file("notice-board", target, period, f"{branch.township.code}-{branch.code}"),
            large_type=True,
        )


KINDS = (MonthlySheet, QuarterlyRanking, CountyRanking, NoticeBoard, StarBoard, WeakAndLax)
