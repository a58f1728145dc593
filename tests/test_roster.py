"""The member roster out and in: the Excel export in the national field order, the template, the
import (all or nothing, row-by-row errors, idempotent) and the file checks before parsing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from members import roster, roster_file
from members.models import Member
from tests import factories as f
from tests.conftest import BACKEND
from township.models import AuditLog

# The national order, written out here (not read from the module) so that a reordering fails.
NATIONAL = [
    "姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党支部",
    "入党日期", "转正日期", "工作岗位", "联系电话", "固定电话", "家庭住址", "党籍状态",
    "是否为失联党员", "失去联系日期", "是否为流动党员", "外出流向",
]  # fmt: skip
OURS = ["编号", "预备期满日期", "转入本支部日期"]


def _sheet(body: bytes):
    wb = load_workbook(io.BytesIO(body))
    return wb, wb[roster.SHEET]


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _upload(client, body: bytes, name: str = "roster.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, body, content_type="application/octet-stream")
    return client.post(reverse("members:roster_import"), {"file": file})


def _file(rows: list[list], header=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = roster.SHEET
    ws.append(list(header or roster.HEADER))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(**values) -> list:
    by_label = {
        "姓名": "王芳",
        "性别": "女",
        "民族": "汉族",
        "人员类别": "正式党员",
        "是否为流动党员": "否",
        **values,
    }
    return [by_label.get(label) for label in roster.HEADER]


@pytest.fixture
def office(client, cast):
    client.force_login(cast.office, backend=BACKEND)
    return client


# --- export ---------------------------------------------------------------------------------


def test_export_has_the_national_order_then_ours_and_the_members_values(office, cast):
    m = cast.m1
    m.phone, m.education, m.joined_party_on = "13800138000", "高中", dt.date(1995, 7, 1)
    m.probation_ends_on, m.flowing, m.flowing_workplace = dt.date(1996, 7, 1), True, "=宁波"
    m.save()
    f.member(branch=cast.b2, name="另一支部的人")
    response = office.get(reverse("members:roster_export_branch", args=[cast.b1.pk]))
    assert response.status_code == 200
    wb, ws = _sheet(response.content)
    assert wb.sheetnames[0] == "党员名册" and "填写说明" in wb.sheetnames
    rows = _rows(ws)
    assert rows[0] == NATIONAL + OURS
    assert len(rows) == 2  # B1 only
    got = dict(zip(rows[0], rows[1], strict=True))
    assert got["姓名"] == "张伟" and got["性别"] == "男" and got["人员类别"] == "正式党员"
    assert got["公民身份号码"] == m.id_number and got["联系电话"] == "13800138000"
    assert got["出生日期"].date() == m.birth_date
    assert got["入党日期"].date() == dt.date(1995, 7, 1)
    assert got["转正日期"].date() == dt.date(1996, 7, 1) and got["预备期满日期"] is None
    assert got["所在党支部"] == "东李庄党支部" and got["编号"] == m.code
    assert got["是否为流动党员"] == "是"
    assert got["工作岗位"] is None and got["家庭住址"] is None
    # a value that starts like a formula stays text
    cell = ws.cell(row=2, column=NATIONAL.index("外出流向") + 1)
    assert cell.value == "=宁波" and cell.data_type == "s"
    # the ID number is text, never a number that loses digits
    assert ws.cell(row=2, column=3).data_type == "s"
    assert AuditLog.objects.filter(action="members.roster.exported").count() == 1


def test_township_export_holds_every_branch_of_the_township_only(office, cast):
    f.member(branch=cast.b2, name="西王村的人")
    response = office.get(reverse("members:roster_export_township", args=[cast.t1.pk]))
    names = [r[0] for r in _rows(_sheet(response.content)[1])[1:]]
    assert sorted(names) == sorted(["张伟", "西王村的人"])  # not 李娜 of T2


def test_reviewer_gets_id_numbers_and_phones_masked(client, cast):
    cast.m1.phone = "13800138000"
    cast.m1.save()
    client.force_login(cast.reviewer, backend=BACKEND)
    response = client.get(reverse("members:roster_export_township", args=[cast.t1.pk]))
    got = dict(zip(NATIONAL + OURS, _rows(_sheet(response.content)[1])[1], strict=True))
    assert got["公民身份号码"] == cast.m1.masked_id_number
    assert got["联系电话"] == "138****8000"


def test_members_who_left_are_not_on_the_roster(office, cast):
    f.member(branch=cast.b1, name="已离开", left_on=dt.date(2025, 1, 1))
    response = office.get(reverse("members:roster_export_branch", args=[cast.b1.pk]))
    assert [r[0] for r in _rows(_sheet(response.content)[1])[1:]] == ["张伟"]


@pytest.mark.parametrize("n", [3, 30])
def test_export_query_count_does_not_grow(office, cast, n, django_assert_max_num_queries):
    for _ in range(n):
        f.member(branch=cast.b1)
    with django_assert_max_num_queries(12):
        response = office.get(reverse("members:roster_export_township", args=[cast.t1.pk]))
    assert len(_rows(_sheet(response.content)[1])) == n + 2


@pytest.mark.parametrize("n", [3, 30])
def test_roster_page_query_count_does_not_grow(office, cast, n, django_assert_max_num_queries):
    for _ in range(n):
        f.branch(township=cast.t1)
    with django_assert_max_num_queries(12):
        response = office.get(reverse("members:roster"))
    assert response.status_code == 200


# --- template -------------------------------------------------------------------------------


def test_template_has_the_header_and_a_note_for_every_column(office):
    response = office.get(reverse("members:roster_template"))
    wb, ws = _sheet(response.content)
    assert _rows(ws) == [NATIONAL + OURS]
    notes = {r[0]: r[1] for r in wb["填写说明"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert set(notes) == set(NATIONAL + OURS)
    assert "男 或 女" in notes["性别"] and "正式党员 或 预备党员" in notes["人员类别"]


# --- import ---------------------------------------------------------------------------------


def test_round_trip_export_then_import_changes_nothing(office, cast):
    f.member(branch=cast.b2, name="预备", status="probationary",
             joined_party_on=dt.date(2025, 6, 1), probation_ends_on=dt.date(2026, 6, 1),
             phone="13900139000")  # fmt: skip
    before = list(Member.objects.order_by("pk").values())
    audits = AuditLog.objects.count()
    body = office.get(reverse("members:roster_export_township", args=[cast.t1.pk])).content
    response = _upload(office, body)
    assert response.status_code == 200
    assert response.context["outcome"].unchanged == 2
    assert response.context["outcome"].created == response.context["outcome"].updated == 0
    assert list(Member.objects.order_by("pk").values()) == before
    assert AuditLog.objects.count() == audits + 1  # the export's entry only


def test_import_creates_members_and_the_same_file_again_changes_nothing(office, cast):
    birth = dt.date(1990, 3, 4)
    body = _file(
        [
            _row(**{"公民身份号码": f.id_number(birth, 7), "出生日期": birth,
                    "所在党支部": cast.b1.name, "入党日期": "2015-06-30"}),
            _row(**{"姓名": "李强", "性别": "男", "编号": "X100", "所在党支部": cast.b2.code,
                    "人员类别": "预备党员", "入党日期": dt.date(2025, 7, 1),
                    "预备期满日期": "2026/7/1"}),
        ]
    )  # fmt: skip
    response = _upload(office, body)
    assert response.context["outcome"].created == 2, response.context["errors"]
    wang = Member.objects.get(name="王芳")
    assert wang.branch == cast.b1 and wang.birth_date == birth and wang.township == cast.t1
    li = Member.objects.get(code="X100")
    assert li.status == "probationary" and li.probation_ends_on == dt.date(2026, 7, 1)
    assert AuditLog.objects.filter(action="members.member.created").count() == 2
    assert AuditLog.objects.filter(action="members.roster.imported").count() == 1
    snapshot, audits = list(Member.objects.order_by("pk").values()), AuditLog.objects.count()
    again = _upload(office, body)
    assert again.context["outcome"].unchanged == 2
    assert list(Member.objects.order_by("pk").values()) == snapshot
    assert AuditLog.objects.count() == audits


def test_import_updates_a_member_matched_by_code_and_keeps_blank_cells(office, cast):
    body = _file([_row(**{"姓名": "张伟", "性别": "男", "编号": cast.m1.code,
                          "所在党支部": cast.b1.name, "学历": "大专"})])  # fmt: skip
    response = _upload(office, body)
    assert response.context["outcome"].updated == 1
    cast.m1.refresh_from_db()
    assert cast.m1.education == "大专" and cast.m1.id_number  # blank ID cell kept the number
    assert AuditLog.objects.filter(action="members.member.changed").count() == 1


def test_a_bad_row_refuses_the_whole_file_with_its_row_and_column(office, cast):
    birth = dt.date(1990, 3, 4)
    wrong = f.id_number(birth, 7)[:-1] + ("0" if f.id_number(birth, 7)[-1] != "0" else "1")
    body = _file(
        [
            _row(**{"姓名": "好人", "编号": "G1", "所在党支部": cast.b1.name}),
            _row(**{"姓名": "坏人", "公民身份号码": wrong, "所在党支部": cast.b1.name}),
            _row(**{"姓名": "外人", "编号": "G3", "所在党支部": cast.b3.name}),
        ]
    )
    count, audits = Member.objects.count(), AuditLog.objects.count()
    response = _upload(office, body)
    assert response.context["outcome"] is None
    errors = {(e.row, e.column): e.message for e in response.context["errors"]}
    assert "校验位" in errors[(3, "公民身份号码")]
    assert "不在您的管理范围内" in errors[(4, "所在党支部")]  # B3 is in T2
    assert len(errors) == 2
    body_text = response.content.decode()
    assert "第 3 行" in body_text and "公民身份号码" in body_text and "未导入任何数据" in body_text
    assert Member.objects.count() == count
    assert AuditLog.objects.count() == audits


def test_a_row_the_member_service_refuses_rolls_back_the_rows_before_it(office, cast, monkeypatch):
    """The service's own refusal (after the plan passed) leaves nothing either."""
    from members import services

    body = _file(
        [_row(**{"姓名": f"人{i}", "编号": f"R{i}", "所在党支部": cast.b1.name}) for i in range(3)]
    )
    real = services.member_create

    def refuse_the_third(**kw):
        if kw.get("code") == "R2":
            raise services.ApplicationError("拒绝", extra={"field": "name"})
        return real(**kw)

    monkeypatch.setattr(services, "member_create", refuse_the_third)
    count = Member.objects.count()
    response = _upload(office, body)
    assert [(e.row, e.column) for e in response.context["errors"]] == [(4, "姓名")]
    assert Member.objects.count() == count


