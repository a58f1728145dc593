"""The base floor's own page, the audit log; other pages live in the apps whose data they show."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from township.decorators import scope_permission_required
from township.models import AuditLog
from township.permissions import VIEW_AUDIT


@scope_permission_required(VIEW_AUDIT)
def audit_list(request):
    entries = AuditLog.objects.within(request.scope).select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "township/audit_list.html", {"page": page})
