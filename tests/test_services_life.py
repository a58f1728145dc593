"""A member's life cycle in the database: the pipeline's services with their rules and audit,
training, lagging and flowing members, talks, and the selectors' known answers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from branches.models import BranchKind
from members import lifecycle, selectors_life, services_life
from members.models import (
    ApplicantStageChange,
    BranchTransfer,
    LaggingMonthCheck,
    Member,
    TrainingAttendance,
    TrainingSession,
)
from tests import factories as f
from township.errors import ApplicationError, MonthLockedError
from township.models import AuditLog, MonthState
from township.scoping import Scope

D = dt.date
NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield D(2026, 11, 30)


def office_scope(cast) -> Scope:
    return Scope(role="office", township_id=cast.t1.pk, county_id=cast.county.pk)


def session(township, kind: str, day: dt.date) -> TrainingSession:
    return TrainingSession.objects.create(township=township, kind=kind, date=day, title=kind)


def walk_to_candidate(cast, *, actor=None):
    """An applicant of B1 who became an activist on 29 February 2024, trained that May."""
    actor = actor or cast.office
    a = services_life.applicant_create(
        actor=actor, branch=cast.b1, name="刘洋", gender="F", applied_on=D(2023, 10, 8)
    )
    committee = f.meeting(branch=cast.b1, type="committee", date=D(2024, 2, 29))
    services_life.applicant_step(
        actor=actor, applicant=a, stage="activist", date=D(2024, 2, 29), meeting=committee
    )
    s = session(cast.t1, "activist", D(2024, 5, 10))
    services_life.training_attendance_set(actor=actor, session=s, members=[], applicants=[a])
    return a


def candidate_step(cast, a, day: dt.date):
    committee = f.meeting(branch=cast.b1, type="committee", date=day)
    return services_life.applicant_step(
        actor=cast.office,
        applicant=a,
        stage="candidate",
        date=day,
        meeting=committee,
        notice_start=day - dt.timedelta(days=9),
        notice_end=day - dt.timedelta(days=1),
    )


# --- the pipeline -------------------------------------------------------------------------------


def test_the_whole_pipeline_ends_in_a_full_member_with_a_years_probation(cast):
    a = walk_to_candidate(cast)
    candidate_step(cast, a, D(2025, 2, 28))  # exactly a year after 29 February
    services_life.applicant_kinship_declare(
        actor=cast.office, applicant=a, declared_on=D(2025, 3, 1), relatives=""
    )
    general = f.meeting(branch=cast.b1, type="general", date=D(2025, 6, 1))
    services_life.applicant_step(
        actor=cast.office,
        applicant=a,
        stage="probationary",
        date=D(2025, 6, 1),
        meeting=general,
        notice_start=D(2025, 5, 20),
        notice_end=D(2025, 5, 26),
    )
    a.refresh_from_db()
    member = a.member
    assert (member.status, member.probation_ends_on, member.joined_party_on) == (
        "probationary",
        D(2026, 6, 1),
        D(2025, 6, 1),
    )
    assert member.branch == cast.b1
    general2 = f.meeting(branch=cast.b1, type="general", date=D(2026, 6, 1))
    services_life.applicant_step(
        actor=cast.office,
        applicant=a,
        stage="full",
        date=D(2026, 6, 1),
        meeting=general2,
        notice_start=D(2026, 5, 20),
        notice_end=D(2026, 5, 26),
    )
    a.refresh_from_db()
    member.refresh_from_db()
    assert (a.stage, a.stage_since, member.status) == ("full", D(2026, 6, 1), "full")
    stages = list(a.history.order_by("date").values_list("stage", flat=True))
    assert stages == ["applicant", "activist", "candidate", "probationary", "full"]
    actions = list(
        AuditLog.objects.filter(action__startswith="members.applicant").values_list(
            "action", flat=True
        )
    )
    assert actions.count("members.applicant.step") == 4
    assert "members.applicant.kinship_declared" in actions


def test_candidacy_one_day_short_is_refused_and_nothing_is_written(cast):
    a = walk_to_candidate(cast)
    with pytest.raises(ApplicationError) as exc:
        candidate_step(cast, a, D(2025, 2, 27))
    assert exc.value.message == (
        "刘洋 于 2024-02-29 列为入党积极分子，培养教育须满一年，"
        "最早 2025-02-28 才能确定为发展对象。"
    )
    assert exc.value.extra == {"field": "date"}
    a.refresh_from_db()
    assert a.stage == "activist"
    assert not ApplicantStageChange.objects.filter(stage="candidate").exists()


def test_candidacy_without_activist_training_is_refused(cast):
    a = walk_to_candidate(cast)
    TrainingAttendance.objects.all().delete()
    with pytest.raises(ApplicationError, match="没有参加过入党积极分子培训"):
        candidate_step(cast, a, D(2025, 3, 10))


def test_admission_without_the_kinship_declaration_is_refused(cast):
    a = walk_to_candidate(cast)
    candidate_step(cast, a, D(2025, 3, 10))
    general = f.meeting(branch=cast.b1, type="general", date=D(2025, 6, 1))
    with pytest.raises(ApplicationError) as exc:
        services_life.applicant_step(
            actor=cast.office,
            applicant=a,
            stage="probationary",
            date=D(2025, 6, 1),
            meeting=general,
            notice_start=D(2025, 5, 20),
            notice_end=D(2025, 5, 26),
        )
    assert "须先完成亲属关系报备" in str(exc.value.message)
    assert not Member.objects.filter(name="刘洋").exists()


def test_a_meeting_of_another_branch_cannot_decide(cast):
    a = services_life.applicant_create(
        actor=cast.office, branch=cast.b1, name="周杰", gender="M", applied_on=D(2026, 1, 5)
    )
    other = f.meeting(branch=cast.b2, type="committee", date=D(2026, 3, 1))
    with pytest.raises(ApplicationError, match="决定会议须是本人所在支部的会议"):
        services_life.applicant_step(
            actor=cast.office, applicant=a, stage="activist", date=D(2026, 3, 1), meeting=other
        )


def test_a_secretary_cannot_record_a_step_in_a_locked_month(cast):
    a = services_life.applicant_create(
        actor=cast.secretary, branch=cast.b1, name="周杰", gender="M", applied_on=D(2026, 1, 5)
    )
    MonthState.objects.create(township=cast.t1, month=D(2026, 3, 1), locked=True)
    committee = f.meeting(branch=cast.b1, type="committee", date=D(2026, 3, 2))
    with pytest.raises(MonthLockedError):
        services_life.applicant_step(
            actor=cast.secretary,
            applicant=a,
            stage="activist",
            date=D(2026, 3, 2),
            meeting=committee,
        )


def test_an_application_dated_tomorrow_is_refused(cast, today):
    with pytest.raises(ApplicationError, match="晚于今天"):
        services_life.applicant_create(
            actor=cast.office,
            branch=cast.b1,
            name="周杰",
            gender="M",
            applied_on=today + dt.timedelta(days=1),
        )


def test_a_step_marks_the_months_from_its_date_changed(cast, marked):
    a = services_life.applicant_create(
        actor=cast.office, branch=cast.b1, name="周杰", gender="M", applied_on=D(2026, 1, 5)
    )
    committee = f.meeting(branch=cast.b1, type="committee", date=D(2026, 9, 2))
    services_life.applicant_step(
        actor=cast.office, applicant=a, stage="activist", date=D(2026, 9, 2), meeting=committee
    )
    assert set(marked()) == {(cast.t1.pk, D(2026, m, 1)) for m in (9, 10, 11)}


def test_overdue_probations_start_the_day_after_the_probation_ends(cast, today):
    due_today = f.member(branch=cast.b1, status="probationary", probation_ends_on=today)
    overdue = f.member(
        branch=cast.b1, status="probationary", probation_ends_on=today - dt.timedelta(days=1)
    )
    f.member(branch=cast.b3, status="probationary", probation_ends_on=D(2025, 1, 1))  # T2
    found = list(selectors_life.overdue_probations(scope=office_scope(cast), today=today))
    assert found == [overdue]
    assert due_today not in found


# --- training -----------------------------------------------------------------------------------


def test_training_attendance_is_replaced_and_audited(cast):
    s = session(cast.t1, "rotation", D(2026, 4, 1))
    m2 = f.member(branch=cast.b2)
    services_life.training_attendance_set(actor=cast.office, session=s, members=[cast.m1, m2])
    change = services_life.training_attendance_set(actor=cast.office, session=s, members=[m2])
    assert change["members_removed"] == [cast.m1.pk]
    assert list(s.attendance.values_list("member_id", flat=True)) == [m2.pk]
    assert AuditLog.objects.filter(action="members.training.attendance").count() == 2


def test_training_attendance_of_another_township_is_refused(cast):
    s = session(cast.t1, "rotation", D(2026, 4, 1))
    with pytest.raises(ApplicationError, match="只能登记本乡镇"):
        services_life.training_attendance_set(actor=cast.office, session=s, members=[cast.m3])


def test_training_compliance_on_constructed_data(cast, today):
    """m1 attended rotation in H1 only (H2 still open on 30 November); m_missing none in H1
    (missed); an activist since May attended in Q2 only (Q3 missed, Q4 open)."""
    f.member(branch=cast.b1, name="缺训", joined_party_on=D(2010, 1, 1))
    cast.m1.joined_party_on = D(2001, 7, 1)
    cast.m1.save()
    s1 = session(cast.t1, "rotation", D(2026, 4, 1))
    s2 = session(cast.t1, "activist", D(2026, 6, 1))
    a = f.applicant(branch=cast.b1, stage="activist", since=D(2026, 5, 10))
    ApplicantStageChange.objects.create(applicant=a, stage="activist", date=D(2026, 5, 10))
    TrainingAttendance.objects.create(session=s1, member=cast.m1)
    TrainingAttendance.objects.create(session=s2, applicant=a)
    rows = {
        r.name: r
        for r in selectors_life.training_compliance(
            scope=office_scope(cast), year=2026, as_of=today
        )
    }
    assert rows[cast.m1.name].missed_text == ""
    assert rows[cast.m1.name].open_text == "2026-H2 轮训"
    assert rows["缺训"].missed_text == "2026-H1 轮训"
    assert rows[a.name].met_text == "2026-Q2 积极分子培训×1"
    assert rows[a.name].missed_text == "2026-Q3 积极分子培训"
    assert rows[a.name].open_text == "2026-Q4 积极分子培训"
    assert cast.m3.name not in rows  # T2


def test_members_sharing_sessions_or_spells_keep_their_own_obligations(cast, today):
    """The compliance list works out each distinct (joined, left, sessions) once: members who
    share some of those and differ in one still get their own obligations."""
    h1, h2 = (
        session(cast.t1, "rotation", D(2026, 4, 1)),
        session(cast.t1, "rotation", D(2026, 9, 1)),
    )
    people = {
        "甲": (D(2010, 1, 1), None, [h1]),
        "乙": (D(2010, 1, 1), None, []),
        "丙": (D(2026, 8, 1), None, [h1]),  # not yet a member in H1
        "丁": (D(2010, 1, 1), D(2026, 3, 1), []),  # left in H1
        "戊": (D(2010, 1, 1), None, [h1]),  # as 甲
        "己": (D(2010, 1, 1), None, [h1, h2]),
        "庚": (D(2010, 1, 1), None, [h2, h1]),  # as 己, attended in another order
        "辛": (D(2010, 1, 1), None, [h2]),  # as 甲, another session
    }
    for name, (joined, left, attended) in people.items():
        m = f.member(branch=cast.b1, name=name, joined_party_on=joined, left_on=left)
        for s in attended:
            TrainingAttendance.objects.create(session=s, member=m)
    rows = {
        r.name: r
        for r in selectors_life.training_compliance(
            scope=office_scope(cast), year=2026, as_of=today
        )
    }
    for name, (joined, left, attended) in people.items():
        alone = lifecycle.training_obligations(
            year=2026,
            as_of=today,
            member=(joined, left),
            attended=[(s.date, s.kind) for s in attended],
        )
        assert rows[name].obligations == alone, name
    assert rows["乙"].missed_text == rows["丁"].missed_text == "2026-H1 轮训"
    assert rows["丁"].open_text == "" and rows["乙"].open_text == "2026-H2 轮训"
    assert [o.label for o in rows["丙"].obligations] == ["2026-H2"]
    assert rows["己"].met_text == rows["庚"].met_text == "2026-H1 轮训×1、2026-H2 轮训×1"


# --- lagging members ----------------------------------------------------------------------------


@pytest.fixture
def education(cast):
    return f.branch(township=cast.t1, name="铸魂党支部", kind=BranchKind.EDUCATION, ranked=False)


def test_a_lagging_member_goes_to_the_education_branch_and_back(cast, education):
    cast.m1.branch_since = D(2020, 1, 1)
    cast.m1.save()
    spell = services_life.lagging_transfer_in(
        actor=cast.office,
        member=cast.m1,
        education_branch=education,
        on=D(2026, 3, 1),
        reason="连续6个月不参加组织生活",
    )
    cast.m1.refresh_from_db()
    assert (cast.m1.branch, cast.m1.branch_since) == (education, D(2026, 3, 1))
    first = BranchTransfer.objects.get(member=cast.m1)
    assert (first.branch, first.since, first.left_on) == (cast.b1, D(2020, 1, 1), D(2026, 3, 1))
    services_life.lagging_transfer_back(actor=cast.office, spell=spell, on=D(2026, 9, 1))
    cast.m1.refresh_from_db()
    spell.refresh_from_db()
    assert (cast.m1.branch, cast.m1.branch_since, spell.ended_on) == (
        cast.b1,
        D(2026, 9, 1),
        D(2026, 9, 1),
    )
    assert BranchTransfer.objects.filter(member=cast.m1).count() == 2
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"members.lagging.transferred_in", "members.lagging.transferred_back"} <= actions
    assert "members.member.changed" in actions


def test_lagging_transfer_needs_a_reason_and_the_education_branch(cast, education):
    with pytest.raises(ApplicationError, match="请写明转入铸魂党支部的原因"):
        services_life.lagging_transfer_in(
            actor=cast.office,
            member=cast.m1,
            education_branch=education,
            on=D(2026, 3, 1),
            reason=" ",
        )
    with pytest.raises(ApplicationError, match="只能转入铸魂党支部"):
        services_life.lagging_transfer_in(
            actor=cast.office,
            member=cast.m1,
            education_branch=cast.b2,
            on=D(2026, 3, 1),
            reason="x",
        )


def test_the_six_ones_checklist_is_one_per_month_and_corrected_in_place(cast, education):
    spell = services_life.lagging_transfer_in(
        actor=cast.office, member=cast.m1, education_branch=education, on=D(2026, 3, 15), reason="r"
    )
    services_life.lagging_check_record(
        actor=cast.office, spell=spell, month=D(2026, 3, 1), org_life=True
    )
    check = services_life.lagging_check_record(
        actor=cast.office, spell=spell, month=D(2026, 3, 20), org_life=True, talk=True
    )
    assert LaggingMonthCheck.objects.count() == 1
    assert check.done == 2
    with pytest.raises(ApplicationError, match="月份须在转入铸魂党支部"):
        services_life.lagging_check_record(actor=cast.office, spell=spell, month=D(2026, 2, 1))


def test_a_quarter_before_the_spell_cannot_be_evaluated(cast, education):
    spell = services_life.lagging_transfer_in(
        actor=cast.office, member=cast.m1, education_branch=education, on=D(2026, 4, 1), reason="r"
    )
    services_life.lagging_evaluate(
        actor=cast.office, spell=spell, year=2026, quarter=2, result="improving"
    )
    with pytest.raises(ApplicationError, match="2026年第1季度不在"):
        services_life.lagging_evaluate(
            actor=cast.office, spell=spell, year=2026, quarter=1, result="improving"
        )


# --- flowing members and talks ------------------------------------------------------------------


def test_flowing_start_and_end_keep_the_members_flag(cast):
    spell = services_life.flowing_start(
        actor=cast.secretary,
        member=cast.m1,
        started_on=D(2026, 2, 10),
        workplace="浙江省宁波市",
        channel="wechat",
    )
    cast.m1.refresh_from_db()
    assert (cast.m1.flowing, cast.m1.flowing_workplace) == (True, "浙江省宁波市")
    with pytest.raises(ApplicationError, match="已登记为外出流动"):
        services_life.flowing_start(
            actor=cast.secretary,
            member=cast.m1,
            started_on=D(2026, 3, 1),
            workplace="x",
            channel="phone",
        )
    services_life.flowing_end(actor=cast.secretary, spell=spell, ended_on=D(2026, 10, 1))
    cast.m1.refresh_from_db()
    assert cast.m1.flowing is False


def test_flowing_members_without_organisation_life_in_the_database(cast):
    """H1 2026: a (away, present at a meeting) no; b (away, absent only) yes; c (away, online
    organisation life) no; d (flagged flowing, no spell, excused only) yes; e of T2 never."""
    a, b, c, d = (f.member(branch=cast.b1, name=n) for n in "甲乙丙丁")
    e = f.member(branch=cast.b3, name="戊")
    for m in (a, b, c, e):
        services_life.flowing_start(
            actor=cast.office if m != e else cast.office2,
            member=m,
            started_on=D(2025, 12, 1),
            workplace="上海",
            channel="wechat",
        )
    Member.objects.filter(pk=d.pk).update(flowing=True)
    f.meeting(branch=cast.b1, date=D(2026, 3, 5), attendance={a: "present", b: "absent"})
    f.meeting(branch=cast.b1, date=D(2026, 7, 5), attendance={b: "present", d: "excused"})
    services_life.flowing_contact_record(
        actor=cast.office, member=c, date=D(2026, 6, 30), channel="wechat", org_life=True
    )
    services_life.flowing_contact_record(
        actor=cast.office, member=b, date=D(2026, 5, 1), channel="phone", org_life=False
    )
    found = selectors_life.flowing_without_org_life(
        scope=office_scope(cast), start=D(2026, 1, 1), end=D(2026, 6, 30)
    )
    assert [m.name for m in found] == ["乙", "丁"]


def test_a_talk_today_is_recorded_tomorrow_is_refused(cast, today):
    services_life.talk_record(
        actor=cast.secretary, member=cast.m1, talker="王书记", date=today, topic="思想状况"
    )
    with pytest.raises(ApplicationError, match="晚于今天"):
        services_life.talk_record(
            actor=cast.secretary,
            member=cast.m1,
            talker="王书记",
            date=today + dt.timedelta(days=1),
            topic="思想状况",
        )
    assert AuditLog.objects.filter(action="members.talk.recorded").count() == 1


def test_the_timeline_holds_every_part_of_a_members_history_in_order(cast, education):
    a = walk_to_candidate(cast)
    candidate_step(cast, a, D(2025, 3, 10))
    services_life.applicant_kinship_declare(
        actor=cast.office, applicant=a, declared_on=D(2025, 4, 1)
    )
    general = f.meeting(branch=cast.b1, type="general", date=D(2025, 6, 1))
    services_life.applicant_step(
        actor=cast.office,
        applicant=a,
        stage="probationary",
        date=D(2025, 6, 1),
        meeting=general,
        notice_start=D(2025, 5, 20),
        notice_end=D(2025, 5, 26),
    )
    a.refresh_from_db()
    m = a.member
    s = session(cast.t1, "rotation", D(2025, 9, 1))
    services_life.training_attendance_set(actor=cast.office, session=s, members=[m])
    services_life.talk_record(
        actor=cast.office, member=m, talker="王书记", date=D(2025, 10, 1), topic="转正前谈话"
    )
    spell = services_life.lagging_transfer_in(
        actor=cast.office, member=m, education_branch=education, on=D(2025, 11, 1), reason="r"
    )
    services_life.lagging_transfer_back(actor=cast.office, spell=spell, on=D(2026, 2, 1))
    m.refresh_from_db()
    services_life.flowing_start(
        actor=cast.office, member=m, started_on=D(2026, 3, 1), workplace="深圳", channel="phone"
    )
    events = selectors_life.member_timeline(member=Member.objects.get(pk=m.pk))
    assert [(e.date, e.kind) for e in events] == [
        (D(2023, 10, 8), "pipeline"),
        (D(2024, 2, 29), "pipeline"),
        (D(2025, 3, 10), "pipeline"),
        (D(2025, 6, 1), "pipeline"),
        (D(2025, 6, 1), "branch"),
        (D(2025, 9, 1), "training"),
        (D(2025, 10, 1), "talk"),
        (D(2025, 11, 1), "branch"),
        (D(2025, 11, 1), "lagging"),
        (D(2026, 2, 1), "branch"),
        (D(2026, 2, 1), "lagging"),
        (D(2026, 3, 1), "flowing"),
    ]


def test_an_export_and_reimport_keeps_the_admitted_and_their_history(cast):
    """EXCHANGE.md's applicants end at candidate: the admitted are not exported, and a
    re-import of the township's own file keeps them with their steps."""
    from branches.models import Township
    from exchange.document import document_dumps
    from exchange.exporter import township_export
    from exchange.importer import township_import
    from members.models import Applicant

    admitted = f.applicant(branch=cast.b1, stage="probationary", since=D(2026, 6, 1))
    ApplicantStageChange.objects.create(
        applicant=admitted, stage="probationary", date=D(2026, 6, 1)
    )
    waiting = f.applicant(branch=cast.b1, stage="activist", since=D(2026, 2, 1))
    text = document_dumps(township_export(townships=Township.objects.filter(pk=cast.t1.pk)))
    assert admitted.code not in text and waiting.code in text
    township_import(actor=None, document=text.encode(), actor_name="test")
    assert set(Applicant.objects.filter(township=cast.t1).values_list("code", flat=True)) == {
        admitted.code,
        waiting.code,
    }
    assert admitted.history.count() == 1