def test_joining_at_exactly_18_is_imported_one_day_earlier_is_not(office, cast):
    birth = dt.date(1990, 3, 4)
    ok = _row(**{"姓名": "满十八", "编号": "A1", "所在党支部": cast.b1.name, "出生日期": birth,
                 "入党日期": dt.date(2008, 3, 4)})  # fmt: skip
    young = _row(**{"姓名": "差一天", "编号": "A2", "所在党支部": cast.b1.name,
                    "出生日期": birth, "入党日期": dt.date(2008, 3, 3)})  # fmt: skip
    refused = _upload(office, _file([ok, young]))
    assert [(e.row, e.column) for e in refused.context["errors"]] == [(3, "入党日期")]
    accepted = _upload(office, _file([ok]))
    assert accepted.context["outcome"].created == 1


def test_dates_today_are_imported_tomorrow_is_not(office, cast):
    from township.plausible import today

    day = today()
    good = _row(**{"姓名": "今天", "编号": "D1", "所在党支部": cast.b1.name, "转入本支部日期": day})
    bad = _row(**{"姓名": "明天", "编号": "D2", "所在党支部": cast.b1.name,
                  "转入本支部日期": day + dt.timedelta(days=1)})  # fmt: skip
    refused = _upload(office, _file([good, bad]))
    assert [(e.row, e.column) for e in refused.context["errors"]] == [(3, "转入本支部日期")]
    assert _upload(office, _file([good])).context["outcome"].created == 1


