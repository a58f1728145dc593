"""Writes of a member's life cycle: the development pipeline, Party-school training, lagging
members (铸魂), flowing members and heart-to-heart talks.

Keyword-only and atomic, `actor` required; the rules are `members.lifecycle`'s plain functions;
each write leaves its audit entry in the same transaction, and writes that change what the
scoring reads (the pipeline's stages, a member's branch) mark their months changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Branch, BranchKind, Meeting
from members import lifecycle
from members.models import (
    SIX_ONES,
    Applicant,
    ApplicantStageChange,
    BranchTransfer,
    FlowingContact,
    FlowingSpell,
    HeartTalk,
    LaggingEvaluation,
    LaggingMonthCheck,
    LaggingSpell,
    Member,
    MemberStatus,
    TrainingAttendance,
    TrainingKind,
    TrainingSession,
)
from members.services import member_create, member_update
from township import plausible
from township.audit import audit_log
from township.errors import ApplicationError
from township.months import ensure_month_open, months_mark_changed


def _months_from(day: dt.date, today: dt.date) -> list[dt.date]:
    """The first days of the months from `day`'s to `today`'s: a stage holds from its date on."""
    out, first = [], day.replace(day=1)
    while first <= today:
        out.append(first)
        first = plausible.add_months(first, 1)
    return out


def _record_date(day: dt.date, label) -> None:
    plausible.refuse({"date": plausible.record_date(day, today=plausible.today(), label=label)})


# --- the development pipeline --------------------------------------------------------------------


def _step_request(applicant: Applicant | None, **fields: Any) -> lifecycle.StepRequest:
    meeting: Meeting | None = fields.pop("meeting", None)
    history: dict[str, dt.date] = {}
    trainings: list[dt.date] = []
    if applicant is not None and applicant.pk:
        history = dict(applicant.history.values_list("stage", "date"))
        trainings = list(
            applicant.trainings.filter(session__kind=TrainingKind.ACTIVIST).values_list(
                "session__date", flat=True
            )
        )
    return lifecycle.StepRequest(
        name=fields.pop("name"),
        branch_id=fields.pop("branch_id"),
        current_stage=applicant.stage if applicant is not None and applicant.pk else None,
        history=history,
        activist_trainings=trainings,
        kinship_declared_on=applicant.kinship_declared_on if applicant is not None else None,
        meeting=None
        if meeting is None
        else lifecycle.MeetingFacts(
            date=meeting.date, type=meeting.type, branch_id=meeting.branch_id
        ),
        **fields,
    )


def _refuse_step(req: lifecycle.StepRequest) -> None:
    problems = lifecycle.step_problems(req, today=plausible.today())
    plausible.refuse(problems)


def _new_applicant_code(*, township_id: int) -> str:
    n = Applicant.objects.filter(township_id=township_id).count() + 1
    while Applicant.objects.filter(township_id=township_id, code=f"D{n:04d}").exists():
        n += 1
    return f"D{n:04d}"


@transaction.atomic
def applicant_create(
    *,
    actor,
    branch: Branch,
    name: str,
    applied_on: dt.date,
    gender: str = "",
    birth_date: dt.date | None = None,
    note: str = "",
) -> Applicant:
    """Record an application for Party membership (递交入党申请书), the pipeline's first step."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("请填写姓名。"), extra={"field": "name"})
    _refuse_step(
        _step_request(
            None, name=name, branch_id=branch.pk, stage=lifecycle.APPLICANT, date=applied_on
        )
    )
    ensure_month_open(actor=actor, township_id=branch.township_id, day=applied_on)
    applicant = Applicant.objects.create(
        township_id=branch.township_id,
        branch=branch,
        code=_new_applicant_code(township_id=branch.township_id),
        name=name,
        gender=gender,
        birth_date=birth_date,
        stage=lifecycle.APPLICANT,
        stage_since=applied_on,
    )
    ApplicantStageChange.objects.create(
        applicant=applicant, stage=lifecycle.APPLICANT, date=applied_on, deciding_meeting=note
    )
    audit_log(
        actor=actor,
        action="members.applicant.created",
        township_id=branch.township_id,
        obj=applicant,
        data={"name": name, "branch": branch.pk, "applied_on": applied_on.isoformat()},
    )
    return applicant


