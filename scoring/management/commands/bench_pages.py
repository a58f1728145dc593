"""Page load benchmark (a script, not a timed test): `make bench-pages`.

On the benchmark county of `bench_scoring` (built here when the database has none; on
PostgreSQL vacuumed and analysed, as autovacuum leaves a database some time after a bulk load):
1. creates the 20 bench users where missing (7 office, 7 secretaries, 6 county reviewers);
2. counts each role's pages' queries in-process (the Django test client, no server);
3. serves the app the production way — `collectstatic`, then the Dockerfile's gunicorn command
   (sync workers, as many as gunicorn.conf.py says) with DJANGO_DEBUG=false on a free loopback
   port — and times each page with one user alone (median of --runs);
4. lets 20 users log in through the login form and click their role's pages, pausing 0.5–1.5 s
   between clicks, for --duration seconds in --rounds rounds, each page timed alone again
   between two rounds (the machine's speed drifts over minutes: each request is compared with
   its page alone around its own round, the lower of the medians just before and after it);
5. times the login page alone, the yardstick, and each page alone again, on a fresh server;
and prints per page: queries, time alone, p50 and p95 under load, p95 / alone, errors, and
PASS/FAIL against issue 14's goals, also written as Markdown to var/bench-pages-<database>.md.

    DATABASE_URL=sqlite:///var/bench.sqlite3 python manage.py bench_pages --duration 60
"""

from __future__ import annotations

import itertools
import os
import platform
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.models import Attendance, Branch, County, Meeting, Township
from members.models import Member
from scoring import bench_pages as bp
from scoring.management.commands.bench_scoring import BENCH_COUNTY, build_county
from scoring.services import year_ensure

HOST = "127.0.0.1"


