"""Pages of the development pipeline (发展党员) and of a member's whole history."""

from __future__ import annotations

import re

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branches.selectors import township_narrowed
from members import lifecycle, selectors, selectors_life, services_life
from members.forms_life import ApplicantForm, KinshipForm, StepForm
from members.models import ApplicantStage
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.pagination import paginate
from township.permissions import CHANGE_MEMBERS, VIEW_MEMBERS

PAGE_SIZE = 50
_YEAR = re.compile(r"20[0-9]{2}|2100")


def query_year(request) -> int:
    """`?year=2026`, this year when absent; a bad one warns and falls back."""
    value = request.GET.get("year", "")
    if value and _YEAR.fullmatch(value[:4]) and len(value) == 4:
        return int(value)
    if value:
        messages.warning(request, _("年度“%(v)s”无效，已显示今年。") % {"v": value[:10]})
    return timezone.localdate().year


def render_form(request, *, form, title: str, back: str, subtitle: str = ""):
    context = {"form": form, "title": title, "back": back, "subtitle": subtitle}
    return render(request, "members/life_form.html", context)


@scope_permission_required(VIEW_MEMBERS)
def pipeline_list(request):
    today = timezone.localdate()
    stage = request.GET.get("stage", "")
    if stage not in ApplicantStage.values:
        stage = ""
    scope, townships, township = township_narrowed(
        scope=request.scope, value=request.GET.get("township", "")
    )
    applicants = selectors_life.pipeline_queryset(scope=scope, stage=stage)
    page = paginate(request, applicants, per_page=PAGE_SIZE)
    counts = selectors_life.pipeline_counts(scope=scope)
    context = {
        "page": page,
        "townships": townships,
        "township": township,
        "rows": selectors_life.pipeline_rows(page.object_list, today=today),
        "stage": stage,
        "stages": [(v, label, counts.get(v, 0)) for v, label in ApplicantStage.choices],
        "overdue": selectors_life.overdue_probations(scope=scope, today=today)[:100],
        "today": today,
        "can_change": request.scope.can(CHANGE_MEMBERS),
        "report_level": "branch" if request.scope.branch_id else "township",
        "report_ident": request.scope.branch_id or request.scope.township_id,
        "year": str(today.year),
    }
    return render(request, "members/pipeline_list.html", context)


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def applicant_create(request):
    form = ApplicantForm(
        request.POST or None, scope=request.scope, initial={"applied_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            applicant = services_life.applicant_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("入党申请已登记。"))
            return redirect("members:applicant_detail", pk=applicant.pk)
    return render_form(request, form=form, title=_("登记入党申请"), back="members:pipeline_list")


@scope_permission_required(VIEW_MEMBERS)
def applicant_detail(request, pk: int):
    applicant = get_object_or_404(selectors_life.applicant_queryset(scope=request.scope), pk=pk)
    (row,) = selectors_life.pipeline_rows(
        selectors_life.pipeline_queryset(scope=request.scope, stage=applicant.stage).filter(
            pk=applicant.pk
        ),
        today=timezone.localdate(),
    )
    context = {
        "applicant": applicant,
        "row": row,
        "steps": selectors_life.applicant_steps(applicant=applicant),
        "can_change": request.scope.can(CHANGE_MEMBERS),
        "stage_labels": {s: lifecycle.stage_label(s) for s in lifecycle.STAGES},
    }
    return render(request, "members/applicant_detail.html", context)


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def applicant_step(request, pk: int):
    applicant = get_object_or_404(selectors_life.applicant_queryset(scope=request.scope), pk=pk)
    form = StepForm(
        request.POST or None,
        scope=request.scope,
        applicant=applicant,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_life.applicant_step(
                actor=request.user, applicant=applicant, **form.cleaned_data
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("发展步骤已登记。"))
            return redirect("members:applicant_detail", pk=applicant.pk)
    return render_form(
        request,
        form=form,
        title=_("登记下一步：%(n)s") % {"n": applicant.name},
        back="members:pipeline_list",
        subtitle=_("当前阶段：%(s)s，自 %(d)s")
        % {"s": applicant.get_stage_display(), "d": applicant.stage_since.isoformat()},
    )


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def applicant_kinship(request, pk: int):
    applicant = get_object_or_404(selectors_life.applicant_queryset(scope=request.scope), pk=pk)
    initial = {
        "declared_on": applicant.kinship_declared_on or timezone.localdate(),
        "relatives": applicant.kinship_relatives,
        "document": applicant.kinship_document,
    }
    form = KinshipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_life.applicant_kinship_declare(
                actor=request.user, applicant=applicant, **form.cleaned_data
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("亲属关系报备已登记。"))
            return redirect("members:applicant_detail", pk=applicant.pk)
    return render_form(
        request,
        form=form,
        title=_("亲属关系报备：%(n)s") % {"n": applicant.name},
        back="members:pipeline_list",
        subtitle=_("三代以内直系亲属和近姻亲在本村“两委”任职的情况；接收为预备党员前必须报备。"),
    )


@scope_permission_required(VIEW_MEMBERS)
def member_timeline(request, pk: int):
    member = get_object_or_404(selectors.member_queryset(scope=request.scope), pk=pk)
    events = selectors_life.member_timeline(member=member)
    context = {
        "member": member,
        "events": events,
        "kind_labels": selectors_life.KIND_LABELS,
        "can_change": request.scope.can(CHANGE_MEMBERS),
    }
    return render(request, "members/member_timeline.html", context)
