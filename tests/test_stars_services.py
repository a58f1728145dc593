"""The star rating's services: each step writes its history and audit entry in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from scoring import rules_stars
from scoring import services_stars as s
from scoring.models import StarChange, StarProposal, StarRound
from tests import factories as f
from township.errors import ApplicationError
from township.models import AuditLog

YEAR = 2025
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def opened(cast):
    f.member(branch=cast.b1, name="免评党员", rating_exempt=True)
    f.branch(township=cast.t1, name="机关党支部", ranked=False)
    return s.star_round_open(actor=cast.office, township=cast.t1, year=YEAR, today=TODAY)


def proposal(star_round, *, member=None, branch=None) -> StarProposal:
    if member is not None:
        return star_round.proposals.get(member=member)
    return star_round.proposals.get(kind="branch", branch=branch)


def to_review(cast, star_round):
    return s.star_round_advance(actor=cast.office, star_round=star_round, action="review")


def to_notice(cast, star_round, start=TODAY):
    to_review(cast, star_round)
    return s.star_round_advance(
        actor=cast.office, star_round=star_round, action="notice", today=start
    )


def to_set(cast, star_round):
    to_notice(cast, star_round)
    return s.star_round_advance(
        actor=cast.office, star_round=star_round, action="set", today=TODAY + dt.timedelta(days=5)
    )


def test_opening_proposes_the_computed_stars_of_ranked_branches_and_rated_members(cast, opened):
    rows = opened.proposals.select_related("branch", "member")
    branches = {p.branch.name for p in rows if p.kind == "branch"}
    members = {p.member.name for p in rows if p.kind == "member"}
    assert branches == {"东李庄党支部", "西王村党支部"}  # not the unranked 机关党支部, not T2's
    assert members == {"张伟"}  # not the rating-exempt member
    assert all(p.stars == p.computed and p.final is None for p in rows)
    assert opened.state == rules_stars.PROPOSED
    history = StarChange.objects.filter(proposal__round=opened)
    assert history.count() == rows.count()
    assert {c.step for c in history} == {"proposed"}
    entry = AuditLog.objects.get(action="scoring.stars.opened")
    assert entry.data == {"year": YEAR, "branches": 2, "members": 1}


def test_opening_twice_is_refused(cast, opened):
    with pytest.raises(ApplicationError, match="已经启动"):
        s.star_round_open(actor=cast.office, township=cast.t1, year=YEAR, today=TODAY)


def test_opening_the_running_year_before_its_months_are_locked_is_refused(cast):
    with pytest.raises(ApplicationError, match="12 个月"):
        s.star_round_open(actor=cast.office, township=cast.t1, year=2026, today=TODAY)
    assert not StarRound.objects.exists()


def test_the_secretary_writes_the_branchs_self_assessment_while_proposed(cast, opened):
    p = proposal(opened, branch=cast.b1)
    s.star_branch_note(actor=cast.secretary, proposal=p, text="全年三会一课规范")
    p.refresh_from_db()
    assert p.branch_note == "全年三会一课规范"
    entry = AuditLog.objects.get(action="scoring.stars.self_assessed")
    assert entry.data["changes"] == {"branch_note": ["", "全年三会一课规范"]}


def test_the_self_assessment_closes_with_the_review(cast, opened):
    to_review(cast, opened)
    with pytest.raises(ApplicationError, match="自评已结束"):
        s.star_branch_note(
            actor=cast.secretary, proposal=proposal(opened, branch=cast.b1), text="x"
        )


def test_the_office_changes_a_proposal_with_a_reason_and_keeps_the_history(cast, opened):
    to_review(cast, opened)
    p = proposal(opened, branch=cast.b1)
    new = 3 if p.stars != 3 else 2
    s.star_proposal_review(actor=cast.office, proposal=p, stars=new, reason="群众评议突出")
    p.refresh_from_db()
    assert p.stars == new and p.computed != new
    change = p.changes.get(step="reviewed")
    assert (change.from_stars, change.to_stars, change.reason, change.actor) == (
        p.computed,
        new,
        "群众评议突出",
        cast.office,
    )
    assert AuditLog.objects.get(action="scoring.stars.reviewed").data["stars"] == [p.computed, new]


def test_a_review_without_a_reason_changes_nothing(cast, opened):
    to_review(cast, opened)
    p = proposal(opened, branch=cast.b1)
    with pytest.raises(ApplicationError, match="理由"):
        s.star_proposal_review(actor=cast.office, proposal=p, stars=(p.stars + 1) % 4, reason="")
    assert not p.changes.filter(step="reviewed").exists()
    assert not AuditLog.objects.filter(action="scoring.stars.reviewed").exists()


def test_the_notice_runs_five_days_from_its_start(cast, opened):
    to_notice(cast, opened, start=dt.date(2026, 3, 2))
    opened.refresh_from_db()
    assert (opened.notice_start, opened.notice_end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 6))
    assert AuditLog.objects.get(action="scoring.stars.notice").data["notice"] == [
        "2026-03-02",
        "2026-03-06",
    ]


def test_setting_on_the_last_notice_day_is_refused_and_the_day_after_sets_every_star(cast, opened):
    to_notice(cast, opened, start=dt.date(2026, 3, 2))
    with pytest.raises(ApplicationError, match="公示期"):
        s.star_round_advance(
            actor=cast.office, star_round=opened, action="set", today=dt.date(2026, 3, 6)
        )
    s.star_round_advance(
        actor=cast.office, star_round=opened, action="set", today=dt.date(2026, 3, 7)
    )
    opened.refresh_from_db()
    assert opened.state == rules_stars.SET and opened.set_on == dt.date(2026, 3, 7)
    assert all(p.final == p.stars for p in opened.proposals.all())
    assert StarChange.objects.filter(proposal__round=opened, step="set").count() == 3


def test_a_demotion_lowers_a_set_star_with_its_reason_and_finding_date(cast, opened):
    to_set(cast, opened)
    p = proposal(opened, member=cast.m1)
    if p.final == 0:  # the cast has no records: give the member a star to lose
        StarProposal.objects.filter(pk=p.pk).update(final=2)
        p.refresh_from_db()
    before = p.final
    s.star_demote(
        actor=cast.office,
        proposal=p,
        stars=before - 1,
        reason="发现连续三个月未交党费",
        found_on=TODAY,
        today=TODAY,
    )
    p.refresh_from_db()
    assert p.final == before - 1
    change = p.changes.get(step="demoted")
    assert (change.from_stars, change.to_stars, change.found_on) == (before, before - 1, TODAY)
    assert AuditLog.objects.get(action="scoring.stars.demoted").data["found_on"] == "2026-03-01"


def test_a_demotion_that_would_keep_or_raise_the_star_is_refused(cast, opened):
    to_set(cast, opened)
    p = proposal(opened, member=cast.m1)
    with pytest.raises(ApplicationError, match="只能降低"):
        s.star_demote(
            actor=cast.office, proposal=p, stars=p.final, reason="x", found_on=TODAY, today=TODAY
        )
    assert not p.changes.filter(step="demoted").exists()


def test_a_failing_audit_write_leaves_no_change_behind(cast, opened, monkeypatch):
    """The history row, the stars and the audit entry go together or not at all."""
    to_review(cast, opened)
    p = proposal(opened, branch=cast.b1)
    before = p.stars

    def broken(**kwargs):
        raise IntegrityError("audit refused")

    monkeypatch.setattr(s, "audit_log", broken)
    with pytest.raises(IntegrityError), transaction.atomic():
        s.star_proposal_review(actor=cast.office, proposal=p, stars=(before + 1) % 4, reason="x")
    p.refresh_from_db()
    assert p.stars == before
    assert not p.changes.filter(step="reviewed").exists()


def test_the_database_refuses_a_demotion_row_that_raises(cast, opened):
    p = proposal(opened, branch=cast.b1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StarChange.objects.create(
            proposal=p, step="demoted", from_stars=1, to_stars=2, reason="x", found_on=TODAY
        )


def test_the_database_refuses_stars_above_three(cast, opened):
    with pytest.raises(IntegrityError), transaction.atomic():
        StarProposal.objects.filter(round=opened).update(stars=4)


def test_the_star_board_prints_the_set_stars_and_says_so(cast, opened):
    from tests.test_reports import build

    board = build("star_board", cast.t1, str(YEAR))
    b1_row = next(r for r in board.tables[0].rows if r[1] == cast.b1.code)
    assert b1_row[-1] == "计算"  # the round is not set yet
    to_set(cast, opened)
    p = proposal(opened, member=cast.m1)
    StarProposal.objects.filter(pk=p.pk).update(final=3)  # as after a review to 3 stars
    s.star_demote(actor=cast.office, proposal=p, stars=1, reason="x", found_on=TODAY, today=TODAY)
    board = build("star_board", cast.t1, str(YEAR))
    b1_row = next(r for r in board.tables[0].rows if r[1] == cast.b1.code)
    m1_row = next(r for r in board.tables[1].rows if r[2] == cast.m1.code)
    assert b1_row[-1] == "评定"
    assert (m1_row[5], m1_row[-1]) == (build_stars(1), "评定")


def build_stars(n: int) -> str:
    from scoring.reports import STAR_TEXT

    return STAR_TEXT[n]
