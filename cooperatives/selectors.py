"""Reads of the cooperatives app, always given the scope (or an object already found in it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Max, Prefetch, QuerySet, Sum

from branches.models import Branch, Township
from cooperatives import rules
from cooperatives.models import (
    Account,
    Award,
    CollectiveIncome,
    Contest,
    ContestEntry,
    Cooperative,
    FundDeposit,
    GroupActivity,
    Holder,
    LedProject,
    Pairing,
    ProgressEntry,
    ProjectEvaluation,
)
from township.money import cents_to_yuan, yuan_to_cents
from township.scoping import Scope

# --- cooperatives ----------------------------------------------------------------------------


def cooperative_list(*, scope: Scope) -> QuerySet[Cooperative]:
    return (
        Cooperative.objects.within(scope)
        .select_related("branch", "township")
        .annotate(holder_count=Count("holders"), total_shares=Sum("holders__shares"))
        .order_by("township__code", "code")
    )


def cooperative_queryset(*, scope: Scope) -> QuerySet[Cooperative]:
    return Cooperative.objects.within(scope).select_related("branch", "township")


@dataclass(frozen=True)
class RegisterRow:
    holder: Holder
    share: Fraction  # of the total shares

    @property
    def percent(self) -> Decimal:
        return (Decimal(self.share.numerator) * 100 / Decimal(self.share.denominator)).quantize(
            Decimal("0.01")
        )


def holder_register(*, cooperative: Cooperative) -> tuple[list[RegisterRow], int]:
    holders = list(cooperative.holders.select_related("member").order_by("code"))
    total = sum(h.shares for h in holders)
    return [RegisterRow(h, rules.share_of_total(h.shares, total)) for h in holders], total


@dataclass(frozen=True)
class DividendRow:
    holder: Holder
    share: Fraction
    cents: int

    @property
    def amount(self) -> Decimal:
        return cents_to_yuan(self.cents)

    @property
    def percent(self) -> Decimal:
        return RegisterRow(self.holder, self.share).percent


@dataclass(frozen=True)
class Statement:
    account: Account
    result: rules.Dividends
    rows: list[DividendRow]
    total_shares: int

    @property
    def reserve(self) -> Decimal:
        return cents_to_yuan(self.result.reserve_cents)

    @property
    def distributed(self) -> Decimal:
        return cents_to_yuan(self.result.distributed_cents)


def dividend_statement(*, account: Account, register: list[RegisterRow]) -> Statement:
    """The dividends of one year over the holders of the register (SCORING.md)."""
    stakes = [rules.HolderStake(r.holder.code, r.holder.shares) for r in register]
    result = rules.dividends(
        profit=account.profit, reserve_ratio=account.reserve_ratio, holders=stakes
    )
    rows = [DividendRow(r.holder, r.share, result.amounts[r.holder.code]) for r in register]
    return Statement(account, result, rows, sum(r.holder.shares for r in register))


def cooperative_statements(*, cooperative: Cooperative) -> tuple[list[RegisterRow], int, list]:
    """The register and each year's statement (three queries whatever the number of years)."""
    register, total = holder_register(cooperative=cooperative)
    accounts = list(cooperative.accounts.order_by("-year"))
    return register, total, [dividend_statement(account=a, register=register) for a in accounts]


# --- pairings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairingRow:
    pairing: Pairing
    last_month: dt.date | None
    late_month: dt.date | None


def pairing_overview(*, scope: Scope, today: dt.date) -> tuple[list[PairingRow], dt.date | None]:
    """Every pairing in scope with its last progress month and the month it is late for (see
    `rules.progress_late`); late ones first. Three queries."""
    pairings = list(
        Pairing.objects.within(scope)
        .select_related("branch", "township")
        .annotate(last_month=Max("progress__month"))
        .order_by("branch__code", "enterprise")
    )
    checked = {}
    entered: dict[int, set[dt.date]] = {}
    rows_entered = ProgressEntry.objects.filter(pairing__in=[p.pk for p in pairings])
    for pairing_id, month in rows_entered.values_list("pairing_id", "month"):
        entered.setdefault(pairing_id, set()).add(month)
    rows = []
    for p in pairings:
        close_day = p.township.close_day
        checked[p.township_id] = rules.progress_month_checked(today=today, close_day=close_day)
        months = entered.get(p.pk, set())
        late = rules.progress_late(
            today=today, close_day=close_day, started_on=p.started_on, entered_months=months
        )
        rows.append(PairingRow(p, p.last_month, late))
    rows.sort(key=lambda r: (r.late_month is None, r.pairing.branch.code, r.pairing.enterprise))
    month = next(iter(checked.values()), None) if len(set(checked.values())) == 1 else None
    return rows, month


