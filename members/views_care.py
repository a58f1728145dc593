"""Pages of the members who need the branch's care: lagging members in the education branch
(铸魂), flowing members, and heart-to-heart talks (谈心谈话)."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branches.selectors import township_narrowed
from members import selectors, selectors_life, services_life
from members.forms_life import (
    FlowingContactForm,
    FlowingEndForm,
    FlowingStartForm,
    LaggingCheckForm,
    LaggingEndForm,
    LaggingEvaluationForm,
    LaggingStartForm,
    TalkForm,
)
from members.views_pipeline import PAGE_SIZE, query_year, render_form
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.pagination import paginate
from township.permissions import CHANGE_MEMBERS, CHANGE_ORG, VIEW_MEMBERS

_HALF = re.compile(r"(20[0-9]{2}|2100)-H([12])")


def _member(request, pk: int):
    return get_object_or_404(selectors.member_queryset(scope=request.scope), pk=pk)


def _save(request, form, write, *, done: str, then):
    """The shared shape of a form page's POST: the service, its message at the field, or the
    success message and the redirect `then()` gives."""
    if request.method == "POST" and form.is_valid():
        try:
            result = write(form)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, done)
            return then(result)
    return None


# --- lagging members ---


@scope_permission_required(VIEW_MEMBERS)
def lagging_list(request):
    scope, townships, township = township_narrowed(
        scope=request.scope, value=request.GET.get("township", "")
    )
    page = paginate(request, selectors_life.lagging_spells(scope=scope), per_page=PAGE_SIZE)
    context = {"page": page, "townships": townships, "township": township}
    return render(request, "members/lagging_list.html", context)


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def lagging_start(request, pk: int):
    member = _member(request, pk)
    form = LaggingStartForm(
        request.POST or None, scope=request.scope, initial={"date": timezone.localdate()}
    )
    response = _save(
        request,
        form,
        lambda f: services_life.lagging_transfer_in(
            actor=request.user,
            member=member,
            education_branch=f.cleaned_data["education_branch"],
            on=f.cleaned_data["date"],
            reason=f.cleaned_data["reason"],
        ),
        done=_("%(n)s 已转入铸魂党支部。") % {"n": member.name},
        then=lambda spell: redirect("members:lagging_detail", pk=spell.pk),
    )
    return response or render_form(
        request,
        form=form,
        title=_("转入铸魂党支部：%(n)s") % {"n": member.name},
        back="members:lagging_list",
        subtitle=_("现所在支部：%(b)s") % {"b": member.branch.name},
    )


@scope_permission_required(VIEW_MEMBERS)
def lagging_detail(request, pk: int):
    spell = get_object_or_404(selectors_life.lagging_spell_queryset(scope=request.scope), pk=pk)
    today = timezone.localdate()
    context = {
        "spell": spell,
        "checks": spell.checks.order_by("-month"),
        "evaluations": spell.evaluations.order_by("-year", "-quarter"),
        "can_change": request.scope.can(CHANGE_MEMBERS),
        "can_transfer": request.scope.can(CHANGE_ORG),
        "check_form": LaggingCheckForm(initial={"month": today.replace(day=1)}),
        "evaluation_form": LaggingEvaluationForm(
            initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1}
        ),
    }
    return render(request, "members/lagging_detail.html", context)


def _spell(request, pk: int):
    return get_object_or_404(selectors_life.lagging_spell_queryset(scope=request.scope), pk=pk)


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def lagging_check(request, pk: int):
    spell = _spell(request, pk)
    form = LaggingCheckForm(request.POST or None, initial={"month": timezone.localdate()})
    response = _save(
        request,
        form,
        lambda f: services_life.lagging_check_record(
            actor=request.user,
            spell=spell,
            month=f.cleaned_data["month"],
            note=f.cleaned_data["note"],
            **f.done(),
        ),
        done=_("“六个一”清单已保存。"),
        then=lambda _check: redirect("members:lagging_detail", pk=spell.pk),
    )
    return response or render_form(
        request,
        form=form,
        title=_("“六个一”月度清单：%(n)s") % {"n": spell.member.name},
        back="members:lagging_list",
    )


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def lagging_evaluate(request, pk: int):
    spell = _spell(request, pk)
    form = LaggingEvaluationForm(request.POST or None)
    response = _save(
        request,
        form,
        lambda f: services_life.lagging_evaluate(actor=request.user, spell=spell, **f.cleaned_data),
        done=_("季度转化评价已保存。"),
        then=lambda _e: redirect("members:lagging_detail", pk=spell.pk),
    )
    return response or render_form(
        request,
        form=form,
        title=_("季度转化评价：%(n)s") % {"n": spell.member.name},
        back="members:lagging_list",
    )


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def lagging_end(request, pk: int):
    spell = _spell(request, pk)
    form = LaggingEndForm(request.POST or None, initial={"date": timezone.localdate()})
    response = _save(
        request,
        form,
        lambda f: services_life.lagging_transfer_back(
            actor=request.user, spell=spell, on=f.cleaned_data["date"], note=f.cleaned_data["note"]
        ),
        done=_("%(n)s 已转回%(b)s。") % {"n": spell.member.name, "b": spell.from_branch.name},
        then=lambda s: redirect("members:lagging_detail", pk=s.pk),
    )
    return response or render_form(
        request,
        form=form,
        title=_("转回原支部：%(n)s") % {"n": spell.member.name},
        back="members:lagging_list",
        subtitle=_("转回 %(b)s") % {"b": spell.from_branch.name},
    )


# --- flowing members ---


def query_half(request) -> tuple[str, dt.date, dt.date]:
    """`?half=2026-H1`; the current half-year when absent or bad (a bad one warns)."""
    value = request.GET.get("half", "")
    match = _HALF.fullmatch(value) if len(value) <= 7 else None
    if match is None:
        if value:
            messages.warning(request, _("半年“%(v)s”无效，已显示本半年。") % {"v": value[:10]})
        today = timezone.localdate()
        year, half = today.year, 1 if today.month <= 6 else 2
    else:
        year, half = int(match.group(1)), int(match.group(2))
    if half == 1:
        return f"{year}-H1", dt.date(year, 1, 1), dt.date(year, 6, 30)
    return f"{year}-H2", dt.date(year, 7, 1), dt.date(year, 12, 31)


@scope_permission_required(VIEW_MEMBERS)
def flowing_list(request):
    half, start, end = query_half(request)
    scope, townships, township = township_narrowed(
        scope=request.scope, value=request.GET.get("township", "")
    )
    spells = selectors_life.flowing_spells(scope=scope)
    page = paginate(request, spells, per_page=PAGE_SIZE)
    year = int(half[:4])
    context = {
        "page": page,
        "townships": townships,
        "township": township,
        "half": half,
        "query": f"half={half}&",
        "start": start,
        "end": end,
        "halves": [f"{y}-H{h}" for y in (year - 1, year) for h in (1, 2)],
        "without": selectors_life.flowing_without_org_life(scope=scope, start=start, end=end)[:100],
        "can_change": request.scope.can(CHANGE_MEMBERS),
        "report_level": "branch" if request.scope.branch_id else "township",
        "report_ident": request.scope.branch_id or request.scope.township_id,
    }
    return render(request, "members/flowing_list.html", context)


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def flowing_start(request, pk: int):
    member = _member(request, pk)
    form = FlowingStartForm(request.POST or None, initial={"started_on": timezone.localdate()})
    response = _save(
        request,
        form,
        lambda f: services_life.flowing_start(actor=request.user, member=member, **f.cleaned_data),
        done=_("外出流动已登记。"),
        then=lambda _s: redirect("members:flowing_list"),
    )
    return response or render_form(
        request,
        form=form,
        title=_("登记外出流动：%(n)s") % {"n": member.name},
        back="members:flowing_list",
    )


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def flowing_end(request, pk: int):
    spell = get_object_or_404(selectors_life.flowing_spell_queryset(scope=request.scope), pk=pk)
    form = FlowingEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    response = _save(
        request,
        form,
        lambda f: services_life.flowing_end(actor=request.user, spell=spell, **f.cleaned_data),
        done=_("已登记返回。"),
        then=lambda _s: redirect("members:flowing_list"),
    )
    return response or render_form(
        request,
        form=form,
        title=_("登记返回：%(n)s") % {"n": spell.member.name},
        back="members:flowing_list",
    )


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def flowing_contact(request, pk: int):
    member = _member(request, pk)
    form = FlowingContactForm(request.POST or None, initial={"date": timezone.localdate()})
    response = _save(
        request,
        form,
        lambda f: services_life.flowing_contact_record(
            actor=request.user, member=member, **f.cleaned_data
        ),
        done=_("联系记录已保存。"),
        then=lambda _c: redirect("members:flowing_list"),
    )
    return response or render_form(
        request,
        form=form,
        title=_("登记联系：%(n)s") % {"n": member.name},
        back="members:flowing_list",
    )


# --- heart-to-heart talks ---


@scope_permission_required(VIEW_MEMBERS)
def talk_list(request):
    year = query_year(request)
    scope, townships, township = township_narrowed(
        scope=request.scope, value=request.GET.get("township", "")
    )
    page = paginate(request, selectors_life.talks(scope=scope, year=year), per_page=PAGE_SIZE)
    context = {
        "page": page,
        "townships": townships,
        "township": township,
        "year": year,
        "query": f"year={year}&",
        "can_change": request.scope.can(CHANGE_MEMBERS),
    }
    return render(request, "members/talk_list.html", context)


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def talk_create(request):
    initial = {"date": timezone.localdate(), "member": request.GET.get("member", "")[:18]}
    form = TalkForm(request.POST or None, scope=request.scope, initial=initial)
    response = _save(
        request,
        form,
        lambda f: services_life.talk_record(actor=request.user, **f.cleaned_data),
        done=_("谈心谈话已登记。"),
        then=lambda _t: redirect("members:talk_list"),
    )
    return response or render_form(
        request, form=form, title=_("登记谈心谈话"), back="members:talk_list"
    )
