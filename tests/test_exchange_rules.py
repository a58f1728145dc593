"""The JSON import under the plausibility rules and the month locks: each implausible record is
imported with a warning (its JSON path, in Chinese), what the database refuses is an error; a
file that would change a locked month is refused unless the office reopens it with a reason.
Today is pinned to 15 June 2026 in Shanghai (the messages name it)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from branches.models import Meeting, Township
from exchange.document import FORMAT
from exchange.importer import LockedMonthsError, township_import
from members.models import DuesPayment, Member, Visit
from township.errors import ExchangeError
from township.models import AuditLog, MonthState

MARCH = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def pinned_today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


def document(*, county="370123", township="370123101") -> dict:
    return {
        "format": FORMAT,
        "county": {"code": county, "name": "示例县"},
        "townships": [
            {
                "code": township, "name": "示例镇", "close_day": 25, "areas": [],
                "branches": [{"code": "B001", "name": "东李庄党支部", "kind": "village"}],
                "members": [
                    {"id": "M00001", "name": "张伟", "gender": "M", "birth_date": "1970-05-01",
                     "branch": "B001", "status": "full", "joined_party_on": "1995-07-01",
                     "branch_since": "2015-01-01"},
                ],
                "applicants": [
                    {"id": "D0001", "name": "李娜", "branch": "B001", "stage": "activist",
                     "stage_since": "2025-03-01"},
                ],
                "meetings": [
                    {"id": "MT000001", "branch": "B001", "type": "committee",
                     "date": "2026-03-05", "topic": "三月支委会",
                     "attendance": {"M00001": "present"}},
                    {"id": "MT000002", "branch": "B001", "type": "committee",
                     "date": "2026-05-06", "topic": "五月支委会"},
                ],
                "dues": [
                    {"member": "M00001", "month": "2026-03", "amount": "2.00",
                     "paid_on": "2026-03-05"},
                ],
                "visits": [{"member": "M00001", "date": "2026-03-10", "household": "李四家"}],
                "adjustments": [
                    {"member": "M00001", "date": "2026-03-12", "points": 5, "reason": "志愿服务"},
                ],
                "office_scores": [{"branch": "B001", "month": "2026-03", "points": 8}],
                "target_scores": [{"branch": "B001", "year": 2025, "score": 92}],
            }
        ],
    }  # fmt: skip


def t(doc: dict) -> dict:
    return doc["townships"][0]


def problems_of(doc: dict) -> list[str]:
    with pytest.raises(ExchangeError) as refused:
        township_import(actor=None, document=json.dumps(doc, ensure_ascii=False))
    return refused.value.problems


def imports(doc: dict, **kw):
    return township_import(actor=None, document=json.dumps(doc, ensure_ascii=False), **kw)


# --- plausible records: imported, with a warning each -------------------------------------------


def test_a_meeting_dated_tomorrow_is_imported_with_a_warning_at_its_path(db):
    doc = document()
    t(doc)["meetings"][1]["date"] = "2026-06-16"
    assert imports(doc).warnings == (
        "townships[0].meetings[1].date: 日期 2026-06-16 晚于今天（2026-06-15），"
        "不能登记尚未发生的记录。",
    )
    assert Meeting.objects.get(code="MT000002").date == dt.date(2026, 6, 16)


def test_a_meeting_dated_today_is_imported_without_a_warning(db):
    doc = document()
    t(doc)["meetings"][1]["date"] = "2026-06-15"
    assert imports(doc).warnings == ()
    assert Meeting.objects.get(code="MT000002").date == dt.date(2026, 6, 15)


def test_a_visit_in_1999_is_imported_with_a_warning_and_on_new_years_day_2000_without(db):
    doc = document()
    t(doc)["visits"][0]["date"] = "1999-12-31"
    assert imports(doc).warnings == (
        "townships[0].visits[0].date: 日期 1999-12-31 早于 2000-01-01，不是有效的记录日期。",
    )
    assert Visit.objects.get().date == dt.date(1999, 12, 31)
    t(doc)["visits"][0]["date"] = "2000-01-01"
    assert imports(doc).warnings == ()


def test_two_payments_of_a_member_for_one_month_are_refused(db):
    # Not an error EXCHANGE.md lists, but the database refuses it and no shared scenario has one.
    doc = document()
    t(doc)["dues"].append(
        {"member": "M00001", "month": "2026-03", "amount": "1.00", "paid_on": "2026-03-20"}
    )
    assert problems_of(doc) == [
        "townships[0].dues[1].month: 党员 M00001 2026-03 的党费已在 townships[0].dues[0] 登记；"
        "每月只能有一笔。"
    ]
    assert not Township.objects.exists()


def test_dues_paid_tomorrow_are_imported_with_a_warning_and_paid_today_ahead_without(db):
    doc = document()
    t(doc)["dues"][0].update(month="2026-07", paid_on="2026-06-16")
    assert imports(doc).warnings == (
        "townships[0].dues[0].paid_on: 交纳日期 2026-06-16 晚于今天（2026-06-15），"
        "不能登记尚未发生的记录。",
    )
    t(doc)["dues"][0]["paid_on"] = "2026-06-15"
    assert imports(doc).warnings == ()
    assert DuesPayment.objects.get().paid_on == dt.date(2026, 6, 15)


def test_dues_twelve_months_ahead_import_without_a_warning_and_thirteen_with_one(db):
    doc = document()
    t(doc)["dues"][0].update(month="2027-06", paid_on="2026-06-15")
    assert imports(doc).warnings == ()
    t(doc)["dues"][0]["month"] = "2027-07"
    assert imports(doc).warnings == (
        "townships[0].dues[0].month: 所属月份 2027-07 比交纳日期 2026-06-15 晚 12 个月以上："
        "党费最多预交 12 个月。",
    )
    assert DuesPayment.objects.get().month == dt.date(2027, 7, 1)


def test_joining_one_day_before_the_18th_birthday_warns_and_on_it_does_not(db):
    doc = document()
    t(doc)["members"][0].update(birth_date="1977-07-01", joined_party_on="1995-06-30")
    assert imports(doc).warnings == (
        "townships[0].members[0].joined_party_on: 入党日期 1995-06-30 时未满 18 周岁"
        "（出生于 1977-07-01，1995-07-01 起年满 18 周岁）。",
    )
    t(doc)["members"][0]["joined_party_on"] = "1995-07-01"
    assert imports(doc).warnings == ()


def test_a_member_who_joined_before_birth_is_imported_with_a_warning(db):
    doc = document()
    t(doc)["members"][0].update(birth_date="1998-12-22", joined_party_on="1982-01-01")
    assert imports(doc).warnings == (
        "townships[0].members[0].joined_party_on: 入党日期 1982-01-01 早于出生日期 1998-12-22。",
    )
    assert Member.objects.get().joined_party_on == dt.date(1982, 1, 1)


def test_member_dates_are_each_warned_at_their_path(db):
    doc = document()
    t(doc)["members"][0].update(
        birth_date="1899-12-31",
        joined_party_on="1921-06-30",
        branch_since="2026-06-16",
        left_on="2026-06-20",
    )
    assert imports(doc).warnings == (
        "townships[0].members[0].birth_date: 出生日期 1899-12-31 早于 1900-01-01，请核对。",
        "townships[0].members[0].joined_party_on: 入党日期 1921-06-30 早于中国共产党成立"
        "（1921-07-01）。",
        "townships[0].members[0].branch_since: 转入本支部日期 2026-06-16 晚于今天（2026-06-15）。",
        "townships[0].members[0].left_on: 离开本支部日期 2026-06-20 晚于今天（2026-06-15）。",
    )


def test_a_member_leaving_the_branch_before_joining_it_is_still_refused(db):
    # The database refuses it (member_left_after_joining_branch): an error, not a warning.
    doc = document()
    t(doc)["members"][0]["left_on"] = "2014-12-31"
    assert problems_of(doc) == ["townships[0].members[0].left_on: 离开支部日期早于转入本支部日期。"]


def test_records_of_months_and_years_to_come_are_imported_with_warnings(db):
    doc = document()
    t(doc)["office_scores"][0]["month"] = "2026-07"
    t(doc)["target_scores"][0]["year"] = 2027
    t(doc)["applicants"][0]["stage_since"] = "2026-06-16"
    assert imports(doc).warnings == (
        "townships[0].applicants[0].stage_since: 日期 2026-06-16 晚于今天（2026-06-15），"
        "不能登记尚未发生的记录。",
        "townships[0].office_scores[0].month: 月份 2026-07 尚未到来，不能登记该月的记录。",
        "townships[0].target_scores[0].year: 年度 2027 尚未到来，不能登记该年的记录。",
    )


# The ID number of someone born on 1 July 1979 with a wrong check character (the right one is 6).
BAD_ID = "110105197907010025"


def test_a_member_at_16_a_meeting_tomorrow_and_a_bad_id_number_import_with_three_warnings(db):
    doc = document()
    t(doc)["members"][0].update(
        birth_date="1979-07-01", joined_party_on="1995-07-01", id_number=BAD_ID
    )
    t(doc)["meetings"][1]["date"] = "2026-06-16"
    result = imports(doc)
    assert result.warnings == (
        "townships[0].members[0].joined_party_on: 入党日期 1995-07-01 时未满 18 周岁"
        "（出生于 1979-07-01，1997-07-01 起年满 18 周岁）。",
        "townships[0].members[0].id_number: 身份证号的校验位（最后一位）不正确，请核对号码。",
        "townships[0].meetings[1].date: 日期 2026-06-16 晚于今天（2026-06-15），"
        "不能登记尚未发生的记录。",
    )
    member = Member.objects.get()
    assert (member.joined_party_on, member.id_number) == (dt.date(1995, 7, 1), BAD_ID)
    assert Meeting.objects.get(code="MT000002").date == dt.date(2026, 6, 16)
    assert AuditLog.objects.get(action="exchange.imported").data["warnings"] == 3


def test_an_id_number_matching_the_birth_date_imports_without_a_warning(db):
    doc = document()
    t(doc)["members"][0].update(birth_date="1949-12-31", id_number="11010519491231002x")
    assert imports(doc).warnings == ()
    assert Member.objects.get().id_number == "11010519491231002X"


def test_an_id_number_of_another_birth_date_is_imported_with_a_warning(db):
    doc = document()
    t(doc)["members"][0]["id_number"] = "11010519491231002X"
    assert imports(doc).warnings == (
        "townships[0].members[0].id_number: 身份证号中的出生日期 1949-12-31 与出生日期 "
        "1970-05-01 不一致。",
    )


def test_an_id_number_longer_than_18_characters_is_refused(db):
    doc = document()
    t(doc)["members"][0]["id_number"] = "11010519491231002X1"
    assert problems_of(doc) == ["townships[0].members[0].id_number: 身份证号过长（最多 18 位）。"]


def test_a_phone_of_20_characters_is_imported_with_a_warning_and_of_21_refused(db):
    doc = document()
    t(doc)["members"][0]["phone"] = "1" * 20
    assert imports(doc).warnings == (
        "townships[0].members[0].phone: 联系电话 11111111111111111111 不是有效的手机号码或"
        "固定电话号码。",
    )
    assert Member.objects.get().phone == "1" * 20
    t(doc)["members"][0]["phone"] = "1" * 21
    assert problems_of(doc) == ["townships[0].members[0].phone: 过长（最多 20 个字符）。"]


def test_a_member_without_id_number_or_phone_in_the_file_keeps_them(db):
    doc = document()
    t(doc)["members"][0].update(id_number="110105197005010027", phone="13812345678")
    imports(doc)
    assert imports(document()).townships[0].by_kind["members"]["updated"] == 0
    member = Member.objects.get()
    assert (member.id_number, member.phone) == ("110105197005010027", "13812345678")


@pytest.mark.parametrize(
    ("day", "refused"),
    [("1799-12-31", True), ("1800-01-01", False), ("2200-12-31", False), ("2201-01-01", True)],
)
def test_dates_outside_the_window_the_scoring_can_handle_are_refused(db, day, refused):
    doc = document()
    t(doc)["members"][0]["birth_date"] = day
    if refused:
        assert problems_of(doc) == [
            f"townships[0].members[0].birth_date: 日期 “{day}” "
            "超出可处理的范围（1800 至 2200 年）。"
        ]
    else:
        assert [w.split(":")[0] for w in imports(doc).warnings] == [
            "townships[0].members[0].birth_date"
        ]


def test_a_month_outside_the_window_is_refused(db):
    doc = document()
    t(doc)["office_scores"][0]["month"] = "9999-12"
    assert problems_of(doc) == [
        "townships[0].office_scores[0].month: 日期 “9999-12” 超出可处理的范围（1800 至 2200 年）。"
    ]


def implausible() -> dict:
    """A valid document with two implausible records: a member who joined at 16 and a meeting
    dated tomorrow."""
    doc = document()
    t(doc)["members"][0].update(birth_date="1979-07-01", joined_party_on="1995-07-01")
    t(doc)["meetings"][1]["date"] = "2026-06-16"
    return doc


IMPLAUSIBLE_WARNINGS = [
    "townships[0].members[0].joined_party_on: 入党日期 1995-07-01 时未满 18 周岁"
    "（出生于 1979-07-01，1997-07-01 起年满 18 周岁）。",
    "townships[0].meetings[1].date: 日期 2026-06-16 晚于今天（2026-06-15），"
    "不能登记尚未发生的记录。",
]


def test_the_command_imports_and_prints_each_warning_with_the_count_on_stderr(db, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(implausible(), ensure_ascii=False), "utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_township", str(path), stdout=out, stderr=err)
    assert "导入完成。" in out.getvalue()
    assert err.getvalue().splitlines() == [
        *IMPLAUSIBLE_WARNINGS,
        "共 2 条警告：以上记录不合常理，已照文件导入，请核对。",
    ]
    assert Meeting.objects.get(code="MT000002").date == dt.date(2026, 6, 16)


def test_the_command_prints_no_warning_for_a_plausible_file(db, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document(), ensure_ascii=False), "utf-8")
    err = io.StringIO()
    call_command("import_township", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_the_dry_run_shows_the_warnings_and_writes_nothing(db, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(implausible(), ensure_ascii=False), "utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_township", str(path), dry_run=True, stdout=out, stderr=err)
    assert "试运行：文件有效，未写入任何数据。" in out.getvalue()
    assert err.getvalue().splitlines() == [
        *IMPLAUSIBLE_WARNINGS,
        "共 2 条警告：以上记录不合常理，导入时仍会照文件导入，请核对。",
    ]
    assert not Township.objects.exists()
    assert not AuditLog.objects.filter(action="exchange.imported").exists()


def test_the_audit_entry_counts_no_warnings_for_a_plausible_file(db):
    imports(document())
    assert AuditLog.objects.get(action="exchange.imported").data["warnings"] == 0


def test_a_changed_amount_corrects_the_months_payment_in_place(db):
    imports(document())
    pk = DuesPayment.objects.get().pk
    doc = document()
    t(doc)["dues"][0]["amount"] = "3.00"
    result = imports(doc)
    assert result.townships[0].by_kind["dues"] == {"created": 0, "updated": 1, "deleted": 0}
    assert DuesPayment.objects.get().pk == pk
    assert DuesPayment.objects.get().amount == Decimal("3.00")


# --- locked months ----------------------------------------------------------------------------


@pytest.fixture
def march_locked(db):
    imports(document())
    township = Township.objects.get(code="370123101")
    MonthState.objects.update_or_create(township=township, month=MARCH, defaults={"locked": True})
    return township


def changed_march() -> dict:
    doc = document()
    t(doc)["meetings"][0]["topic"] = "改过的主题"
    t(doc)["visits"].append({"member": "M00001", "date": "2026-03-20", "household": "王五家"})
    t(doc)["dues"].clear()
    t(doc)["meetings"][1]["topic"] = "五月支委会（修订）"  # May is open
    return doc


def test_an_import_changing_a_locked_month_is_refused_with_the_records(march_locked):
    with pytest.raises(LockedMonthsError) as refused:
        imports(changed_march())
    assert refused.value.problems == [
        "townships[0].meetings[0]: 2026年03月 已锁定，导入会修改该月的这条记录。",
        "townships[0].dues: 2026年03月 已锁定，导入会删除该月的党员 M00001 2026-03 的党费"
        "（文件中没有）。",
        "townships[0].visits[1]: 2026年03月 已锁定，导入会在该月新增这条记录。",
    ]
    assert refused.value.months == {("370123101", MARCH)}
    assert Meeting.objects.get(code="MT000001").topic == "三月支委会"
    assert Meeting.objects.get(code="MT000002").topic == "五月支委会"  # nothing at all written
    assert DuesPayment.objects.count() == 1
    assert MonthState.objects.get(township=march_locked, month=MARCH).locked


def test_each_kind_of_record_of_a_locked_month_is_guarded(march_locked):
    doc = document()
    t(doc)["meetings"][0]["attendance"] = {"M00001": "absent"}
    t(doc)["adjustments"][0]["points"] = 4
    t(doc)["office_scores"][0]["points"] = 9
    t(doc)["dues"][0]["paid_on"] = "2026-03-06"
    with pytest.raises(LockedMonthsError) as refused:
        imports(doc)
    assert [p.split(":")[0] for p in refused.value.problems] == [
        "townships[0].meetings[0].attendance.M00001",
        "townships[0].dues[0]",
        "townships[0].adjustments[0]",
        "townships[0].adjustments",
        "townships[0].office_scores[0]",
    ]


def test_a_payment_dated_in_a_locked_month_is_guarded_too(march_locked):
    doc = document()
    t(doc)["dues"].append(
        {"member": "M00001", "month": "2026-05", "amount": "2.00", "paid_on": "2026-03-30"}
    )
    with pytest.raises(LockedMonthsError, match="导入会修改已锁定月份的记录") as refused:
        imports(doc)
    assert refused.value.problems == [
        "townships[0].dues[1]: 2026年03月 已锁定，导入会在该月新增这条记录。"
    ]


def test_the_same_file_again_and_changes_of_open_months_import_over_a_locked_month(march_locked):
    imports(document())
    doc = document()
    t(doc)["meetings"][1]["topic"] = "五月支委会（修订）"
    imports(doc)
    assert Meeting.objects.get(code="MT000002").topic == "五月支委会（修订）"
    assert MonthState.objects.get(township=march_locked, month=MARCH).locked


def test_an_import_with_a_reason_reopens_the_month_first_and_imports(march_locked):
    result = imports(changed_march(), actor_name="manage.py import_township", reopen_reason="更正")
    assert result.reopened == (("370123101", MARCH),)
    assert Meeting.objects.get(code="MT000001").topic == "改过的主题"
    assert not DuesPayment.objects.exists()
    state = MonthState.objects.get(township=march_locked, month=MARCH)
    assert not state.locked and state.reopen_reason == "更正"
    entry = AuditLog.objects.get(action="scoring.month.reopened")
    assert entry.data == {"month": "2026-03", "reason": "更正"}
    assert entry.actor_name == "manage.py import_township"
    assert AuditLog.objects.filter(action="exchange.imported").count() == 2


def test_a_reason_does_not_reopen_months_beyond_those_confirmed(march_locked):
    MonthState.objects.update_or_create(
        township=march_locked, month=dt.date(2026, 5, 1), defaults={"locked": True}
    )
    with pytest.raises(LockedMonthsError) as refused:
        imports(changed_march(), reopen_reason="更正", reopen_months={("370123101", MARCH)})
    assert refused.value.months == {("370123101", MARCH), ("370123101", dt.date(2026, 5, 1))}
    assert MonthState.objects.filter(township=march_locked, locked=True).count() == 2


def test_the_command_refuses_a_locked_month_and_imports_with_reopen_locked(march_locked, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(changed_march(), ensure_ascii=False), "utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="已锁定月份（370123101 2026-03）的 3 条记录"):
        call_command("import_township", str(path), stderr=err, stdout=io.StringIO())
    assert "townships[0].meetings[0]: 2026年03月 已锁定" in err.getvalue()
    assert Meeting.objects.get(code="MT000001").topic == "三月支委会"

    out = io.StringIO()
    call_command("import_township", str(path), reopen_locked="三月会议记录有误", stdout=out)
    assert "已重新开放：370123101 2026-03（原因：三月会议记录有误）" in out.getvalue()
    assert Meeting.objects.get(code="MT000001").topic == "改过的主题"
    assert AuditLog.objects.get(action="scoring.month.reopened").data["reason"] == (
        "三月会议记录有误"
    )


def test_the_command_refuses_a_blank_reason(march_locked, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(changed_march(), ensure_ascii=False), "utf-8")
    with pytest.raises(CommandError, match="需要填写重新开放的原因"):
        call_command("import_township", str(path), reopen_locked="  ", stdout=io.StringIO())


# --- the import page --------------------------------------------------------------------------


@pytest.fixture
def office_client(client, cast):
    """The office of T1, whose township is in the document (T1's own codes)."""
    client.force_login(cast.office, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _own(cast) -> dict:
    doc = document(county=cast.county.code, township=cast.t1.code)
    t(doc)["members"][0]["id"] = cast.m1.code  # keep the cast's member and its user
    t(doc)["meetings"][0]["attendance"] = {cast.m1.code: "present"}
    for section in ("dues", "visits", "adjustments"):
        for row in t(doc)[section]:
            row["member"] = cast.m1.code
    t(doc)["branches"][0]["code"] = cast.b1.code
    t(doc)["branches"].append({"code": cast.b2.code, "name": cast.b2.name, "kind": "village"})
    for section in ("members", "meetings", "applicants", "office_scores", "target_scores"):
        for row in t(doc)[section]:
            row["branch"] = cast.b1.code
    return doc


def _upload(doc: dict) -> SimpleUploadedFile:
    body = json.dumps(doc, ensure_ascii=False).encode()
    return SimpleUploadedFile("t.json", body, content_type="application/json")


def test_the_page_shows_the_locked_months_and_imports_after_confirmation(office_client, cast):
    base = _own(cast)
    imports(base)
    MonthState.objects.update_or_create(township=cast.t1, month=MARCH, defaults={"locked": True})
    changed = copy.deepcopy(base)
    t(changed)["meetings"][0]["topic"] = "改过的主题"
    url = reverse("exchange")

    page = office_client.post(url, {"document": _upload(changed)})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="locked-months"' in html and "2026年3月" in html
    assert "townships[0].meetings[0]: 2026年03月 已锁定，导入会修改该月的这条记录。" in html
    assert f'name="reopen_months" value="{cast.t1.code}:2026-03"' in html
    assert Meeting.objects.get(code="MT000001").topic == "三月支委会"

    no_reason = office_client.post(
        url, {"document": _upload(changed), "reopen_months": f"{cast.t1.code}:2026-03"}
    )
    assert no_reason.context["form"].errors["reopen_reason"] == ["请填写重新开放这些月份的原因。"]
    assert Meeting.objects.get(code="MT000001").topic == "三月支委会"

    done = office_client.post(
        url,
        {
            "document": _upload(changed),
            "reopen_months": f"{cast.t1.code}:2026-03",
            "reopen_reason": "支委会记录有误",
        },
    )
    assert 'id="import-result"' in done.content.decode()
    assert Meeting.objects.get(code="MT000001").topic == "改过的主题"
    entry = AuditLog.objects.get(action="scoring.month.reopened")
    assert entry.actor == cast.office and entry.data["reason"] == "支委会记录有误"
    assert not MonthState.objects.get(township=cast.t1, month=MARCH).locked


def test_the_page_lists_the_warnings_under_the_success_message(office_client, cast):
    doc = _own(cast)
    t(doc)["meetings"][1]["date"] = "2026-06-16"
    page = office_client.post(reverse("exchange"), {"document": _upload(doc)})
    html = page.content.decode()
    assert 'id="import-result"' in html
    assert "1 条警告：以下记录不合常理，已照文件导入，请核对：" in html
    warnings = html[html.index('id="import-warnings"') :]
    assert (
        "<li>townships[0].meetings[1].date: 日期 2026-06-16 晚于今天（2026-06-15），"
        "不能登记尚未发生的记录。</li>" in warnings
    )
    assert html.index('id="import-result"') < html.index('id="import-warnings"')
    assert AuditLog.objects.get(action="exchange.imported").data["warnings"] == 1


def test_the_page_shows_no_warning_list_for_a_plausible_file(office_client, cast):
    page = office_client.post(reverse("exchange"), {"document": _upload(_own(cast))})
    html = page.content.decode()
    assert 'id="import-result"' in html and 'id="import-warnings"' not in html
