"""Meeting and attendance services: month locks, audit, score invalidation, branch checks."""

from __future__ import annotations

import datetime as dt

import pytest

from branches import services
from branches.models import Attendance, Meeting
from tests import factories as f
from township.errors import ApplicationError, MonthLockedError
from township.models import AuditLog, MonthState

MARCH = dt.date(2026, 3, 1)


def lock(township, month=MARCH):
    return MonthState.objects.create(township=township, month=month, locked=True)


def test_secretary_records_a_meeting_and_scores_are_invalidated(cast, marked):
    meeting = services.meeting_create(
        actor=cast.secretary,
        branch=cast.b1,
        type="themed_day",
        date=dt.date(2026, 3, 5),
        topic="学习党章",
        act_study=True,
        act_oath=True,
    )
    assert meeting.township == cast.t1
    assert meeting.code == "MT000001"
    assert meeting.actions == ["study", "oath"]
    assert marked() == {(cast.t1.pk, MARCH): 1}
    assert AuditLog.objects.filter(action="branches.meeting.created").count() == 1


def test_two_meetings_on_one_day_get_distinct_codes(cast, marked):
    day = dt.date(2026, 3, 5)
    a = services.meeting_create(actor=cast.secretary, branch=cast.b1, type="committee", date=day)
    b = services.meeting_create(actor=cast.secretary, branch=cast.b1, type="group", date=day)
    assert a.code != b.code


def test_actions_are_refused_outside_themed_days(cast, marked):
    with pytest.raises(ApplicationError, match="主题党日"):
        services.meeting_create(
            actor=cast.secretary, branch=cast.b1, type="lecture", date=MARCH, act_dues=True
        )
    assert not Meeting.objects.exists()


def test_secretary_cannot_record_in_a_locked_month(cast, marked):
    lock(cast.t1)
    with pytest.raises(MonthLockedError) as exc:
        services.meeting_create(
            actor=cast.secretary, branch=cast.b1, type="committee", date=dt.date(2026, 3, 20)
        )
    assert "2026年03月" in str(exc.value.message)
    assert "已由镇党建办锁定" in str(exc.value.message)
    assert not Meeting.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="branches.").exists()
    assert marked() == {}


def test_office_may_correct_a_locked_month(cast, marked):
    lock(cast.t1)
    services.meeting_create(
        actor=cast.office, branch=cast.b1, type="committee", date=dt.date(2026, 3, 20)
    )
    stored = Meeting.objects.get()
    assert (stored.branch, stored.township, stored.type) == (cast.b1, cast.t1, "committee")
    assert stored.date == dt.date(2026, 3, 20)
    assert AuditLog.objects.get(action="branches.meeting.created").actor == cast.office
    # The mark stays on the locked month: its figures stand until the office reopens it.
    assert marked() == {(cast.t1.pk, MARCH): 1}
    assert MonthState.objects.get(township=cast.t1, month=MARCH).locked


def test_moving_a_meeting_out_of_a_locked_month_is_refused(cast, marked):
    meeting = f.meeting(branch=cast.b1, date=dt.date(2026, 3, 5))
    lock(cast.t1)
    with pytest.raises(MonthLockedError):
        services.meeting_update(actor=cast.secretary, meeting=meeting, date=dt.date(2026, 4, 5))
    meeting.refresh_from_db()
    assert meeting.date == dt.date(2026, 3, 5)


def test_moving_a_meeting_into_a_locked_month_is_refused(cast, marked):
    meeting = f.meeting(branch=cast.b1, date=dt.date(2026, 4, 5))
    lock(cast.t1)
    with pytest.raises(MonthLockedError):
        services.meeting_update(actor=cast.secretary, meeting=meeting, date=dt.date(2026, 3, 5))


def test_moving_a_meeting_marks_both_months(cast, marked):
    meeting = f.meeting(branch=cast.b1, date=dt.date(2026, 3, 5))
    services.meeting_update(actor=cast.secretary, meeting=meeting, date=dt.date(2026, 4, 5))
    assert marked() == {(cast.t1.pk, MARCH): 1, (cast.t1.pk, dt.date(2026, 4, 1)): 1}


def test_update_reads_the_stored_date_not_the_callers_instance(cast, marked):
    meeting = f.meeting(branch=cast.b1, date=dt.date(2026, 3, 5))
    lock(cast.t1)
    meeting.date = dt.date(2026, 4, 5)  # e.g. a model form already changed the instance
    with pytest.raises(MonthLockedError):
        services.meeting_update(actor=cast.secretary, meeting=meeting, date=dt.date(2026, 4, 5))


