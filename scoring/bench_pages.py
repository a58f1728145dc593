"""The pieces of `manage.py bench_pages` (the page load benchmark of `make bench-pages`).

The bench users (7 office, 7 secretaries, 6 county reviewers) spread over a county, each role's
pages resolved by URL name for one user, a small HTTP client that logs in through the real login
form as a browser behind the TLS proxy would, the percentile and goal arithmetic, and the
Markdown table. The command (`scoring/management/commands/bench_pages.py`) strings them together
against gunicorn. Nothing here is imported by the app's pages.
"""

from __future__ import annotations

import datetime as dt
import html
import http.client
import itertools
import json
import math
import os
import re
import runpy
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse

from branches.models import Branch, County, Meeting, Township
from township.audit import user_change_audit, user_state
from township.models import User

BENCH_PASSWORD = "bench-pages-Pa55word"  # noqa: S105 - a benchmark database's users, printed in the README
USER_PREFIX = "bench-"
ROLE_COUNTS = (("office", 7), ("secretary", 7), ("reviewer", 6))

# The goals of issue 14.
GOAL_UNLOADED_MS = 150.0
GOAL_LOGIN_FACTOR = 20.0
GOAL_LOAD_FACTOR = 3.0


# --- the bench users -------------------------------------------------------------------------


def bench_username(role: str, number: int) -> str:
    return f"{USER_PREFIX}{role}-{number:02d}"


def bench_user_index(user: User) -> int:
    """0 for bench-office-01: which share of the county the user's pages look at."""
    return int(user.username.rsplit("-", 1)[1]) - 1


