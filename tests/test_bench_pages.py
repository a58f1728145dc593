"""The pieces of `manage.py bench_pages` on the test cast: the bench users, each role's pages,
the login through the form, the goal arithmetic and the Markdown table. Nothing is timed."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from scoring import bench_pages as bp
from tests import factories as f
from tests.conftest import BACKEND
from township.models import AuditLog, User

TODAY = dt.date(2026, 11, 30)
LAST_MONTH = dt.date(2026, 10, 1)


def _bench_users(cast):
    return bp.bench_users_ensure(county=cast.county, password="bench-test-password")


def test_bench_users_are_twenty_spread_over_the_county_and_made_once(cast):
    users = _bench_users(cast)

    assert [u.role for u in users] == ["office"] * 7 + ["secretary"] * 7 + ["reviewer"] * 6
    assert {u.township for u in users if u.role == "office"} == {cast.t1, cast.t2}
    assert {u.branch for u in users if u.role == "secretary"} == {cast.b1, cast.b2, cast.b3}
    assert all(u.branch.township == u.township for u in users if u.role == "secretary")
    assert {u.county for u in users} == {cast.county}
    assert all(u.check_password("bench-test-password") for u in users)
    created = AuditLog.objects.filter(action="auth.user.created", actor_name="bench_pages")
    assert created.count() == 20

    again = _bench_users(cast)

    assert [u.pk for u in again] == [u.pk for u in users]
    assert User.objects.filter(username__startswith=bp.USER_PREFIX).count() == 20
    assert created.count() == 20


def test_a_bench_user_with_another_password_gets_the_known_one_again(cast):
    users = _bench_users(cast)
    users[0].set_password("something-else-entirely")
    users[0].save()

    again = _bench_users(cast)

    assert again[0].check_password("bench-test-password")
    changed = AuditLog.objects.filter(action="auth.user.password_changed")
    assert list(changed.values_list("object_repr", flat=True)) == [users[0].username]


def _themed_days(cast):
    return {
        b: f.meeting(branch=b, type="themed_day", date=LAST_MONTH.replace(day=5))
        for b in (cast.b1, cast.b2, cast.b3)
    }


def test_each_roles_pages_resolve_and_open_for_the_role(cast, client):
    _themed_days(cast)
    users = _bench_users(cast)

    for user in users:
        pages = bp.pages_for(user, today=TODAY)
        assert [p.key for p in pages] == [k for k, _label in bp.ROLE_PAGES[user.role]]
        client.force_login(user, backend=BACKEND)
        for page in pages:
            assert client.get(page.url).status_code == 200, (user.username, page.url)


def test_the_pages_look_at_the_users_share_of_the_county(cast):
    meetings = _themed_days(cast)
    users = _bench_users(cast)

    secretary = next(u for u in users if u.role == "secretary" and u.branch == cast.b3)
    grid = {p.key: p.url for p in bp.pages_for(secretary, today=TODAY)}["attendance"]
    assert grid == reverse("branches:meeting_attendance", args=[meetings[cast.b3].pk])
    reviewed = {
        {p.key: p.url for p in bp.pages_for(u, today=TODAY)}["branch_list"]
        for u in users
        if u.role == "reviewer"
    }
    listing = reverse("branches:branch_list")
    assert reviewed == {f"{listing}?township={cast.t1.pk}", f"{listing}?township={cast.t2.pk}"}
    office = users[0]
    urls = {p.key: p.url for p in bp.pages_for(office, today=TODAY)}
    assert urls["month_sheet"] == reverse("scoring:township_month", args=[cast.t1.pk, "2026-10"])
    assert urls["star_board"] == reverse("scoring:township_year", args=[cast.t1.pk, 2025])
    assert urls["ranking"].endswith("?q=4")


def test_a_branch_without_meetings_has_no_attendance_page(cast):
    f.meeting(branch=cast.b1, date=LAST_MONTH.replace(day=5))
    users = _bench_users(cast)
    without = next(u for u in users if u.role == "secretary" and u.branch == cast.b3)
    with_one = next(u for u in users if u.role == "secretary" and u.branch == cast.b1)

    assert "attendance" not in {p.key for p in bp.pages_for(without, today=TODAY)}
    assert "attendance" in {p.key for p in bp.pages_for(with_one, today=TODAY)}


def test_the_client_logs_in_through_the_form_behind_the_tls_proxy(live_server, cast, settings):
    """As in production: Secure cookies and the proxy's X-Forwarded-Proto, CSRF checked."""
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    where = urlsplit(live_server.url)
    client = bp.PageClient(where.hostname, where.port, timeout=30)

    client.login("office", f.PASSWORD, path=reverse("login"))

    assert client.get(reverse("branches:branch_list")).status == 200
    stranger = bp.PageClient(where.hostname, where.port, timeout=30)
    with pytest.raises(bp.BenchError, match="office could not log in: 200"):
        stranger.login("office", "not-the-password", path=reverse("login"))
    assert stranger.get(reverse("branches:branch_list")).status == 302


