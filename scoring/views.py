"""Scoring pages: the township's month sheet and rankings, a branch's year, month close."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from branches.models import Branch, Township
from scoring import engine, selectors, selectors_stars, services
from scoring.charts import branch_year_urls, township_month_urls
from scoring.forms import OfficeScoresForm, ReopenForm, SchemeForm
from scoring.labels import item_label
from scoring.models import OfficeScore, TargetScore
from scoring.tasks import year_store_later
from township import plausible
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.inputs import is_object_id
from township.models import MonthState
from township.permissions import (
    ENTER_OFFICE_SCORES,
    EXPORT_DATA,
    LOCK_MONTHS,
    MANAGE_SCHEMES,
    VIEW_SCORES,
)


def _month(value: str) -> dt.date:
    try:
        first = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise Http404 from exc
    _year(first.year)
    return first


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _quarter(value: str | None, default: int) -> int:
    if value in (None, ""):
        return default
    if value not in ("1", "2", "3", "4"):
        raise Http404
    return int(value)


def _last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _township(request, township_id: int) -> Township:
    return get_object_or_404(Township.objects.within(request.scope), pk=township_id)


def _year_data(
    *, township_id: int, year: int, until: dt.date, items_of: selectors.ItemsOf
) -> selectors.TownshipYear:
    """The township's year for a page; months it had to compute are stored by a job (for the
    years that have begun: a page of a far year must not queue work). `items_of`: the stored
    months whose items the page shows."""
    data = selectors.township_year(
        township_id=township_id, year=year, until=until, items_of=items_of
    )
    _store_later(data, township_id=township_id, year=year)
    return data


def _months_data(
    *, township_id: int, year: int, until: dt.date, items_of: selectors.ItemsOf
) -> selectors.TownshipMonths:
    """`_year_data` for a page that shows months only (no ranking: quarters and the year are
    not derived)."""
    data = selectors.townships_months(
        township_ids=[township_id], year=year, until=until, items_of=items_of
    )
    _store_later(data[township_id], township_id=township_id, year=year)
    return data[township_id]


def _store_later(data, *, township_id: int, year: int) -> None:
    if data.computed and year <= timezone.localdate().year:
        year_store_later(township_id=township_id, year=year)


@require_GET
@scope_permission_required(VIEW_SCORES)
def index(request):
    """Branch-scoped users land on their branch's year; others on their township's year."""
    year = _last_month().year
    if request.scope.branch_id:
        return redirect("scoring:branch_year", branch_id=request.scope.branch_id, year=year)
    townships = Township.objects.within(request.scope).order_by("code")
    chosen = request.GET.get("township", "")
    if chosen and not is_object_id(chosen):
        raise Http404
    township = get_object_or_404(townships, pk=chosen) if chosen else townships.first()
    if township is None:
        raise Http404
    return redirect("scoring:township_year", township_id=township.pk, year=year)


@require_GET
@scope_permission_required(VIEW_SCORES)
def township_year(request, township_id: int, year: int):
    year = _year(year)
    township = _township(request, township_id)
    data = _year_data(
        township_id=township.pk,
        year=year,
        until=timezone.localdate(),
        items_of=selectors.NO_ITEMS,  # indices and the year's results only
    )
    visible = list(Branch.objects.within(request.scope).filter(township=township).order_by("code"))
    months = engine.year_months(year)
    quarter = _quarter(request.GET.get("q"), engine.quarter_of(_last_month()))
    urls = branch_year_urls((b.pk for b in visible), year)
    rows = []
    for b in visible:
        res = data.result.branches[b.code]
        figures = [data.months.get(b.pk, {}).get(m) for m in months]
        rows.append(
            {
                "branch": b,
                "url": urls[b.pk],
                "months": figures,
                # The grid's cells: the months' indices, the mean and the annual score.
                "indices": [f.index if f else None for f in figures]
                + [res.fortress_mean, res.score],
                "quarter": res.quarters[quarter],
                "annual": res,
            }
        )
    rows.sort(key=lambda r: (r["quarter"].rank is None, r["quarter"].rank or 0, r["branch"].code))
    context = {
        "township": township,
        "townships": Township.objects.within(request.scope).order_by("code"),
        "year": year,
        "months": months,
        "month_heads": township_month_urls(township.pk, months),
        "locked": data.locked,
        "quarter": quarter,
        "quarter_period": f"{year}-Q{quarter}",
        "rows": rows,
        "bottom": [r for r in rows if r["quarter"].bottom],
        "weak_and_lax": [r for r in rows if r["annual"].weak_and_lax],
        "can_export": request.scope.can(EXPORT_DATA),
        **_star_round_context(request, township, year),
    }
    return render(request, "scoring/township_year.html", context)


def _star_round_context(request, township: Township, year: int) -> dict:
    """The year's star round (星级评定) on the year page: its state and the final stars."""
    star_round = selectors_stars.star_round(scope=request.scope, township_id=township.pk, year=year)
    return {
        "star_round": star_round,
        "final_stars": selectors_stars.final_branch_stars(star_round=star_round),
    }


