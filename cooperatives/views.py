"""Pages of the cooperatives app: cooperatives and dividends, pairings, projects and the contest,
group activities. Thin: permission, a selector or a service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from branches.models import Township
from cooperatives import forms, selectors, services
from cooperatives.models import GroupActivity, Holder, LedProject
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.pagination import paginate
from township.permissions import (
    CHANGE_COOPERATIVES,
    MANAGE_FUND,
    REQUEST_REPORTS,
    VIEW_COOPERATIVES,
)
from township.reports import ReportError
from township.services import report_request

PAGE_SIZE = 50
TIERS = {1: _lazy("一等奖"), 2: _lazy("二等奖"), 3: _lazy("三等奖")}


def _page(request, rows):
    return paginate(request, rows, per_page=PAGE_SIZE)


def _form_page(request, form, *, title: str, back: str, status: int = 200):
    return render(
        request,
        "cooperatives/form.html",
        {"form": form, "title": title, "back": back},
        status=status,
    )


def _save(request, form, write, *, title: str, back: str, done, success: str):
    """The POST half of every entry form: the service writes (and `done` may name the page of
    what it wrote), or the form shows the service's error."""
    if request.method == "POST" and form.is_valid():
        try:
            result = write(form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, success)
            return redirect(done(result) if callable(done) else done)
    return _form_page(request, form, title=title, back=back)


def _township(request) -> Township:
    """The office's (or the reviewer's only) township: township-wide pages need one."""
    township = Township.objects.within(request.scope).order_by("code").first()
    if township is None:
        raise Http404
    return township


# --- cooperatives ---------------------------------------------------------------------------


@scope_permission_required(VIEW_COOPERATIVES)
def cooperative_list(request):
    context = {
        "page": _page(request, selectors.cooperative_list(scope=request.scope)),
        "can_change": request.scope.can(CHANGE_COOPERATIVES),
    }
    return render(request, "cooperatives/cooperative_list.html", context)


@scope_permission_required(VIEW_COOPERATIVES)
def cooperative_detail(request, pk: int):
    coop = get_object_or_404(selectors.cooperative_queryset(scope=request.scope), pk=pk)
    register, total, statements = selectors.cooperative_statements(cooperative=coop)
    context = {
        "coop": coop,
        "register": register,
        "total_shares": total,
        "statements": statements,
        "can_change": request.scope.can(CHANGE_COOPERATIVES),
        "can_request": request.scope.can(REQUEST_REPORTS),
    }
    return render(request, "cooperatives/cooperative_detail.html", context)


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def cooperative_create(request):
    form = forms.CooperativeForm(request.POST or None, scope=request.scope)
    return _save(
        request,
        form,
        lambda data: services.cooperative_create(actor=request.user, **data),
        title=_("登记合作社"),
        back=reverse("cooperatives:list"),
        done=lambda coop: reverse("cooperatives:detail", args=[coop.pk]),
        success=_("合作社已登记，请登记股东。"),
    )


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def cooperative_edit(request, pk: int):
    coop = get_object_or_404(selectors.cooperative_queryset(scope=request.scope), pk=pk)
    # Built without the instance (the form would write onto it): the service compares and saves.
    initial = model_to_dict(coop, fields=forms.CooperativeForm.Meta.fields)
    form = forms.CooperativeForm(request.POST or None, initial=initial, scope=request.scope)
    back = reverse("cooperatives:detail", args=[coop.pk])
    return _save(
        request,
        form,
        lambda data: services.cooperative_update(actor=request.user, cooperative=coop, **data),
        title=_("修改合作社"),
        back=back,
        done=back,
        success=_("合作社信息已保存。"),
    )


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def holder_create(request, pk: int):
    coop = get_object_or_404(selectors.cooperative_queryset(scope=request.scope), pk=pk)
    form = forms.HolderForm(request.POST or None, cooperative=coop)
    back = reverse("cooperatives:detail", args=[coop.pk])
    return _save(
        request,
        form,
        lambda data: services.holder_save(actor=request.user, cooperative=coop, **data),
        title=_("登记股东：%(name)s") % {"name": coop.name},
        back=back,
        done=back,
        success=_("股东已登记。"),
    )


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def holder_edit(request, pk: int):
    holder = get_object_or_404(
        Holder.objects.within(request.scope).select_related("cooperative"), pk=pk
    )
    coop = holder.cooperative
    initial = model_to_dict(holder, fields=forms.HolderForm.Meta.fields)
    form = forms.HolderForm(request.POST or None, initial=initial, cooperative=coop)
    back = reverse("cooperatives:detail", args=[coop.pk])
    return _save(
        request,
        form,
        lambda data: services.holder_save(
            actor=request.user, cooperative=coop, holder=holder, **data
        ),
        title=_("修改股东：%(name)s") % {"name": holder.name},
        back=back,
        done=back,
        success=_("股东信息已保存。"),
    )


