"""Reads of a member's life cycle, always given the caller's scope; a fixed number of queries
whatever the number of rows (the rules themselves are `members.lifecycle`'s)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from branches.models import AttendanceStatus, Branch, BranchKind, Meeting, Township
from members import lifecycle
from members.models import (
    Applicant,
    ApplicantStageChange,
    BranchTransfer,
    FlowingContact,
    FlowingSpell,
    HeartTalk,
    LaggingSpell,
    Member,
    TrainingAttendance,
    TrainingKind,
    TrainingSession,
)
from township.scoping import Scope

# --- the development pipeline ---


def applicant_queryset(*, scope: Scope) -> QuerySet[Applicant]:
    return Applicant.objects.within(scope).select_related("branch", "township", "member")


def pipeline_queryset(*, scope: Scope, stage: str = "") -> QuerySet[Applicant]:
    """Everyone in the pipeline (the full members who came through it only when asked), with
    their steps and their activist training, for `pipeline_rows`."""
    qs = Applicant.objects.within(scope).select_related("branch")
    qs = qs.filter(stage=stage) if stage else qs.exclude(stage=lifecycle.FULL)
    activist = TrainingAttendance.objects.filter(
        session__kind=TrainingKind.ACTIVIST
    ).select_related("session")
    return qs.prefetch_related(
        Prefetch("history", queryset=ApplicantStageChange.objects.order_by("date")),
        Prefetch("trainings", queryset=activist, to_attr="activist_trainings"),
    ).order_by("branch__code", "code")


@dataclass(frozen=True)
class PipelineRow:
    applicant: Applicant
    history: dict[str, dt.date]
    status: lifecycle.PipelineStatus

    def date(self, stage: str) -> dt.date | None:
        return self.history.get(stage)

    @property
    def next_label(self) -> str:
        return lifecycle.stage_label(self.status.next_stage) if self.status.next_stage else ""


def pipeline_rows(applicants, *, today: dt.date) -> list[PipelineRow]:
    """The rows of `pipeline_queryset` (a page of it) with their status as of `today`."""
    rows = []
    for a in applicants:
        history = {h.stage: h.date for h in a.history.all()}
        trainings = [t.session.date for t in getattr(a, "activist_trainings", [])]
        status = lifecycle.pipeline_status(
            stage=a.stage,
            history=history,
            today=today,
            kinship_declared_on=a.kinship_declared_on,
            activist_trainings=trainings,
        )
        rows.append(PipelineRow(applicant=a, history=history, status=status))
    return rows


def overdue_probations(*, scope: Scope, today: dt.date) -> QuerySet[Member]:
    """Probationary members whose year of probation ended before today (逾期未转正)."""
    return (
        Member.objects.within(scope)
        .filter(status="probationary", probation_ends_on__lt=today, left_on__isnull=True)
        .select_related("branch")
        .order_by("probation_ends_on", "code")
    )


def applicant_steps(*, applicant: Applicant) -> list[ApplicantStageChange]:
    """The applicant's steps, oldest first, each with its `label` (递交入党申请, …)."""
    steps = list(applicant.history.select_related("meeting").order_by("date", "pk"))
    for step in steps:
        step.label = lifecycle.stage_label(step.stage)
    return steps


def deciding_meetings(*, scope: Scope, applicant: Applicant) -> QuerySet[Meeting]:
    """The meetings a step of this applicant may name: their branch's committee and general
    meetings, most recent first."""
    return (
        Meeting.objects.within(scope)
        .filter(branch_id=applicant.branch_id, type__in=("committee", "general"))
        .order_by("-date", "code")
    )


# --- a member's whole history ---


@dataclass(frozen=True)
class Event:
    date: dt.date | None
    kind: str  # pipeline, branch, training, talk, lagging, flowing
    title: str
    detail: str = ""
    url: str = ""


KIND_LABELS = {
    "pipeline": _("发展党员"),
    "branch": _("组织关系"),
    "training": _("党校培训"),
    "talk": _("谈心谈话"),
    "lagging": _("教育转化"),
    "flowing": _("外出流动"),
}


