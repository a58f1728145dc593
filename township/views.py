"""The base floor's own pages: the audit log and the report jobs (their kinds live in the apps
whose data they show)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from township import reports, services
from township.audit import audit_log, log_csrf_failure
from township.decorators import scope_permission_required
from township.forms import ReportRequestForm
from township.models import AuditLog, Notification, ReportJob
from township.permissions import REQUEST_REPORTS, VIEW_AUDIT, VIEW_REPORTS
from township.rendering import CONTENT_TYPES
from township.report_runner import report_file_path
from township.reports import ReportError


@scope_permission_required(VIEW_AUDIT)
def audit_list(request):
    entries = AuditLog.objects.within(request.scope).select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "township/audit_list.html", {"page": page})


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: the refusal goes to the audit log, the user gets the 403 page."""
    log_csrf_failure(request, reason)
    return render(request, "403_csrf.html", status=403)


# --- reports ------------------------------------------------------------------------------------


def _report_kinds_for(scope) -> list:
    return [k for k in reports.kinds() if scope.role in k.audience]


@scope_permission_required(VIEW_REPORTS)
def report_list(request):
    """The report jobs in scope (who asked for what, when) and the form to ask for one."""
    jobs = ReportJob.objects.within(request.scope).select_related("requested_by")
    if request.GET.get("mine") == "1":
        jobs = jobs.filter(requested_by=request.user)
    page = _labelled(Paginator(jobs, 25).get_page(request.GET.get("page")))
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
    page = _labelled(Paginator(jobs, 25).get_page(1))
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
    page = Paginator(notes, 25).get_page(request.GET.get("page"))
    unread = [n.pk for n in page if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "township/notifications.html", {"page": page, "unread": set(unread)})