@scope_permission_required(CHANGE_COOPERATIVES)
@require_POST
def holder_delete(request, pk: int):
    holder = get_object_or_404(
        Holder.objects.within(request.scope).select_related("cooperative"), pk=pk
    )
    services.holder_delete(actor=request.user, holder=holder)
    messages.success(request, _("股东 %(name)s 已从名册删除。") % {"name": holder.name})
    return redirect("cooperatives:detail", pk=holder.cooperative_id)


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def account_set(request, pk: int):
    coop = get_object_or_404(selectors.cooperative_queryset(scope=request.scope), pk=pk)
    form = forms.AccountForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    back = reverse("cooperatives:detail", args=[coop.pk])
    return _save(
        request,
        form,
        lambda data: services.account_save(actor=request.user, cooperative=coop, **data),
        title=_("年度决算：%(name)s") % {"name": coop.name},
        back=back,
        done=back,
        success=_("年度决算已保存，分红已按股份计算。"),
    )


@scope_permission_required(REQUEST_REPORTS)
@require_POST
def statement_request(request, pk: int):
    """Ask the report machinery for the dividend statement of a year; the job page shows its
    progress and the download."""
    coop = get_object_or_404(selectors.cooperative_queryset(scope=request.scope), pk=pk)
    try:
        job = report_request(
            actor=request.user,
            kind_name="dividend_statement",
            level="township",
            ident=coop.township_id,
            options={"cooperative": coop.code},
            period=str(request.POST.get("year", ""))[:8],
            fmt=str(request.POST.get("format", ""))[:8],
            request=request,
        )
    except ReportError as exc:
        messages.error(request, exc.message)
        return redirect("cooperatives:detail", pk=coop.pk)
    return redirect("reports:detail", pk=job.pk)


# --- pairings ---------------------------------------------------------------------------------


@scope_permission_required(VIEW_COOPERATIVES)
def pairing_list(request):
    rows, month = selectors.pairing_overview(scope=request.scope, today=timezone.localdate())
    context = {
        "rows": rows,
        "checked_month": month,
        "late_count": sum(1 for r in rows if r.late_month),
        "incomes": selectors.collective_incomes(scope=request.scope)[:100],
        "can_change": request.scope.can(CHANGE_COOPERATIVES),
    }
    return render(request, "cooperatives/pairing_list.html", context)


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def pairing_create(request):
    form = forms.PairingForm(request.POST or None, scope=request.scope)
    back = reverse("cooperatives:pairing_list")
    return _save(
        request,
        form,
        lambda data: services.pairing_create(actor=request.user, **data),
        title=_("新建强企帮弱村结对"),
        back=back,
        done=back,
        success=_("结对已登记。"),
    )


@scope_permission_required(VIEW_COOPERATIVES)
def pairing_detail(request, pk: int):
    pairing = get_object_or_404(selectors.pairing_queryset(scope=request.scope), pk=pk)
    context = {
        "pairing": pairing,
        "projects": pairing.projects.all(),
        "progress": pairing.progress.all()[:24],
        "symposia": pairing.symposia.all()[:20],
        "incomes": pairing.branch.collective_incomes.order_by("-year")[:10],
        "can_change": request.scope.can(CHANGE_COOPERATIVES),
    }
    return render(request, "cooperatives/pairing_detail.html", context)


