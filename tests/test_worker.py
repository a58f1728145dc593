"""Report jobs on a real Celery worker through a real Redis, not eager in-process.

Each test starts its own worker process (`celery -A township worker --pool=solo`) on the test
database, sends the job through the broker as production does, and follows it: once from the
browser to the downloaded file, once through a worker killed half-way and the redelivery.

Skipped unless WORKER_TEST_BROKER_URL names a Redis database the tests may flush and the
database is PostgreSQL (the worker, another process, must see the rows the test commits; the
SQLite test database lives in this process's memory). With WORKER_TEST_REQUIRED=1 (CI) a missing
piece fails instead of skipping, so the step cannot pass without running.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from tests import factories as f
from tests.factories import PASSWORD
from township import report_runner
from township.models import ReportJob
from township.reports import kind_get, period_parse

REPO = Path(__file__).resolve().parent.parent
BROKER_URL = os.environ.get("WORKER_TEST_BROKER_URL", "")
REQUIRED = os.environ.get("WORKER_TEST_REQUIRED") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
# Seconds before Redis hands an unacknowledged message to a worker again (production: 3600).
VISIBILITY_TIMEOUT = 5
WORKER_APPLICATION_NAME = "worker-test"
# Every wait is bounded by this many seconds at most.
LONGEST_WAIT = 90
# One worker at a time, so nothing to synchronise with (mingle, gossip): a second saved a start.
WORKER_COMMAND = [
    sys.executable, "-m", "celery", "-A", "township", "worker",
    "--pool=solo", "--concurrency=1", "--loglevel=INFO", "--hostname", "worker-test@%h",
    "--without-mingle", "--without-gossip", "--without-heartbeat",
]  # fmt: skip


def _unavailable() -> str:
    """Why these tests cannot run here, or ""."""
    if not BROKER_URL.startswith("redis://"):
        return "WORKER_TEST_BROKER_URL (a redis:// URL) is not set"
    if connection.vendor != "postgresql":
        return f"the worker needs PostgreSQL to share the test database, not {connection.vendor}"
    return ""


UNAVAILABLE = _unavailable()
pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(bool(UNAVAILABLE) and not REQUIRED, reason=UNAVAILABLE),
]


def _missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"WORKER_TEST_REQUIRED=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _real_services_only():
    if UNAVAILABLE:
        _missing(UNAVAILABLE)


# --- the broker, seen from this process (the producer) ---------------------------------------


def _drop_producer_pool(app) -> None:
    """Forget the broker connections made so far, so the next send connects with the current
    configuration (Celery keeps a connection pool and a producer pool once it has sent, both
    held in kombu's process-wide registries)."""
    from kombu import pools

    pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def broker(monkeypatch, settings):
    """Send tasks through Redis from this process (and its live server thread) instead of
    running them eagerly; the Redis database starts empty: no queued or unacknowledged message
    of an earlier test can reach this test's worker."""
    import redis

    from township.celery import app

    client = redis.Redis.from_url(BROKER_URL, socket_timeout=10)
    client.flushdb()
    saved = {
        name: getattr(app.conf, name)
        for name in ("broker_url", "task_always_eager", "broker_transport_options")
    }
    _drop_producer_pool(app)
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", BROKER_URL)
    settings.CELERY_BROKER_URL = BROKER_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = BROKER_URL
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
    with app.connection_for_write() as conn:
        assert conn.transport.driver_type == "redis", conn.as_uri()
    yield client
    _drop_producer_pool(app)
    for name, value in saved.items():
        setattr(app.conf, name, value)
    client.flushdb()
    client.close()


# --- workers ---------------------------------------------------------------------------------


class Worker:
    """A `celery worker` process writing its log to a file."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        self._log_file = open(log, "wb")  # closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command on our own tree)
            WORKER_COMMAND,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def text(self) -> str:
        return self.log.read_text("utf-8", errors="replace") if self.log.exists() else ""

    def wait_ready(self) -> None:
        wait_for(lambda: " ready." in self.text(), f"{self.name} to be ready", workers=[self])

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, no goodbye to the broker."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        self.kill()
        self._log_file.close()


def wait_for(
    condition: Callable[[], object],
    what: str,
    *,
    workers: list[Worker],
    timeout: float = LONGEST_WAIT,
    interval: float = 0.2,
):
    """Poll `condition` until it is truthy; fail with the workers' logs after `timeout` s, or
    as soon as the last of `workers` (the one expected to be running) has exited."""
    deadline = time.monotonic() + min(timeout, LONGEST_WAIT)
    while True:
        value = condition()
        if value:
            return value
        logs = "\n".join(f"--- {w.name} ---\n{w.text()[-6000:]}" for w in workers)
        if workers[-1].process.poll() is not None:
            pytest.fail(f"{workers[-1].name} exited while waiting for {what}\n{logs}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{logs}")
        time.sleep(interval)


def _database_url() -> str:
    """The test database (NAME is test_… while the test runs), as DATABASE_URL; the worker's
    sessions carry an application name so the teardown can tell them apart."""
    d = connection.settings_dict
    user = quote(d["USER"] or "", safe="")
    password = quote(d["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{d['PORT']}" if d["PORT"] else ""
    name = quote(d["NAME"], safe="")
    return (
        f"postgres://{auth}{d['HOST'] or ''}{port}/{name}"
        f"?application_name={WORKER_APPLICATION_NAME}"
    )


@pytest.fixture
def private_root(settings, tmp_path) -> Path:
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.PRIVATE_ROOT.mkdir()
    return settings.PRIVATE_ROOT


@pytest.fixture
def start_worker(transactional_db, broker, private_root, tmp_path):
    """start_worker(progress_delay) -> a ready Worker; every worker is killed at teardown
    (before transactional_db empties the tables) and its log printed (shown on failure)."""
    started: list[Worker] = []

    def start(progress_delay: float) -> Worker:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"CELERY_RESULT_BACKEND", "WORKER_TEST_REQUIRED"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="township.settings",
            DATABASE_URL=_database_url(),
            CELERY_BROKER_URL=BROKER_URL,
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            PRIVATE_ROOT=str(private_root),
            REPORT_PROGRESS_DELAY=str(progress_delay),
            PYTHONUNBUFFERED="1",
        )
        name = f"worker {len(started) + 1}"
        worker = Worker(name, env, tmp_path / f"worker-{len(started) + 1}.log")
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()
        print(f"--- {worker.name} (exit {worker.process.returncode}) ---\n{worker.text()}")
    # The server ends a killed worker's sessions when it notices; wait for that (a few ms), so
    # emptying the tables and dropping the test database at the end never meet them.
    with connection.cursor() as cursor:

        def workers_sessions() -> int:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                [WORKER_APPLICATION_NAME],
            )
            return cursor.fetchone()[0]

        deadline = time.monotonic() + 15
        while workers_sessions() and time.monotonic() < deadline:
            time.sleep(0.1)


# --- the data --------------------------------------------------------------------------------


@pytest.fixture
def meetings(cast):
    """A quarter of meetings in all three branches, so the ranking has figures to rank."""
    for month in (1, 2, 3):
        day = dt.date(2026, month, 8)
        f.meeting(branch=cast.b1, type="general", date=day, attendance={cast.m1: "present"})
        f.meeting(branch=cast.b1, type="themed_day", date=day + dt.timedelta(days=7))
        f.meeting(branch=cast.b3, type="general", date=day, attendance={cast.m3: "present"})
        if month != 2:
            f.meeting(branch=cast.b2, type="committee", date=day)
    return cast


def _job_done(job_id: int) -> ReportJob | None:
    job = ReportJob.objects.get(pk=job_id)
    assert job.status != ReportJob.Status.FAILED, job.error
    return job if job.status == ReportJob.Status.DONE else None


def _ran_the_job(worker: Worker) -> bool:
    """The worker's log says it ran a report job to the end."""
    return bool(
        re.search(r"Task township\.tasks\.report_job_run\[[^]]+\] succeeded", worker.text())
    )


# --- the browser: ask, watch, download --------------------------------------------------------


@pytest.fixture
def chromium_page(monkeypatch):
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _missing(f"no Chromium at {CHROMIUM}")
    try:
        from playwright import sync_api
    except ImportError:
        _missing("playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM refuses that unless told
    # it is safe (the live server runs in its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        yield context.new_page()
        browser.close()


def test_a_report_requested_in_the_browser_runs_on_the_worker_and_downloads(
    chromium_page, live_server, meetings, start_worker
):
    cast, page = meetings, chromium_page
    worker = start_worker(progress_delay=0.7)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", cast.reviewer.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")  # the header's language buttons are submits too
    page.wait_for_url(f"{live_server.url}/")

    page.goto(live_server.url + reverse("reports:list"))
    page.select_option("#id_kind", "county_ranking")
    page.select_option("#id_target", f"county:{cast.county.pk}")
    page.fill("#id_period", "2026-Q1")
    page.check("input[name=format][value=pdf]")
    page.click("form[action$='/reports/new/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/reports/*/")
    job = ReportJob.objects.get()
    assert page.url == live_server.url + reverse("reports:detail", args=[job.pk])

    # The page polls #job-status every second (htmx); watch what it shows until it is done.
    seen: list[tuple[str, str]] = []
    deadline = time.monotonic() + 60
    while True:
        box = page.locator("#job-status")
        state = (box.get_attribute("data-status") or "", " ".join(box.inner_text().split()))
        if not seen or seen[-1] != state:
            seen.append(state)
        if state[0] in {"done", "failed"}:
            break
        if time.monotonic() > deadline:
            pytest.fail(f"the page never showed the job finished: {seen}\n{worker.text()}")
        time.sleep(0.1)
    print("the job as the page showed it:", *seen, sep="\n  ")
    assert state[0] == "done", seen
    percents = {int(m) for _status, text in seen[:-1] for m in re.findall(r"(\d+)%", text)}
    assert len(percents) >= 2, f"the progress never moved on the page: {seen}"

    page.wait_for_selector("#download")
    with page.expect_download(timeout=30_000) as download_info:
        page.click("#download")
    download = download_info.value
    data = Path(download.path()).read_bytes()
    shown = page.text_content("#sha256").strip()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == shown
    job.refresh_from_db()
    assert (job.status, job.attempts, job.sha256, job.size) == ("done", 1, shown, len(data))
    assert download.suggested_filename == f"{job.filename}.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert all(b.code in text for b in (cast.b1, cast.b2, cast.b3)), text
    assert page.text_content("#data-digest").strip() == job.data_digest
    assert job.data_digest in text  # printed in the footer
    assert _ran_the_job(worker), worker.text()  # on the worker, not in the web process

    shots = REPO / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "worker-report-job-done.png"), full_page=True)


