"""The JSON exchange of whole townships (EXCHANGE.md): import, export and their commands."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from branches.models import Area, Attendance, Branch, County, Meeting, Township
from exchange.document import FORMAT, document_dumps
from exchange.exporter import township_export
from exchange.importer import township_import
from members.models import Applicant, DuesPayment, Household, Member, PointAdjustment, Visit
from scoring.models import OfficeScore, TargetScore
from township.errors import ExchangeError
from township.models import AuditLog, MonthState

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "tests" / "data" / "scenarios"  # copies of the shared scenario documents
SCENARIO_NAMES = ["worked-example", "example-1", "example-2"]


EXCHANGED = [
    County, Township, Area, Branch, Member, Household, Applicant, Meeting, Attendance,
    DuesPayment, Visit, PointAdjustment, OfficeScore, TargetScore,
]  # fmt: skip


def snapshot() -> dict[str, list[dict]]:
    """Every row the exchange touches, primary keys and timestamps included."""
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in EXCHANGED}


def scenario_bytes(name: str) -> bytes:
    return (SCENARIOS / f"{name}.json").read_bytes()


def _member(code, branch, **kw) -> dict:
    return {
        "id": code, "name": f"党员{code}", "gender": "M", "birth_date": "1970-05-01",
        "branch": branch, "status": "full", "joined_party_on": "1995-07-01",
        "probation_ends_on": None, "dues_exempt": False, "rating_exempt": False,
        "flowing": False, "households": 0, "branch_since": "2015-01-01", "left_on": None, **kw,
    }  # fmt: skip


def small_document(*, county="370123", township="370123101") -> dict:
    """A small valid document touching every section (floats only become text, never parsed)."""
    return {
        "format": FORMAT,
        "county": {"code": county, "name": "示例县"},
        "townships": [
            {
                "code": township, "name": "示例镇", "close_day": 25,
                "areas": [{"code": "A1", "name": "东片区"}],
                "branches": [
                    {"code": "B001", "name": "东李庄党支部", "kind": "village", "area": "A1",
                     "has_groups": True, "ranked": True},
                    {"code": "B002", "name": "西王村党支部", "kind": "community", "area": None,
                     "has_groups": False, "ranked": True},
                ],
                "members": [
                    _member("M00001", "B001", households=3),
                    _member("M00002", "B001", status="probationary",
                            joined_party_on="2025-09-01", probation_ends_on="2026-09-01"),
                    _member("M00003", "B002", gender="F"),
                ],
                "applicants": [
                    {"id": "D0001", "name": "李娜", "branch": "B001", "stage": "activist",
                     "stage_since": "2025-03-01"},
                ],
                "meetings": [
                    {"id": "MT000001", "branch": "B001", "type": "themed_day",
                     "date": "2026-03-05", "topic": "三月主题党日",
                     "attendance": {"M00001": "present", "M00002": "excused"},
                     "actions": ["study", "dues", "oath", "deliberation"],
                     "x_activity": "义务劳动"},
                    {"id": "MT000002", "branch": "B002", "type": "committee",
                     "date": "2026-04-10", "topic": "支委会", "attendance": {"M00003": "absent"}},
                ],
                "dues": [
                    {"member": "M00001", "month": "2026-03", "amount": "2.00",
                     "paid_on": "2026-03-05"},
                    {"member": "M00001", "month": "2026-04", "amount": "2.00",
                     "paid_on": "2026-04-05"},
                    {"member": "M00003", "month": "2026-04", "amount": "0.50",
                     "paid_on": "2026-04-02"},
                ],
                "visits": [
                    {"member": "M00001", "date": "2026-03-10", "household": "李四家",
                     "note": "走访"},
                    # The same visit twice: id-less rows are a multiset, not a set.
                    {"member": "M00001", "date": "2026-03-10", "household": "李四家",
                     "note": "走访"},
                ],
                "adjustments": [
                    {"member": "M00001", "date": "2026-03-12", "points": 5, "reason": "志愿服务"},
                    {"member": "M00002", "date": "2026-03-13", "points": -2.5, "reason": "缺席"},
                ],
                "office_scores": [{"branch": "B001", "month": "2026-03", "points": 8.5}],
                "target_scores": [{"branch": "B001", "year": 2026, "score": 92}],
            }
        ],
    }  # fmt: skip


def text(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)


def import_text(document: dict, **kw):
    return township_import(actor=None, document=text(document), **kw)


def problems_of(document) -> list[str]:
    with pytest.raises(ExchangeError) as caught:
        township_import(actor=None, document=document)
    return caught.value.problems


def canonical(document: dict) -> dict:
    """The document with every list of rows sorted: equal content, whatever the order."""
    document = copy.deepcopy(document)
    for township in document["townships"]:
        for key, value in township.items():
            if isinstance(value, list):
                township[key] = sorted(
                    json.dumps(row, sort_keys=True, default=str) for row in value
                )
    return document


# The scenario documents ------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_each_scenario_document_imports_with_all_its_records(db, name):
    document = json.loads(scenario_bytes(name), parse_float=Decimal)
    township_doc = document["townships"][0]

    result = township_import(actor=None, document=scenario_bytes(name))

    township = Township.objects.get(code=township_doc["code"])
    assert result.codes == (township_doc["code"],)
    assert Member.objects.filter(township=township).count() == len(township_doc["members"])
    assert Meeting.objects.filter(township=township).count() == len(township_doc["meetings"])
    assert Attendance.objects.filter(meeting__township=township).count() == sum(
        len(m["attendance"]) for m in township_doc["meetings"]
    )
    assert DuesPayment.objects.filter(member__township=township).count() == len(
        township_doc["dues"]
    )
    assert Household.objects.filter(member__township=township).count() == sum(
        m["households"] for m in township_doc["members"]
    )


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_exporting_an_imported_scenario_gives_back_its_content(db, name):
    township_import(actor=None, document=scenario_bytes(name))
    original = json.loads(scenario_bytes(name))

    exported = township_export(townships=Township.objects.all())

    assert canonical(json.loads(document_dumps(exported))) == canonical(original)


def test_importing_the_same_file_twice_changes_nothing(db):
    township_import(actor=None, document=scenario_bytes("example-1"))
    before = snapshot()

    result = township_import(actor=None, document=scenario_bytes("example-1"))

    assert snapshot() == before
    assert not result.changed
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)


def test_example_1_imports_with_a_bounded_number_of_queries(db, django_assert_max_num_queries):
    document = scenario_bytes("example-1")
    with django_assert_max_num_queries(120):
        township_import(actor=None, document=document)


# Round trip and synchronisation ----------------------------------------------------------------


def test_export_then_import_then_export_is_byte_identical(db):
    import_text(small_document())
    # Entered on a page rather than imported: text kept exactly as typed.
    Meeting.objects.filter(code="MT000002").update(topic=" 支委会 ", x_activity="清扫")
    Meeting.objects.filter(code="MT000001").update(act_oath=False, x_activity="")
    first = document_dumps(township_export(townships=Township.objects.all()))

    township_import(actor=None, document=first)
    second = document_dumps(township_export(townships=Township.objects.all()))

    assert second == first


def test_import_restores_the_file_over_records_changed_since(db):
    import_text(small_document())
    exported = document_dumps(township_export(townships=Township.objects.all()))
    meeting = Meeting.objects.get(code="MT000001")
    meeting.topic = "改过的主题"
    meeting.save()
    DuesPayment.objects.filter(amount=Decimal("0.50")).delete()
    Visit.objects.create(member=Member.objects.get(code="M00001"), date="2026-03-20")
    Household.objects.filter(member__code="M00001").first().delete()
    Attendance.objects.filter(member__code="M00002").update(status="absent")

    result = township_import(actor=None, document=exported)

    assert document_dumps(township_export(townships=Township.objects.all())) == exported
    counts = result.townships[0].by_kind
    assert counts["meetings"]["updated"] == 1
    assert counts["dues"]["created"] == 1
    assert counts["visits"]["deleted"] == 1
    assert counts["households"]["created"] == 1
    assert counts["attendance"]["updated"] == 1


def test_records_missing_from_the_file_are_deleted(db):
    import_text(small_document())
    document = small_document()
    township = document["townships"][0]
    township["members"].pop()  # M00003 …
    township["meetings"].pop()  # … its meeting
    township["dues"].pop()  # … and its payment
    township["dues"].pop()  # M00001's April payment
    township["visits"].pop()  # one of the two identical visits of M00001

    result = import_text(document)

    assert not Member.objects.filter(code="M00003").exists()
    assert not Meeting.objects.filter(code="MT000002").exists()
    assert DuesPayment.objects.count() == 1
    assert Visit.objects.count() == 1
    assert result.townships[0].by_kind["members"]["deleted"] == 1


def test_an_unchanged_meeting_keeps_its_primary_key_and_timestamp(db):
    import_text(small_document())
    before = Meeting.objects.values("pk", "updated_at").get(code="MT000002")
    document = small_document()
    document["townships"][0]["meetings"][0]["topic"] = "新主题"

    import_text(document)

    assert Meeting.objects.values("pk", "updated_at").get(code="MT000002") == before
    assert Meeting.objects.get(code="MT000001").topic == "新主题"


def test_the_households_count_becomes_that_many_household_rows(db):
    import_text(small_document())
    assert list(Household.objects.filter(member__code="M00001").values_list("name", flat=True)) == [
        "联系户1",
        "联系户2",
        "联系户3",
    ]
    document = small_document()
    document["townships"][0]["members"][0]["households"] = 1

    import_text(document)

    assert Household.objects.filter(member__code="M00001").count() == 1


def test_optional_keys_may_be_absent(db):
    document = small_document()
    township = document["townships"][0]
    township["branches"][1] = {"code": "B002", "name": "西王村党支部", "kind": "community"}
    township["members"][2] = {
        "id": "M00003", "name": "王芳", "gender": "F", "branch": "B002", "status": "full",
    }  # fmt: skip
    township["meetings"][1] = {
        "id": "MT000002", "branch": "B002", "type": "committee", "date": "2026-04-10",
        "attendance": {"M00003": "absent"},
    }  # fmt: skip

    import_text(document)

    branch = Branch.objects.get(code="B002")
    assert (branch.area, branch.has_groups, branch.ranked) == (None, True, True)
    member = Member.objects.get(code="M00003")
    assert (member.flowing, member.dues_exempt, member.households.count()) == (False, False, 0)
    assert Meeting.objects.get(code="MT000002").topic == ""


def test_points_and_scores_are_exported_as_numbers_and_money_as_text(db):
    import_text(small_document())

    township = township_export(townships=Township.objects.all())["townships"][0]

    assert [a["points"] for a in township["adjustments"]] == [5, -2.5]
    assert township["office_scores"][0]["points"] == 8.5
    assert township["target_scores"][0]["score"] == 92
    assert township["dues"][-1]["amount"] == "0.50"


def test_numbers_are_read_as_exact_decimals(db):
    document = small_document()
    document["townships"][0]["adjustments"][1]["points"] = 0.1

    import_text(document)

    assert PointAdjustment.objects.get(reason="缺席").points == Decimal("0.10")


def test_a_parsed_dict_is_accepted_as_the_document(db):
    result = township_import(actor=None, document=json.loads(text(small_document())))

    assert result.codes == ("370123101",)


def test_import_writes_one_audit_entry_per_township(db):
    document = small_document()
    second = copy.deepcopy(document["townships"][0])
    second["code"] = "370123102"
    document["townships"].append(second)

    import_text(document, actor_name="测试")

    entries = AuditLog.objects.filter(action="exchange.imported").order_by("township__code")
    assert [e.township.code for e in entries] == ["370123101", "370123102"]
    assert entries[0].actor_name == "测试"
    assert entries[0].data["counts"]["members"]["created"] == 3


def test_import_marks_the_months_that_changed(db):
    def revisions():
        return dict(MonthState.objects.values_list("month", "revision"))

    import_text(small_document())
    before = revisions()
    import_text(small_document())
    assert revisions() == before  # nothing changed, nothing to recompute

    document = small_document()
    document["townships"][0]["visits"][0]["date"] = "2026-05-02"
    import_text(document)

    after = revisions()
    bumped = {m for m in after if after[m] != before.get(m, 0)}
    assert bumped == {dt.date(2026, 3, 1), dt.date(2026, 5, 1)}


def test_a_failure_while_writing_leaves_nothing_written(db, monkeypatch):
    import_text(small_document())
    before = snapshot()

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("exchange.importer.months_mark_changed", boom)
    document = small_document()
    document["townships"][0]["members"][0]["name"] = "改名"
    with pytest.raises(RuntimeError):
        import_text(document)

    assert snapshot() == before


# Refused documents -----------------------------------------------------------------------------


def _t(document):
    return document["townships"][0]


def _set(getter, key, value):
    def mutate(document):
        getter(document)[key] = value

    return mutate


def _delete(getter, key):
    def mutate(document):
        del getter(document)[key]

    return mutate


def _append(section, row):
    def mutate(document):
        _t(document)[section].append(row)

    return mutate


def member(i):
    return lambda d: _t(d)["members"][i]


def meeting(i):
    return lambda d: _t(d)["meetings"][i]


def branch(i):
    return lambda d: _t(d)["branches"][i]


def row(section, i):
    return lambda d: _t(d)[section][i]


def _second_township(document):
    document["townships"].append(copy.deepcopy(_t(document)))


REFUSALS = [
    # (what is wrong, mutation, the exact path, part of the message)
    ("unknown format", _set(lambda d: d, "format", "dangjian-exchange/2"), "format",
     "不支持的格式"),
    ("missing format", _delete(lambda d: d, "format"), "format", "缺少"),
    ("duplicate township code", _second_township, "townships[1].code", "重复"),
    ("duplicate area code", _append("areas", {"code": "A1", "name": "又一个"}),
     "townships[0].areas[1].code", "重复"),
    ("duplicate branch code", _set(branch(1), "code", "B001"), "townships[0].branches[1].code",
     "重复"),
    ("duplicate member id", _set(member(2), "id", "M00001"), "townships[0].members[2].id", "重复"),
    ("duplicate meeting id", _set(meeting(1), "id", "MT000001"), "townships[0].meetings[1].id",
     "重复"),
    ("duplicate applicant id",
     _append("applicants", {"id": "D0001", "name": "又一个", "branch": "B001",
                            "stage": "applicant", "stage_since": "2026-01-01"}),
     "townships[0].applicants[1].id", "重复"),
    ("duplicate office score",
     _append("office_scores", {"branch": "B001", "month": "2026-03", "points": 5}),
     "townships[0].office_scores[1].month", "重复"),
    ("duplicate target score",
     _append("target_scores", {"branch": "B001", "year": 2026, "score": 50}),
     "townships[0].target_scores[1].year", "重复"),
    ("unknown area", _set(branch(0), "area", "A9"), "townships[0].branches[0].area", "未知的片区"),
    ("unknown branch of a member", _set(member(0), "branch", "B999"),
     "townships[0].members[0].branch", "未知的党支部"),
    ("unknown branch of a meeting", _set(meeting(0), "branch", "B999"),
     "townships[0].meetings[0].branch", "未知的党支部"),
    ("unknown branch of an office score", _set(row("office_scores", 0), "branch", "B999"),
     "townships[0].office_scores[0].branch", "未知的党支部"),
    ("unknown member of dues", _set(row("dues", 0), "member", "M99999"),
     "townships[0].dues[0].member", "未知的党员"),
    ("unknown member of a visit", _set(row("visits", 0), "member", "M99999"),
     "townships[0].visits[0].member", "未知的党员"),
    ("unknown member of an adjustment", _set(row("adjustments", 0), "member", "M99999"),
     "townships[0].adjustments[0].member", "未知的党员"),
    ("unknown member in attendance",
     lambda d: meeting(0)(d)["attendance"].update({"M00031": "present"}),
     "townships[0].meetings[0].attendance.M00031", "未知的党员"),
    ("member of another branch in attendance",
     lambda d: meeting(0)(d)["attendance"].update({"M00003": "present"}),
     "townships[0].meetings[0].attendance.M00003", "不是本会议的党支部"),
    ("unknown branch kind", _set(branch(0), "kind", "town"), "townships[0].branches[0].kind",
     "未知的取值"),
    ("unknown member status", _set(member(0), "status", "retired"),
     "townships[0].members[0].status", "未知的取值"),
    ("unknown gender", _set(member(0), "gender", "X"), "townships[0].members[0].gender",
     "未知的取值"),
    ("unknown applicant stage", _set(row("applicants", 0), "stage", "member"),
     "townships[0].applicants[0].stage", "未知的取值"),
    ("unknown meeting type", _set(meeting(0), "type", "party"), "townships[0].meetings[0].type",
     "未知的取值"),
    ("unknown attendance status",
     lambda d: meeting(0)(d)["attendance"].update({"M00001": "late"}),
     "townships[0].meetings[0].attendance.M00001", "未知的取值"),
    ("unknown action", _set(meeting(0), "actions", ["study", "sing"]),
     "townships[0].meetings[0].actions[1]", "未知的取值"),
    ("actions on a committee meeting", _set(meeting(1), "actions", ["study"]),
     "townships[0].meetings[1].actions", "主题党日"),
    ("impossible date", _set(meeting(0), "date", "2026-02-30"), "townships[0].meetings[0].date",
     "日期无效"),
    ("date in another format", _set(member(0), "birth_date", "1970/05/01"),
     "townships[0].members[0].birth_date", "日期无效"),
    ("month thirteen", _set(row("dues", 0), "month", "2026-13"), "townships[0].dues[0].month",
     "月份无效"),
    ("month without leading zero", _set(row("office_scores", 0), "month", "2026-3"),
     "townships[0].office_scores[0].month", "月份无效"),
    ("probationary member without an end date", _set(member(0), "status", "probationary"),
     "townships[0].members[0].probation_ends_on", "预备期满"),
    ("office points above ten", _set(row("office_scores", 0), "points", 11),
     "townships[0].office_scores[0].points", "0 到 10"),
    ("negative office points", _set(row("office_scores", 0), "points", -1),
     "townships[0].office_scores[0].points", "0 到 10"),
    ("target score above a hundred", _set(row("target_scores", 0), "score", 100.5),
     "townships[0].target_scores[0].score", "0 到 100"),
    ("negative money", _set(row("dues", 0), "amount", "-2.00"), "townships[0].dues[0].amount",
     "非负的十进制数"),
    ("money that is not a number", _set(row("dues", 0), "amount", "两元"),
     "townships[0].dues[0].amount", "非负的十进制数"),
    ("money below the cent", _set(row("dues", 0), "amount", "2.005"),
     "townships[0].dues[0].amount", "两位小数"),
    ("missing member name", _delete(member(0), "name"), "townships[0].members[0].name", "缺少"),
    ("missing section", _delete(_t, "meetings"), "townships[0].meetings", "缺少"),
    ("households as text", _set(member(0), "households", "3"),
     "townships[0].members[0].households", "整数"),
    ("a flag that is not a boolean", _set(branch(0), "has_groups", "yes"),
     "townships[0].branches[0].has_groups", "true 或 false"),
    ("a name that is not text", _set(member(0), "name", 42), "townships[0].members[0].name",
     "文本"),
    ("close day out of range", _set(_t, "close_day", 31), "townships[0].close_day", "1 到 28"),
    ("a row that is not an object", lambda d: _t(d)["visits"].append("李四家"),
     "townships[0].visits[2]", "JSON 对象"),
    ("left before joining the branch", _set(member(0), "left_on", "2014-01-01"),
     "townships[0].members[0].left_on", "早于"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [pytest.param(m, p, msg, id=what) for what, m, p, msg in REFUSALS],
)
def test_a_wrong_document_is_refused_with_the_path_of_the_error(db, mutate, path, message):
    import_text(small_document())
    before = snapshot()
    document = small_document()
    mutate(document)

    problems = problems_of(text(document))

    assert any(p.startswith(f"{path}: ") and message in p for p in problems), problems
    assert snapshot() == before


def test_a_document_that_is_not_json_is_refused(db):
    assert problems_of(b'{"format": "dangjian-exchange/1",') == [
        "$: 文件不是有效的 JSON（第 1 行第 34 列）。"
    ]


def test_a_document_that_is_not_utf8_is_refused(db):
    problems = problems_of(text(small_document()).encode("gb18030"))

    assert len(problems) == 1
    assert problems[0].startswith("$: ") and "UTF-8" in problems[0]


def test_a_key_given_twice_in_one_object_is_refused(db):
    document = text(small_document()).replace(
        '"M00001": "present"', '"M00001": "present", "M00001": "absent"'
    )

    assert "townships[0].meetings[0].attendance.M00001: 同一对象中重复出现的键。" in problems_of(
        document
    )


def test_every_problem_is_reported_not_only_the_first(db):
    document = small_document()
    member(0)(document)["gender"] = "X"
    meeting(1)(document)["date"] = "2026-04-31"
    row("dues", 2)(document)["amount"] = "-1"

    problems = problems_of(text(document))

    assert [p.split(":")[0] for p in problems] == [
        "townships[0].members[0].gender",
        "townships[0].meetings[1].date",
        "townships[0].dues[2].amount",
    ]


def test_nothing_of_a_refused_document_is_written_on_an_empty_database(db):
    document = small_document()
    member(0)(document)["branch"] = "B999"

    problems_of(text(document))

    assert not County.objects.exists()
    assert not Township.objects.exists()
    assert not AuditLog.objects.filter(action="exchange.imported").exists()


# Who may import --------------------------------------------------------------------------------


def cast_document(cast, *, keep_linked_member=True) -> dict:
    """A document of the cast's township T1 that keeps the rows its users are linked to."""
    document = small_document(county=cast.county.code, township=cast.t1.code)
    township = _t(document)
    for b in (cast.b1, cast.b2):
        township["branches"].append({"code": b.code, "name": b.name, "kind": b.kind})
    if keep_linked_member:
        township["members"].append(_member(cast.m1.code, cast.b1.code, name=cast.m1.name))
    return document