def member_timeline(*, member: Member) -> list[Event]:
    """Everything in a member's record, oldest first: the pipeline steps, every branch spell,
    training attended, talks, time as a lagging member and as a flowing member (9 queries)."""
    events: list[Event] = []
    application = Applicant.objects.filter(member=member).first()
    if application is not None:
        url = reverse("members:applicant_detail", args=[application.pk])
        for step in application.history.select_related("meeting").order_by("date", "pk"):
            detail = []
            if step.meeting:
                detail.append(_("决定会议：%(m)s") % {"m": step.meeting})
            if step.notice_start and step.notice_end:
                detail.append(
                    _("公示 %(a)s 至 %(b)s")
                    % {"a": step.notice_start.isoformat(), "b": step.notice_end.isoformat()}
                )
            events.append(
                Event(
                    step.date, "pipeline", lifecycle.stage_label(step.stage), "；".join(detail), url
                )
            )
    elif member.joined_party_on:
        events.append(Event(member.joined_party_on, "pipeline", _("入党")))
    for t in BranchTransfer.objects.filter(member=member).select_related("branch"):
        events.append(Event(t.since, "branch", _("转入%(b)s") % {"b": t.branch.name}, t.note))
    events.append(Event(member.branch_since, "branch", _("转入%(b)s") % {"b": member.branch.name}))
    if member.left_on:
        events.append(Event(member.left_on, "branch", _("离开%(b)s") % {"b": member.branch.name}))
    for a in TrainingAttendance.objects.filter(member=member).select_related("session"):
        s = a.session
        events.append(Event(s.date, "training", f"{s.get_kind_display()}：{s.title}", s.lecturer))
    for talk in HeartTalk.objects.filter(member=member):
        detail = _("谈话人：%(t)s") % {"t": talk.talker}
        if talk.follow_up:
            detail += "；" + _("跟进：%(f)s") % {"f": talk.follow_up}
        events.append(Event(talk.date, "talk", talk.topic, detail))
    spells = LaggingSpell.objects.filter(member=member).prefetch_related("evaluations", "checks")
    for spell in spells:
        events.append(Event(spell.started_on, "lagging", _("转入铸魂党支部"), spell.reason))
        for e in spell.evaluations.all():
            events.append(
                Event(
                    dt.date(e.year, 3 * e.quarter, 1),
                    "lagging",
                    _("%(y)d年第%(q)d季度转化评价：%(r)s")
                    % {"y": e.year, "q": e.quarter, "r": e.get_result_display()},
                    e.note,
                )
            )
        if spell.ended_on:
            events.append(Event(spell.ended_on, "lagging", _("转回原支部"), spell.end_note))
    for f in FlowingSpell.objects.filter(member=member):
        events.append(
            Event(
                f.started_on,
                "flowing",
                _("外出流动：%(w)s") % {"w": f.workplace},
                _("联系方式：%(c)s") % {"c": f.get_channel_display()},
            )
        )
        if f.ended_on:
            events.append(Event(f.ended_on, "flowing", _("结束外出流动，返回")))
    for c in FlowingContact.objects.filter(member=member, org_life=True):
        events.append(Event(c.date, "flowing", _("异地参加组织生活"), c.note))
    return sorted(events, key=lambda e: (e.date or dt.date.min, list(KIND_LABELS).index(e.kind)))


# --- training ---


def training_sessions(*, scope: Scope, year: int) -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.within(scope)
        .filter(date__year=year)
        .annotate(attendees=Count("attendance"))
        .order_by("-date", "-pk")
    )


def training_session_queryset(*, scope: Scope) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.within(scope)


def training_attendees(*, session: TrainingSession) -> tuple[set[int], set[int]]:
    rows = list(session.attendance.values_list("member_id", "applicant_id"))
    return {m for m, _a in rows if m}, {a for _m, a in rows if a}


