"""Pages of the organisation's assessment: the two-committee roster and reserve cadres, liaison
duties and a meeting's guests, the classification sheet and the demonstration villages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from branches import org_rules
from branches import selectors_org as selectors
from branches import services_org as services
from branches.forms_org import (
    CadreForm,
    ClassificationForm,
    LiaisonForm,
    ModelVillageForm,
)
from branches.models import Cadre
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.inputs import query_year
from township.pagination import paginate
from township.permissions import CHANGE_ORG, VIEW_ORG
from township.reports import YEAR_MAX, YEAR_MIN

PAGE_SIZE = 30


def _year_or_404(year: int) -> None:
    """A year in a URL: outside 2000–2100 the page does not exist."""
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404


def _page(request, queryset):
    return paginate(request, queryset, per_page=PAGE_SIZE)


# --- two-committee roster ----------------------------------------------------------------------


@scope_permission_required(VIEW_ORG)
def cadre_roster(request):
    today = timezone.localdate()
    page = _page(request, selectors.villages(scope=request.scope))
    context = {
        "page": page,
        "rows": selectors.cadre_rows(branches=list(page.object_list), day=today),
        "summaries": selectors.cadre_summaries(scope=request.scope, day=today),
        "year": today.year,
        "today": today,
        "can_change": request.scope.can(CHANGE_ORG),
        "rules": org_rules,
    }
    return render(request, "branches/org/cadre_roster.html", context)


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def cadre_create(request):
    initial = {"branch": request.GET.get("branch"), "reserve": request.GET.get("reserve") == "1"}
    form = CadreForm(request.POST or None, scope=request.scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.cadre_save(
                actor=request.user, branch=form.cleaned_data["branch"], **form.service_fields()
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("已登记 %(n)s。") % {"n": form.cleaned_data["name"]})
            return redirect("branches:cadre_roster")
    return render(request, "branches/org/cadre_form.html", {"form": form})


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def cadre_edit(request, pk: int):
    cadre = get_object_or_404(Cadre.objects.within(request.scope).select_related("branch"), pk=pk)
    initial = {f: getattr(cadre, f) for f in services.CADRE_FIELDS} | {"branch": cadre.branch}
    form = CadreForm(request.POST or None, scope=request.scope, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.cadre_save(
                actor=request.user, branch=cadre.branch, cadre=cadre, **form.service_fields()
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("已保存 %(n)s 的信息。") % {"n": form.cleaned_data["name"]})
            return redirect("branches:cadre_roster")
    return render(request, "branches/org/cadre_form.html", {"form": form, "cadre": cadre})


@scope_permission_required(CHANGE_ORG)
@require_POST
def cadre_delete(request, pk: int):
    cadre = get_object_or_404(Cadre.objects.within(request.scope), pk=pk)
    services.cadre_delete(actor=request.user, cadre=cadre)
    messages.success(request, _("已删除 %(n)s。") % {"n": cadre.name})
    return redirect("branches:cadre_roster")


# --- liaison duties ------------------------------------------------------------------------------


@scope_permission_required(VIEW_ORG)
def liaison_duties(request):
    today = timezone.localdate()
    year = query_year(request, today.year)
    page = _page(request, selectors.liaison_assignments(scope=request.scope, year=year))
    all_rows = selectors.liaison_rows(
        assignments=list(selectors.liaison_assignments(scope=request.scope, year=year)),
        year=year,
        today=today,
    )
    on_page = {a.pk for a in page.object_list}
    context = {
        "page": page,
        "rows": [r for r in all_rows if r.assignment.pk in on_page],
        "quarters": [
            (q, org_rules.liaison_obligation(q), f"{year}-Q{q}", unmet)
            for q, unmet in zip(
                (1, 2, 3, 4), selectors.liaison_unmet_counts(rows=all_rows), strict=True
            )
        ],
        "townships": selectors.townships(scope=request.scope),
        "year": year,
        "query": f"year={year}&",
        "can_change": request.scope.can(CHANGE_ORG),
    }
    return render(request, "branches/org/liaison_duties.html", context)


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def liaison_create(request):
    initial = {"year": timezone.localdate().year}
    form = LiaisonForm(request.POST or None, scope=request.scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.liaison_assign(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("挂包联系点已登记。"))
            year = form.cleaned_data["year"]
            return redirect(f"{reverse('branches:liaison_duties')}?year={year}")
    return render(request, "branches/org/liaison_form.html", {"form": form})


# --- classification ---------------------------------------------------------------------------


@scope_permission_required(VIEW_ORG)
def classification_list(request):
    year = query_year(request, timezone.localdate().year)
    page = _page(request, selectors.villages(scope=request.scope))
    sheets = selectors.classification_sheets(branches=list(page.object_list), year=year)
    context = {
        "page": page,
        "rows": [(b, sheets.get(b.pk)) for b in page.object_list],
        "summaries": selectors.classification_summaries(scope=request.scope, year=year),
        "year": year,
        "query": f"year={year}&",
        "grades": org_rules.GRADE_LABELS,
        "rules": org_rules,
        "can_change": request.scope.can(CHANGE_ORG),
    }
    return render(request, "branches/org/classification_list.html", context)


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def classification_edit(request, branch_id: int, year: int):
    _year_or_404(year)
    branch = get_object_or_404(selectors.villages(scope=request.scope), pk=branch_id)
    sheet = selectors.classification_sheets(branches=[branch], year=year).get(branch.pk)
    initial = selectors.classification_sheet_points(sheet=sheet) | {
        "note": sheet.note if sheet else ""
    }
    form = ClassificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = services.classification_enter(
                actor=request.user,
                branch=branch,
                year=year,
                points=form.points(),
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(
                request,
                _("%(b)s %(y)d 年定位升级得分 %(t)s，评为%(g)s。")
                % {
                    "b": branch.name,
                    "y": year,
                    "t": sheet.total,
                    "g": org_rules.GRADE_LABELS[sheet.grade],
                },
            )
            return redirect(f"{reverse('branches:classification_list')}?year={year}")
    context = {"form": form, "branch": branch, "year": year, "sheet": sheet}
    return render(request, "branches/org/classification_form.html", context)


# --- demonstration villages ------------------------------------------------------------------


@scope_permission_required(VIEW_ORG)
def model_village_list(request):
    year = query_year(request, timezone.localdate().year)
    page = _page(request, selectors.villages(scope=request.scope))
    context = {
        "page": page,
        "rows": selectors.model_village_rows(branches=list(page.object_list), year=year),
        "summaries": selectors.model_village_summaries(scope=request.scope, year=year),
        "year": year,
        "query": f"year={year}&",
        "standards": org_rules.STANDARDS,
        "rules": org_rules,
        "can_change": request.scope.can(CHANGE_ORG),
    }
    return render(request, "branches/org/model_village_list.html", context)


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def model_village_edit(request, branch_id: int, year: int):
    _year_or_404(year)
    branch = get_object_or_404(selectors.villages(scope=request.scope), pk=branch_id)
    (row,) = selectors.model_village_rows(branches=[branch], year=year)
    initial = {f"met_{n}": met for n, (met, _e) in row.checks.items()} | {
        f"evidence_{n}": evidence for n, (_m, evidence) in row.checks.items()
    }
    form = ModelVillageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.model_village_enter(
                actor=request.user, branch=branch, year=year, checks=form.checks()
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            if model:
                messages.success(request, _("%(b)s十条标准全部达标。") % {"b": branch.name})
            else:
                messages.success(request, _("%(b)s的示范村标准已保存。") % {"b": branch.name})
            return redirect(f"{reverse('branches:model_village_list')}?year={year}")
    context = {"form": form, "branch": branch, "year": year}
    return render(request, "branches/org/model_village_form.html", context)
