"""Pages of the organisation's management by the office (under /branches/manage/): areas,
branches, Party groups, deactivation, and the secretary and liaison accounts of a branch.

The county reviewer reads the lists; only the office of the township writes.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from branches import selectors
from branches import selectors_admin as admin_selectors
from branches import services_admin as services
from branches.forms_admin import (
    AccountAssignForm,
    AccountCreateForm,
    AreaForm,
    BranchForm,
    GroupForm,
    MemberTransferForm,
)
from branches.models import Area, Branch, PartyGroup, Township
from members.models import Member
from members.services_life import member_transfer
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.pagination import paginate
from township.permissions import CHANGE_ORG, VIEW_ORG_ADMIN

PAGE_SIZE = 50


def _own_township(request) -> Township:
    return get_object_or_404(Township.objects.within(request.scope), pk=request.scope.township_id)


def _branch(request, pk: int) -> Branch:
    return get_object_or_404(
        Branch.objects.within(request.scope).select_related("township", "area"), pk=pk
    )


def _form_page(request, form, *, title: str, cancel: str, submit: str = "", extra=None):
    context = {"form": form, "title": title, "cancel": cancel, "submit": submit or _("保存")}
    return render(request, "branches/manage/form.html", context | (extra or {}))


# --- branches ------------------------------------------------------------------------------------


@scope_permission_required(VIEW_ORG_ADMIN)
def manage_branches(request):
    scope, townships, township = selectors.township_narrowed(
        scope=request.scope, value=request.GET.get("township", "")
    )
    show_inactive = request.GET.get("inactive") == "1"
    rows = admin_selectors.manage_branches(scope=scope, show_inactive=show_inactive)
    page = paginate(request, rows, per_page=PAGE_SIZE)
    context = {
        "page": page,
        "townships": townships,
        "township": township,
        "show_inactive": show_inactive,
        "can_change": request.scope.can(CHANGE_ORG),
    }
    return render(request, "branches/manage/branch_list.html", context)


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def branch_create(request):
    township = _own_township(request)
    form = BranchForm(request.POST or None, scope=request.scope, township_id=township.pk)
    if request.method == "POST" and form.is_valid():
        try:
            branch = services.branch_create(
                actor=request.user, township=township, **form.service_fields()
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("已新建%(b)s。") % {"b": branch.name})
            return redirect("branches:branch_detail", pk=branch.pk)
    return _form_page(
        request, form, title=_("新建党支部"), cancel=reverse("branches:manage_branches")
    )


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def branch_edit(request, pk: int):
    branch = _branch(request, pk)
    initial = {f: getattr(branch, f) for f in services.BRANCH_FIELDS}
    initial["ranked"] = "1" if branch.ranked else "0"
    form = BranchForm(
        request.POST or None,
        scope=request.scope,
        township_id=branch.township_id,
        branch=branch,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.branch_update(actor=request.user, branch=branch, **form.service_fields())
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("已保存%(b)s。") % {"b": form.cleaned_data["name"]})
            return redirect("branches:branch_detail", pk=branch.pk)
    title = _("修改%(b)s") % {"b": branch.name}
    cancel = reverse("branches:branch_detail", args=[branch.pk])
    return _form_page(request, form, title=title, cancel=cancel, extra={"branch": branch})


@scope_permission_required(CHANGE_ORG)
@require_POST
def branch_deactivate(request, pk: int):
    branch = _branch(request, pk)
    try:
        services.branch_deactivate(actor=request.user, branch=branch)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(b)s已撤销，其书记和挂包领导账号已停用。") % {"b": branch.name}
        )
    return redirect("branches:branch_detail", pk=branch.pk)


@scope_permission_required(CHANGE_ORG)
@require_POST
def branch_reactivate(request, pk: int):
    branch = _branch(request, pk)
    try:
        services.branch_reactivate(actor=request.user, branch=branch)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(b)s已恢复。") % {"b": branch.name})
    return redirect("branches:branch_detail", pk=branch.pk)


# --- areas ---------------------------------------------------------------------------------------


@scope_permission_required(VIEW_ORG_ADMIN)
def area_list(request):
    scope, townships, township = selectors.township_narrowed(
        scope=request.scope, value=request.GET.get("township", "")
    )
    rows = admin_selectors.manage_areas(scope=scope)
    page = paginate(request, rows, per_page=PAGE_SIZE)
    context = {
        "page": page,
        "townships": townships,
        "township": township,
        "can_change": request.scope.can(CHANGE_ORG),
    }
    return render(request, "branches/manage/area_list.html", context)


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def area_create(request):
    township = _own_township(request)
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.area_save(actor=request.user, township=township, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("已新建片区 %(a)s。") % {"a": area.name})
            return redirect("branches:manage_areas")
    return _form_page(request, form, title=_("新建片区"), cancel=reverse("branches:manage_areas"))


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def area_edit(request, pk: int):
    area = get_object_or_404(Area.objects.within(request.scope).select_related("township"), pk=pk)
    initial = {"code": area.code, "name": area.name, "head_name": area.head_name}
    form = AreaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_save(
                actor=request.user, township=area.township, area=area, **form.cleaned_data
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("已保存片区 %(a)s。") % {"a": form.cleaned_data["name"]})
            return redirect("branches:manage_areas")
    title = _("修改片区 %(a)s") % {"a": area.name}
    return _form_page(request, form, title=title, cancel=reverse("branches:manage_areas"))


# --- Party groups --------------------------------------------------------------------------------


@scope_permission_required(VIEW_ORG_ADMIN)
def group_list(request, pk: int):
    branch = _branch(request, pk)
    context = {
        "branch": branch,
        "groups": admin_selectors.branch_groups(branch=branch),
        "can_change": request.scope.can(CHANGE_ORG),
    }
    return render(request, "branches/manage/group_list.html", context)


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def group_create(request, pk: int):
    branch = _branch(request, pk)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_save(actor=request.user, branch=branch, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("已新建党小组 %(g)s。") % {"g": form.cleaned_data["name"]})
            return redirect("branches:manage_groups", pk=branch.pk)
    title = _("%(b)s：新建党小组") % {"b": branch.name}
    cancel = reverse("branches:manage_groups", args=[branch.pk])
    return _form_page(request, form, title=title, cancel=cancel)


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def group_edit(request, pk: int):
    group = get_object_or_404(
        PartyGroup.objects.within(request.scope).select_related("branch"), pk=pk
    )
    form = GroupForm(
        request.POST or None, initial={"name": group.name, "leader_name": group.leader_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.group_save(
                actor=request.user, branch=group.branch, group=group, **form.cleaned_data
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("已保存党小组 %(g)s。") % {"g": form.cleaned_data["name"]})
            return redirect("branches:manage_groups", pk=group.branch_id)
    title = _("修改党小组 %(g)s") % {"g": group.name}
    cancel = reverse("branches:manage_groups", args=[group.branch_id])
    return _form_page(request, form, title=title, cancel=cancel)


# --- accounts ------------------------------------------------------------------------------------


def _accounts_page(request, branch, *, create_form=None, assign_form=None, status=200):
    context = {
        "branch": branch,
        "accounts": admin_selectors.branch_accounts(branch=branch),
        "can_change": request.scope.can(CHANGE_ORG),
        "create_form": create_form or AccountCreateForm(),
        "assign_form": assign_form or AccountAssignForm(branch=branch),
    }
    return render(request, "branches/manage/accounts.html", context, status=status)


@scope_permission_required(VIEW_ORG_ADMIN)
def branch_accounts(request, pk: int):
    return _accounts_page(request, _branch(request, pk))


@scope_permission_required(CHANGE_ORG)
@require_POST
def account_create(request, pk: int):
    """Create the account and show its initial password once, on this response only."""
    branch = _branch(request, pk)
    form = AccountCreateForm(request.POST)
    if form.is_valid():
        try:
            user, password = services.account_create(
                actor=request.user, branch=branch, **form.cleaned_data
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            response = render(
                request,
                "branches/manage/account_created.html",
                {"branch": branch, "account": user, "password": password},
            )
            response["Cache-Control"] = "no-store"
            return response
    return _accounts_page(request, branch, create_form=form)


@scope_permission_required(CHANGE_ORG)
@require_POST
def account_assign(request, pk: int):
    branch = _branch(request, pk)
    form = AccountAssignForm(request.POST, branch=branch)
    if form.is_valid():
        try:
            services.account_assign(
                actor=request.user, branch=branch, user=form.cleaned_data["user"]
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(
                request,
                _("已将账号 %(u)s 指定到%(b)s。")
                % {"u": form.cleaned_data["user"].username, "b": branch.name},
            )
            return redirect("branches:manage_accounts", pk=branch.pk)
    return _accounts_page(request, branch, assign_form=form)


@scope_permission_required(CHANGE_ORG)
@require_POST
def account_deactivate(request, pk: int):
    user = get_object_or_404(admin_selectors.scoped_account(scope=request.scope, pk=pk))
    services.account_deactivate(actor=request.user, user=user)
    messages.success(request, _("账号 %(u)s 已停用。") % {"u": user.username})
    return redirect("branches:manage_accounts", pk=user.branch_id)


# --- a member's transfer -------------------------------------------------------------------------


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def member_transfer_view(request, pk: int):
    member = get_object_or_404(Member.objects.within(request.scope).select_related("branch"), pk=pk)
    form = MemberTransferForm(request.POST or None, scope=request.scope, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            member_transfer(actor=request.user, member=member, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(
                request,
                _("%(m)s 已转入%(b)s。") % {"m": member.name, "b": form.cleaned_data["to"].name},
            )
            return redirect("members:member_detail", pk=member.pk)
    title = _("转接 %(m)s 的组织关系（现在%(b)s）") % {"m": member.name, "b": member.branch.name}
    cancel = reverse("members:member_detail", args=[member.pk])
    return _form_page(request, form, title=title, cancel=cancel, submit=_("转接"))
