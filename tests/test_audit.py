"""The audit log: written for logins, refusals and every change; append-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from branches import services as branch_services
from members import services as member_services
from tests import factories as f
from tests.factories import PASSWORD
from township.models import AuditLog


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def actions():
    return list(AuditLog.objects.order_by("pk").values_list("action", flat=True))


def test_login_is_audited_with_township_and_address(client, cast):
    client.post(
        reverse("login"), {"username": "office", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    entry = AuditLog.objects.get(action="auth.login")
    assert entry.actor == cast.office
    assert entry.township == cast.t1
    assert entry.ip_address == "10.1.2.3"


def test_failed_login_is_audited_with_the_username_tried(client, cast):
    client.post(reverse("login"), {"username": "office", "password": "nope"})
    entry = AuditLog.objects.get(action="auth.login_failed")
    assert entry.actor is None
    assert entry.actor_name == "office"


def test_permission_refusal_is_audited(client, cast):
    client.force_login(cast.reviewer, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("branches:meeting_create")
    assert client.post(url).status_code == 403
    entry = AuditLog.objects.get(action="auth.permission_denied")
    assert entry.actor == cast.reviewer
    assert entry.data == {"permission": "meetings.change", "path": url, "method": "POST"}


def test_meeting_create_change_and_delete_are_audited(cast):
    meeting = branch_services.meeting_create(
        actor=cast.secretary, branch=cast.b1, type="committee", date=dt.date(2026, 3, 9)
    )
    meeting_pk = meeting.pk
    branch_services.meeting_update(actor=cast.secretary, meeting=meeting, topic="研究发展党员")
    branch_services.meeting_delete(actor=cast.secretary, meeting=meeting)
    assert actions() == [
        "branches.meeting.created",
        "branches.meeting.changed",
        "branches.meeting.deleted",
    ]
    changed = AuditLog.objects.get(action="branches.meeting.changed")
    assert changed.data == {"changes": {"topic": ["", "研究发展党员"]}}
    assert changed.township == cast.t1
    assert changed.object_id == str(meeting_pk)


def test_member_change_is_audited_with_secrets_masked(cast):
    member_services.member_update(
        actor=cast.office, member=cast.m1, name="张伟民", phone="13800001111"
    )
    entry = AuditLog.objects.get(action="members.member.changed")
    assert entry.data["changes"]["name"] == ["张伟", "张伟民"]
    assert entry.data["changes"]["phone"] == "***"
    assert "13800001111" not in str(entry.data)


def test_a_view_write_is_audited_through_the_service(client, cast):
    client.force_login(cast.secretary, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("members:visit_create", kwargs={"pk": cast.m1.pk}),
        {"date": "2026-03-10", "household_name": "王大爷家", "note": "了解春耕困难"},
    )
    assert response.status_code == 302
    entry = AuditLog.objects.get(action="members.visit.recorded")
    assert entry.actor == cast.secretary


def test_no_audit_entry_when_a_service_refuses(cast):
    f.meeting(branch=cast.b1)  # noise
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        branch_services.meeting_create(
            actor=cast.secretary,
            branch=cast.b1,
            type="committee",
            date=dt.date(2026, 3, 9),
            act_oath=True,
        )
    assert not AuditLog.objects.filter(action__startswith="branches.").exists()


def test_audit_entry_cannot_be_changed(cast):
    entry = AuditLog.objects.create(action="auth.login", actor=cast.office)
    entry.action = "auth.logout"
    with pytest.raises(PermissionError):
        entry.save()


def test_audit_entry_cannot_be_deleted(cast):
    entry = AuditLog.objects.create(action="auth.login", actor=cast.office)
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(action="x")
    assert AuditLog.objects.filter(pk=entry.pk, action="auth.login").exists()


def test_audit_admin_is_read_only(client, cast, admin_user):
    entry = AuditLog.objects.create(action="auth.login", actor=cast.office)
    client.force_login(admin_user)
    assert client.get(reverse("admin:township_auditlog_changelist")).status_code == 200
    assert client.get(reverse("admin:township_auditlog_add")).status_code == 403
    delete_url = reverse("admin:township_auditlog_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_audit_page_shows_only_the_offices_township(client, cast):
    AuditLog.objects.create(action="auth.login", actor=cast.office, township=cast.t1)
    AuditLog.objects.create(action="auth.login", actor=cast.office2, township=cast.t2)
    client.force_login(cast.office, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("audit_list")).content.decode()
    assert "office2" not in page
    assert "登录" in page
