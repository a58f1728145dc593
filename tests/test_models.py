"""Database constraints: the rules the database itself refuses to break."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from branches.models import Area, Attendance, Branch, Meeting
from members.models import Member
from scoring.models import OfficeScore, TargetScore
from tests import factories as f
from township.models import User


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_branch_codes_are_unique_per_township_only(cast):
    f.branch(township=cast.t1, code="X01")
    refused(lambda: f.branch(township=cast.t1, code="X01"))
    f.branch(township=cast.t2, code="X01")  # the same code in another township is fine


def test_area_member_and_meeting_codes_are_unique_per_township(cast):
    Area.objects.create(township=cast.t1, code="A1", name="东片")
    refused(lambda: Area.objects.create(township=cast.t1, code="A1", name="西片"))
    f.member(branch=cast.b1, code="M-1")
    refused(lambda: f.member(branch=cast.b2, code="M-1"))
    f.member(branch=cast.b3, code="M-1")
    f.meeting(branch=cast.b1, code="MT-1")
    refused(lambda: f.meeting(branch=cast.b2, code="MT-1"))


def test_probationary_member_needs_probation_end(cast):
    refused(lambda: f.member(branch=cast.b1, status="probationary"))
    f.member(branch=cast.b1, status="probationary", probation_ends_on=dt.date(2026, 7, 1))


def test_member_cannot_leave_before_joining_branch(cast):
    refused(
        lambda: f.member(
            branch=cast.b1, branch_since=dt.date(2025, 5, 1), left_on=dt.date(2025, 4, 1)
        )
    )


def test_office_score_is_between_0_and_10(cast):
    month = dt.date(2026, 3, 1)
    refused(lambda: OfficeScore.objects.create(branch=cast.b1, month=month, points=Decimal("10.5")))
    refused(lambda: OfficeScore.objects.create(branch=cast.b1, month=month, points=Decimal("-1")))
    OfficeScore.objects.create(branch=cast.b1, month=month, points=Decimal("10"))
    refused(lambda: OfficeScore.objects.create(branch=cast.b1, month=month, points=Decimal("5")))


def test_target_score_is_between_0_and_100(cast):
    refused(lambda: TargetScore.objects.create(branch=cast.b1, year=2026, score=Decimal("100.01")))
    refused(lambda: TargetScore.objects.create(branch=cast.b1, year=2026, score=Decimal("-0.01")))
    TargetScore.objects.create(branch=cast.b1, year=2026, score=Decimal("100"))


def test_themed_day_actions_only_on_themed_days(cast):
    refused(lambda: f.meeting(branch=cast.b1, type="committee", act_oath=True))
    refused(lambda: f.meeting(branch=cast.b1, type="lecture", act_study=True))
    meeting = f.meeting(branch=cast.b1, type="themed_day", act_oath=True, act_dues=True)
    assert meeting.actions == ["dues", "oath"]


def test_attendance_once_per_member_and_meeting(cast):
    meeting = f.meeting(branch=cast.b1)
    Attendance.objects.create(meeting=meeting, member=cast.m1, status="present")
    refused(lambda: Attendance.objects.create(meeting=meeting, member=cast.m1, status="absent"))


def test_attendance_status_must_be_known(cast):
    meeting = f.meeting(branch=cast.b1)
    refused(lambda: Attendance.objects.create(meeting=meeting, member=cast.m1, status="late"))


def test_meeting_type_and_branch_kind_must_be_known(cast):
    refused(lambda: f.meeting(branch=cast.b1, type="party"))
    refused(lambda: Branch.objects.create(township=cast.t1, code="K", name="K", kind="club"))


@pytest.mark.parametrize(
    "role, scope_keys",
    [
        ("reviewer", ["township"]),  # a reviewer has a county, never a township
        ("office", []),  # an office user needs a township
        ("office", ["township", "branch"]),  # ... and no branch
        ("secretary", ["township"]),  # a secretary needs a branch
        ("liaison", ["township", "member"]),
        ("member", ["township"]),  # a member user needs the member
    ],
)
def test_user_role_and_scope_must_match(cast, role, scope_keys):
    values = {"township": cast.t1, "branch": cast.b1, "member": cast.m1}
    scope = {k: values[k] for k in scope_keys}
    if role == "reviewer":
        scope["county"] = cast.county
    refused(lambda: User.objects.create(username=f"u-{role}", role=role, **scope))


def test_user_without_role_has_no_scope_requirement(cast):
    User.objects.create(username="plain")


def test_meeting_and_member_counts_unchanged_after_refusals(cast):
    before = (Meeting.objects.count(), Member.objects.count())
    refused(lambda: f.meeting(branch=cast.b1, type="committee", act_dues=True))
    assert (Meeting.objects.count(), Member.objects.count()) == before
