"""Writes of the scoring app: schemes, computing and storing scores, month close."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from branches.models import Branch, Township
from members.models import Member
from scoring import engine
from scoring.export import score_document
from scoring.labels import item_label
from scoring.models import (
    BranchMonthScore,
    BranchQuarterScore,
    BranchYearScore,
    MemberMonthScore,
    MemberYearScore,
    OfficeScore,
    Scheme,
    SchemeItem,
)
from scoring.selectors import (
    close_date,
    month_results,
    record_gaps,
    scheme_weights_for,
    scored_count,
    stale_months,
    target_scores,
)
from township import plausible
from township.audit import audit_log
from township.db import bulk_insert_values
from township.errors import ApplicationError
from township.models import MonthState, ReportJob
from township.months import (
    ensure_month_open,
    locked_months,
    month_start,
    months_mark_changed,
)

# --- schemes ------------------------------------------------------------------------------------


def schemes_for(*, township_ids: Sequence[int], year: int) -> dict[int, Scheme]:
    """Each township's current scheme for the year (items prefetched), in a fixed number of
    queries; townships without one get the default scheme, created here on first use."""
    current: dict[int, Scheme] = {}
    for scheme in (
        Scheme.objects.filter(township_id__in=township_ids, year=year)
        .order_by("version")
        .prefetch_related("items")
    ):
        current[scheme.township_id] = scheme
    missing = [t for t in township_ids if t not in current]
    if missing:
        with transaction.atomic():
            created = Scheme.objects.bulk_create(
                Scheme(township_id=t, year=year, version=1, name=_("默认考核方案")) for t in missing
            )
            SchemeItem.objects.bulk_create(
                SchemeItem(scheme=scheme, code=code, label=label, points=Decimal(points))
                for scheme in created
                for code, label, points in engine.DEFAULT_ITEMS
            )
        for scheme in Scheme.objects.filter(pk__in=[s.pk for s in created]).prefetch_related(
            "items"
        ):
            current[scheme.township_id] = scheme
    return current


def scheme_for(*, township_id: int, year: int) -> Scheme:
    """The township's current scheme for the year; the default scheme is created on first use."""
    return schemes_for(township_ids=[township_id], year=year)[township_id]


def scheme_weights(scheme: Scheme) -> engine.Weights:
    return engine.Weights({i.code: i.points for i in scheme.items.all() if i.enabled})


@transaction.atomic
def scheme_revise(
    *, actor, township: Township, year: int, points: dict[str, Decimal | None]
) -> Scheme:
    """A new version of the year's scheme with changed weights (None switches an item off).

    Locked months keep the version they were locked with; unlocked months are recomputed.
    """
    _lock_townships([township.pk])  # two revisions at once would both take version + 1
    current = scheme_for(township_id=township.pk, year=year)
    known = {i.code for i in current.items.all()}
    unknown = sorted(set(points) - known)
    if unknown:
        raise ApplicationError(_("考核方案中没有这些项目：%s") % "、".join(unknown))
    for code, value in points.items():
        if value is not None and value < 0:
            raise ApplicationError(_("项目 %s 的分值不能为负数。") % code)
    revised = Scheme.objects.create(
        township=township,
        year=year,
        version=current.version + 1,
        name=current.name,
        based_on=current,
    )
    SchemeItem.objects.bulk_create(
        SchemeItem(
            scheme=revised,
            code=i.code,
            label=i.label,
            frequency=i.frequency,
            params=i.params,
            points=i.points if points.get(i.code) is None else points[i.code],
            enabled=points[i.code] is not None if i.code in points else i.enabled,
        )
        for i in current.items.all()
    )
    audit_log(
        actor=actor,
        action="scoring.scheme.changed",
        township=township,
        obj=revised,
        data={"year": year, "points": {k: v if v is None else str(v) for k, v in points.items()}},
    )
    months_mark_changed(township_id=township.pk, days=engine.year_months(year))
    return revised


# --- computing ----------------------------------------------------------------------------------


def _open_townships(township_ids: Sequence[int], month: dt.date) -> list[int]:
    closed = set(
        MonthState.objects.filter(
            township_id__in=township_ids, month=month, locked=True
        ).values_list("township_id", flat=True)
    )
    return [t for t in township_ids if t not in closed]


