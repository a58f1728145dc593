"""The star rating's rules as plain functions (scoring/rules_stars.py), no database."""

import datetime as dt

import pytest

from scoring import rules_stars as r

TODAY = dt.date(2026, 11, 30)


# --- opening a round ---------------------------------------------------------------------------


def test_a_past_year_opens_whatever_its_locks():
    assert r.open_problems(year=2025, today=TODAY, locked_months=0) == []


def test_the_running_year_opens_with_all_twelve_months_locked():
    assert r.open_problems(year=2026, today=TODAY, locked_months=12) == []


def test_the_running_year_with_eleven_months_locked_is_refused():
    (problem,) = r.open_problems(year=2026, today=TODAY, locked_months=11)
    assert "11 个月" in problem


def test_a_year_that_has_not_begun_is_refused():
    assert r.open_problems(year=2027, today=TODAY, locked_months=12)


def test_the_year_ends_on_new_years_eve_in_shanghai():
    assert r.open_problems(year=2026, today=dt.date(2026, 12, 31), locked_months=0)
    assert r.open_problems(year=2026, today=dt.date(2027, 1, 1), locked_months=0) == []


# --- transitions -------------------------------------------------------------------------------

ALLOWED = [("review", r.PROPOSED), ("notice", r.REVIEW)]


@pytest.mark.parametrize(("action", "state"), ALLOWED)
def test_each_step_is_allowed_from_its_state(action, state):
    assert r.transition_problems(action=action, state=state, today=TODAY) == []


@pytest.mark.parametrize("action", ["review", "notice", "set"])
@pytest.mark.parametrize("state", r.STATES)
def test_every_step_is_refused_from_any_other_state(action, state):
    if r.TRANSITIONS[action][0] == state:
        return
    (problem,) = r.transition_problems(
        action=action, state=state, today=TODAY, notice_ends=TODAY - dt.timedelta(days=10)
    )
    assert r.state_label(state) in problem


def test_an_unknown_step_is_refused():
    assert r.transition_problems(action="raise", state=r.PROPOSED, today=TODAY)


def test_the_notice_lasts_five_days_counting_the_first():
    assert r.notice_end(dt.date(2026, 11, 30)) == dt.date(2026, 12, 4)
    assert r.notice_end(dt.date(2028, 2, 27)) == dt.date(2028, 3, 2)  # over a leap day


def test_setting_the_stars_on_the_last_notice_day_is_refused():
    end = r.notice_end(dt.date(2026, 12, 1))
    (problem,) = r.transition_problems(action="set", state=r.NOTICE, today=end, notice_ends=end)
    assert "2026-12-05" in problem and "2026-12-06" in problem


def test_setting_the_stars_the_day_after_the_notice_is_allowed():
    end = r.notice_end(dt.date(2026, 12, 1))
    after = end + dt.timedelta(days=1)
    assert r.transition_problems(action="set", state=r.NOTICE, today=after, notice_ends=end) == []


# --- stars and reasons -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 3])
def test_stars_from_zero_to_three_are_accepted(value):
    assert r.stars_problems(value) == []


@pytest.mark.parametrize("value", [-1, 4, 10**30, "2", 2.0, True, None])
def test_stars_outside_zero_to_three_or_not_whole_numbers_are_refused(value):
    assert r.stars_problems(value)


def test_a_review_needs_a_reason():
    assert r.review_problems(state=r.REVIEW, current=2, new=3, reason="  ") == ["请填写理由。"]


def test_a_review_with_a_reason_changes_the_stars():
    assert r.review_problems(state=r.REVIEW, current=2, new=3, reason="群众评议好") == []


def test_a_review_to_the_same_stars_is_refused():
    assert r.review_problems(state=r.REVIEW, current=2, new=2, reason="x")


def test_a_review_outside_the_review_is_refused():
    assert r.review_problems(state=r.PROPOSED, current=2, new=3, reason="x")
    assert r.review_problems(state=r.NOTICE, current=2, new=3, reason="x")


def test_a_reason_of_exactly_the_limit_is_accepted_and_one_more_refused():
    assert r.reason_problems("理" * r.REASON_MAX) == []
    assert r.reason_problems("理" * (r.REASON_MAX + 1))


def test_the_self_assessment_is_open_only_while_proposed():
    assert r.self_assessment_problems(state=r.PROPOSED, text="好") == []
    assert r.self_assessment_problems(state=r.REVIEW, text="好")


def test_a_self_assessment_of_exactly_the_limit_is_accepted_and_one_more_refused():
    assert r.self_assessment_problems(state=r.PROPOSED, text="字" * r.TEXT_MAX) == []
    assert r.self_assessment_problems(state=r.PROPOSED, text="字" * (r.TEXT_MAX + 1))


# --- demotion ----------------------------------------------------------------------------------


def demote(**kw):
    args = {
        "state": r.SET,
        "current": 3,
        "new": 2,
        "reason": "发现党费未按时交纳",
        "found_on": TODAY,
        "year": 2025,
        "today": TODAY,
    }
    return r.demotion_problems(**{**args, **kw})


def test_a_demotion_lowers_a_set_star_with_its_reason():
    assert demote() == []
    assert demote(new=0) == []


def test_a_demotion_never_raises_a_star():
    assert "只能降低" in demote(new=3)[0]
    assert demote(current=2, new=3)


def test_a_demotion_needs_a_reason():
    assert demote(reason="") == ["请填写理由。"]


def test_a_demotion_needs_the_finding_date():
    assert demote(found_on=None)


def test_a_finding_dated_today_is_accepted_and_tomorrow_refused():
    assert demote(found_on=TODAY) == []
    assert demote(found_on=TODAY + dt.timedelta(days=1))


def test_a_finding_on_the_first_day_of_the_year_is_accepted_and_the_day_before_refused():
    assert demote(found_on=dt.date(2025, 1, 1)) == []
    assert demote(found_on=dt.date(2024, 12, 31))


def test_a_demotion_before_the_stars_are_set_is_refused():
    assert demote(state=r.NOTICE)
    assert demote(current=None)


def test_a_demotion_below_zero_is_refused():
    assert demote(current=1, new=-1)
