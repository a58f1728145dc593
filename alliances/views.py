"""Pages of the alliances app: the alliance tree, an alliance with its organisations, project
list, joint activities and micro-wishes, the quarter's public display (晾晒), the annual
evaluation and the half-yearly contest. Thin: scoped reads from selectors, writes by services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliances import rules, selectors, services
from alliances.forms import (
    ActivityForm,
    AllianceForm,
    ClaimForm,
    FulfilForm,
    OrganisationForm,
    ProjectForm,
    ProjectProgressForm,
    ScoresForm,
    WishForm,
)
from alliances.models import ProjectItem, Wish
from branches.models import Branch, Township
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.pagination import paginate
from township.permissions import ENTER_ALLIANCE_RECORDS, MANAGE_ALLIANCES, VIEW_ALLIANCES

PAGE_SIZE = 20
YEARS = range(2000, 2101)


def _alliance(request, pk: int):
    return get_object_or_404(selectors.alliance_queryset(scope=request.scope), pk=pk)


def _township(request, township_id: int) -> Township:
    return get_object_or_404(Township.objects.within(request.scope), pk=township_id)


def _own_township(request) -> Township:
    return get_object_or_404(Township.objects.within(request.scope), pk=request.scope.township_id)


def _checked(year: int, number: int, high: int) -> None:
    if year not in YEARS or not 1 <= number <= high:
        raise Http404


def _periods(today) -> dict:
    return {
        "year": today.year,
        "quarter": (today.month - 1) // 3 + 1,
        "half": 1 + (today.month > 6),
    }


@require_GET
@scope_permission_required(VIEW_ALLIANCES)
def alliance_tree(request):
    today = timezone.localdate()
    context = {
        "rows": selectors.alliance_tree(scope=request.scope, today=today),
        "townships": Township.objects.within(request.scope).order_by("code"),
        "can_manage": request.scope.can(MANAGE_ALLIANCES),
        **_periods(today),
    }
    return render(request, "alliances/alliance_tree.html", context)


@require_GET
@scope_permission_required(VIEW_ALLIANCES)
def alliance_detail(request, pk: int):
    alliance = _alliance(request, pk)
    today = timezone.localdate()
    context = {
        "alliance": alliance,
        "today": today,
        "can_manage": request.scope.can(MANAGE_ALLIANCES),
        "can_enter": request.scope.can(ENTER_ALLIANCE_RECORDS),
        **selectors.alliance_detail(alliance=alliance, today=today),
    }
    return render(request, "alliances/alliance_detail.html", context)


@scope_permission_required(MANAGE_ALLIANCES)
@require_http_methods(["GET", "POST"])
def alliance_create(request):
    township = _own_township(request)
    return _alliance_form(request, township=township, alliance=None)


@scope_permission_required(MANAGE_ALLIANCES)
@require_http_methods(["GET", "POST"])
def alliance_edit(request, pk: int):
    alliance = _alliance(request, pk)
    return _alliance_form(request, township=alliance.township, alliance=alliance)


def _alliance_form(request, *, township: Township, alliance):
    parents = selectors.alliance_queryset(scope=request.scope).filter(township=township)
    if alliance is not None:
        parents = parents.exclude(pk=alliance.pk)
        initial = {
            "code": alliance.code,
            "name": alliance.name,
            "kind": alliance.kind,
            "parent": alliance.parent,
            "leader": alliance.leader,
        }
    else:
        initial = {}
    form = AllianceForm(request.POST or None, parents=parents.order_by("code"), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.alliance_save(
                actor=request.user, township=township, alliance=alliance, **form.cleaned_data
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("联盟已保存。"))
            return redirect("alliances:alliance_detail", pk=saved.pk)
    title = _("修改联盟") if alliance else _("新建联盟")
    return _form_page(request, form, title, alliance)


def _form_page(request, form, title, alliance, back=None):
    return render(
        request,
        "alliances/form.html",
        {"form": form, "title": title, "alliance": alliance, "back": back},
    )


@scope_permission_required(MANAGE_ALLIANCES)
@require_http_methods(["GET", "POST"])
def organisation_create(request, pk: int):
    alliance = _alliance(request, pk)
    branches = Branch.objects.within(request.scope).filter(township=alliance.township)
    form = OrganisationForm(request.POST or None, branches=branches.order_by("code"))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_add(actor=request.user, alliance=alliance, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("成员单位已加入联盟。"))
            return redirect("alliances:alliance_detail", pk=alliance.pk)
    return _form_page(request, form, _("加入成员单位"), alliance)


@scope_permission_required(MANAGE_ALLIANCES)
@require_http_methods(["GET", "POST"])
def project_create(request, pk: int):
    alliance = _alliance(request, pk)
    form = ProjectForm(request.POST or None, organisations=alliance.organisations.order_by("code"))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_add(actor=request.user, alliance=alliance, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("项目已列入清单。"))
            return redirect("alliances:alliance_detail", pk=alliance.pk)
    return _form_page(request, form, _("新增联盟项目"), alliance)


@scope_permission_required(MANAGE_ALLIANCES)
@require_http_methods(["GET", "POST"])
def project_progress(request, pk: int):
    project = get_object_or_404(
        ProjectItem.objects.filter(
            pk__in=ProjectItem.objects.within(request.scope).values("pk")
        ).select_related("alliance"),
        pk=pk,
    )
    initial = {"status": project.status, "done_on": project.done_on, "evidence": project.evidence}
    form = ProjectProgressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_progress(actor=request.user, project=project, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("项目进度已保存。"))
            return redirect("alliances:alliance_detail", pk=project.alliance_id)
    title = _("项目进度：%(t)s") % {"t": project.title}
    return _form_page(request, form, title, project.alliance)


@require_GET
@scope_permission_required(VIEW_ALLIANCES)
def activity_list(request, pk: int):
    alliance = _alliance(request, pk)
    page = paginate(request, selectors.activity_list(alliance=alliance), per_page=PAGE_SIZE)
    selectors.activity_people(page.object_list)
    context = {
        "alliance": alliance,
        "page": page,
        "can_enter": request.scope.can(ENTER_ALLIANCE_RECORDS),
    }
    return render(request, "alliances/activity_list.html", context)


@scope_permission_required(ENTER_ALLIANCE_RECORDS)
@require_http_methods(["GET", "POST"])
def activity_create(request, pk: int):
    alliance = _alliance(request, pk)
    today = timezone.localdate()
    form = ActivityForm(
        request.POST or None,
        organisations=alliance.organisations.order_by("code"),
        members=selectors.member_choices(alliance=alliance, scope=request.scope, today=today),
        initial={"date": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_record(actor=request.user, alliance=alliance, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("联建活动已登记。"))
            return redirect("alliances:activity_list", pk=alliance.pk)
    return _form_page(request, form, _("登记联建活动"), alliance)


WISH_STATES = {rules.OPEN, rules.CLAIMED, rules.FULFILLED}


@require_GET
@scope_permission_required(VIEW_ALLIANCES)
def wish_list(request, pk: int):
    alliance = _alliance(request, pk)
    state = request.GET.get("state") if request.GET.get("state") in WISH_STATES else ""
    page = paginate(
        request, selectors.wish_list(alliance=alliance, state=state), per_page=PAGE_SIZE
    )
    context = {
        "alliance": alliance,
        "page": page,
        "state": state,
        "can_manage": request.scope.can(MANAGE_ALLIANCES),
        "can_enter": request.scope.can(ENTER_ALLIANCE_RECORDS),
    }
    return render(request, "alliances/wish_list.html", context)


@scope_permission_required(MANAGE_ALLIANCES)
@require_http_methods(["GET", "POST"])
def wish_create(request, pk: int):
    alliance = _alliance(request, pk)
    form = WishForm(request.POST or None, initial={"raised_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.wish_raise(actor=request.user, alliance=alliance, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("微心愿已登记。"))
            return redirect("alliances:wish_list", pk=alliance.pk)
    return _form_page(request, form, _("登记微心愿"), alliance)


def _wish(request, pk: int) -> Wish:
    wishes = Wish.objects.filter(pk__in=Wish.objects.within(request.scope).values("pk"))
    return get_object_or_404(wishes.select_related("alliance", "claimed_by"), pk=pk)


@scope_permission_required(ENTER_ALLIANCE_RECORDS)
@require_http_methods(["GET", "POST"])
def wish_claim(request, pk: int):
    wish = _wish(request, pk)
    today = timezone.localdate()
    members = selectors.member_choices(alliance=wish.alliance, scope=request.scope, today=today)
    form = ClaimForm(request.POST or None, members=members, initial={"claimed_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.wish_claim(
                actor=request.user,
                wish=wish,
                member=form.cleaned_data["member"],
                claimed_on=form.cleaned_data["claimed_on"],
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("微心愿已认领。"))
            return redirect("alliances:wish_list", pk=wish.alliance_id)
    title = _("认领微心愿：%(n)s") % {"n": wish.need}
    return _form_page(request, form, title, wish.alliance)


@scope_permission_required(MANAGE_ALLIANCES)
@require_http_methods(["GET", "POST"])
def wish_fulfil(request, pk: int):
    wish = _wish(request, pk)
    form = FulfilForm(request.POST or None, initial={"fulfilled_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.wish_fulfil(actor=request.user, wish=wish, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("微心愿已登记实现。"))
            return redirect("alliances:wish_list", pk=wish.alliance_id)
    title = _("登记心愿实现：%(n)s") % {"n": wish.need}
    return _form_page(request, form, title, wish.alliance)


# --- township-wide pages ------------------------------------------------------------------------


@require_GET
@scope_permission_required(VIEW_ALLIANCES)
def display(request, township_id: int, year: int, quarter: int):
    _checked(year, quarter, 4)
    township = _township(request, township_id)
    alliances = selectors.township_alliances(scope=request.scope, township=township)
    until = selectors.display_until(year=year, quarter=quarter, today=timezone.localdate())
    context = {
        "township": township,
        "year": year,
        "quarter": quarter,
        "period": f"{year}-Q{quarter}",
        "rows": selectors.display_rows(
            alliances=alliances, year=year, quarter=quarter, today=timezone.localdate()
        ),
        "until": until,
        "running": until < rules.quarter_bounds(year, quarter)[1],
        "previous": (year, quarter - 1) if quarter > 1 else (year - 1, 4),
        "following": (year, quarter + 1) if quarter < 4 else (year + 1, 1),
    }
    return render(request, "alliances/display.html", context)


def _scores_page(request, *, township, year, half, form, rows, template, **extra):
    context = {
        "township": township,
        "year": year,
        "half": half,
        "form": form,
        "rows": rows,
        "can_manage": request.scope.can(MANAGE_ALLIANCES),
        **extra,
    }
    return render(request, template, context)


def _evaluation(request, township_id: int, year: int):
    _checked(year, 1, 1)
    township = _township(request, township_id)
    alliances = selectors.township_alliances(scope=request.scope, township=township)
    rows = selectors.evaluation_rows(alliances=alliances, year=year)
    initial = {r.alliance.pk: r.score for r in rows}
    data = request.POST if request.method == "POST" else None
    form = ScoresForm(data, alliances=alliances, initial_scores=initial)
    return township, alliances, rows, form


@require_GET
@scope_permission_required(VIEW_ALLIANCES)
def evaluation(request, township_id: int, year: int):
    township, _a, rows, form = _evaluation(request, township_id, year)
    return _scores_page(
        request,
        township=township,
        year=year,
        half=None,
        form=form,
        rows=rows,
        template="alliances/evaluation.html",
    )


@require_POST
@scope_permission_required(MANAGE_ALLIANCES)
def evaluation_save(request, township_id: int, year: int):
    township, _a, rows, form = _evaluation(request, township_id, year)
    if form.is_valid():
        try:
            for alliance, score in form.scores():
                services.evaluation_set(
                    actor=request.user, alliance=alliance, year=year, score=score
                )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("年度评价已保存。"))
            return redirect("alliances:evaluation", township_id=township.pk, year=year)
    return _scores_page(
        request,
        township=township,
        year=year,
        half=None,
        form=form,
        rows=rows,
        template="alliances/evaluation.html",
    )


def _contest(request, township_id: int, year: int, half: int):
    _checked(year, half, 2)
    township = _township(request, township_id)
    alliances = selectors.township_alliances(scope=request.scope, township=township)
    rows = selectors.contest_rows(alliances=alliances, year=year, half=half)
    initial = {r.alliance.pk: r.score for r in rows}
    data = request.POST if request.method == "POST" else None
    form = ScoresForm(data, alliances=alliances, initial_scores=initial)
    return township, rows, form


@require_GET
@scope_permission_required(VIEW_ALLIANCES)
def contest(request, township_id: int, year: int, half: int):
    township, rows, form = _contest(request, township_id, year, half)
    return _scores_page(
        request,
        township=township,
        year=year,
        half=half,
        form=form,
        rows=rows,
        template="alliances/contest.html",
    )


@require_POST
@scope_permission_required(MANAGE_ALLIANCES)
def contest_save(request, township_id: int, year: int, half: int):
    township, rows, form = _contest(request, township_id, year, half)
    if form.is_valid():
        try:
            for alliance, score in form.scores():
                services.contest_score_set(
                    actor=request.user, alliance=alliance, year=year, half=half, score=score
                )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("比武得分已保存。"))
            return redirect("alliances:contest", township_id=township.pk, year=year, half=half)
    return _scores_page(
        request,
        township=township,
        year=year,
        half=half,
        form=form,
        rows=rows,
        template="alliances/contest.html",
    )
