"""Member services: roster changes, dues, visits and points, with locks, audit and invalidation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from members import services
from members.models import DuesPayment, Member, PointAdjustment, Visit
from tests import factories as f
from township.errors import ApplicationError, MonthLockedError
from township.models import AuditLog, MonthState


@pytest.fixture
def march_locked(cast):
    MonthState.objects.create(township=cast.t1, month=dt.date(2026, 3, 1), locked=True)


def test_member_create_numbers_the_member_and_audits(cast, marked):
    member = services.member_create(
        actor=cast.secretary, branch=cast.b1, name="赵六", gender="F", status="full"
    )
    assert member.township == cast.t1
    assert member.code
    assert AuditLog.objects.filter(action="members.member.created", object_id=member.pk).exists()
    year = timezone.localdate().year
    last_and_this_year = [dt.date(y, m, 1) for y in (year - 1, year) for m in range(1, 13)]
    assert marked() == {(cast.t1.pk, m): 1 for m in last_and_this_year}


def test_member_create_refuses_a_taken_code(cast, marked):
    with pytest.raises(ApplicationError, match="已被使用"):
        services.member_create(
            actor=cast.office, branch=cast.b1, name="赵六", gender="F", code=cast.m1.code
        )


def test_probationary_member_needs_the_end_of_probation(cast, marked):
    with pytest.raises(ApplicationError, match="预备期满"):
        services.member_update(actor=cast.office, member=cast.m1, status="probationary")


def test_member_cannot_be_moved_to_another_township(cast, marked):
    with pytest.raises(ApplicationError):
        services.member_update(actor=cast.office, member=cast.m1, branch=cast.b3)
    assert Member.objects.get(pk=cast.m1.pk).branch == cast.b1


def test_dues_are_recorded_for_the_first_of_the_month(cast, marked):
    payment = services.dues_record(
        actor=cast.secretary,
        member=cast.m1,
        month=dt.date(2026, 3, 17),
        amount=Decimal("3.50"),
        paid_on=dt.date(2026, 4, 2),
    )
    assert payment.month == dt.date(2026, 3, 1)
    assert marked() == {(cast.t1.pk, dt.date(2026, 3, 1)): 1, (cast.t1.pk, dt.date(2026, 4, 1)): 1}
    assert AuditLog.objects.get(action="members.dues.recorded").data["amount"] == "3.50"


def test_secretary_cannot_record_dues_for_a_locked_month(cast, marked, march_locked):
    with pytest.raises(MonthLockedError, match="镇党建办"):
        services.dues_record(
            actor=cast.secretary,
            member=cast.m1,
            month=dt.date(2026, 3, 1),
            amount=Decimal("2"),
            paid_on=dt.date(2026, 4, 1),
        )
    assert not DuesPayment.objects.exists()
    assert marked() == {}


def test_office_may_record_dues_for_a_locked_month(cast, marked, march_locked):
    services.dues_record(
        actor=cast.office,
        member=cast.m1,
        month=dt.date(2026, 3, 1),
        amount=Decimal("2"),
        paid_on=dt.date(2026, 3, 5),
    )
    assert DuesPayment.objects.count() == 1


def test_visit_in_a_locked_month_is_refused_for_the_secretary(cast, marked, march_locked):
    with pytest.raises(MonthLockedError):
        services.visit_record(actor=cast.secretary, member=cast.m1, date=dt.date(2026, 3, 9))
    services.visit_record(
        actor=cast.secretary, member=cast.m1, date=dt.date(2026, 4, 9), household_name="李家"
    )
    assert Visit.objects.get().household_name == "李家"


def test_point_adjustment_needs_a_reason(cast, marked):
    with pytest.raises(ApplicationError, match="事由"):
        services.adjustment_record(
            actor=cast.secretary,
            member=cast.m1,
            date=dt.date(2026, 4, 1),
            points=Decimal("2"),
            reason="  ",
        )
    assert not PointAdjustment.objects.exists()


def test_penalty_is_recorded_negative_and_audited(cast, marked):
    services.adjustment_record(
        actor=cast.secretary,
        member=cast.m1,
        date=dt.date(2026, 4, 1),
        points=Decimal("-3"),
        reason="无故缺席主题党日",
    )
    assert PointAdjustment.objects.get().points == Decimal("-3")
    entry = AuditLog.objects.get(action="members.adjustment.recorded")
    assert entry.data["points"] == "-3"
    assert marked() == {(cast.t1.pk, dt.date(2026, 4, 1)): 1}


def test_point_adjustment_in_a_locked_month_is_refused(cast, marked, march_locked):
    with pytest.raises(MonthLockedError):
        services.adjustment_record(
            actor=cast.secretary,
            member=cast.m1,
            date=dt.date(2026, 3, 1),
            points=Decimal("1"),
            reason="志愿服务",
        )


def test_secretary_cannot_record_dues_paid_on_a_day_of_a_locked_month(cast, marked, march_locked):
    """April is open, but the payment date lies in locked March: the March figures would change."""
    with pytest.raises(MonthLockedError, match="2026年03月"):
        services.dues_record(
            actor=cast.secretary,
            member=cast.m1,
            month=dt.date(2026, 4, 1),
            amount=Decimal("2"),
            paid_on=dt.date(2026, 3, 31),
        )
    assert not DuesPayment.objects.exists()
    assert marked() == {}


def test_negative_dues_are_refused_by_the_service(cast, marked):
    with pytest.raises(ApplicationError, match="负数"):
        services.dues_record(
            actor=cast.secretary,
            member=cast.m1,
            month=dt.date(2026, 3, 1),
            amount=Decimal("-0.01"),
            paid_on=dt.date(2026, 3, 5),
        )
    assert not DuesPayment.objects.exists()
    assert not AuditLog.objects.exists()
    assert marked() == {}


def test_dues_of_zero_are_recorded(cast, marked):
    payment = services.dues_record(
        actor=cast.secretary,
        member=cast.m1,
        month=dt.date(2026, 3, 1),
        amount=Decimal("0"),
        paid_on=dt.date(2026, 3, 5),
    )
    assert DuesPayment.objects.get() == payment and payment.amount == 0


@pytest.mark.parametrize("points", [Decimal("0"), Decimal("0.00")])
def test_a_point_adjustment_of_zero_is_refused(cast, marked, points):
    with pytest.raises(ApplicationError, match="不能为零"):
        services.adjustment_record(
            actor=cast.secretary,
            member=cast.m1,
            date=dt.date(2026, 4, 1),
            points=points,
            reason="志愿服务",
        )
    assert not PointAdjustment.objects.exists()
    assert marked() == {}


def test_a_point_adjustment_of_a_hundredth_is_recorded(cast, marked):
    services.adjustment_record(
        actor=cast.secretary,
        member=cast.m1,
        date=dt.date(2026, 4, 1),
        points=Decimal("0.01"),
        reason=" 志愿服务 ",
    )
    adjustment = PointAdjustment.objects.get()
    assert adjustment.points == Decimal("0.01") and adjustment.reason == "志愿服务"


def test_a_change_of_branch_date_marks_every_month_of_last_year_and_this_year(cast, marked):
    with time_machine.travel(dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC), tick=False):
        services.member_update(actor=cast.office, member=cast.m1, branch_since=dt.date(2025, 6, 1))
    both_years = [dt.date(y, m, 1) for y in (2025, 2026) for m in range(1, 13)]
    assert marked() == {(cast.t1.pk, m): 1 for m in both_years}
    entry = AuditLog.objects.get(action="members.member.changed")
    assert entry.data == {"changes": {"branch_since": [None, "2025-06-01"]}}


@pytest.mark.parametrize(
    "fields", [{"phone": "13800000000"}, {"name": "张伟"}], ids=["contact", "unchanged"]
)
def test_a_change_that_leaves_the_standing_alone_marks_no_month(cast, marked, fields):
    services.member_update(actor=cast.office, member=cast.m1, **fields)
    assert marked() == {}


# --- what the member services refuse, each with the message that names it -------------------


def test_an_unknown_member_field_is_refused_by_name(cast, marked):
    with pytest.raises(ApplicationError, match="未知的党员字段：colour"):
        services.member_update(actor=cast.office, member=cast.m1, colour="red")


@pytest.mark.parametrize("name", ["", "   "])
def test_a_member_needs_a_name(cast, marked, name):
    with pytest.raises(ApplicationError, match="请填写姓名"):
        services.member_create(actor=cast.office, branch=cast.b1, name=name, gender="F")
    assert Member.objects.count() == 3  # m1, m3 and m4 of the cast


def test_a_member_of_another_townships_branch_is_refused(cast, marked):
    with pytest.raises(ApplicationError, match="所在支部无效"):
        services.member_update(actor=cast.office, member=cast.m1, branch=cast.b3)


def test_a_party_group_of_another_branch_is_refused(cast, marked):
    from branches.models import PartyGroup

    theirs = PartyGroup.objects.create(branch=cast.b2, name="第一党小组")
    ours = PartyGroup.objects.create(branch=cast.b1, name="第二党小组")
    with pytest.raises(ApplicationError, match="党小组不属于所选支部"):
        services.member_update(actor=cast.office, member=cast.m1, party_group=theirs)
    services.member_update(actor=cast.office, member=cast.m1, party_group=ours)
    assert Member.objects.get(pk=cast.m1.pk).party_group == ours


def test_leaving_a_branch_before_joining_it_is_refused_and_the_same_day_is_not(cast, marked):
    since = dt.date(2026, 3, 10)
    with pytest.raises(ApplicationError, match="离开本支部日期不能早于转入日期"):
        services.member_update(
            actor=cast.office, member=cast.m1, branch_since=since, left_on=dt.date(2026, 3, 9)
        )
    services.member_update(actor=cast.office, member=cast.m1, branch_since=since, left_on=since)
    assert Member.objects.get(pk=cast.m1.pk).left_on == since


def test_new_members_are_numbered_after_the_townships_members_skipping_taken_codes(cast, marked):
    Member.objects.filter(pk=cast.m1.pk).update(code="A001")  # T1's one member so far
    first = services.member_create(actor=cast.office, branch=cast.b1, name="赵六", gender="F")
    assert first.code == "M00002"
    f.member(branch=cast.b2, code="M00004")
    second = services.member_create(actor=cast.office, branch=cast.b1, name="钱七", gender="M")
    assert second.code == "M00005"


def test_a_member_keeps_their_code_and_cannot_take_anothers(cast, marked):
    other = f.member(branch=cast.b1, code="M09999")
    services.member_update(actor=cast.office, member=cast.m1, code=cast.m1.code, name="张伟伟")
    with pytest.raises(ApplicationError, match="编号 M09999 已被使用"):
        services.member_update(actor=cast.office, member=cast.m1, code=other.code)


def test_a_member_change_is_audited_with_before_and_after_and_masks_personal_numbers(cast):
    # Valid, born on m1's birth date, and never m1's own (the factory numbers by a counter).
    new_id = f.id_number(cast.m1.birth_date, int(cast.m1.id_number[14:17]) + 1)
    services.member_update(
        actor=cast.office, member=cast.m1, name="张伟伟", phone="13800000000", id_number=new_id
    )
    entry = AuditLog.objects.get(action="members.member.changed")
    assert entry.actor == cast.office and entry.object_id == str(cast.m1.pk)
    assert entry.data == {
        "changes": {"name": ["张伟", "张伟伟"], "phone": "***", "id_number": "***"}
    }
    stored = Member.objects.get(pk=cast.m1.pk)
    assert (stored.name, stored.phone) == ("张伟伟", "13800000000")
    assert stored.id_number == new_id


def test_member_create_is_audited_with_its_fields(cast, marked):
    member = services.member_create(
        actor=cast.secretary,
        branch=cast.b1,
        name="赵六",
        gender="F",
        branch_since=dt.date(2026, 1, 1),
    )
    entry = AuditLog.objects.get(action="members.member.created")
    assert entry.actor == cast.secretary and entry.township == cast.t1
    assert entry.data["name"] == "赵六" and entry.data["branch"] == cast.b1.pk
    assert entry.data["branch_since"] == "2026-01-01" and entry.data["code"] == member.code


def test_visits_and_adjustments_are_audited_with_their_data(cast, marked):
    services.visit_record(
        actor=cast.secretary, member=cast.m1, date=dt.date(2026, 4, 9), household_name="李家"
    )
    visit = AuditLog.objects.get(action="members.visit.recorded")
    assert visit.data == {"date": "2026-04-09", "household": "李家"}
    assert visit.object_id == str(cast.m1.pk) and visit.township == cast.t1
    services.adjustment_record(
        actor=cast.secretary, member=cast.m1, date=dt.date(2026, 5, 2), points=Decimal(2),
        reason=" 志愿服务 ",
    )  # fmt: skip
    adjustment = AuditLog.objects.get(action="members.adjustment.recorded")
    assert adjustment.data == {"date": "2026-05-02", "points": "2", "reason": "志愿服务"}
    assert marked() == {(cast.t1.pk, dt.date(2026, 4, 1)): 1, (cast.t1.pk, dt.date(2026, 5, 1)): 1}


def test_the_refusals_name_exactly_what_is_wrong(cast, marked):
    def message(**kw):
        with pytest.raises(ApplicationError) as exc:
            services.adjustment_record(actor=cast.secretary, member=cast.m1, **kw)
        return str(exc.value.message)

    day = dt.date(2026, 4, 1)
    assert message(date=day, points=Decimal(1), reason=" ") == "加减分须写明事由。"
    assert message(date=day, points=Decimal(0), reason="志愿服务") == "分值不能为零。"
    with pytest.raises(ApplicationError) as exc:
        services.member_create(actor=cast.office, branch=cast.b1, name="赵六", code=cast.m1.code)
    assert str(exc.value.message) == f"编号 {cast.m1.code} 已被使用。"


def test_member_codes_are_unique_within_a_township_only(cast, marked):
    Member.objects.filter(pk=cast.m1.pk).update(code="A001")
    Member.objects.filter(pk=cast.m3.pk).update(code="M00002")  # taken in T2, free in T1
    numbered = services.member_create(actor=cast.office, branch=cast.b1, name="赵六", gender="F")
    assert numbered.code == "M00002"
    chosen = services.member_create(
        actor=cast.office, branch=cast.b2, name="钱七", gender="M", code="M00002X"
    )
    assert chosen.code == "M00002X"  # T1 has members, none with this code


def test_the_office_may_record_visits_and_points_in_a_locked_month(cast, marked, march_locked):
    day = dt.date(2026, 3, 9)
    services.visit_record(actor=cast.office, member=cast.m1, date=day)
    services.adjustment_record(
        actor=cast.office, member=cast.m1, date=day, points=Decimal(1), reason="志愿服务"
    )
    assert Visit.objects.get().date == day and PointAdjustment.objects.get().date == day


def test_a_visit_keeps_its_note_and_needs_no_household_name(cast, marked):
    services.visit_record(
        actor=cast.secretary, member=cast.m1, date=dt.date(2026, 4, 9), note="送温暖"
    )
    visit = Visit.objects.get()
    assert (visit.household_name, visit.note) == ("", "送温暖")


def test_record_services_audit_the_actor_and_the_records_township(cast, marked):
    """The entry names who wrote and the township of the record, even when no user wrote it
    (a command), so the right office sees it."""
    day = dt.date(2026, 4, 9)
    for i, actor in enumerate((cast.secretary, None)):
        services.visit_record(actor=actor, member=cast.m1, date=day)
        services.adjustment_record(
            actor=actor, member=cast.m1, date=day, points=Decimal(1), reason="志愿服务"
        )
        month = day.replace(month=4 + i)  # one payment per member and month
        services.dues_record(
            actor=actor, member=cast.m1, month=month, amount=Decimal(1), paid_on=day
        )
        services.member_create(actor=actor, branch=cast.b1, name="赵六", gender="F")
    entries = AuditLog.objects.order_by("pk")
    assert [e.actor for e in entries] == [cast.secretary] * 4 + [None] * 4
    assert {e.township_id for e in entries} == {cast.t1.pk}
    assert all(e.object_id for e in entries)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"colour": "red", "mood": 1}, "未知的党员字段：colour, mood"),
        ({"name": " "}, "请填写姓名。"),
        ({"status": "probationary"}, "预备党员须填写预备期满日期。"),
        ({"branch": None}, "所在支部无效。"),
        (
            {"branch_since": dt.date(2026, 3, 10), "left_on": dt.date(2026, 3, 9)},
            "离开本支部日期不能早于转入日期。",
        ),
    ],
    ids=["unknown fields", "no name", "probation end", "branch", "left before joining"],
)
def test_member_update_refuses_with_the_exact_message(cast, marked, fields, message):
    with pytest.raises(ApplicationError) as exc:
        services.member_update(actor=cast.office, member=cast.m1, **fields)
    assert str(exc.value.message) == message


def test_other_refusals_of_the_member_services_have_their_exact_message(cast, marked):
    from branches.models import PartyGroup

    theirs = PartyGroup.objects.create(branch=cast.b2, name="第一党小组")
    with pytest.raises(ApplicationError) as exc:
        services.member_update(actor=cast.office, member=cast.m1, party_group=theirs)
    assert str(exc.value.message) == "党小组不属于所选支部。"
    other = f.member(branch=cast.b1, code="M09999")
    with pytest.raises(ApplicationError) as exc:
        services.member_update(actor=cast.office, member=cast.m1, code=other.code)
    assert str(exc.value.message) == "编号 M09999 已被使用。"
    with pytest.raises(ApplicationError) as exc:
        services.dues_record(
            actor=cast.office, member=cast.m1, month=dt.date(2026, 3, 1), amount=Decimal("-1"),
            paid_on=dt.date(2026, 3, 1),
        )  # fmt: skip
    assert str(exc.value.message) == "党费金额不能为负数。"


def test_a_probationary_member_with_the_end_of_probation_is_accepted(cast, marked):
    services.member_update(
        actor=cast.office,
        member=cast.m1,
        status="probationary",
        probation_ends_on=dt.date(2026, 9, 1),
    )
    assert Member.objects.get(pk=cast.m1.pk).status == "probationary"


def test_a_member_may_take_a_code_free_in_their_township(cast, marked):
    Member.objects.filter(pk=cast.m3.pk).update(code="M07777")  # in T2
    services.member_update(actor=cast.office, member=cast.m1, code="M07777")
    services.member_update(actor=cast.office, member=cast.m1, code="M08888")
    assert Member.objects.get(pk=cast.m1.pk).code == "M08888"


def test_member_audit_data_keeps_amounts_as_text_and_names_the_township(cast, marked):
    member = services.member_create(
        actor=None, branch=cast.b1, name="赵六", gender="F", monthly_income=Decimal("3000.50")
    )
    created = AuditLog.objects.get(action="members.member.created")
    assert created.data["monthly_income"] == "3000.50" and created.township == cast.t1
    services.member_update(actor=None, member=member, monthly_income=Decimal("3200.00"))
    changed = AuditLog.objects.get(action="members.member.changed")
    assert changed.data == {"changes": {"monthly_income": ["3000.50", "3200.00"]}}
    assert (changed.actor, changed.township) == (None, cast.t1)


def test_dues_are_audited_with_month_amount_and_payment_date(cast, marked):
    services.dues_record(
        actor=cast.secretary, member=cast.m1, month=dt.date(2026, 3, 17), amount=Decimal("3.50"),
        paid_on=dt.date(2026, 4, 2),
    )  # fmt: skip
    entry = AuditLog.objects.get(action="members.dues.recorded")
    assert entry.data == {"month": "2026-03-01", "amount": "3.50", "paid_on": "2026-04-02"}
    assert (entry.actor, entry.township, entry.object_id) == (
        cast.secretary,
        cast.t1,
        str(cast.m1.pk),
    )


def test_a_new_member_may_take_a_code_used_in_another_township(cast, marked):
    member = services.member_create(
        actor=cast.office, branch=cast.b1, name="赵六", gender="F", code=cast.m3.code
    )
    assert member.code == cast.m3.code and member.township == cast.t1


def test_a_visit_without_a_note_stores_none(cast, marked):
    services.visit_record(actor=cast.secretary, member=cast.m1, date=dt.date(2026, 4, 9))
    assert Visit.objects.get().note == ""
