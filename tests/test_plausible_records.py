"""The plausibility rules on every way in: services, forms and pages (the JSON import is in
test_exchange_rules.py). Today is pinned to 15 June 2026 in Shanghai."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from branches.models import Attendance, Meeting
from branches.services import attendance_record, meeting_create
from members import services
from members.models import DuesPayment, Member, PointAdjustment, Visit
from scoring.models import OfficeScore
from scoring.services import month_lock, office_score_set
from tests import factories as f
from township.errors import ApplicationError
from township.models import AuditLog, MonthState

TODAY = dt.date(2026, 6, 15)
TOMORROW = dt.date(2026, 6, 16)
D = dt.date


@pytest.fixture(autouse=True)
def pinned_today():
    # 00:30 in Shanghai is still the previous day in UTC: the rules must read Shanghai's day.
    moment = dt.datetime(2026, 6, 15, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        yield


# --- dated records through the services -------------------------------------------------------


def test_a_visit_dated_today_is_recorded(cast):
    services.visit_record(actor=cast.secretary, member=cast.m1, date=TODAY, household_name="李四家")
    assert Visit.objects.get().date == TODAY


def test_a_visit_dated_tomorrow_is_refused(cast):
    with pytest.raises(ApplicationError) as refused:
        services.visit_record(
            actor=cast.secretary, member=cast.m1, date=TOMORROW, household_name="李四家"
        )
    assert refused.value.message == (
        "走访日期 2026-06-16 晚于今天（2026-06-15），不能登记尚未发生的记录。"
    )
    assert refused.value.extra == {"field": "date"}
    assert not Visit.objects.exists()


def test_an_adjustment_dated_on_the_first_day_of_2000_is_recorded(cast):
    services.adjustment_record(
        actor=cast.office, member=cast.m1, date=D(2000, 1, 1), points=Decimal(2), reason="补录"
    )
    assert PointAdjustment.objects.get().date == D(2000, 1, 1)


def test_an_adjustment_dated_in_1999_is_refused(cast):
    with pytest.raises(ApplicationError, match="日期 1999-12-31 早于 2000-01-01"):
        services.adjustment_record(
            actor=cast.office,
            member=cast.m1,
            date=D(1999, 12, 31),
            points=Decimal(2),
            reason="补录",
        )
    assert not PointAdjustment.objects.exists()


def test_a_meeting_dated_tomorrow_is_refused_and_today_accepted(cast):
    with pytest.raises(ApplicationError, match="会议日期 2026-06-16 晚于今天"):
        meeting_create(actor=cast.secretary, branch=cast.b1, type="committee", date=TOMORROW)
    assert not Meeting.objects.exists()
    meeting = meeting_create(actor=cast.secretary, branch=cast.b1, type="committee", date=TODAY)
    assert meeting.date == TODAY


def test_a_meeting_dated_in_1999_is_refused(cast):
    with pytest.raises(ApplicationError, match="会议日期 1999-12-31 早于 2000-01-01"):
        meeting_create(actor=cast.secretary, branch=cast.b1, type="committee", date=D(1999, 12, 31))
    meeting_create(actor=cast.secretary, branch=cast.b1, type="committee", date=D(2000, 1, 1))


def test_no_attendance_is_recorded_for_a_meeting_stored_with_a_future_date(cast):
    meeting = f.meeting(branch=cast.b1, date=TOMORROW)  # stored before the rule existed
    with pytest.raises(ApplicationError, match="会议日期 2026-06-16 晚于今天"):
        attendance_record(
            actor=cast.secretary,
            meeting=meeting,
            entries=[{"member": cast.m1, "status": "present"}],
        )
    assert not Attendance.objects.exists()


def test_office_score_for_next_month_is_refused_and_this_month_accepted(cast):
    with pytest.raises(ApplicationError, match="评价月份 2026-07 尚未到来"):
        office_score_set(actor=cast.office, branch=cast.b1, month=D(2026, 7, 1), points=Decimal(8))
    office_score_set(actor=cast.office, branch=cast.b1, month=D(2026, 6, 1), points=Decimal(8))
    assert OfficeScore.objects.get().month == D(2026, 6, 1)


# --- dues -------------------------------------------------------------------------------------


def _pay(cast, month, paid_on, amount="2.00"):
    return services.dues_record(
        actor=cast.secretary, member=cast.m1, month=month, amount=Decimal(amount), paid_on=paid_on
    )


def test_a_second_payment_for_the_same_month_is_refused(cast):
    first = _pay(cast, D(2026, 3, 1), D(2026, 3, 5))
    with pytest.raises(ApplicationError) as refused:
        _pay(cast, D(2026, 3, 1), D(2026, 3, 20), amount="3.00")
    assert refused.value.message == (
        f"{cast.m1.name} 2026年03月 的党费已经登记（2.00 元，2026-03-05 交纳）；每月只登记一笔，"
        "如需更正，请修改已登记的这笔党费。"
    )
    assert refused.value.extra == {"field": "month", "payment": first.pk}
    assert list(DuesPayment.objects.values_list("amount", flat=True)) == [Decimal("2.00")]


def test_the_database_refuses_a_second_payment_for_the_same_month_too(cast):
    from django.db import IntegrityError, transaction

    f.dues(member=cast.m1, month=D(2026, 3, 1), paid_on=D(2026, 3, 5))
    with pytest.raises(IntegrityError), transaction.atomic():
        f.dues(member=cast.m1, month=D(2026, 3, 1), paid_on=D(2026, 3, 6))


def test_dues_paid_today_twelve_months_ahead_are_recorded(cast):
    payment = _pay(cast, D(2027, 6, 1), TODAY)
    assert payment.month == D(2027, 6, 1)


def test_dues_paid_tomorrow_are_refused(cast):
    with pytest.raises(ApplicationError, match="交纳日期 2026-06-16 晚于今天") as refused:
        _pay(cast, D(2026, 6, 1), TOMORROW)
    assert refused.value.extra["field"] == "paid_on"
    assert not DuesPayment.objects.exists()


def test_negative_dues_are_refused_by_the_service(cast):
    with pytest.raises(ApplicationError, match="党费金额不能为负数"):
        _pay(cast, D(2026, 3, 1), D(2026, 3, 5), amount="-0.01")
    assert not DuesPayment.objects.exists()


def test_a_correction_edits_the_payment_and_is_audited(cast, marked):
    payment = _pay(cast, D(2026, 3, 1), D(2026, 3, 5))
    services.dues_update(
        actor=cast.secretary,
        payment=payment,
        month=D(2026, 3, 1),
        amount=Decimal("3.00"),
        paid_on=D(2026, 4, 2),
    )
    payment.refresh_from_db()
    assert (payment.amount, payment.paid_on) == (Decimal("3.00"), D(2026, 4, 2))
    entry = AuditLog.objects.get(action="members.dues.changed")
    assert entry.data["changes"] == {
        "amount": ["2.00", "3.00"],
        "paid_on": ["2026-03-05", "2026-04-02"],
    }
    assert (cast.t1.pk, D(2026, 4, 1)) in marked()


def test_a_correction_to_a_month_already_paid_is_refused(cast):
    _pay(cast, D(2026, 3, 1), D(2026, 3, 5))
    april = _pay(cast, D(2026, 4, 1), D(2026, 4, 5))
    with pytest.raises(ApplicationError, match="2026年03月 的党费已经登记"):
        services.dues_update(
            actor=cast.secretary,
            payment=april,
            month=D(2026, 3, 1),
            amount=Decimal(2),
            paid_on=D(2026, 4, 5),
        )
    april.refresh_from_db()
    assert april.month == D(2026, 4, 1)


def test_a_correction_of_a_locked_month_is_refused_for_the_secretary(cast):
    payment = _pay(cast, D(2026, 3, 1), D(2026, 3, 5))
    MonthState.objects.filter(township=cast.t1, month=D(2026, 3, 1)).update(locked=True)
    with pytest.raises(ApplicationError, match="已由镇党建办锁定"):
        services.dues_update(
            actor=cast.secretary,
            payment=payment,
            month=D(2026, 3, 1),
            amount=Decimal(5),
            paid_on=D(2026, 3, 5),
        )


# --- members ----------------------------------------------------------------------------------


def _create(cast, **fields):
    return services.member_create(
        actor=cast.office, branch=cast.b1, name="王芳", gender="F", status="full", **fields
    )


def test_joining_on_the_18th_birthday_is_accepted(cast):
    member = _create(cast, birth_date=D(1990, 6, 15), joined_party_on=D(2008, 6, 15))
    assert member.joined_party_on == D(2008, 6, 15)


def test_joining_one_day_before_the_18th_birthday_is_refused(cast):
    with pytest.raises(ApplicationError) as refused:
        _create(cast, birth_date=D(1990, 6, 15), joined_party_on=D(2008, 6, 14))
    assert refused.value.message == (
        "入党日期 2008-06-14 时未满 18 周岁（出生于 1990-06-15，2008-06-15 起年满 18 周岁）。"
    )
    assert refused.value.extra == {"field": "joined_party_on"}
    assert not Member.objects.filter(name="王芳").exists()


def test_a_birth_date_tomorrow_is_refused(cast):
    with pytest.raises(ApplicationError, match="出生日期 2026-06-16 晚于今天"):
        _create(cast, birth_date=TOMORROW)


def test_an_id_number_with_a_wrong_check_character_is_refused(cast):
    number = f.id_number(D(1990, 6, 15))
    wrong = number[:-1] + ("1" if number[-1] == "0" else "0")
    with pytest.raises(ApplicationError, match="身份证号的校验位（最后一位）不正确"):
        _create(cast, birth_date=D(1990, 6, 15), id_number=wrong)


def test_an_id_number_of_another_birth_date_is_refused(cast):
    with pytest.raises(ApplicationError) as refused:
        _create(cast, birth_date=D(1990, 6, 15), id_number=f.id_number(D(1990, 6, 16)))
    assert refused.value.message == (
        "身份证号中的出生日期 1990-06-16 与出生日期 1990-06-15 不一致。"
    )


def test_a_lower_case_x_id_number_is_stored_upper_case(cast):
    member = _create(cast, birth_date=D(1949, 12, 31), id_number="11010519491231002x")
    assert Member.objects.get(pk=member.pk).id_number == "11010519491231002X"


def test_a_phone_number_that_is_neither_mobile_nor_landline_is_refused(cast):
    with pytest.raises(ApplicationError, match="联系电话 12345 不是有效的手机号码或固定电话号码"):
        _create(cast, phone="12345")
    assert _create(cast, phone="0531-88888888").phone == "0531-88888888"


def test_a_negative_income_is_refused(cast):
    with pytest.raises(ApplicationError, match="月收入不能为负数"):
        _create(cast, monthly_income=Decimal("-1"))


def test_a_birth_date_change_is_checked_against_the_stored_id_number(cast):
    with pytest.raises(ApplicationError, match="身份证号中的出生日期 1970-01-01 与出生日期"):
        services.member_update(actor=cast.office, member=cast.m1, birth_date=D(1971, 1, 1))


def test_a_member_stored_before_the_rules_stays_editable_in_other_fields(cast):
    Member.objects.filter(pk=cast.m1.pk).update(
        joined_party_on=D(1980, 1, 1), id_number="370123197001011234"
    )  # joined at ten, a wrong check character
    services.member_update(actor=cast.office, member=cast.m1, phone="13800138000")
    assert Member.objects.get(pk=cast.m1.pk).phone == "13800138000"
    with pytest.raises(ApplicationError, match="未满 18 周岁"):
        services.member_update(actor=cast.office, member=cast.m1, joined_party_on=D(1985, 1, 1))


# --- month lock -------------------------------------------------------------------------------


def test_the_current_month_cannot_be_locked_even_on_its_last_day(cast):
    with time_machine.travel(dt.datetime(2026, 6, 30, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai"))):
        with pytest.raises(ApplicationError) as refused:
            month_lock(actor=cast.office, township=cast.t1, month=D(2026, 6, 1))
    assert refused.value.message == "2026年06月 尚未结束，不能锁定；2026-07-01 起才能锁定该月考核。"
    assert not MonthState.objects.filter(locked=True).exists()


def test_a_month_can_be_locked_on_the_first_day_of_the_next_month(cast):
    with time_machine.travel(dt.datetime(2026, 7, 1, 0, 1, tzinfo=ZoneInfo("Asia/Shanghai"))):
        month_lock(actor=cast.office, township=cast.t1, month=D(2026, 6, 1))
    assert MonthState.objects.get(month=D(2026, 6, 1)).locked


def test_a_future_month_cannot_be_locked(cast):
    with pytest.raises(ApplicationError, match="2026年09月 尚未结束"):
        month_lock(actor=cast.office, township=cast.t1, month=D(2026, 9, 1))


# --- forms and pages --------------------------------------------------------------------------


def test_the_visit_form_shows_a_future_date_at_the_field_and_keeps_the_input(as_secretary, cast):
    response = as_secretary.post(
        reverse("members:visit_create", args=[cast.m1.pk]),
        {"date": "2026-06-16", "household_name": "李四家", "note": "走访"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["date"] == [
        "走访日期 2026-06-16 晚于今天（2026-06-15），不能登记尚未发生的记录。"
    ]
    html = response.content.decode()
    assert 'value="2026-06-16"' in html and 'value="李四家"' in html
    assert not Visit.objects.exists()


def test_the_meeting_form_refuses_a_date_before_2000_at_the_field(as_secretary, cast):
    response = as_secretary.post(
        reverse("branches:meeting_create"),
        {"branch": cast.b1.pk, "type": "committee", "date": "1999-12-31", "topic": "研究工作"},
    )
    assert response.context["form"].errors["date"] == [
        "会议日期 1999-12-31 早于 2000-01-01，不是有效的记录日期。"
    ]
    assert 'value="研究工作"' in response.content.decode()


def test_the_dues_form_shows_a_duplicate_at_the_month_and_offers_the_correction(as_secretary, cast):
    first = f.dues(member=cast.m1, month=D(2026, 3, 1), paid_on=D(2026, 3, 5))
    response = as_secretary.post(
        reverse("members:dues_create", args=[cast.m1.pk]),
        {"month": "2026-03", "amount": "3.00", "paid_on": "2026-03-20"},
    )
    assert response.status_code == 200
    assert "党费已经登记" in response.context["form"].errors["month"][0]
    html = response.content.decode()
    assert 'value="3.00"' in html and 'value="2026-03-20"' in html
    assert reverse("members:dues_edit", args=[first.pk]) in html
    assert DuesPayment.objects.count() == 1


def test_the_dues_correction_page_edits_the_payment(as_secretary, cast):
    payment = f.dues(member=cast.m1, month=D(2026, 3, 1), paid_on=D(2026, 3, 5))
    url = reverse("members:dues_edit", args=[payment.pk])
    assert 'value="2026-03"' in as_secretary.get(url).content.decode()
    response = as_secretary.post(
        url, {"month": "2026-03", "amount": "3.00", "paid_on": "2026-03-05"}
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.amount == Decimal("3.00")


def test_the_dues_form_refuses_a_payment_dated_tomorrow_at_the_field(as_secretary, cast):
    response = as_secretary.post(
        reverse("members:dues_create", args=[cast.m1.pk]),
        {"month": "2026-07", "amount": "2.00", "paid_on": "2026-06-16"},
    )
    assert response.context["form"].errors["paid_on"] == [
        "交纳日期 2026-06-16 晚于今天（2026-06-15），不能登记尚未发生的记录。"
    ]


def test_the_member_form_shows_id_number_problems_at_the_field(as_office, cast):
    number = f.id_number(D(1990, 6, 16))
    response = as_office.post(
        reverse("members:member_create"),
        {
            "name": "王芳",
            "gender": "F",
            "status": "full",
            "branch": cast.b1.pk,
            "ethnicity": "汉族",
            "birth_date": "1990-06-15",
            "id_number": number,
            "joined_party_on": "2008-06-14",
            "monthly_income": "-5",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["id_number"] == ["身份证号中的出生日期 1990-06-16 与出生日期 1990-06-15 不一致。"]
    assert errors["joined_party_on"][0].startswith("入党日期 2008-06-14 时未满 18 周岁")
    assert errors["monthly_income"] == ["月收入不能为负数。"]
    html = response.content.decode()
    assert 'value="王芳"' in html and f'value="{number}"' in html
    assert not Member.objects.filter(name="王芳").exists()


def test_a_service_refusal_is_shown_at_the_field_of_the_edit_form(as_office, cast):
    # The form cannot see the stored ID number (never shown back); the service can.
    response = as_office.post(
        reverse("members:member_edit", args=[cast.m1.pk]),
        {
            "name": cast.m1.name,
            "gender": "M",
            "status": "full",
            "branch": cast.b1.pk,
            "ethnicity": "汉族",
            "birth_date": "1971-01-01",
        },
    )
    assert response.status_code == 200
    assert "与出生日期 1971-01-01 不一致" in response.context["form"].errors["id_number"][0]
    assert 'value="1971-01-01"' in response.content.decode()


def test_the_month_page_offers_no_lock_for_the_current_month(as_office, cast):
    url = reverse("scoring:township_month", args=[cast.t1.pk, "2026-06"])
    html = as_office.get(url).content.decode()
    assert "尚未结束，不能锁定" in html
    assert reverse("scoring:month_lock", args=[cast.t1.pk, "2026-06"]) not in html
    url = reverse("scoring:township_month", args=[cast.t1.pk, "2026-05"])
    assert (
        reverse("scoring:month_lock", args=[cast.t1.pk, "2026-05"])
        in as_office.get(url).content.decode()
    )
