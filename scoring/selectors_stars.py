"""Reads of the star rating, given the scope."""

from __future__ import annotations

from django.db.models import QuerySet

from branches.models import Branch
from members.models import Member
from scoring.models_stars import StarChange, StarProposal, StarRound
from township.scoping import Scope

KINDS = (StarProposal.BRANCH, StarProposal.MEMBER)


def star_round(*, scope: Scope, township_id: int, year: int) -> StarRound | None:
    """The township's round of `year` when the scope reaches it, else None."""
    return (
        StarRound.objects.within(scope)
        .filter(township_id=township_id, year=year)
        .select_related("township", "set_by")
        .distinct()
        .first()
    )


def _ordered(qs: QuerySet[StarProposal], kind: str | None) -> QuerySet[StarProposal]:
    if kind in KINDS:
        qs = qs.filter(kind=kind)
    return qs.select_related("branch", "member").order_by(
        "kind", "branch__code", "member__code", "pk"
    )


def round_proposals(
    *, scope: Scope, star_round: StarRound, kind: str | None = None
) -> QuerySet[StarProposal]:
    """The round's proposals the scope reaches (a secretary: its branch and its members)."""
    return _ordered(StarProposal.objects.within(scope).filter(round=star_round), kind)


def notice_proposals(*, star_round: StarRound, kind: str | None = None) -> QuerySet[StarProposal]:
    """The whole list of a round under notice or set: 公示 is public to the township's members,
    so it is read through the round the scope reached, not through each proposal's scope."""
    return _ordered(StarProposal.objects.filter(round=star_round), kind)


def proposal_changes(*, proposal: StarProposal) -> list[StarChange]:
    return list(proposal.changes.select_related("actor").order_by("at", "pk"))


def _history(qs: QuerySet[StarChange]) -> list[StarChange]:
    return list(
        qs.select_related("proposal__round", "actor").order_by("-proposal__round__year", "at", "pk")
    )


def branch_star_history(*, scope: Scope, branch: Branch) -> list[StarChange]:
    """Every step of the branch's own stars, all years, newest year first."""
    return _history(
        StarChange.objects.within(scope).filter(
            proposal__branch=branch, proposal__kind=StarProposal.BRANCH
        )
    )


def member_star_history(*, scope: Scope, member: Member) -> list[StarChange]:
    return _history(StarChange.objects.within(scope).filter(proposal__member=member))


def final_branch_stars(*, star_round: StarRound | None) -> dict[int, int]:
    """Branch id → final stars, once the round is set (empty otherwise)."""
    if star_round is None or star_round.set_on is None:
        return {}
    return dict(
        StarProposal.objects.filter(round=star_round, kind=StarProposal.BRANCH).values_list(
            "branch_id", "final"
        )
    )


def notices_open(*, scope: Scope) -> list[StarRound]:
    """The rounds of the scope's township under notice or set, newest first (a member's page)."""
    return list(
        StarRound.objects.within(scope)
        .filter(notice_start__isnull=False)
        .distinct()
        .order_by("-year")[:3]
    )
