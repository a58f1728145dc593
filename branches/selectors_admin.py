"""Reads of the organisation's management pages, always given the scope (or a scoped object)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from branches.models import Area, Branch, BranchAreaMove, PartyGroup
from members.models import BranchTransfer, Member
from township.models import User
from township.permissions import Role
from township.scoping import Scope

ACCOUNT_ROLES = (Role.SECRETARY, Role.LIAISON)


def _count(rows: QuerySet, key: str) -> Coalesce:
    counted = rows.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def manage_branches(*, scope: Scope, show_inactive: bool = False) -> QuerySet[Branch]:
    """The branches of the scope (active ones unless `show_inactive`) with their area, general
    branch and the members still on their roster, each a subquery (constant queries)."""
    qs = Branch.objects.within(scope)
    if not show_inactive:
        qs = qs.filter(active=True)
    members = Member.objects.filter(branch=OuterRef("pk"), left_on__isnull=True)
    return (
        qs.select_related("township", "area", "general_branch")
        .annotate(member_count=_count(members, "branch_id"))
        .order_by("township__code", "code")
    )


def manage_areas(*, scope: Scope) -> QuerySet[Area]:
    qs = Area.objects.within(scope)
    branches = Branch.objects.filter(area=OuterRef("pk"), active=True)
    return (
        qs.select_related("township")
        .annotate(branch_count=_count(branches, "area_id"))
        .order_by("township__code", "code")
    )


def area_choices(*, scope: Scope, township_id: int) -> QuerySet[Area]:
    return Area.objects.within(scope).filter(township_id=township_id).order_by("code")


def general_branch_choices(*, scope: Scope, township_id: int) -> QuerySet[Branch]:
    return Branch.objects.within(scope).filter(township_id=township_id).order_by("code")


def branch_groups(*, branch: Branch) -> QuerySet[PartyGroup]:
    members = Member.objects.filter(party_group=OuterRef("pk"), left_on__isnull=True)
    return branch.groups.annotate(member_count=_count(members, "party_group_id")).order_by("name")


def branch_accounts(*, branch: Branch) -> QuerySet[User]:
    """The secretary and liaison accounts of a (scoped) branch, active ones first."""
    return User.objects.filter(branch=branch, role__in=ACCOUNT_ROLES).order_by(
        "-is_active", "role", "username"
    )


def assignable_accounts(*, branch: Branch) -> QuerySet[User]:
    """Secretary and liaison accounts of the branch's township now on another branch."""
    return (
        User.objects.filter(township_id=branch.township_id, role__in=ACCOUNT_ROLES)
        .exclude(branch=branch)
        .select_related("branch")
        .order_by("role", "username")
    )


def scoped_account(*, scope: Scope, pk: int) -> QuerySet[User]:
    """The account `pk` if it belongs to a branch in the scope (else an empty queryset)."""
    return User.objects.filter(
        pk=pk, role__in=ACCOUNT_ROLES, branch__in=Branch.objects.within(scope)
    ).select_related("branch")


@dataclass(frozen=True)
class BranchHistory:
    area_moves: list[BranchAreaMove]
    transfers_out: list[BranchTransfer]  # spells of members in this branch that ended
    transfers_in: list[tuple[Member, BranchTransfer]]  # current members and where they came from


def branch_history(*, branch: Branch, limit: int = 50) -> BranchHistory:
    """A branch's moves between areas and its members' transfers out and in (three queries)."""
    moves = list(
        BranchAreaMove.objects.filter(branch=branch)
        .select_related("from_area", "to_area", "moved_by")
        .order_by("-moved_on", "-pk")[:limit]
    )
    out = list(
        BranchTransfer.objects.filter(branch=branch)
        .select_related("member", "member__branch")
        .order_by("-left_on", "-pk")[:limit]
    )
    arrivals = list(
        BranchTransfer.objects.filter(member__branch=branch, left_on=F("member__branch_since"))
        .filter(~Q(branch=branch))
        .select_related("member", "branch")
        .order_by("-left_on", "-pk")[:limit]
    )
    return BranchHistory(moves, out, [(t.member, t) for t in arrivals])