@require_GET
@scope_permission_required(VIEW_SCORES)
def township_month(request, township_id: int, month: str):
    township = _township(request, township_id)
    first = _month(month)
    data = _months_data(
        township_id=township.pk,
        year=first.year,
        until=max(first, timezone.localdate()),
        items_of=selectors.ItemsOf(months=[first]),
    )
    visible = list(Branch.objects.within(request.scope).filter(township=township).order_by("code"))
    codes = [c for c, _label, _p in engine.DEFAULT_ITEMS if c.startswith("F")]
    urls = branch_year_urls((b.pk for b in visible), first.year)
    rows = [
        {"branch": b, "url": urls[b.pk], "figures": data.months.get(b.pk, {}).get(first)}
        for b in visible
    ]
    rows.sort(key=lambda r: -(r["figures"].index or 0) if r["figures"] else 0)
    close = MonthState.objects.within(request.scope).filter(township=township, month=first).first()
    office_form = None
    if request.scope.can(ENTER_OFFICE_SCORES):
        office_form = OfficeScoresForm(
            branches=visible,
            initial_points=dict(
                OfficeScore.objects.within(request.scope)
                .filter(branch__township=township, month=first)
                .values_list("branch_id", "points")
            ),
        )
    context = {
        "township": township,
        "month": first,
        "month_period": f"{first:%Y-%m}",
        "codes": codes,
        "rows": rows,
        "close": close,
        "locked": first in data.locked,
        "reopen_form": ReopenForm(),
        "office_form": office_form,
        "can_lock": request.scope.can(LOCK_MONTHS),
        "lock_refused": plausible.month_ended(first, today=plausible.today()),
    }
    return render(request, "scoring/township_month.html", context)


@require_GET
@scope_permission_required(VIEW_SCORES)
def branch_year(request, branch_id: int, year: int):
    year = _year(year)
    branch = get_object_or_404(
        Branch.objects.within(request.scope).select_related("township"), pk=branch_id
    )
    today = timezone.localdate()
    data = _year_data(
        township_id=branch.township_id,
        year=year,
        until=today,
        items_of=selectors.ItemsOf(branches=[branch.pk]),  # its months' gaps
    )
    result = data.result.branches[branch.code]
    scheme_points = selectors.scheme_weights_for(township_ids=[branch.township_id], year=year)
    weights = scheme_points[branch.township_id]
    labels = {c: item_label(c) for c in engine.DEFAULT_LABELS}
    possible = {code: points.normalize() for code, points in weights.points.items()}
    months = []
    for m in engine.year_months(year):
        figures = data.months.get(branch.pk, {}).get(m)
        gaps = []
        if figures:
            for code, earned in figures.items.items():
                points = weights.get(code)
                if points is not None and earned < points:
                    gaps.append(code)
        months.append(
            {
                "month": m,
                "period": f"{m:%Y-%m}",
                "figures": figures,
                "gaps": gaps,
                # What the gap column shows of each: its name, the points earned and possible.
                "gap_rows": [
                    (code, labels.get(code), figures.items.get(code), possible.get(code))
                    for code in gaps
                ],
                "locked": m in data.locked,
            }
        )
    context = {
        "branch": branch,
        "year": year,
        "months": months,
        "result": result,
        "labels": labels,
        "quarter_periods": [f"{year}-Q{q}" for q in range(1, 5)],
        # The legend: each item's possible points, and the year-end target score if entered.
        "possible": possible,
        "target": TargetScore.objects.filter(branch=branch, year=year).first(),
        "members": selectors.member_board(
            scope=request.scope, branch=branch, year=year, until=today
        ),
    }
    return render(request, "scoring/branch_year.html", context)


