"""Writes of the star rating (星级评定): open a round with the computed stars, the branch's
self-assessment, the office's review, the notice, setting the stars and a later demotion.
Each step writes its history row (`StarChange`) and its audit entry in one transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Township
from scoring import rules_stars, services
from scoring.models import BranchYearScore, MemberYearScore
from scoring.models_stars import StarChange, StarProposal, StarRound
from township import plausible
from township.audit import audit_log
from township.errors import ApplicationError
from township.models import MonthState


def _refuse(problems: list[str], field: str | None = None) -> None:
    """Forms check each field; what is left here is the state of the round, shown above."""
    if problems:
        raise ApplicationError("".join(problems), extra={"field": field} if field else None)


def _locked_round(star_round: StarRound) -> StarRound:
    return StarRound.objects.select_for_update().select_related("township").get(pk=star_round.pk)


def _locked_proposal(proposal: StarProposal) -> StarProposal:
    # Only the proposal's own row: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer joins to its branch or member.
    return (
        StarProposal.objects.select_for_update(of=("self",))
        .select_related("round", "branch", "member")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def star_round_open(*, actor, township: Township, year: int, today: dt.date | None = None):
    """Open the year's round: a proposal of the computed stars for every ranked branch and every
    member not rating-exempt that has an annual figure (the stored year results, computed
    first where missing or stale). A branch not ranked and an exempt member get no proposal."""
    today = today or plausible.today()
    # One opening at a time per township: a second one waits here, then finds the round.
    list(Township.objects.select_for_update().filter(pk=township.pk).values_list("pk"))
    locked = MonthState.objects.filter(township=township, month__year=year, locked=True).count()
    _refuse(rules_stars.open_problems(year=year, today=today, locked_months=locked))
    if StarRound.objects.filter(township=township, year=year).exists():
        raise ApplicationError(_("%(y)d 年的星级评定已经启动。") % {"y": year})
    services.year_ensure(township=township, year=year)
    star_round = StarRound.objects.create(
        township=township, year=year, state=rules_stars.PROPOSED, opened_by=actor
    )
    proposals = [
        StarProposal(
            round=star_round,
            kind=StarProposal.BRANCH,
            branch_id=bid,
            annual=score,
            computed=stars,
            stars=stars,
        )
        for bid, score, stars in BranchYearScore.objects.filter(
            branch__township=township, branch__ranked=True, year=year, stars__isnull=False
        )
        .order_by("branch__code")
        .values_list("branch_id", "score", "stars")
    ]
    proposals += [
        StarProposal(
            round=star_round,
            kind=StarProposal.MEMBER,
            branch_id=bid,
            member_id=mid,
            annual=annual,
            computed=stars,
            stars=stars,
        )
        for mid, bid, annual, stars in MemberYearScore.objects.filter(
            member__township=township,
            member__rating_exempt=False,
            year=year,
            stars__isnull=False,
        )
        .order_by("branch__code", "member__code")
        .values_list("member_id", "branch_id", "annual", "stars")
    ]
    StarProposal.objects.bulk_create(proposals)
    StarChange.objects.bulk_create(
        StarChange(proposal=p, step=StarChange.PROPOSED, actor=actor, to_stars=p.stars)
        for p in proposals
    )
    audit_log(
        actor=actor,
        action="scoring.stars.opened",
        township=township,
        obj=star_round,
        data={
            "year": year,
            "branches": sum(p.kind == StarProposal.BRANCH for p in proposals),
            "members": sum(p.kind == StarProposal.MEMBER for p in proposals),
        },
    )
    return star_round


@transaction.atomic
def star_branch_note(*, actor, proposal: StarProposal, text: str) -> StarProposal:
    """The branch's self-assessment (on its own proposal) or its comment on a member's
    proposal, while the round is open for self-assessment."""
    stored = _locked_proposal(proposal)
    _locked_round(stored.round)
    _refuse(rules_stars.self_assessment_problems(state=stored.round.state, text=text), "text")
    if stored.branch_note == text:
        return stored
    before = stored.branch_note
    stored.branch_note = text
    stored.save(update_fields=["branch_note"])
    audit_log(
        actor=actor,
        action="scoring.stars.self_assessed",
        township_id=stored.round.township_id,
        obj=stored,
        data={"kind": stored.kind, "changes": {"branch_note": [before, text]}},
    )
    return stored


@transaction.atomic
def star_proposal_review(*, actor, proposal: StarProposal, stars: int, reason: str):
    """The office changes a proposal's stars during the review, with a reason."""
    stored = _locked_proposal(proposal)
    star_round = _locked_round(stored.round)
    problems = rules_stars.review_problems(
        state=star_round.state, current=stored.stars, new=stars, reason=reason
    )
    _refuse(problems)
    before = stored.stars
    stored.stars = stars
    stored.save(update_fields=["stars"])
    StarChange.objects.create(
        proposal=stored,
        step=StarChange.REVIEWED,
        actor=actor,
        from_stars=before,
        to_stars=stars,
        reason=reason.strip(),
    )
    audit_log(
        actor=actor,
        action="scoring.stars.reviewed",
        township_id=star_round.township_id,
        obj=stored,
        data={"stars": [before, stars], "reason": reason.strip()},
    )
    return stored


