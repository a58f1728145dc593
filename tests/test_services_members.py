"""Member services: roster changes, dues, visits and points, with locks, audit and invalidation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from members import services
from members.models import DuesPayment, Member, PointAdjustment, Visit
from scoring.models import MonthClose
from township.errors import ApplicationError, MonthLockedError
from township.models import AuditLog


@pytest.fixture
def invalidated(monkeypatch):
    calls = []
    monkeypatch.setattr(
        services,
        "scores_invalidate",
        lambda *, township_id, months: calls.append((township_id, sorted(set(months)))),
    )
    return calls


@pytest.fixture
def march_locked(cast):
    MonthClose.objects.create(township=cast.t1, month=dt.date(2026, 3, 1), locked=True)


def test_member_create_numbers_the_member_and_audits(cast, invalidated):
    member = services.member_create(
        actor=cast.secretary, branch=cast.b1, name="赵六", gender="F", status="full"
    )
    assert member.township == cast.t1
    assert member.code
    assert AuditLog.objects.filter(action="members.member.created", object_id=member.pk).exists()
    assert len(invalidated) == 1


def test_member_create_refuses_a_taken_code(cast, invalidated):
    with pytest.raises(ApplicationError, match="已被使用"):
        services.member_create(
            actor=cast.office, branch=cast.b1, name="赵六", gender="F", code=cast.m1.code
        )


def test_probationary_member_needs_the_end_of_probation(cast, invalidated):
    with pytest.raises(ApplicationError, match="预备期满"):
        services.member_update(actor=cast.office, member=cast.m1, status="probationary")


def test_member_cannot_be_moved_to_another_township(cast, invalidated):
    with pytest.raises(ApplicationError):
        services.member_update(actor=cast.office, member=cast.m1, branch=cast.b3)
    assert Member.objects.get(pk=cast.m1.pk).branch == cast.b1


def test_dues_are_recorded_for_the_first_of_the_month(cast, invalidated):
    payment = services.dues_record(
        actor=cast.secretary,
        member=cast.m1,
        month=dt.date(2026, 3, 17),
        amount=Decimal("3.50"),
        paid_on=dt.date(2026, 4, 2),
    )
    assert payment.month == dt.date(2026, 3, 1)
    assert invalidated == [(cast.t1.pk, [dt.date(2026, 3, 1), dt.date(2026, 4, 2)])]
    assert AuditLog.objects.get(action="members.dues.recorded").data["amount"] == "3.50"


def test_secretary_cannot_record_dues_for_a_locked_month(cast, invalidated, march_locked):
    with pytest.raises(MonthLockedError, match="镇党建办"):
        services.dues_record(
            actor=cast.secretary,
            member=cast.m1,
            month=dt.date(2026, 3, 1),
            amount=Decimal("2"),
            paid_on=dt.date(2026, 4, 1),
        )
    assert not DuesPayment.objects.exists()
    assert invalidated == []


def test_office_may_record_dues_for_a_locked_month(cast, invalidated, march_locked):
    services.dues_record(
        actor=cast.office,
        member=cast.m1,
        month=dt.date(2026, 3, 1),
        amount=Decimal("2"),
        paid_on=dt.date(2026, 3, 5),
    )
    assert DuesPayment.objects.count() == 1


def test_visit_in_a_locked_month_is_refused_for_the_secretary(cast, invalidated, march_locked):
    with pytest.raises(MonthLockedError):
        services.visit_record(actor=cast.secretary, member=cast.m1, date=dt.date(2026, 3, 9))
    services.visit_record(
        actor=cast.secretary, member=cast.m1, date=dt.date(2026, 4, 9), household_name="李家"
    )
    assert Visit.objects.get().household_name == "李家"


def test_point_adjustment_needs_a_reason(cast, invalidated):
    with pytest.raises(ApplicationError, match="事由"):
        services.adjustment_record(
            actor=cast.secretary,
            member=cast.m1,
            date=dt.date(2026, 4, 1),
            points=Decimal("2"),
            reason="  ",
        )
    assert not PointAdjustment.objects.exists()


def test_penalty_is_recorded_negative_and_audited(cast, invalidated):
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
    assert invalidated == [(cast.t1.pk, [dt.date(2026, 4, 1)])]


def test_point_adjustment_in_a_locked_month_is_refused(cast, invalidated, march_locked):
    with pytest.raises(MonthLockedError):
        services.adjustment_record(
            actor=cast.secretary,
            member=cast.m1,
            date=dt.date(2026, 3, 1),
            points=Decimal("1"),
            reason="志愿服务",
        )
