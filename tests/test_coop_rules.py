"""cooperatives/rules.py: dividends, contest prizes and their split, late pairings (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooperatives.rules import (
    HolderStake,
    Ranked,
    award_split,
    contest_prizes,
    dividends,
    progress_due,
    progress_late,
    progress_month_checked,
)


def test_100000_01_yuan_over_seven_equal_holders_sums_exactly():
    holders = [HolderStake(f"H{i:03d}", 10) for i in range(1, 8)]
    result = dividends(profit=Decimal("100000.01"), reserve_ratio=Decimal(0), holders=holders)
    assert result.distributed_cents == 10000001
    # 10000001 / 7 = 1428571.57…: four cents left, to the smallest ids (equal holdings)
    assert list(result.amounts.values()) == [1428572] * 4 + [1428571] * 3
    assert sum(result.amounts.values()) == 10000001


def test_reserve_is_rounded_half_up_and_taken_before_the_split():
    holders = [HolderStake("H001", 1)]
    # 100000.01 × 0.10 = 10000.001 → 10000.00; distributed 90000.01
    result = dividends(profit=Decimal("100000.01"), reserve_ratio=Decimal("0.10"), holders=holders)
    assert (result.reserve_cents, result.distributed_cents) == (1000000, 9000001)
    # 0.05 × 0.5 = 0.025 yuan = 2.5 cents → 3 cents (half-up)
    result = dividends(profit=Decimal("0.05"), reserve_ratio=Decimal("0.5"), holders=holders)
    assert (result.reserve_cents, result.distributed_cents) == (3, 2)


@pytest.mark.parametrize("profit", ["-1234.56", "0", "0.00"])
def test_a_loss_or_zero_profit_distributes_nothing(profit):
    holders = [HolderStake("H001", 3), HolderStake("H002", 1)]
    result = dividends(profit=Decimal(profit), reserve_ratio=Decimal("0.2"), holders=holders)
    assert result.reserve_cents == result.distributed_cents == 0
    assert result.amounts == {"H001": 0, "H002": 0}


def test_one_cent_of_profit_is_distributed():
    holders = [HolderStake("H001", 1), HolderStake("H002", 1)]
    result = dividends(profit=Decimal("0.01"), reserve_ratio=Decimal(0), holders=holders)
    assert result.amounts == {"H001": 1, "H002": 0}


def test_the_largest_remainder_gets_the_left_cent_whatever_the_holding():
    holders = [HolderStake("H001", 1), HolderStake("H002", 3)]
    # 0.03 yuan: exact 0.75 and 2.25 → 0 and 2, one cent left: the remainder .75 wins (H001)
    result = dividends(profit=Decimal("0.03"), reserve_ratio=Decimal(0), holders=holders)
    assert result.amounts == {"H001": 1, "H002": 2}


def test_equal_remainders_prefer_the_larger_holding():
    # 0.05 yuan over 1 + 1 + 2 shares: 1.25, 1.25, 2.5 → 1, 1, 2 and one cent to the .5
    holders = [HolderStake("H001", 1), HolderStake("H002", 1), HolderStake("H003", 2)]
    result = dividends(profit=Decimal("0.05"), reserve_ratio=Decimal(0), holders=holders)
    assert result.amounts == {"H001": 1, "H002": 1, "H003": 3}
    # 0.02 over 1 + 2 + 2 + 1 (6 shares): exact 1/3, 2/3, 2/3, 1/3 → the two-share holders
    holders = [
        HolderStake("H001", 1),
        HolderStake("H004", 2),
        HolderStake("H002", 2),
        HolderStake("H003", 1),
    ]
    result = dividends(profit=Decimal("0.02"), reserve_ratio=Decimal(0), holders=holders)
    assert result.amounts == {"H001": 0, "H004": 1, "H002": 1, "H003": 0}


def test_equal_remainders_and_holdings_go_by_holder_id():
    holders = [HolderStake("H010", 2), HolderStake("H002", 2), HolderStake("H005", 2)]
    result = dividends(profit=Decimal("0.04"), reserve_ratio=Decimal(0), holders=holders)
    assert result.amounts == {"H010": 1, "H002": 2, "H005": 1}


@given(
    profit=st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2),
    ratio=st.decimals(min_value=Decimal(0), max_value=Decimal("0.9999"), places=4),
    shares=st.lists(st.integers(min_value=1, max_value=100_000), min_size=1, max_size=25),
)
def test_dividends_sum_exactly_to_the_distributed_amount(profit, ratio, shares):
    holders = [HolderStake(f"H{i:03d}", s) for i, s in enumerate(shares)]
    result = dividends(profit=profit, reserve_ratio=ratio, holders=holders)
    assert sum(result.amounts.values()) == result.distributed_cents
    if profit > 0:
        assert result.reserve_cents + result.distributed_cents == result.profit_cents
        total = sum(shares)
        for h in holders:
            exact = Fraction(result.distributed_cents * h.shares, total)
            assert exact - 1 < result.amounts[h.code] < exact + 1
    else:
        assert result.distributed_cents == 0


# --- contest ---------------------------------------------------------------------------------

COUNTS = {1: 1, 2: 2, 3: 3}


def ranked(*scores):
    return [Ranked(f"B{i:03d}", Fraction(s)) for i, s in enumerate(scores, start=1)]


def test_prizes_follow_the_ranking_within_the_counts():
    placing = contest_prizes(ranked(95, 90, 85, 80, 75, 70, 65), COUNTS)
    assert placing.tiers == {
        "B001": 1,
        "B002": 2,
        "B003": 2,
        "B004": 3,
        "B005": 3,
        "B006": 3,
        "B007": None,
    }
    assert placing.notes == []


def test_a_tie_that_fits_the_tier_exactly_needs_no_note():
    placing = contest_prizes(ranked(95, 90, 90, 80), COUNTS)
    assert placing.tiers["B002"] == placing.tiers["B003"] == 2
    assert placing.notes == []


def test_a_tie_over_the_first_prize_count_is_promoted_while_the_maximum_allows():
    # one first prize configured, three tied at the top: 3 ≤ the first prize's maximum 3
    placing = contest_prizes(ranked(95, 95, 95, 90), COUNTS)
    assert [placing.tiers[k] for k in ("B001", "B002", "B003", "B004")] == [1, 1, 1, 2]
    assert len(placing.notes) == 1 and placing.notes[0].promoted is True


def test_a_tie_one_past_the_first_prize_maximum_goes_down_to_second():
    # four tied at the top: 4 > 3, so all four drop to second prize (count 2, maximum 6)
    placing = contest_prizes(ranked(95, 95, 95, 95, 90), COUNTS)
    assert [placing.tiers[f"B00{i}"] for i in range(1, 6)] == [2, 2, 2, 2, 3]
    assert [(n.tier, n.promoted) for n in placing.notes] == [(1, False), (2, True)]


def test_a_tie_at_the_second_boundary_exactly_at_the_maximum_is_promoted():
    counts = {1: 1, 2: 5, 3: 3}
    # first 1; then 4 at second (4 used), then 2 tied: 6 ≤ 6 → both second
    placing = contest_prizes(ranked(99, 90, 89, 88, 87, 80, 80, 70), counts)
    assert placing.tiers["B006"] == placing.tiers["B007"] == 2
    assert placing.tiers["B008"] == 3


def test_a_tie_one_past_the_second_maximum_goes_to_third():
    counts = {1: 1, 2: 5, 3: 3}
    # 4 second places used, then 3 tied: 7 > 6 → all three third
    placing = contest_prizes(ranked(99, 90, 89, 88, 87, 80, 80, 80, 70), counts)
    assert [placing.tiers[f"B00{i}"] for i in (6, 7, 8)] == [3, 3, 3]
    assert placing.tiers["B009"] is None  # third's 3 places are taken by the tie


def test_third_prize_has_no_maximum_so_a_tie_there_is_always_promoted():
    placing = contest_prizes(ranked(99, 98, 97, 90, 90, 90, 90), COUNTS)
    assert [placing.tiers[f"B00{i}"] for i in (4, 5, 6, 7)] == [3, 3, 3, 3]
    assert placing.notes[0].promoted is True


def test_award_split_gives_40_percent_to_the_secretary_in_exact_cents():
    shares = award_split(amount=Decimal(30000), secretary="王书记", others=["甲", "乙", "丙"])
    assert shares == [
        ("王书记", "secretary", 1200000),
        ("甲", "member", 600000),
        ("乙", "member", 600000),
        ("丙", "member", 600000),
    ]
    others = ["甲", "乙", "丙", "丁", "戊", "己", "庚"]
    shares = award_split(amount=Decimal(10000), secretary="王书记", others=others)
    cents = [c for _n, _r, c in shares]
    assert sum(cents) == 1000000 and cents[0] == 400000
    # 600000 / 7 = 85714.28…: two cents left, to the first two named
    assert cents[1:] == [85715, 85715, 85714, 85714, 85714, 85714, 85714]


def test_award_without_other_members_goes_to_the_secretary():
    assert award_split(amount=Decimal(20000), secretary="王书记", others=[]) == [
        ("王书记", "secretary", 2000000)
    ]


@given(
    tier=st.sampled_from([Decimal(30000), Decimal(20000), Decimal(10000)]),
    n=st.integers(min_value=0, max_value=30),
)
def test_award_splits_sum_exactly(tier, n):
    shares = award_split(amount=tier, secretary="S", others=[f"M{i}" for i in range(n)])
    assert sum(c for _n, _r, c in shares) == int(tier * 100)
    if n:
        assert shares[0][2] == int(tier * 40)


# --- late pairings ---------------------------------------------------------------------------


def test_progress_of_a_month_is_due_by_the_close_day_of_the_next():
    assert progress_due(month=dt.date(2025, 12, 1), close_day=25) == dt.date(2026, 1, 25)


def test_the_month_checked_changes_the_day_after_the_close_day():
    on_close_day = progress_month_checked(today=dt.date(2026, 3, 25), close_day=25)
    day_after = progress_month_checked(today=dt.date(2026, 3, 26), close_day=25)
    assert (on_close_day, day_after) == (dt.date(2026, 1, 1), dt.date(2026, 2, 1))


def test_a_pairing_without_last_months_entry_is_late_after_the_close_day():
    started = dt.date(2025, 1, 1)
    kw = {"close_day": 25, "started_on": started}
    assert progress_late(today=dt.date(2026, 3, 26), entered_months=set(), **kw) == dt.date(
        2026, 2, 1
    )
    assert (
        progress_late(today=dt.date(2026, 3, 26), entered_months={dt.date(2026, 2, 1)}, **kw)
        is None
    )
    # on the close day itself February is not late yet; January is checked instead
    assert progress_late(
        today=dt.date(2026, 3, 25), entered_months={dt.date(2026, 2, 1)}, **kw
    ) == dt.date(2026, 1, 1)


def test_a_pairing_started_after_the_month_checked_is_not_late():
    kw = {"today": dt.date(2026, 3, 26), "close_day": 25, "entered_months": set()}
    assert progress_late(started_on=dt.date(2026, 3, 1), **kw) is None
    assert progress_late(started_on=dt.date(2026, 2, 28), **kw) == dt.date(2026, 2, 1)