@transaction.atomic
def applicant_step(
    *,
    actor,
    applicant: Applicant,
    stage: str,
    date: dt.date,
    meeting: Meeting | None = None,
    notice_start: dt.date | None = None,
    notice_end: dt.date | None = None,
    note: str = "",
) -> ApplicantStageChange:
    """Take the applicant's next step. Admission (probationary) opens their member record with
    a year's probation; full membership ends it. Refused with the rule's message otherwise."""
    applicant = Applicant.objects.select_for_update().select_related("branch").get(pk=applicant.pk)
    _refuse_step(
        _step_request(
            applicant,
            name=applicant.name,
            branch_id=applicant.branch_id,
            stage=stage,
            date=date,
            meeting=meeting,
            notice_start=notice_start,
            notice_end=notice_end,
        )
    )
    ensure_month_open(actor=actor, township_id=applicant.township_id, day=date)
    if stage == lifecycle.PROBATIONARY:
        if not applicant.gender:
            raise ApplicationError(
                _("接收为预备党员前请先填写%(name)s的性别（建立党员档案需要）。")
                % {"name": applicant.name},
                extra={"field": "stage"},
            )
        applicant.member = member_create(
            actor=actor,
            branch=applicant.branch,
            name=applicant.name,
            gender=applicant.gender,
            birth_date=applicant.birth_date,
            joined_party_on=date,
            status=MemberStatus.PROBATIONARY,
            probation_ends_on=lifecycle.one_year_after(date),
            branch_since=date,
        )
    elif stage == lifecycle.FULL and applicant.member is not None:
        member_update(actor=actor, member=applicant.member, status=MemberStatus.FULL)
    change = ApplicantStageChange.objects.create(
        applicant=applicant,
        stage=stage,
        date=date,
        meeting=meeting,
        notice_start=notice_start,
        notice_end=notice_end,
        deciding_meeting=note,
    )
    applicant.stage, applicant.stage_since = stage, date
    applicant.save(update_fields=["stage", "stage_since", "member"])
    audit_log(
        actor=actor,
        action="members.applicant.step",
        township_id=applicant.township_id,
        obj=applicant,
        data={
            "stage": stage,
            "date": date.isoformat(),
            "meeting": meeting.pk if meeting else None,
            "notice": [d.isoformat() if d else None for d in (notice_start, notice_end)],
        },
    )
    # The fortress index's F8 reads the applicants' stages at each month end from this date.
    months_mark_changed(
        township_id=applicant.township_id, days=_months_from(date, plausible.today())
    )
    return change


@transaction.atomic
def applicant_kinship_declare(
    *, actor, applicant: Applicant, declared_on: dt.date, relatives: str = "", document: str = ""
) -> Applicant:
    """File the kinship declaration (亲属关系报备): relatives within three generations in the
    village's two committees, none when `relatives` is empty."""
    plausible.refuse(
        {
            "declared_on": plausible.record_date(
                declared_on, today=plausible.today(), label=_("报备日期")
            )
        }
    )
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if applicant.stage in (lifecycle.PROBATIONARY, lifecycle.FULL):
        raise ApplicationError(
            _("%(name)s 已被接收，亲属关系报备不能再修改。") % {"name": applicant.name}
        )
    applicant.kinship_declared_on = declared_on
    applicant.kinship_relatives = relatives.strip()
    applicant.kinship_document = document.strip()
    applicant.save(update_fields=["kinship_declared_on", "kinship_relatives", "kinship_document"])
    audit_log(
        actor=actor,
        action="members.applicant.kinship_declared",
        township_id=applicant.township_id,
        obj=applicant,
        data={
            "declared_on": declared_on.isoformat(),
            "relatives": applicant.kinship_relatives,
            "document": applicant.kinship_document,
        },
    )
    return applicant


# --- training ----------------------------------------------------------------------------------


@transaction.atomic
def training_session_create(
    *, actor, township, kind: str, date: dt.date, title: str, lecturer: str = "", hours=2
) -> TrainingSession:
    _record_date(date, _("培训日期"))
    if kind not in TrainingKind.values:
        raise ApplicationError(_("培训类别无效。"), extra={"field": "kind"})
    session = TrainingSession.objects.create(
        township=township, kind=kind, date=date, title=title.strip(), lecturer=lecturer, hours=hours
    )
    audit_log(
        actor=actor,
        action="members.training.created",
        township_id=township.pk,
        obj=session,
        data={"kind": kind, "date": date.isoformat(), "title": session.title},
    )
    return session