@transaction.atomic
def month_compute(*, township_ids: Sequence[int], month: dt.date) -> int:
    """Compute and store one month of the given townships; locked months are left as stored.

    Returns the number of branch results written. Query count does not depend on the number of
    branches or members.
    """
    month = month_start(month)
    # Serialise computations of the same townships (two requests, or a request and the close-day
    # job): each deletes and re-inserts the month's rows.
    _lock_townships(township_ids)
    township_ids = _open_townships(list(township_ids), month)
    if not township_ids:
        return 0
    schemes = schemes_for(township_ids=township_ids, year=month.year)
    weights = {t: scheme_weights(s) for t, s in schemes.items()}
    results = month_results(township_ids=township_ids, month=month, weights=weights)
    points = {t: w.points for t, w in weights.items()}
    branch_rows = []
    for bid, r in results.branches.items():
        met, applicable = engine.items_met(r.items, points[results.branch_townships[bid]])
        branch_rows.append(
            BranchMonthScore(
                branch_id=bid,
                township_id=results.branch_townships[bid],
                month=month,
                index=r.index,
                earned=engine.publish(r.earned * 100) / 100,
                possible=Decimal(r.possible.numerator) / r.possible.denominator,
                items={code: str(v) for code, v in r.items.items()},
                met=met,
                applicable=applicable,
                scheme=schemes[results.branch_townships[bid]],
            )
        )
    member_rows = [
        (
            mid, r.branch_id, month, r.index,
            r.items.get("P1"), r.items.get("P2"), r.items.get("P3"), r.adjustment,
        )
        for mid, r in results.members.items()
    ]  # fmt: skip
    # Every stored row of the month goes, also a row of a branch no longer scored in it. The
    # branches come as a subquery: a filter across the join makes Django delete by
    # `id IN (a self-join)`, which PostgreSQL plans badly on fresh tables (statement timeout).
    branch_ids = Branch.objects.filter(township_id__in=township_ids).values("id")
    BranchMonthScore.objects.filter(branch_id__in=branch_ids, month=month).delete()
    MemberMonthScore.objects.filter(branch_id__in=branch_ids, month=month).delete()
    BranchMonthScore.objects.bulk_create(branch_rows, batch_size=2000)
    bulk_insert_values(
        MemberMonthScore,
        ["member", "branch", "month", "index", "p1", "p2", "p3", "adjustment"],
        member_rows,
    )
    return len(branch_rows)


def months_missing(*, township: Township, year: int) -> list[dt.date]:
    """Unlocked months of the year whose stored results are missing, incomplete, or older than
    a change of the records they are computed from."""
    deactivated = Counter(
        Branch.objects.filter(township=township).values_list("deactivated_on", flat=True)
    )
    stored = dict(
        BranchMonthScore.objects.filter(branch__township=township, month__year=year)
        .values_list("month")
        .annotate(n=Count("id"))
    )
    locked = locked_months(township_id=township.pk)
    stale = stale_months(township_id=township.pk, year=year)
    return [
        m
        for m in engine.year_months(year)
        if m not in locked and (m in stale or stored.get(m, 0) != scored_count(m, deactivated))
    ]


@transaction.atomic
def year_compute(*, township: Township, year: int) -> engine.TownshipYearResult:
    """Compute what is missing for the year, then the quarter and annual results; store them.

    Consumes the month-state marks it saw: the figures now reflect those revisions (a change
    committed meanwhile leaves its month marked, and its own job follows).
    """
    _lock_townships([township.pk])
    consumed = list(
        MonthState.objects.filter(
            township=township, month__year=year, revision__gt=F("scored_revision")
        ).only("pk", "revision")
    )
    for month in months_missing(township=township, year=year):
        month_compute(township_ids=[township.pk], month=month)

    branches = list(Branch.objects.filter(township=township).values_list("id", "code", "ranked"))
    monthly: dict[int, dict[dt.date, Decimal | None]] = defaultdict(dict)
    for bid, month, index in BranchMonthScore.objects.filter(
        branch__township=township, month__year=year
    ).values_list("branch_id", "month", "index"):
        monthly[bid][month] = index
    targets = target_scores(township_id=township.pk, year=year)
    result = engine.township_year(
        [
            engine.BranchYearInput(
                code=code, ranked=ranked, months=monthly[bid], target=targets.get(bid)
            )
            for bid, code, ranked in branches
        ],
        year,
    )
    ids = {code: bid for bid, code, _r in branches}
    branch_ids = Branch.objects.filter(township=township).values("id")
    BranchQuarterScore.objects.filter(branch_id__in=branch_ids, year=year).delete()
    BranchYearScore.objects.filter(branch_id__in=branch_ids, year=year).delete()
    BranchQuarterScore.objects.bulk_create(
        BranchQuarterScore(
            branch_id=ids[code], year=year, quarter=q, score=r.score, rank=r.rank, bottom=r.bottom
        )
        for code, br in result.branches.items()
        for q, r in br.quarters.items()
    )
    BranchYearScore.objects.bulk_create(
        BranchYearScore(
            branch_id=ids[code],
            year=year,
            fortress_mean=br.fortress_mean,
            target=targets.get(ids[code]),
            score=br.score,
            stars=br.stars,
            weak_and_lax=br.weak_and_lax,
        )
        for code, br in result.branches.items()
    )
    _member_years_compute(township=township, year=year)
    for state in consumed:
        state.scored_revision = state.revision
    MonthState.objects.bulk_update(consumed, ["scored_revision"])
    return result


