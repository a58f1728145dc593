"""The scoring rules of SCORING.md, tested as plain functions (no database)."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import engine
from scoring.engine import BranchMonth, MemberMonth

MARCH = dt.date(2026, 3, 1)
D = Decimal


def test_worked_example_scores_83_19():
    march = BranchMonth(
        month=MARCH,
        has_groups=True,
        themed_days=1,
        actions=frozenset({"study", "dues", "oath"}),
        committee=1,
        group=1,
        general_in_quarter=1,
        lecture_in_quarter=0,
        present=35,
        absent=5,
        has_development=True,
        overdue_probationary=False,
        liable=20,
        paid=19,
    )
    result = engine.fortress_month(march)
    assert result.earned == Fraction("74.875")
    assert result.possible == 90
    assert result.index == D("83.19")
    assert result.items == {
        "F1": D("8.00"),
        "F2": D("9.00"),
        "F3": D("10.00"),
        "F4": D("10.00"),
        "F5": D("10.00"),
        "F6": D("0.00"),
        "F7": D("13.13"),
        "F8": D("10.00"),
        "F9": D("4.75"),
    }


def test_quarter_items_are_not_applicable_outside_quarter_end_months():
    feb = engine.fortress_month(BranchMonth(month=dt.date(2026, 2, 1), general_in_quarter=1))
    assert "F5" not in feb.items and "F6" not in feb.items


def test_actions_count_only_on_a_themed_day():
    alone = BranchMonth(month=MARCH, themed_days=0, actions=frozenset({"study", "oath"}))
    held = BranchMonth(month=MARCH, themed_days=1, actions=frozenset({"study", "oath"}))
    assert engine.fortress_month(alone).items["F2"] == D("0.00")
    assert engine.fortress_month(held).items["F2"] == D("6.00")


def test_a_scheme_without_branch_items_gives_no_fortress_index():
    only_members = engine.Weights({"P1": D(50), "P2": D(25), "P3": D(25)})
    result = engine.fortress_month(BranchMonth(month=MARCH, themed_days=1), only_members)
    assert (result.index, result.items, result.possible) == (None, {}, 0)


def test_groups_item_is_not_applicable_without_groups():
    result = engine.fortress_month(BranchMonth(month=MARCH, has_groups=False, group=3))
    assert "F4" not in result.items


def test_dues_item_is_not_applicable_when_nobody_is_liable():
    assert "F9" not in engine.fortress_month(BranchMonth(month=MARCH, liable=0)).items


def test_attendance_item_is_zero_without_member_meetings():
    assert engine.fortress_month(BranchMonth(month=MARCH)).items["F7"] == D("0.00")


def test_office_score_counts_only_when_entered():
    without = engine.fortress_month(BranchMonth(month=MARCH))
    with_score = engine.fortress_month(BranchMonth(month=MARCH, office_points=D("7")))
    assert "F10" not in without.items
    assert with_score.items["F10"] == D("7.00")
    assert with_score.possible == without.possible + 10


def test_development_item_gives_half_for_each_condition():
    both_bad = BranchMonth(month=MARCH, has_development=False, overdue_probationary=True)
    assert engine.fortress_month(both_bad).items["F8"] == D("0.00")
    assert engine.fortress_month(BranchMonth(month=MARCH)).items["F8"] == D("5.00")


def test_scheme_weights_change_points_and_switch_items_off():
    points = {**engine.DEFAULT_WEIGHTS.points, "F1": D("20")}
    del points["F3"]  # an item missing from the scheme is switched off
    weights = engine.Weights(points)
    result = engine.fortress_month(BranchMonth(month=MARCH, themed_days=1), weights)
    assert result.items["F1"] == D("20.00")
    assert "F3" not in result.items


@pytest.mark.parametrize(
    ("value", "published"),
    [
        (Fraction(83185, 1000), D("83.19")),
        (Fraction(13125, 1000), D("13.13")),
        (Fraction(-1, 200), D("-0.01")),
        (Fraction(1, 3) * 100, D("33.33")),
        (Fraction(2, 3) * 100, D("66.67")),
        (D("0.005"), D("0.01")),
        (D("0.004999"), D("0.00")),
    ],
)
def test_publish_rounds_half_up_to_two_decimals(value, published):
    assert engine.publish(value) == published


def test_mean_is_taken_over_published_values_and_rounded_again():
    assert engine.mean_published([D("83.19"), D("14.29"), None, D("35.71")]) == D("44.40")
    assert engine.mean_published([None, None]) is None


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.decimals(min_value=0, max_value=100, places=2),
            st.decimals(min_value=0, max_value=100, allow_nan=False, places=70),
            st.fractions(min_value=0, max_value=100, max_denominator=10**6),
        ),
        max_size=14,
    )
)
def test_mean_is_exact_whatever_the_numbers(values):
    present = [Fraction(v) for v in values if v is not None]
    expected = engine.publish(sum(present, Fraction(0)) / len(present)) if present else None
    assert engine.mean_published(values) == expected


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), max_size=40))
def test_a_mean_from_a_databases_sum_is_the_mean_of_the_values(values):
    assert engine.mean_from_total(sum(values, Decimal(0)), len(values)) == (
        engine.mean_published(values)
    )


def test_a_mean_from_a_sum_rounds_half_up_at_exactly_half_a_cent():
    assert engine.mean_from_total(Decimal("160.01"), 2) == Decimal("80.01")  # 80.005
    assert engine.mean_from_total(Decimal("160.00"), 2) == Decimal("80.00")
    assert engine.mean_from_total(Decimal("0"), 0) is None


# --- member pioneer index ------------------------------------------------------------------------


def test_member_with_full_marks_and_bonus_is_clamped_to_100():
    m = MemberMonth(
        present=3, absent=0, paid=True, has_households=True, visited=True, adjustment=D(5)
    )
    assert engine.pioneer_month(m).index == D("100.00")


def test_member_penalty_is_added_after_the_ratio_and_clamped_at_zero():
    m = MemberMonth(present=0, absent=2, paid=False, has_households=False, adjustment=D(-20))
    assert engine.pioneer_month(m).index == D("0.00")
    m = MemberMonth(present=2, absent=1, paid=True, has_households=False, adjustment=D(-10))
    # (50 × 2/3 + 25) / 75 × 100 = 77.777… → 77.78 − 10 = 67.78
    assert engine.pioneer_month(m).index == D("67.78")


def test_member_month_without_applicable_items_has_no_index_whatever_the_adjustment():
    m = MemberMonth(dues_exempt=True, has_households=False, adjustment=D(10))
    assert engine.pioneer_month(m).index is None


def test_member_attendance_ratio_is_present_over_present_plus_absent():
    m = MemberMonth(present=1, absent=1, dues_exempt=True)
    assert engine.pioneer_month(m).index == D("50.00")


# --- ranks, bottom lists, stars -------------------------------------------------------------------


def test_competition_ranking_shares_ranks_and_skips():
    ranks = engine.competition_ranks({"A": D(90), "B": D(80), "C": D(80), "D": D(70)})
    assert ranks == {"A": 1, "B": 2, "C": 2, "D": 4}


def test_bottom_three_lists_every_tie_at_the_boundary():
    scores = {"A": D(90), "B": D(60), "C": D(50), "D": D(60), "E": D(40)}
    assert engine.bottom_list(scores) == ["B", "C", "D", "E"]


def test_bottom_list_of_two_ranked_branches_lists_both():
    assert engine.bottom_list({"A": D(90), "B": D(60)}) == ["A", "B"]


@pytest.mark.parametrize(("scores", "k"), [({"A": D(90)}, 0), ({"A": D(90)}, -1), ({}, 3)])
def test_lowest_k_lists_nobody_when_k_is_not_positive_or_there_are_no_scores(scores, k):
    assert engine.lowest_k_with_ties(scores, k) == []


def test_township_year_gathers_each_quarters_bottom_list_and_the_weak_and_lax_list():
    def branch(code, index, ranked=True):
        return engine.BranchYearInput(code, ranked, dict.fromkeys(engine.year_months(2026), index))

    branches = [branch(f"B{i}", D(50 + 10 * i)) for i in range(5)] + [branch("X", D(1), False)]
    result = engine.township_year(branches, 2026)
    assert result.bottom == {q: ["B0", "B1", "B2"] for q in range(1, 5)}
    assert result.weak_and_lax == ["B0"]  # ceil(10 % of 5 ranked branches) = 1
    assert result.branches["B0"].weak_and_lax and not result.branches["X"].weak_and_lax


def test_weak_and_lax_takes_ceil_of_ten_percent():
    scores = {f"B{i:02d}": D(50 + i) for i in range(11)}  # 11 branches → k = 2
    assert engine.weak_and_lax(scores) == ["B00", "B01"]
    assert engine.weak_and_lax({}) == []


@pytest.mark.parametrize(
    ("score", "stars"),
    [(D("90.00"), 3), (D("89.99"), 2), (D("80"), 2), (D("60"), 1), (D("59.99"), 0), (None, None)],
)
def test_star_thresholds(score, stars):
    assert engine.stars_for(score) == stars


def test_annual_score_averages_fortress_mean_with_target():
    assert engine.annual_branch_score(D("79.50"), D("92")) == D("85.75")
    assert engine.annual_branch_score(D("79.50"), None) == D("79.50")


def test_rating_exempt_member_gets_no_stars_and_no_unqualified_flag():
    r = engine.member_year([D("40")], rating_exempt=True)
    assert (r.annual, r.stars, r.unqualified) == (D("40.00"), None, False)
    r = engine.member_year([D("40"), None], rating_exempt=False)
    assert (r.stars, r.unqualified) == (0, True)


@pytest.mark.parametrize(
    ("months", "stars", "unqualified"),
    [
        ([D("60.00")], 1, False),
        ([D("59.99")], 0, True),
        ([D("60.00"), D("59.99")], 1, False),  # the mean 59.995 is published as 60.00
        ([D("60.00"), D("59.98")], 0, True),
    ],
)
def test_a_member_is_unqualified_below_60_and_qualified_at_exactly_60(months, stars, unqualified):
    r = engine.member_year(months, rating_exempt=False)
    assert (r.stars, r.unqualified) == (stars, unqualified)


def test_a_member_year_without_any_index_has_no_stars_and_is_not_unqualified():
    r = engine.member_year([None, None], rating_exempt=False)
    assert (r.annual, r.stars, r.unqualified) == (None, None, False)


def test_roster_rule_uses_branch_since_and_left_on():
    end = dt.date(2026, 3, 31)
    assert engine.on_roster(branch_since=None, left_on=None, at=end)
    assert engine.on_roster(branch_since=end, left_on=None, at=end)
    assert not engine.on_roster(branch_since=dt.date(2026, 4, 1), left_on=None, at=end)
    assert not engine.on_roster(branch_since=None, left_on=end, at=end)
    assert engine.on_roster(branch_since=None, left_on=dt.date(2026, 4, 1), at=end)


# --- properties ------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=60)
months = st.sampled_from(engine.year_months(2026))
branch_months = st.builds(
    BranchMonth,
    month=months,
    has_groups=st.booleans(),
    themed_days=st.integers(0, 3),
    actions=st.frozensets(st.sampled_from(engine.THEMED_DAY_ACTIONS)),
    committee=st.integers(0, 3),
    group=st.integers(0, 3),
    general_in_quarter=st.integers(0, 3),
    lecture_in_quarter=st.integers(0, 3),
    present=counts,
    absent=counts,
    has_development=st.booleans(),
    overdue_probationary=st.booleans(),
    liable=st.integers(0, 40),
    paid=st.integers(0, 40),
    office_points=st.one_of(st.none(), st.decimals(0, 10, places=2)),
).filter(lambda b: b.paid <= b.liable)


@given(branch_months)
def test_fortress_index_stays_between_0_and_100(b):
    index = engine.fortress_month(b).index
    assert D(0) <= index <= D(100)


@given(branch_months, st.sampled_from(["general", "committee", "group", "lecture", "themed_day"]))
def test_adding_a_meeting_never_lowers_items_f1_to_f6(b, meeting_type):
    field = {
        "general": "general_in_quarter",
        "lecture": "lecture_in_quarter",
        "themed_day": "themed_days",
        "committee": "committee",
        "group": "group",
    }[meeting_type]
    more = BranchMonth(**{**b.__dict__, field: getattr(b, field) + 1})
    before, after = engine.fortress_month(b).items, engine.fortress_month(more).items
    for code in ("F1", "F2", "F3", "F4", "F5", "F6"):
        if code in before:
            assert after[code] >= before[code]


@given(
    st.builds(
        MemberMonth,
        present=counts,
        absent=counts,
        dues_exempt=st.booleans(),
        paid=st.booleans(),
        has_households=st.booleans(),
        visited=st.booleans(),
        adjustment=st.decimals(-50, 50, places=0),
    )
)
def test_pioneer_index_stays_between_0_and_100_or_is_null(m):
    index = engine.pioneer_month(m).index
    assert index is None or D(0) <= index <= D(100)


scores = st.dictionaries(
    st.text("ABCDEFGH", min_size=1, max_size=3), st.decimals(0, 100, places=2), max_size=15
)


@given(scores)
def test_ranks_are_a_competition_ranking_of_the_scores(s):
    ranks = engine.competition_ranks(s)
    for key, score in s.items():
        assert ranks[key] == 1 + sum(1 for other in s.values() if other > score)


@given(scores)
def test_bottom_list_is_non_empty_whenever_there_are_ranked_branches(s):
    bottom = engine.bottom_list(s)
    assert bool(bottom) == bool(s)
    assert len(bottom) >= min(3, len(s))
    if bottom:
        worst_listed = max(s[k] for k in bottom)
        assert all(s[k] > worst_listed for k in s if k not in bottom)