def test_unchanged_update_writes_nothing(cast, marked):
    meeting = f.meeting(branch=cast.b1, topic="A")
    services.meeting_update(actor=cast.secretary, meeting=meeting, topic="A")
    assert not AuditLog.objects.exists()
    assert marked() == {}


def test_secretary_cannot_delete_a_meeting_of_a_locked_month(cast, marked):
    meeting = f.meeting(branch=cast.b1, date=dt.date(2026, 3, 5))
    lock(cast.t1)
    with pytest.raises(MonthLockedError):
        services.meeting_delete(actor=cast.secretary, meeting=meeting)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    services.meeting_delete(actor=cast.office, meeting=meeting)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_lock_in_another_township_does_not_matter(cast, marked):
    lock(cast.t2)
    meeting = services.meeting_create(
        actor=cast.secretary, branch=cast.b1, type="committee", date=MARCH
    )
    assert Meeting.objects.filter(pk=meeting.pk, township=cast.t1).exists()
    assert marked() == {(cast.t1.pk, MARCH): 1}


def test_attendance_is_recorded_in_bulk_and_updated(cast, marked):
    m2 = f.member(branch=cast.b1)
    meeting = f.meeting(branch=cast.b1)
    n = services.attendance_record(
        actor=cast.secretary,
        meeting=meeting,
        entries=[
            {"member": cast.m1, "status": "present"},
            {"member": m2.pk, "status": "excused", "reason": "外出务工"},
        ],
    )
    assert n == 2
    services.attendance_record(
        actor=cast.secretary, meeting=meeting, entries=[{"member": m2, "status": "absent"}]
    )
    rows = dict(Attendance.objects.values_list("member_id", "status"))
    assert rows == {cast.m1.pk: "present", m2.pk: "absent"}
    assert Attendance.objects.get(member=m2).reason == ""  # a reason only goes with excused
    assert AuditLog.objects.filter(action="branches.attendance.changed").count() == 2
    assert marked() == {(cast.t1.pk, meeting.date.replace(day=1)): 2}


def test_attendance_of_another_branchs_member_is_refused(cast, marked):
    stranger = f.member(branch=cast.b2, name="王五")
    meeting = f.meeting(branch=cast.b1)
    with pytest.raises(ApplicationError, match="王五") as exc:
        services.attendance_record(
            actor=cast.secretary,
            meeting=meeting,
            entries=[
                {"member": cast.m1, "status": "present"},
                {"member": stranger, "status": "present"},
            ],
        )
    assert "不是东李庄党支部的党员" in str(exc.value.message)
    assert not Attendance.objects.exists()  # nothing of the batch is written


def test_attendance_in_a_locked_month_is_refused_for_the_secretary(cast, marked):
    meeting = f.meeting(branch=cast.b1, date=dt.date(2026, 3, 5))
    lock(cast.t1)
    with pytest.raises(MonthLockedError):
        services.attendance_record(
            actor=cast.secretary, meeting=meeting, entries=[{"member": cast.m1, "status": "absent"}]
        )
    services.attendance_record(
        actor=cast.office, meeting=meeting, entries=[{"member": cast.m1, "status": "absent"}]
    )
    assert Attendance.objects.get().status == "absent"


def test_unknown_attendance_status_is_refused(cast, marked):
    meeting = f.meeting(branch=cast.b1)
    with pytest.raises(ApplicationError):
        services.attendance_record(
            actor=cast.secretary, meeting=meeting, entries=[{"member": cast.m1, "status": "late"}]
        )


# --- what the meeting services refuse, each with the message that names it ------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"type": "committee", "date": MARCH, "venue": "村部"}, "未知的会议字段：venue"),
        ({"type": "party", "date": MARCH}, "会议类型无效。"),
        ({"type": "committee", "date": None}, "请填写会议日期。"),
        ({"type": "committee", "date": "2026-03-05"}, "请填写会议日期。"),
        ({"type": "group", "date": MARCH, "act_study": True}, "“4+X”规定动作只适用于主题党日。"),
    ],
    ids=["unknown field", "unknown type", "no date", "date as text", "actions off a themed day"],
)
def test_a_meeting_the_service_refuses(cast, marked, fields, message):
    with pytest.raises(ApplicationError) as exc:
        services.meeting_create(actor=cast.secretary, branch=cast.b1, **fields)
    assert str(exc.value.message) == message
    assert not Meeting.objects.exists()
    assert marked() == {}


