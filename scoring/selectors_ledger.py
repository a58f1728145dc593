"""Reads of the rectification ledger, given the scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from branches.models import Township
from scoring.models import RectificationEntry
from scoring.rectification import is_overdue
from township.scoping import Scope


def ledger_entries(
    *, scope: Scope, year: int, overdue_on: dt.date | None = None
) -> QuerySet[RectificationEntry]:
    """The year's entries in scope; with `overdue_on`, only those open past their deadline."""
    qs = RectificationEntry.objects.within(scope).filter(year=year)
    if overdue_on is not None:
        qs = qs.filter(closed_on__isnull=True, deadline__lt=overdue_on)
    return qs.select_related("branch", "township", "closed_by").order_by(
        "township__code", "branch__code"
    )


@dataclass
class LedgerSummary:
    township: Township
    entries: int = 0
    closed: int = 0
    overdue: int = 0


def ledger_summaries(*, scope: Scope, year: int, today: dt.date) -> list[LedgerSummary]:
    """Per township: entries, closed and overdue (one query)."""
    out: dict[int, LedgerSummary] = {}
    rows = (
        RectificationEntry.objects.within(scope)
        .filter(year=year)
        .select_related("township")
        .only("township", "closed_on", "deadline")
    )
    for e in rows:
        s = out.setdefault(e.township_id, LedgerSummary(e.township))
        s.entries += 1
        s.closed += e.closed_on is not None
        s.overdue += is_overdue(deadline=e.deadline, closed_on=e.closed_on, today=today)
    return sorted(out.values(), key=lambda s: s.township.code)
