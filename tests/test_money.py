"""township/money.py: yuan to cents half-up, and the largest-remainder split (no database)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from township.money import cents_to_yuan, half_up_cents, split_largest_remainder, yuan_to_cents


@pytest.mark.parametrize(
    ("yuan", "cents"),
    [
        ("0.005", 1),  # exactly half a cent goes up
        ("0.00499", 0),  # just under half stays down
        ("0.015", 2),
        ("100000.01", 10000001),
        ("-0.005", -1),  # half-up means away from zero for a loss
        ("-0.004", 0),
        ("12", 1200),
    ],
)
def test_yuan_to_cents_rounds_half_up(yuan, cents):
    assert yuan_to_cents(Decimal(yuan)) == cents


def test_yuan_to_cents_refuses_a_non_finite_amount():
    with pytest.raises(ValueError):
        yuan_to_cents(Decimal("NaN"))


def test_cents_to_yuan_has_two_places():
    assert str(cents_to_yuan(10000001)) == "100000.01"
    assert str(cents_to_yuan(-5)) == "-0.05"


@pytest.mark.parametrize(
    ("cents", "rounded"),
    [
        (Fraction(1, 2), 1),
        (Fraction(49, 100), 0),
        (Fraction(3, 2), 2),
        (Fraction(-1, 2), -1),  # half-up is away from zero, as Decimal's ROUND_HALF_UP
        (Fraction(-49, 100), 0),
        (Fraction(-51, 100), -1),
    ],
)
def test_half_up_cents(cents, rounded):
    assert half_up_cents(cents) == rounded


def test_split_of_one_cent_over_two_equal_weights_goes_to_the_smaller_key():
    assert split_largest_remainder(1, [1, 1], tie_keys=["H002", "H001"]) == [0, 1]


def test_split_without_keys_breaks_ties_by_position():
    assert split_largest_remainder(2, [1, 1, 1]) == [1, 1, 0]


def test_split_gives_leftover_cents_to_the_largest_remainders_first():
    # 11 × 3/10 = 3.3, 11 × 3/10 = 3.3, 11 × 4/10 = 4.4: remainders .3 .3 .4 → the 4.4 first
    assert split_largest_remainder(11, [3, 3, 4]) == [3, 3, 5]


def test_split_refuses_negative_totals_and_empty_weights():
    with pytest.raises(ValueError):
        split_largest_remainder(-1, [1])
    with pytest.raises(ValueError):
        split_largest_remainder(1, [0, 0])
    with pytest.raises(ValueError):
        split_largest_remainder(1, [])
    with pytest.raises(ValueError):
        split_largest_remainder(1, [1, 1], tie_keys=["a"])


weights = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30).filter(
    lambda ws: sum(ws) > 0
)


@given(total=st.integers(min_value=0, max_value=10**12), ws=weights)
def test_split_sums_exactly_and_each_share_is_within_a_cent(total, ws):
    shares = split_largest_remainder(total, ws)
    assert sum(shares) == total
    for share, w in zip(shares, ws, strict=True):
        exact = Fraction(total * w, sum(ws))
        assert exact - 1 < share < exact + 1
        assert share >= 0


@given(total=st.integers(min_value=0, max_value=10**9), n=st.integers(min_value=1, max_value=40))
def test_equal_weights_differ_by_at_most_a_cent_and_the_smaller_keys_get_the_extra(total, n):
    keys = [f"H{i:03d}" for i in range(n)]
    shares = split_largest_remainder(total, [1] * n, tie_keys=list(reversed(keys)))
    assert max(shares) - min(shares) <= 1
    # the keys are reversed: the last positions hold the smallest keys and get the extra cents
    extra = total % n
    assert shares == [total // n] * (n - extra) + [total // n + 1] * extra