def test_the_client_reports_no_answer_as_status_zero():
    answer = bp.PageClient("127.0.0.1", 9, timeout=2).get("/")  # the discard port: refused

    assert answer.status == 0
    assert answer.error == "ConnectionRefusedError"


def test_percentile_is_the_nearest_rank():
    assert bp.percentile(range(1, 21), 95) == 19
    assert bp.percentile(range(1, 101), 95) == 95
    assert bp.percentile(range(1, 102), 95) == 96
    assert bp.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert bp.percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        bp.percentile([], 50)


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert bp.median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert bp.median([5.0, 1.0, 3.0]) == 3.0


@pytest.mark.parametrize(
    ("unloaded", "login", "passed"),
    [
        (150.0, 5.0, True),  # exactly 150 ms
        (150.01, 5.0, False),  # one past it
        (200.0, 10.0, True),  # exactly 20× a 10 ms login page
        (200.01, 10.0, False),
    ],
)
def test_a_page_alone_passes_within_150_ms_or_20_login_pages(unloaded, login, passed):
    result = bp.verdict(unloaded_ms=unloaded, load_ratio=1.0, answered=1, errors=0, login_ms=login)

    assert result.passed is passed
    assert result.reasons == (() if passed else ("slow alone",))


@pytest.mark.parametrize(("ratio", "passed"), [(3.0, True), (3.0001, False)])
def test_a_page_under_load_passes_within_3_times_its_time_alone(ratio, passed):
    result = bp.verdict(unloaded_ms=100.0, load_ratio=ratio, answered=9, errors=0, login_ms=5.0)

    assert result.passed is passed
    assert result.reasons == (() if passed else ("queues under load",))


@pytest.mark.parametrize(("errors", "passed"), [(0, True), (1, False)])
def test_a_single_error_fails_the_page(errors, passed):
    result = bp.verdict(unloaded_ms=100.0, load_ratio=1.0, answered=9, errors=errors, login_ms=5.0)

    assert result.passed is passed


def test_a_page_never_clicked_under_load_is_not_passed():
    result = bp.verdict(unloaded_ms=100.0, load_ratio=None, answered=0, errors=0, login_ms=5.0)

    assert result.reasons == ("not clicked under load",)


PAGE = bp.Page("office", "branch_list", "branch list", "/branches/")


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ([0.030, 0.040, 0.050], [0.020, 0.025, 0.090], 0.025),  # the run after the round lower
        ([0.020, 0.025, 0.090], [0.030, 0.040, 0.050], 0.025),  # the run before lower
        ([0.030, 0.040, 0.050], [], 0.040),  # not timed again (an error, or not yet)
        ([], [], None),
    ],
)
def test_a_rounds_time_alone_is_the_lower_median_of_before_and_after_it(before, after, expected):
    figures = bp.PageFigures(page=PAGE, alone=[before, after])

    assert figures.round_alone(0) == (pytest.approx(expected) if expected else None)