# --- a worker killed half-way ------------------------------------------------------------------


def test_a_job_whose_worker_is_killed_half_way_finishes_on_redelivery(
    meetings, start_worker, broker
):
    from township.services import report_request

    cast = meetings
    first = start_worker(progress_delay=2.0)
    # Sent on commit, through Redis, as the request page does.
    job = report_request(
        actor=cast.reviewer,
        kind_name="county_ranking",
        level="county",
        ident=cast.county.pk,
        period="2026-Q1",
        fmt="xlsx",
    )

    def running_with_progress():
        current = ReportJob.objects.get(pk=job.pk)
        return current.status == "running" and current.progress > 0 and current

    half = wait_for(running_with_progress, "the job to be half-way", workers=[first], timeout=60)
    first.kill()
    assert first.process.returncode == -signal.SIGKILL

    # The job is stuck half-way; its message is held by Redis, unacknowledged.
    time.sleep(0.5)
    stuck = ReportJob.objects.get(pk=job.pk)
    assert (stuck.status, stuck.attempts) == ("running", 1)
    assert stuck.progress >= half.progress > 0 and not stuck.file
    unacked = broker.zrange("unacked_index", 0, -1, withscores=True)
    assert len(unacked) == 1, unacked
    assert broker.llen("celery") == 0

    # Redis gives the message out again once it has been unacknowledged for the visibility
    # timeout; a worker restores such messages when it starts polling (and then only every
    # ~100 s with kombu's defaults), so the second worker starts after the timeout has passed.
    delivered_at = unacked[0][1]
    time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 0.5 - time.time()))
    second = start_worker(progress_delay=0.2)
    done = wait_for(lambda: _job_done(job.pk), "the redelivered job", workers=[first, second])

    assert done.attempts >= 2 and done.progress == 100
    assert _ran_the_job(second) and not _ran_the_job(first)
    assert broker.zcard("unacked_index") == 0
    stored = report_runner.report_file_path(done).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == done.sha256 and len(stored) == done.size

    # The same report made once more in this process, from the same data: the same bytes.
    kind = kind_get("county_ranking")
    _report, again = report_runner.report_build(
        kind_name="county_ranking",
        target=kind.target(scope=None, level="county", ident=cast.county.pk),
        period=period_parse("2026-Q1", allowed=kind.periods),
        fmt="xlsx",
        progress=lambda *_args: None,
    )
    assert hashlib.sha256(again).hexdigest() == done.sha256
