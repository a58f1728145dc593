"""Scheduled scoring jobs. Tasks take ids, load rows and call services; they are idempotent."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from branches.models import Township
from scoring import services
from township.errors import ApplicationError

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def close_due_months(today: str | None = None) -> list[str]:
    """On and after each township's close day, compute and lock the previous month.

    Runs daily (beat); a month already locked, or reopened by the office with a reason, is left
    alone: reopening records a reason, and locking again is the office's decision.
    """
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    locked = []
    for township, month in services.months_due_for_close(today=day):
        if services.month_was_reopened(township=township, month=month):
            continue
        try:
            services.month_lock(actor=None, township=township, month=month)
        except ApplicationError:
            continue  # locked meanwhile by the office
        except Exception:  # one township's failure must not stop the others
            log.exception("Could not close %s for township %s", month, township.code)
            continue
        locked.append(f"{township.code}:{month:%Y-%m}")
    return locked


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def township_year_compute(township_id: int, year: int) -> None:
    """Bring a township's stored results for a year up to date (after its records changed)."""
    township = Township.objects.filter(pk=township_id).first()
    if township is not None:
        services.year_ensure(township=township, year=year)


def year_store_later(*, township_id: int, year: int) -> None:
    """Ask the job to store a year a page had to compute in memory (a past year never stored, a
    month not yet computed): the page stays a read, and the next one reads stored figures with a
    fixed number of queries. After the commit, as the job reads committed rows."""
    transaction.on_commit(lambda: township_year_compute.delay(township_id, year))


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def daily_reminders_and_reports(today: str | None = None) -> dict:
    """Daily (beat, after the close job): the reports the calendar asks for, and on the 20th the
    reminders about records still missing. Both idempotent."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return {
        "reports": services.scheduled_reports_make(today=day),
        "reminders": services.reminders_send(today=day),
    }