def test_office_staff_import_their_own_township(cast):
    result = township_import(actor=cast.office, document=text(cast_document(cast)))

    assert result.codes == (cast.t1.code,)
    assert AuditLog.objects.get(action="exchange.imported").actor == cast.office


def test_office_staff_cannot_import_another_township(cast):
    with pytest.raises(ExchangeError) as caught:
        township_import(actor=cast.office2, document=text(cast_document(cast)))

    assert caught.value.problems == [
        f"townships[0].code: 您只能导入本乡镇（{cast.t2.code}）的数据，"
        f"不能导入乡镇 {cast.t1.code}。"
    ]


@pytest.mark.parametrize("role", ["reviewer", "secretary", "liaison", "member_user"])
def test_roles_other_than_office_staff_cannot_import(cast, role):
    with pytest.raises(ExchangeError) as caught:
        township_import(actor=getattr(cast, role), document=text(cast_document(cast)))

    assert caught.value.problems == ["$: 您没有导入乡镇数据的权限。"]


def test_a_member_with_a_user_account_is_not_deleted_by_an_import(cast):
    before = snapshot()

    with pytest.raises(ExchangeError) as caught:
        township_import(actor=None, document=text(cast_document(cast, keep_linked_member=False)))

    assert caught.value.problems == [
        f"townships[0].members: 党员 {cast.m1.code} 不在文件中，"
        "但用户账号 member 与其关联，不能删除。"
    ]
    assert snapshot() == before


