"""Bounded parsing: each limit at exactly its value and one past it.

Documents (size, depth, a number's length and exponent, NaN), texts (control characters),
dates (the window any arithmetic stays safe in), URL parameters, and SQL statements that stay
within SQLite's variable limit however large an import is.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from decimal import Decimal

import pytest
from django import forms
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange.document import (
    MAX_DEPTH,
    MAX_NUMBER_CHARS,
    UnreadableNumber,
    document_load,
    too_deep,
)
from tests import factories as f
from tests.test_exchange import problems_of, small_document, text
from township.inputs import (
    DATE_YEAR_MAX,
    DATE_YEAR_MIN,
    BoundedInputMixin,
    control_character,
    is_object_id,
    parse_month,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"


# --- numbers, depth and size of a document ---------------------------------------------------


def test_a_number_of_exactly_the_longest_length_is_read_and_one_longer_is_not():
    longest = "1" * MAX_NUMBER_CHARS
    data, problems = document_load(f'{{"n": {longest}, "m": {longest}1}}')
    assert problems == []
    assert data["n"] == int(longest)
    assert data["m"] == UnreadableNumber(longest + "1")
    decimal = "0." + "1" * (MAX_NUMBER_CHARS - 2)
    data, _problems = document_load(f'{{"n": {decimal}, "m": {decimal}1}}')
    assert data["n"] == Decimal(decimal)
    assert isinstance(data["m"], UnreadableNumber)


@pytest.mark.parametrize(
    ("literal", "read"),
    [("1E+30", True), ("1E+31", False), ("1E-30", True), ("1E-31", False), ("-9.9e30", True)],
)
def test_an_exponent_of_up_to_30_is_read(literal, read):
    data, problems = document_load(f'{{"n": {literal}}}')
    assert problems == []
    assert isinstance(data["n"], Decimal) is read


@pytest.mark.parametrize("literal", ["1E+1000000", "1E+100000000", "1E+" + "9" * 100, "9" * 5000])
def test_a_huge_number_is_reported_with_its_path_within_a_second(db, literal):
    document = text(small_document()).replace('"close_day": 25', f'"close_day": {literal}')
    started = time.perf_counter()
    problems = problems_of(document)
    assert time.perf_counter() - started < 1.0
    assert len(problems) == 1
    assert problems[0].startswith("townships[0].close_day: 数值")
    assert "过大或过长" in problems[0]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_with_their_path(db, constant):
    document = text(small_document()).replace('"points": 8.5', f'"points": {constant}')
    assert problems_of(document) == [
        f"townships[0].office_scores[0].points: 不允许的数值 {constant}（应为有限的数字）。"
    ]


def test_a_huge_decimal_handed_over_already_parsed_is_refused_without_converting_it(db):
    document = small_document()
    document["townships"][0]["close_day"] = Decimal("1E+100000000")
    started = time.perf_counter()
    assert problems_of(document) == ["townships[0].close_day: 应在 1 到 28 之间。"]
    assert time.perf_counter() - started < 1.0


def _nested(depth: int) -> str:
    """A document whose arrays and objects nest exactly `depth` deep (the root object is 1)."""
    return '{"x": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


def test_a_document_nested_exactly_as_deep_as_allowed_is_read_and_one_deeper_is_not():
    data, problems = document_load(_nested(MAX_DEPTH))
    assert problems == []
    assert not too_deep(data)
    _data, problems = document_load(_nested(MAX_DEPTH + 1))
    assert problems == ["$: JSON 嵌套层数过多（最多 50 层）。"]


def test_nesting_beyond_the_parsers_recursion_is_refused_the_same_way():
    started = time.perf_counter()
    _data, problems = document_load("[" * 200_000 + "]" * 200_000)
    assert problems == ["$: JSON 嵌套层数过多（最多 50 层）。"]
    assert time.perf_counter() - started < 1.0


def test_a_parsed_document_too_deep_is_refused_without_recursion():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    _data, problems = document_load({"format": deep})
    assert problems == ["$: JSON 嵌套层数过多（最多 50 层）。"]


def test_a_document_of_exactly_the_maximum_size_is_read_and_one_byte_more_is_not():
    body = b'{"a": "' + b"x" * 100 + b'"}'
    assert document_load(body, max_bytes=len(body))[1] == []
    assert document_load(body, max_bytes=len(body) - 1)[1] == [
        "$: 文件过大（上限 108 字节），未导入任何数据。"
    ]


def test_the_command_reads_a_file_of_exactly_the_maximum_size_and_refuses_one_byte_more(
    db, tmp_path, settings
):
    path = tmp_path / "t.json"
    path.write_bytes(text(small_document()).encode())
    settings.EXCHANGE_MAX_BYTES = path.stat().st_size
    call_command("import_township", str(path), "--dry-run")
    settings.EXCHANGE_MAX_BYTES = path.stat().st_size - 1
    with pytest.raises(CommandError, match="文件过大"):
        call_command("import_township", str(path), "--dry-run")


def test_the_import_page_takes_a_file_of_exactly_its_limit_and_refuses_one_byte_more(
    client, cast, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = text(small_document(county=cast.county.code, township=cast.t1.code)).encode()
    client.force_login(cast.office, backend=BACKEND)
    settings.EXCHANGE_UPLOAD_MAX_BYTES = len(body)
    response = client.post(reverse("exchange"), {"document": SimpleUploadedFile("t.json", body)})
    assert response.context["form"].errors == {}
    settings.EXCHANGE_UPLOAD_MAX_BYTES = len(body) - 1
    response = client.post(reverse("exchange"), {"document": SimpleUploadedFile("t.json", body)})
    assert "文件过大（网页导入上限" in response.context["form"].errors["document"][0]


# --- text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text_", "multiline", "found"),
    [
        ("东李庄 党支部", False, None),
        ("a\tb", True, None),
        ("a\nb\r\n", True, None),
        ("a\nb", False, "U+000A"),
        ("a\tb", False, "U+0009"),
        ("a\x00b", True, "U+0000"),
        ("a\x1fb", True, "U+001F"),
        ("a\x7fb", True, "U+007F"),
        ("a\x9fb", True, "U+009F"),  # the last C1 control
        ("a\xa0b", True, None),  # no-break space: text
        ("a\ud800b", True, "U+D800"),  # a lone surrogate cannot be stored
    ],
)
def test_control_characters_are_found_and_line_breaks_only_outside_multiline_texts(
    text_, multiline, found
):
    assert control_character(text_, multiline=multiline) == found


class _Sample(BoundedInputMixin, forms.Form):
    name = forms.CharField(max_length=50)
    note = forms.CharField(widget=forms.Textarea, required=False)
    day = forms.DateField(required=False)


def test_a_form_refuses_control_characters_in_its_texts_with_a_message_naming_them():
    form = _Sample({"name": "张\x01伟", "note": "第一行\n第二行\t完"})
    assert form.errors == {"name": ["不能包含控制字符（U+0001）。"]}
    form = _Sample({"name": "张伟", "note": "a\x0cb"})
    assert form.errors == {"note": ["不能包含控制字符（U+000C）。"]}


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (f"{DATE_YEAR_MIN}-01-01", True),
        (f"{DATE_YEAR_MIN - 1}-12-31", False),
        (f"{DATE_YEAR_MAX}-12-31", True),
        (f"{DATE_YEAR_MAX + 1}-01-01", False),
        ("0001-01-01", False),
        ("9999-12-31", False),
    ],
)
def test_a_form_takes_dates_inside_the_window_and_refuses_the_day_beyond(day, ok):
    form = _Sample({"name": "张伟", "day": day})
    assert form.is_valid() is ok
    if not ok:
        assert form.errors["day"] == ["日期超出可处理的范围（1800 至 2200 年）。"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (f"{DATE_YEAR_MIN}-01-01", True),
        (f"{DATE_YEAR_MIN - 1}-12-31", False),
        (f"{DATE_YEAR_MAX}-12-31", True),
        (f"{DATE_YEAR_MAX + 1}-01-01", False),
    ],
)
def test_the_importer_takes_dates_inside_the_window_and_refuses_the_day_beyond(value, ok):
    from exchange.validate import INVALID, _Checker

    checker = _Checker(today=dt.date(2026, 11, 30))
    result = checker.date({"d": value}, "d", "townships[0]")
    assert (result is not INVALID) is ok
    if not ok:
        assert checker.problems == [
            f"townships[0].d: 日期 “{value}” 超出可处理的范围（1800 至 2200 年）。"
        ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "党员\x00", "不能包含控制字符（U+0000）。"),
        ("name", "党员\ud800", "不能包含控制字符（U+D800）。"),
        ("name", "党员\x85", "不能包含控制字符（U+0085）。"),
    ],
)
def test_the_importer_refuses_control_characters_with_their_path(db, field, value, message):
    document = small_document()
    document["townships"][0]["members"][0][field] = value
    assert problems_of(text(document)) == [f"townships[0].members[0].{field}: {message}"]


def test_the_importer_keeps_tabs_and_line_breaks_of_a_note(db):
    from exchange.importer import township_import
    from members.models import Visit

    document = small_document()
    document["townships"][0]["visits"][0]["note"] = "第一行\n第二行\t完"
    township_import(actor=None, document=text(document))
    assert Visit.objects.filter(note="第一行\n第二行\t完").count() == 1


def test_a_problem_quotes_a_hostile_key_escaped_and_short(db):
    document = small_document()
    meeting = document["townships"][0]["meetings"][0]
    meeting["attendance"] = {"M\x00" + "9" * 100: "present"}
    (problem,) = problems_of(text(document))
    assert "\x00" not in problem
    assert problem.startswith("townships[0].meetings[0].attendance.M\\u0000999")
    assert len(problem) < 200


# --- URL parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "month"),
    [
        (f"{DATE_YEAR_MIN}-01", dt.date(DATE_YEAR_MIN, 1, 1)),
        (f"{DATE_YEAR_MIN - 1}-12", None),
        (f"{DATE_YEAR_MAX}-12", dt.date(DATE_YEAR_MAX, 12, 1)),
        (f"{DATE_YEAR_MAX + 1}-01", None),
        ("9999-12", None),
        ("2026-13", None),
        ("2026-00", None),
        ("2026-3", None),
        ("２０２６-03", None),
    ],
)
def test_a_month_parameter_is_read_only_inside_the_window(value, month):
    assert parse_month(value) == month


def test_the_meeting_list_shows_every_month_with_a_message_for_a_month_it_cannot_read(
    as_secretary, cast
):
    f.meeting(branch=cast.b1, date=dt.date(2026, 3, 5))
    url = reverse("branches:meeting_list")
    response = as_secretary.get(url, {"month": "9999-12"})
    assert response.status_code == 200
    assert response.context["month"] == ""
    assert len(response.context["page"].object_list) == 1
    assert "无法识别月份“9999-12”" in response.content.decode()
    response = as_secretary.get(url, {"month": "2026-04"})
    assert len(response.context["page"].object_list) == 0
    assert "无法识别" not in response.content.decode()


def test_the_member_search_ignores_a_query_with_control_characters_or_too_long(as_secretary, cast):
    url = reverse("members:member_list")
    for query in ("\x00", "张\x00", "x" * 51):
        response = as_secretary.get(url, {"q": query})
        assert response.status_code == 200
        assert response.context["q"] == ""
        assert "查询条件无效" in response.content.decode()
    response = as_secretary.get(url, {"q": "张" * 50})
    assert response.context["q"] == "张" * 50
    assert "查询条件无效" not in response.content.decode()


@pytest.mark.parametrize(
    ("value", "ok"),
    [("1", True), ("9" * 18, True), ("9" * 19, False), ("²", False), ("١٢", False), ("-1", False)],
)
def test_an_object_id_parameter_is_ascii_digits_of_at_most_18(value, ok):
    assert is_object_id(value) is ok


def test_the_scoring_index_answers_404_for_a_township_that_is_no_id(client, cast):
    client.force_login(cast.reviewer, backend=BACKEND)
    for value in ("²", "١", "9" * 19, "9" * 5000):
        assert client.get(reverse("scoring:index"), {"township": value}).status_code == 404
    response = client.get(reverse("scoring:index"), {"township": str(cast.t2.pk)})
    assert response.status_code == 302


def test_a_multiple_choice_of_rows_refuses_an_id_too_long_for_the_database(cast):
    from branches.models import Township
    from exchange.forms import ExportForm

    townships = Township.objects.filter(pk=cast.t1.pk)
    form = ExportForm({"townships": ["9" * 19]}, townships=townships)
    assert form.errors["townships"][0].startswith("选择一个有效的选项")
    assert ExportForm({"townships": [str(cast.t1.pk)]}, townships=townships).is_valid()


# --- SQL statements stay within SQLite's variable limit ------------------------------------------


def test_rows_are_deleted_in_batches_of_in_batch_ids(db):
    from members.models import DuesPayment
    from township.db import IN_BATCH, delete_pks

    member = f.member(branch=f.branch(township=f.township(county=f.county())))
    DuesPayment.objects.bulk_create(
        # one payment a month (the database allows one per member and month)
        DuesPayment(
            member=member,
            month=dt.date(2000 + i // 12, i % 12 + 1, 1),
            amount=1,
            paid_on=dt.date(2026, 3, 5),
        )
        for i in range(IN_BATCH + 1)
    )
    pks = list(DuesPayment.objects.values_list("pk", flat=True))
    for batch, statements in ((pks[:IN_BATCH], 1), (pks[IN_BATCH:], 1)):
        with CaptureQueriesContext(connection) as ctx:
            assert delete_pks(DuesPayment, batch) == {"members.DuesPayment": len(batch)}
        deletes = [q for q in ctx.captured_queries if q["sql"].startswith("DELETE")]
        assert len(deletes) == statements
    assert not DuesPayment.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own variable limit")
def test_an_import_larger_than_the_sqlite_variable_limit_imports_and_deletes(db):
    """With SQLite's limit lowered to 999 variables, 1,200 members are imported, imported again
    and removed again: no statement names them all at once."""
    from exchange.importer import township_import
    from members.models import Member
    from tests.test_exchange import _member

    document = small_document()
    township = document["townships"][0]
    township["members"] += [_member(f"X{n:05d}", "B002") for n in range(1200)]
    connection.ensure_connection()
    raw = connection.connection
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        township_import(actor=None, document=json.dumps(document))
        assert Member.objects.count() == 1203
        assert township_import(actor=None, document=json.dumps(document)).changed is False
        township["members"] = township["members"][:3]
        result = township_import(actor=None, document=json.dumps(document))
        assert result.deleted == 1200
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