@transaction.atomic
def training_attendance_set(
    *,
    actor,
    session: TrainingSession,
    members: Iterable[Member],
    applicants: Iterable[Applicant] = (),
) -> dict[str, list[int]]:
    """Make the session's attendance exactly these members and applicants (of its township)."""
    members, applicants = list(members), list(applicants)
    if any(p.township_id != session.township_id for p in [*members, *applicants]):
        raise ApplicationError(_("只能登记本乡镇的党员和发展对象。"))
    rows = TrainingAttendance.objects.filter(session=session)
    before_m = set(rows.filter(member__isnull=False).values_list("member_id", flat=True))
    before_a = set(rows.filter(applicant__isnull=False).values_list("applicant_id", flat=True))
    after_m, after_a = {m.pk for m in members}, {a.pk for a in applicants}
    rows.filter(member_id__in=before_m - after_m).delete()
    rows.filter(applicant_id__in=before_a - after_a).delete()
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(session=session, member_id=pk) for pk in sorted(after_m - before_m)]
        + [
            TrainingAttendance(session=session, applicant_id=pk)
            for pk in sorted(after_a - before_a)
        ]
    )
    change = {
        "members_added": sorted(after_m - before_m),
        "members_removed": sorted(before_m - after_m),
        "applicants_added": sorted(after_a - before_a),
        "applicants_removed": sorted(before_a - after_a),
    }
    audit_log(
        actor=actor,
        action="members.training.attendance",
        township_id=session.township_id,
        obj=session,
        data=change,
    )
    return change


# --- lagging members: the education branch -------------------------------------------------------


def _move(*, actor, member: Member, to: Branch, on: dt.date, note: str) -> Member:
    """Transfer a member to another branch of the township (组织关系转接): the spell in the old
    branch becomes history (`BranchTransfer`), the member's record moves (audited, months
    marked, by `member_update`)."""
    if member.left_on is not None:
        raise ApplicationError(_("%(name)s 已离开支部，不能转接。") % {"name": member.name})
    if member.branch_since is not None and on < member.branch_since:
        raise ApplicationError(
            _("转接日期 %(on)s 早于转入现支部的日期 %(since)s。")
            % {"on": on.isoformat(), "since": member.branch_since.isoformat()},
            extra={"field": "date"},
        )
    BranchTransfer.objects.create(
        member=member, branch_id=member.branch_id, since=member.branch_since, left_on=on, note=note
    )
    return member_update(actor=actor, member=member, branch=to, branch_since=on, party_group=None)