def test_phone_and_required_columns_and_duplicates_are_reported(office, cast):
    body = _file(
        [
            _row(**{"编号": "P1", "所在党支部": cast.b1.name, "联系电话": "12345"}),
            _row(**{"编号": "P1", "所在党支部": cast.b1.name, "性别": None}),
            _row(**{"所在党支部": cast.b1.name}),
        ]
    )
    errors = {(e.row, e.column) for e in _upload(office, body).context["errors"]}
    assert errors == {(2, "联系电话"), (3, "性别"), (4, "编号")}


def test_wrong_header_is_refused(office):
    body = _file([], header=["姓名", "身份证号"])
    response = _upload(office, body)
    assert "表头与模板不符" in response.content.decode()


def test_secretary_imports_only_into_their_branch(client, cast):
    client.force_login(cast.secretary, backend=BACKEND)
    body = _file(
        [
            _row(**{"姓名": "本支部", "编号": "S1", "所在党支部": cast.b1.name}),
            _row(**{"姓名": "邻支部", "编号": "S2", "所在党支部": cast.b2.name}),
        ]
    )
    response = _upload(client, body)
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "所在党支部")]
    assert not Member.objects.filter(code__in=["S1", "S2"]).exists()


def test_hostile_cells_give_row_errors_not_a_500(office, cast):
    wb = Workbook()
    ws = wb.active
    ws.title = roster.SHEET
    ws.append(list(roster.HEADER))
    ws.append(_row(**{"姓名": '=HYPERLINK("http://x")', "所在党支部": cast.b1.name}))
    ws.append(_row(**{"姓名": "控制\x7f字符", "编号": "H2", "所在党支部": cast.b1.name}))
    ws.append(_row(**{"姓名": "长" * 10_000, "编号": "H3", "所在党支部": cast.b1.name}))
    ws.append(_row(**{"姓名": "日期", "编号": "H4", "所在党支部": cast.b1.name,
                      "出生日期": 10_000_000_000}))  # fmt: skip
    ws.append(_row(**{"姓名": "数字", "编号": "H5", "所在党支部": cast.b1.name,
                      "入党日期": 43000}))  # fmt: skip
    ws.cell(row=5, column=5).number_format = "yyyy-mm-dd"  # a date serial far out of range
    out = io.BytesIO()
    wb.save(out)
    response = _upload(office, out.getvalue())
    assert response.status_code == 200
    errors = {(e.row, e.column): e.message for e in response.context["errors"]}
    assert "公式" in errors[(2, "姓名")]
    assert "控制字符" in errors[(3, "姓名")]
    assert "最多 50 个字符" in errors[(4, "姓名")]
    assert (5, "出生日期") in errors
    assert "是数字，不是日期" in errors[(6, "入党日期")]
    assert not Member.objects.filter(code__startswith="H").exists()


