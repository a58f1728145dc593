"""Writes of the weak-and-lax rectification ledger: the year's entries from the scoring engine,
the measures and evidence, and closing an entry (销号)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Branch, Township
from scoring import rectification, selectors, services
from scoring.models import RectificationEntry
from township import plausible
from township.audit import audit_log
from township.errors import ApplicationError

ENTRY_FIELDS = (
    "problems",
    "measures",
    "responsible",
    "deadline",
    "evidence",
    "satisfaction",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def rectification_ledger_open(*, actor, township: Township, year: int) -> list[RectificationEntry]:
    """Add an entry for every branch the scoring engine lists as weak and lax in `year`
    (as of today for a running year); entries already in the ledger stay as they are.
    Returns the entries added."""
    today = plausible.today()
    plausible.refuse({"year": plausible.record_year(year, today=today)})
    services.year_ensure(township=township, year=year)
    figures = selectors.township_year(
        township_id=township.pk, year=year, until=min(dt.date(year, 12, 31), today)
    )
    listed = figures.result.weak_and_lax
    if not listed:
        raise ApplicationError(
            _("%(t)s %(y)d 年没有列入软弱涣散的党支部（尚无年度得分）。")
            % {"t": township.name, "y": year}
        )
    branches = Branch.objects.filter(township=township, code__in=listed)
    present = set(
        RectificationEntry.objects.filter(township=township, year=year).values_list(
            "branch_id", flat=True
        )
    )
    added = [
        RectificationEntry(
            township=township,
            branch=b,
            year=year,
            annual_score=figures.result.branches[b.code].score,
        )
        for b in branches.order_by("code")
        if b.pk not in present
    ]
    if not added:
        return []
    RectificationEntry.objects.bulk_create(added)
    audit_log(
        actor=actor,
        action="scoring.rectification.opened",
        township=township,
        data={"year": year, "branches": [e.branch.code for e in added]},
    )
    return added


def _refuse_closed(entry: RectificationEntry) -> None:
    if entry.closed_on is not None:
        raise ApplicationError(
            _("%(b)s的整改已于 %(d)s 销号，不能再修改。")
            % {"b": entry.branch.name, "d": entry.closed_on.isoformat()}
        )


@transaction.atomic
def rectification_update(*, actor, entry: RectificationEntry, **fields: Any) -> RectificationEntry:
    """Record the problems, measures, person responsible, deadline, evidence and satisfaction."""
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise ApplicationError(_("未知的台账字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    stored = (
        RectificationEntry.objects.select_for_update().select_related("branch").get(pk=entry.pk)
    )
    _refuse_closed(stored)
    problem = rectification.satisfaction_problem(fields.get("satisfaction"))
    if problem:
        raise ApplicationError(problem, extra={"field": "satisfaction"})
    changes = {
        f: [_plain(getattr(stored, f)), _plain(v)]
        for f, v in fields.items()
        if getattr(stored, f) != v
    }
    if not changes:
        return stored
    for f, v in fields.items():
        setattr(stored, f, v)
    stored.save()
    audit_log(
        actor=actor,
        action="scoring.rectification.changed",
        township_id=stored.township_id,
        obj=stored,
        data={"changes": changes},
    )
    return stored


@transaction.atomic
def rectification_close(*, actor, entry: RectificationEntry) -> RectificationEntry:
    """销号: only with the evidence recorded and a satisfaction check of at least 80 %."""
    stored = (
        RectificationEntry.objects.select_for_update().select_related("branch").get(pk=entry.pk)
    )
    _refuse_closed(stored)
    problems = rectification.close_problems(
        evidence=stored.evidence, satisfaction=stored.satisfaction
    )
    if problems:
        raise ApplicationError("".join(problems))
    stored.closed_on = plausible.today()
    stored.closed_by = actor
    stored.save(update_fields=["closed_on", "closed_by"])
    audit_log(
        actor=actor,
        action="scoring.rectification.closed",
        township_id=stored.township_id,
        obj=stored,
        data={"satisfaction": str(stored.satisfaction), "closed_on": stored.closed_on.isoformat()},
    )
    return stored