@transaction.atomic
def lagging_transfer_in(
    *, actor, member: Member, education_branch: Branch, on: dt.date, reason: str
) -> LaggingSpell:
    """Transfer a lagging member to the education branch (铸魂党支部), with the reason."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("请写明转入铸魂党支部的原因。"), extra={"field": "reason"})
    if education_branch.kind != BranchKind.EDUCATION:
        raise ApplicationError(_("只能转入铸魂党支部。"), extra={"field": "education_branch"})
    if (
        education_branch.township_id != member.township_id
        or member.branch_id == education_branch.pk
    ):
        raise ApplicationError(
            _("%(name)s 已在铸魂党支部，或该支部不属于本乡镇。") % {"name": member.name}
        )
    _record_date(on, _("转入日期"))
    ensure_month_open(actor=actor, township_id=member.township_id, day=on)
    spell = LaggingSpell.objects.create(
        member=member, from_branch_id=member.branch_id, reason=reason, started_on=on
    )
    _move(
        actor=actor, member=member, to=education_branch, on=on, note=_("转入铸魂党支部：") + reason
    )
    audit_log(
        actor=actor,
        action="members.lagging.transferred_in",
        township_id=member.township_id,
        obj=member,
        data={
            "spell": spell.pk,
            "from": spell.from_branch_id,
            "on": on.isoformat(),
            "reason": reason,
        },
    )
    return spell


@transaction.atomic
def lagging_transfer_back(
    *, actor, spell: LaggingSpell, on: dt.date, note: str = ""
) -> LaggingSpell:
    """End the spell: the member goes back to the branch they came from."""
    spell = (
        LaggingSpell.objects.select_for_update()
        .select_related("member", "from_branch")
        .get(pk=spell.pk)
    )
    if spell.ended_on is not None:
        raise ApplicationError(_("该教育转化已结束。"))
    _record_date(on, _("转回日期"))
    if on < spell.started_on:
        raise ApplicationError(_("转回日期早于转入日期。"), extra={"field": "date"})
    ensure_month_open(actor=actor, township_id=spell.member.township_id, day=on)
    _move(actor=actor, member=spell.member, to=spell.from_branch, on=on, note=_("转回原支部"))
    spell.ended_on, spell.end_note = on, note.strip()
    spell.save(update_fields=["ended_on", "end_note"])
    audit_log(
        actor=actor,
        action="members.lagging.transferred_back",
        township_id=spell.member.township_id,
        obj=spell.member,
        data={"spell": spell.pk, "to": spell.from_branch_id, "on": on.isoformat(), "note": note},
    )
    return spell


@transaction.atomic
def lagging_check_record(
    *, actor, spell: LaggingSpell, month: dt.date, note: str = "", **done: bool
) -> LaggingMonthCheck:
    """Record (or correct) a month's “六个一” checklist of a lagging member."""
    fields = {field for field, _label in SIX_ONES}
    if set(done) - fields:
        raise ApplicationError(_("未知的清单项目。"))
    month = month.replace(day=1)
    if month < spell.started_on.replace(day=1) or month > plausible.today():
        raise ApplicationError(
            _("月份须在转入铸魂党支部（%(since)s）之后且不晚于本月。")
            % {"since": spell.started_on.isoformat()},
            extra={"field": "month"},
        )
    values = {f: bool(done.get(f)) for f in fields} | {"note": note.strip()}
    check, created = LaggingMonthCheck.objects.update_or_create(
        spell=spell, month=month, defaults=values
    )
    audit_log(
        actor=actor,
        action="members.lagging.checked",
        township_id=spell.member.township_id,
        obj=spell.member,
        data={"spell": spell.pk, "month": f"{month:%Y-%m}", "done": check.done, "new": created},
    )
    return check


@transaction.atomic
def lagging_evaluate(
    *, actor, spell: LaggingSpell, year: int, quarter: int, result: str, note: str = ""
) -> LaggingEvaluation:
    """The quarterly evaluation of the transformation, once the quarter has begun."""
    if not 1 <= quarter <= 4:
        raise ApplicationError(_("季度须为 1 至 4。"), extra={"field": "quarter"})
    first = dt.date(year, 3 * quarter - 2, 1)
    if first > plausible.today() or dt.date(year, 3 * quarter, 28) < spell.started_on.replace(
        day=1
    ):
        raise ApplicationError(
            _("%(y)d年第%(q)d季度不在该党员的教育转化期内。") % {"y": year, "q": quarter},
            extra={"field": "quarter"},
        )
    evaluation, _created = LaggingEvaluation.objects.update_or_create(
        spell=spell, year=year, quarter=quarter, defaults={"result": result, "note": note.strip()}
    )
    audit_log(
        actor=actor,
        action="members.lagging.evaluated",
        township_id=spell.member.township_id,
        obj=spell.member,
        data={"spell": spell.pk, "quarter": f"{year}-Q{quarter}", "result": result},
    )
    return evaluation


# --- flowing members -----------------------------------------------------------------------------


@transaction.atomic
def flowing_start(
    *,
    actor,
    member: Member,
    started_on: dt.date,
    workplace: str,
    channel: str,
    employer: str = "",
    contact: str = "",
) -> FlowingSpell:
    """Register that a member works away: where, and how the branch keeps in touch."""
    plausible.refuse(
        {
            "started_on": plausible.record_date(
                started_on, today=plausible.today(), label=_("外出日期")
            )
        }
    )
    if not workplace.strip():
        raise ApplicationError(_("请填写外出务工地。"), extra={"field": "workplace"})
    if FlowingSpell.objects.filter(member=member, ended_on__isnull=True).exists():
        raise ApplicationError(
            _("%(name)s 已登记为外出流动，请先登记返回。") % {"name": member.name}
        )
    spell = FlowingSpell.objects.create(
        member=member,
        started_on=started_on,
        workplace=workplace.strip(),
        employer=employer.strip(),
        channel=channel,
        contact=contact.strip(),
    )
    member_update(actor=actor, member=member, flowing=True, flowing_workplace=spell.workplace)
    audit_log(
        actor=actor,
        action="members.flowing.started",
        township_id=member.township_id,
        obj=member,
        data={
            "started_on": started_on.isoformat(),
            "workplace": spell.workplace,
            "channel": channel,
        },
    )
    return spell


