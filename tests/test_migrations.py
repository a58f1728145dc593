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


def _dues_migration_world(executor):
    executor.loader.build_graph()  # the applied migrations as they are after `migrate(before)`
    old = executor._create_project_state(with_applied_migrations=True).apps
    county = old.get_model("branches", "County").objects.create(code="C8", name="旧县")
    township = old.get_model("branches", "Township").objects.create(
        county=county, code="T8", name="旧镇", close_day=25
    )
    branch = old.get_model("branches", "Branch").objects.create(
        township=township, code="B8", name="旧村党支部", kind="village"
    )
    member = old.get_model("members", "Member").objects.create(
        township=township, branch=branch, code="M00008", name="旧党员", gender="M"
    )
    return old.get_model("members", "DuesPayment"), member


@pytest.mark.django_db(transaction=True)
def test_dues_migration_refuses_duplicate_payments_and_changes_nothing():
    import datetime as dt
    from decimal import Decimal

    from django.core.management.base import CommandError
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("members", "0002_orderings_by_column")]
    after = [("members", "0003_dues_one_per_member_month")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        DuesPayment, member = _dues_migration_world(executor)
        march, april = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
        for month, paid in ((march, dt.date(2026, 3, 5)), (march, dt.date(2026, 3, 9))):
            DuesPayment.objects.create(member=member, month=month, amount=Decimal(1), paid_on=paid)
        DuesPayment.objects.create(member=member, month=april, amount=Decimal(1), paid_on=april)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        with pytest.raises(CommandError) as refused:
            executor.migrate(after)
        assert "党费记录中有同一党员同一月份的多笔交纳" in str(refused.value)
        assert "乡镇 T8 党员 M00008 2026-03：2 笔" in str(refused.value)
        assert "2026-04" not in str(refused.value)
        assert DuesPayment.objects.count() == 3

        DuesPayment.objects.filter(paid_on=dt.date(2026, 3, 9)).delete()
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        assert DuesPayment.objects.count() == 2
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