class Command(BaseCommand):
    help = "Time each role's pages on gunicorn, alone and under 20 users (benchmark county)."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=float, default=180, help="seconds of load")
        parser.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="the load in this many rounds, each page timed alone before each and after the "
            "last: a request is compared with its page alone within a minute or two",
        )
        parser.add_argument("--runs", type=int, default=5, help="timed runs of a page alone")
        parser.add_argument(
            "--slow",
            type=float,
            default=10.0,
            help="a page taking longer alone is timed once, not --runs times (seconds)",
        )
        parser.add_argument("--timeout", type=float, default=130.0, help="client timeout (s)")
        parser.add_argument("--password", default=bp.BENCH_PASSWORD)
        parser.add_argument("--seed", type=int, default=14)
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            help="gunicorn workers instead of gunicorn.conf.py's number (to compare settings)",
        )
        parser.add_argument(
            "--output", default="", help="the Markdown file (var/bench-pages-<database>.md)"
        )
        parser.add_argument(
            "--sweep",
            type=int,
            default=0,
            metavar="N",
            help="instead of the load: follow each role's links from its landing page and time "
            "up to N pages of each kind alone (var/bench-sweep-<database>.md)",
        )

    def handle(self, *args, **o):
        self.o = o
        today = timezone.localdate()
        county = self._county(year=bp.last_month(today).year)
        users = bp.bench_users_ensure(county=county, password=o["password"])
        self.stdout.write(f"bench users: {len(users)}, password {o['password']!r}")
        pages = {u.pk: bp.pages_for(u, today=today) for u in users}
        for role, listed in bp.ROLE_PAGES.items():
            first = next(u for u in users if u.role == role)
            missing = {k for k, _l in listed} - {p.key for p in pages[first.pk]}
            if missing:
                self.stderr.write(f"{role}: left out, nothing to show: {', '.join(missing)}")
        # One figure per role and page, measured with the first user of the role.
        measured = {u.role: u for u in reversed(users)}
        figures = {
            (p.role, p.key): bp.PageFigures(page=p) for u in measured.values() for p in pages[u.pk]
        }
        order = [(r, k) for r, listed in bp.ROLE_PAGES.items() for k, _l in listed]
        figures = {key: figures[key] for key in order if key in figures}
        if o["sweep"]:
            self._sweep(county, measured, limit=o["sweep"])
            return
        self._count_queries(measured, pages, figures)

        if o["rounds"] < 1:
            raise CommandError("--rounds must be 1 or more")
        server = self.server = Server(log=self.stdout.write, workers=o["workers"])
        try:
            port = server.start()
            self._alone(port, measured, pages, figures)
            timeouts_alone = server.worker_timeouts()
            load = self._load(
                port,
                users,
                pages,
                figures,
                between=lambda: self._alone(port, measured, pages, figures),
            )
            # A request the clients gave up on may still hold a worker: the yardstick is timed
            # on a fresh server, right after the load.
            server.stop()
            log = server.log_text()
            in_worker = bp.worker_times(log)
            waits = bp.waited(load["sent"], bp.worker_times_by_request(log))
            slowest = bp.slowest_waits(load["sent"], waits)
            load["in_service"] = bp.in_service_while_waiting(load["sent"], waits)
            for f in figures.values():
                f.in_worker = in_worker.get(bp.page_label(f.page), [])
                f.slowest_waited = slowest.get(bp.page_label(f.page), [])
            load["worker_timeouts"] = server.worker_timeouts() - timeouts_alone
            port = server.start()
            login_ms = self._login_alone(port)
            self._alone(port, measured, pages, figures, after=True)
        finally:
            server.stop()

        labels = {bp.page_label(f.page): f"{f.page.role} {f.page.label}" for f in figures.values()}
        notes = self._notes(
            county,
            load,
            labels,
            drift=bp.alone_drift(figures.values()),
            round_drift=bp.round_drift(figures.values()),
        )
        text = bp.markdown(
            list(figures.values()),
            login_ms=login_ms,
            title=f"bench-pages on {connection.vendor}, {timezone.now():%Y-%m-%d %H:%M} UTC",
            notes=notes,
        )
        self.stdout.write("\n" + text)
        output = Path(
            o["output"] or settings.BASE_DIR / "var" / f"bench-pages-{connection.vendor}.md"
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"written to {output}")

    def _sweep(self, county: County, measured: dict, *, limit: int) -> None:
        """Every page each role reaches from its landing page, one of each kind, alone."""
        server = self.server = Server(log=self.stdout.write, workers=self.o["workers"])
        swept: list[bp.SweptPage] = []
        try:
            port = server.start()
            login_ms = self._login_alone(port)
            for role, user in measured.items():
                client = self._client(port)
                client.login(user.username, self.o["password"], path=reverse("login"))
                found = bp.crawl(client.get, start="/", limit=limit)
                self.stdout.write(f"{role}: {len(found)} pages reached")
                for path, first in found:
                    page = bp.SweptPage(role, path, first.status)
                    swept.append(page)
                    if first.status != 200:
                        continue
                    for _ in range(self._warm_ups() - 1):
                        client.get(path)
                    for _ in range(self.o["runs"]):
                        answer = client.get(path)
                        if answer.status != 200:
                            page.status, page.times = answer.status, []
                            break
                        page.times.append(answer.seconds)
                    if page.alone_ms is not None and page.alone_ms > bp.unloaded_limit_ms(login_ms):
                        self.stdout.write(f"  {role} {path} {page.alone_ms:.0f} ms")
        finally:
            server.stop()
        text = bp.sweep_markdown(
            swept,
            login_ms=login_ms,
            title=f"bench-pages --sweep on {connection.vendor}, "
            f"{timezone.now():%Y-%m-%d %H:%M} UTC",
            notes=[
                *self._setting_notes(county),
                f"each role's pages reached by links from its landing page, one of each kind "
                f"(numbers in the path as N), up to {limit} a role; each timed alone: median of "
                f"{self.o['runs']} runs after {self._warm_ups()} warm-ups",
            ],
        )
        self.stdout.write("\n" + text)
        output = Path(
            self.o["output"] or settings.BASE_DIR / "var" / f"bench-sweep-{connection.vendor}.md"
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"written to {output}")

    # --- the data ----------------------------------------------------------------------------

    def _county(self, *, year: int) -> County:
        if Township.objects.exclude(county__code=BENCH_COUNTY).exists():
            raise CommandError(
                "The database holds real townships; run the benchmark on its own database, "
                "e.g. DATABASE_URL=sqlite:///var/bench.sqlite3 python manage.py bench_pages"
            )
        county = County.objects.filter(code=BENCH_COUNTY).first()
        if county is None:
            self.stdout.write(f"no benchmark county: building one on {connection.vendor}…")
            started = time.perf_counter()
            county = build_county(
                townships=20, branches=35, members=45, year=year, log=self.stdout.write
            )
            self.stdout.write(f"county built in {time.perf_counter() - started:.0f} s")
        # As the close-day jobs would have: every ended month of last year and this year is
        # stored. The star board reads last year; without it each township's first view would
        # compute that year in the request (hundreds of queries, seconds) and measure the
        # catching up instead of the page.
        for stored_year in (year - 1, year):
            started = time.perf_counter()
            for township in Township.objects.filter(county=county).order_by("code"):
                year_ensure(township=township, year=stored_year)
            self.stdout.write(
                f"year {stored_year} stored (or current) in {time.perf_counter() - started:.1f} s"
            )
        self._settle()
        return county

    def _settle(self) -> None:
        """On PostgreSQL, vacuum and analyse the database, as autovacuum would have some time
        after the bulk load: the pages are timed on the database a deployment runs on, not on
        one just written.

        The building and topping-up rewrite many rows at once. Until a vacuum marks their
        pages all-visible again, PostgreSQL cannot answer a count from an index alone: on the
        county with its modules filled, the comparison's member count read the table (seq scan,
        12-20 ms) where the roster index answers it (index-only scan, 2-5 ms). A restart of the
        server also forgets the counts of changed rows that wake autovacuum. A vacuum of a
        settled database takes seconds.
        """
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        self.stdout.write(
            f"database vacuumed and analysed in {time.perf_counter() - started:.1f} s"
        )

    def _setting_notes(self, county: County) -> list[str]:
        """The data and the server, as every table of the benchmark states them."""
        data = {
            "townships": Township.objects.filter(county=county).count(),
            "branches": Branch.objects.filter(township__county=county).count(),
            "members": Member.objects.filter(township__county=county).count(),
            "meetings": Meeting.objects.filter(township__county=county).count(),
            "attendance rows": Attendance.objects.filter(meeting__township__county=county).count(),
        }
        return [
            "data: " + ", ".join(f"{n:,} {k}" for k, n in data.items()),
            f"database: {_database()}; server: {' '.join(Server.argv_shown)} (DJANGO_DEBUG=false)",
        ]

    def _notes(
        self, county: County, load: dict, labels: dict[str, str], *, drift=None, round_drift=None
    ) -> list[str]:
        def spread(d) -> str:
            return f"{d[0]:.2f} at the median page, {d[1]:.2f}–{d[2]:.2f} over the pages"

        return [
            *self._setting_notes(county),
            f"load: {load['users']} users (7 office, 7 secretaries, 6 reviewers), a pause of "
            f"0.5–1.5 s between clicks, {load['seconds']:.0f} s in {load['rounds']} "
            f"{'round' if load['rounds'] == 1 else 'rounds'}: "
            f"{load['requests']} requests, "
            f"{load['requests'] / max(load['seconds'], 1):.1f} a second",
            "CPU seconds used during the load: "
            + ", ".join(f"{k} {v:.1f}" for k, v in load["cpu"].items())
            + f" (of {os.cpu_count() or 1} × {load['seconds']:.0f} s; "
            + f"{1000 * load['cpu']['gunicorn workers'] / max(load['requests'], 1):.0f} ms of "
            + "the workers' CPU a request)",
            f"gunicorn killed {load['worker_timeouts']} workers at its timeout under load "
            "(one hung request each)",
            "pages in service when a request that then waited 10 ms or more for a worker was "
            "sent (share of those requests): "
            + (
                ", ".join(
                    f"{labels.get(page, page)} {share:.0%}"
                    for page, share in load["in_service"][:5]
                )
                or "none waited"
            ),
            f"machine: {os.cpu_count()} cores, load average {load['loadavg_before']} before the "
            f"load, {load['loadavg_after']} after; Python {platform.python_version()}",
            f"times alone: median of {self.o['runs']} runs after {self._warm_ups()} warm-ups (two "
            f"per worker; a page over {self.o['slow']:.0f} s: that single run), before each "
            "round of the load and again after the last on a fresh server; queries counted "
            "in-process; the login page timed on the fresh server right after the load",
            "the machine's drift between the first and the last timing alone (each page's "
            "median after the load ÷ before it): "
            + (spread(drift) if drift else "not timed twice"),
            "the same between each timing alone and the next, around one round: "
            + (spread(round_drift) if round_drift else "not timed twice"),
        ]

    # --- the measurements --------------------------------------------------------------------

    def _count_queries(self, measured, pages, figures) -> None:
        """Each page once in-process with the test client: its status and query count."""
        for user in measured.values():
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            for page in pages[user.pk]:
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(page.url, secure=True)
                if response.status_code != 200:
                    raise CommandError(
                        f"{user.username} {page.url} answered {response.status_code} in-process"
                    )
                figures[(page.role, page.key)].queries = len(ctx.captured_queries)
                self.stdout.write(
                    f"  {page.role:9} {page.label:40} {len(ctx.captured_queries):4} queries"
                )

    def _client(self, port: int) -> bp.PageClient:
        return bp.PageClient(HOST, port, timeout=self.o["timeout"])

    def _warm_ups(self) -> int:
        """Requests before a page is timed alone: two per worker, so that the timed runs do
        not land on a worker that has not yet served the page (its templates not compiled, its
        database connection not open), as no worker of a server in use would be."""
        return 2 * bp.gunicorn_workers(Server.argv_shown)

    def _alone(self, port, measured, pages, figures, *, after: bool = False) -> None:
        """Each page with one user and no one else: warm-ups, then --runs timed runs; before
        each round of the load and once after it (`after`), on the fresh server."""
        login = reverse("login")
        when = "after" if after else "alone"
        for user in measured.values():
            client = self._client(port)
            client.login(user.username, self.o["password"], path=login)
            for page in pages[user.pk]:
                f = figures[(page.role, page.key)]
                if f.alone_error:
                    continue
                runs: list[float] = []
                f.alone.append(runs)
                warm = client.get(page.url)
                if warm.status == 200 and warm.seconds <= self.o["slow"]:
                    for _ in range(self._warm_ups() - 1):
                        client.get(page.url)
                if warm.status != 200:
                    f.alone_error = f"{warm.status or warm.error} after {warm.seconds:.0f} s"
                elif warm.seconds > self.o["slow"]:
                    runs.append(warm.seconds)
                else:
                    for _ in range(self.o["runs"]):
                        answer = client.get(page.url)
                        if answer.status != 200:
                            f.alone_error = f"{answer.status or answer.error} after a 200"
                            f.alone = []
                            break
                        runs.append(answer.seconds)
                if f.alone_error:
                    self.stdout.write(f"  {when} {page.role:9} {page.label:40} {f.alone_error}")
                    continue
                ms = bp.median(runs) * 1000
                self.stdout.write(f"  {when} {page.role:9} {page.label:40} {ms:8.0f} ms")

    def _load(self, port, users, pages, figures, *, between) -> dict:
        """Every bench user clicks through their role's pages, with a human pause, in threads,
        for --duration seconds in --rounds rounds; `between` runs between two rounds (the pages
        timed alone), while the users wait. Each user logs in once, before the first round."""
        login = reverse("login")
        rounds = self.o["rounds"]
        each = self.o["duration"] / rounds
        lock = threading.Lock()
        failures: list[str] = []
        sent: list[bp.Sent] = []  # the answered requests, for the waits
        numbers = itertools.count(1)
        rngs = random.Random(self.o["seed"])
        clients = [self._client(port) for _ in users]
        user_rngs = [random.Random(rngs.random()) for _ in users]

        def log_in(user, client) -> None:
            try:
                client.login(user.username, self.o["password"], path=login)
            except Exception as exc:  # reported below, after every thread has ended
                with lock:
                    failures.append(f"{user.username}: {exc}")

        self.stdout.write(f"{len(users)} users logging in through the form…")
        self._threads(log_in, zip(users, clients, strict=True), timeout=self.o["timeout"] + 10)
        if failures:
            raise CommandError("; ".join(failures))

        def browse(user, client, rng: random.Random, number: int, end: float) -> None:
            time.sleep(rng.uniform(0, 1.5))  # people do not all click at the same instant
            todo: list[bp.Page] = []
            while time.monotonic() < end:
                if not todo:
                    todo = list(pages[user.pk])
                    rng.shuffle(todo)
                page = todo.pop()
                with lock:
                    request = next(numbers)
                started = time.monotonic()
                answer = client.get(
                    page.url, headers={bp.PAGE_HEADER: bp.request_label(page, request)}
                )
                with lock:
                    f = figures[(page.role, page.key)]
                    if answer.status == 200:
                        f.loaded.append(answer.seconds)
                        f.loaded_round.append(number)
                        sent.append(bp.Sent(request, bp.page_label(page), started, answer.seconds))
                    else:
                        f.error(str(answer.status) if answer.status else answer.error)
                time.sleep(rng.uniform(0.5, 1.5))

        before = _loadavg()
        used: dict[str, float] = {}
        seconds = 0.0
        for number in range(rounds):
            if number:
                between()
            cpu = self._cpu()
            started = time.monotonic()
            end = started + each
            self.stdout.write(f"load round {number + 1} of {rounds}: {each:.0f} s…")
            self._threads(
                browse,
                ((u, c, r, number, end) for u, c, r in zip(users, clients, user_rngs, strict=True)),
                timeout=each + self.o["timeout"] + 10,
            )
            seconds += time.monotonic() - started
            for k, v in self._cpu().items():
                used[k] = used.get(k, 0.0) + bp.cpu_used(cpu[k], v, reaped=k == "postgres")
        return {
            "cpu": used,
            "users": len(users),
            "seconds": seconds,
            "rounds": rounds,
            "requests": sum(len(f.loaded) + sum(f.errors.values()) for f in figures.values()),
            "sent": sent,
            "loadavg_before": before,
            "loadavg_after": _loadavg(),
        }

    @staticmethod
    def _threads(target, arguments, *, timeout: float) -> None:
        """`target(*args)` for each of `arguments` in a thread of its own, all at once, until
        all have returned (or `timeout` seconds)."""
        threads = [threading.Thread(target=target, args=a, daemon=True) for a in arguments]
        for t in threads:
            t.start()
        deadline = time.monotonic() + timeout
        for t in threads:
            t.join(timeout=max(0.0, deadline - time.monotonic()))

    def _cpu(self) -> dict[str, dict[int, float]]:
        """CPU seconds used so far by the gunicorn workers, this client (its threads) and, on
        PostgreSQL, the database server's processes on this machine, with those of connections
        that have ended (a worker reconnects after CONN_MAX_AGE; the server reaps the old
        connection's process)."""
        out = {
            "gunicorn workers": bp.process_cpus(bp.processes(parent=self.server.process.pid)),
            "load client": bp.process_cpus([os.getpid()]),
        }
        if connection.vendor == "postgresql":
            out["postgres"] = bp.process_cpus(bp.processes(name="postgres"), reaped=True)
        return out

    def _login_alone(self, port) -> float:
        """The yardstick: the login page, logged out, alone (median of 3 × --runs runs)."""
        client = self._client(port)
        path = reverse("login")
        for _ in range(self._warm_ups()):
            client.get(path)
        times = []
        for _ in range(3 * self.o["runs"]):
            answer = client.get(path)
            if answer.status != 200:
                raise CommandError(f"the login page answered {answer.status or answer.error}")
            times.append(answer.seconds)
        login_ms = bp.median(times) * 1000
        self.stdout.write(f"login page alone: {login_ms:.1f} ms")
        return login_ms