def test_each_round_is_compared_with_the_timings_alone_around_it():
    """Round 0 between timings of 20 and 40 ms, round 1 between 40 and 80 ms: the machine
    slowed down. Each round's requests are divided by its own lower median (20, then 40)."""
    figures = bp.PageFigures(
        page=PAGE,
        alone=[[0.020], [0.040], [0.080]],
        loaded=[0.040] * 19 + [0.060] + [0.080] * 19 + [0.100],
        loaded_round=[0] * 20 + [1] * 20,
    )

    assert figures.round_alone(0) == pytest.approx(0.020)
    assert figures.round_alone(1) == pytest.approx(0.040)
    # 38 ratios of 2.0, one of 2.5, one of 3.0: the 95th percentile (the 38th) is 2.0; the
    # plain p95 of all the times (0.080 s) over the lowest timing alone (20 ms) would be 4.0.
    assert figures.load_ratio == pytest.approx(2.0)
    assert figures.unloaded_ms == pytest.approx(40.0)  # the median of the three timings


def test_one_round_compares_the_p95_with_the_lower_median_of_before_and_after():
    figures = bp.PageFigures(page=PAGE, alone=[[0.030], [0.020]], loaded=[0.05] * 19 + [0.061])

    assert figures.load_ratio == pytest.approx(2.5)  # 0.05 / 0.020 (the 19th of 20)


def test_a_slower_request_raises_the_ratio_of_its_own_round_only():
    figures = bp.PageFigures(
        page=PAGE,
        alone=[[0.010], [0.100], [0.100]],
        loaded=[0.035] * 10 + [0.150] * 10,  # round 0: 3.5×; round 1: 1.5× its time alone
        loaded_round=[0] * 10 + [1] * 10,
    )

    assert figures.load_ratio == pytest.approx(3.5)


def test_the_drift_is_each_pages_median_after_the_load_over_before():
    figures = [
        bp.PageFigures(page=PAGE, alone=[[0.010, 0.020, 0.030], [0.010], [0.040]]),  # 2.0
        bp.PageFigures(page=PAGE, alone=[[0.040], [0.060, 0.060, 0.090]]),  # 1.5
        bp.PageFigures(page=PAGE, alone=[[0.030], [0.030]]),  # 1.0
        bp.PageFigures(page=PAGE, alone=[[0.030]]),  # timed once: left out
    ]

    assert bp.alone_drift(figures) == pytest.approx((1.5, 1.0, 2.0))
    assert bp.alone_drift(figures[3:]) is None
    # Between one timing and the next: 0.5 and 4.0 for the first page, then 1.5 and 1.0.
    assert bp.round_drift(figures) == pytest.approx((1.25, 0.5, 4.0))


def test_the_markdown_table_has_a_row_per_page_with_its_figures_and_result():
    fast = bp.PageFigures(
        page=bp.Page("office", "branch_list", "branch list", "/branches/"),
        queries=5,
        alone=[[0.090, 0.100, 0.110]],
        loaded=[0.2, 0.3, 0.1, 0.25],
        in_worker=[0.09, 0.12, 0.15, 0.1],
        slowest_waited=[0.02, 0.04],
    )
    broken = bp.PageFigures(
        page=bp.Page("reviewer", "audit", "audit log", "/audit/"),
        queries=6,
        alone=[[0.4]],
        loaded=[0.6],
        errors={"500": 1, "TimeoutError": 2},
    )

    text = bp.markdown([fast, broken], login_ms=10.0, title="trial", notes=["data: none"])

    lines = text.splitlines()
    assert lines[0] == "### trial"
    assert "- data: none" in lines
    assert (
        "| role | page | queries | unloaded ms | requests | p50 ms | p95 ms "
        "| p95 in the worker ms | slowest 5 % waited ms | p95 / alone |"
    ) in text
    assert (
        "| office | branch list | 5 | 100 | 4 | 200 | 300 | 150 | 30 | 3.0× | 0 | PASS |" in lines
    )
    assert (
        "| reviewer | audit log | 6 | 400 | 4 | 600 | 600 | — | — | 1.5× | 500 ×1, TimeoutError ×2 "
        "| FAIL: slow alone, errors |"
    ) in lines
    assert lines[-1] == "1 of 2 pages pass."