def _pairing_entry(request, pk, form_class, service, *, title, success):
    pairing = get_object_or_404(selectors.pairing_queryset(scope=request.scope), pk=pk)
    form = form_class(request.POST or None)
    back = reverse("cooperatives:pairing_detail", args=[pairing.pk])
    return _save(
        request,
        form,
        lambda data: service(actor=request.user, pairing=pairing, **data),
        title=f"{title}：{pairing}",
        back=back,
        done=back,
        success=success,
    )


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def pairing_project_create(request, pk: int):
    return _pairing_entry(
        request,
        pk,
        forms.PairingProjectForm,
        services.pairing_project_add,
        title=_("登记帮扶项目"),
        success=_("帮扶项目已登记。"),
    )


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def progress_create(request, pk: int):
    return _pairing_entry(
        request,
        pk,
        forms.ProgressForm,
        services.progress_record,
        title=_("填报月度进展"),
        success=_("月度进展已保存。"),
    )


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def symposium_create(request, pk: int):
    return _pairing_entry(
        request,
        pk,
        forms.SymposiumForm,
        services.symposium_record,
        title=_("登记季度座谈会"),
        success=_("座谈会已登记。"),
    )


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def income_set(request):
    form = forms.CollectiveIncomeForm(
        request.POST or None, scope=request.scope, initial={"year": timezone.localdate().year - 1}
    )
    back = reverse("cooperatives:pairing_list")
    return _save(
        request,
        form,
        lambda data: services.collective_income_set(actor=request.user, **data),
        title=_("登记村集体经济收入"),
        back=back,
        done=back,
        success=_("村集体经济收入已保存。"),
    )


# --- projects, the fund and the contest ------------------------------------------------------


@scope_permission_required(VIEW_COOPERATIVES)
def project_list(request):
    township = Township.objects.within(request.scope).order_by("code").first()
    fund_visible = township is not None and request.scope.branch_id is None
    context = {
        "page": _page(request, selectors.led_projects(scope=request.scope)),
        "fund": selectors.fund_summary(township=township) if fund_visible else None,
        "deposits": selectors.fund_deposits(scope=request.scope)[:20],
        "can_change": request.scope.can(CHANGE_COOPERATIVES),
        "can_fund": request.scope.can(MANAGE_FUND),
    }
    return render(request, "cooperatives/project_list.html", context)


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def project_create(request):
    form = forms.LedProjectForm(
        request.POST or None, scope=request.scope, initial={"year": timezone.localdate().year}
    )
    back = reverse("cooperatives:project_list")
    return _save(
        request,
        form,
        lambda data: services.led_project_create(actor=request.user, **data),
        title=_("登记党建引领项目"),
        back=back,
        done=back,
        success=_("项目已登记。"),
    )


@scope_permission_required(MANAGE_FUND)
@require_http_methods(["GET", "POST"])
def project_evaluate(request, pk: int):
    project = get_object_or_404(
        LedProject.objects.within(request.scope).select_related("branch"), pk=pk
    )
    form = forms.EvaluationForm(request.POST or None)
    back = reverse("cooperatives:project_list")
    return _save(
        request,
        form,
        lambda data: services.project_evaluate(actor=request.user, project=project, **data),
        title=_("季度评价：%(name)s（%(branch)s）")
        % {"name": project.name, "branch": project.branch.name},
        back=back,
        done=back,
        success=_("季度评价已保存，补助已从资金池列支。"),
    )


@scope_permission_required(MANAGE_FUND)
@require_http_methods(["GET", "POST"])
def fund_deposit(request):
    township = _township(request)
    form = forms.FundDepositForm(request.POST or None, initial={"date": timezone.localdate()})
    back = reverse("cooperatives:project_list")
    return _save(
        request,
        form,
        lambda data: services.fund_deposit_add(actor=request.user, township=township, **data),
        title=_("资金池入账"),
        back=back,
        done=back,
        success=_("资金已入账。"),
    )


@scope_permission_required(VIEW_COOPERATIVES)
def contest_list(request):
    context = {
        "page": _page(request, selectors.contests(scope=request.scope)),
        "can_fund": request.scope.can(MANAGE_FUND),
    }
    return render(request, "cooperatives/contest_list.html", context)


@scope_permission_required(MANAGE_FUND)
@require_http_methods(["GET", "POST"])
def contest_create(request):
    township = _township(request)
    form = forms.ContestForm(request.POST or None, initial={"year": timezone.localdate().year})
    back = reverse("cooperatives:contest_list")
    return _save(
        request,
        form,
        lambda data: services.contest_create(actor=request.user, township=township, **data),
        title=_("新建擂台赛"),
        back=back,
        done=back,
        success=_("擂台赛已建立，请登记参赛支部。"),
    )


