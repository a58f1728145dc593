"""The alliances' rules as plain functions over plain values (no ORM): the micro-wish life cycle
and its date order, the parents of alliances (no cycles), overdue project items, stars, the
contest's ranking, the quarter's figures. Services, forms and the JSON import call them; messages
are in Chinese and name what is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

OPEN, CLAIMED, FULFILLED = "open", "claimed", "fulfilled"

# Stars of the annual evaluation. SCORING.md gives no thresholds of its own for alliances, so
# they are those of branches and members: ≥ 90 three stars, ≥ 80 two, ≥ 60 one, below none.
STAR_THRESHOLDS: tuple[tuple[Decimal, int], ...] = (
    (Decimal(90), 3),
    (Decimal(80), 2),
    (Decimal(60), 1),
)


# --- micro-wishes -------------------------------------------------------------------------------


def wish_state(*, claimed_on: dt.date | None, fulfilled_on: dt.date | None) -> str:
    if fulfilled_on is not None:
        return FULFILLED
    if claimed_on is not None:
        return CLAIMED
    return OPEN


def wish_claim_problem(*, raised_on: dt.date, claimed_on: dt.date) -> str | None:
    """A wish is claimed on the day it was raised or later (the same day is allowed)."""
    if claimed_on < raised_on:
        return _("认领日期 %(c)s 早于心愿提出日期 %(r)s。") % {
            "c": claimed_on.isoformat(),
            "r": raised_on.isoformat(),
        }
    return None


def wish_fulfil_problem(*, claimed_on: dt.date | None, fulfilled_on: dt.date) -> str | None:
    """A wish is fulfilled only once claimed, on the claim's day or later."""
    if claimed_on is None:
        return _("心愿尚未认领，不能登记实现。")
    if fulfilled_on < claimed_on:
        return _("实现日期 %(f)s 早于认领日期 %(c)s。") % {
            "f": fulfilled_on.isoformat(),
            "c": claimed_on.isoformat(),
        }
    return None


def evidence_problem(evidence: str) -> str | None:
    if not (evidence or "").strip():
        return _("请填写完成佐证（如照片说明、受助群众确认）。")
    return None


# --- the x+x+x structure ------------------------------------------------------------------------


def parent_cycles(parents: Mapping[Any, Any]) -> list:
    """The codes (or ids) that lie on a cycle of parents, sorted; an unknown parent or None
    ends a chain."""
    on_cycle: set = set()
    for start in parents:
        seen: list = []
        code = start
        while code is not None and code in parents and code not in seen:
            seen.append(code)
            code = parents[code]
        if code is not None and code in seen:
            on_cycle.update(seen[seen.index(code) :])
    return sorted(on_cycle)


def parent_problem(*, kind: str, parent_kind: str | None) -> str | None:
    """The core alliance stands at the top; an area alliance may sit under any other."""
    if kind == "core" and parent_kind is not None:
        return _("镇级核心联盟不能有上级联盟。")
    return None


# --- projects -----------------------------------------------------------------------------------


def is_overdue(*, due_on: dt.date, done_on: dt.date | None, on: dt.date) -> bool:
    """Overdue on day `on`: not done by then and due before it (due today is not overdue)."""
    return due_on < on and (done_on is None or done_on > on)


# --- evaluation and contest ---------------------------------------------------------------------


def stars(score: Decimal | None) -> int | None:
    if score is None:
        return None
    for threshold, count in STAR_THRESHOLDS:
        if score >= threshold:
            return count
    return 0


@dataclass(frozen=True)
class Ranked:
    key: str
    score: Decimal
    rank: int
    tied: tuple[str, ...]  # the other keys sharing this rank


def contest_ranking(scores: Mapping[str, Decimal]) -> list[Ranked]:
    """Competition ranking as in SCORING.md: descending, equal scores share a rank and the next
    rank skips (1, 2, 2, 4); rows of equal score are listed by key."""
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    out: list[Ranked] = []
    for i, (key, score) in enumerate(ordered):
        rank = i + 1 if i == 0 or score != ordered[i - 1][1] else out[-1].rank
        tied = tuple(k for k, s in ordered if s == score and k != key)
        out.append(Ranked(key=key, score=score, rank=rank, tied=tied))
    return out


def tie_note(ranked: Ranked, names: Mapping[str, str]) -> str:
    if not ranked.tied:
        return ""
    return _("与%(others)s同分，并列第 %(rank)d 名；下一名次顺延。") % {
        "others": "、".join(names.get(k, k) for k in ranked.tied),
        "rank": ranked.rank,
    }


# --- the quarter's public display (晾晒) ---------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    nxt = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def percent(done: int, total: int) -> Decimal | None:
    """Done of total as a percentage with one decimal (half-up); None when there is none."""
    if total == 0:
        return None
    return (Decimal(100) * done / total).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