def test_the_server_runs_the_dockerfiles_gunicorn_command_on_the_given_address():
    dockerfile = (Path(django_settings.BASE_DIR) / "Dockerfile").read_text()

    argv = bp.gunicorn_argv(dockerfile, bind="127.0.0.1:4321")

    assert argv[:3] == ["gunicorn", "--bind", "127.0.0.1:4321"]
    assert "township.wsgi:application" in argv
    assert not bp.names_workers(argv)  # gunicorn.conf.py decides
    assert "0.0.0.0:8000" not in argv


def _gunicorn_conf() -> dict:
    import runpy

    return runpy.run_path(str(Path(django_settings.BASE_DIR) / "gunicorn.conf.py"))


@pytest.mark.parametrize(
    ("environ", "cpus", "expected"),
    [
        ({}, 2, 2),  # one a core
        ({}, 8, 8),
        ({}, 1, 2),  # never fewer than two
        ({}, None, 2),  # cores unknown
        ({"WEB_CONCURRENCY": "5"}, 2, 5),  # the operator's number wins
        ({"WEB_CONCURRENCY": " 1 "}, 8, 1),
        ({"WEB_CONCURRENCY": ""}, 4, 4),
    ],
)
def test_gunicorn_starts_a_worker_a_core_unless_told(environ, cpus, expected):
    assert _gunicorn_conf()["workers_for"](environ, cpus) == expected


@pytest.mark.parametrize("value", ["0", "65", "-1", "three", "2.5", "9" * 40])
def test_gunicorn_refuses_a_worker_count_that_is_not_one(value):
    with pytest.raises(ValueError, match="WEB_CONCURRENCY"):
        _gunicorn_conf()["workers_for"]({"WEB_CONCURRENCY": value}, 2)


def test_the_bench_serves_with_the_workers_gunicorn_conf_gives(monkeypatch):
    base = Path(django_settings.BASE_DIR)
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert bp.configured_workers(base) == 4
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert bp.configured_workers(base) == max(2, os.cpu_count() or 1)
    assert bp.configured_workers(base / "nowhere") == 1  # no gunicorn.conf.py: gunicorn's 1


def test_the_worker_count_is_read_and_can_be_replaced():
    argv = ["gunicorn", "--bind", "127.0.0.1:1", "app", "--workers", "3", "--timeout", "30"]

    assert bp.gunicorn_workers(argv) == 3
    assert bp.gunicorn_workers(["gunicorn", "-w", "7", "app"]) == 7
    assert bp.gunicorn_workers(["gunicorn", "--workers=4", "app"]) == 4
    assert bp.gunicorn_workers(["gunicorn", "app"]) == 1  # gunicorn's own default
    five = bp.with_workers(argv, 5)
    assert bp.gunicorn_workers(five) == 5
    assert five.count("--workers") == 1 and "3" not in five
    assert five[:4] == argv[:4] and "--timeout" in five
    assert bp.names_workers(argv) and bp.names_workers(["gunicorn", "-w", "2"])
    assert bp.names_workers(["gunicorn", "--workers=2"])
    assert not bp.names_workers(["gunicorn", "--worker-class", "sync", "--timeout", "30"])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux /proc")
