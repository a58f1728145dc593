"""The permission matrix: every URL of the project, for every role (pretix style).

Each `Row` names a URL, how to build its kwargs from the `World` below, the HTTP method, and the
status each role gets, in the order of `ROLES`:

    anon  reviewer  office  secretary  liaison  member

Roles: a logged-out visitor; the reviewer of county C; the office of T1; the secretary of B1;
the liaison of B2; the member user of m1 (in B1). Objects: branches B1, B2 (T1) and B3 (T2),
with one meeting (mt1, mt2, mt3) and one member (m1, m2, m3) in each; and in a second county C2,
branch B4 of township T3 with meeting mt4 and member m4, which every role above finds missing.
`test_reviewers_stay_in_their_county` adds the reviewer of C2 (reviewer2).

    302 = redirect (to the login page for anon, or after a successful write)
    403 = inside the scope without the permission   404 = outside the scope

To add a page, append a Row to ROWS (or to the list of your app below). `test_every_url_has_a_row`
walks the resolver and fails when a URL pattern has no row. Writes are sent as an empty POST
(the form is re-shown with 200 when allowed) unless the row gives `data`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories as f

ROLES = ("anon", "reviewer", "office", "secretary", "liaison", "member")


@dataclass(frozen=True)
class Row:
    name: str
    statuses: tuple[int, int, int, int, int, int]
    kwargs: Callable[[World], dict] = lambda w: {}
    method: str = "get"
    data: dict = field(default_factory=dict)
    label: str = ""

    def id(self) -> str:
        return f"{self.method.upper()} {self.name} {self.label}".strip()


@dataclass
class World:
    cast: object
    mt1: object
    mt2: object
    mt3: object
    mt4: object  # of B4, in county C2
    m2: object
    job_t1: object
    job_b1: object
    job_t2: object
    job_t3: object

    def __getattr__(self, name):  # b1, m1, t1 ... come from the shared cast
        return getattr(self.cast, name)


def E(anon, reviewer, office, secretary, liaison, member):
    return (anon, reviewer, office, secretary, liaison, member)


def pk(attr: str) -> Callable[[World], dict]:
    return lambda w: {"pk": getattr(w, attr).pk}


READ_ALL = E(302, 200, 200, 200, 200, 200)
READ_STAFF = E(302, 200, 200, 200, 200, 403)  # every role with org/meeting/member read access
OTHER_COUNTY = E(302, 404, 404, 404, 404, 403)  # an object of county C2: missing for all but anon
OFFICE_ONLY = E(302, 403, 200, 403, 403, 403)
WRITE_FORM = E(302, 403, 200, 200, 403, 403)  # office and secretary may write, form re-shown

CORE_ROWS = [
    Row("dashboard", READ_ALL),
    Row("login", E(200, 302, 302, 302, 302, 302)),
    Row("logout", E(405, 405, 405, 405, 405, 405), label="GET is refused"),
    Row("logout", E(302, 302, 302, 302, 302, 302), method="post"),
    # Open to everyone, the login page included; it only sets a cookie and goes back to `next`.
    Row("set_language", E(302, 302, 302, 302, 302, 302), data={"next": "/login/"}, label="GET"),
    Row(
        "set_language",
        E(302, 302, 302, 302, 302, 302),
        method="post",
        data={"next": "/login/", "language": "en"},
    ),
    Row("me", E(302, 403, 403, 403, 403, 200)),
    Row("audit_list", E(302, 200, 200, 403, 403, 403)),  # reviewer: the county, read-only
    Row("notifications", READ_ALL),
    Row("exchange", OFFICE_ONLY),
    Row("exchange", OFFICE_ONLY, method="post"),
    Row("exchange_export", E(302, 200, 200, 403, 403, 403)),
    Row("exchange_export", E(302, 200, 200, 403, 403, 403), method="post"),
]

BRANCH_ROWS = [
    Row("branches:branch_list", READ_STAFF),
    Row("branches:branch_detail", E(302, 200, 200, 200, 404, 403), pk("b1"), label="B1"),
    Row("branches:branch_detail", E(302, 200, 200, 404, 200, 403), pk("b2"), label="B2"),
    Row("branches:branch_detail", E(302, 200, 404, 404, 404, 403), pk("b3"), label="B3"),
    Row("branches:branch_detail", OTHER_COUNTY, pk("b4"), label="B4"),
    Row("branches:meeting_list", READ_STAFF),
    Row("branches:meeting_create", WRITE_FORM),
    Row("branches:meeting_create", WRITE_FORM, method="post"),
    Row("branches:meeting_detail", E(302, 200, 200, 200, 404, 403), pk("mt1"), label="B1"),
    Row("branches:meeting_detail", E(302, 200, 200, 404, 200, 403), pk("mt2"), label="B2"),
    Row("branches:meeting_detail", E(302, 200, 404, 404, 404, 403), pk("mt3"), label="T2"),
    Row("branches:meeting_detail", OTHER_COUNTY, pk("mt4"), label="T3"),
    Row("branches:meeting_sign_in", E(302, 200, 200, 200, 404, 403), pk("mt1"), label="B1"),
    Row("branches:meeting_sign_in", E(302, 200, 404, 404, 404, 403), pk("mt3"), label="T2"),
    Row("branches:meeting_sign_in", OTHER_COUNTY, pk("mt4"), label="T3"),
]
for _name in ("meeting_edit", "meeting_attendance", "meeting_delete"):
    _ok = 302 if _name == "meeting_delete" else 200
    BRANCH_ROWS += [
        Row(f"branches:{_name}", WRITE_FORM, pk("mt1"), label="B1"),
        Row(f"branches:{_name}", E(302, 403, _ok, _ok, 403, 403), pk("mt1"), "post", label="B1"),
        Row(f"branches:{_name}", E(302, 403, 200, 404, 403, 403), pk("mt2"), label="B2"),
        Row(f"branches:{_name}", E(302, 403, _ok, 404, 403, 403), pk("mt2"), "post", label="B2"),
        Row(f"branches:{_name}", E(302, 403, 404, 404, 403, 403), pk("mt3"), "post", label="T2"),
    ]


# A meeting's photos and guests (branches/urls_photos.py): made when the row is run.
def photo_of(meeting: str) -> Callable[[World], dict]:
    from branches.services_photos import photo_add
    from tests.test_photos import photo_bytes

    return lambda w: {
        "pk": photo_add(actor=None, meeting=getattr(w, meeting), data=photo_bytes()).pk
    }


def lecturer_of(meeting: str) -> Callable[[World], dict]:
    """An outside lecturer on that meeting; the same one when the row runs again (hypothesis)."""
    from branches.services_photos import guest_add

    def make(w):
        m = getattr(w, meeting)
        guest = m.guests.filter(name="李教授").first() or guest_add(
            actor=None, meeting=m, name="李教授"
        )
        return {"pk": guest.pk}

    return make


for _name in ("meeting_photo", "meeting_photo_thumb"):
    BRANCH_ROWS += [
        Row(f"branches:{_name}", E(302, 200, 200, 200, 404, 403), photo_of("mt1"), label="B1"),
        Row(f"branches:{_name}", E(302, 200, 200, 404, 200, 403), photo_of("mt2"), label="B2"),
        Row(f"branches:{_name}", E(302, 200, 404, 404, 404, 403), photo_of("mt3"), label="T2"),
        Row(f"branches:{_name}", OTHER_COUNTY, photo_of("mt4"), label="T3"),
    ]
for _name, _of, _ok in (
    ("meeting_photo_add", pk, 200),  # an empty form is shown again
    ("meeting_guest_add", pk, 200),
    ("meeting_photo_delete", photo_of, 302),
    ("meeting_guest_remove", lecturer_of, 302),
):
    BRANCH_ROWS += [
        Row(f"branches:{_name}", E(302, 403, 405, 405, 403, 403), _of("mt1"), label="GET B1"),
        Row(f"branches:{_name}", E(302, 403, _ok, _ok, 403, 403), _of("mt1"), "post", label="B1"),
        Row(f"branches:{_name}", E(302, 403, _ok, 404, 403, 403), _of("mt2"), "post", label="B2"),
        Row(f"branches:{_name}", E(302, 403, 404, 404, 403, 403), _of("mt3"), "post", label="T2"),
        Row(f"branches:{_name}", E(302, 403, 404, 404, 403, 403), _of("mt4"), "post", label="T3"),
    ]

MEMBER_ROWS = [
    Row("members:member_list", READ_STAFF),
    Row("members:member_create", WRITE_FORM),
    Row("members:member_create", WRITE_FORM, method="post"),
    Row("members:member_detail", E(302, 200, 200, 200, 404, 403), pk("m1"), label="B1"),
    Row("members:member_detail", E(302, 200, 200, 404, 200, 403), pk("m2"), label="B2"),
    Row("members:member_detail", E(302, 200, 404, 404, 404, 403), pk("m3"), label="T2"),
    Row("members:member_detail", OTHER_COUNTY, pk("m4"), label="T3"),
]
for _name in ("member_edit", "dues_create", "visit_create", "adjustment_create"):
    MEMBER_ROWS += [
        Row(f"members:{_name}", WRITE_FORM, pk("m1"), label="B1"),
        Row(f"members:{_name}", WRITE_FORM, pk("m1"), "post", label="B1"),
        Row(f"members:{_name}", E(302, 403, 200, 404, 403, 403), pk("m2"), "post", label="B2"),
        Row(f"members:{_name}", E(302, 403, 404, 404, 403, 403), pk("m3"), "post", label="T2"),
    ]


def dues_of(member: str) -> Callable[[World], dict]:
    """A dues payment of that member, made when the row is run."""
    march, paid = dt.date(2026, 3, 1), dt.date(2026, 3, 5)

    def make(w):  # the same payment when a row is run again (hypothesis)
        from members.models import DuesPayment

        m = getattr(w, member)
        found = DuesPayment.objects.filter(member=m, month=march).first()
        return {"pk": (found or f.dues(member=m, month=march, paid_on=paid)).pk}

    return make


MEMBER_ROWS += [
    Row("members:dues_edit", WRITE_FORM, dues_of("m1"), label="B1"),
    Row("members:dues_edit", WRITE_FORM, dues_of("m1"), "post", label="B1"),
    Row("members:dues_edit", E(302, 403, 200, 404, 403, 403), dues_of("m2"), "post", label="B2"),
    Row("members:dues_edit", E(302, 403, 404, 404, 403, 403), dues_of("m3"), "post", label="T2"),
]
# The roster out and in: export for reviewer, office and secretary (the township only for the
# first two), the template and the import for those who change members.
MEMBER_ROWS += [
    Row("members:roster", E(302, 200, 200, 200, 403, 403)),
    Row("members:roster_export_township", E(302, 200, 200, 403, 403, 403), pk("t1"), label="T1"),
    Row("members:roster_export_township", E(302, 200, 404, 403, 403, 403), pk("t2"), label="T2"),
    Row("members:roster_export_township", E(302, 404, 404, 403, 403, 403), pk("t3"), label="T3"),
    Row("members:roster_export_branch", E(302, 200, 200, 200, 403, 403), pk("b1"), label="B1"),
    Row("members:roster_export_branch", E(302, 200, 200, 404, 403, 403), pk("b2"), label="B2"),
    Row("members:roster_export_branch", E(302, 200, 404, 404, 403, 403), pk("b3"), label="B3"),
    Row("members:roster_export_branch", E(302, 404, 404, 404, 403, 403), pk("b4"), label="B4"),
    Row("members:roster_template", WRITE_FORM),
    Row("members:roster_import", WRITE_FORM),
    Row("members:roster_import", WRITE_FORM, method="post"),
]
# The month's dues grid of a branch: its secretary and the township's office (an empty post
# changes nothing and redirects back to the grid).
MEMBER_ROWS += [
    Row("members:dues_grid", WRITE_FORM, pk("b1"), label="B1"),
    Row("members:dues_grid", E(302, 403, 302, 302, 403, 403), pk("b1"), "post", label="B1"),
    Row("members:dues_grid", E(302, 403, 200, 404, 403, 403), pk("b2"), label="B2"),
    Row("members:dues_grid", E(302, 403, 302, 404, 403, 403), pk("b2"), "post", label="B2"),
    Row("members:dues_grid", E(302, 403, 404, 404, 403, 403), pk("b3"), label="B3"),
    Row("members:dues_grid", E(302, 403, 404, 404, 403, 403), pk("b3"), "post", label="B3"),
    Row("members:dues_grid", E(302, 403, 404, 404, 403, 403), pk("b4"), label="B4"),
]


def tm(township: str, **extra) -> Callable[[World], dict]:
    return lambda w: {"township_id": getattr(w, township).pk, **extra}


def by(branch: str, **extra) -> Callable[[World], dict]:
    return lambda w: {"branch_id": getattr(w, branch).pk, **extra}


M, Y = {"month": "2026-03"}, {"year": 2026}
SCORING_ROWS: list[Row] = [
    Row("scoring:index", E(302, 302, 302, 302, 302, 403)),
    Row("scoring:township_year", E(302, 200, 200, 200, 200, 403), tm("t1", **Y), label="T1"),
    Row("scoring:township_year", E(302, 200, 404, 404, 404, 403), tm("t2", **Y), label="T2"),
    Row("scoring:township_year", OTHER_COUNTY, tm("t3", **Y), label="T3"),
    Row("scoring:township_month", E(302, 200, 200, 200, 200, 403), tm("t1", **M), label="T1"),
    Row("scoring:township_month", E(302, 200, 404, 404, 404, 403), tm("t2", **M), label="T2"),
    Row("scoring:township_month", OTHER_COUNTY, tm("t3", **M), label="T3"),
    Row("scoring:branch_year", E(302, 200, 200, 200, 404, 403), by("b1", **Y), label="B1"),
    Row("scoring:branch_year", E(302, 200, 404, 404, 404, 403), by("b3", **Y), label="B3"),
    Row("scoring:branch_year", OTHER_COUNTY, by("b4", **Y), label="B4"),
    Row("scoring:month_lock", E(302, 403, 302, 403, 403, 403), tm("t1", **M), "post", label="T1"),
    Row("scoring:month_lock", E(302, 403, 404, 403, 403, 403), tm("t2", **M), "post", label="T2"),
    Row("scoring:month_reopen", E(302, 403, 302, 403, 403, 403), tm("t1", **M), "post"),
    Row("scoring:month_reopen", E(302, 403, 404, 403, 403, 403), tm("t2", **M), "post", label="T2"),
    Row("scoring:office_scores", E(302, 403, 302, 403, 403, 403), tm("t1", **M), "post"),
    Row(
        "scoring:office_scores", E(302, 403, 404, 403, 403, 403), tm("t2", **M), "post", label="T2"
    ),
    # Every reader sees the scheme (read-only); only the office revises it.
    Row("scoring:scheme", E(302, 200, 200, 200, 200, 403), tm("t1", **Y), label="T1"),
    Row("scoring:scheme", E(302, 200, 404, 404, 404, 403), tm("t2", **Y), label="T2"),
    Row("scoring:scheme", E(302, 404, 404, 404, 404, 403), tm("t3", **Y), label="T3"),
    Row("scoring:scheme", E(302, 403, 200, 403, 403, 403), tm("t1", **Y), "post", label="T1"),
    Row("scoring:scheme", E(302, 403, 404, 404, 404, 403), tm("t2", **Y), "post", label="T2"),
    Row("scoring:export", E(302, 200, 200, 403, 403, 403), tm("t1", **Y), "post", label="T1"),
    Row("scoring:export", E(302, 200, 404, 403, 403, 403), tm("t2", **Y), "post", label="T2"),
    Row("scoring:export", E(302, 404, 404, 403, 403, 403), tm("t3", **Y), "post", label="T3"),
]

REPORT_ROWS: list[Row] = [
    Row("reports:list", READ_STAFF),
    Row("reports:request", E(302, 400, 400, 400, 400, 403), method="post", label="empty form"),
]
for _name in ("reports:detail", "reports:download"):
    REPORT_ROWS += [
        Row(_name, E(302, 200, 200, 404, 404, 403), pk("job_t1"), label="T1"),
        Row(_name, E(302, 200, 200, 200, 404, 403), pk("job_b1"), label="B1"),
        Row(_name, E(302, 200, 404, 404, 404, 403), pk("job_t2"), label="T2"),
        Row(_name, OTHER_COUNTY, pk("job_t3"), label="T3"),
    ]

# --- the organisation's assessment (branches/org/ and scoring/ledger/) ------------------------


def cadre_of(branch: str) -> Callable[[World], dict]:
    """A cadre of that village, made when the row is run."""

    def make(w):
        from branches.models import Cadre

        b = getattr(w, branch)
        cadre = Cadre.objects.create(
            township=b.township, branch=b, name="陈刚", gender="M", education="college",
            birth_date=dt.date(1978, 4, 2), party_post="member",
        )  # fmt: skip
        return {"pk": cadre.pk}

    return make


def guest_of(meeting: str) -> Callable[[World], dict]:
    def make(w):
        from branches.models import MeetingGuest

        return {"pk": MeetingGuest.objects.create(meeting=getattr(w, meeting), name="刘镇长").pk}

    return make


def entry_of(branch: str) -> Callable[[World], dict]:
    """A rectification ledger entry of that branch for 2025, made when the row is run."""

    def make(w):
        from scoring.models import RectificationEntry

        b = getattr(w, branch)
        # One entry per branch and year: a row run again (hypothesis) finds the same one.
        entry, _created = RectificationEntry.objects.get_or_create(
            township=b.township, branch=b, year=2025
        )
        return {"pk": entry.pk}

    return make


def village_year(branch: str) -> Callable[[World], dict]:
    return lambda w: {"branch_id": getattr(w, branch).pk, "year": 2026}


OFFICE_T2 = E(302, 403, 404, 403, 403, 403)  # the office's object elsewhere: missing to it
ORG_ROWS: list[Row] = [
    Row("branches:cadre_roster", READ_STAFF),
    Row("branches:liaison_duties", READ_STAFF),
    Row("branches:classification_list", READ_STAFF),
    Row("branches:model_village_list", READ_STAFF),
    Row("branches:cadre_create", OFFICE_ONLY),
    Row("branches:cadre_create", OFFICE_ONLY, method="post"),
    Row("branches:liaison_create", OFFICE_ONLY),
    Row("branches:liaison_create", OFFICE_ONLY, method="post"),
    Row("branches:cadre_edit", OFFICE_ONLY, cadre_of("b1"), label="B1"),
    Row("branches:cadre_edit", OFFICE_ONLY, cadre_of("b2"), "post", label="B2"),
    Row("branches:cadre_edit", OFFICE_T2, cadre_of("b3"), label="T2"),
    Row("branches:cadre_edit", OFFICE_T2, cadre_of("b4"), "post", label="T3"),
    Row("branches:cadre_delete", E(302, 403, 405, 403, 403, 403), cadre_of("b1"), label="GET"),
    Row("branches:cadre_delete", E(302, 403, 302, 403, 403, 403), cadre_of("b1"), "post"),
    Row("branches:cadre_delete", OFFICE_T2, cadre_of("b3"), "post", label="T2"),
]
for _name in ("classification_edit", "model_village_edit"):
    ORG_ROWS += [
        Row(f"branches:{_name}", OFFICE_ONLY, village_year("b1"), label="B1"),
        Row(f"branches:{_name}", OFFICE_ONLY, village_year("b2"), "post", label="B2"),
        Row(f"branches:{_name}", OFFICE_T2, village_year("b3"), label="T2"),
        Row(f"branches:{_name}", OFFICE_T2, village_year("b3"), "post", label="T2"),
        Row(f"branches:{_name}", OFFICE_T2, village_year("b4"), label="T3"),
    ]
ORG_ROWS += [
    Row("scoring:rectification_list", READ_STAFF),
    Row("scoring:rectification_open", E(302, 403, 302, 403, 403, 403), lambda w: {"year": 2025},
        "post"),
    Row("scoring:rectification_open", E(302, 403, 405, 403, 403, 403), lambda w: {"year": 2025},
        label="GET"),
    Row("scoring:rectification_detail", E(302, 200, 200, 200, 404, 403), entry_of("b1"),
        label="B1"),
    Row("scoring:rectification_detail", E(302, 200, 200, 404, 200, 403), entry_of("b2"),
        label="B2"),
    Row("scoring:rectification_detail", E(302, 200, 404, 404, 404, 403), entry_of("b3"),
        label="T2"),
    Row("scoring:rectification_detail", OTHER_COUNTY, entry_of("b4"), label="T3"),
    Row("scoring:rectification_update", E(302, 403, 302, 302, 403, 403), entry_of("b1"), "post",
        label="B1"),
    Row("scoring:rectification_update", E(302, 403, 302, 404, 403, 403), entry_of("b2"), "post",
        label="B2"),
    Row("scoring:rectification_update", E(302, 403, 404, 404, 403, 403), entry_of("b3"), "post",
        label="T2"),
    Row("scoring:rectification_close", E(302, 403, 302, 403, 403, 403), entry_of("b1"), "post",
        label="B1"),
    Row("scoring:rectification_close", OFFICE_T2, entry_of("b3"), "post", label="T2"),
]  # fmt: skip


ROWS = CORE_ROWS + BRANCH_ROWS + MEMBER_ROWS + SCORING_ROWS + REPORT_ROWS
ROWS += ORG_ROWS


# --- a member's life cycle (members/urls_life.py): rows made when the row is run ---------------


def _made(make: Callable[[World], object]) -> Callable[[World], dict]:
    return lambda w: {"pk": make(w).pk}


def applicant_of(branch: str):
    return _made(lambda w: f.applicant(branch=getattr(w, branch)))


def session_of(township: str):
    return _made(lambda w: f.training_session(township=getattr(w, township)))


def lagging_of(member: str):
    return _made(lambda w: f.lagging_spell(member=getattr(w, member)))


def flowing_of(member: str):
    return _made(lambda w: f.flowing_spell(member=getattr(w, member)))


def own_b1_b2_t2_t3(name: str, make) -> list[Row]:
    """A page of one object in B1, B2, T2 and T3, readable by everyone with member access."""
    return [
        Row(name, E(302, 200, 200, 200, 404, 403), make("b1"), label="B1"),
        Row(name, E(302, 200, 200, 404, 200, 403), make("b2"), label="B2"),
        Row(name, E(302, 200, 404, 404, 404, 403), make("b3"), label="T2"),
        Row(name, OTHER_COUNTY, make("b4"), label="T3"),
    ]


def writes_b1_b2_t2(name: str, make, *, office_only: bool = False) -> list[Row]:
    """A write on one object in B1, B2 and T2: office and the B1 secretary (or the office
    only), the form re-shown on an empty POST."""
    sec = 403 if office_only else 200
    sec_other = 403 if office_only else 404
    return [
        Row(name, E(302, 403, 200, sec, 403, 403), make("b1"), label="B1"),
        Row(name, E(302, 403, 200, sec, 403, 403), make("b1"), "post", label="B1"),
        Row(name, E(302, 403, 200, sec_other, 403, 403), make("b2"), "post", label="B2"),
        Row(name, E(302, 403, 404, sec_other, 403, 403), make("b3"), "post", label="T2"),
    ]


_MEMBER_OF = {"b1": "m1", "b2": "m2", "b3": "m3", "b4": "m4"}
_TOWNSHIP_OF = {"b1": "t1", "b2": "t1", "b3": "t2", "b4": "t3"}

LIFE_ROWS: list[Row] = [
    Row("members:pipeline_list", READ_STAFF),
    Row("members:applicant_create", WRITE_FORM),
    Row("members:applicant_create", WRITE_FORM, method="post"),
    *own_b1_b2_t2_t3("members:applicant_detail", applicant_of),
    *writes_b1_b2_t2("members:applicant_step", applicant_of),
    *writes_b1_b2_t2("members:applicant_kinship", applicant_of),
    *own_b1_b2_t2_t3("members:member_timeline", lambda b: pk(_MEMBER_OF[b])),
    Row("members:training_list", READ_STAFF),
    Row("members:training_compliance", READ_STAFF),
    Row("members:training_create", OFFICE_ONLY),
    Row("members:training_create", OFFICE_ONLY, method="post"),
    # Party-school sessions are the township's: branch-scoped roles find none.
    Row("members:training_detail", E(302, 200, 200, 404, 404, 403), session_of("t1"), label="T1"),
    Row("members:training_detail", E(302, 200, 404, 404, 404, 403), session_of("t2"), label="T2"),
    Row("members:training_detail", OTHER_COUNTY, session_of("t3"), label="T3"),
    Row("members:training_attendance", OFFICE_ONLY, session_of("t1"), label="T1"),
    Row(
        "members:training_attendance",
        E(302, 403, 302, 403, 403, 403),
        session_of("t1"),
        "post",
        label="T1 (an empty attendance is valid)",
    ),
    Row(
        "members:training_attendance",
        E(302, 403, 404, 403, 403, 403),
        session_of("t2"),
        "post",
        label="T2",
    ),
    Row("members:lagging_list", READ_STAFF),
    *writes_b1_b2_t2("members:lagging_start", lambda b: pk(_MEMBER_OF[b]), office_only=True),
    *own_b1_b2_t2_t3("members:lagging_detail", lambda b: lagging_of(_MEMBER_OF[b])),
    *writes_b1_b2_t2("members:lagging_check", lambda b: lagging_of(_MEMBER_OF[b])),
    *writes_b1_b2_t2("members:lagging_evaluate", lambda b: lagging_of(_MEMBER_OF[b])),
    *writes_b1_b2_t2("members:lagging_end", lambda b: lagging_of(_MEMBER_OF[b]), office_only=True),
    Row("members:flowing_list", READ_STAFF),
    *writes_b1_b2_t2("members:flowing_start", lambda b: pk(_MEMBER_OF[b])),
    *writes_b1_b2_t2("members:flowing_contact", lambda b: pk(_MEMBER_OF[b])),
    *writes_b1_b2_t2("members:flowing_end", lambda b: flowing_of(_MEMBER_OF[b])),
    Row("members:talk_list", READ_STAFF),
    Row("members:talk_create", WRITE_FORM),
    Row("members:talk_create", WRITE_FORM, method="post"),
]

ROWS += LIFE_ROWS

# --- cooperatives (issue 12): objects are made when the row runs --------------------------------


_CONTEST_YEARS = itertools.count(2001)  # pages walked in one test each make their contest


def made(factory: str, branch: str) -> Callable[[World], dict]:
    def kwargs(w: World) -> dict:
        b = getattr(w, branch)
        if factory == "holder":
            return {"pk": f.holder(cooperative=f.cooperative(branch=b)).pk}
        if factory == "contest":
            return {"pk": f.contest(township=b.township, year=next(_CONTEST_YEARS)).pk}
        if factory == "entry":
            from cooperatives.models import ContestEntry

            c = f.contest(township=b.township, year=next(_CONTEST_YEARS))
            return {"pk": ContestEntry.objects.create(contest=c, branch=b, secretary_name="王").pk}
        return {"pk": getattr(f, factory)(branch=b).pk}

    return kwargs


FUND_FORM = OFFICE_ONLY  # the township fund, contests and subsidies: the office only
ON_B1 = E(302, 200, 200, 200, 404, 403)
ON_B2 = E(302, 200, 200, 404, 200, 403)
ON_T2 = E(302, 200, 404, 404, 404, 403)
CHANGE_B2 = E(302, 403, 200, 404, 403, 403)
CHANGE_T2 = E(302, 403, 404, 404, 403, 403)
FUND_T2 = E(302, 403, 404, 403, 403, 403)
COOP_ROWS: list[Row] = [
    Row("cooperatives:list", READ_STAFF),
    Row("cooperatives:pairing_list", READ_STAFF),
    Row("cooperatives:project_list", READ_STAFF),
    Row("cooperatives:contest_list", READ_STAFF),
    Row("cooperatives:activity_list", READ_STAFF),
]
for _name in ("create", "pairing_create", "income_set", "project_create", "activity_create"):
    COOP_ROWS += [
        Row(f"cooperatives:{_name}", WRITE_FORM),
        Row(f"cooperatives:{_name}", WRITE_FORM, method="post"),
    ]
for _name in ("fund_deposit", "contest_create"):
    COOP_ROWS += [
        Row(f"cooperatives:{_name}", FUND_FORM),
        Row(f"cooperatives:{_name}", FUND_FORM, method="post"),
    ]
for _name, _factory in (("detail", "cooperative"), ("pairing_detail", "pairing")):
    COOP_ROWS += [
        Row(f"cooperatives:{_name}", ON_B1, made(_factory, "b1"), label="B1"),
        Row(f"cooperatives:{_name}", ON_B2, made(_factory, "b2"), label="B2"),
        Row(f"cooperatives:{_name}", ON_T2, made(_factory, "b3"), label="T2"),
        Row(f"cooperatives:{_name}", OTHER_COUNTY, made(_factory, "b4"), label="T3"),
    ]
COOP_ROWS += [
    Row("cooperatives:contest_detail", E(302, 200, 200, 404, 404, 403), made("contest", "b1")),
    Row("cooperatives:contest_detail", ON_T2, made("contest", "b3"), label="T2"),
    Row("cooperatives:contest_detail", OTHER_COUNTY, made("contest", "b4"), label="T3"),
]
for _name, _factory in (
    ("edit", "cooperative"),
    ("holder_create", "cooperative"),
    ("account_set", "cooperative"),
    ("holder_edit", "holder"),
    ("pairing_project", "pairing"),
    ("progress_create", "pairing"),
    ("symposium_create", "pairing"),
):
    COOP_ROWS += [
        Row(f"cooperatives:{_name}", WRITE_FORM, made(_factory, "b1"), label="B1"),
        Row(f"cooperatives:{_name}", WRITE_FORM, made(_factory, "b1"), "post", label="B1"),
        Row(f"cooperatives:{_name}", CHANGE_B2, made(_factory, "b2"), "post", label="B2"),
        Row(f"cooperatives:{_name}", CHANGE_T2, made(_factory, "b3"), "post", label="T2"),
    ]
for _name, _factory in (
    ("project_evaluate", "led_project"),
    ("score_set", "entry"),
    ("activity_subsidy", "group_activity"),
):
    COOP_ROWS += [
        Row(f"cooperatives:{_name}", FUND_FORM, made(_factory, "b1"), label="B1"),
        Row(f"cooperatives:{_name}", FUND_FORM, made(_factory, "b2"), "post", label="B2"),
        Row(f"cooperatives:{_name}", FUND_T2, made(_factory, "b3"), "post", label="T2"),
    ]
COOP_ROWS += [
    Row("cooperatives:entry_create", FUND_FORM, made("contest", "b1")),
    Row("cooperatives:entry_create", FUND_FORM, made("contest", "b1"), "post"),
    Row("cooperatives:entry_create", FUND_T2, made("contest", "b3"), "post", label="T2"),
    Row(
        "cooperatives:contest_award", E(302, 403, 302, 403, 403, 403), made("contest", "b1"), "post"
    ),
    Row("cooperatives:contest_award", FUND_T2, made("contest", "b3"), "post", label="T2"),
    Row(
        "cooperatives:holder_delete", E(302, 403, 302, 302, 403, 403), made("holder", "b1"), "post"
    ),
    Row(
        "cooperatives:holder_delete", E(302, 403, 302, 404, 403, 403), made("holder", "b2"), "post"
    ),
    Row("cooperatives:holder_delete", CHANGE_T2, made("holder", "b3"), "post", label="T2"),
    Row("cooperatives:holder_delete", E(302, 403, 405, 405, 403, 403), made("holder", "b1")),
    # An empty request (no year) goes back to the page with the message; the job page otherwise.
    Row(
        "cooperatives:statement", E(302, 302, 302, 302, 404, 403), made("cooperative", "b1"), "post"
    ),
    Row(
        "cooperatives:statement", E(302, 302, 404, 404, 404, 403), made("cooperative", "b3"), "post"
    ),
]

ROWS += COOP_ROWS


def alliance_of(township: str, *branches: str, make=None) -> Callable[[World], dict]:
    """An alliance of that township with those member branches, made when the row is run; with
    `make`, the pk of what `make(alliance, world)` creates in it."""

    def kwargs(w: World) -> dict:
        made = f.alliance(township=getattr(w, township), branches=[getattr(w, b) for b in branches])
        return {"pk": (make(made, w) if make else made).pk}

    return kwargs


def _project(alliance, w):
    owner = alliance.organisations.first() or alliance.organisations.create(
        code="O0", name="县供电公司", kind="enterprise"
    )
    return alliance.projects.create(
        kind="common", title="项目", owner=owner, due_on=dt.date(2026, 3, 1)
    )


def _wish(alliance, w):
    return f.wish(alliance=alliance)


def _claimed_wish(alliance, w):
    member = f.member(branch=alliance.organisations.first().branch)
    return f.wish(alliance=alliance, claimed_by=member, claimed_on=dt.date(2026, 3, 2))


ALLIANCE_VIEW_B1 = E(302, 200, 200, 200, 404, 403)
ALLIANCE_VIEW_B2 = E(302, 200, 200, 404, 200, 403)
ALLIANCE_VIEW_T2 = E(302, 200, 404, 404, 404, 403)
ALLIANCE_MANAGE_T1 = E(302, 403, 200, 403, 403, 403)
ALLIANCE_MANAGE_T2 = E(302, 403, 404, 403, 403, 403)
ALLIANCE_ROWS: list[Row] = [
    Row("alliances:alliance_tree", READ_STAFF),
    Row("alliances:alliance_create", OFFICE_ONLY),
    Row("alliances:alliance_create", OFFICE_ONLY, method="post"),
]
for _name in ("alliance_detail", "activity_list", "wish_list"):
    ALLIANCE_ROWS += [
        Row(f"alliances:{_name}", ALLIANCE_VIEW_B1, alliance_of("t1", "b1"), label="T1 B1"),
        Row(f"alliances:{_name}", ALLIANCE_VIEW_B2, alliance_of("t1", "b2"), label="T1 B2"),
        Row(f"alliances:{_name}", ALLIANCE_VIEW_T2, alliance_of("t2", "b3"), label="T2"),
        Row(f"alliances:{_name}", OTHER_COUNTY, alliance_of("t3", "b4"), label="T3"),
    ]
for _name, _make in (
    ("alliance_edit", None),
    ("organisation_create", None),
    ("project_create", None),
    ("wish_create", None),
    ("project_progress", _project),
    ("wish_fulfil", _claimed_wish),
):
    ALLIANCE_ROWS += [
        Row(
            f"alliances:{_name}",
            ALLIANCE_MANAGE_T1,
            alliance_of("t1", "b1", make=_make),
            label="T1",
        ),
        Row(
            f"alliances:{_name}",
            ALLIANCE_MANAGE_T1,
            alliance_of("t1", "b1", make=_make),
            "post",
            label="T1",
        ),
        Row(
            f"alliances:{_name}",
            ALLIANCE_MANAGE_T2,
            alliance_of("t2", "b3", make=_make),
            "post",
            label="T2",
        ),
    ]
for _name, _make in (("activity_create", None), ("wish_claim", _wish)):
    ALLIANCE_ROWS += [
        Row(f"alliances:{_name}", WRITE_FORM, alliance_of("t1", "b1", make=_make), label="T1 B1"),
        Row(
            f"alliances:{_name}",
            WRITE_FORM,
            alliance_of("t1", "b1", make=_make),
            "post",
            label="T1 B1",
        ),
        Row(
            f"alliances:{_name}",
            E(302, 403, 200, 404, 403, 403),
            alliance_of("t1", "b2", make=_make),
            "post",
            label="T1 B2",
        ),
        Row(
            f"alliances:{_name}",
            E(302, 403, 404, 404, 403, 403),
            alliance_of("t2", "b3", make=_make),
            "post",
            label="T2",
        ),
    ]
Q1, H1 = {"year": 2026, "quarter": 1}, {"year": 2026, "half": 1}
for _name, _extra in (("display", Q1), ("evaluation", Y), ("contest", H1)):
    ALLIANCE_ROWS += [
        Row(f"alliances:{_name}", E(302, 200, 200, 200, 200, 403), tm("t1", **_extra), label="T1"),
        Row(f"alliances:{_name}", E(302, 200, 404, 404, 404, 403), tm("t2", **_extra), label="T2"),
        Row(f"alliances:{_name}", OTHER_COUNTY, tm("t3", **_extra), label="T3"),
    ]
for _name, _extra in (("evaluation_save", {"year": 2025}), ("contest_save", H1)):
    ALLIANCE_ROWS += [
        Row(
            f"alliances:{_name}",
            E(302, 403, 302, 403, 403, 403),
            tm("t1", **_extra),
            "post",
            label="T1",
        ),
        Row(
            f"alliances:{_name}",
            E(302, 403, 404, 403, 403, 403),
            tm("t2", **_extra),
            "post",
            label="T2",
        ),
        Row(
            f"alliances:{_name}",
            E(405, 405, 405, 405, 405, 405),
            tm("t1", **_extra),
            label="GET is refused",
        ),
    ]

ROWS += ALLIANCE_ROWS


# The star rating (星级评定, scoring/urls_stars.py): rounds made when the row is run.
def star_round_of(township: str, state: str = "proposed") -> Callable[[World], dict]:
    return lambda w: {"pk": f.star_round(township=getattr(w, township), state=state).pk}


def star_proposal_of(branch: str, state: str = "proposed", member: bool = False):
    def make(w):
        b = getattr(w, branch)
        r = f.star_round(township=b.township, state=state)
        if member:
            return {"pk": r.proposals.get(member=getattr(w, _MEMBER_OF[branch])).pk}
        return {"pk": r.proposals.get(kind="branch", branch=b).pk}

    return make


# Organisation management by the office (branches/views_admin.py, /branches/manage/): the office
# of the township writes; the county reviewer reads the lists; secretary, liaison and member 403.
def group_of(branch: str) -> Callable[[World], dict]:
    def make(w):
        from branches.models import PartyGroup

        group, _created = PartyGroup.objects.get_or_create(branch=getattr(w, branch), name="第一组")
        return {"pk": group.pk}

    return make


Y25 = {"year": 2025}
STAR_READ = E(302, 200, 200, 200, 200, 403)
STAR_ROWS: list[Row] = [
    Row("scoring:stars_round", STAR_READ, tm("t1", **Y25), label="T1"),
    Row("scoring:stars_round", E(302, 200, 404, 404, 404, 403), tm("t2", **Y25), label="T2"),
    Row("scoring:stars_round", OTHER_COUNTY, tm("t3", **Y25), label="T3"),
    Row("scoring:stars_open", E(302, 403, 302, 403, 403, 403), tm("t1", **Y25), "post"),
    Row("scoring:stars_open", OFFICE_T2, tm("t2", **Y25), "post", label="T2"),
    Row("scoring:stars_open", E(405, 405, 405, 405, 405, 405), tm("t1", **Y25), label="GET"),
    Row("scoring:stars_notice", READ_ALL, tm("t1", **Y25), label="T1"),
    Row("scoring:stars_notice", E(302, 200, 404, 404, 404, 404), tm("t2", **Y25), label="T2"),
    Row("scoring:stars_notice", E(302, 404, 404, 404, 404, 404), tm("t3", **Y25), label="T3"),
    Row("scoring:stars_self_assessment", E(302, 403, 403, 200, 403, 403), star_round_of("t1")),
    Row(
        "scoring:stars_self_assessment",
        E(302, 403, 403, 404, 403, 403),
        star_round_of("t2"),
        label="T2",
    ),
    Row("scoring:stars_proposal", E(302, 200, 200, 200, 404, 403), star_proposal_of("b1")),
    Row(
        "scoring:stars_proposal",
        E(302, 200, 200, 404, 200, 403),
        star_proposal_of("b2"),
        label="B2",
    ),
    Row(
        "scoring:stars_proposal",
        E(302, 200, 404, 404, 404, 403),
        star_proposal_of("b3"),
        label="B3",
    ),
    Row("scoring:stars_proposal", OTHER_COUNTY, star_proposal_of("b4"), label="B4"),
    Row(
        "scoring:stars_proposal_note",
        E(302, 403, 403, 302, 403, 403),
        star_proposal_of("b1", member=True),
        "post",
        label="m1",
    ),
    Row(
        "scoring:stars_proposal_note",
        E(302, 403, 403, 404, 403, 403),
        star_proposal_of("b2"),
        "post",
        label="B2",
    ),
]
for _name, _state in (("stars_review", "proposed"), ("stars_notice_start", "review")):
    STAR_ROWS += [
        Row(
            f"scoring:{_name}", E(302, 403, 302, 403, 403, 403), star_round_of("t1", _state), "post"
        ),
        Row(f"scoring:{_name}", OFFICE_T2, star_round_of("t2", _state), "post", label="T2"),
    ]
STAR_ROWS += [
    Row(
        "scoring:stars_set", E(302, 403, 302, 403, 403, 403), star_round_of("t1", "notice"), "post"
    ),
    Row("scoring:stars_set", OFFICE_T2, star_round_of("t2", "notice"), "post", label="T2"),
]
for _name, _state in (("stars_proposal_review", "review"), ("stars_proposal_demote", "set")):
    STAR_ROWS += [
        Row(
            f"scoring:{_name}",
            E(302, 403, 200, 403, 403, 403),  # an empty form is shown again
            star_proposal_of("b1", _state),
            "post",
        ),
        Row(f"scoring:{_name}", OFFICE_T2, star_proposal_of("b3", _state), "post", label="B3"),
    ]
ROWS += STAR_ROWS


def area_of(township: str) -> Callable[[World], dict]:
    def make(w):
        from branches.models import Area

        area, _created = Area.objects.get_or_create(
            township=getattr(w, township), code="A1", defaults={"name": "东片"}
        )
        return {"pk": area.pk}

    return make


MANAGE_READ = E(302, 200, 200, 403, 403, 403)
MANAGE_READ_T2 = E(302, 200, 404, 403, 403, 403)
MANAGE_READ_C2 = E(302, 404, 404, 403, 403, 403)
MANAGE_POST_ONLY = E(302, 403, 405, 403, 403, 403)  # a GET of a POST-only write
MANAGE_DONE = E(302, 403, 302, 403, 403, 403)  # the write done (or refused), then a redirect
ORGADMIN_ROWS: list[Row] = [
    Row("branches:manage_branches", MANAGE_READ),
    Row("branches:manage_areas", MANAGE_READ),
    Row("branches:manage_branch_create", OFFICE_ONLY),
    Row("branches:manage_branch_create", OFFICE_ONLY, method="post"),
    Row("branches:manage_area_create", OFFICE_ONLY),
    Row("branches:manage_area_create", OFFICE_ONLY, method="post"),
    Row("branches:manage_member_transfer", OFFICE_ONLY, pk("m1"), label="B1"),
    Row("branches:manage_member_transfer", OFFICE_ONLY, pk("m1"), "post", label="B1"),
    Row("branches:manage_member_transfer", OFFICE_T2, pk("m3"), label="T2"),
    Row("branches:manage_member_transfer", OFFICE_T2, pk("m4"), "post", label="T3"),
    Row("branches:manage_account_deactivate", MANAGE_POST_ONLY, pk("secretary"), label="GET"),
    Row("branches:manage_account_deactivate", MANAGE_DONE, pk("secretary"), "post", label="B1"),
    Row("branches:manage_account_deactivate", OFFICE_T2, pk("secretary3"), "post", label="T2"),
    Row("branches:manage_area_edit", OFFICE_ONLY, area_of("t1"), label="T1"),
    Row("branches:manage_area_edit", OFFICE_ONLY, area_of("t1"), "post", label="T1"),
    Row("branches:manage_area_edit", OFFICE_T2, area_of("t2"), label="T2"),
    Row("branches:manage_area_edit", OFFICE_T2, area_of("t3"), "post", label="T3"),
    Row("branches:manage_group_edit", OFFICE_ONLY, group_of("b1"), label="B1"),
    Row("branches:manage_group_edit", OFFICE_ONLY, group_of("b2"), "post", label="B2"),
    Row("branches:manage_group_edit", OFFICE_T2, group_of("b3"), label="T2"),
    Row("branches:manage_group_edit", OFFICE_T2, group_of("b4"), "post", label="T3"),
]
for _b, _read, _write in (
    ("b1", MANAGE_READ, OFFICE_ONLY),
    ("b3", MANAGE_READ_T2, OFFICE_T2),
    ("b4", MANAGE_READ_C2, OFFICE_T2),
):
    ORGADMIN_ROWS += [
        Row("branches:manage_groups", _read, pk(_b), label=_b),
        Row("branches:manage_accounts", _read, pk(_b), label=_b),
        Row("branches:manage_branch_edit", _write, pk(_b), label=_b),
        Row("branches:manage_branch_edit", _write, pk(_b), "post", label=_b),
        Row("branches:manage_group_create", _write, pk(_b), label=_b),
        Row("branches:manage_group_create", _write, pk(_b), "post", label=_b),
        Row("branches:manage_account_create", _write, pk(_b), "post", label=_b),
        Row("branches:manage_account_assign", _write, pk(_b), "post", label=_b),
    ]
for _name in (
    "manage_branch_deactivate",
    "manage_branch_reactivate",
    "manage_account_create",
    "manage_account_assign",
):
    ORGADMIN_ROWS.append(Row(f"branches:{_name}", MANAGE_POST_ONLY, pk("b1"), label="GET"))
for _name in ("manage_branch_deactivate", "manage_branch_reactivate"):
    ORGADMIN_ROWS += [
        Row(f"branches:{_name}", MANAGE_DONE, pk("b1"), "post", label="B1"),
        Row(f"branches:{_name}", OFFICE_T2, pk("b3"), "post", label="T2"),
        Row(f"branches:{_name}", OFFICE_T2, pk("b4"), "post", label="T3"),
    ]
ROWS += ORGADMIN_ROWS


def _cases():
    for row in ROWS:
        for role in ROLES:
            yield pytest.param(row, role, id=f"{row.id()}-{role}")


@pytest.fixture
def world(cast, settings, tmp_path) -> World:
    settings.PRIVATE_ROOT = tmp_path
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = tmp_path / "media"  # meeting photos
    return World(
        cast=cast,
        mt1=f.meeting(branch=cast.b1),
        mt2=f.meeting(branch=cast.b2),
        mt3=f.meeting(branch=cast.b3),
        mt4=f.meeting(branch=cast.b4),
        m2=f.member(branch=cast.b2),
        job_t1=f.report_job(township=cast.t1),
        job_b1=f.report_job(branch=cast.b1),
        job_t2=f.report_job(township=cast.t2),
        job_t3=f.report_job(township=cast.t3),
    )


USERS = {
    "reviewer": "reviewer",
    "office": "office",
    "secretary": "secretary",
    "liaison": "liaison",
    "member": "member_user",
}


@pytest.mark.parametrize(("row", "role"), list(_cases()))
def test_permission_matrix(client, world, row: Row, role: str):
    if role != "anon":
        user = getattr(world.cast, USERS[role])
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse(row.name, kwargs=row.kwargs(world))
    response = getattr(client, row.method)(url, row.data)
    expected = row.statuses[ROLES.index(role)]
    assert response.status_code == expected, (
        f"{role} {row.method.upper()} {url}: {response.status_code}, expected {expected}"
    )
    if role == "anon" and expected == 302:
        assert response["Location"].startswith(reverse("login"))


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if route.startswith(("admin/", "static/", "media/")):
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p, route, ns)
        elif isinstance(p, URLPattern):
            yield route, (f"{namespace}{p.name}" if p.name else None), p.callback


def test_every_url_has_a_row():
    covered = {row.name for row in ROWS}
    missing = [
        f"{route} ({name})"
        for route, name, _view in _patterns(get_resolver("township.urls"))
        if name not in covered
    ]
    assert not missing, "URL patterns without a row in tests/test_permissions.py: " + ", ".join(
        missing
    )


def test_every_view_declares_its_permission_or_is_public():
    """All views but login/logout, the language switch, the dashboard and one's own messages
    go through `scope_permission_required`."""
    public = {"login", "logout", "set_language", "dashboard", "notifications"}
    for route, name, view in _patterns(get_resolver("township.urls")):
        if name not in public:
            assert hasattr(view, "required_permission"), route


def test_missing_and_foreign_objects_answer_alike(client, world):
    client.force_login(world.secretary, backend="django.contrib.auth.backends.ModelBackend")
    missing = client.get(reverse("branches:meeting_detail", kwargs={"pk": 999999}))
    foreign = client.get(reverse("branches:meeting_detail", kwargs={"pk": world.mt3.pk}))
    assert missing.status_code == foreign.status_code == 404
    # Besides the CSRF token, only the language switch's `next` (the page's own URL) differs.
    token = re.compile(
        rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value="|name="next" value=")[^"]*"'
    )
    assert token.sub(b"", missing.content) == token.sub(b"", foreign.content)


def test_secretary_cannot_delete_another_branchs_meeting(client, world):
    from branches.models import Meeting

    client.force_login(world.secretary, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("branches:meeting_delete", kwargs={"pk": world.mt2.pk}))
    assert response.status_code == 404
    assert Meeting.objects.filter(pk=world.mt2.pk).exists()


def test_reviewer_cannot_write_even_with_valid_data(client, world):
    from members.models import PointAdjustment

    client.force_login(world.reviewer, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("members:adjustment_create", kwargs={"pk": world.m1.pk}),
        {"kind": "bonus", "points": "2", "date": "2026-03-05", "reason": "志愿服务"},
    )
    assert response.status_code == 403
    assert not PointAdjustment.objects.exists()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Reviewers stay in their county: the reviewer of C2 reaches T3, B4 and their objects as the
# reviewer of C reaches T1 and B1 (the OTHER_COUNTY rows above give the latter 404 there), and
# finds county C's objects missing.
REVIEWER2_ROWS = [
    ("branches:branch_detail", pk("b4"), "get", 200),
    ("branches:branch_detail", pk("b1"), "get", 404),
    ("branches:meeting_detail", pk("mt4"), "get", 200),
    ("branches:meeting_detail", pk("mt1"), "get", 404),
    ("branches:meeting_sign_in", pk("mt4"), "get", 200),
    ("branches:meeting_sign_in", pk("mt1"), "get", 404),
    ("branches:meeting_photo", photo_of("mt4"), "get", 200),
    ("branches:meeting_photo", photo_of("mt1"), "get", 404),
    ("members:member_detail", pk("m4"), "get", 200),
    ("members:member_detail", pk("m1"), "get", 404),
    ("scoring:township_year", tm("t3", **Y), "get", 200),
    ("scoring:township_year", tm("t1", **Y), "get", 404),
    ("scoring:township_month", tm("t3", **M), "get", 200),
    ("scoring:township_month", tm("t1", **M), "get", 404),
    ("scoring:branch_year", by("b4", **Y), "get", 200),
    ("scoring:branch_year", by("b1", **Y), "get", 404),
    ("scoring:export", tm("t3", **Y), "post", 200),
    ("scoring:export", tm("t1", **Y), "post", 404),
    ("reports:detail", pk("job_t3"), "get", 200),
    ("reports:detail", pk("job_t1"), "get", 404),
    ("reports:download", pk("job_t3"), "get", 200),
    ("reports:download", pk("job_b1"), "get", 404),
    ("branches:manage_groups", pk("b4"), "get", 200),
    ("branches:manage_groups", pk("b1"), "get", 404),
    ("branches:manage_accounts", pk("b4"), "get", 200),
    ("branches:manage_accounts", pk("b1"), "get", 404),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "method", "expected"),
    REVIEWER2_ROWS,
    ids=[f"{method.upper()} {name} {status}" for name, _k, method, status in REVIEWER2_ROWS],
)
def test_reviewers_stay_in_their_county(client, world, name, kwargs, method, expected):
    client.force_login(world.reviewer2, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse(name, kwargs=kwargs(world))
    assert getattr(client, method)(url).status_code == expected, url


@pytest.mark.parametrize(
    ("name", "mine", "theirs"),
    [
        ("branches:branch_list", "东李庄党支部", "北赵村党支部"),
        ("members:member_list", "张伟", "赵敏"),
        ("branches:meeting_list", "东李庄党支部", "北赵村党支部"),
    ],
    ids=["branch_list", "member_list", "meeting_list"],
)
def test_a_reviewers_lists_hold_only_their_county(client, world, name, mine, theirs):
    """The lists of the reviewer of C name B1's rows and none of C2's; the reviewer of C2's
    the other way round."""
    for user, shown, hidden in ((world.reviewer, mine, theirs), (world.reviewer2, theirs, mine)):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        page = client.get(reverse(name)).content.decode()
        assert shown in page and hidden not in page, (user.username, name)
