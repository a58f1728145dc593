"""Reads of the members app, always given the caller's scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from members.models import DuesPayment, Member
from township.permissions import CHANGE_ORG
from township.scoping import Scope


def member_list(*, scope: Scope, query: str = "", include_left: bool = False) -> QuerySet[Member]:
    qs = Member.objects.within(scope).select_related("branch", "party_group")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__iexact=query))
    if not include_left:
        qs = qs.filter(left_on__isnull=True)
    return qs.order_by("branch__code", "code")


def member_queryset(*, scope: Scope) -> QuerySet[Member]:
    """Members of the scope with what the detail page shows, for `get_object_or_404`."""
    return Member.objects.within(scope).select_related("branch", "party_group", "township")


def dues_queryset(*, scope: Scope) -> QuerySet[DuesPayment]:
    """Dues payments of the scope with their member, for `get_object_or_404`."""
    return DuesPayment.objects.within(scope).select_related("member", "member__branch")


def member_record(*, member: Member) -> dict:
    """A member's own records for the detail page: recent dues, visits, points, attendance."""
    attendance = member.attendance.values("status").annotate(n=Count("pk"))
    return {
        "dues": member.dues.order_by("-month")[:12],
        "visits": member.visits.order_by("-date", "-pk")[:10],
        "adjustments": member.adjustments.order_by("-date", "-pk")[:10],
        "attendance": {row["status"]: row["n"] for row in attendance},
        "recent_meetings": member.attendance.select_related("meeting").order_by("-meeting__date")[
            :10
        ],
        # Earlier spells in other branches of the township (组织关系转接), newest first.
        "transfers": member.transfers.select_related("branch").order_by("-left_on", "-pk"),
    }


def phone_visible(*, scope: Scope) -> bool:
    """Phone numbers are shown in full to those who manage the organisation (the office)."""
    return scope.can(CHANGE_ORG)


def masked_phone(phone: str) -> str:
    """A phone number as shown to those who may not see it: first 3 and last 4 digits."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def roster_members(*, scope: Scope, township_id: int, branch_id: int | None = None):
    """The current roster (members who have not left) of a township or one of its branches,
    for the Excel export: inside the scope, in branch and code order."""
    qs = Member.objects.within(scope).filter(township_id=township_id, left_on__isnull=True)
    if branch_id is not None:
        qs = qs.filter(branch_id=branch_id)
    return qs.select_related("branch").order_by("branch__code", "code")