@scope_permission_required(VIEW_COOPERATIVES)
def contest_detail(request, pk: int):
    contest = get_object_or_404(selectors.contest_queryset(scope=request.scope), pk=pk)
    entries, placing = selectors.contest_placing(contest=contest)
    names = {e.branch.code: e.branch.name for e in entries}
    notes = [
        {
            "names": "、".join(names[k] for k in n.keys),
            "tier_label": TIERS[n.tier],
            "promoted": n.promoted,
        }
        for n in placing.notes
    ]
    awards = {a.entry_id: a for a in selectors.contest_awards(contest=contest)}
    for e in entries:
        e.award_row = awards.get(e.pk)
    context = {
        "contest": contest,
        "entries": entries,
        "notes": notes,
        "can_fund": request.scope.can(MANAGE_FUND),
    }
    return render(request, "cooperatives/contest_detail.html", context)


@scope_permission_required(MANAGE_FUND)
@require_http_methods(["GET", "POST"])
def entry_create(request, pk: int):
    contest = get_object_or_404(selectors.contest_queryset(scope=request.scope), pk=pk)
    form = forms.ContestEntryForm(request.POST or None, scope=request.scope)
    back = reverse("cooperatives:contest_detail", args=[contest.pk])
    return _save(
        request,
        form,
        lambda data: services.contest_entry_save(actor=request.user, contest=contest, **data),
        title=_("登记参赛支部"),
        back=back,
        done=back,
        success=_("参赛支部已登记。"),
    )


@scope_permission_required(MANAGE_FUND)
@require_http_methods(["GET", "POST"])
def score_set(request, pk: int):
    entry = get_object_or_404(selectors.entry_queryset(scope=request.scope), pk=pk)
    form = forms.JudgeScoreForm(request.POST or None)
    back = reverse("cooperatives:contest_detail", args=[entry.contest_id])
    return _save(
        request,
        form,
        lambda data: services.judge_score_set(actor=request.user, entry=entry, **data),
        title=_("评委打分：%(branch)s") % {"branch": entry.branch.name},
        back=back,
        done=back,
        success=_("评分已保存。"),
    )


@scope_permission_required(MANAGE_FUND)
@require_POST
def contest_award(request, pk: int):
    contest = get_object_or_404(selectors.contest_queryset(scope=request.scope), pk=pk)
    try:
        awards = services.contest_award(actor=request.user, contest=contest)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已颁奖：%(n)d 个支部获奖。") % {"n": len(awards)})
    return redirect("cooperatives:contest_detail", pk=contest.pk)


# --- group activities -------------------------------------------------------------------------


@scope_permission_required(VIEW_COOPERATIVES)
def activity_list(request):
    context = {
        "page": _page(request, selectors.group_activities(scope=request.scope)),
        "can_change": request.scope.can(CHANGE_COOPERATIVES),
        "can_fund": request.scope.can(MANAGE_FUND),
    }
    return render(request, "cooperatives/activity_list.html", context)


@scope_permission_required(CHANGE_COOPERATIVES)
@require_http_methods(["GET", "POST"])
def activity_create(request):
    form = forms.GroupActivityForm(
        request.POST or None,
        scope=request.scope,
        can_subsidise=request.scope.can(MANAGE_FUND),
        initial={"date": timezone.localdate()},
    )
    back = reverse("cooperatives:activity_list")
    return _save(
        request,
        form,
        lambda data: services.group_activity_record(actor=request.user, **data),
        title=_("登记群众组织化活动"),
        back=back,
        done=back,
        success=_("活动已登记。"),
    )


@scope_permission_required(MANAGE_FUND)
@require_http_methods(["GET", "POST"])
def activity_subsidy(request, pk: int):
    activity = get_object_or_404(GroupActivity.objects.within(request.scope), pk=pk)
    form = forms.SubsidyForm(request.POST or None, initial={"subsidy": activity.subsidy})
    back = reverse("cooperatives:activity_list")
    return _save(
        request,
        form,
        lambda data: services.group_activity_subsidise(
            actor=request.user, activity=activity, **data
        ),
        title=_("乡镇补助：%(title)s") % {"title": activity.title},
        back=back,
        done=back,
        success=_("补助已保存。"),
    )
