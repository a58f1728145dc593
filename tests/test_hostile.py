"""Hostile and absurd input: no server error ever, and nothing stored.

Three property suites (hypothesis):
- every form of the project, posted with hostile values in some of its fields (huge exponents,
  NaN, Infinity, NUL and control characters, 10,000-character strings, dates 0001-01-01 and
  9999-12-31, wrong types): refused (4xx, or the form re-shown with its errors) and no row
  changed;
- the exchange document, with the same kind of values at any of its leaves: an ExchangeError
  naming the path, nothing written, answered within a second;
- every GET page of every role (the permission matrix's rows), with hostile query parameters:
  never a 5xx.
Each suite starts with the valid input it spoils, accepted: a test that cannot fail proves nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.contrib.messages import ERROR, get_messages
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f
from tests import test_permissions as matrix
from township.errors import ExchangeError

world = matrix.world  # the permission matrix's objects: meetings, members and jobs in each scope

BACKEND = "django.contrib.auth.backends.ModelBackend"
PROJECT_APPS = {"township", "branches", "members", "scoring", "cooperatives", "alliances"}

HOSTILE = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run and in CI
    database=None,
)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the project's tables but the audit log (refusals may be audited)."""
    rows = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in PROJECT_APPS and meta.label != "township.AuditLog":
            rows[meta.label] = list(model.objects.order_by("pk").values_list())
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


# --- hostile values --------------------------------------------------------------------------

HUGE_NUMBERS = ["1E+1000000", "1E+100000000", "-1E+999999999999", "9" * 5000, "1e-400"]
NOT_FINITE = ["NaN", "Infinity", "-Infinity", "nan", "inf"]
CONTROL = ["\x00", "名\x00字", "a\x01b", "a\x1fb", "a\x7fb", "x\x0by"]  # inside: edges are stripped
LONG = ["x" * 10_000, "党" * 10_000]
BAD_DATES = ["0001-01-01", "9999-12-31", "1799-12-31", "2201-01-01", "2026-02-30", "1E+1000000"]
WRONG = ["abc", "[]", "{}", "true", "-", "²", "1/2"]