def test_the_cpu_of_processes_is_read_from_proc():
    import time

    me = os.getpid()
    assert me in bp.processes(parent=os.getppid())
    assert me not in bp.processes(parent=os.getppid(), name="no-such-command")
    before = bp.process_cpu([me])
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:  # 0.3 s of this process's CPU
        pass
    assert bp.process_cpu([me]) - before >= 0.2  # at the clock tick's resolution
    assert bp.process_cpu([2**22 + 12345]) == 0  # no such process
    assert bp.cpu_used({1: 2.0, 2: 5.0}, {1: 3.5, 3: 0.5}) == 2.0  # 2 ended, 3 began


def test_the_cpu_of_ended_children_counts_in_their_parent_once():
    """PostgreSQL's connections are processes its server reaps: a connection closed during the
    load (CONN_MAX_AGE) must still count, and only for what it used during the load."""
    me = os.getpid()
    before = bp.process_cpus([me], reaped=True)
    subprocess.run(  # a child that uses 0.3 s of CPU and ends; run() waits for it
        [
            sys.executable,
            "-c",
            "import time\nt = time.process_time() + 0.3\nwhile time.process_time() < t: pass",
        ],
        check=True,
    )
    after_reaped = bp.process_cpus([me], reaped=True)
    assert after_reaped[me] - before[me] >= 0.2  # at the clock tick's resolution
    assert bp.process_cpus([me])[me] < after_reaped[me] - 0.2  # without: the child is not seen
    # A connection (2) used 5 s before the load and 1 s more, then ended: the server (1), which
    # used 1 s itself, now holds all 6 of it. The load used 2 s.
    assert bp.cpu_used({1: 2.0, 2: 5.0}, {1: 9.0}, reaped=True) == 2.0
    assert bp.cpu_used({1: 2.0, 2: 5.0}, {1: 9.0}) == 7.0  # counted from its start: wrong


def test_a_dockerfile_without_a_gunicorn_command_is_refused():
    with pytest.raises(bp.BenchError, match="no CMD"):
        bp.gunicorn_argv("FROM python:3.11\n", bind="127.0.0.1:1")
    with pytest.raises(bp.BenchError, match="not gunicorn"):
        bp.gunicorn_argv('FROM x\nCMD ["uwsgi", "--http", ":8000"]\n', bind="127.0.0.1:1")


def test_a_page_that_failed_alone_shows_what_it_answered_and_fails():
    timed_out = bp.PageFigures(
        page=bp.Page("reviewer", "branch_list", "branch list of one township", "/branches/"),
        queries=5,
        loaded=[0.2],
        alone_error="RemoteDisconnected after 121 s",
    )

    text = bp.markdown([timed_out], login_ms=10.0, title="trial")

    assert (
        "| reviewer | branch list of one township | 5 | RemoteDisconnected after 121 s | 1 "
        "| 200 | 200 | — | — | — | 0 | FAIL: failed alone |"
    ) in text.splitlines()


def test_the_time_in_the_worker_is_read_from_gunicorns_access_log():
    page = bp.Page("secretary", "member_list", "members list", "/members/")
    log = "\n".join(
        [
            "[2026-12-01 02:22:53 +0800] [8493] [INFO] Starting gunicorn 27.0.1",
            "bench-page - 200 4131",  # timed alone: no header
            f"bench-page {bp.page_label(page)} 200 24900",
            "bench-page office/dashboard 200 61175",
            f"bench-page {bp.page_label(page)} 500 90000",  # not an answer the table counts
            f"bench-page {bp.page_label(page)} 200 34900",
            "bench-page office/dashboard 200 1e9",  # not a number of microseconds
            "[2026-12-01 02:24:08 +0800] [8493] [INFO] Handling signal: term",
        ]
    )

    times = bp.worker_times(log)

    assert times == {
        "secretary/member_list": [pytest.approx(0.0249), pytest.approx(0.0349)],
        "office/dashboard": [pytest.approx(0.061175)],
    }


