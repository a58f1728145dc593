"""seed_demo's alliances: the x+x+x structure, an overdue item, activities with members who keep
their branch, wishes in every state, and the demo secretary's branch in an alliance."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from alliances import rules
from alliances.models import Alliance, JointActivity, ProjectItem, Wish
from township.models import User

TODAY = dt.date(2026, 2, 20)  # a short demo year keeps the seeding fast


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """Seeded once for the module and rolled back after it."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers):
        try:
            with transaction.atomic():
                call_command(
                    "seed_demo", password="demo-password-7", today=TODAY, stdout=io.StringIO()
                )
                yield
                raise _Rollback
        except _Rollback:
            pass


@pytest.fixture
def seeded(_seeded_once, db):
    return None


def test_the_demo_has_a_core_and_two_area_alliances_with_outside_organisations(seeded):
    core = Alliance.objects.get(kind="core")
    areas = Alliance.objects.filter(parent=core)
    assert sorted(areas.values_list("kind", flat=True)) == ["green", "red"]
    for area in areas:
        kinds = set(area.organisations.values_list("kind", flat=True))
        assert "branch" in kinds and len(kinds) >= 3


def test_the_demo_has_an_overdue_item_and_wishes_in_every_state(seeded):
    yesterday = TODAY - dt.timedelta(days=1)
    overdue = [
        p
        for p in ProjectItem.objects.all()
        if rules.is_overdue(due_on=p.due_on, done_on=p.done_on, on=yesterday)
    ]
    assert len(overdue) == 1
    assert {w.state for w in Wish.objects.all()} == {"open", "claimed", "fulfilled"}
    assert all(w.raised_on <= yesterday for w in Wish.objects.all())


def test_demo_activities_have_members_of_the_alliances_branches(seeded):
    activities = JointActivity.objects.prefetch_related("members")
    assert activities.count() >= 4
    for activity in activities:
        branches = set(activity.alliance.organisations.values_list("branch_id", flat=True))
        assert activity.members.exists()
        assert {m.branch_id for m in activity.members.all()} <= branches
        assert activity.date < TODAY


def test_the_demo_secretary_sees_an_open_wish_to_claim(seeded):
    secretary = User.objects.get(username="demo-secretary")
    red = Alliance.objects.get(kind="red")
    assert red.organisations.filter(branch=secretary.branch).exists()
    assert red.wishes.filter(claimed_on__isnull=True).exists()
