"""The alliances' rules as plain functions: no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from alliances import rules

D = dt.date(2026, 3, 10)
DAY = dt.timedelta(days=1)


def test_a_wish_may_be_claimed_the_day_it_was_raised():
    assert rules.wish_claim_problem(raised_on=D, claimed_on=D) is None


def test_a_wish_claimed_one_day_before_it_was_raised_is_refused():
    problem = rules.wish_claim_problem(raised_on=D, claimed_on=D - DAY)
    assert problem == "认领日期 2026-03-09 早于心愿提出日期 2026-03-10。"


def test_a_wish_may_be_fulfilled_the_day_it_was_claimed():
    assert rules.wish_fulfil_problem(claimed_on=D, fulfilled_on=D) is None


def test_a_wish_fulfilled_one_day_before_its_claim_is_refused():
    problem = rules.wish_fulfil_problem(claimed_on=D, fulfilled_on=D - DAY)
    assert problem == "实现日期 2026-03-09 早于认领日期 2026-03-10。"


def test_an_unclaimed_wish_cannot_be_fulfilled():
    assert rules.wish_fulfil_problem(claimed_on=None, fulfilled_on=D) == (
        "心愿尚未认领，不能登记实现。"
    )


def test_fulfilment_needs_evidence_that_is_not_blank():
    assert rules.evidence_problem("  ") is not None
    assert rules.evidence_problem("") is not None
    assert rules.evidence_problem("已修复，村民签字确认") is None


@pytest.mark.parametrize(
    ("claimed_on", "fulfilled_on", "state"),
    [(None, None, "open"), (D, None, "claimed"), (D, D, "fulfilled")],
)
def test_the_state_follows_the_dates(claimed_on, fulfilled_on, state):
    assert rules.wish_state(claimed_on=claimed_on, fulfilled_on=fulfilled_on) == state


def test_no_cycle_in_a_tree_of_parents():
    assert rules.parent_cycles({"AL1": None, "AL2": "AL1", "AL3": "AL1", "AL4": "AL2"}) == []


def test_a_cycle_of_parents_names_every_alliance_on_it_but_not_those_hanging_from_it():
    parents = {"AL1": "AL3", "AL2": "AL1", "AL3": "AL2", "AL4": "AL3", "AL5": None}
    assert rules.parent_cycles(parents) == ["AL1", "AL2", "AL3"]


def test_an_alliance_that_is_its_own_parent_is_a_cycle():
    assert rules.parent_cycles({"AL1": "AL1"}) == ["AL1"]


def test_an_unknown_parent_ends_the_chain_without_a_cycle():
    assert rules.parent_cycles({"AL1": "AL9"}) == []


def test_the_core_alliance_has_no_parent():
    assert rules.parent_problem(kind="core", parent_kind="core") is not None
    assert rules.parent_problem(kind="core", parent_kind=None) is None
    assert rules.parent_problem(kind="red", parent_kind="core") is None


def test_an_item_due_today_is_not_yet_overdue():
    assert not rules.is_overdue(due_on=D, done_on=None, on=D)


def test_an_item_due_yesterday_and_not_done_is_overdue():
    assert rules.is_overdue(due_on=D - DAY, done_on=None, on=D)


def test_an_item_done_late_is_overdue_only_until_it_is_done():
    assert rules.is_overdue(due_on=D - DAY, done_on=D + DAY, on=D)
    assert not rules.is_overdue(due_on=D - DAY, done_on=D, on=D)


@pytest.mark.parametrize(
    ("score", "stars"),
    [
        ("100", 3),
        ("90", 3),
        ("89.99", 2),
        ("80", 2),
        ("79.99", 1),
        ("60", 1),
        ("59.99", 0),
        ("0", 0),
    ],
)
def test_stars_use_the_branch_thresholds_at_each_boundary(score, stars):
    assert rules.stars(Decimal(score)) == stars


def test_no_score_no_stars():
    assert rules.stars(None) is None


def test_contest_ranking_shares_a_rank_on_a_tie_and_skips_the_next():
    ranked = rules.contest_ranking(
        {"AL1": Decimal("95"), "AL2": Decimal("88"), "AL3": Decimal("88"), "AL4": Decimal("70")}
    )
    assert [(r.key, r.rank) for r in ranked] == [("AL1", 1), ("AL2", 2), ("AL3", 2), ("AL4", 4)]
    assert ranked[1].tied == ("AL3",) and ranked[0].tied == ()


def test_a_tie_is_explained_with_the_other_alliances_names():
    ranked = rules.contest_ranking({"AL2": Decimal("88"), "AL3": Decimal("88")})
    note = rules.tie_note(ranked[0], {"AL2": "红色联盟", "AL3": "绿色联盟"})
    assert note == "与绿色联盟同分，并列第 1 名；下一名次顺延。"
    assert rules.tie_note(rules.contest_ranking({"AL1": Decimal(1)})[0], {}) == ""


def test_quarter_bounds():
    assert rules.quarter_bounds(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert rules.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_percent_rounds_half_up_and_is_none_without_items():
    assert rules.percent(1, 3) == Decimal("33.3")
    assert rules.percent(2, 3) == Decimal("66.7")
    assert rules.percent(0, 0) is None
