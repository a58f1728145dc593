"""Every change of a user is audited with before/after values: in the admin and by commands."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from township.models import AuditLog, User


@pytest.fixture
def root(client, db):
    user = User.objects.create_superuser(username="root", password="x" * 16)
    client.force_login(user)
    return user


def change_form_data(client, user) -> dict:
    """The admin change form of `user` as loaded, ready to post back."""
    form = (
        client.get(reverse("admin:township_user_change", args=[user.pk])).context["adminform"].form
    )
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name in ("last_login", "date_joined"):
            stamp = value.strftime("%Y-%m-%d %H:%M:%S") if value else ""
            data[f"{name}_0"], data[f"{name}_1"] = stamp[:10], stamp[11:]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    return data


def test_the_admin_change_of_a_users_role_is_audited_with_before_and_after(client, cast, root):
    data = change_form_data(client, cast.liaison)
    data["role"] = "secretary"
    response = client.post(reverse("admin:township_user_change", args=[cast.liaison.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditLog.objects.get(action="auth.user.changed")
    assert entry.data["changes"] == {"role": ["liaison", "secretary"]}
    assert entry.actor == root
    assert entry.object_id == str(cast.liaison.pk) and entry.object_type == "township.user"
    # The township's office and the county see it.
    assert entry.township == cast.t1 and entry.county == cast.county
    assert not AuditLog.objects.filter(action="auth.user.password_changed").exists()


def test_a_scope_change_names_both_branches(client, cast, root):
    data = change_form_data(client, cast.liaison)
    data["branch"] = cast.b1.pk
    response = client.post(reverse("admin:township_user_change", args=[cast.liaison.pk]), data)
    assert response.status_code == 302
    entry = AuditLog.objects.get(action="auth.user.changed")
    assert entry.data["changes"] == {
        "branch": [f"{cast.b2.name} #{cast.b2.pk}", f"{cast.b1.name} #{cast.b1.pk}"]
    }
    assert (
        entry.changes_text == f"党支部：{cast.b2.name} #{cast.b2.pk} → {cast.b1.name} #{cast.b1.pk}"
    )


def test_flags_and_groups_are_audited_together(client, cast, root):
    group = Group.objects.create(name="数据维护")
    data = change_form_data(client, cast.office)
    data |= {"is_staff": "on", "groups": [group.pk]}
    del data["is_active"]
    response = client.post(reverse("admin:township_user_change", args=[cast.office.pk]), data)
    assert response.status_code == 302
    entry = AuditLog.objects.get(action="auth.user.changed")
    assert entry.data["changes"] == {
        "is_active": [True, False],
        "is_staff": [False, True],
        "groups": [[], ["数据维护"]],
    }
    assert "启用：是 → 否" in entry.changes_text


def test_saving_a_user_unchanged_writes_no_change_entry(client, cast, root):
    data = change_form_data(client, cast.office)
    response = client.post(reverse("admin:township_user_change", args=[cast.office.pk]), data)
    assert response.status_code == 302
    assert not AuditLog.objects.filter(action__startswith="auth.user.").exists()


def test_a_password_set_in_the_admin_is_audited_without_the_hash(client, cast, root):
    url = reverse("admin:auth_user_password_change", args=[cast.office.pk])
    new = "a-new-long-password-123"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    entry = AuditLog.objects.get(action="auth.user.password_changed")
    assert entry.object_id == str(cast.office.pk) and entry.actor == root
    assert entry.township == cast.t1
    stored = User.objects.get(pk=cast.office.pk).password
    assert stored not in str(entry.data) and new not in str(entry.data)
    assert not AuditLog.objects.filter(action="auth.user.changed").exists()


def test_a_user_added_in_the_admin_is_audited_with_its_role(client, cast, root):
    response = client.post(
        reverse("admin:township_user_add"),
        {
            "username": "newsec",
            "password1": "a-new-long-password-123",
            "password2": "a-new-long-password-123",
            "usable_password": "true",
            "role": "secretary",
            "township": cast.t2.pk,
            "branch": cast.b3.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditLog.objects.get(action="auth.user.created")
    assert entry.data["changes"]["role"] == [None, "secretary"]
    assert entry.data["changes"]["branch"] == [None, f"{cast.b3.name} #{cast.b3.pk}"]
    assert "password" not in entry.data["changes"]
    assert entry.township == cast.t2


def test_changepassword_command_is_audited(cast, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-new-long-password-123")
    call_command("changepassword", "secretary", stdout=io.StringIO())
    entry = AuditLog.objects.get(action="auth.user.password_changed")
    assert entry.actor is None and entry.actor_name == "manage.py changepassword"
    assert entry.object_id == str(cast.secretary.pk) and entry.township == cast.t1


def test_createsuperuser_command_is_audited(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-new-long-password-123")
    call_command("createsuperuser", "--noinput", username="boss", email="b@example.org")
    entry = AuditLog.objects.get(action="auth.user.created")
    assert entry.object_repr == "boss"
    assert entry.data["changes"]["is_superuser"] == [None, True]
