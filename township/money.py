"""Money arithmetic: the one module that turns yuan into cents and splits an amount exactly.

Plain functions over plain values, no ORM. Amounts are carried as integer cents (`int`) so that
a split sums exactly; yuan appear only at the edges (`Decimal` with two places).

SCORING.md: every split is in cents and sums exactly to the amount, by largest remainder —
each share is first floored to the cent, then the cents left over go one each to the largest
remainders; the caller decides the order among equal remainders with a key (for dividends: the
larger holding first, then the holder id).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def yuan_to_cents(amount: Decimal | int | str) -> int:
    """Yuan as integer cents, rounded half-up to the cent (half a cent goes away from zero)."""
    value = Decimal(amount) if not isinstance(amount, Decimal) else amount
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {amount!r}")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cents_to_yuan(cents: int) -> Decimal:
    """Integer cents as yuan with two decimal places."""
    return (Decimal(cents) / 100).quantize(CENT)


def half_up_cents(amount: Fraction) -> int:
    """An exact amount in cents (a Fraction) rounded half-up (away from zero) to a whole cent."""
    whole, rest = divmod(amount.numerator, amount.denominator)  # floor division
    if 2 * rest > amount.denominator or (2 * rest == amount.denominator and amount >= 0):
        whole += 1
    return whole


def split_largest_remainder(
    total_cents: int,
    weights: Sequence[Fraction | int | Decimal],
    tie_keys: Sequence[Hashable] | None = None,
) -> list[int]:
    """Split `total_cents` (≥ 0) over `weights` (≥ 0, not all 0) by largest remainder.

    Each share is the exact `total × weight / Σ weights` floored to the cent; the cents left
    over go one each to the largest remainders. Among equal remainders, the smaller tie key
    (in Python's order) comes first; without keys, the earlier position. The shares sum to
    `total_cents` exactly and each lies within one cent of its exact value.
    """
    if total_cents < 0:
        raise ValueError("cannot split a negative amount")
    exact_weights = [Fraction(w) for w in weights]
    if any(w < 0 for w in exact_weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(exact_weights, Fraction(0))
    if not exact_weights or weight_sum == 0:
        raise ValueError("nothing to split over")
    keys = list(tie_keys) if tie_keys is not None else list(range(len(exact_weights)))
    if len(keys) != len(exact_weights):
        raise ValueError("one tie key per weight")
    exact = [total_cents * w / weight_sum for w in exact_weights]
    shares = [q.numerator // q.denominator for q in exact]
    left = total_cents - sum(shares)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), keys[i], i))
    for i in order[:left]:
        shares[i] += 1
    return shares


# --- dues (SCORING.md "Dues rate table") ----------------------------------------------------

# Income kinds a member's record names (members.models.IncomeKind carries the same values).
INCOME_EMPLOYED = "employed"
INCOME_RETIREE = "retiree"
FIXED_DUES_KINDS = frozenset({"farmer", "student", "unemployed"})

# The branch's fixed small amount for farmers, students and the unemployed.
DUES_FIXED_MIN = Decimal("0.20")
DUES_FIXED_MAX = Decimal("1.00")
DUES_FIXED_DEFAULT = Decimal("0.50")

# (upper limit of the band, rate): each band's upper limit belongs to that band; None = above.
_EMPLOYED_BANDS = (
    (Decimal(3000), Decimal("0.005")),
    (Decimal(5000), Decimal("0.01")),
    (Decimal(10000), Decimal("0.015")),
    (None, Decimal("0.02")),
)
_RETIREE_BANDS = ((Decimal(5000), Decimal("0.005")), (None, Decimal("0.01")))


def dues_rate(income: Decimal, kind: str) -> Decimal:
    """The share of the monthly income after tax due as dues, for an employed member (or one
    whose kind is not recorded) or a retiree."""
    bands = _RETIREE_BANDS if kind == INCOME_RETIREE else _EMPLOYED_BANDS
    for upper, rate in bands:
        if upper is None or income <= upper:
            return rate
    raise AssertionError("the last band has no upper limit")  # pragma: no cover


def dues_for(income: Decimal | None, kind: str, fixed: Decimal) -> Decimal | None:
    """A member's expected dues for a month, in yuan with two places, or None when unknown.

    Farmers, students and the unemployed pay the branch's `fixed` amount whatever their income;
    everyone else (a blank kind reads as the general table) pays the rate of their income's
    band, rounded half-up to the cent; without a recorded income the amount is unknown.
    """
    if kind in FIXED_DUES_KINDS:
        return cents_to_yuan(yuan_to_cents(fixed))
    if income is None:
        return None
    if not income.is_finite() or income < 0:
        raise ValueError(f"not a monthly income: {income!r}")
    return cents_to_yuan(yuan_to_cents(income * dues_rate(income, kind)))
