"""Project-wide pages: the dashboard, a member's own record, the audit log and data exchange."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branches import selectors as branch_selectors
from branches.models import Branch
from members import selectors as member_selectors
from members.models import Member
from scoring import selectors as scoring_selectors
from township.audit import audit_log
from township.errors import ExchangeError
from township.forms import ExportForm, ImportForm
from township.models import AuditLog
from township.permissions import EXPORT_DATA, IMPORT_DATA, VIEW_AUDIT, VIEW_OWN_RECORD
from township.scoping import scope_permission_required
from township.templatetags.township_nav import scope_level


def dashboard(request):
    """Every role lands here; what it shows depends on the level of the user's scope."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    scope, today = request.scope, timezone.localdate()
    level = scope_level(scope)
    context = {"level": level, "today": today}
    if level == "county":
        context["townships"] = branch_selectors.county_townships(scope=scope, today=today)
    elif level == "township":
        context["summary"] = branch_selectors.township_summary(scope=scope, today=today)
        context["silent"] = branch_selectors.silent_branches(
            scope=scope, today=today, days=settings.SILENT_BRANCH_DAYS
        )
        context["silent_days"] = settings.SILENT_BRANCH_DAYS
    elif level == "branch":
        branch = get_object_or_404(Branch.objects.within(scope), pk=scope.branch_id)
        context |= {
            "branch": branch,
            "member_count": branch_selectors.branch_active_member_count(branch=branch, today=today),
            "checklist": branch_selectors.month_checklist(branch=branch, month=today),
            "meetings": branch_selectors.branch_recent_meetings(branch=branch, limit=5),
        }
        context["month_total"] = sum(row["count"] for row in context["checklist"])
    elif level == "member":
        context["member"] = get_object_or_404(Member.objects.within(scope), pk=scope.member_id)
    return render(request, "township/dashboard.html", context)


@scope_permission_required(VIEW_OWN_RECORD)
def me(request):
    member = get_object_or_404(
        member_selectors.member_queryset(scope=request.scope), pk=request.scope.member_id
    )
    today = timezone.localdate()
    board = scoring_selectors.member_board(
        scope=request.scope, branch=member.branch, year=today.year, until=today
    )
    context = {
        "member": member,
        "year": today.year,
        "points": next((row for row in board if row.member.pk == member.pk), None),
        **member_selectors.member_record(member=member),
    }
    return render(request, "township/me.html", context)


@scope_permission_required(VIEW_AUDIT)
def audit_list(request):
    entries = AuditLog.objects.within(request.scope).select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "township/audit_list.html", {"page": page})


@scope_permission_required(IMPORT_DATA)
@require_http_methods(["GET", "POST"])
def exchange(request):
    """The office's import page (upload a township JSON document) with the export beside it."""
    from township.exchange import township_import

    form = ImportForm(request.POST or None, request.FILES or None)
    problems, result = [], None
    if request.method == "POST" and form.is_valid():
        try:
            result = township_import(
                actor=request.user,
                document=form.cleaned_data["document"],
                actor_name=request.user.get_username(),
            )
        except ExchangeError as exc:
            problems = exc.problems
        else:
            messages.success(request, _("导入完成。"))
    return render(
        request,
        "township/exchange.html",
        {"form": form, "problems": problems, "result": result},
    )


@scope_permission_required(EXPORT_DATA)
@require_http_methods(["GET", "POST"])
def exchange_export(request):
    """Download the JSON document of the townships in scope (POST: the download is audited)."""
    from township.exchange import document_dumps, township_export

    townships = branch_selectors.townships_within(scope=request.scope)
    form = ExportForm(request.POST or None, townships=townships)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["townships"])
        body = document_dumps(township_export(townships=chosen))
        # Reading data out of the system is worth a trace too (pretix logs its exports).
        audit_log(
            actor=request.user,
            action="exchange.exported",
            township_id=chosen[0].pk if len(chosen) == 1 else request.scope.township_id,
            data={"townships": [t.code for t in chosen]},
            request=request,
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        name = chosen[0].code if len(chosen) == 1 else "townships"
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.json"'
        return response
    return render(request, "township/exchange_export.html", {"form": form})
