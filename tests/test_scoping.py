"""`Scope.q`: what each role reaches of a model, and that a role without a path reaches nothing."""

from __future__ import annotations

import pytest

from branches.models import Meeting
from members.models import Member
from tests import factories as f
from township.models import AuditLog
from township.scoping import Scope, scope_for


@pytest.fixture
def rows(cast):
    f.meeting(branch=cast.b1)
    AuditLog.objects.create(township=cast.t1, action="test.entry")


def test_a_scope_without_a_role_reaches_nothing(cast, rows):
    empty = Scope(role=None)
    assert Member.objects.exists() and Meeting.objects.exists() and AuditLog.objects.exists()
    for model in (Member, Meeting, AuditLog):
        assert not model.objects.within(empty).exists(), model


@pytest.mark.parametrize("user", ["secretary", "liaison"])
def test_branch_users_reach_nothing_of_township_wide_rows(cast, rows, user):
    """The audit log has no branch path: the office reads it, a branch never does."""
    assert not AuditLog.objects.within(scope_for(getattr(cast, user))).exists()
    assert AuditLog.objects.within(scope_for(cast.office)).count() == 1


def test_a_member_reaches_their_own_record_and_no_meeting(cast, rows):
    scope = scope_for(cast.member_user)
    assert list(Member.objects.within(scope)) == [cast.m1]
    assert not Meeting.objects.within(scope).exists()  # meetings have no member path


def test_an_inactive_user_has_an_empty_scope(cast):
    cast.office.is_active = False
    assert scope_for(cast.office).is_empty
    assert scope_for(None).is_empty
    assert not scope_for(cast.reviewer).is_empty