def bench_users_ensure(*, county: County, password: str = BENCH_PASSWORD) -> list[User]:
    """The 20 bench users of `county`, created where missing, each with `password`.

    Office staff and secretaries are spread evenly over the county's townships and branches;
    reviewers hold the county. A user that exists keeps its scope; its password is set again
    when it is not `password`. Each creation or password change is audited as the user admin's.
    """
    townships = list(Township.objects.filter(county=county).order_by("code", "pk"))
    branches = list(
        Branch.objects.filter(township__county=county).order_by("township__code", "code", "pk")
    )
    if not townships or not branches:
        raise ValueError(f"county {county.code} has no townships or no branches")
    users = []
    for role, count in ROLE_COUNTS:
        for k in range(count):
            if role == "office":
                scope = {"township": townships[(k * len(townships)) // count]}
            elif role == "secretary":
                branch = branches[((2 * k + 1) * len(branches)) // (2 * count)]
                scope = {"township": branch.township, "branch": branch}
            else:
                scope = {}
            users.append(
                _bench_user_ensure(
                    username=bench_username(role, k + 1),
                    role=role,
                    county=county,
                    password=password,
                    **scope,
                )
            )
    return users


@transaction.atomic
def _bench_user_ensure(*, username: str, role: str, county: County, password: str, **scope):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, county=county, **scope)
        user.set_password(password)
        user.save()
        user_change_audit(actor=None, user=user, before=None, actor_name="bench_pages")
    elif not user.check_password(password):
        before = user_state(user)
        user.set_password(password)
        user.save(update_fields=["password"])
        user_change_audit(actor=None, user=user, before=before, actor_name="bench_pages")
    return user


# --- each role's pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    role: str
    key: str
    label: str
    url: str


# (key, label) per role, in the order of the table. Where the product has no page of its own
# the label says which page stands for it: the quarter ranking and the annual stars are tabs and
# columns of the township's year; the star board is read at the year's end, so it is last
# year's township year (a past year, which the pages compute when it is not stored).
ROLE_PAGES: dict[str, list[tuple[str, str]]] = {
    "office": [
        ("dashboard", "dashboard"),
        ("branch_list", "branch list"),
        ("member_list", "members list"),
        ("meeting_list", "meetings list"),
        ("month_sheet", "month sheet (last month)"),
        ("township_year", "township year"),
        ("ranking", "ranking (township year, quarter tab)"),
        ("star_board", "star board (last year's township year)"),
        ("attendance", "attendance grid of a meeting"),
        ("branch_year", "branch year"),
    ],
    "secretary": [
        ("dashboard", "dashboard"),
        ("own_branch", "own branch"),
        ("meeting_list", "meetings list"),
        ("attendance", "attendance grid of a meeting"),
        ("member_list", "members list"),
        ("month_sheet", "month sheet (last month)"),
    ],
    "reviewer": [
        ("comparison", "county comparison"),
        ("ranking", "a township's ranking (quarter tab)"),
        ("township_year", "township year"),
        ("branch_list", "branch list of one township"),
        ("meeting_list", "meetings of one township"),
        ("audit", "audit log"),
    ],
}


def last_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _meeting_of(branch: Branch, *, month: dt.date, today: dt.date) -> Meeting | None:
    """A themed Party day of `month` (the whole roster attends), else the latest meeting."""
    meetings = Meeting.objects.filter(branch=branch)
    themed = (
        meetings.filter(type="themed_day", date__year=month.year, date__month=month.month)
        .order_by("date", "pk")
        .first()
    )
    return themed or meetings.filter(date__lte=today).order_by("-date", "-pk").first()


def pages_for(user: User, *, today: dt.date) -> list[Page]:
    """The user's pages as URLs (by URL name), looking at the user's share of the county.

    A page whose object is missing (a branch without meetings has no attendance grid) is left
    out; the caller reports which.
    """
    month = last_month(today)
    year = month.year
    quarter = (month.month - 1) // 3 + 1
    k = bench_user_index(user)
    urls: dict[str, str | None] = {}
    if user.role == "office":
        township = user.township
        branches = list(Branch.objects.filter(township=township).order_by("code", "pk"))
        branch = branches[k % len(branches)] if branches else None
        meeting = _meeting_of(branch, month=month, today=today) if branch else None
        t_year = reverse("scoring:township_year", args=[township.pk, year])
        urls = {
            "dashboard": reverse("dashboard"),
            "branch_list": reverse("branches:branch_list"),
            "member_list": reverse("members:member_list"),
            "meeting_list": reverse("branches:meeting_list"),
            "month_sheet": reverse("scoring:township_month", args=[township.pk, f"{month:%Y-%m}"]),
            "township_year": t_year,
            "ranking": f"{t_year}?q={quarter}",
            "star_board": reverse("scoring:township_year", args=[township.pk, year - 1]),
            "attendance": meeting and reverse("branches:meeting_attendance", args=[meeting.pk]),
            "branch_year": branch and reverse("scoring:branch_year", args=[branch.pk, year]),
        }
    elif user.role == "secretary":
        branch = user.branch
        meeting = _meeting_of(branch, month=month, today=today)
        urls = {
            "dashboard": reverse("dashboard"),
            "own_branch": reverse("branches:branch_detail", args=[branch.pk]),
            "meeting_list": reverse("branches:meeting_list"),
            "attendance": meeting and reverse("branches:meeting_attendance", args=[meeting.pk]),
            "member_list": reverse("members:member_list"),
            "month_sheet": reverse(
                "scoring:township_month", args=[branch.township_id, f"{month:%Y-%m}"]
            ),
        }
    elif user.role == "reviewer":
        townships = list(Township.objects.filter(county=user.county).order_by("code", "pk"))
        count = dict(ROLE_COUNTS)["reviewer"]
        first = townships[(k * len(townships)) // count]
        second = townships[((k * len(townships)) // count + 1) % len(townships)]
        only = f"?{urlencode({'township': first.pk})}"
        urls = {
            "comparison": reverse("dashboard"),
            "ranking": reverse("scoring:township_year", args=[first.pk, year]) + f"?q={quarter}",
            "township_year": reverse("scoring:township_year", args=[second.pk, year]),
            "branch_list": reverse("branches:branch_list") + only,
            "meeting_list": reverse("branches:meeting_list") + only,
            "audit": reverse("audit_list"),
        }
    labels = dict(ROLE_PAGES.get(user.role, []))
    return [
        Page(role=user.role, key=key, label=labels[key], url=url)
        for key, _label in ROLE_PAGES.get(user.role, [])
        if (url := urls.get(key))
    ]


# --- a browser's HTTP client -----------------------------------------------------------------


class BenchError(Exception):
    pass


@dataclass
class Response:
    status: int  # 0: no answer (timeout, connection refused or reset)
    seconds: float
    body: bytes = b""
    location: str = ""
    error: str = ""


_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class PageClient:
    """One browser: its cookies, one connection a request (gunicorn's sync workers close it).

    `https=True` speaks as the TLS-terminating proxy in front of production does: it sends
    `X-Forwarded-Proto: https` and the origin `https://host`, and keeps sending the `Secure`
    cookies a production server sets.
    """

    def __init__(self, host: str, port: int, *, timeout: float = 130.0, https: bool = True):
        self.host, self.port, self.timeout, self.https = host, port, timeout, https
        self.cookies: dict[str, str] = {}

    @property
    def origin(self) -> str:
        return f"{'https' if self.https else 'http'}://{self.host}:{self.port}"

    def request(
        self, method: str, path: str, *, form: dict | None = None, headers: dict | None = None
    ) -> Response:
        headers = {
            "Host": f"{self.host}:{self.port}",
            "User-Agent": "bench-pages",
            "Accept": "text/html",
            **(headers or {}),
        }
        if self.https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            return Response(0, time.perf_counter() - started, error=type(exc).__name__)
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header in answer.headers.get_all("Set-Cookie") or []:
            self._keep(header)
        return Response(answer.status, seconds, content, answer.headers.get("Location", ""))

    def get(self, path: str, *, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def _keep(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def login(self, username: str, password: str, *, path: str) -> None:
        """Through the login form, with its CSRF token, as a person would."""
        page = self.get(path)
        token = _CSRF_INPUT.search(page.body)
        if page.status != 200 or token is None:
            raise BenchError(f"login page {path} answered {page.status or page.error}")
        form = {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": username,
            "password": password,
            "next": "",
        }
        answer = self.request("POST", path, form=form)
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"{username} could not log in: {answer.status or answer.error}")


# --- figures ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least p % of values at or below."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


@dataclass
class PageFigures:
    """A page's measurements. The load runs in rounds, and the page is timed alone before each
    round and after the last (on a fresh server): `alone[r]` holds the runs of the timing
    before round r, `alone[-1]` those after the load."""

    page: Page
    queries: int | None = None
    alone: list[list[float]] = field(default_factory=list)  # seconds, one user alone
    loaded: list[float] = field(default_factory=list)  # seconds, answered 200 under load
    loaded_round: list[int] = field(default_factory=list)  # the round of each of `loaded`
    # The same requests' seconds inside a gunicorn worker (its access log): without the wait
    # for a free worker and the way through the socket.
    in_worker: list[float] = field(default_factory=list)
    # Seconds the slowest 5 % of `loaded` spent outside the worker (`slowest_waits`).
    slowest_waited: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)  # "500", "timeout"… → how many
    alone_error: str = ""  # what a page answered alone instead of 200, e.g. "502 after 120 s"

    @property
    def unloaded_ms(self) -> float | None:
        """The page's time alone, against the goal alone: the median of its timings' medians
        (each timing's median, then the middle one: a timing in a slow or fast moment of the
        machine moves it least)."""
        medians = [median(runs) * 1000 for runs in self.alone if runs]
        return median(medians) if medians else None

    def round_alone(self, number: int) -> float | None:
        """The page's time alone around load round `number` (seconds): the lower of the medians
        of the timings just before and just after it. A baseline taken while the machine is
        slow for a moment (a database still vacuuming, a CPU not yet clocked up) would flatter
        the ratio under load; the lower one cannot. Timed a minute from the requests it is
        compared with, not minutes: the bench machine's speed drifts by half over minutes."""
        medians = [median(runs) for runs in self.alone[number : number + 2] if runs]
        return min(medians) if medians else None

    @property
    def load_ratio(self) -> float | None:
        """p95 / alone: the 95th percentile, over the page's requests under load, of each
        request's time ÷ the page's time alone around its round (`round_alone`). With one
        round, the p95 under load ÷ the lower of the medians before and after the load."""
        rounds = self.loaded_round or [0] * len(self.loaded)
        ratios = [
            seconds / alone
            for seconds, number in zip(self.loaded, rounds, strict=True)
            if (alone := self.round_alone(number))
        ]
        return percentile(ratios, 95) if ratios else None

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


def _spread(ratios: list[float]) -> tuple[float, float, float] | None:
    ratios = sorted(ratios)
    return (median(ratios), ratios[0], ratios[-1]) if ratios else None


def alone_drift(figures: Iterable[PageFigures]) -> tuple[float, float, float] | None:
    """How much the machine's speed moved between the first and the last timing alone: each
    page's median after the load ÷ its median before, as (median, lowest, highest) over the
    pages timed both times; None when none was. Reported beside the table, it does not change
    a verdict: on a shared machine a ratio far from 1 says the timings alone were taken in
    faster or slower moments than each other (the page had not changed)."""
    return _spread(
        [
            median(f.alone[-1]) / median(f.alone[0])
            for f in figures
            if len(f.alone) > 1 and f.alone[0] and f.alone[-1] and median(f.alone[0]) > 0
        ]
    )


def round_drift(figures: Iterable[PageFigures]) -> tuple[float, float, float] | None:
    """The same between each timing alone and the next (around one round of the load): what
    the machine's drift can still do to a round's ratios."""
    return _spread(
        [
            median(later) / median(earlier)
            for f in figures
            for earlier, later in itertools.pairwise(f.alone)
            if earlier and later and median(earlier) > 0
        ]
    )


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reasons: tuple[str, ...]


def unloaded_limit_ms(login_ms: float) -> float:
    """A page alone: within 150 ms, or within 20× the login page on a slower machine."""
    return max(GOAL_UNLOADED_MS, GOAL_LOGIN_FACTOR * login_ms)


def verdict(
    *,
    unloaded_ms: float | None,
    load_ratio: float | None,
    answered: int,
    errors: int,
    login_ms: float,
    failed_alone: bool = False,
) -> Verdict:
    """`load_ratio` is `PageFigures.load_ratio` (None when the page was not timed alone)."""
    reasons = []
    if failed_alone:
        reasons.append("failed alone")
    elif unloaded_ms is None:
        reasons.append("not measured alone")
    elif unloaded_ms > unloaded_limit_ms(login_ms):
        reasons.append("slow alone")
    if not answered:
        reasons.append("no answer under load" if errors else "not clicked under load")
    elif load_ratio is not None and load_ratio > GOAL_LOAD_FACTOR:
        reasons.append("queues under load")
    if errors:
        reasons.append("errors")
    return Verdict(not reasons, tuple(reasons))


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def table_rows(figures: Iterable[PageFigures], *, login_ms: float) -> list[list[str]]:
    rows = []
    for f in figures:
        loaded_ms = [s * 1000 for s in f.loaded]
        p50 = percentile(loaded_ms, 50) if loaded_ms else None
        p95 = percentile(loaded_ms, 95) if loaded_ms else None
        worker_p95 = percentile(f.in_worker, 95) * 1000 if f.in_worker else None
        waited = 1000 * sum(f.slowest_waited) / len(f.slowest_waited) if f.slowest_waited else None
        unloaded = f.unloaded_ms
        load_ratio = f.load_ratio
        ratio = "—" if load_ratio is None else f"{load_ratio:.1f}×"
        errors = sum(f.errors.values())
        result = verdict(
            unloaded_ms=unloaded,
            load_ratio=load_ratio,
            answered=len(f.loaded),
            errors=errors,
            login_ms=login_ms,
            failed_alone=bool(f.alone_error),
        )
        rows.append(
            [
                f.page.role,
                f.page.label,
                "—" if f.queries is None else str(f.queries),
                f.alone_error or _ms(unloaded),
                str(len(f.loaded) + errors),
                _ms(p50),
                _ms(p95),
                _ms(worker_p95),
                _ms(waited),
                ratio,
                ", ".join(f"{k} ×{n}" for k, n in sorted(f.errors.items())) or "0",
                "PASS" if result.passed else "FAIL: " + ", ".join(result.reasons),
            ]
        )
    return rows


HEADER = [
    "role",
    "page",
    "queries",
    "unloaded ms",
    "requests",
    "p50 ms",
    "p95 ms",
    "p95 in the worker ms",
    "slowest 5 % waited ms",
    "p95 / alone",
    "errors",
    "result",
]


def markdown(
    figures: Sequence[PageFigures],
    *,
    login_ms: float,
    title: str,
    notes: Sequence[str] = (),
) -> str:
    """The table of the run as Markdown, with the run's facts above it and the verdict below."""
    rows = table_rows(figures, login_ms=login_ms)
    lines = [f"### {title}", ""]
    lines += [f"- {note}" for note in notes]
    lines += [
        f"- yardstick: the login page alone, {login_ms:.1f} ms (median); a page alone passes "
        f"within {GOAL_UNLOADED_MS:.0f} ms or {GOAL_LOGIN_FACTOR:.0f}× that "
        f"({unloaded_limit_ms(login_ms):.0f} ms here), and under load when its p95 is within "
        f"{GOAL_LOAD_FACTOR:.0f}× its own time alone, with no errors",
        "- p95 / alone: each request's time under load ÷ its page's time alone around its "
        "round (the lower of the medians just before and just after the round), and the 95th "
        "percentile of those ratios; unloaded ms: the median of the page's timings alone",
        "- p95 in the worker: the same requests timed by gunicorn inside its worker (its access "
        "log): what is left of p95 is the wait for a free worker and the way through the socket",
        "- slowest 5 % waited: the mean of that rest (the users' time less the worker's, request "
        "by request) over the page's slowest 5 % of requests",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    passed = sum(1 for r in rows if r[-1] == "PASS")
    lines += ["", f"{passed} of {len(rows)} pages pass."]
    return "\n".join(lines) + "\n"


# --- the sweep: every page a role reaches, alone --------------------------------------------
# The load runs 22 pages; a role reaches many more (forms, lists of each module, a member's
# pages). The sweep follows the links of each role's pages from the landing page, one page of
# each kind, and times each alone against the same goal.

# Not pages: files, images, downloads, the language switch and logout (POST), the admin site.
SWEEP_SKIPPED = (
    "/static/",
    "/media/",
    "/admin/",
    "/logout/",
    "/language/",
    "/download/",
    "/export/",
    "/meetings/photos/",
    ".xlsx",
    ".pdf",
)
_HREF = re.compile(rb'href="([/?][^"#]*)')


def page_links(body: bytes, *, base: str = "/") -> list[str]:
    """The same-site paths a page links to (entities undone), in page order, files left out.
    A link of a query alone (the pagination's `?page=2`) is on the page's own path, `base`."""
    out = []
    for raw in _HREF.findall(body):
        path = html.unescape(raw.decode("utf-8", "replace"))
        if path.startswith("?"):
            path = base.split("?", 1)[0] + path
        if not any(part in path for part in SWEEP_SKIPPED):
            out.append(path)
    return out


def url_shape(path: str) -> str:
    """The kind of page a path is: its numbers as N (a county has 700 branch pages of a kind,
    every one a page of the same code). A list's pages past the second are a kind of their own:
    the database reads past an offset to reach them (the last-page link)."""
    path = re.sub(
        r"([?&]page=)(\d+)", lambda m: m[1] + ("N" if m[2] in ("1", "2") else "later"), path
    )
    return re.sub(r"\d+", "N", path)


def crawl(
    fetch: Callable[[str], Response], *, start: str = "/", limit: int = 300
) -> list[tuple[str, Response]]:
    """Pages reached from `start` by their links, breadth first, one path of each shape, up to
    `limit` fetched: each with its first answer. Redirects are answers, not followed."""
    queue, shapes, out = [start], set(), []
    while queue and len(out) < limit:
        path = queue.pop(0)
        shape = url_shape(path)
        if shape in shapes:
            continue
        shapes.add(shape)
        answer = fetch(path)
        out.append((path, answer))
        if answer.status == 200:
            links = page_links(answer.body, base=path)
            queue += [link for link in links if url_shape(link) not in shapes]
    return out


@dataclass
class SweptPage:
    role: str
    path: str
    status: int
    times: list[float] = field(default_factory=list)  # seconds, alone

    @property
    def alone_ms(self) -> float | None:
        return median(self.times) * 1000 if self.times else None


def sweep_markdown(swept: Sequence[SweptPage], *, login_ms: float, title: str, notes=()) -> str:
    """The sweep as Markdown: each role's pages over the goal, then its slowest within it,
    the pages that did not answer 200 (a redirect is no fault), and the count."""
    limit = unloaded_limit_ms(login_ms)
    timed = [p for p in swept if p.alone_ms is not None]
    over = sorted((p for p in timed if p.alone_ms > limit), key=lambda p: -p.alone_ms)
    faults = [p for p in swept if p.status >= 400 or p.status == 0]
    lines = [f"### {title}", "", *[f"- {n}" for n in notes]]
    lines += [
        f"- goal: every page alone within {GOAL_UNLOADED_MS:.0f} ms or {GOAL_LOGIN_FACTOR:.0f}× "
        f"the login page ({login_ms:.1f} ms): {limit:.0f} ms here",
        "",
        "| role | pages | slowest five alone (ms) | over the goal |",
        "|---|---|---|---|",
    ]
    for role in dict.fromkeys(p.role for p in swept):
        mine = sorted((p for p in timed if p.role == role), key=lambda p: -p.alone_ms)
        slowest = ", ".join(f"`{p.path}` {p.alone_ms:.0f}" for p in mine[:5])
        late = sum(1 for p in mine if p.alone_ms > limit)
        lines.append(f"| {role} | {len(mine)} | {slowest} | {late} |")
    lines.append("")
    lines += [f"- over the goal: {p.role} `{p.path}` {p.alone_ms:.0f} ms" for p in over]
    lines += [f"- answered {p.status or 'nothing'}: {p.role} `{p.path}`" for p in faults]
    lines.append(
        f"{len(timed) - len(over)} of {len(timed)} pages within the goal alone"
        + (f"; {len(faults)} did not answer" if faults else "")
        + "."
    )
    return "\n".join(lines) + "\n"


# --- the production server -------------------------------------------------------------------

# Under load each request names its page in this header, and gunicorn's access log writes it
# with the status and the microseconds the worker spent on the request.
PAGE_HEADER = "X-Bench-Page"
ACCESS_LOG_FORMAT = "bench-page %({x-bench-page}i)s %(s)s %(D)s"
_ACCESS_LINE = re.compile(r"^bench-page (\S+) (\d{3}) (\d{1,12})$", re.MULTILINE)


def page_label(page: Page) -> str:
    return f"{page.role}/{page.key}"


def request_label(page: Page, number: int) -> str:
    """The header's value for one request: its page and its number in the load."""
    return f"{page_label(page)}#{number}"


def _answered(log: str):
    """(page label, request number or None, seconds) of the log's answered (200) requests."""
    for label, status, micros in _ACCESS_LINE.findall(log):
        if label == "-" or status != "200":
            continue
        page, _, number = label.partition("#")
        yield page, int(number) if number.isdigit() else None, int(micros) / 1_000_000


def worker_times(log: str) -> dict[str, list[float]]:
    """Seconds inside the worker of each page's answered (200) requests, by `page_label`, from
    a gunicorn log written with ACCESS_LOG_FORMAT (requests without the header are left out)."""
    out: dict[str, list[float]] = {}
    for page, _number, seconds in _answered(log):
        out.setdefault(page, []).append(seconds)
    return out


def worker_times_by_request(log: str) -> dict[int, float]:
    """`worker_times` by request number (`request_label`)."""
    return {n: seconds for _page, n, seconds in _answered(log) if n is not None}


@dataclass(frozen=True)
class Sent:
    """One answered request of the load, as its user saw it."""

    number: int
    page: str  # page_label
    started: float  # time.monotonic() when it was sent
    seconds: float  # until the whole answer was read


def waited(sent: Iterable[Sent], in_worker: Mapping[int, float]) -> dict[int, float]:
    """Seconds each request spent outside a worker: the users' time less the worker's (the wait
    for a free worker and the way through the socket), by request number."""
    return {
        s.number: max(0.0, s.seconds - in_worker[s.number]) for s in sent if s.number in in_worker
    }


def slowest_waits(sent: Iterable[Sent], waits: Mapping[int, float]) -> dict[str, list[float]]:
    """Per page, the waits of its slowest 5 % of requests (by the users' time; one at least)."""
    by_page: dict[str, list[Sent]] = {}
    for s in sent:
        if s.number in waits:
            by_page.setdefault(s.page, []).append(s)
    out = {}
    for page, requests in by_page.items():
        requests.sort(key=lambda s: s.seconds, reverse=True)
        out[page] = [waits[s.number] for s in requests[: max(1, len(requests) // 20)]]
    return out


def in_service_while_waiting(
    sent: Sequence[Sent], waits: Mapping[int, float], *, at_least: float = 0.010
) -> list[tuple[str, float]]:
    """The pages of the requests in flight when a request that then waited `at_least` seconds
    was sent, each with the share of such waits it was in flight for, most often first."""
    waiting = [s for s in sent if waits.get(s.number, 0.0) >= at_least]
    counts: Counter[str] = Counter()
    for w in waiting:
        counts.update(
            {
                s.page
                for s in sent
                if s.number != w.number and s.started < w.started < s.started + s.seconds
            }
        )
    return [(page, n / len(waiting)) for page, n in counts.most_common()]


def gunicorn_argv(dockerfile: str, *, bind: str) -> list[str]:
    """The Dockerfile's gunicorn command line (its `CMD [...]`), bound to `bind` instead."""
    text = dockerfile.replace("\\\n", " ")
    match = re.search(r"^CMD\s+(\[.*?\])\s*$", text, re.MULTILINE | re.DOTALL)
    if match is None:
        raise BenchError("the Dockerfile has no CMD [...] line")
    argv = json.loads(match.group(1))
    if not argv or argv[0] != "gunicorn":
        raise BenchError(f"the Dockerfile's CMD is not gunicorn: {argv}")
    rest = _without_option(argv[1:], "--bind", "-b")
    return [argv[0], "--bind", bind, *rest]


def _without_option(argv: list[str], long: str, short: str) -> list[str]:
    """`argv` without the option (`--long VALUE`, `-s VALUE` or `--long=VALUE`)."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in (long, short):
            skip = True
        elif not arg.startswith(f"{long}="):
            out.append(arg)
    return out


def gunicorn_workers(argv: list[str]) -> int:
    """The number of workers a gunicorn command line starts (gunicorn's default is 1)."""
    for i, arg in enumerate(argv):
        if arg in ("--workers", "-w") and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith("--workers="):
            return int(arg.split("=", 1)[1])
    return 1


def configured_workers(base: Path) -> int:
    """The workers gunicorn starts with `base`/gunicorn.conf.py in this environment (the server
    inherits it); 1, gunicorn's default, without that file or a `workers` in it."""
    conf = base / "gunicorn.conf.py"
    if not conf.exists():
        return 1
    return int(runpy.run_path(str(conf), run_name="gunicorn_conf").get("workers", 1))


def names_workers(argv: list[str]) -> bool:
    """Whether a gunicorn command line sets the number of workers itself."""
    return any(a in ("--workers", "-w") or a.startswith("--workers=") for a in argv)


def with_workers(argv: list[str], workers: int) -> list[str]:
    """`argv` starting `workers` workers instead of the number it names."""
    return [*_without_option(argv, "--workers", "-w"), "--workers", str(workers)]


def process_cpu(pids: Iterable[int]) -> float:
    """CPU seconds (user + system) the processes have used so far (Linux /proc; 0 elsewhere)."""
    return sum(process_cpus(pids).values())


def process_cpus(pids: Iterable[int], *, reaped: bool = False) -> dict[int, float]:
    """`process_cpu` per process id, for the processes still running. `reaped`: with the time
    of the children each has waited for, which have ended (PostgreSQL's server process reaps
    the connections' processes)."""
    tick = _clock_ticks()
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone, or not Linux
        # utime, stime (fields 14, 15 of proc(5)); cutime, cstime (16, 17): reaped children
        ticks = int(fields[11]) + int(fields[12])
        if reaped:
            ticks += int(fields[13]) + int(fields[14])
        out[pid] = ticks / tick
    return out


def cpu_used(before: dict[int, float], after: dict[int, float], *, reaped: bool = False) -> float:
    """CPU seconds used between two `process_cpus` readings: by the processes seen in both, and
    all of a process's time if it began in between. A process that ended in between is not
    seen, unless the readings are `reaped` ones of a group that holds its parent: then its whole
    time is in the parent's, and what it had used before is taken off."""
    used = sum(t - before.get(pid, 0.0) for pid, t in after.items())
    if reaped:
        used -= sum(t for pid, t in before.items() if pid not in after)
    return used


def processes(*, parent: int | None = None, name: str | None = None) -> list[int]:
    """Process ids by parent process id or by command name (Linux /proc; [] elsewhere)."""
    out = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        ppid = int(text.rsplit(")", 1)[1].split()[1])
        if (parent is None or ppid == parent) and (name is None or comm == name):
            out.append(int(entry.name))
    return out


def _clock_ticks() -> int:
    try:
        return os.sysconf("SC_CLK_TCK")
    except (AttributeError, ValueError, OSError):
        return 100


def wait_until(check: Callable[[], bool], *, seconds: float, every: float = 0.25) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()
