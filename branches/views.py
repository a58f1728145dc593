"""Pages of the branches app: branches, meetings (三会一课), attendance and the sign-in sheet."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branches import selectors, services
from branches.forms import (
    STATUS_CHOICES,
    MeetingForm,
    attendance_forms,
    attendance_grid,
    attendance_lines,
    attendance_recorded,
)
from branches.models import Branch, MeetingType
from branches.selectors_admin import branch_history
from branches.views_photos import meeting_page_context
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.inputs import query_month
from township.months import MonthLock, month_lock
from township.pagination import paginate
from township.panels import panels_for
from township.permissions import (
    CHANGE_MEETINGS,
    CHANGE_MEMBERS,
    CHANGE_ORG,
    VIEW_MEETINGS,
    VIEW_ORG,
)

PAGE_SIZE = 20
BRANCH_PAGE_SIZE = 50


@scope_permission_required(VIEW_ORG)
def branch_list(request):
    scope, townships, township = selectors.township_narrowed(
        scope=request.scope, value=request.GET.get("township", "")
    )
    inactive = request.GET.get("inactive") == "1"
    branches = selectors.branch_list(scope=scope, today=timezone.localdate(), inactive=inactive)
    page = paginate(request, branches, per_page=BRANCH_PAGE_SIZE)
    context = {"page": page, "townships": townships, "township": township}
    context["inactive"] = inactive
    return render(request, "branches/branch_list.html", context)


@scope_permission_required(VIEW_ORG)
def branch_detail(request, pk: int):
    branch = get_object_or_404(
        Branch.objects.within(request.scope).select_related("area", "township"), pk=pk
    )
    today = timezone.localdate()
    context = {
        "branch": branch,
        "groups": branch.groups.all(),
        "member_count": selectors.branch_active_member_count(branch=branch, today=today),
        "meetings": selectors.branch_recent_meetings(branch=branch),
        "checklist": selectors.month_checklist(branch=branch, month=today),
        "panels": panels_for("branch", scope=request.scope, obj=branch),
        "can_change_members": request.scope.can(CHANGE_MEMBERS),
        # Organisation management (views_admin): its history and the office's buttons.
        "history": branch_history(branch=branch),
        "can_manage": request.scope.can(CHANGE_ORG),
    }
    return render(request, "branches/branch_detail.html", context)


@scope_permission_required(VIEW_MEETINGS)
def meeting_list(request):
    month = query_month(request)
    type_ = request.GET.get("type") if request.GET.get("type") in MeetingType.values else ""
    scope, townships, township = selectors.township_narrowed(
        scope=request.scope, value=request.GET.get("township", "")
    )
    meetings = selectors.meeting_list(scope=scope, month=month, type=type_)
    page = paginate(request, meetings, per_page=PAGE_SIZE)
    context = {
        "page": page,
        "townships": townships,
        "township": township,
        "month": f"{month:%Y-%m}" if month else "",
        "type": type_,
        "types": MeetingType.choices,
        "can_change": request.scope.can(CHANGE_MEETINGS),
    }
    template = "branches/_meeting_rows.html" if request.htmx else "branches/meeting_list.html"
    return render(request, template, context)


@scope_permission_required(VIEW_MEETINGS)
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(selectors.meeting_queryset(scope=request.scope), pk=pk)
    context = meeting_page_context(request, meeting)
    return render(request, "branches/meeting_detail.html", context)


@scope_permission_required(CHANGE_MEETINGS)
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    initial = {"date": timezone.localdate(), "type": request.GET.get("type")}
    form = MeetingForm(request.POST or None, scope=request.scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                actor=request.user, branch=form.cleaned_data["branch"], **form.service_fields()
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("会议已登记，请登记出勤。"))
            return redirect("branches:meeting_attendance", pk=meeting.pk)
    return render(request, "branches/meeting_form.html", {"form": form})


def _read_only_lock(request, meeting) -> MonthLock | None:
    """The lock of the meeting's month when it keeps this user from changing the meeting."""
    lock = month_lock(township_id=meeting.township_id, day=meeting.date, role=request.scope.role)
    return lock if lock is not None and not lock.may_edit else None


def _refuse_locked(request, meeting):
    """Send a user who may not change a locked month back to the read-only meeting page."""
    if _read_only_lock(request, meeting) is None:
        return None
    messages.error(request, _("该月已锁定，会议记录只读；如需更正，请联系镇党建办重新开放。"))
    return redirect("branches:meeting_detail", pk=meeting.pk)


@scope_permission_required(CHANGE_MEETINGS)
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting = get_object_or_404(selectors.meeting_queryset(scope=request.scope), pk=pk)
    if refused := _refuse_locked(request, meeting):
        return refused
    initial = {f: getattr(meeting, f) for f in services.MEETING_FIELDS} | {"branch": meeting.branch}
    form = MeetingForm(request.POST or None, scope=request.scope, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting, **form.service_fields())
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("会议记录已保存。"))
            return redirect("branches:meeting_detail", pk=meeting.pk)
    return render(request, "branches/meeting_form.html", {"form": form, "meeting": meeting})


@scope_permission_required(CHANGE_MEETINGS)
@require_http_methods(["GET", "POST"])
def meeting_delete(request, pk: int):
    meeting = get_object_or_404(selectors.meeting_queryset(scope=request.scope), pk=pk)
    if refused := _refuse_locked(request, meeting):
        return refused
    if request.method == "POST":
        try:
            services.meeting_delete(actor=request.user, meeting=meeting)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("branches:meeting_detail", pk=meeting.pk)
        messages.success(request, _("会议记录已删除。"))
        return redirect("branches:meeting_list")
    return render(request, "branches/meeting_confirm_delete.html", {"meeting": meeting})


@scope_permission_required(CHANGE_MEETINGS)
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk: int):
    meeting = get_object_or_404(selectors.meeting_for_entry(scope=request.scope), pk=pk)
    lock = _read_only_lock(request, meeting)
    if lock is not None and request.method == "POST":  # the service would refuse it too
        messages.error(request, _("该月已锁定，出勤记录只读，未保存。"))
        return redirect("branches:meeting_attendance", pk=meeting.pk)
    roster = selectors.meeting_roster(meeting=meeting)
    if request.method == "GET":  # no form per member: the template writes the lines
        context = {
            "meeting": meeting,
            "rows": attendance_recorded(roster) if lock else attendance_lines(roster),
            "choices": STATUS_CHOICES,
            "lock": lock,
            "read_only": lock is not None,
        }
        return render(request, "branches/attendance_grid.html", context)
    rows = attendance_forms(roster=roster, data=request.POST)
    if all(form.is_valid() for _m, form in rows):
        entries = [{"member": m, **form.cleaned_data} for m, form in rows]
        try:
            services.attendance_record(actor=request.user, meeting=meeting, entries=entries)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("出勤已保存。"))
            return redirect("branches:meeting_detail", pk=meeting.pk)
    grid = attendance_grid(rows)
    context = {
        "meeting": meeting,
        "rows": grid,
        "wrong_rows": [row for row in grid if row["errors"]],  # the summary at the top
        "choices": STATUS_CHOICES,
        "row_forms": rows,  # the (member, form) pairs that refused the post
    }
    return render(request, "branches/attendance_grid.html", context)


@scope_permission_required(VIEW_MEETINGS)
def meeting_sign_in_sheet(request, pk: int):
    meeting = get_object_or_404(selectors.meeting_queryset(scope=request.scope), pk=pk)
    roster = [m for m, _a in selectors.meeting_roster(meeting=meeting)]
    return render(request, "branches/sign_in_sheet.html", {"meeting": meeting, "roster": roster})