CELLS = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.builds(roster.Formula, st.text(max_size=20)),
    st.builds(roster.CellError, st.text(max_size=20)),
    st.sampled_from(["男", "女", "正式党员", "预备党员", "是", "否", "2020-02-30", "1799-1-1",
                     "9999年12月31日", "长" * 10_000]),
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CELLS, max_size=len(roster.HEADER) + 3))
def test_the_row_parser_never_raises_and_names_a_known_column(cells):
    fields, errors = roster.parse_row(cells, row=7)
    assert all(e.row == 7 and e.column in roster.HEADER and e.message for e in errors)
    for value in fields.values():
        if isinstance(value, str):
            assert len(value) <= 100
        if isinstance(value, dt.date):
            assert 1800 <= value.year <= 2200


# --- the file checks ------------------------------------------------------------------------


def _bomb(megabytes: int) -> bytes:
    """A valid .xlsx whose sheet XML expands to `megabytes` MB (spaces inside the sheet data):
    a few hundred kilobytes on disk."""
    template = roster.workbook([])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
                continue
            xml = src.read(info)
            head, tail = xml.split(b"<sheetData>", 1)
            with dst.open(info.filename, "w", force_zip64=True) as stream:
                stream.write(head + b"<sheetData>")
                chunk = b" " * (1024 * 1024)
                for _ in range(megabytes):
                    stream.write(chunk)
                stream.write(tail)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb(300)


