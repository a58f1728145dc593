"""Pages of the township's Party school (党校): sessions, their attendance, and each person's
training compliance of the year."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branches.models import Township
from branches.selectors import township_narrowed
from members import selectors_life, services_life
from members.forms_life import TrainingAttendanceForm, TrainingSessionForm
from members.views_pipeline import PAGE_SIZE, query_year, render_form
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.pagination import paginate
from township.permissions import CHANGE_ORG, VIEW_MEMBERS


@scope_permission_required(VIEW_MEMBERS)
def training_list(request):
    year = query_year(request)
    scope, townships, township = township_narrowed(
        scope=request.scope, value=request.GET.get("township", "")
    )
    sessions = selectors_life.training_sessions(scope=scope, year=year)
    page = paginate(request, sessions, per_page=PAGE_SIZE)
    context = {
        "page": page,
        "townships": townships,
        "township": township,
        "year": year,
        "query": f"year={year}&",
        "can_change": request.scope.can(CHANGE_ORG),
    }
    return render(request, "members/training_list.html", context)


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def training_create(request):
    form = TrainingSessionForm(
        request.POST or None, initial={"date": timezone.localdate(), "hours": 2}
    )
    if request.method == "POST" and form.is_valid():
        township = get_object_or_404(Township.objects.within(request.scope))
        try:
            session = services_life.training_session_create(
                actor=request.user, township=township, **form.cleaned_data
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("培训已新建，请登记出勤。"))
            return redirect("members:training_attendance", pk=session.pk)
    return render_form(request, form=form, title=_("新建党校培训"), back="members:training_list")


@scope_permission_required(VIEW_MEMBERS)
def training_detail(request, pk: int):
    session = get_object_or_404(
        selectors_life.training_session_queryset(scope=request.scope), pk=pk
    )
    people = session.attendance.select_related("member__branch", "applicant__branch")
    context = {
        "session": session,
        "people": people,
        "can_change": request.scope.can(CHANGE_ORG),
    }
    return render(request, "members/training_detail.html", context)


@scope_permission_required(CHANGE_ORG)
@require_http_methods(["GET", "POST"])
def training_attendance(request, pk: int):
    session = get_object_or_404(
        selectors_life.training_session_queryset(scope=request.scope), pk=pk
    )
    members, applicants = selectors_life.training_attendees(session=session)
    # Nothing ticked is a valid answer (nobody came): bind the form on any POST.
    form = TrainingAttendanceForm(
        request.POST if request.method == "POST" else None,
        scope=request.scope,
        initial={"members": members, "applicants": applicants},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_life.training_attendance_set(
                actor=request.user, session=session, **form.cleaned_data
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("培训出勤已保存。"))
            return redirect("members:training_detail", pk=session.pk)
    return render_form(
        request,
        form=form,
        title=_("培训出勤：%(t)s") % {"t": session},
        back="members:training_list",
        subtitle=_("勾选实际参加培训的人员。"),
    )


@scope_permission_required(VIEW_MEMBERS)
def training_compliance(request):
    year = query_year(request)
    today = timezone.localdate()
    # Each person's obligations are worked out in Python: a county's 30,000 took seconds, so
    # a reviewer sees one township at a time.
    scope, townships, township = township_narrowed(
        scope=request.scope, value=request.GET.get("township", "")
    )
    rows = selectors_life.training_compliance(scope=scope, year=year, as_of=today)
    only_missing = request.GET.get("missing") == "1"
    shown = [r for r in rows if not r.compliant] if only_missing else rows
    page = paginate(request, shown, per_page=PAGE_SIZE)
    context = {
        "page": page,
        "townships": townships,
        "township": township,
        "year": year,
        "missing": only_missing,
        "query": f"year={year}&missing={'1' if only_missing else ''}&",
        "total": len(rows),
        "not_compliant": sum(1 for r in rows if not r.compliant),
        "report_level": "branch" if request.scope.branch_id else "township",
        "report_ident": request.scope.branch_id or request.scope.township_id,
    }
    return render(request, "members/training_compliance.html", context)
