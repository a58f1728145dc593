"""The dues grid's write: a branch's payments for one month, saved whole or not at all.

Every row is checked first and all problems are reported together (`DuesGridError`, one line
per member and field); only a grid without problems is written, through the single-payment
services (`dues_record`, `dues_update`, `dues_delete`), which audit each change and mark the
months, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Branch
from members import services
from members.models import DuesPayment, Member
from township import plausible
from township.errors import ApplicationError
from township.months import ensure_month_open

AMOUNT = gettext_lazy("金额")
PAID_ON = gettext_lazy("交纳日期")
MONTH = gettext_lazy("所属月份")
FIELD_LABELS = {"amount": AMOUNT, "paid_on": PAID_ON, "month": MONTH}


@dataclass(frozen=True)
class DuesEntry:
    """One row of the grid as posted: paid or not, and the payment's amount and date."""

    member: Member
    paid: bool
    amount: Decimal | None = None
    paid_on: dt.date | None = None


@dataclass(frozen=True)
class Problem:
    member: Member
    field: str
    message: str

    def __str__(self) -> str:
        label = FIELD_LABELS.get(self.field, self.field)
        return _("%(name)s：%(field)s：%(message)s") % {
            "name": self.member.name,
            "field": label,
            "message": self.message,
        }


class DuesGridError(ApplicationError):
    """Rows of the grid that cannot be saved; nothing of the grid was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            _("有 %(n)d 处填写有误，未保存任何党费记录：%(first)s")
            % {"n": len(problems), "first": problems[0]}
        )


def entry_problems(*, month: dt.date, entry: DuesEntry, today: dt.date) -> list[Problem]:
    """What is wrong with one row: a paid row needs a non-negative amount and a plausible date
    (never after today; paying ahead at most twelve months)."""
    if not entry.paid:
        return []
    found = []
    if entry.amount is None:
        found.append(Problem(entry.member, "amount", _("已交的党费须填写金额。")))
    elif not entry.amount.is_finite() or entry.amount < 0:
        found.append(Problem(entry.member, "amount", _("党费金额不能为负数。")))
    if entry.paid_on is None:
        found.append(Problem(entry.member, "paid_on", _("已交的党费须填写交纳日期。")))
    else:
        for field, message in plausible.dues(
            month=month, paid_on=entry.paid_on, today=today
        ).items():
            found.append(Problem(entry.member, field, message))
    return found


@transaction.atomic
def dues_month_save(
    *, actor, branch: Branch, month: dt.date, entries: list[DuesEntry]
) -> dict[str, int]:
    """Save the branch's payments for `month`: a paid row records or corrects the member's
    payment, an unpaid row removes one. Refused whole when any row is wrong, when a member is
    not of the branch, or when the month (or a payment's day) is locked for the actor.
    Returns how many payments were recorded, changed and removed."""
    month = month.replace(day=1)
    if any(e.member.branch_id != branch.pk for e in entries):
        raise ApplicationError(_("表中有不属于本支部的党员，未保存。"))
    today = plausible.today()
    problems = [p for e in entries for p in entry_problems(month=month, entry=e, today=today)]
    if problems:
        raise DuesGridError(problems)
    stored = {
        p.member_id: p
        for p in DuesPayment.objects.select_for_update().filter(
            month=month, member__in=[e.member for e in entries]
        )
    }
    counts = {"recorded": 0, "changed": 0, "deleted": 0}
    changes = []
    for e in entries:
        payment = stored.get(e.member.pk)
        if e.paid and payment is None:
            changes.append(("recorded", e, payment))
        elif e.paid and (payment.amount, payment.paid_on) != (e.amount, e.paid_on):
            changes.append(("changed", e, payment))
        elif not e.paid and payment is not None:
            changes.append(("deleted", e, payment))
    if changes:  # one clear refusal for a locked month, before any row is written
        ensure_month_open(actor=actor, township_id=branch.township_id, day=month)
    for kind, e, payment in changes:
        if kind == "recorded":
            services.dues_record(
                actor=actor, member=e.member, month=month, amount=e.amount, paid_on=e.paid_on
            )
        elif kind == "changed":
            services.dues_update(
                actor=actor, payment=payment, month=month, amount=e.amount, paid_on=e.paid_on
            )
        else:
            services.dues_delete(actor=actor, payment=payment)
        counts[kind] += 1
    return counts