# The commands ----------------------------------------------------------------------------------


def write(tmp_path, content: bytes | str, name="township.json") -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def test_import_command_imports_a_file_and_reports_the_counts(db, tmp_path):
    out = io.StringIO()

    call_command("import_township", write(tmp_path, text(small_document())), stdout=out)

    assert "370123101：新增" in out.getvalue()
    assert Township.objects.filter(code="370123101").exists()


def test_import_command_prints_every_problem_with_its_path_and_fails(db, tmp_path):
    document = small_document()
    meeting(0)(document)["attendance"]["M00031"] = "present"
    member(1)(document)["probation_ends_on"] = None
    err = io.StringIO()

    with pytest.raises(CommandError, match="共 2 个问题"):
        call_command("import_township", write(tmp_path, text(document)), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0].startswith("townships[0].members[1].probation_ends_on: ")
    assert lines[1] == "townships[0].meetings[0].attendance.M00031: 未知的党员 “M00031”。"
    assert not Township.objects.exists()


def test_import_command_dry_run_writes_nothing(db, tmp_path):
    out = io.StringIO()

    call_command(
        "import_township", write(tmp_path, text(small_document())), "--dry-run", stdout=out
    )

    assert "试运行" in out.getvalue()
    assert not Township.objects.exists()


def test_import_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_township", str(tmp_path / "nope.json"))