def test_each_request_under_load_is_found_in_the_log_by_its_number():
    page = bp.Page("secretary", "dashboard", "dashboard", "/")
    log = "\n".join(
        [
            "bench-page - 200 4131",  # timed alone: no header
            f"bench-page {bp.request_label(page, 7)} 200 12000",
            f"bench-page {bp.request_label(page, 8)} 502 90000",  # not answered
            f"bench-page {bp.page_label(page)} 200 15000",  # a page without a number
            "bench-page office/dashboard#x9 200 30000",  # not a number: the page only
        ]
    )

    assert bp.worker_times_by_request(log) == {7: pytest.approx(0.012)}
    assert bp.worker_times(log) == {
        "secretary/dashboard": [pytest.approx(0.012), pytest.approx(0.015)],
        "office/dashboard": [pytest.approx(0.03)],
    }


def _sent(number, page, started, seconds):
    return bp.Sent(number, page, started, seconds)


def test_a_request_waited_what_its_user_saw_beyond_the_worker():
    sent = [_sent(1, "a/x", 0.0, 0.050), _sent(2, "a/x", 1.0, 0.010), _sent(3, "a/x", 2.0, 0.02)]
    in_worker = {1: 0.020, 2: 0.0105}  # 2: the clocks differ by a hair; 3: not in the log

    assert bp.waited(sent, in_worker) == {1: pytest.approx(0.030), 2: 0.0}


def test_the_slowest_twentieth_of_a_pages_requests_is_kept_one_at_least():
    sent = [_sent(n, "a/x", float(n), n / 1000) for n in range(1, 41)]  # 1 ms … 40 ms
    sent.append(_sent(41, "b/y", 0.0, 0.005))
    waits = {n: n / 10_000 for n in range(1, 42)}

    slowest = bp.slowest_waits(sent, waits)

    assert slowest["a/x"] == [pytest.approx(0.0040), pytest.approx(0.0039)]  # 40 and 39 ms
    assert slowest["b/y"] == [pytest.approx(0.0041)]


def test_the_pages_in_service_while_others_waited_are_counted_once_per_wait():
    sent = [
        _sent(1, "reviewer/comparison", 0.00, 0.100),  # in flight 0.00-0.10
        _sent(2, "office/dashboard", 0.02, 0.050),  # in flight 0.02-0.07
        _sent(3, "secretary/dashboard", 0.05, 0.060),  # sent while 1 and 2 ran; waited
        _sent(4, "secretary/dashboard", 0.09, 0.030),  # sent while 1 and 3 ran; waited
        _sent(5, "secretary/dashboard", 0.50, 0.010),  # alone; did not wait
        _sent(6, "reviewer/comparison", 0.095, 0.09),  # sent while 1, 3 and 4 ran; no wait
    ]
    waits = {1: 0.0, 2: 0.0, 3: 0.045, 4: 0.010, 5: 0.0, 6: 0.002}

    shares = dict(bp.in_service_while_waiting(sent, waits))

    assert shares == {
        "reviewer/comparison": 1.0,  # in flight for both waits
        "office/dashboard": 0.5,
        "secretary/dashboard": 0.5,  # request 3, while 4 waited
    }
    assert bp.in_service_while_waiting(sent, {}) == []


def test_the_access_log_format_names_the_page_header_gunicorn_reads():
    # gunicorn's atom for a request header is its name in lower case: %({name}i)s.
    assert "%({" + bp.PAGE_HEADER.lower() + "}i)s" in bp.ACCESS_LOG_FORMAT
    assert bp.worker_times(bp.ACCESS_LOG_FORMAT % {"{x-bench-page}i": "a/b", "s": 200, "D": 7})


# --- the sweep -----------------------------------------------------------------------------------