def _member_years_compute(*, township: Township, year: int) -> None:
    monthly: dict[int, list[Decimal | None]] = defaultdict(list)
    last_branch: dict[int, tuple[dt.date, int]] = {}
    for mid, bid, month, index in MemberMonthScore.objects.filter(
        member__township=township, month__year=year
    ).values_list("member_id", "branch_id", "month", "index"):
        monthly[mid].append(index)
        if mid not in last_branch or last_branch[mid][0] < month:
            last_branch[mid] = (month, bid)
    exempt = dict(
        Member.objects.filter(township=township, id__in=monthly).values_list("id", "rating_exempt")
    )
    MemberYearScore.objects.filter(
        member_id__in=Member.objects.filter(township=township).values("id"), year=year
    ).delete()
    rows = []
    for mid, values in monthly.items():
        r = engine.member_year(values, rating_exempt=exempt[mid])
        rows.append((mid, last_branch[mid][1], year, r.annual, r.stars, r.unqualified))
    bulk_insert_values(
        MemberYearScore, ["member", "branch", "year", "annual", "stars", "unqualified"], rows
    )


def year_results_current(*, township: Township, year: int) -> bool:
    """True when every month and the year's derived results are stored and up to date."""
    if months_missing(township=township, year=year) or stale_months(
        township_id=township.pk, year=year
    ):
        return False
    return BranchYearScore.objects.filter(branch__township=township, year=year).count() == (
        Branch.objects.filter(township=township).count()
    )


def year_ensure(*, township: Township, year: int) -> None:
    if not year_results_current(township=township, year=year):
        year_compute(township=township, year=year)


# --- stored results follow the records -------------------------------------------------------


def _lock_townships(township_ids: Iterable[int]) -> None:
    """Serialise every write of stored results per township (compute, lock, revise)."""
    list(Township.objects.select_for_update().filter(pk__in=list(township_ids)).values_list("pk"))


# --- month close --------------------------------------------------------------------------------


@transaction.atomic
def month_lock(*, actor, township: Township, month: dt.date) -> MonthState:
    """Compute the month with the current scheme and lock it with its figures (only once the
    month has ended)."""
    month = month_start(month)
    plausible.refuse({"month": plausible.month_ended(month, today=plausible.today())})
    _lock_townships([township.pk])  # the month's state row may not exist yet: lock its township
    close = MonthState.objects.filter(township=township, month=month).first()
    if close is not None and close.locked:
        raise ApplicationError(_("%(month)s 的考核已经锁定。") % {"month": f"{month:%Y年%m月}"})
    month_compute(township_ids=[township.pk], month=month)
    scheme = scheme_for(township_id=township.pk, year=month.year)
    if close is None:
        close = MonthState(township=township, month=month)
    close.locked = True
    close.locked_at = timezone.now()
    close.locked_by = actor
    close.save()
    audit_log(
        actor=actor,
        actor_name="" if actor else "close-day job",
        action="scoring.month.locked",
        township=township,
        obj=close,
        data={"month": f"{month:%Y-%m}", "scheme": scheme.pk},
    )
    return close


