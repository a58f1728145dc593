"""The migrations in the repository match the models."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_have_no_changes_missing_from_migrations():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"makemigrations found model changes without a migration:\n{out.getvalue()}")


@pytest.mark.django_db(transaction=True)
def test_month_locks_move_from_scoring_to_the_base_floor_with_their_data():
    """scoring.MonthClose (before the floors) becomes township.MonthState, row for row, and back."""
    import datetime as dt

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("scoring", "0003_orderings_by_column"), ("township", "0001_initial")]
    after = [("scoring", "0004_month_state_moves_to_township"), ("township", "0002_month_state")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    county = old.get_model("branches", "County").objects.create(code="C9", name="旧县")
    township = old.get_model("branches", "Township").objects.create(
        county=county, code="T9", name="旧镇", close_day=25
    )
    MonthClose = old.get_model("scoring", "MonthClose")
    MonthClose.objects.create(township=township, month=dt.date(2026, 1, 1), locked=True)
    MonthClose.objects.create(
        township=township, month=dt.date(2026, 2, 1), locked=False, reopen_reason="更正评价"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    states = new.get_model("township", "MonthState").objects.order_by("month")
    assert [(s.township_id, s.month, s.locked, s.reopen_reason) for s in states] == [
        (township.pk, dt.date(2026, 1, 1), True, ""),
        (township.pk, dt.date(2026, 2, 1), False, "更正评价"),
    ]
    assert all(s.revision == s.scored_revision == 0 for s in states)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(before)
    back = executor.loader.project_state(before).apps.get_model("scoring", "MonthClose")
    assert sorted(back.objects.values_list("month", "locked")) == [
        (dt.date(2026, 1, 1), True),
        (dt.date(2026, 2, 1), False),
    ]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
