"""The database itself refuses UPDATE, DELETE and TRUNCATE on the audit log.

The model refuses them too (`AuditLog.save/delete`, `AuditQuerySet`), but raw SQL,
`_base_manager.update()` or `_raw_delete()` go around the model; these triggers do not.

PostgreSQL: one trigger function raising `restrict_violation` (Django: IntegrityError), fired
BEFORE UPDATE OR DELETE for each row and BEFORE TRUNCATE for the statement.
SQLite: BEFORE UPDATE and BEFORE DELETE triggers with RAISE(ABORT) (IntegrityError); SQLite has
no TRUNCATE, and a trigger disables its "DELETE FROM t" truncate optimisation.

There is no switch in the app that lifts them. The test suite's flush between transactional
tests lifts them around the flush only (`tests/conftest.py`, with the statements below).

Beware (SQLite): a later migration that rebuilds `township_auditlog` (most AlterField /
RemoveField on SQLite copy the table) drops these triggers with the old table; such a migration
must create them again. `tests/test_audit_trail.py` fails when they are missing.
"""

from django.db import migrations

TABLE = "township_auditlog"

POSTGRESQL_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            ERRCODE = 'restrict_violation',
            MESSAGE = '{TABLE} is append-only: ' || TG_OP || ' refused';
    END;
    $$
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()
    """,
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
]

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: DELETE refused'); END
    """,
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
]

STATEMENTS = {
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
}


def _statements(schema_editor, which: int) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(
            f"The audit log's append-only triggers exist for PostgreSQL and SQLite, not {vendor}."
        )
    return STATEMENTS[vendor][which]


def create_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, 0):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, 1):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("township", "0005_audit_county")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