@transaction.atomic
def star_round_advance(
    *, actor, star_round: StarRound, action: str, today: dt.date | None = None
) -> StarRound:
    """Take the office's next step: "review" (close the self-assessment), "notice" (publish the
    list for 5 days from today) or "set" (after the notice, the stars become final)."""
    today = today or plausible.today()
    stored = _locked_round(star_round)
    _refuse(
        rules_stars.transition_problems(
            action=action, state=stored.state, today=today, notice_ends=stored.notice_end
        )
    )
    before = stored.state
    stored.state = rules_stars.TRANSITIONS[action][1]
    data: dict = {"year": stored.year, "state": [before, stored.state]}
    if action == "notice":
        stored.notice_start = today
        stored.notice_end = rules_stars.notice_end(today)
        data["notice"] = [stored.notice_start.isoformat(), stored.notice_end.isoformat()]
    if action == "set":
        stored.set_on = today
        stored.set_by = actor
        proposals = list(stored.proposals.all())
        for p in proposals:
            p.final = p.stars
        StarProposal.objects.bulk_update(proposals, ["final"])
        StarChange.objects.bulk_create(
            StarChange(
                proposal=p, step=StarChange.SET, actor=actor, from_stars=p.stars, to_stars=p.final
            )
            for p in proposals
        )
        data["proposals"] = len(proposals)
    stored.save()
    audit_log(
        actor=actor,
        action=f"scoring.stars.{action}",
        township_id=stored.township_id,
        obj=stored,
        data=data,
    )
    return stored


@transaction.atomic
def star_demote(
    *,
    actor,
    proposal: StarProposal,
    stars: int,
    reason: str,
    found_on: dt.date | None,
    today: dt.date | None = None,
) -> StarProposal:
    """A later finding lowers a set star, with its reason and the date it was found."""
    today = today or plausible.today()
    stored = _locked_proposal(proposal)
    star_round = _locked_round(stored.round)
    problems = rules_stars.demotion_problems(
        state=star_round.state,
        current=stored.final,
        new=stars,
        reason=reason,
        found_on=found_on,
        year=star_round.year,
        today=today,
    )
    _refuse(problems)
    before = stored.final
    stored.final = stars
    stored.save(update_fields=["final"])
    StarChange.objects.create(
        proposal=stored,
        step=StarChange.DEMOTED,
        actor=actor,
        from_stars=before,
        to_stars=stars,
        reason=reason.strip(),
        found_on=found_on,
    )
    audit_log(
        actor=actor,
        action="scoring.stars.demoted",
        township_id=star_round.township_id,
        obj=stored,
        data={"stars": [before, stars], "reason": reason.strip(), "found_on": found_on.isoformat()},
    )
    return stored
