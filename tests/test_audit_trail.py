"""The audit trail survives raw SQL: the database refuses UPDATE, DELETE and TRUNCATE on it.

CI runs this file on SQLite and on PostgreSQL (the triggers differ, the refusal must not).
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from township.models import AuditLog


@pytest.fixture
def entry(cast):
    return AuditLog.objects.create(action="auth.login", actor=cast.office, township=cast.t1)


def refused(statement) -> bool:
    """Run `statement` in a savepoint; True when the database refused it."""
    try:
        with transaction.atomic():
            statement()
    except IntegrityError:
        return True
    return False


def unchanged(entry) -> bool:
    return AuditLog.objects.filter(pk=entry.pk, action=entry.action, actor=entry.actor).exists()


def raw(sql: str, params=()):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


def test_a_raw_update_is_refused_by_the_database(entry):
    assert refused(raw("UPDATE township_auditlog SET action = %s WHERE id = %s", ["x", entry.pk]))
    assert unchanged(entry)


def test_a_raw_delete_is_refused_by_the_database(entry):
    assert refused(raw("DELETE FROM township_auditlog WHERE id = %s", [entry.pk]))
    assert unchanged(entry)


def test_deleting_the_whole_table_is_refused(entry):
    # SQLite would otherwise take its truncate shortcut, which fires no row trigger.
    assert refused(raw("DELETE FROM township_auditlog"))
    assert unchanged(entry)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL")
def test_truncate_is_refused_on_postgresql(entry):
    # Check the entry's deferred foreign keys now: TRUNCATE refuses to run while they are pending.
    raw("SET CONSTRAINTS ALL IMMEDIATE")()
    assert refused(raw("TRUNCATE township_auditlog"))
    assert unchanged(entry)


def test_an_update_through_the_base_manager_is_refused(entry):
    # The base manager is a plain QuerySet: the model's refusal does not apply, the database's does.
    assert refused(lambda: AuditLog._base_manager.filter(pk=entry.pk).update(action="x"))
    assert unchanged(entry)


def test_a_raw_delete_of_a_queryset_is_refused(entry):
    queryset = AuditLog._base_manager.filter(pk=entry.pk)
    assert refused(lambda: queryset._raw_delete(queryset.db))
    assert unchanged(entry)


def test_new_entries_are_still_written(entry):
    AuditLog.objects.create(action="auth.logout", actor=entry.actor)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO township_auditlog (created_at, actor_name, action, object_type, "
            "object_id, object_repr, data) VALUES (%s, '', 'auth.login', '', '', '', '{}')",
            [entry.created_at],
        )
    assert AuditLog.objects.count() == 3


def test_the_model_still_refuses_before_the_database_is_asked(entry):
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).delete()


def test_a_user_with_entries_cannot_be_deleted_only_deactivated(entry, cast):
    with pytest.raises(ProtectedError):
        cast.office.delete()
    cast.office.is_active = False
    cast.office.save()
    assert unchanged(entry)


@pytest.mark.django_db(transaction=True)
def test_entries_written_before_get_the_county_of_their_township_or_reviewer():
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("township", "0004_notification")], [("township", "0005_audit_county")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    county = old.get_model("branches", "County").objects.create(code="C9", name="旧县")
    township = old.get_model("branches", "Township").objects.create(
        county=county, code="T9", name="旧镇", close_day=25
    )
    reviewer = old.get_model("township", "User").objects.create(
        username="r9", role="reviewer", county=county
    )
    Entry = old.get_model("township", "AuditLog")
    Entry.objects.create(action="auth.login", township=township)
    Entry.objects.create(action="auth.permission_denied", actor=reviewer)
    Entry.objects.create(action="auth.login_failed")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("township", "AuditLog")
    assert sorted(new.objects.values_list("action", "county_id")) == [
        ("auth.login", county.pk),
        ("auth.login_failed", None),
        ("auth.permission_denied", county.pk),
    ]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert refused(raw("DELETE FROM township_auditlog"))  # the triggers are back
