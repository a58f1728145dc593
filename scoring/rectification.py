"""The rules of the weak-and-lax rectification ledger, as plain functions (no ORM).

An entry is closed (销号) only with its evidence and a satisfaction check of at least 80 %;
an open entry whose deadline has passed is overdue.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

SATISFACTION_MIN = Decimal(80)


def satisfaction_problem(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if not value.is_finite() or value < 0 or value > 100:
        return _("群众满意度须在 0 至 100 之间。")
    if value != value.quantize(Decimal("0.1")):
        return _("群众满意度最多保留一位小数。")
    return None


def close_problems(*, evidence: str, satisfaction: Decimal | None) -> list[str]:
    """Why an entry cannot be closed yet; empty when it can."""
    problems = []
    if not (evidence or "").strip():
        problems.append(_("销号须先填写整改佐证材料。"))
    if satisfaction is None:
        problems.append(_("销号须先录入群众满意度测评结果。"))
    elif satisfaction < SATISFACTION_MIN:
        problems.append(
            _("群众满意度 %(s)s%% 低于 80%%，不能销号，请继续整改。") % {"s": f"{satisfaction:f}"}
        )
    return problems


def is_overdue(*, deadline: dt.date | None, closed_on: dt.date | None, today: dt.date) -> bool:
    """Open past its deadline (the deadline day itself is still in time)."""
    return closed_on is None and deadline is not None and deadline < today
