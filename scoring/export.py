"""The score export document of EXCHANGE.md, read from stored results.

A read beside the selectors: `services.scores_export` stores what is missing first, then calls
`score_document`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from branches.models import Branch, Township
from members.models import Member
from scoring import engine
from scoring.models import (
    BranchMonthScore,
    BranchQuarterScore,
    BranchYearScore,
    MemberMonthScore,
    MemberYearScore,
)


def _num(value: Decimal | None) -> float | None:
    """A published value as a JSON number (the boundary where Decimal becomes a float)."""
    return None if value is None else float(value)


def _month_key(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def score_document(*, township: Township, year: int) -> dict:
    """The export document of a year whose results are stored and current (see `year_ensure`)."""
    branches = list(Branch.objects.filter(township=township).order_by("code"))
    months: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in BranchMonthScore.objects.filter(branch__township=township, month__year=year):
        months[row.branch_id][_month_key(row.month)] = {
            "index": _num(row.index),
            "items": {
                code: float(Decimal(value))
                for code, value in sorted(row.items.items(), key=lambda kv: int(kv[0][1:]))
            },
        }
    quarters: dict[int, dict[str, dict]] = defaultdict(dict)
    bottom: dict[int, list[str]] = defaultdict(list)
    code_of = {b.pk: b.code for b in branches}
    for q in BranchQuarterScore.objects.filter(branch__township=township, year=year):
        quarters[q.branch_id][f"Q{q.quarter}"] = {"score": _num(q.score), "rank": q.rank}
        if q.bottom:
            bottom[q.quarter].append(code_of[q.branch_id])
    annual = {
        y.branch_id: y for y in BranchYearScore.objects.filter(branch__township=township, year=year)
    }

    out_branches = {}
    for b in branches:
        y = annual.get(b.pk)
        out_branches[b.code] = {
            "months": {
                _month_key(m): months[b.pk].get(_month_key(m), {"index": None, "items": {}})
                for m in engine.year_months(year)
            },
            "quarters": {
                f"Q{q}": quarters[b.pk].get(f"Q{q}", {"score": None, "rank": None})
                for q in range(1, 5)
            },
            "annual": {
                "fortress_mean": _num(y.fortress_mean) if y else None,
                "score": _num(y.score) if y else None,
                "stars": y.stars if y else None,
            },
        }

    member_months: dict[int, dict[str, float | None]] = defaultdict(dict)
    for mid, month, index in (
        MemberMonthScore.objects.filter(member__township=township, month__year=year)
        .order_by("month")
        .values_list("member_id", "month", "index")
    ):
        member_months[mid][_month_key(month)] = _num(index)
    member_years = {
        y.member_id: y for y in MemberYearScore.objects.filter(member__township=township, year=year)
    }
    out_members = {}
    for mid, code, exempt in (
        Member.objects.filter(township=township, id__in=member_months)
        .order_by("code")
        .values_list("id", "code", "rating_exempt")
    ):
        y = member_years.get(mid)
        out_members[code] = {
            "months": member_months[mid],
            "annual": _num(y.annual) if y else None,
            "stars": y.stars if y else None,
            "rating_exempt": exempt,
        }

    weak = sorted(b.code for b in branches if annual.get(b.pk) and annual[b.pk].weak_and_lax)
    return {
        "township": township.code,
        "year": year,
        "branches": out_branches,
        "quarters": {f"Q{q}": {"bottom": sorted(bottom[q])} for q in range(1, 5)},
        "weak_and_lax": weak,
        "members": out_members,
    }
