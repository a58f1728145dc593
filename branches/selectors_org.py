"""Reads of the organisation's assessment pages and reports, always given the scope.

Each selector reads with a fixed number of set-based queries, whatever the number of villages
or cadres; the rules are applied by `branches.org_rules`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from branches import org_rules
from branches.models import (
    Branch,
    BranchKind,
    Cadre,
    ClassificationSheet,
    LiaisonAssignment,
    MeetingGuest,
    ModelVillageCheck,
    Township,
)
from township.scoping import Scope


def villages(*, scope: Scope) -> QuerySet[Branch]:
    return (
        Branch.objects.within(scope)
        .filter(kind=BranchKind.VILLAGE)
        .select_related("township")
        .order_by("township__code", "code")
    )


def townships(*, scope: Scope) -> QuerySet[Township]:
    """The townships whose villages `scope` reaches (a secretary's: their own)."""
    ids = Branch.objects.within(scope).values("township_id")
    return Township.objects.filter(pk__in=ids).order_by("code")


# --- two-committee roster ----------------------------------------------------------------------


@dataclass
class VillageCadres:
    branch: Branch
    committee: list[Cadre]
    reserves: list[Cadre]
    counting: int  # reserve cadres under 50
    one_shoulder: bool

    @property
    def shortfall(self) -> int:
        return org_rules.reserve_shortfall(self.counting)

    @property
    def excess(self) -> int:
        return org_rules.reserve_excess(self.counting)


def cadre_rows(*, branches: list[Branch], day: dt.date) -> list[VillageCadres]:
    """The roster of each village given (already scoped), with one query for all cadres."""
    by_branch: dict[int, list[Cadre]] = defaultdict(list)
    for cadre in Cadre.objects.filter(branch__in=[b.pk for b in branches]).order_by(
        "branch_id", "reserve", "party_post", "pk"
    ):
        cadre.age = org_rules.age_on(cadre.birth_date, day)
        by_branch[cadre.branch_id].append(cadre)
    rows = []
    for b in branches:
        cadres = by_branch[b.pk]
        reserves = [c for c in cadres if c.reserve]
        committee = [c for c in cadres if not c.reserve]
        rows.append(
            VillageCadres(
                branch=b,
                committee=committee,
                reserves=reserves,
                counting=sum(1 for c in reserves if org_rules.reserve_counts(c.birth_date, day)),
                one_shoulder=any(
                    c.party_post == "secretary" and c.village_post == "chair" for c in committee
                ),
            )
        )
    return rows


@dataclass
class CadreSummary:
    township: Township
    villages: int
    one_shoulder: int
    short_villages: int
    shortfall: int
    committee: int
    women: int
    college: int  # 大专 and above
    under_35: int
    ages: list[int] = field(default_factory=list)

    @property
    def one_shoulder_rate(self) -> Decimal | None:
        return org_rules.percent(self.one_shoulder, self.villages)

    @property
    def one_shoulder_met(self) -> bool:
        return org_rules.target_met(self.one_shoulder_rate, org_rules.ONE_SHOULDER_TARGET)

    @property
    def mean_age(self) -> Decimal | None:
        if not self.ages:
            return None
        return (Decimal(sum(self.ages)) / len(self.ages)).quantize(Decimal("0.1"))


COLLEGE = ("college", "bachelor", "graduate")


def cadre_summaries(*, scope: Scope, day: dt.date) -> list[CadreSummary]:
    """Per township in scope: the 一肩挑 rate, the reserve shortfall and the committee's
    make-up (three queries)."""
    cutoff = org_rules.reserve_birth_cutoff(day)
    per_village = villages(scope=scope).annotate(
        reserves=Count("cadres", filter=Q(cadres__reserve=True, cadres__birth_date__gt=cutoff)),
        shoulder=Count(
            "cadres", filter=Q(cadres__party_post="secretary", cadres__village_post="chair")
        ),
    )
    out: dict[int, CadreSummary] = {}
    for b in per_village:
        s = out.setdefault(b.township_id, CadreSummary(b.township, 0, 0, 0, 0, 0, 0, 0, 0))
        s.villages += 1
        s.one_shoulder += 1 if b.shoulder else 0
        short = org_rules.reserve_shortfall(b.reserves)
        s.short_villages += 1 if short else 0
        s.shortfall += short
    committee = Cadre.objects.within(scope).filter(reserve=False, branch__kind=BranchKind.VILLAGE)
    for township_id, gender, education, birth in committee.values_list(
        "township_id", "gender", "education", "birth_date"
    ):
        s = out.get(township_id)
        if s is None:
            continue
        s.committee += 1
        s.women += gender == "F"
        s.college += education in COLLEGE
        age = org_rules.age_on(birth, day)
        s.under_35 += age < 35
        s.ages.append(age)
    return sorted(out.values(), key=lambda s: s.township.code)


# --- liaison duties ------------------------------------------------------------------------------


@dataclass
class LiaisonRow:
    assignment: LiaisonAssignment
    statuses: list[str]  # Q1..Q4: met, unmet, open
    visits: list[org_rules.GuestVisit]


def liaison_assignments(*, scope: Scope, year: int) -> QuerySet[LiaisonAssignment]:
    return (
        LiaisonAssignment.objects.within(scope)
        .filter(year=year)
        .select_related("branch", "township")
        .order_by("township__code", "branch__code", "cadre_name")
    )


def liaison_rows(
    *, assignments: list[LiaisonAssignment], year: int, today: dt.date
) -> list[LiaisonRow]:
    """Each assignment's quarters, from the guest lists of its own branch's meetings (one
    query)."""
    visits: dict[int, list[org_rules.GuestVisit]] = defaultdict(list)
    guests = MeetingGuest.objects.filter(
        liaison__in=[a.pk for a in assignments], meeting__date__year=year
    ).values_list("liaison_id", "liaison__branch_id", "meeting__branch_id", "meeting__date",
                  "meeting__type", "lectured")  # fmt: skip
    for liaison_id, own_branch, branch_id, day, type_, lectured in guests:
        if own_branch == branch_id:  # a visit elsewhere does not count for this point
            visits[liaison_id].append(org_rules.GuestVisit(day, type_, lectured))
    return [
        LiaisonRow(
            assignment=a,
            statuses=[
                org_rules.liaison_quarter_status(visits[a.pk], year=year, quarter=q, today=today)
                for q in (1, 2, 3, 4)
            ],
            visits=sorted(visits[a.pk], key=lambda v: v.date),
        )
        for a in assignments
    ]


def liaison_unmet_counts(*, rows: list[LiaisonRow]) -> list[int]:
    return [sum(1 for r in rows if r.statuses[q] == org_rules.UNMET) for q in range(4)]


# --- classification ---------------------------------------------------------------------------


def classification_sheets(*, branches: list[Branch], year: int) -> dict[int, ClassificationSheet]:
    sheets = ClassificationSheet.objects.filter(branch__in=[b.pk for b in branches], year=year)
    return {s.branch_id: s for s in sheets}


@dataclass
class ClassificationSummary:
    township: Township
    villages: int
    shares: org_rules.Shares

    @property
    def missing(self) -> int:
        return self.villages - self.shares.total


def classification_summaries(*, scope: Scope, year: int) -> list[ClassificationSummary]:
    """Per township: the grades' shares of the classified villages against the targets."""
    counts = dict(
        villages(scope=scope).order_by().values_list("township_id").annotate(n=Count("pk"))
    )
    grades: dict[int, list[str]] = defaultdict(list)
    for township_id, grade in (
        ClassificationSheet.objects.within(scope)
        .filter(year=year, branch__kind=BranchKind.VILLAGE)
        .values_list("township_id", "grade")
    ):
        grades[township_id].append(grade)
    return [
        ClassificationSummary(t, counts.get(t.pk, 0), org_rules.classification_shares(grades[t.pk]))
        for t in townships(scope=scope).filter(pk__in=counts)
    ]


def classification_sheet_points(*, sheet: ClassificationSheet | None) -> dict[str, Decimal]:
    if sheet is None:
        return {}
    return dict(sheet.scores.values_list("indicator", "points"))


# --- demonstration villages ------------------------------------------------------------------


@dataclass
class ModelVillageRow:
    branch: Branch
    checks: dict[int, tuple[bool, str]]

    @property
    def met(self) -> int:
        return sum(1 for met, _e in self.checks.values() if met)

    @property
    def model(self) -> bool:
        return org_rules.is_model_village(self.checks)


def model_village_rows(*, branches: list[Branch], year: int) -> list[ModelVillageRow]:
    checks: dict[int, dict[int, tuple[bool, str]]] = defaultdict(dict)
    for branch_id, n, met, evidence in ModelVillageCheck.objects.filter(
        branch__in=[b.pk for b in branches], year=year
    ).values_list("branch_id", "standard", "met", "evidence"):
        checks[branch_id][n] = (met, evidence)
    return [ModelVillageRow(b, checks[b.pk]) for b in branches]


@dataclass
class ModelVillageSummary:
    township: Township
    villages: int
    models: int

    @property
    def share(self) -> Decimal | None:
        return org_rules.percent(self.models, self.villages)

    @property
    def target_met(self) -> bool:
        return org_rules.target_met(self.share, org_rules.MODEL_VILLAGE_TARGET)


def model_village_summaries(*, scope: Scope, year: int) -> list[ModelVillageSummary]:
    """Per township: how many villages meet all ten standards, against the ≥ 10 % target."""
    per_village = villages(scope=scope).annotate(
        met=Count(
            "model_village_checks",
            filter=Q(model_village_checks__year=year, model_village_checks__met=True)
            & ~Q(model_village_checks__evidence=""),
        )
    )
    out: dict[int, ModelVillageSummary] = {}
    for b in per_village:
        s = out.setdefault(b.township_id, ModelVillageSummary(b.township, 0, 0))
        s.villages += 1
        s.models += b.met == len(org_rules.STANDARD_NUMBERS)
    return sorted(out.values(), key=lambda s: s.township.code)
