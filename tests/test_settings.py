"""Production settings come from the environment alone and fail loudly when incomplete."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The variables README.md and docker-compose.yml document for production.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "x7Rk2pQv9LmN4sTw8YbZ1cDf6GhJ3kMn5PqRs0TuVwXyZa2Bc4De6Fg8Hi",
    "ALLOWED_HOSTS": "dangjian.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://dangjian.example.org",
    "DATABASE_URL": "postgres://dangjian:secret@db:5432/dangjian",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "AXES_IPWARE_PROXY_COUNT": "1",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run manage.py with only PATH and `env` in the environment (no developer settings)."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_nothing_with_the_documented_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_start_up_fails_clearly_without_secret_key_when_debug_is_false():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_false_rejects_a_short_secret_key():
    result = _manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
