"""Making a report's file: the one path shared by the job (`township.tasks.report_job_run`) and
the command line (`manage.py make_report`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from township.errors import ApplicationError
from township.models import ReportJob
from township.rendering import RENDERERS
from township.reports import Period, Progress, Report, Target, format_check, kind_get, period_parse

log = logging.getLogger(__name__)

# Errors worth another try (the database went away, a connection broke).
TRANSIENT = (OperationalError, InterfaceError)


def report_build(
    *, kind_name: str, target: Target, period: Period, fmt: str, progress: Progress
) -> tuple[Report, bytes]:
    """Build the report and render it in `fmt`; the same data gives the same bytes."""
    kind = kind_get(kind_name)
    format_check(fmt, kind)
    report = kind.build(target=target, period=period, progress=progress)
    progress(1, 1, _("生成文件"))
    return report, RENDERERS[fmt](report)


def _storage_path(job: ReportJob) -> Path:
    return Path(settings.PRIVATE_ROOT) / "reports" / str(job.pk) / f"{job.filename}.{job.format}"


def report_file_path(job: ReportJob) -> Path | None:
    """The stored file of a finished job, or None (never stored, expired or missing on disk)."""
    if not job.file:
        return None
    path = Path(settings.PRIVATE_ROOT) / job.file
    return path if path.is_file() else None


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".part")
    with open(temporary, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, path)


def _file_is_intact(job: ReportJob) -> bool:
    path = report_file_path(job)
    return path is not None and hashlib.sha256(path.read_bytes()).hexdigest() == job.sha256


def report_job_run(job_id: int) -> str:
    """Run a queued (or half-run) job to the end; idempotent.

    A job already done with its file intact is left alone. A job whose worker died half-way is
    simply run again from the start: the same data gives the same file. Transient database
    errors propagate so the task is retried; an `ApplicationError` fails the job with its
    message; anything else fails it with a generic message (and the traceback goes to the log).
    """
    job = ReportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    if job.status == ReportJob.Status.DONE and _file_is_intact(job):
        return "done"
    now = timezone.now()
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RUNNING,
        started_at=job.started_at or now,
        attempts=F("attempts") + 1,
        progress=0,
        step=_("开始"),
        error="",
    )

    def progress(done: int, total: int, step: str) -> None:
        percent = 0 if total <= 0 else min(99, done * 100 // total)
        ReportJob.objects.filter(pk=job.pk).update(progress=percent, step=str(step)[:100])
        if settings.REPORT_PROGRESS_DELAY:
            time.sleep(settings.REPORT_PROGRESS_DELAY)

    try:
        period = period_parse(job.period, allowed=("month", "quarter", "half", "year"))
        # Resolved afresh (unrestricted: the request was checked against the scope), so the
        # job and the command line build from the same target.
        ident = {"branch": job.branch_id, "township": job.township_id}.get(job.level)
        target = kind_get(job.kind).target(
            scope=None, level=job.level, ident=ident or job.county_id, **(job.options or {})
        )
        report, data = report_build(
            kind_name=job.kind, target=target, period=period, fmt=job.format, progress=progress
        )
        job.filename = report.filename
        path = _storage_path(job)
        _write_atomically(path, data)
    except TRANSIENT:
        raise
    except ApplicationError as exc:
        _fail(job, str(exc.message))
        return "failed"
    except Exception:
        log.exception("report job %s failed", job.pk)
        _fail(job, _("报表生成失败，请稍后重试；如仍失败，请联系系统管理员。"))
        return "failed"
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.DONE,
        progress=100,
        step=_("完成"),
        finished_at=timezone.now(),
        file=str(path.relative_to(settings.PRIVATE_ROOT)),
        filename=report.filename,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data_digest=report.data_digest(),
    )
    return "done"


def _fail(job: ReportJob, message: str) -> None:
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.FAILED, error=message[:500], finished_at=timezone.now()
    )


def report_files_cleanup(*, now=None) -> int:
    """Remove the files of jobs finished more than REPORT_RETENTION_DAYS ago; keep the records."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.REPORT_RETENTION_DAYS)
    removed = 0
    for job in ReportJob.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        path = Path(settings.PRIVATE_ROOT) / job.file
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()
        except OSError:
            pass
        ReportJob.objects.filter(pk=job.pk).update(file="", expired_at=now)
        removed += 1
    return removed