@dataclass
class ComplianceRow:
    name: str
    branch: str
    role: str  # 党员, 入党积极分子, 发展对象
    obligations: list[lifecycle.Obligation] = field(default_factory=list)
    page: tuple[str, int] | None = None  # the URL name and id of the person's page

    @property
    def url(self) -> str:
        """Reversed when shown: a list page shows 50 of a township's 1,500 rows."""
        return reverse(self.page[0], args=[self.page[1]]) if self.page else ""

    @property
    def missed(self) -> list[lifecycle.Obligation]:
        return [o for o in self.obligations if o.state == lifecycle.MISSED]

    @property
    def open(self) -> list[lifecycle.Obligation]:
        return [o for o in self.obligations if o.state == lifecycle.OPEN]

    @property
    def met(self) -> list[lifecycle.Obligation]:
        return [o for o in self.obligations if o.state == lifecycle.MET]

    @property
    def compliant(self) -> bool:
        return not self.missed

    @property
    def missed_text(self) -> str:
        return "、".join(obligation_text(o) for o in self.missed)

    @property
    def open_text(self) -> str:
        return "、".join(obligation_text(o) for o in self.open)

    @property
    def met_text(self) -> str:
        return "、".join(f"{obligation_text(o)}×{o.attended}" for o in self.met)


KIND_SHORT = {
    lifecycle.ROTATION: _("轮训"),
    lifecycle.ACTIVIST_TRAINING: _("积极分子培训"),
    lifecycle.CANDIDATE_TRAINING: _("发展对象培训"),
}


def obligation_text(o: lifecycle.Obligation) -> str:
    return f"{o.label} {KIND_SHORT[o.kind]}"