@transaction.atomic
def month_reopen(
    *, actor, township: Township, month: dt.date, reason: str, actor_name: str = ""
) -> MonthState:
    month = month_start(month)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("重新开放已锁定的月份必须填写原因。"))
    close = (
        MonthState.objects.select_for_update()
        .filter(township=township, month=month, locked=True)
        .first()
    )
    if close is None:
        raise ApplicationError(_("%(month)s 的考核尚未锁定。") % {"month": f"{month:%Y年%m月}"})
    close.locked = False
    close.reopen_reason = reason
    close.save()
    # Changes the office made while it was locked, and a revised scheme, now count.
    months_mark_changed(township_id=township.pk, days=[month])
    audit_log(
        actor=actor,
        actor_name=actor_name,
        action="scoring.month.reopened",
        township=township,
        obj=close,
        data={"month": f"{month:%Y-%m}", "reason": reason},
    )
    return close


def month_was_reopened(*, township: Township, month: dt.date) -> bool:
    return (
        MonthState.objects.filter(township=township, month=month_start(month), locked=False)
        .exclude(reopen_reason="")
        .exists()
    )


def months_due_for_close(*, today: dt.date) -> list[tuple[Township, dt.date]]:
    """(township, previous month) pairs whose close day has come and which are still open."""
    previous = month_start(month_start(today) - dt.timedelta(days=1))
    locked = set(
        MonthState.objects.filter(month=previous, locked=True).values_list("township_id", flat=True)
    )
    return [
        (t, previous)
        for t in Township.objects.filter(close_day__lte=today.day).exclude(pk__in=locked)
    ]


# --- export -------------------------------------------------------------------------------------


@transaction.atomic
def scores_export(*, actor, township: Township, year: int, actor_name: str = "", request=None):
    """The EXCHANGE.md score document of a township's year (computing what is missing), audited."""
    year_ensure(township=township, year=year)
    document = score_document(township=township, year=year)
    audit_log(
        actor=actor,
        actor_name=actor_name,
        action="scoring.scores.exported",
        township=township,
        data={"year": year},
        request=request,
    )
    return document


# --- office scores ------------------------------------------------------------------------------


@transaction.atomic
def office_score_set(
    *, actor, branch: Branch, month: dt.date, points: Decimal | None, note: str = ""
) -> OfficeScore | None:
    """Enter (or clear, with None) the office's 0–10 assessment of a branch for a month."""
    month = month_start(month)
    plausible.refuse(
        {"month": plausible.record_month(month, today=plausible.today(), label=_("评价月份"))}
    )
    ensure_month_open(actor=actor, township_id=branch.township_id, day=month)
    if points is not None and not (0 <= points <= 10):
        raise ApplicationError(_("党建办评价分必须在 0 到 10 之间。"))
    existing = OfficeScore.objects.filter(branch=branch, month=month).first()
    if points is None:
        if existing is None:
            return None  # nothing to clear
        existing.delete()
        obj = None
    else:
        obj, _created = OfficeScore.objects.update_or_create(
            branch=branch, month=month, defaults={"points": points, "note": note}
        )
    audit_log(
        actor=actor,
        action="scoring.office_score.set",
        township_id=branch.township_id,
        obj=obj or branch,
        data={"month": f"{month:%Y-%m}", "points": None if points is None else str(points)},
    )
    months_mark_changed(township_id=branch.township_id, days=[month])
    return obj


@transaction.atomic
def office_scores_record(
    *, actor, township: Township, month: dt.date, points: dict[int, Decimal | None]
) -> int:
    """Enter the office's assessments of many branches for a month; returns how many changed."""
    month = month_start(month)
    current = dict(
        OfficeScore.objects.filter(branch__township=township, month=month).values_list(
            "branch_id", "points"
        )
    )
    branches = Branch.objects.filter(township=township, pk__in=points).in_bulk()
    changed = 0
    for branch_id, value in points.items():
        if current.get(branch_id) == value or branch_id not in branches:
            continue
        office_score_set(actor=actor, branch=branches[branch_id], month=month, points=value)
        changed += 1
    return changed


# --- scheduled reports --------------------------------------------------------------------------


def _previous_month(today: dt.date) -> dt.date:
    return month_start(month_start(today) - dt.timedelta(days=1))


