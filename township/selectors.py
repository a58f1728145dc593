"""Reads of the base floor's own pages, always given the scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from township.models import AuditLog
from township.scoping import Scope


def day_start(day: dt.date) -> dt.datetime:
    """Midnight (local time) at the start of `day`, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_list(
    *,
    scope: Scope,
    person: str = "",
    action: str = "",
    record: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditLog]:
    """The entries in scope, newest first, narrowed by the page's filters. Dates are whole
    local days, both ends included (callers keep them within 2000–2100)."""
    entries = AuditLog.objects.within(scope)
    if person:
        entries = entries.filter(actor_name__icontains=person)
    if action:
        entries = entries.filter(action=action)
    if record:
        entries = entries.filter(object_repr__icontains=record)
    if date_from:
        entries = entries.filter(created_at__gte=day_start(date_from))
    if date_to:
        entries = entries.filter(created_at__lt=day_start(date_to + dt.timedelta(days=1)))
    return entries
