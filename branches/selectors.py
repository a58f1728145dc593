"""Reads of the branches app. Every selector takes the scope (or an already scoped object)."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncMonth

from branches.models import Attendance, Branch, Meeting, MeetingType, Township
from members.models import Member
from township.inputs import is_object_id
from township.models import MonthState
from township.scoping import Scope


def _active_on(day: dt.date, prefix: str = "") -> Q:
    """Members who belong to their branch on `day` (joined on or before it, not yet left)."""
    return (
        Q(**{f"{prefix}branch_since__isnull": True}) | Q(**{f"{prefix}branch_since__lte": day})
    ) & (Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day}))


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt


# The meeting types a branch holds every month (三会一课 of the month): the group meeting only
# where the branch has groups.
MONTHLY_TYPES = Q(type__in=[MeetingType.THEMED_DAY, MeetingType.COMMITTEE]) | Q(
    type=MeetingType.GROUP, branch__has_groups=True
)


def _count_per_branch(rows: QuerySet, field: str = "pk", distinct: bool = False) -> Coalesce:
    """A correlated count of `rows` (already filtered on `branch=OuterRef("pk")`), 0 when none."""
    counted = rows.order_by().values("branch_id").annotate(n=Count(field, distinct=distinct))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def branch_list(*, scope: Scope, today: dt.date, inactive: bool = False) -> QuerySet[Branch]:
    """Branches with their active members, latest meeting and this month's 三会 held.

    Each figure is a subquery on the branch's own rows (by the `branch` indexes), never a join of
    members × meetings; the paginator's count leaves them out.
    """
    first, nxt = month_bounds(today)
    members = Member.objects.filter(_active_on(today), branch=OuterRef("pk"))
    meetings = Meeting.objects.filter(branch=OuterRef("pk"))
    this_month = meetings.filter(MONTHLY_TYPES, date__gte=first, date__lt=nxt)
    qs = Branch.objects.within(scope)
    if not inactive:  # deactivated branches only when asked for
        qs = qs.filter(active=True)
    return (
        qs.select_related("area", "township")
        .annotate(
            member_count=_count_per_branch(members),
            last_meeting=Subquery(meetings.order_by("-date").values("date")[:1]),
            month_held=_count_per_branch(this_month, "type", distinct=True),
        )
        .order_by("township__code", "code")
    )


def township_filter(*, scope: Scope, value: str) -> tuple[list[Township], Township | None]:
    """For a county-wide scope, its townships and the one a list shows (`?township=`, the first
    by default, also for an id outside the scope). Narrower scopes see one township already:
    ([], None)."""
    if scope.township_id is not None or scope.county_id is None:
        return [], None
    townships = list(townships_within(scope=scope))
    chosen = next((t for t in townships if is_object_id(value) and t.pk == int(value)), None)
    return townships, chosen or next(iter(townships), None)


def township_narrowed(*, scope: Scope, value: str) -> tuple[Scope, list[Township], Township | None]:
    """`township_filter`, and the scope narrowed to the township chosen: the one way a county
    reviewer's list shows one township at a time (the list's selector reads through the
    narrowed scope; the view keeps `request.scope` for what the user may do)."""
    townships, township = township_filter(scope=scope, value=value)
    return scope.narrowed(township.pk if township else None), townships, township


def branch_recent_meetings(*, branch: Branch, limit: int = 10) -> QuerySet[Meeting]:
    return branch.meetings.order_by("-date", "-pk")[:limit]


def branch_active_member_count(*, branch: Branch, today: dt.date) -> int:
    return branch.members.filter(_active_on(today)).count()


def meeting_list(
    *,
    scope: Scope,
    month: dt.date | None = None,
    type: str | None = None,
) -> QuerySet[Meeting]:
    """Meetings, newest first, with their attendance counts and whether their month is locked
    as subqueries (left out of the paginator's count)."""
    qs = Meeting.objects.within(scope).select_related("branch")
    if month is not None:
        first, nxt = month_bounds(month)
        qs = qs.filter(date__gte=first, date__lt=nxt)
    if type:
        qs = qs.filter(type=type)
    attendance = Attendance.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting_id")
    return (
        qs.annotate(date_month=TruncMonth("date", output_field=DateField()))
        .annotate(
            present_count=Coalesce(
                Subquery(
                    attendance.filter(status="present").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            attendance_count=Coalesce(
                Subquery(
                    attendance.annotate(n=Count("pk")).values("n"), output_field=IntegerField()
                ),
                0,
            ),
            # whether the office locked the meeting's month (shown as a badge: read-only)
            month_locked=Exists(
                MonthState.objects.filter(
                    township_id=OuterRef("township_id"),
                    month=OuterRef("date_month"),
                    locked=True,
                )
            ),
        )
        .order_by("-date", "-pk")
    )


def meeting_queryset(*, scope: Scope) -> QuerySet[Meeting]:
    """Meetings of the scope with what the detail page shows, for `get_object_or_404`."""
    return (
        Meeting.objects.within(scope)
        .select_related("branch", "township")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("member").order_by("member__code"),
            ),
            "guests",
            "photos",
        )
    )


def meeting_for_entry(*, scope: Scope) -> QuerySet[Meeting]:
    """Meetings of the scope with their branch only, for the attendance grid (which reads the
    roster and the recorded attendance itself)."""
    return Meeting.objects.within(scope).select_related("branch")


def meeting_roster(*, meeting: Meeting) -> list[tuple[Member, Attendance | None]]:
    """The branch roster on the meeting's date with each member's recorded attendance."""
    members = list(
        Member.objects.filter(branch_id=meeting.branch_id)
        .filter(_active_on(meeting.date))
        .order_by("code")
    )
    recorded = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    return [(m, recorded.get(m.pk)) for m in members]


def silent_branches(*, scope: Scope, today: dt.date, days: int) -> QuerySet[Branch]:
    """Branches with no meeting recorded in the last `days` days (one aggregate query)."""
    cutoff = today - dt.timedelta(days=days)
    # The latest meeting of each branch read from the (branch, date) index, not a join of all
    # the township's meetings grouped by branch.
    latest = Meeting.objects.filter(branch=OuterRef("pk")).order_by("-date").values("date")[:1]
    return (
        Branch.objects.within(scope)
        .annotate(last_meeting=Subquery(latest))
        .filter(Q(last_meeting__isnull=True) | Q(last_meeting__lt=cutoff))
        .order_by(F("last_meeting").asc(nulls_first=True), "code")
    )


def township_summary(*, scope: Scope, today: dt.date) -> dict[str, int]:
    first, nxt = month_bounds(today)
    return {
        "branches": Branch.objects.within(scope).count(),
        "members": Member.objects.within(scope).filter(_active_on(today)).count(),
        "meetings_this_month": Meeting.objects.within(scope)
        .filter(date__gte=first, date__lt=nxt)
        .count(),
    }


def month_checklist(*, branch: Branch, month: dt.date) -> list[dict]:
    """三会一课 of one month: for each meeting type, how many were held."""
    first, nxt = month_bounds(month)
    held = dict(
        branch.meetings.filter(date__gte=first, date__lt=nxt)
        .values_list("type")
        .annotate(n=Count("pk"))
        .values_list("type", "n")
    )
    return [
        {"type": value, "label": label, "count": held.get(value, 0)}
        for value, label in MeetingType.choices
    ]


def townships_within(*, scope: Scope) -> QuerySet[Township]:
    return Township.objects.within(scope).order_by("code")


def county_townships(*, scope: Scope, today: dt.date) -> list[Township]:
    """Townships of the scope with branch and active-member counts (two grouped queries)."""
    townships = list(townships_within(scope=scope))
    ids = [t.pk for t in townships]
    branches = dict(
        Branch.objects.filter(township_id__in=ids)
        .values_list("township_id")
        .annotate(n=Count("pk"))
        .values_list("township_id", "n")
    )
    # The dates as a FILTER of the count, not a WHERE, and a column of the roster index counted:
    # PostgreSQL then reads that index alone, in township order (4 ms instead of 8-15 ms for a
    # county of 31,500 members; SQLite reads the same index either way).
    members = dict(
        Member.objects.filter(township_id__in=ids)
        .values_list("township_id")
        .annotate(n=Count("township_id", filter=_active_on(today)))
        .values_list("township_id", "n")
    )
    for t in townships:
        t.branch_count = branches.get(t.pk, 0)
        t.member_count = members.get(t.pk, 0)
    return townships
