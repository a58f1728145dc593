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
