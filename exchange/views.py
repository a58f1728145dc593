"""The office's JSON import page and the export download (EXCHANGE.md)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branches import selectors as branch_selectors
from exchange.document import document_dumps
from exchange.exporter import township_export
from exchange.forms import ExportForm, ImportForm
from exchange.importer import LockedMonthsError, township_import
from township.audit import audit_log
from township.decorators import scope_permission_required
from township.errors import ExchangeError
from township.permissions import EXPORT_DATA, IMPORT_DATA


@scope_permission_required(IMPORT_DATA)
@require_http_methods(["GET", "POST"])
def exchange(request):
    """The office's import page (upload a township JSON document) with the export beside it."""
    form = ImportForm(request.POST or None, request.FILES or None)
    problems, result, locked = [], None, None
    if request.method == "POST" and form.is_valid():
        confirmed = form.cleaned_data["reopen_months"]
        try:
            result = township_import(
                actor=request.user,
                document=form.cleaned_data["document"],
                actor_name=request.user.get_username(),
                reopen_reason=form.cleaned_data.get("reopen_reason", "") if confirmed else "",
                reopen_months=confirmed,
            )
        except LockedMonthsError as exc:
            # Show the locked months and their records; ask for the file again and a reason.
            problems, locked = exc.problems, sorted(exc.months)
            form = ImportForm(locked_months=exc.months)
        except ExchangeError as exc:
            problems = exc.problems
            # A refused import is a security event too (a forged or hostile file).
            audit_log(
                actor=request.user,
                action="exchange.import_refused",
                data={"problems": len(problems), "first": [str(p)[:200] for p in problems[:10]]},
                request=request,
            )
        else:
            messages.success(request, _("导入完成。"))
    elif form.is_bound and form.cleaned_data.get("reopen_months"):
        locked = sorted(form.cleaned_data["reopen_months"])  # the confirmation, incomplete
    return render(
        request,
        "exchange/exchange.html",
        {"form": form, "problems": problems, "result": result, "locked": locked},
    )


@scope_permission_required(EXPORT_DATA)
@require_http_methods(["GET", "POST"])
def exchange_export(request):
    """Download the JSON document of the townships in scope (POST: the download is audited)."""
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
    return render(request, "exchange/exchange_export.html", {"form": form})
