"""township.money.dues_for: SCORING.md's dues rate table, band by band (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from township.money import DUES_FIXED_DEFAULT, DUES_FIXED_MAX, DUES_FIXED_MIN, dues_for

FIXED = Decimal("0.50")


@pytest.mark.parametrize(
    ("income", "expected"),
    [
        ("0", "0.00"),
        ("3000", "15.00"),  # the upper limit belongs to the 0.5% band
        ("3000.01", "30.00"),  # one cent past it: 1%
        ("5000", "50.00"),
        ("5000.01", "75.00"),  # 1.5% of 5000.01 = 75.00015
        ("10000", "150.00"),
        ("10000.01", "200.00"),  # 2% of 10000.01 = 200.0002
        ("2999.99", "15.00"),  # 14.99995 rounds half-up
        ("1234.50", "6.17"),  # 6.1725 rounds down below half
        ("1235", "6.18"),  # 6.175 is exactly half a cent: up
    ],
)
def test_employed_members_pay_the_rate_of_their_band(income, expected):
    assert dues_for(Decimal(income), "employed", FIXED) == Decimal(expected)


def test_a_blank_income_kind_reads_as_the_general_table():
    assert dues_for(Decimal("3000.01"), "", FIXED) == Decimal("30.00")


@pytest.mark.parametrize(
    ("income", "expected"),
    [("5000", "25.00"), ("5000.01", "50.00"), ("0", "0.00"), ("12000", "120.00")],
)
def test_retirees_pay_half_a_percent_up_to_5000_and_one_percent_above(income, expected):
    assert dues_for(Decimal(income), "retiree", FIXED) == Decimal(expected)


@pytest.mark.parametrize("kind", ["farmer", "student", "unemployed"])
def test_farmers_students_and_the_unemployed_pay_the_branchs_fixed_amount(kind):
    assert dues_for(Decimal("8000"), kind, Decimal("0.3")) == Decimal("0.30")
    assert dues_for(None, kind, Decimal("1.00")) == Decimal("1.00")


@pytest.mark.parametrize("kind", ["employed", "retiree", ""])
def test_without_an_income_the_amount_is_unknown(kind):
    assert dues_for(None, kind, FIXED) is None


@pytest.mark.parametrize("income", ["-0.01", "NaN", "Infinity"])
def test_a_negative_or_non_finite_income_is_refused(income):
    with pytest.raises(ValueError):
        dues_for(Decimal(income), "employed", FIXED)


def test_the_default_fixed_amount_lies_within_the_bounds():
    assert DUES_FIXED_MIN <= DUES_FIXED_DEFAULT <= DUES_FIXED_MAX
    assert (DUES_FIXED_MIN, DUES_FIXED_MAX) == (Decimal("0.20"), Decimal("1.00"))


incomes = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False)
kinds = st.sampled_from(["employed", "retiree", "", "farmer", "student", "unemployed"])
fixed = st.decimals(min_value=DUES_FIXED_MIN, max_value=DUES_FIXED_MAX, places=2)


@given(income=incomes, kind=kinds, amount=fixed)
def test_dues_are_never_negative_and_have_two_places(income, kind, amount):
    due = dues_for(income, kind, amount)
    assert isinstance(due, Decimal)
    assert due >= 0
    assert due.as_tuple().exponent == -2


@given(a=incomes, b=incomes, kind=kinds, amount=fixed)
def test_dues_grow_with_income_within_a_kind(a, b, kind, amount):
    low, high = sorted((a, b))
    assert dues_for(low, kind, amount) <= dues_for(high, kind, amount)
