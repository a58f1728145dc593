"""No request can hold a worker: PostgreSQL cancels long statements, gunicorn long requests."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection

from tests.test_settings import PRODUCTION_ENV, ROOT, _manage

SHOW_OPTIONS = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"


@pytest.mark.django_db
def test_postgresql_cancels_statements_after_the_configured_seconds():
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (value,) = cursor.fetchone()
    assert value == f"{settings.DATABASE_STATEMENT_TIMEOUT}s" == "20s"


@pytest.mark.django_db
def test_postgresql_compiles_no_statement_before_running_it():
    """JIT off: a page's statement is never held up by compiling it (54 ms of a 130 ms one)."""
    if connection.vendor != "postgresql":
        pytest.skip("jit is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_the_timeout_comes_from_the_environment_in_milliseconds():
    result = _manage(
        "shell", "-c", SHOW_OPTIONS, env={**PRODUCTION_ENV, "DATABASE_STATEMENT_TIMEOUT": "7"}
    )
    assert result.returncode == 0, result.stderr
    assert "'options': '-c statement_timeout=7000 -c jit=off'" in result.stdout


def test_zero_turns_the_timeout_off_and_a_negative_value_fails_at_start_up():
    off = _manage(
        "shell", "-c", SHOW_OPTIONS, env={**PRODUCTION_ENV, "DATABASE_STATEMENT_TIMEOUT": "0"}
    )
    assert "statement_timeout=0 -c jit=off'" in off.stdout, off.stderr
    refused = _manage("check", env={**PRODUCTION_ENV, "DATABASE_STATEMENT_TIMEOUT": "-1"})
    assert refused.returncode != 0
    assert "DATABASE_STATEMENT_TIMEOUT must be 0 (none) or seconds ≥ 1." in refused.stderr


def test_gunicorn_gives_a_request_30_seconds_in_the_image_and_in_compose():
    dockerfile = (ROOT / "Dockerfile").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    assert re.search(r'"--timeout", "30"', dockerfile)
    assert re.search(r"--timeout 30 ", compose)