def test_page_links_are_the_sites_paths_entities_undone_files_left_out():
    body = (
        b'<a href="/branches/?page=2&amp;q=%E4%B8%9C">next</a> <a href="https://x.org/">out</a>'
        b'<a href="/members/12/#notes">m</a><link href="/static/css/app.css">'
        b'<a href="/reports/7/download/">file</a><a href="/members/roster/template.xlsx">t</a>'
        b'<a href="/branches/meetings/photos/3/">photo</a><a href="/branches/meetings/3/photos/">'
        b'add</a><form action="/logout/"><a href="/logout/">x</a><a href="/language/">l</a>'
    )
    assert bp.page_links(body) == [
        "/branches/?page=2&q=%E4%B8%9C",
        "/members/12/",
        "/branches/meetings/3/photos/",
    ]
    pages = b'<a href="?page=2">next</a><a href="?q=1&amp;page=371">last</a>'
    assert bp.page_links(pages, base="/branches/meetings/?page=1") == [
        "/branches/meetings/?page=2",
        "/branches/meetings/?q=1&page=371",
    ]


def test_a_url_shape_is_its_path_and_query_with_numbers_as_n():
    assert bp.url_shape("/scoring/branch/26/2026/") == "/scoring/branch/N/N/"
    assert bp.url_shape("/branches/?page=12") == bp.url_shape("/branches/?page=3")
    assert bp.url_shape("/branches/?page=2") == bp.url_shape("/branches/?page=1")
    assert bp.url_shape("/branches/?page=2") != bp.url_shape("/branches/?page=371")
    assert bp.url_shape("/branches/?q=7&page=371") == "/branches/?q=N&page=later"
    assert bp.url_shape("/branches/") != bp.url_shape("/branches/?page=3")


def test_the_crawl_fetches_one_page_of_each_shape_breadth_first_and_not_past_an_error():
    site = {
        "/": (200, b'<a href="/m/1/"></a><a href="/m/2/"></a><a href="/b/"></a><a href="/x/">'),
        "/m/1/": (200, b'<a href="/deep/"></a><a href="/m/3/">'),
        "/b/": (200, b'<a href="?page=2"></a>'),  # as the pagination writes it
        "/b/?page=2": (200, b'<a href="/b/?page=3"></a><a href="/b/?page=9"></a>'),
        "/b/?page=3": (200, b'<a href="/b/?page=4"></a>'),  # a later page: one of them
        "/x/": (500, b'<a href="/never/"></a>'),
        "/deep/": (302, b""),
    }
    asked = []

    def fetch(path):
        asked.append(path)
        status, body = site[path]
        return bp.Response(status, 0.01, body)

    found = bp.crawl(fetch)
    assert asked == ["/", "/m/1/", "/b/", "/x/", "/deep/", "/b/?page=2", "/b/?page=3"]
    assert [(p, r.status) for p, r in found][3:5] == [("/x/", 500), ("/deep/", 302)]
    asked.clear()
    assert [p for p, _r in bp.crawl(fetch, limit=3)] == ["/", "/m/1/", "/b/"]
    assert asked == ["/", "/m/1/", "/b/"]


def test_the_sweep_table_names_the_pages_over_the_goal_and_those_that_did_not_answer():
    swept = [
        bp.SweptPage("office", "/", 200, [0.040, 0.050, 0.045]),
        bp.SweptPage("office", "/members/talks/new/", 200, [0.236, 0.240, 0.150]),
        bp.SweptPage("office", "/scoring/", 302),
        bp.SweptPage("reviewer", "/reports/", 200, [0.150, 0.150, 0.150]),  # exactly the goal
        bp.SweptPage("reviewer", "/broken/", 500),
    ]
    text = bp.sweep_markdown(swept, login_ms=4.0, title="sweep")
    assert "| office | 2 | `/members/talks/new/` 236, `/` 45 | 1 |" in text
    assert "| reviewer | 1 | `/reports/` 150 | 0 |" in text
    assert "- over the goal: office `/members/talks/new/` 236 ms" in text
    assert "- answered 500: reviewer `/broken/`" in text and "/scoring/" not in text
    assert text.rstrip().endswith("2 of 3 pages within the goal alone; 1 did not answer.")
    slow_machine = bp.sweep_markdown(swept, login_ms=12.0, title="sweep")  # 20 × 12 = 240 ms
    assert "3 of 3 pages within the goal alone" in slow_machine