def hostile_for(form_field: forms.Field) -> st.SearchStrategy[str] | None:
    """Values this field must refuse, by its kind; None for fields no value can spoil."""
    if form_field.disabled or isinstance(form_field, forms.BooleanField | forms.FileField):
        return None  # posted values are ignored; any value is a boolean; files: suite below
    if isinstance(form_field, forms.DateField):
        return st.sampled_from(BAD_DATES + CONTROL + LONG + WRONG + HUGE_NUMBERS)
    if isinstance(form_field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        return st.sampled_from(HUGE_NUMBERS + NOT_FINITE + CONTROL + LONG + WRONG)
    if isinstance(form_field, forms.ChoiceField):  # model choices too
        return st.sampled_from(
            ["99999999999999999999999", "9" * 5000, "-1", *CONTROL, *LONG, *WRONG]
        )
    if isinstance(form_field, forms.CharField):
        values = list(CONTROL)
        if form_field.max_length is not None and form_field.max_length < 10_000:
            values += LONG
        return st.sampled_from(values)
    raise AssertionError(f"no hostile values for {type(form_field).__name__}")


# --- every form --------------------------------------------------------------------------------


@dataclass
class FormCase:
    """A page with a form: who posts, valid data it accepts, and the form whose fields we spoil."""

    url: str
    kwargs: Callable
    role: str
    valid: Callable  # (world) -> dict
    form: Callable  # (world) -> an unbound instance of the page's form
    setup: Callable = lambda w: None
    # How an accepted post answers; every other answer must be a refusal.
    accepted: Callable = field(default=lambda r: r.status_code == 302 and not _error_message(r))


def _scope(user):
    from township.scoping import scope_for

    return scope_for(user)


def _meeting_form(w, editing=False):
    from branches.forms import MeetingForm

    return MeetingForm(scope=_scope(w.office), editing=editing)


def _member_form(w):
    from members.forms import MemberForm

    return MemberForm(scope=_scope(w.office))


def _form(path: str, **kwargs):
    def make(w):
        module, name = path.rsplit(".", 1)
        cls = getattr(__import__(module, fromlist=[name]), name)
        return cls(**{k: v(w) if callable(v) else v for k, v in kwargs.items()})

    return make


MEETING = {
    "type": "committee",
    "date": "2025-06-05",
    "topic": "学习党章",
    "host": "张伟",
    "lecturer": "",
    "x_activity": "",
    "minutes": "会议记录",
}
MEMBER = {
    "name": "王秀英",
    "gender": "F",
    "ethnicity": "汉族",
    "birth_date": "1970-05-01",
    "id_number": "110105197005010027",  # its check character and birth date agree
    "education": "高中",
    "joined_party_on": "1995-07-01",
    "status": "full",
    "branch_since": "2015-01-01",
    "flowing_workplace": "",
    "post": "",
    "monthly_income": "3000.00",
}


def _lock_march(w):
    import datetime as dt

    from scoring import services

    services.month_lock(actor=w.office, township=w.t1, month=dt.date(2026, 3, 1))


def _report_form(w):
    from township import reports
    from township.forms import ReportRequestForm

    scope = _scope(w.office)
    return ReportRequestForm(
        kinds=[k for k in reports.kinds() if scope.role in k.audience], scope=scope
    )


def _first_report_choice(w) -> dict:
    form = _report_form(w)
    return {
        "kind": form.fields["kind"].choices[0][0],
        "target": form.fields["target"].choices[0][0],
        "period": "2026-03",
        "format": "xlsx",
    }


def _scheme_form(w):
    from scoring import selectors
    from scoring.forms import SchemeForm

    return SchemeForm(items=selectors.scheme_current(township_id=w.t1.pk, year=2026)["items"])


def _scheme_valid(w) -> dict:
    form = _scheme_form(w)
    data = {item.code: str(item.points) for item in form.items if item.enabled}
    first = next(iter(data))
    data[first] = str(Decimal(data[first]) + 1)
    return data


def _office_form(w):
    from scoring.forms import OfficeScoresForm

    return OfficeScoresForm(branches=[w.b1, w.b2], initial_points={})


def _attendance_form(w):
    from branches.forms import AttendanceRowForm

    return AttendanceRowForm(prefix=f"m{w.m1.pk}")


def _export_form(w):
    from branches.models import Township
    from exchange.forms import ExportForm

    return ExportForm(townships=Township.objects.filter(pk=w.t1.pk))


def _login_form(w):
    from django.contrib.auth.forms import AuthenticationForm

    return AuthenticationForm()


M1 = matrix.pk("m1")
MT1 = matrix.pk("mt1")
MARCH = matrix.tm("t1", month="2026-03")
FORM_CASES = {
    "meeting_create": FormCase(
        "branches:meeting_create",
        lambda w: {},
        "office",
        lambda w: {**MEETING, "branch": w.b1.pk},
        _meeting_form,
    ),
    "meeting_edit": FormCase(
        "branches:meeting_edit",
        MT1,
        "office",
        lambda w: dict(MEETING),
        lambda w: _meeting_form(w, editing=True),
    ),
    "meeting_attendance": FormCase(
        "branches:meeting_attendance",
        MT1,
        "secretary",
        lambda w: {f"m{w.m1.pk}-status": "excused", f"m{w.m1.pk}-reason": "外出务工"},
        _attendance_form,
    ),
    "member_create": FormCase(
        "members:member_create",
        lambda w: {},
        "office",
        lambda w: {**MEMBER, "branch": w.b1.pk},
        _member_form,
    ),
    "member_edit": FormCase(
        "members:member_edit", M1, "office", lambda w: {**MEMBER, "branch": w.b1.pk}, _member_form
    ),
    "dues_create": FormCase(
        "members:dues_create",
        M1,
        "office",
        lambda w: {"month": "2025-06", "amount": "2.00", "paid_on": "2025-06-05"},
        _form("members.forms.DuesForm"),
    ),
    "visit_create": FormCase(
        "members:visit_create",
        M1,
        "secretary",
        lambda w: {"date": "2025-06-10", "household_name": "李四家", "note": "走访"},
        _form("members.forms.VisitForm"),
    ),
    "adjustment_create": FormCase(
        "members:adjustment_create",
        M1,
        "office",
        lambda w: {"kind": "bonus", "points": "5", "date": "2025-06-12", "reason": "志愿服务"},
        _form("members.forms.AdjustmentForm"),
    ),
    "office_scores": FormCase(
        "scoring:office_scores",
        MARCH,
        "office",
        lambda w: {f"b{w.b1.pk}": "8", f"b{w.b2.pk}": "7.5"},
        _office_form,
    ),
    "month_reopen": FormCase(
        "scoring:month_reopen",
        MARCH,
        "office",
        lambda w: {"reason": "补录会议"},
        _form("scoring.forms.ReopenForm"),
        setup=_lock_march,
    ),
    "scheme": FormCase(
        "scoring:scheme", matrix.tm("t1", year=2026), "office", _scheme_valid, _scheme_form
    ),
    "report_request": FormCase(
        "reports:request", lambda w: {}, "office", _first_report_choice, _report_form
    ),
    "exchange_export": FormCase(
        "exchange_export",
        lambda w: {},
        "office",
        lambda w: {"townships": [w.t1.pk]},
        _export_form,
        accepted=lambda r: "attachment" in r.get("Content-Disposition", ""),
    ),
    "login": FormCase(
        "login",
        lambda w: {},
        "anon",
        lambda w: {"username": "office", "password": f.PASSWORD},
        _login_form,
    ),
}


def _client_for(client, w, role: str):
    client.logout()
    if role != "anon":
        client.force_login(getattr(w.cast, matrix.USERS[role]), backend=BACKEND)
    return client


def _error_message(response) -> bool:
    return any(m.level == ERROR for m in get_messages(response.wsgi_request))


def _forms_with_errors(response) -> list:
    """The forms of the rendered page that carry errors (the attendance grid: row forms)."""
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            candidates = [value]
            if isinstance(value, list):  # the attendance grid: [(member, form), ...]
                candidates = [x for row in value if isinstance(row, tuple) for x in row]
            found += [c for c in candidates if isinstance(c, forms.BaseForm) and c.errors]
    return found


def _refused(response) -> bool:
    """A 4xx, the form shown again with its errors, or a redirect carrying an error message."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200:
        return bool(_forms_with_errors(response))
    return response.status_code == 302 and _error_message(response)


@pytest.fixture
def tmp_private(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path
    settings.AXES_ENABLED = False  # the login case posts dozens of wrong passwords


@pytest.mark.parametrize("name", list(FORM_CASES))
def test_the_valid_post_each_hostile_suite_spoils_is_accepted(client, world, tmp_private, name):
    case = FORM_CASES[name]
    case.setup(world)
    _client_for(client, world, case.role)
    before = snapshot()
    response = client.post(reverse(case.url, kwargs=case.kwargs(world)), case.valid(world))
    assert case.accepted(response), (
        response.status_code,
        [form.errors for form in _forms_with_errors(response)],
    )
    if name not in ("exchange_export",):  # an export reads only (and is audited)
        assert changed_tables(before, snapshot()), "the valid post stored nothing"


@pytest.mark.parametrize("name", list(FORM_CASES))
def test_every_form_refuses_hostile_values_and_stores_nothing(client, world, tmp_private, name):
    case = FORM_CASES[name]
    case.setup(world)
    form = case.form(world)
    spoilable = {
        form.add_prefix(fname): strategy
        for fname, form_field in form.fields.items()
        if (strategy := hostile_for(form_field)) is not None
    }
    url = reverse(case.url, kwargs=case.kwargs(world))
    valid = case.valid(world)
    _client_for(client, world, case.role)

    @HOSTILE
    @given(st.data())
    def check(data):
        names = data.draw(
            st.lists(st.sampled_from(sorted(spoilable)), min_size=1, max_size=3, unique=True)
        )
        post = dict(valid)
        for pname in names:
            post[pname] = data.draw(spoilable[pname], label=pname)
        before = snapshot()
        response = client.post(url, post)
        assert response.status_code < 500
        assert not case.accepted(response), f"accepted {names}"
        assert _refused(response), (response.status_code, names)
        assert changed_tables(before, snapshot()) == []

    check()


def test_every_form_of_the_project_is_bounded_and_posted_above(world):
    """Each form class of our apps mixes in BoundedInputMixin, and a case above posts it (the
    import form: the exchange suite below), so a form added later cannot escape the suite."""
    from township.inputs import BoundedInputMixin

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {
        cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in PROJECT_APPS | {"exchange"}
    }
    assert len(ours) >= 12
    assert sorted(c.__name__ for c in ours if not issubclass(c, BoundedInputMixin)) == []
    # The import form: the exchange suite below; the audit filters (GET): the page walker.
    posted = {type(case.form(world)).__name__ for case in FORM_CASES.values()} | {
        "ImportForm",
        "AuditFilterForm",
        "RosterImportForm",  # a file only: its hostile files and cells are in test_roster.py
    }
    assert sorted({c.__name__ for c in ours} - posted) == []


# --- the exchange document ---------------------------------------------------------------------

DEEP = "[" * 60 + "]" * 60  # deeper than MAX_DEPTH
DEEPEST = "[" * 100_000 + "]" * 100_000  # deeper than the parser's recursion
RAW_GENERAL = [
    "1E+1000000",
    "1E+100000000",
    "-1E+999999999999",
    "1" + "0" * 5000,
    "1e-400",
    "NaN",
    "Infinity",
    "-Infinity",
    "{}",
    "[]",
    DEEP,
    DEEPEST,
    '"\\u0000"',
    '"a\\u0001b"',
    '"\\ud800"',
    json.dumps("x" * 10_000),
    json.dumps("党" * 10_000),
]
RAW_DATES = ['"0001-01-01"', '"9999-12-31"', '"1799-12-31"', '"2201-01-01"', '"2026-02-30"']
RAW_MONTHS = ['"9999-12"', '"0001-01"', '"1799-12"', '"2201-01"', '"2026-13"']
DATE_KEYS = {"birth_date", "joined_party_on", "probation_ends_on", "branch_since", "left_on"}


def _leaves(value, path="$", keys=()):
    """(path as the validator writes it, keys to reach it, value) for each scalar of a document."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, key if path == "$" else f"{path}.{key}", (*keys, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _leaves(child, f"{path}[{i}]", (*keys, i))
    else:
        yield path, keys, value


def _raw_for(keys, value) -> list[str]:
    if keys[-1] == "month":
        return RAW_MONTHS + RAW_GENERAL
    if keys[-1] in DATE_KEYS or (isinstance(value, str) and len(value) == 10 and value[4] == "-"):
        return RAW_DATES + RAW_GENERAL
    return RAW_GENERAL


def _spoiled_text(document: dict, spoil: dict[tuple, str]) -> str:
    """The document's JSON text with the raw JSON `spoil[keys]` at each of those leaves."""
    import copy

    document = copy.deepcopy(document)
    for n, keys in enumerate(spoil):
        target = document
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = f"@@HOSTILE{n}@@"
    text = json.dumps(document, ensure_ascii=False)
    for n, raw in enumerate(spoil.values()):
        text = text.replace(f'"@@HOSTILE{n}@@"', raw)
    return text


def _base_document() -> dict:
    from tests.test_exchange import small_document

    return small_document(county="HX370", township="HX370101")


def test_the_document_the_exchange_suite_spoils_imports(db):
    from exchange.importer import township_import

    result = township_import(actor=None, document=_spoiled_text(_base_document(), {}))
    assert result.created > 10


@HOSTILE
@given(st.data())
def test_a_document_with_hostile_values_is_refused_with_their_paths_within_a_second(db, data):
    from exchange.importer import township_import

    document = _base_document()
    leaves = {keys: (path, value) for path, keys, value in _leaves(document)}
    chosen = data.draw(
        st.lists(st.sampled_from(sorted(leaves, key=str)), min_size=1, max_size=3, unique=True)
    )
    spoil = {keys: data.draw(st.sampled_from(_raw_for(keys, leaves[keys][1]))) for keys in chosen}
    text = _spoiled_text(document, spoil)
    before = snapshot()
    started = time.perf_counter()
    with pytest.raises(ExchangeError) as caught:
        township_import(actor=None, document=text)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    problems = caught.value.problems
    # Too deep a document is refused as a whole, before anything in it is read.
    if any(raw in (DEEP, DEEPEST) for raw in spoil.values()):
        paths = ["$"]
    else:
        paths = [leaves[keys][0] for keys in spoil]
    for path in paths:
        assert any(p.startswith(f"{path}: ") for p in problems), (path, problems)
    assert all("\x00" not in p and len(p) < 500 for p in problems)
    assert changed_tables(before, snapshot()) == []


@pytest.mark.parametrize(
    "raw",
    ["1E+100000000", "NaN", DEEPEST, '"\\u0000"', json.dumps("x" * 10_000)],
    ids=["huge exponent", "NaN", "deep", "NUL", "long text"],
)
def test_the_import_page_lists_the_problems_of_a_hostile_upload_and_stores_nothing(
    client, cast, raw
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_exchange import small_document

    document = small_document(county=cast.county.code, township=cast.t1.code)
    text = _spoiled_text(document, {("townships", 0, "close_day"): raw})
    client.force_login(cast.office, backend=BACKEND)
    before = snapshot()
    started = time.perf_counter()
    response = client.post(
        reverse("exchange"),
        {"document": SimpleUploadedFile("t.json", text.encode(), "application/json")},
    )
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 200
    problems = response.context["problems"]
    expected = "$" if raw == DEEPEST else "townships[0].close_day"
    assert any(p.startswith(f"{expected}: ") for p in problems), problems
    assert changed_tables(before, snapshot()) == []


# --- every GET page, every role, hostile query parameters --------------------------------------

QUERY_KEYS = [
    "month", "year", "q", "page", "period", "township", "branch", "mine", "type", "left",
    "kind", "level", "status", "format", "target", "next", "action", "actor", "person",
    "record", "date", "from", "to", "since", "until", "sort", "order",
]  # fmt: skip
QUERY_VALUES = [
    "9999-12", "0001-01", "2201-01", "9999-12-31", "0000-00", "9999-Q9", "9999-H3", "99999",
    "-1", "0", "1E+1000000", "9" * 5000, "99999999999999999999999", "NaN", "Infinity",
    "\x00", "a\x00b", "\x01\x1f", "x" * 10_000, "²", "١٢", "%", "' OR 1=1 --", "<script>",
]  # fmt: skip
# Raw query strings: bytes that are not UTF-8, and a key given twice.
RAW_QUERIES = ["q=%ED%A0%80%FF&month=%FF", "month=2026-03&month=9999-12", "page=%00"]

GET_ROWS = [row for row in matrix.ROWS if row.method == "get"]


def _get(client, url: str, params: dict | None = None, raw: str = ""):
    response = client.get(f"{url}?{raw}") if raw else client.get(url, params)
    assert response.status_code < 500, (url, params, raw[:40], response.status_code)
    return response


@pytest.mark.parametrize("role", matrix.ROLES)
def test_every_page_answers_hostile_query_parameters_without_a_server_error(
    client, world, tmp_private, role
):
    """Each GET page (one row of the matrix per URL name) with every parameter spoiled at once,
    three ways, and the raw query strings."""
    _client_for(client, world, role)
    seen = set()
    for row in GET_ROWS:
        if row.name in seen:
            continue
        seen.add(row.name)
        url = reverse(row.name, kwargs=row.kwargs(world))
        for n in range(3):
            params = {
                key: QUERY_VALUES[(i * 3 + n) % len(QUERY_VALUES)]
                for i, key in enumerate(QUERY_KEYS)
            }
            _get(client, url, params)
        for raw in RAW_QUERIES:
            _get(client, url, raw=raw)


@pytest.mark.parametrize("role", matrix.ROLES[1:])
def test_any_page_with_any_hostile_parameters_answers_without_a_server_error(
    client, world, tmp_private, role
):
    _client_for(client, world, role)

    @HOSTILE
    @given(
        st.sampled_from(GET_ROWS),
        st.dictionaries(
            st.sampled_from(QUERY_KEYS), st.sampled_from(QUERY_VALUES), min_size=1, max_size=4
        ),
    )
    def check(row, params):
        _get(client, reverse(row.name, kwargs=row.kwargs(world)), params)

    check()
