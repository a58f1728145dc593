"""The roster pages: export a branch's or a township's roster as Excel, the import template,
and the import of a filled template (members.roster, members.roster_file,
members.services_roster)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from branches.models import Branch, Township
from members import roster, roster_file, selectors
from members.forms_roster import RosterImportForm
from members.services_roster import RosterRefused, roster_import
from township.audit import audit_log
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.pagination import paginate
from township.permissions import CHANGE_MEMBERS, EXPORT_ROSTER, EXPORT_TOWNSHIP_ROSTER

PAGE_SIZE = 100  # branches on the roster page
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@scope_permission_required(EXPORT_ROSTER)
@require_GET
def roster_page(request):
    scope = request.scope
    context = {
        "townships": Township.objects.within(scope).order_by("code")
        if scope.can(EXPORT_TOWNSHIP_ROSTER)
        else [],
        "page": paginate(
            request,
            Branch.objects.within(scope)
            .select_related("township")
            .order_by("township__code", "code"),
            per_page=PAGE_SIZE,
        ),
        "can_import": scope.can(CHANGE_MEMBERS),
    }
    return render(request, "members/roster.html", context)


def _export(request, *, township: Township, branch: Branch | None) -> HttpResponse:
    # Those who keep the records get the full ID numbers and phones (they type them into the
    # national system); the county reviewer gets them masked, as on screen.
    masked = not request.scope.can(CHANGE_MEMBERS)
    members = selectors.roster_members(
        scope=request.scope, township_id=township.pk, branch_id=branch.pk if branch else None
    )
    rows = [roster.member_cells(m, masked=masked) for m in members]
    audit_log(
        actor=request.user,
        action="members.roster.exported",
        township_id=township.pk,
        obj=branch,
        data={"members": len(rows), "branch": branch.code if branch else "", "masked": masked},
        request=request,
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    code = branch.code if branch else township.code
    return _xlsx(roster.workbook(rows), f"roster-{code}-{stamp}.xlsx")


@scope_permission_required(EXPORT_TOWNSHIP_ROSTER)
@require_GET
def roster_export_township(request, pk: int):
    township = get_object_or_404(Township.objects.within(request.scope), pk=pk)
    return _export(request, township=township, branch=None)


@scope_permission_required(EXPORT_ROSTER)
@require_GET
def roster_export_branch(request, pk: int):
    branch = get_object_or_404(
        Branch.objects.within(request.scope).select_related("township"), pk=pk
    )
    return _export(request, township=branch.township, branch=branch)


@scope_permission_required(CHANGE_MEMBERS)
@require_GET
def roster_template(request):
    return _xlsx(roster.workbook([]), "roster-template.xlsx")


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def roster_import_page(request):
    form = RosterImportForm(request.POST or None, request.FILES or None)
    errors, outcome = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows, parse_errors = _read(upload)
            outcome = roster_import(
                actor=request.user, scope=request.scope, rows=rows, parse_errors=parse_errors
            )
        except RosterRefused as exc:
            errors = exc.errors  # listed above the form, row by row
        except roster_file.RosterFileError as exc:
            form.add_error("file", exc.message)
            audit_log(
                actor=request.user,
                action="members.roster.import_refused",
                data={"reason": str(exc.message)[:200], "size": upload.size},
                request=request,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    context = {"form": form, "errors": errors, "outcome": outcome}
    return render(request, "members/roster_import.html", context)


def _read(upload) -> tuple[list, list[roster.RowError]]:
    """Check the file, then parse its rows: (row number, fields) and the rows' errors."""
    sheet = roster_file.inspect(upload, size=upload.size)
    rows, errors = [], []
    header_seen = False
    for number, cells in roster_file.read_rows(upload, sheet=sheet):
        if not header_seen:
            problem = roster.check_header(cells) if number == 1 else _("第 1 行应为表头。")
            if problem:
                raise roster_file.RosterFileError(problem)
            header_seen = True
            continue
        fields, problems = roster.parse_row(cells, row=number)
        if problems:
            errors.extend(problems)
        else:
            rows.append((number, fields))
    return rows, errors