@transaction.atomic
def flowing_end(*, actor, spell: FlowingSpell, ended_on: dt.date) -> FlowingSpell:
    spell = FlowingSpell.objects.select_for_update().select_related("member").get(pk=spell.pk)
    plausible.refuse(
        {"ended_on": plausible.record_date(ended_on, today=plausible.today(), label=_("返回日期"))}
    )
    if spell.ended_on is not None:
        raise ApplicationError(_("该外出登记已结束。"))
    if ended_on < spell.started_on:
        raise ApplicationError(_("返回日期早于外出日期。"), extra={"field": "ended_on"})
    spell.ended_on = ended_on
    spell.save(update_fields=["ended_on"])
    member_update(actor=actor, member=spell.member, flowing=False, flowing_workplace="")
    audit_log(
        actor=actor,
        action="members.flowing.ended",
        township_id=spell.member.township_id,
        obj=spell.member,
        data={"ended_on": ended_on.isoformat()},
    )
    return spell


@transaction.atomic
def flowing_contact_record(
    *, actor, member: Member, date: dt.date, channel: str, org_life: bool = False, note: str = ""
) -> FlowingContact:
    _record_date(date, _("联系日期"))
    contact = FlowingContact.objects.create(
        member=member, date=date, channel=channel, org_life=org_life, note=note.strip()
    )
    audit_log(
        actor=actor,
        action="members.flowing.contacted",
        township_id=member.township_id,
        obj=member,
        data={"date": date.isoformat(), "channel": channel, "org_life": org_life},
    )
    return contact


# --- heart-to-heart talks ------------------------------------------------------------------------


@transaction.atomic
def talk_record(
    *,
    actor,
    member: Member,
    talker: str,
    date: dt.date,
    topic: str,
    talker_post: str = "",
    follow_up: str = "",
) -> HeartTalk:
    """Record a heart-to-heart talk (谈心谈话); a talk cannot be dated in the future."""
    _record_date(date, _("谈话日期"))
    if not talker.strip():
        raise ApplicationError(_("请填写谈话人。"), extra={"field": "talker"})
    if not topic.strip():
        raise ApplicationError(_("请填写谈话主题。"), extra={"field": "topic"})
    talk = HeartTalk.objects.create(
        member=member,
        talker=talker.strip(),
        talker_post=talker_post.strip(),
        date=date,
        topic=topic.strip(),
        follow_up=follow_up.strip(),
    )
    audit_log(
        actor=actor,
        action="members.talk.recorded",
        township_id=member.township_id,
        obj=member,
        data={"date": date.isoformat(), "talker": talk.talker, "topic": talk.topic},
    )
    return talk


# --- a member's transfer between branches of the township (the office) ---------------------------


@transaction.atomic
def member_transfer(*, actor, member: Member, to: Branch, on: dt.date, note: str = "") -> Member:
    """Move a member to another branch of the township (组织关系转接) on day `on`: the spell in
    the old branch is kept as history (`BranchTransfer`), the member is on the new branch's
    roster from `on` (`branch_since`), audited, and the months it touches are marked."""
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    if to.township_id != member.township_id:
        raise ApplicationError(_("只能转入本乡镇的党支部。"), extra={"field": "to"})
    if to.pk == member.branch_id:
        raise ApplicationError(
            _("%(name)s 已在%(branch)s。") % {"name": member.name, "branch": to.name},
            extra={"field": "to"},
        )
    if not to.active:
        raise ApplicationError(
            _("%(branch)s已撤销，不能转入党员。") % {"branch": to.name}, extra={"field": "to"}
        )
    _record_date(on, _("转接日期"))
    ensure_month_open(actor=actor, township_id=member.township_id, day=on)
    from_branch = member.branch
    note = (note or "").strip()[:200]
    _move(actor=actor, member=member, to=to, on=on, note=note)
    audit_log(
        actor=actor,
        action="members.member.transferred",
        township_id=member.township_id,
        obj=member,
        data={
            "from": from_branch.code,
            "to": to.code,
            "on": on.isoformat(),
            "reason": note,
        },
    )
    return member