def test_import_command_exits_non_zero_without_a_traceback_for_a_bad_file(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    completed = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(REPO / "manage.py"), "import_township",
         write(tmp_path, b"\xff\xfe not utf-8")],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False,
    )  # fmt: skip

    assert completed.returncode == 1
    assert "$: 文件不是 UTF-8 编码" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_export_command_prints_the_document_of_a_township(db):
    import_text(small_document())
    out = io.StringIO()

    call_command("export_township", "--township", "370123101", stdout=out)

    assert out.getvalue() == document_dumps(township_export(townships=Township.objects.all()))
    assert json.loads(out.getvalue())["townships"][0]["code"] == "370123101"
    entry = AuditLog.objects.get(action="exchange.exported")
    assert entry.township.code == "370123101" and entry.actor_name == "manage.py"


def test_export_command_without_a_code_exports_the_only_county(db):
    import_text(small_document())
    out = io.StringIO()

    call_command("export_township", stdout=out)

    assert [t["code"] for t in json.loads(out.getvalue())["townships"]] == ["370123101"]


def test_export_command_asks_for_a_code_when_several_counties_exist(db):
    import_text(small_document())
    import_text(small_document(county="370124", township="370124101"))

    with pytest.raises(CommandError, match="--township"):
        call_command("export_township", stdout=io.StringIO())


def test_export_command_output_imports_back_through_the_import_command(db, tmp_path):
    import_text(small_document())
    out = io.StringIO()
    call_command("export_township", "--township", "370123101", stdout=out)
    before = snapshot()

    call_command("import_township", write(tmp_path, out.getvalue()), stdout=io.StringIO())

    assert snapshot() == before


def test_a_document_without_townships_is_refused_at_the_top_level_key(db):
    document = small_document()
    del document["townships"]

    assert problems_of(text(document)) == ["townships: 缺少必填字段。"]
