"""Pages of the members app: the roster, a member's record and the entries made for a member."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branches.selectors import township_narrowed
from members import selectors, services
from members.forms import AdjustmentForm, DuesForm, MemberForm, VisitForm
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.inputs import query_text
from township.pagination import paginate
from township.panels import panels_for
from township.permissions import CHANGE_MEMBERS, CHANGE_ORG, VIEW_MEMBERS

PAGE_SIZE = 25


@scope_permission_required(VIEW_MEMBERS)
def member_list(request):
    query = query_text(request, "q", max_length=50)
    include_left = request.GET.get("left") == "1"
    scope, townships, township = township_narrowed(
        scope=request.scope, value=request.GET.get("township", "")
    )
    members = selectors.member_list(scope=scope, query=query, include_left=include_left)
    page = paginate(request, members, per_page=PAGE_SIZE)
    context = {
        "page": page,
        "townships": townships,
        "township": township,
        "q": query,
        "left": include_left,
        "can_change": request.scope.can(CHANGE_MEMBERS),
    }
    template = "members/_member_rows.html" if request.htmx else "members/member_list.html"
    return render(request, template, context)


@scope_permission_required(VIEW_MEMBERS)
def member_detail(request, pk: int):
    member = get_object_or_404(selectors.member_queryset(scope=request.scope), pk=pk)
    context = {
        "member": member,
        "phone_visible": selectors.phone_visible(scope=request.scope),
        "masked_phone": selectors.masked_phone(member.phone),
        "can_change": request.scope.can(CHANGE_MEMBERS),
        "can_transfer_lagging": request.scope.can(CHANGE_ORG),
        **selectors.member_record(member=member),
        "panels": panels_for("member", scope=request.scope, obj=member),
    }
    return render(request, "members/member_detail.html", context)


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def member_create(request):
    form = MemberForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields(editing=False)
        try:
            member = services.member_create(actor=request.user, **data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("党员已新增。"))
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form})


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int):
    member = get_object_or_404(selectors.member_queryset(scope=request.scope), pk=pk)
    initial = {f: getattr(member, f) for f in MemberForm.Meta.fields}
    initial.update(id_number="", phone="")
    form = MemberForm(request.POST or None, scope=request.scope, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=request.user, member=member, **form.service_fields(editing=True)
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("党员信息已保存。"))
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member})


def _entry(request, pk: int, *, form_class, title: str, record):
    """The shared shape of a dated entry for one member: form, service, back to the member."""
    member = get_object_or_404(selectors.member_queryset(scope=request.scope), pk=pk)
    form = form_class(request.POST or None, initial={"date": timezone.localdate()})
    context = {"form": form, "member": member, "title": title}
    if request.method == "POST" and form.is_valid():
        try:
            record(member, form)
        except ApplicationError as exc:
            exc.add_to(form)
            if "payment" in exc.extra:  # the month's dues are recorded: offer to correct them
                context["correct_url"] = reverse("members:dues_edit", args=[exc.extra["payment"]])
        else:
            messages.success(request, _("已保存。"))
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/entry_form.html", context)


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def dues_create(request, pk: int):
    return _entry(
        request,
        pk,
        form_class=DuesForm,
        title=_("登记党费"),
        record=lambda member, form: services.dues_record(
            actor=request.user, member=member, **form.cleaned_data
        ),
    )


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def dues_edit(request, pk: int):
    """Correct a recorded dues payment (each member has one per month)."""
    payment = get_object_or_404(selectors.dues_queryset(scope=request.scope), pk=pk)
    initial = {"month": payment.month, "amount": payment.amount, "paid_on": payment.paid_on}
    form = DuesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.dues_update(actor=request.user, payment=payment, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("党费记录已更正。"))
            return redirect("members:member_detail", pk=payment.member_id)
    context = {"form": form, "member": payment.member, "title": _("更正党费")}
    return render(request, "members/entry_form.html", context)


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def visit_create(request, pk: int):
    return _entry(
        request,
        pk,
        form_class=VisitForm,
        title=_("登记走访"),
        record=lambda member, form: services.visit_record(
            actor=request.user, member=member, **form.cleaned_data
        ),
    )


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def adjustment_create(request, pk: int):
    return _entry(
        request,
        pk,
        form_class=AdjustmentForm,
        title=_("登记加减分"),
        record=lambda member, form: services.adjustment_record(
            actor=request.user,
            member=member,
            date=form.cleaned_data["date"],
            points=form.signed_points(),
            reason=form.cleaned_data["reason"],
        ),
    )