def scheduled_reports_make(*, today: dt.date) -> list[str]:
    """The reports the calendar asks for, each made once (a day run twice makes nothing twice).

    - Once a township has locked last month (on its close day): the month's sheet.
    - Once a township has locked a quarter's last month: its quarterly ranking; once every
      township of a county has: the county ranking.
    Both formats each time: PDF to print, Excel to work with. Returns the schedule keys queued.
    """
    from township.services import report_request

    previous = _previous_month(today)
    locked = set(
        MonthState.objects.filter(month=previous, locked=True).values_list("township_id", flat=True)
    )
    quarter_end = engine.is_quarter_end(previous)
    period_month = f"{previous:%Y-%m}"
    period_quarter = f"{previous.year}-Q{engine.quarter_of(previous)}"
    queued = []

    def make(kind: str, level: str, ident: int, period: str) -> None:
        for fmt in ("pdf", "xlsx"):
            key = f"{kind}:{level}:{ident}:{period}:{fmt}"
            if ReportJob.objects.filter(schedule_key=key).exists():
                continue
            report_request(
                actor=None,
                kind_name=kind,
                level=level,
                ident=ident,
                period=period,
                fmt=fmt,
                schedule_key=key,
            )
            queued.append(key)

    townships = Township.objects.order_by("code")
    for township in townships:
        if township.pk not in locked:
            continue
        make("monthly_sheet", "township", township.pk, period_month)
        if quarter_end:
            make("quarterly_ranking", "township", township.pk, period_quarter)
    if quarter_end:
        by_county: dict[int, list[int]] = defaultdict(list)
        for township in townships:
            by_county[township.county_id].append(township.pk)
        for county_id, ids in sorted(by_county.items()):
            if all(t in locked for t in ids):
                make("county_ranking", "county", county_id, period_quarter)
    return queued


# --- reminders of the 20th ----------------------------------------------------------------------

REMINDER_DAY = 20


def records_missing(*, township_ids: Sequence[int], month: dt.date) -> dict[int, list[str]]:
    """Per branch, the record items not (fully) met so far this month (`record_gaps`)."""
    results = month_results(township_ids=township_ids, month=month)
    weights = scheme_weights_for(township_ids=township_ids, year=month.year)
    missing = {}
    for bid, r in results.branches.items():
        codes = record_gaps(r.items, weights[results.branch_townships[bid]].points)
        if codes:
            missing[bid] = codes
    return missing


def reminders_send(*, today: dt.date) -> int:
    """On the 20th: each branch with records still missing this month (or silent for
    SILENT_BRANCH_DAYS) reminds its secretaries; each office gets the list. Once per month and
    person, however often the day runs. Returns the number of new messages."""
    if today.day != REMINDER_DAY:
        return 0
    from township.models import User
    from township.services import notification_send

    month = month_start(today)
    cutoff = today - dt.timedelta(days=settings.SILENT_BRANCH_DAYS)
    sent = 0
    for township in Township.objects.order_by("code"):
        missing = records_missing(township_ids=[township.pk], month=month)
        branches = list(
            Branch.objects.filter(township=township)
            .annotate(last_meeting=Max("meetings__date"))
            .order_by("code")
        )
        silent = {b.pk for b in branches if b.last_meeting is None or b.last_meeting < cutoff}
        lines = []
        for branch in branches:
            if branch.pk not in missing and branch.pk not in silent:
                continue
            separator = pgettext("list separator", "、")
            what = separator.join(item_label(c) for c in missing.get(branch.pk, []))
            text = _("本月尚未登记：%(items)s。") % {"items": what} if what else ""
            if branch.pk in silent:
                text += _("已连续 %(days)d 天没有登记会议。") % {
                    "days": settings.SILENT_BRANCH_DAYS
                }
            lines.append(f"{branch.name}：{text}")
            days_left = (close_date(month=month, close_day=township.close_day) - today).days
            for user in User.objects.filter(role="secretary", branch=branch, is_active=True):
                sent += notification_send(
                    user=user,
                    key=f"records-missing:{user.pk}:{month:%Y-%m}",
                    title=_("%(m)s 三会一课记录提醒") % {"m": f"{month:%Y-%m}"},
                    body=text + _("距本月考核截止还有 %(d)d 天。") % {"d": days_left},
                    link=reverse("scoring:branch_year", args=[branch.pk, month.year]),
                    township_id=township.pk,
                )
        if not lines:
            continue
        for user in User.objects.filter(role="office", township=township, is_active=True):
            sent += notification_send(
                user=user,
                key=f"records-missing-office:{user.pk}:{month:%Y-%m}",
                title=_("%(m)s 有 %(n)d 个支部记录不全") % {"m": f"{month:%Y-%m}", "n": len(lines)},
                body="\n".join(lines),
                link=reverse("scoring:township_month", args=[township.pk, f"{month:%Y-%m}"]),
                township_id=township.pk,
            )
    return sent
