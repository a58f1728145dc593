"""Reads of the dues grid: a branch's roster for a month with each member's payment."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from branches.models import Branch
from members.models import DuesPayment, Member
from township.money import dues_for


def month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class DuesLine:
    member: Member
    expected: Decimal | None  # from the rate table; None when the income is not known
    payment: DuesPayment | None
    liable: bool  # on the roster at month end and not dues-exempt (SCORING.md F9)


def dues_month_grid(*, branch: Branch, month: dt.date) -> list[DuesLine]:
    """The members on the branch's roster at the month's end (SCORING.md's roster rule), and
    any member of the branch with a payment for the month, each with that payment: two queries."""
    end = month_end(month)
    rostered = (Q(branch_since__isnull=True) | Q(branch_since__lte=end)) & (
        Q(left_on__isnull=True) | Q(left_on__gt=end)
    )
    paid = DuesPayment.objects.filter(month=month, member__branch=branch)
    members = list(
        Member.objects.filter(branch=branch)
        .filter(rostered | Q(pk__in=paid.values("member_id")))
        .order_by("code")
    )
    payments = {p.member_id: p for p in paid}
    lines = []
    for member in members:
        on_roster = (member.branch_since is None or member.branch_since <= end) and (
            member.left_on is None or member.left_on > end
        )
        expected = (
            None
            if member.dues_exempt
            else dues_for(member.monthly_income, member.income_kind, branch.dues_fixed_amount)
        )
        lines.append(
            DuesLine(
                member=member,
                expected=expected,
                payment=payments.get(member.pk),
                liable=on_roster and not member.dues_exempt,
            )
        )
    return lines