def test_a_decompression_bomb_is_refused_from_the_zip_headers_before_decompressing(
    bomb, monkeypatch
):
    assert len(bomb) < 1024 * 1024  # a small file...
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:  # ...that declares 300 MB
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 300 * 1024 * 1024
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    with pytest.raises(roster_file.RosterFileError, match="解压后过大"):
        roster_file.inspect(io.BytesIO(bomb), size=len(bomb))
    assert opened == []  # not one part was decompressed, the sheet least of all


def test_the_bomb_uploaded_gets_a_clear_message_and_an_audit_entry(office, bomb):
    response = _upload(office, bomb)
    assert response.status_code == 200
    assert "解压后过大" in response.content.decode()
    assert AuditLog.objects.filter(action="members.roster.import_refused").count() == 1


def test_a_renamed_pdf_is_refused(office):
    response = _upload(office, b"%PDF-1.7\n" + b"x" * 2000, name="roster.xlsx")
    assert "这不是 Excel（.xlsx）文件" in response.content.decode()


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(roster_file.RosterFileError, match="缺少工作簿部件"):
        roster_file.inspect(out, size=len(out.getvalue()))


def _with_part(name: str, transform) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(roster.workbook([])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, transform(data) if info.filename == name else data)
    return out.getvalue()


def test_an_entity_in_the_workbook_xml_is_refused_by_defusedxml():
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><workbook>&a;</workbook>'
    body = _with_part("xl/workbook.xml", lambda data: evil)
    with pytest.raises(roster_file.RosterFileError, match="不是安全的 XML"):
        roster_file.inspect(io.BytesIO(body), size=len(body))


def _dimension(ref: str) -> bytes:
    """The template with its sheet declaring `ref` as its dimension (write-only openpyxl
    writes none: it goes before the sheet's views, as the schema orders it)."""

    def put(data: bytes) -> bytes:
        assert b"<dimension" not in data
        at = data.index(b"<sheetViews") if b"<sheetViews" in data else data.index(b"<sheetData")
        return data[:at] + f'<dimension ref="{ref}"/>'.encode() + data[at:]

    return _with_part("xl/worksheets/sheet1.xml", put)


@pytest.mark.parametrize(
    ("ref", "refused"),
    [
        (f"A1:AN{roster_file.MAX_ROWS}", False),  # 40 columns, 5001 rows: the limits
        (f"A1:AN{roster_file.MAX_ROWS + 1}", True),
        (f"A1:AO{roster_file.MAX_ROWS}", True),  # 41 columns
        ("A1:XFD1048576", True),
    ],
)
def test_the_sheet_dimension_header_is_checked(ref, refused):
    body = _dimension(ref)
    if refused:
        with pytest.raises(roster_file.RosterFileError, match="名册工作表过大"):
            roster_file.inspect(io.BytesIO(body), size=len(body))
    else:
        assert roster_file.inspect(io.BytesIO(body), size=len(body)).endswith(".xml")