def pairing_queryset(*, scope: Scope) -> QuerySet[Pairing]:
    return Pairing.objects.within(scope).select_related("branch", "township")


def collective_incomes(*, scope: Scope) -> QuerySet[CollectiveIncome]:
    return (
        CollectiveIncome.objects.within(scope)
        .select_related("branch")
        .order_by("branch__code", "-year")
    )


# --- fund, projects and contests ---------------------------------------------------------------


def fund_balance_cents(*, township_id: int) -> dict[str, int]:
    """The township fund: deposits, what subsidies, prizes and activity subsidies took, and the
    balance, in cents (five aggregate queries)."""

    def total(qs, field) -> int:
        return yuan_to_cents(qs.aggregate(s=Sum(field))["s"] or Decimal(0))

    deposits = total(FundDeposit.objects.filter(township_id=township_id), "amount")
    subsidies = total(ProjectEvaluation.objects.filter(project__township_id=township_id), "subsidy")
    prizes = total(Award.objects.filter(entry__contest__township_id=township_id), "amount")
    activities = total(GroupActivity.objects.filter(township_id=township_id), "subsidy")
    return {
        "deposits": deposits,
        "subsidies": subsidies,
        "prizes": prizes,
        "activities": activities,
        "balance": deposits - subsidies - prizes - activities,
    }


def fund_summary(*, township: Township) -> dict:
    cents = fund_balance_cents(township_id=township.pk)
    return {k: cents_to_yuan(v) for k, v in cents.items()}


def fund_deposits(*, scope: Scope) -> QuerySet[FundDeposit]:
    return FundDeposit.objects.within(scope).order_by("-date", "-pk")


def led_projects(*, scope: Scope, year: int | None = None) -> QuerySet[LedProject]:
    qs = LedProject.objects.within(scope).select_related("branch")
    if year is not None:
        qs = qs.filter(year=year)
    return (
        qs.annotate(subsidy_total=Sum("evaluations__subsidy"))
        .prefetch_related("evaluations")
        .order_by("-year", "branch__code", "pk")
    )


def contests(*, scope: Scope) -> QuerySet[Contest]:
    return (
        Contest.objects.within(scope)
        .annotate(entry_count=Count("entries"))
        .order_by("-year", "-month")
    )


def contest_placing(*, contest: Contest) -> tuple[list[ContestEntry], rules.Placing]:
    """The entries with their judges' mean score (exact), ranked, and the prizes they get."""
    entries = list(
        contest.entries.select_related("branch").prefetch_related("scores").order_by("branch__code")
    )
    for e in entries:
        scores = [s.score for s in e.scores.all()]
        e.judge_count = len(scores)
        e.mean = Fraction(sum(scores, Decimal(0))) / len(scores) if scores else None
        e.mean_shown = (
            (Decimal(e.mean.numerator) / Decimal(e.mean.denominator)).quantize(Decimal("0.01"))
            if scores
            else None
        )
    ranked = [rules.Ranked(e.branch.code, e.mean) for e in entries if e.mean is not None]
    counts = {1: contest.first_count, 2: contest.second_count, 3: contest.third_count}
    placing = rules.contest_prizes(ranked, counts)
    entries.sort(key=lambda e: (e.mean is None, -(e.mean or 0), e.branch.code))
    for e in entries:
        e.tier = placing.tiers.get(e.branch.code)
    return entries, placing


def contest_awards(*, contest: Contest) -> QuerySet[Award]:
    return Award.objects.filter(entry__contest=contest)


def contest_queryset(*, scope: Scope) -> QuerySet[Contest]:
    return Contest.objects.within(scope).select_related("township")


def entry_queryset(*, scope: Scope) -> QuerySet[ContestEntry]:
    return (
        ContestEntry.objects.within(scope)
        .select_related("contest", "branch")
        .prefetch_related(Prefetch("scores"))
    )


# --- group activities -----------------------------------------------------------------------


def group_activities(*, scope: Scope) -> QuerySet[GroupActivity]:
    return GroupActivity.objects.within(scope).select_related("branch").order_by("-date", "-pk")


def branches_of(*, scope: Scope) -> QuerySet[Branch]:
    return Branch.objects.within(scope).order_by("code")