def training_compliance(*, scope: Scope, year: int, as_of: dt.date) -> list[ComplianceRow]:
    """Each member and each activist or candidate of the scope, with their training
    obligations of `year` as of `as_of` (6 queries for any number of people)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # Values, not model instances: a township has 1,500 members.
    members = (
        Member.objects.within(scope)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .filter(Q(joined_party_on__isnull=True) | Q(joined_party_on__lte=end))
        .order_by("branch__code", "code")
    )
    # The year's sessions of the scope's townships, by id: a person attends only their own
    # township's sessions (`services_life.training_attendance_set`). Asked by date through the
    # join, PostgreSQL read the whole county's attendance to find a township's (42 -> 4 ms).
    sessions = {
        pk: (day, kind)
        for pk, day, kind in TrainingSession.objects.filter(
            township__in=Township.objects.within(scope), date__range=(start, end)
        ).values_list("pk", "date", "kind")
    }
    attended: dict[tuple[str, int], list[tuple[dt.date, str]]] = defaultdict(list)
    for m_id, a_id, session_id in TrainingAttendance.objects.filter(
        Q(member__in=members.values("pk"))
        | Q(applicant__in=Applicant.objects.within(scope).values("pk")),
        session_id__in=list(sessions),
    ).values_list("member_id", "applicant_id", "session_id"):
        attended[("m", m_id) if m_id else ("a", a_id)].append(sessions[session_id])
    member_role = str(_("党员"))
    # Most members share their obligations: the same spell (joined long ago, not left) and
    # the same few sessions of the year. Worked out once for each such case; the obligations
    # are frozen, so rows may share them.
    worked_out: dict[tuple, list[lifecycle.Obligation]] = {}

    def member_obligations(joined, left, sessions) -> list[lifecycle.Obligation]:
        key = (joined, left, tuple(sorted(sessions)))
        if key not in worked_out:
            worked_out[key] = lifecycle.training_obligations(
                year=year, as_of=as_of, member=(joined, left), attended=sessions
            )
        return list(worked_out[key])

    rows = [
        ComplianceRow(
            name=name,
            branch=branch_name,
            role=member_role,
            page=("members:member_timeline", pk),
            obligations=member_obligations(joined, left, attended[("m", pk)]),
        )
        for pk, name, branch_name, joined, left in members.values_list(
            "pk", "name", "branch__name", "joined_party_on", "left_on"
        )
    ]
    applicants = (
        Applicant.objects.within(scope)
        .filter(
            stage__in=(
                lifecycle.ACTIVIST,
                lifecycle.CANDIDATE,
                lifecycle.PROBATIONARY,
                lifecycle.FULL,
            )
        )
        .select_related("branch")
        .prefetch_related("history")
        .order_by("branch__code", "code")
    )
    for a in applicants:
        history = {h.stage: h.date for h in a.history.all()}
        activist = _spell(history, lifecycle.ACTIVIST, lifecycle.CANDIDATE)
        candidate = _spell(history, lifecycle.CANDIDATE, lifecycle.PROBATIONARY)
        obligations = lifecycle.training_obligations(
            year=year,
            as_of=as_of,
            activist=activist,
            candidate=candidate,
            attended=attended[("a", a.pk)],
        )
        if obligations:
            rows.append(
                ComplianceRow(
                    name=a.name,
                    branch=a.branch.name,
                    role=str(a.get_stage_display()),
                    page=("members:applicant_detail", a.pk),
                    obligations=obligations,
                )
            )
    return rows


def _spell(history: dict[str, dt.date], stage: str, following: str) -> lifecycle.Spell | None:
    if stage not in history:
        return None
    until = history.get(following)
    return (history[stage], until - dt.timedelta(days=1) if until else None)


# --- lagging members ---


def lagging_spells(*, scope: Scope) -> QuerySet[LaggingSpell]:
    return (
        LaggingSpell.objects.within(scope)
        .select_related("member", "member__branch", "from_branch")
        .annotate(months_checked=Count("checks", distinct=True))
        .order_by(F("ended_on").asc(nulls_first=True), "-started_on", "pk")
    )


def lagging_spell_queryset(*, scope: Scope) -> QuerySet[LaggingSpell]:
    return LaggingSpell.objects.within(scope).select_related(
        "member", "member__branch", "from_branch"
    )


def education_branches(*, scope: Scope) -> QuerySet[Branch]:
    return Branch.objects.within(scope).filter(kind=BranchKind.EDUCATION).order_by("code")


# --- flowing members ---


def flowing_spells(*, scope: Scope) -> QuerySet[FlowingSpell]:
    return (
        FlowingSpell.objects.within(scope)
        .select_related("member", "member__branch")
        .order_by(F("ended_on").asc(nulls_first=True), "-started_on", "pk")
    )


def flowing_spell_queryset(*, scope: Scope) -> QuerySet[FlowingSpell]:
    return FlowingSpell.objects.within(scope).select_related("member")


def flowing_without_org_life(*, scope: Scope, start: dt.date, end: dt.date) -> list[Member]:
    """The flowing members of the scope with no organisation life from `start` to `end`
    (`lifecycle.without_org_life`; 4 queries). Members flagged as flowing without any
    registered spell (imported records) count as flowing throughout."""
    spells: dict[int, list[lifecycle.Spell]] = defaultdict(list)
    for m_id, since, until in (
        FlowingSpell.objects.within(scope)
        .filter(started_on__lte=end)
        .values_list("member_id", "started_on", "ended_on")
    ):
        spells[m_id].append((since, until))
    members = {
        m.pk: m
        for m in Member.objects.within(scope)
        .filter(Q(pk__in=list(spells)) | Q(flowing=True, flowing_spells__isnull=True))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=start))
        .select_related("branch")
        .distinct()
    }
    for m in members.values():
        if m.pk not in spells:
            spells[m.pk].append((None, None))
    spells = {k: v for k, v in spells.items() if k in members}
    present: dict[int, list[dt.date]] = defaultdict(list)
    for m_id, day in (
        Member.objects.filter(pk__in=list(members))
        .filter(
            attendance__status=AttendanceStatus.PRESENT,
            attendance__meeting__date__range=(start, end),
        )
        .values_list("pk", "attendance__meeting__date")
    ):
        present[m_id].append(day)
    contacts: dict[int, list[dt.date]] = defaultdict(list)
    for m_id, day in FlowingContact.objects.filter(
        member_id__in=list(members), org_life=True, date__range=(start, end)
    ).values_list("member_id", "date"):
        contacts[m_id].append(day)
    ids = lifecycle.without_org_life(
        start=start, end=end, flowing=spells, present=present, org_life_contacts=contacts
    )
    return sorted((members[i] for i in ids), key=lambda m: (m.branch.code, m.code))


# --- talks ---


def talks(*, scope: Scope, year: int) -> QuerySet[HeartTalk]:
    return (
        HeartTalk.objects.within(scope)
        .filter(date__year=year)
        .select_related("member", "member__branch")
        .order_by("-date", "-pk")
    )


def members_choice(*, scope: Scope) -> QuerySet[Member]:
    return Member.objects.within(scope).filter(left_on__isnull=True).select_related("branch")


def pipeline_counts(*, scope: Scope) -> dict[str, Any]:
    return dict(
        Applicant.objects.within(scope).values_list("stage").annotate(n=Count("pk")).order_by()
    )
