"""Jobs of the base floor: report files. Tasks take ids and call the runner; both idempotent."""

from __future__ import annotations

from celery import shared_task

from township import report_runner


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(*report_runner.TRANSIENT, ConnectionError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def report_job_run(self, job_id: int) -> str:
    """Make a report job's file. A worker killed half-way leaves the message unacknowledged; it
    is delivered again and the job runs again from the start, giving the same file."""
    return report_runner.report_job_run(job_id)


@shared_task(autoretry_for=report_runner.TRANSIENT, retry_backoff=True, max_retries=3)
def report_files_cleanup() -> int:
    return report_runner.report_files_cleanup()
