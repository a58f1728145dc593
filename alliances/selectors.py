"""Reads of the alliances app. Every selector takes the scope (or an already scoped object) and
reads with a fixed number of queries, whatever the number of alliances or rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from alliances import rules
from alliances.models import (
    Alliance,
    ContestScore,
    Evaluation,
    JointActivity,
    Organisation,
    ProjectItem,
    Wish,
)
from branches.models import Branch, Township
from members.models import Member
from township.scoping import Scope

LIST_LIMIT = 100  # rows a page shows of a list it does not paginate


def alliance_queryset(*, scope: Scope) -> QuerySet[Alliance]:
    """Alliances in scope, each once, for lists and `get_object_or_404`."""
    ids = Alliance.objects.within(scope).values("pk")
    return Alliance.objects.filter(pk__in=ids).select_related("township", "parent")


def _count_per_alliance(rows: QuerySet) -> Coalesce:
    """A correlated count of `rows` of the outer alliance, 0 when none."""
    counted = (
        rows.filter(alliance=OuterRef("pk")).order_by().values("alliance").annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


@dataclass(frozen=True)
class TreeRow:
    alliance: Alliance
    depth: int


def alliance_tree(*, scope: Scope, today: dt.date) -> list[TreeRow]:
    """The alliances in scope as a tree (core first, children under their parent), each with its
    organisation count, open wishes and overdue project items. One query.

    Each count is a subquery on the alliance's own rows. Counted in one join, organisations ×
    wishes × projects multiplied (a county's 49 alliances: 1.8 s on SQLite, growing with
    every wish)."""
    alliances = list(
        alliance_queryset(scope=scope)
        .annotate(
            organisation_count=_count_per_alliance(Organisation.objects.all()),
            open_wishes=_count_per_alliance(Wish.objects.filter(claimed_on__isnull=True)),
            overdue=_count_per_alliance(
                ProjectItem.objects.filter(done_on__isnull=True, due_on__lt=today)
            ),
        )
        .order_by("township__code", "code")
    )
    present = {a.pk for a in alliances}
    children: dict[int | None, list[Alliance]] = defaultdict(list)
    for a in alliances:
        # A parent outside the scope (a secretary's branch may be in an area alliance only):
        # the alliance is shown at the top.
        children[a.parent_id if a.parent_id in present else None].append(a)
    out: list[TreeRow] = []

    def walk(parent: int | None, depth: int) -> None:
        for a in children.get(parent, []):
            out.append(TreeRow(alliance=a, depth=depth))
            walk(a.pk, depth + 1)

    walk(None, 0)
    return out


def alliance_detail(*, alliance: Alliance, today: dt.date, recent: int = 10) -> dict:
    """What the alliance page shows: organisations, the project list with overdue items marked,
    the latest activities and the wishes not yet fulfilled."""
    organisations = list(
        alliance.organisations.select_related("branch").order_by("code")[:LIST_LIMIT]
    )
    # Open items first (the overdue ones lead, by due date), then the done ones.
    projects = list(
        alliance.projects.select_related("owner").order_by(
            F("done_on").asc(nulls_first=True), "due_on", "pk"
        )[:LIST_LIMIT]
    )
    for p in projects:
        p.overdue = rules.is_overdue(due_on=p.due_on, done_on=p.done_on, on=today)
    overdue_count = alliance.projects.filter(done_on__isnull=True, due_on__lt=today).count()
    activities = list(
        alliance.activities.prefetch_related("organisations")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("-date", "-pk")[:recent]
    )
    wishes = list(
        alliance.wishes.filter(fulfilled_on__isnull=True)
        .select_related("claimed_by", "claimed_by__branch")
        .order_by("raised_on", "code")[:recent]
    )
    return {
        "organisations": organisations,
        "projects": projects,
        "overdue_count": overdue_count,
        "project_count": alliance.projects.count(),
        "activities": activities,
        "wishes": wishes,
        "children": list(alliance.children.order_by("code")),
    }


def activity_list(*, alliance: Alliance) -> QuerySet[JointActivity]:
    """The alliance's activities, newest first; `activity_people` adds a page's members."""
    return alliance.activities.prefetch_related("organisations").order_by("-date", "-pk")


def activity_people(activities: Sequence[JointActivity]) -> None:
    """Set `people` on each activity: its members as (name, "（branch）"), in member code order.

    Two reads by index: the activities' links, then those members by id. A prefetch joined the
    links to the members table, and PostgreSQL hashed the whole table for it (31,000 members
    for a page's 500 links: 40 ms)."""
    links = list(
        JointActivity.members.through.objects.filter(
            jointactivity_id__in=[a.pk for a in activities]
        ).values_list("jointactivity_id", "member_id")
    )
    members = {
        pk: (code, name, branch_name)
        for pk, code, name, branch_name in Member.objects.filter(
            pk__in={m for _a, m in links}
        ).values_list("pk", "code", "name", "branch__name")
    }
    in_branch = gettext("（%(text)s）")
    people: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for activity_id, member_id in links:
        people[activity_id].append(members[member_id])
    for a in activities:
        a.people = [
            (name, in_branch % {"text": branch}) for _code, name, branch in sorted(people[a.pk])
        ]


def wish_list(*, alliance: Alliance, state: str = "") -> QuerySet[Wish]:
    qs = alliance.wishes.select_related("claimed_by", "claimed_by__branch")
    if state == rules.OPEN:
        qs = qs.filter(claimed_on__isnull=True)
    elif state == rules.CLAIMED:
        qs = qs.filter(claimed_on__isnull=False, fulfilled_on__isnull=True)
    elif state == rules.FULFILLED:
        qs = qs.filter(fulfilled_on__isnull=False)
    return qs.order_by("-raised_on", "code")


def member_choices(*, alliance: Alliance, scope: Scope, today: dt.date) -> QuerySet[Member]:
    """Members in scope whose branch is a member organisation of the alliance, on the roster
    today (a secretary sees only their own branch's members)."""
    branches = alliance.organisations.filter(branch__isnull=False).values("branch_id")
    return (
        Member.objects.within(scope)
        .filter(branch_id__in=branches)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .select_related("branch")
        .order_by("branch__code", "code")
    )


# --- the quarter's public display (晾晒) ---------------------------------------------------------


@dataclass(frozen=True)
class DisplayRow:
    alliance: Alliance
    projects_total: int  # items due in the year up to the quarter's end (or today)
    projects_done: int  # … of them done by then
    overdue: int  # … not done by then and due before it
    activities: int  # joint activities in the quarter
    participants: int  # member participations in those activities
    wishes_raised: int
    wishes_fulfilled: int  # fulfilled in the quarter
    wishes_open: int  # raised by the quarter's end and not fulfilled by then

    @property
    def projects_percent(self) -> Decimal | None:
        return rules.percent(self.projects_done, self.projects_total)


def display_until(*, year: int, quarter: int, today: dt.date) -> dt.date:
    """The day a quarter's figures are counted to: its last day, or today while it runs."""
    return min(rules.quarter_bounds(year, quarter)[1], today)


def display_rows(
    *, alliances: list[Alliance], year: int, quarter: int, today: dt.date
) -> list[DisplayRow]:
    """Each alliance's progress in a quarter, counted to its last day (to today while the
    quarter runs): three grouped queries whatever their number."""
    first = rules.quarter_bounds(year, quarter)[0]
    last = display_until(year=year, quarter=quarter, today=today)
    ids = [a.pk for a in alliances]
    year_start = dt.date(year, 1, 1)
    not_done = Q(done_on__isnull=True) | Q(done_on__gt=last)
    projects = {
        r["alliance_id"]: r
        for r in ProjectItem.objects.filter(
            alliance_id__in=ids, due_on__gte=year_start, due_on__lte=last
        )
        .values("alliance_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(done_on__lte=last)),
            overdue=Count("pk", filter=Q(due_on__lt=last) & not_done),
        )
    }
    activities = {
        r["alliance_id"]: r
        for r in JointActivity.objects.filter(alliance_id__in=ids, date__gte=first, date__lte=last)
        .values("alliance_id")
        .annotate(n=Count("pk", distinct=True), people=Count("members"))
    }
    wishes = {
        r["alliance_id"]: r
        for r in Wish.objects.filter(alliance_id__in=ids, raised_on__lte=last)
        .values("alliance_id")
        .annotate(
            raised=Count("pk", filter=Q(raised_on__gte=first)),
            fulfilled=Count("pk", filter=Q(fulfilled_on__gte=first, fulfilled_on__lte=last)),
            open=Count("pk", filter=Q(fulfilled_on__isnull=True) | Q(fulfilled_on__gt=last)),
        )
    }
    out = []
    for a in alliances:
        p, act, w = projects.get(a.pk, {}), activities.get(a.pk, {}), wishes.get(a.pk, {})
        out.append(
            DisplayRow(
                alliance=a,
                projects_total=p.get("total", 0),
                projects_done=p.get("done", 0),
                overdue=p.get("overdue", 0),
                activities=act.get("n", 0),
                participants=act.get("people", 0),
                wishes_raised=w.get("raised", 0),
                wishes_fulfilled=w.get("fulfilled", 0),
                wishes_open=w.get("open", 0),
            )
        )
    return out


def township_alliances(*, scope: Scope, township: Township) -> list[Alliance]:
    return list(alliance_queryset(scope=scope).filter(township=township).order_by("code"))


# --- evaluation and contest ---------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationRow:
    alliance: Alliance
    score: Decimal | None
    stars: int | None
    note: str

    @property
    def stars_text(self) -> str:
        return "★" * (self.stars or 0)


def evaluation_rows(*, alliances: list[Alliance], year: int) -> list[EvaluationRow]:
    found = {
        e.alliance_id: e
        for e in Evaluation.objects.filter(alliance_id__in=[a.pk for a in alliances], year=year)
    }
    rows = []
    for a in alliances:
        e = found.get(a.pk)
        score = e.score if e else None
        rows.append(
            EvaluationRow(
                alliance=a, score=score, stars=rules.stars(score), note=e.note if e else ""
            )
        )
    return rows


@dataclass(frozen=True)
class ContestRow:
    alliance: Alliance
    score: Decimal | None
    rank: int | None
    note: str


def contest_rows(*, alliances: list[Alliance], year: int, half: int) -> list[ContestRow]:
    """Ranked by score (competition ranking; ties share a rank, explained); unscored last."""
    scores = {
        s.alliance_id: s.score
        for s in ContestScore.objects.filter(
            alliance_id__in=[a.pk for a in alliances], year=year, half=half
        )
    }
    by_code = {a.code: a for a in alliances}
    names = {a.code: a.name for a in alliances}
    ranked = rules.contest_ranking({a.code: scores[a.pk] for a in alliances if a.pk in scores})
    rows = [ContestRow(by_code[r.key], r.score, r.rank, rules.tie_note(r, names)) for r in ranked]
    rows += [ContestRow(a, None, None, "") for a in alliances if a.pk not in scores]
    return rows


# --- a member's and a branch's alliance record --------------------------------------------------


def member_alliance_activities(*, member: Member, limit: int = 20) -> list[JointActivity]:
    """The joint activities a member took part in (the member page is already scoped)."""
    return list(
        JointActivity.objects.filter(members=member)
        .select_related("alliance")
        .order_by("-date", "-pk")[:limit]
    )


def member_claimed_wishes(*, member: Member, limit: int = 20) -> list[Wish]:
    return list(
        Wish.objects.filter(claimed_by=member)
        .select_related("alliance")
        .order_by("-claimed_on", "code")[:limit]
    )


def branch_alliances(*, branch: Branch) -> list[Alliance]:
    return list(Alliance.objects.filter(organisations__branch=branch).order_by("code"))


def branch_alliance_activities(*, branch: Branch, limit: int = 20) -> list[JointActivity]:
    """Joint activities the branch's organisation or its members took part in, with how many of
    the branch's members were there."""
    # Each side read from its own link table: one join of both multiplied an activity's
    # organisations by its members (a township's activities: 120 ms on PostgreSQL).
    took_part = JointActivity.organisations.through.objects.filter(organisation__branch=branch)
    members = JointActivity.members.through.objects.filter(member__branch=branch)
    branch_members = (
        members.filter(jointactivity=OuterRef("pk"))
        .order_by()
        .values("jointactivity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        JointActivity.objects.filter(
            Q(pk__in=took_part.values("jointactivity")) | Q(pk__in=members.values("jointactivity"))
        )
        .select_related("alliance")
        .annotate(branch_members=Coalesce(Subquery(branch_members, output_field=IntegerField()), 0))
        .order_by("-date", "-pk")[:limit]
    )