def test_meetings_continue_the_townships_mt_sequence_of_imports_and_the_demo(cast, marked):
    day = dt.date(2026, 3, 5)
    f.meeting(branch=cast.b2, date=day, code="MT000009")
    f.meeting(branch=cast.b2, date=day, code="MT12")  # fewer digits (the worked example): 12 > 9
    f.meeting(branch=cast.b2, date=day, code="会议-999")  # another form: not counted
    f.meeting(branch=cast.b2, date=day, code="MT" + "9" * 16)  # beyond 15 digits: not counted
    first = services.meeting_create(
        actor=cast.secretary, branch=cast.b1, type="committee", date=day
    )
    second = services.meeting_create(actor=cast.secretary, branch=cast.b1, type="group", date=day)
    assert [first.code, second.code] == ["MT000013", "MT000014"]


def test_meeting_numbers_beyond_six_digits_keep_counting(cast, marked):
    f.meeting(branch=cast.b2, date=MARCH, code="MT999999")
    f.meeting(branch=cast.b2, date=MARCH, code="MT1000000")
    meeting = services.meeting_create(
        actor=cast.secretary, branch=cast.b1, type="group", date=MARCH
    )
    assert meeting.code == "MT1000001"


def test_a_meeting_is_audited_with_its_fields_and_without_the_minutes(cast, marked):
    meeting = services.meeting_create(
        actor=cast.secretary,
        branch=cast.b1,
        type="committee",
        date=MARCH,
        topic="换届",
        minutes="…",
    )
    entry = AuditLog.objects.get(action="branches.meeting.created")
    assert entry.actor == cast.secretary and entry.township == cast.t1
    assert entry.object_id == str(meeting.pk)
    assert entry.data == {"type": "committee", "date": "2026-03-01", "topic": "换届"}


def test_a_meeting_change_is_audited_with_before_and_after(cast, marked):
    meeting = f.meeting(branch=cast.b1, type="committee", topic="A", date=dt.date(2026, 3, 5))
    stored = services.meeting_update(
        actor=cast.office, meeting=meeting, topic="B", date=dt.date(2026, 3, 6)
    )
    assert (stored.topic, stored.date) == ("B", dt.date(2026, 3, 6))
    assert Meeting.objects.get(pk=meeting.pk).topic == "B"
    entry = AuditLog.objects.get(action="branches.meeting.changed")
    assert entry.actor == cast.office and entry.township == cast.t1
    assert entry.data == {"changes": {"topic": ["A", "B"], "date": ["2026-03-05", "2026-03-06"]}}
    assert marked() == {(cast.t1.pk, MARCH): 1}


def test_a_deleted_meeting_is_audited_and_marks_its_month(cast, marked):
    meeting = f.meeting(branch=cast.b1, type="lecture", date=dt.date(2026, 4, 5))
    pk, code = meeting.pk, meeting.code
    services.meeting_delete(actor=cast.secretary, meeting=meeting)
    assert not Meeting.objects.filter(pk=pk).exists()
    entry = AuditLog.objects.get(action="branches.meeting.deleted")
    assert entry.township == cast.t1 and entry.object_id == str(pk)
    assert entry.data == {"code": code, "type": "lecture", "date": "2026-04-05"}
    assert marked() == {(cast.t1.pk, dt.date(2026, 4, 1)): 1}


def test_an_excused_reason_is_trimmed_and_cut_at_200_characters(cast, marked):
    meeting = f.meeting(branch=cast.b1)
    services.attendance_record(
        actor=cast.secretary,
        meeting=meeting,
        entries=[{"member": cast.m1, "status": "excused", "reason": "  " + "病" * 250 + " "}],
    )
    assert Attendance.objects.get().reason == "病" * 200


def test_unchanged_attendance_writes_no_audit_entry_and_marks_nothing(cast, marked):
    meeting = f.meeting(branch=cast.b1, attendance={cast.m1: "present"})
    saved = services.attendance_record(
        actor=cast.secretary, meeting=meeting, entries=[{"member": cast.m1, "status": "present"}]
    )
    assert saved == 0
    assert not AuditLog.objects.exists()
    assert marked() == {}


def test_attendance_changes_are_audited_per_member(cast, marked):
    meeting = f.meeting(branch=cast.b1, attendance={cast.m1: "present"})
    services.attendance_record(
        actor=cast.secretary, meeting=meeting, entries=[{"member": cast.m1, "status": "absent"}]
    )
    entry = AuditLog.objects.get(action="branches.attendance.changed")
    assert entry.object_id == str(meeting.pk) and entry.township == cast.t1
    assert entry.data == {"changes": {str(cast.m1.pk): ["present", "absent"]}}


def test_the_office_may_move_a_meeting_within_and_out_of_a_locked_month(cast, marked):
    meeting = f.meeting(branch=cast.b1, date=dt.date(2026, 3, 5))
    lock(cast.t1)
    services.meeting_update(actor=cast.office, meeting=meeting, date=dt.date(2026, 3, 6))
    services.meeting_update(actor=cast.office, meeting=meeting, date=dt.date(2026, 4, 6))
    assert Meeting.objects.get(pk=meeting.pk).date == dt.date(2026, 4, 6)