@require_POST
@scope_permission_required(LOCK_MONTHS)
def month_lock(request, township_id: int, month: str):
    township = _township(request, township_id)
    first = _month(month)
    try:
        services.month_lock(actor=request.user, township=township, month=first)
        messages.success(request, _("%(month)s 的考核已锁定。") % {"month": f"{first:%Y-%m}"})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("scoring:township_month", township_id=township.pk, month=f"{first:%Y-%m}")


@require_POST
@scope_permission_required(LOCK_MONTHS)
def month_reopen(request, township_id: int, month: str):
    township = _township(request, township_id)
    first = _month(month)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.month_reopen(
                actor=request.user,
                township=township,
                month=first,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("%(month)s 已重新开放。") % {"month": f"{first:%Y-%m}"})
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, " ".join(form.errors.get("reason", [])))
    return redirect("scoring:township_month", township_id=township.pk, month=f"{first:%Y-%m}")


@require_POST
@scope_permission_required(ENTER_OFFICE_SCORES)
def office_scores(request, township_id: int, month: str):
    township = _township(request, township_id)
    first = _month(month)
    branches = Branch.objects.within(request.scope).filter(township=township).order_by("code")
    form = OfficeScoresForm(request.POST, branches=branches, initial_points={})
    if form.is_valid():
        try:
            n = services.office_scores_record(
                actor=request.user, township=township, month=first, points=form.points()
            )
            messages.success(request, _("已保存 %(n)s 个支部的评价分。") % {"n": n})
            return redirect(
                "scoring:township_month", township_id=township.pk, month=f"{first:%Y-%m}"
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    context = {"township": township, "month": first, "office_form": form}
    return render(request, "scoring/office_scores.html", context, status=400)


@scope_permission_required(VIEW_SCORES)
def scheme(request, township_id: int, year: int):
    """The year's scheme: every reader sees the items and points; the office revises them."""
    year = _year(year)
    township = _township(request, township_id)
    can_manage = request.scope.can(MANAGE_SCHEMES)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    current = selectors.scheme_current(township_id=township.pk, year=year)
    if not can_manage:
        context = {"township": township, "year": year, "current": current, "form": None}
        return render(request, "scoring/scheme.html", context)
    form = SchemeForm(request.POST or None, items=current["items"])
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if changes:
            try:
                services.scheme_revise(
                    actor=request.user, township=township, year=year, points=changes
                )
                messages.success(request, _("考核方案已保存为新版本。"))
                return redirect("scoring:scheme", township_id=township.pk, year=year)
            except ApplicationError as exc:
                messages.error(request, exc.message)
        else:
            messages.info(request, _("方案没有变化。"))
    context = {"township": township, "year": year, "form": form, "current": current}
    return render(request, "scoring/scheme.html", context)


@require_POST
@scope_permission_required(EXPORT_DATA)
def export(request, township_id: int, year: int):
    """Download the score export (computes and stores what is missing, hence POST)."""
    township = _township(request, township_id)
    document = services.scores_export(
        actor=request.user, township=township, year=_year(year), request=request
    )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="scores-{township.code}-{year}.json"'
    return response
