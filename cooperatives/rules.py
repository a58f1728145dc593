"""The cooperatives' rules as plain functions over plain data (no ORM): dividends, the contest's
prizes and their split, and when a pairing's monthly progress is late. SCORING.md's defaults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from township.money import half_up_cents, split_largest_remainder, yuan_to_cents

# --- dividends ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolderStake:
    code: str  # the holder id (tie-break after the holding)
    shares: int


@dataclass(frozen=True)
class Dividends:
    profit_cents: int
    reserve_cents: int
    distributed_cents: int
    amounts: dict[str, int]  # holder code → cents


def dividends(
    *, profit: Decimal, reserve_ratio: Decimal, holders: Sequence[HolderStake]
) -> Dividends:
    """SCORING.md “Cooperative dividends”.

    reserve = profit × ratio, half-up to the cent; distributed = profit − reserve. When the
    profit is not positive nothing is reserved or distributed (a loss is carried, not shared).
    Each holder gets distributed × shares / total shares floored to the cent; the cents left go
    one each to the largest remainders, ties to the larger holding, then the smaller holder id.
    """
    profit_cents = yuan_to_cents(profit)
    if profit_cents <= 0 or not holders:
        return Dividends(profit_cents, 0, 0, {h.code: 0 for h in holders})
    reserve_cents = half_up_cents(Fraction(profit_cents) * Fraction(reserve_ratio))
    distributed = profit_cents - reserve_cents
    shares = split_largest_remainder(
        distributed,
        [h.shares for h in holders],
        tie_keys=[(-h.shares, h.code) for h in holders],
    )
    return Dividends(
        profit_cents,
        reserve_cents,
        distributed,
        {h.code: s for h, s in zip(holders, shares, strict=True)},
    )


def share_of_total(shares: int, total: int) -> Fraction:
    return Fraction(shares, total) if total else Fraction(0)


# --- the contest ----------------------------------------------------------------------------------

PRIZES_YUAN = {1: Decimal(30000), 2: Decimal(20000), 3: Decimal(10000)}
# The most winners a tier may have (PRODUCT.md: first 1–3, second 2–6, third any number).
TIER_MAX = {1: 3, 2: 6, 3: None}
SECRETARY_SHARE = Fraction(40, 100)


@dataclass(frozen=True)
class Ranked:
    key: str  # the branch code
    score: Fraction  # the mean of the judges' scores


@dataclass(frozen=True)
class TieNote:
    """A tie that crossed a tier boundary, and what the rule did with it."""

    keys: tuple[str, ...]
    tier: int  # the tier whose configured count the tie overflowed
    promoted: bool  # True: all got `tier`; False: all went down to the next tier (or none)


@dataclass(frozen=True)
class Placing:
    tiers: dict[str, int | None]  # branch code → 1, 2, 3 or None (no prize)
    notes: list[TieNote]


def contest_prizes(ranked: Sequence[Ranked], counts: dict[int, int]) -> Placing:
    """Place branches by score into first/second/third prizes within the configured counts.

    Tie rule (shown on the contest page): branches with equal scores always get the same prize.
    When a group of tied branches would overflow a tier's configured count, they all get that
    tier if the tier's maximum (first 3, second 6, third unlimited) still allows it; otherwise
    they all go down to the next tier (which they then take their places of), and below the
    third tier they get no prize.
    """
    groups: list[list[Ranked]] = []
    for r in sorted(ranked, key=lambda r: (-r.score, r.key)):
        if groups and groups[-1][0].score == r.score:
            groups[-1].append(r)
        else:
            groups.append([r])
    tiers: dict[str, int | None] = {r.key: None for r in ranked}
    notes: list[TieNote] = []
    tier, used = 1, 0
    for group in groups:
        while tier <= 3 and used >= counts.get(tier, 0):
            tier, used = tier + 1, 0
        placed = False
        while tier <= 3 and not placed:
            size, room = len(group), counts.get(tier, 0) - used
            if size <= room:
                placed = True
            else:
                limit = TIER_MAX[tier]
                promoted = limit is None or used + size <= limit
                notes.append(TieNote(tuple(r.key for r in group), tier, promoted))
                if promoted:
                    placed = True
                else:
                    tier, used = tier + 1, 0
        if not placed:
            break
        for r in group:
            tiers[r.key] = tier
        used += len(group)
    return Placing(tiers, notes)


def award_split(
    *, amount: Decimal, secretary: str, others: Sequence[str]
) -> list[tuple[str, str, int]]:
    """The award to the two-committee team in cents: 40 % to the secretary, the rest equally to
    the others (largest remainder, ties in the order given). Without other members the secretary
    receives the whole award. Returns (name, "secretary"|"member", cents), summing exactly."""
    total = yuan_to_cents(amount)
    if not others:
        return [(secretary, "secretary", total)]
    n = len(others)
    weights = [SECRETARY_SHARE] + [(1 - SECRETARY_SHARE) / n] * n
    cents = split_largest_remainder(total, weights)
    return [(secretary, "secretary", cents[0])] + [
        (name, "member", c) for name, c in zip(others, cents[1:], strict=True)
    ]


# --- pairings: late monthly progress --------------------------------------------------------


def last_ended_month(today: dt.date) -> dt.date:
    """The first day of the month before `today`'s."""
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def progress_due(*, month: dt.date, close_day: int) -> dt.date:
    """The last day on which the progress of `month` is on time: the township's close day of
    the following month."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following.replace(day=close_day)


def progress_month_checked(*, today: dt.date, close_day: int) -> dt.date:
    """The latest month whose progress was due by `today`: the last ended month once the
    township's close day of this month has passed, the month before it until then."""
    month = last_ended_month(today)
    if today <= progress_due(month=month, close_day=close_day):
        month = last_ended_month(month)
    return month


def progress_late(
    *, today: dt.date, close_day: int, started_on: dt.date, entered_months: set[dt.date]
) -> dt.date | None:
    """The month whose progress is late, or None.

    Late means: no progress entry for the latest month whose deadline has passed (the deadline
    of a month is the township's close day of the following month, e.g. the 25th). A pairing
    that started after that month owes nothing for it.
    """
    month = progress_month_checked(today=today, close_day=close_day)
    if started_on > _month_end(month) or month in entered_months:
        return None
    return month


def _month_end(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
