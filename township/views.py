"""The base floor's own pages: the audit log and the report jobs (their kinds live in the apps
whose data they show)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from township import reports, selectors, services
from township.audit import audit_log, log_csrf_failure
from township.decorators import scope_permission_required
from township.forms import AuditFilterForm, ReportRequestForm
from township.models import Notification, ReportJob
from township.pagination import ListPaginator, paginate
from township.permissions import REQUEST_REPORTS, VIEW_AUDIT, VIEW_REPORTS, Role
from township.rendering import CONTENT_TYPES
from township.report_runner import report_file_path
from township.reports import ReportError

AUDIT_PAGE_SIZE = 50


def _audit_export_period(filters: dict) -> str:
    """The report period the export button offers: the filtered month, else the filtered
    year, else the month of the end date (or of today)."""
    start, end = filters.get("date_from"), filters.get("date_to")
    if start and end and (start.year, start.month) == (end.year, end.month):
        return f"{start:%Y-%m}"
    if start and end and start.year == end.year:
        return str(start.year)
    day = end or start or timezone.localdate()
    return f"{day:%Y-%m}"


@scope_permission_required(VIEW_AUDIT)
def audit_list(request):
    """The audit log in scope: the office its township, the reviewer their county. Filters by
    person, action, record and dates; a filter that does not parse is ignored with a message."""
    form = AuditFilterForm(request.GET)
    form.is_valid()
    for problem in form.problems():
        messages.warning(request, problem)
    filters = form.filters()
    entries = selectors.audit_list(scope=request.scope, **filters)
    page = paginate(request, entries, per_page=AUDIT_PAGE_SIZE)
    scope = request.scope
    if scope.role == Role.REVIEWER:
        level, ident = "county", scope.county_id
    else:
        level, ident = "township", scope.township_id
    query = urlencode({k: str(v) for k, v in filters.items()})
    context = {
        "page": page,
        "form": form,
        "query": f"{query}&" if query else "",
        "export": {"level": level, "ident": ident, "period": _audit_export_period(filters)},
    }
    return render(request, "township/audit_list.html", context)


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: the refusal goes to the audit log, the user gets the 403 page."""
    log_csrf_failure(request, reason)
    return render(request, "403_csrf.html", status=403)


# --- reports ------------------------------------------------------------------------------------


def _report_kinds_for(scope) -> list:
    # Kinds with options (a cooperative's statement) are asked for from their object's page.
    return [k for k in reports.kinds() if scope.role in k.audience and not k.options]


@scope_permission_required(VIEW_REPORTS)
def report_list(request):
    """The report jobs in scope (who asked for what, when) and the form to ask for one."""
    jobs = ReportJob.objects.within(request.scope).select_related("requested_by")
    if request.GET.get("mine") == "1":
        jobs = jobs.filter(requested_by=request.user)
    page = _labelled(paginate(request, jobs, per_page=25))
    form = ReportRequestForm(kinds=_report_kinds_for(request.scope), scope=request.scope)
    return render(
        request,
        "reports/job_list.html",
        {"page": page, "form": form, "mine": request.GET.get("mine") == "1"},
    )


def _labelled(page):
    labels = {k.name: k.label for k in reports.kinds()}
    for job in page:
        job.kind_label = labels.get(job.kind, job.kind)
    return page


@scope_permission_required(REQUEST_REPORTS)
@require_POST
def report_request_view(request):
    form = ReportRequestForm(
        request.POST, kinds=_report_kinds_for(request.scope), scope=request.scope
    )
    if form.is_valid():
        level, ident = form.cleaned_data["target"]
        try:
            job = services.report_request(
                actor=request.user,
                kind_name=form.cleaned_data["kind"],
                level=level,
                ident=ident,
                period=form.cleaned_data["period"],
                fmt=form.cleaned_data["format"],
                request=request,
            )
        except ReportError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("reports:detail", pk=job.pk)
    jobs = ReportJob.objects.within(request.scope).select_related("requested_by")
    page = _labelled(ListPaginator(jobs, 25).get_page(1))  # the first page, as the list shows
    return render(
        request, "reports/job_list.html", {"page": page, "form": form, "mine": False}, status=400
    )


@scope_permission_required(VIEW_REPORTS)
def report_detail(request, pk: int):
    job = get_object_or_404(
        ReportJob.objects.within(request.scope).select_related("requested_by"), pk=pk
    )
    kind = next((k for k in reports.kinds() if k.name == job.kind), None)
    context = {"job": job, "label": kind.label if kind else job.kind}
    if request.htmx:
        return render(request, "reports/_job_status.html", context)
    return render(request, "reports/job_detail.html", context)


@scope_permission_required(VIEW_REPORTS)
def report_download(request, pk: int):
    """The file, only through the job found in scope (another scope's job answers 404)."""
    job = get_object_or_404(ReportJob.objects.within(request.scope), pk=pk)
    path = report_file_path(job) if job.downloadable else None
    if path is None:
        raise Http404
    with transaction.atomic():
        audit_log(
            actor=request.user,
            action="reports.downloaded",
            township_id=job.township_id,
            obj=job,
            data={"sha256": job.sha256},
            request=request,
        )
    return FileResponse(
        open(path, "rb"),  # FileResponse closes it
        as_attachment=True,
        filename=f"{job.filename}.{job.format}",
        content_type=CONTENT_TYPES[job.format],
    )


# --- messages -----------------------------------------------------------------------------------


@login_required
def notification_list(request):
    """The user's own messages, newest first; opening the page marks them read."""
    notes = Notification.objects.filter(user=request.user)
    page = paginate(request, notes, per_page=25)
    unread = [n.pk for n in page if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "township/notifications.html", {"page": page, "unread": set(unread)})
