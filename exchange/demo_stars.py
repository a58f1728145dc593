"""The demo township's star rating (星级评定), added by `seed_demo` after the year is closed:
last year's round set, with one proposal changed in the review and one star lowered after a
later finding; this year's round not started (the office opens it once December is locked).

The demo holds no records of last year, so last year's proposals carry the figures the branches
and members earn this year, as a stand-in; the steps after the opening go through the services
(history rows and audit entries as in real use), dated in the first weeks of this year.
"""

from __future__ import annotations

import datetime as dt

from branches.models import Township
from scoring import services, services_stars
from scoring.models import (
    BranchYearScore,
    MemberYearScore,
    StarChange,
    StarProposal,
    StarRound,
)
from township.models import User


def seed_stars(builder, township: Township) -> dict[str, int]:
    year = builder.year - 1
    office = User.objects.filter(role="office", township=township).order_by("pk").first()
    services.year_ensure(township=township, year=builder.year)
    star_round = StarRound.objects.create(
        township=township, year=year, state="proposed", opened_by=office
    )
    proposals = [
        StarProposal(
            round=star_round, kind="branch", branch_id=b, annual=score, computed=n, stars=n
        )
        for b, score, n in BranchYearScore.objects.filter(
            branch__township=township, branch__ranked=True, year=builder.year, stars__isnull=False
        )
        .order_by("branch__code")
        .values_list("branch_id", "score", "stars")
    ] + [
        StarProposal(
            round=star_round,
            kind="member",
            branch_id=b,
            member_id=m,
            annual=annual,
            computed=n,
            stars=n,
        )
        for m, b, annual, n in MemberYearScore.objects.filter(
            member__township=township,
            member__rating_exempt=False,
            year=builder.year,
            stars__isnull=False,
        )
        .order_by("branch__code", "member__code")
        .values_list("member_id", "branch_id", "annual", "stars")
    ]
    StarProposal.objects.bulk_create(proposals)
    StarChange.objects.bulk_create(
        StarChange(proposal=p, step="proposed", actor=office, to_stars=p.stars) for p in proposals
    )
    branches = [p for p in proposals if p.kind == "branch"]
    if branches:
        first = branches[0]
        first.branch_note = "全年三会一课按时开展，主题党日“4+X”规范，党员联户走访全覆盖。"
        first.save(update_fields=["branch_note"])
    first_day = dt.date(builder.year, 1, 1)

    def on(day: dt.date) -> dt.date:
        return builder.past(day)

    services_stars.star_round_advance(
        actor=office, star_round=star_round, action="review", today=on(first_day)
    )
    raised = next((p for p in branches if p.stars < 3), None)
    if raised is not None:
        services_stars.star_proposal_review(
            actor=office,
            proposal=raised,
            stars=raised.stars + 1,
            reason="村集体经济增收明显，群众评议满意度高",
        )
    start = on(first_day + dt.timedelta(days=4))
    services_stars.star_round_advance(
        actor=office, star_round=star_round, action="notice", today=start
    )
    set_on = start + dt.timedelta(days=5)
    if set_on > builder.yesterday:
        return {"star proposals": len(proposals)}  # too early in the year to have set them
    services_stars.star_round_advance(
        actor=office, star_round=star_round, action="set", today=set_on
    )
    demoted = next((p for p in proposals if p.kind == "member" and (p.stars or 0) > 0), None)
    if demoted is not None:
        demoted.refresh_from_db()
        found = on(set_on + dt.timedelta(days=30))
        services_stars.star_demote(
            actor=office,
            proposal=demoted,
            stars=demoted.final - 1,
            reason="巡察发现该党员连续三个月未参加组织生活、未按时交纳党费",
            found_on=found,
            today=found,
        )
    return {"star proposals": len(proposals)}
