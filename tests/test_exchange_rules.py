"""The JSON import under the plausibility rules and the month locks: each violation with its
JSON path in Chinese; a file that would change a locked month is refused unless the office
reopens it with a reason. Today is pinned to 15 June 2026 in Shanghai."""

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
from members.models import DuesPayment, Visit
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


# --- plausible records ------------------------------------------------------------------------


def test_a_meeting_dated_tomorrow_is_refused_with_its_path(db):
    doc = document()
    t(doc)["meetings"][1]["date"] = "2026-06-16"
    assert problems_of(doc) == [
        "townships[0].meetings[1].date: 日期 2026-06-16 晚于今天（2026-06-15），"
        "不能登记尚未发生的记录。"
    ]
    assert not Township.objects.exists()


def test_a_meeting_dated_today_is_imported(db):
    doc = document()
    t(doc)["meetings"][1]["date"] = "2026-06-15"
    imports(doc)
    assert Meeting.objects.get(code="MT000002").date == dt.date(2026, 6, 15)


def test_a_visit_dated_in_1999_is_refused_and_on_new_years_day_2000_imported(db):
    doc = document()
    t(doc)["visits"][0]["date"] = "1999-12-31"
    assert problems_of(doc) == [
        "townships[0].visits[0].date: 日期 1999-12-31 早于 2000-01-01，不是有效的记录日期。"
    ]
    t(doc)["visits"][0]["date"] = "2000-01-01"
    imports(doc)
    assert Visit.objects.get().date == dt.date(2000, 1, 1)


def test_two_payments_of_a_member_for_one_month_are_refused(db):
    doc = document()
    t(doc)["dues"].append(
        {"member": "M00001", "month": "2026-03", "amount": "1.00", "paid_on": "2026-03-20"}
    )
    assert problems_of(doc) == [
        "townships[0].dues[1].month: 党员 M00001 2026-03 的党费已在 townships[0].dues[0] 登记；"
        "每月只能有一笔。"
    ]


def test_dues_paid_tomorrow_are_refused_and_paid_today_ahead_imported(db):
    doc = document()
    t(doc)["dues"][0].update(month="2026-07", paid_on="2026-06-16")
    assert problems_of(doc) == [
        "townships[0].dues[0].paid_on: 交纳日期 2026-06-16 晚于今天（2026-06-15），"
        "不能登记尚未发生的记录。"
    ]
    t(doc)["dues"][0]["paid_on"] = "2026-06-15"
    imports(doc)
    assert DuesPayment.objects.get().month == dt.date(2026, 7, 1)


def test_joining_one_day_before_the_18th_birthday_is_refused_and_on_it_imported(db):
    doc = document()
    t(doc)["members"][0].update(birth_date="1977-07-01", joined_party_on="1995-06-30")
    assert problems_of(doc) == [
        "townships[0].members[0].joined_party_on: 入党日期 1995-06-30 时未满 18 周岁"
        "（出生于 1977-07-01，1995-07-01 起年满 18 周岁）。"
    ]
    t(doc)["members"][0]["joined_party_on"] = "1995-07-01"
    imports(doc)


def test_member_dates_are_each_refused_at_their_path(db):
    doc = document()
    t(doc)["members"][0].update(
        birth_date="1899-12-31", joined_party_on="1921-06-30", left_on="2014-12-31"
    )
    assert problems_of(doc) == [
        "townships[0].members[0].birth_date: 出生日期 1899-12-31 早于 1900-01-01，请核对。",
        "townships[0].members[0].joined_party_on: 入党日期 1921-06-30 早于中国共产党成立"
        "（1921-07-01）。",
        "townships[0].members[0].left_on: 离开本支部日期不能早于转入日期。",
    ]


def test_records_of_months_and_years_to_come_are_refused(db):
    doc = document()
    t(doc)["office_scores"][0]["month"] = "2026-07"
    t(doc)["target_scores"][0]["year"] = 2027
    t(doc)["applicants"][0]["stage_since"] = "2026-06-16"
    assert problems_of(doc) == [
        "townships[0].applicants[0].stage_since: 日期 2026-06-16 晚于今天（2026-06-15），"
        "不能登记尚未发生的记录。",
        "townships[0].office_scores[0].month: 月份 2026-07 尚未到来，不能登记该月的记录。",
        "townships[0].target_scores[0].year: 年度 2027 尚未到来，不能登记该年的记录。",
    ]


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
