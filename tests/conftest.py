"""The shared cast (see STYLE.md): county C ⊃ townships T1, T2 ⊃ branches B1, B2 (T1), B3 (T2);
a second county C2 ⊃ township T3 ⊃ branch B4, with its own reviewer (reviewer2)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f


@dataclass
class Cast:
    county: object
    t1: object
    t2: object
    b1: object
    b2: object
    b3: object
    m1: object  # a member of B1
    m3: object  # a member of B3
    county2: object  # C2, a second county: reviewers stay in their own
    t3: object  # the township of C2
    b4: object  # a branch of T3
    m4: object  # a member of B4
    reviewer: object
    reviewer2: object  # of C2
    office: object
    office2: object
    secretary: object  # of B1
    secretary3: object  # of B3
    liaison: object  # of B2
    member_user: object  # the user of m1


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.4 s a user; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Chinese: a request in English (the language switch, the English
    crawl) leaves its language active in the thread, as a server thread keeps it until the
    next request activates its own."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _audit_log_flushable():
    """Between transactional tests (live_server, migrations) the test runner empties every
    table; the audit log's triggers refuse that. Lift them around that flush only: the
    statements are the migration's own, and nothing in the app can do this."""
    import importlib

    triggers = importlib.import_module("township.migrations.0006_audit_append_only")
    ops = type(connection.ops)
    original = ops.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if not statements or triggers.TABLE not in tables:
            return statements
        create, drop = triggers.STATEMENTS[self.connection.vendor]
        return [*drop, *statements, *create]

    ops.sql_flush = sql_flush
    yield
    ops.sql_flush = original


@pytest.fixture
def cast(db) -> Cast:
    county = f.county(name="示例县")
    t1 = f.township(county=county, name="一号镇")
    t2 = f.township(county=county, name="二号镇")
    b1 = f.branch(township=t1, name="东李庄党支部")
    b2 = f.branch(township=t1, name="西王村党支部")
    b3 = f.branch(township=t2, name="南张村党支部")
    m1 = f.member(branch=b1, name="张伟")
    m3 = f.member(branch=b3, name="李娜")
    county2 = f.county(name="邻县")
    t3 = f.township(county=county2, name="三号镇")
    b4 = f.branch(township=t3, name="北赵村党支部")
    m4 = f.member(branch=b4, name="赵敏")
    return Cast(
        county=county,
        t1=t1,
        t2=t2,
        b1=b1,
        b2=b2,
        b3=b3,
        m1=m1,
        m3=m3,
        county2=county2,
        t3=t3,
        b4=b4,
        m4=m4,
        reviewer=f.user(username="reviewer", role="reviewer", county=county),
        reviewer2=f.user(username="reviewer2", role="reviewer", county=county2),
        office=f.user(username="office", role="office", township=t1),
        office2=f.user(username="office2", role="office", township=t2),
        secretary=f.user(username="secretary", role="secretary", branch=b1),
        secretary3=f.user(username="secretary3", role="secretary", branch=b3),
        liaison=f.user(username="liaison", role="liaison", branch=b2),
        member_user=f.user(username="member", role="member", member=m1),
    )


BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def as_secretary(client, cast):
    """The test client logged in as the secretary of B1."""
    client.force_login(cast.secretary, backend=BACKEND)
    return client


@pytest.fixture
def as_office(client, cast):
    """The test client logged in as the office staff of T1."""
    client.force_login(cast.office, backend=BACKEND)
    return client


@pytest.fixture
def marked(db):
    """The months whose records services marked changed: {(township id, month): revision}."""
    from township.models import MonthState

    def read() -> dict:
        rows = MonthState.objects.filter(revision__gt=0).values_list(
            "township_id", "month", "revision"
        )
        return {(t, m): r for t, m, r in rows}

    return read


def get_query_count(client, url) -> int:
    """How many queries one successful GET of `url` takes."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)
