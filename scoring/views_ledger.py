"""Pages of the weak-and-lax rectification ledger (软弱涣散整改台账)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import Township
from scoring import rectification
from scoring import selectors_ledger as selectors
from scoring import services_ledger as services
from scoring.forms_ledger import RectificationForm
from scoring.models import RectificationEntry
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.inputs import query_year
from township.pagination import paginate
from township.permissions import CLOSE_RECTIFICATION, RECTIFY, VIEW_SCORES
from township.reports import YEAR_MAX, YEAR_MIN

PAGE_SIZE = 30


@scope_permission_required(VIEW_SCORES)
def rectification_list(request):
    today = timezone.localdate()
    year = query_year(request, today.year)
    overdue = request.GET.get("overdue") == "1"
    entries = selectors.ledger_entries(
        scope=request.scope, year=year, overdue_on=today if overdue else None
    )
    page = paginate(request, entries, per_page=PAGE_SIZE)
    context = {
        "page": page,
        "rows": [
            (e, rectification.is_overdue(deadline=e.deadline, closed_on=e.closed_on, today=today))
            for e in page.object_list
        ],
        "summaries": selectors.ledger_summaries(scope=request.scope, year=year, today=today),
        "year": year,
        "overdue": overdue,
        "query": f"year={year}&{'overdue=1&' if overdue else ''}",
        "can_open": request.scope.can(CLOSE_RECTIFICATION) and request.scope.township_id,
    }
    return render(request, "scoring/ledger_list.html", context)


@scope_permission_required(CLOSE_RECTIFICATION)
@require_POST
def rectification_open(request, year: int):
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404
    township = get_object_or_404(
        Township.objects.within(request.scope), pk=request.scope.township_id
    )
    try:
        added = services.rectification_ledger_open(actor=request.user, township=township, year=year)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已按年度考核结果建立 %(n)d 条整改台账。") % {"n": len(added)})
    return redirect(f"{reverse('scoring:rectification_list')}?year={year}")


def _entry(request, pk: int) -> RectificationEntry:
    queryset = RectificationEntry.objects.within(request.scope).select_related(
        "branch", "township", "closed_by"
    )
    return get_object_or_404(queryset, pk=pk)


def _detail(request, entry, form, status: int = 200):
    today = timezone.localdate()
    context = {
        "entry": entry,
        "form": form,
        "overdue": rectification.is_overdue(
            deadline=entry.deadline, closed_on=entry.closed_on, today=today
        ),
        "close_problems": rectification.close_problems(
            evidence=entry.evidence, satisfaction=entry.satisfaction
        ),
        "can_close": request.scope.can(CLOSE_RECTIFICATION) and entry.closed_on is None,
    }
    return render(request, "scoring/ledger_detail.html", context, status=status)


@scope_permission_required(VIEW_SCORES)
def rectification_detail(request, pk: int):
    entry = _entry(request, pk)
    form = None
    if request.scope.can(RECTIFY) and entry.closed_on is None:
        form = RectificationForm(initial={f: getattr(entry, f) for f in services.ENTRY_FIELDS})
    return _detail(request, entry, form)


@scope_permission_required(RECTIFY)
@require_POST
def rectification_update(request, pk: int):
    entry = _entry(request, pk)
    form = RectificationForm(request.POST)
    if form.is_valid():
        try:
            services.rectification_update(actor=request.user, entry=entry, **form.service_fields())
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("整改台账已保存。"))
            return redirect("scoring:rectification_detail", pk=entry.pk)
    return _detail(request, entry, form)


@scope_permission_required(CLOSE_RECTIFICATION)
@require_POST
def rectification_close(request, pk: int):
    entry = _entry(request, pk)
    try:
        services.rectification_close(actor=request.user, entry=entry)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(b)s的整改已销号。") % {"b": entry.branch.name})
    return redirect("scoring:rectification_detail", pk=entry.pk)