def _database() -> str:
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        return f"PostgreSQL {major}.{minor}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def _loadavg() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


class Server:
    """gunicorn as the Dockerfile runs it (with its gunicorn.conf.py), DJANGO_DEBUG=false, on a
    free loopback port."""

    argv_shown: list[str] = []

    def __init__(self, *, log, workers: int = 0):
        self.log = log
        self.workers = workers  # 0: as the Dockerfile says
        self.process: subprocess.Popen | None = None
        self.logfile = None
        self.collected = False

    def start(self) -> int:
        base = Path(settings.BASE_DIR)
        var = base / "var"
        var.mkdir(exist_ok=True)
        with socket.socket() as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        env = os.environ.copy()
        env.update(
            DJANGO_DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(48),
            ALLOWED_HOSTS=HOST,
            STATIC_ROOT=str(var / "bench-pages-static"),
            PRIVATE_ROOT=str(var / "bench-pages-private"),
        )
        env.setdefault("CONN_MAX_AGE", "60")  # as docker-compose.yml
        if "DATABASE_URL" not in env:
            raise CommandError("set DATABASE_URL: the server must read the benchmark's database")
        if not self.collected:
            self.log("collecting static files (the manifest production's templates need)…")
            subprocess.run(  # noqa: S603
                [sys.executable, str(base / "manage.py"), "collectstatic", "--noinput", "-v0"],
                env=env,
                check=True,
                cwd=base,
            )
        argv = bp.gunicorn_argv((base / "Dockerfile").read_text(), bind=f"{HOST}:{port}")
        # Named on the command line, so that the warm-ups and the notes know the number: the one
        # asked for, else the Dockerfile's, else gunicorn.conf.py's (as gunicorn computes it).
        if self.workers or not bp.names_workers(argv):
            argv = bp.with_workers(argv, self.workers or bp.configured_workers(base))
        Server.argv_shown = argv
        # The access log times each request inside its worker (the notes show the command
        # without this measuring option).
        argv = [*argv, "--access-logformat", bp.ACCESS_LOG_FORMAT]
        self.logfile = open(var / "bench-pages-gunicorn.log", "a" if self.collected else "w")
        self.collected = True
        self.log(f"serving: {' '.join(argv)}")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", *argv],
            env=env,
            cwd=base,  # where gunicorn reads a gunicorn.conf.py, as in the image
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
        )
        client = bp.PageClient(HOST, port, timeout=5)

        def up() -> bool:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn exited; see {self.logfile.name}")
            return client.get(reverse("login")).status == 200

        if not bp.wait_until(up, seconds=60):
            raise CommandError(f"gunicorn did not answer in 60 s; see {self.logfile.name}")
        return port

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.logfile is not None:
            self.logfile.close()

    def log_text(self) -> str:
        if self.logfile is None:
            return ""
        return Path(self.logfile.name).read_text(encoding="utf-8", errors="replace")

    def worker_timeouts(self) -> int:
        """How many workers gunicorn's master killed at its timeout so far (from its log)."""
        return self.log_text().count("WORKER TIMEOUT")