def test_an_unknown_attendance_status_is_refused_with_its_message(cast, marked):
    meeting = f.meeting(branch=cast.b1)
    with pytest.raises(ApplicationError) as exc:
        services.attendance_record(
            actor=cast.secretary, meeting=meeting, entries=[{"member": cast.m1, "status": "late"}]
        )
    assert str(exc.value.message) == "出勤状态无效。"


def test_strangers_are_named_in_the_refusal_and_unknown_ids_listed(cast, marked):
    a, b = f.member(branch=cast.b2, name="王五"), f.member(branch=cast.b2, name="赵四")
    meeting = f.meeting(branch=cast.b1)
    with pytest.raises(ApplicationError) as exc:
        services.attendance_record(
            actor=cast.secretary,
            meeting=meeting,
            entries=[{"member": a, "status": "present"}, {"member": b, "status": "present"}],
        )
    names = str(exc.value.message).split("：")[1]
    assert str(exc.value.message).startswith("以下人员不是东李庄党支部的党员，不能登记出勤：")
    assert sorted(names.split("、")) == sorted(["王五", "赵四"])
    with pytest.raises(ApplicationError) as exc:
        services.attendance_record(
            actor=cast.secretary, meeting=meeting, entries=[{"member": 999999, "status": "absent"}]
        )
    assert str(exc.value.message).endswith("不能登记出勤：[999999]")


def test_a_reason_is_kept_only_for_an_excused_entry(cast, marked):
    m2, m3 = f.member(branch=cast.b1), f.member(branch=cast.b1)
    meeting = f.meeting(branch=cast.b1)
    services.attendance_record(
        actor=cast.secretary,
        meeting=meeting,
        entries=[
            {"member": cast.m1, "status": "absent", "reason": "睡过头"},
            {"member": m2, "status": "excused"},
            {"member": m3, "status": "excused", "reason": "外出务工"},
        ],
    )
    reasons = dict(Attendance.objects.values_list("member_id", "reason"))
    assert reasons == {cast.m1.pk: "", m2.pk: "", m3.pk: "外出务工"}


def test_meeting_services_audit_the_actor_the_record_and_its_township(cast, marked):
    for actor in (cast.office, None):
        meeting = f.meeting(branch=cast.b1, topic="A")
        services.attendance_record(
            actor=actor, meeting=meeting, entries=[{"member": cast.m1, "status": "present"}]
        )
        services.meeting_update(actor=actor, meeting=meeting, topic="B")
        pk = meeting.pk
        services.meeting_delete(actor=actor, meeting=meeting)
        entries = list(AuditLog.objects.filter(object_id=str(pk)).order_by("pk"))
        assert [e.action for e in entries] == [
            "branches.attendance.changed",
            "branches.meeting.changed",
            "branches.meeting.deleted",
        ]
        assert {(e.actor, e.township_id) for e in entries} == {(actor, cast.t1.pk)}
        assert entries[0].data == {"changes": {str(cast.m1.pk): [None, "present"]}}


def test_unknown_meeting_fields_are_all_named(cast, marked):
    with pytest.raises(ApplicationError) as exc:
        services.meeting_create(
            actor=cast.secretary, branch=cast.b1, type="group", date=MARCH, venue="村部", mood=1
        )
    assert str(exc.value.message) == "未知的会议字段：mood, venue"


def test_meeting_codes_count_only_the_townships_own_meetings(cast, marked):
    twin = f.branch(township=cast.t2, code=cast.b1.code)  # branch codes are unique per township
    f.meeting(branch=twin, date=MARCH, code="MT000041")
    meeting = services.meeting_create(
        actor=cast.secretary, branch=cast.b1, type="group", date=MARCH
    )
    assert meeting.code == "MT000001"


def test_attendance_record_counts_the_rows_it_created_and_changed(cast, marked):
    m2 = f.member(branch=cast.b1)
    meeting = f.meeting(branch=cast.b1, attendance={cast.m1: "present"})
    saved = services.attendance_record(
        actor=cast.secretary,
        meeting=meeting,
        entries=[{"member": cast.m1, "status": "absent"}, {"member": m2, "status": "present"}],
    )
    assert saved == 2


def test_a_meeting_created_by_a_command_is_audited_under_its_township(cast, marked):
    meeting = services.meeting_create(actor=None, branch=cast.b1, type="group", date=MARCH)
    entry = AuditLog.objects.get(action="branches.meeting.created")
    assert (entry.actor, entry.township, entry.object_id) == (None, cast.t1, str(meeting.pk))