class _Archive:
    """Zip entries with chosen header sizes, for the arithmetic of the limits."""

    def __init__(self, *sizes: tuple[int, int]):
        self.infos = []
        for i, (file_size, compress_size) in enumerate(sizes):
            info = zipfile.ZipInfo(f"part{i}.xml")
            info.file_size, info.compress_size = file_size, compress_size
            self.infos.append(info)

    def infolist(self):
        return self.infos


def test_upload_size_limit_exactly_and_one_byte_past():
    body = roster.workbook([])
    assert roster_file.inspect(io.BytesIO(body), size=roster_file.MAX_UPLOAD_BYTES)
    with pytest.raises(roster_file.RosterFileError, match="文件过大"):
        roster_file.inspect(io.BytesIO(body), size=roster_file.MAX_UPLOAD_BYTES + 1)


def test_compression_ratio_limit_exactly_and_one_past():
    packed = 20_000
    big = roster_file.MAX_RATIO * packed  # 2,000,000 bytes: above the floor of 1 MiB
    assert big > roster_file.RATIO_FLOOR
    roster_file._check_sizes(_Archive((big, packed)))
    with pytest.raises(roster_file.RosterFileError, match="压缩比异常"):
        roster_file._check_sizes(_Archive((big + 1, packed)))


def test_total_uncompressed_limit_exactly_and_one_byte_past():
    half = roster_file.MAX_UNCOMPRESSED_BYTES // 2
    roster_file._check_sizes(_Archive((half, half), (half, half)))
    with pytest.raises(roster_file.RosterFileError, match="解压后过大"):
        roster_file._check_sizes(_Archive((half, half), (half + 1, half + 1)))


def test_entry_count_limit_exactly_and_one_past():
    roster_file._check_sizes(_Archive(*[(10, 10)] * roster_file.MAX_ENTRIES))
    with pytest.raises(roster_file.RosterFileError, match="部件过多"):
        roster_file._check_sizes(_Archive(*[(10, 10)] * (roster_file.MAX_ENTRIES + 1)))


def test_field_length_limit_exactly_and_one_past():
    name = roster.COLUMNS[0]
    assert roster.parse_row(_row(**{"姓名": "长" * name.max_length, "编号": "L"}), row=2)[0][
        "name"
    ] == ("长" * name.max_length)
    _fields, errors = roster.parse_row(_row(**{"姓名": "长" * (name.max_length + 1)}), row=2)
    assert any(e.column == "姓名" and "最多 50 个字符" in e.message for e in errors)


def test_roster_page_shows_100_branches_a_page_exactly_and_pages_the_101st(office, cast):
    for _ in range(98):  # with B1 and B2: 100
        f.branch(township=cast.t1)
    page = office.get(reverse("members:roster")).context["page"]
    assert page.paginator.num_pages == 1 and len(page) == 100
    f.branch(township=cast.t1)
    page = office.get(reverse("members:roster")).context["page"]
    assert page.paginator.num_pages == 2 and len(page) == 100
    assert len(office.get(reverse("members:roster"), {"page": 2}).context["page"]) == 1


SHEET_XML = "xl/worksheets/sheet1.xml"


def test_a_doctype_in_the_sheet_is_refused_before_openpyxl_reads_it():
    body = _with_part(SHEET_XML, lambda data: b'<!DOCTYPE x [<!ENTITY a "b">]>' + data)
    with pytest.raises(roster_file.RosterFileError, match="文档类型声明"):
        roster_file.inspect(io.BytesIO(body), size=len(body))


def test_a_broken_sheet_gets_a_message_not_a_500(office, cast):
    good = _file([_row(**{"编号": "B1", "所在党支部": cast.b1.name})])
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(
                info.filename, data[: len(data) // 2] if info.filename == SHEET_XML else data
            )
    response = _upload(office, out.getvalue())
    assert response.status_code == 200
    assert "无法读取" in response.content.decode()
    assert not Member.objects.filter(code="B1").exists()
