"""The `alliances` section of the exchange document (EXCHANGE.md “Cooperatives and alliances”):
round trip, idempotence, atomicity, and every error with its path."""

from __future__ import annotations

import copy

import pytest

from alliances.models import Alliance, Organisation, Wish
from branches.models import Township
from exchange.document import document_dumps
from exchange.exporter import township_export
from members.models import Member
from tests import factories as f
from tests.test_exchange import import_text, problems_of, small_document, text
from township.errors import ExchangeError

pytestmark = pytest.mark.django_db

T = "townships[0].alliances"


def alliances() -> list[dict]:
    # fmt: off
    return [
        {"code": "AL1", "name": "示例镇党建联盟", "kind": "core", "parent": None, "leader": "王强",
         "organisations": [
             {"code": "O1", "name": "东李庄党支部", "kind": "branch", "branch": "B001"},
             {"code": "O2", "name": "县供电公司党支部", "kind": "enterprise", "branch": None},
         ],
         "wishes": [
             {"id": "W1", "need": "修缮村口路灯", "raised_on": "2025-03-01",
              "claimed_by": "M00001", "claimed_on": "2025-03-02", "fulfilled_on": "2025-03-20",
              "evidence": "已修复"},
             {"id": "W2", "need": "为独居老人安装扶手", "raised_on": "2025-04-01"},
         ]},
        {"code": "AL2", "name": "红色联盟", "kind": "red", "parent": "AL1",
         "organisations": [
             {"code": "O1", "name": "西王村党支部", "kind": "branch", "branch": "B002"},
             {"code": "O2", "name": "镇政府机关", "kind": "agency"},
         ],
         "wishes": [{"id": "W1", "need": "送冬衣", "raised_on": "2025-11-01",
                     "claimed_by": "M00003", "claimed_on": "2025-11-01"}]},
    ]
    # fmt: on


def with_alliances(rows=None) -> dict:
    document = small_document()
    document["townships"][0]["alliances"] = alliances() if rows is None else rows
    return document


def exported() -> str:
    return document_dumps(township_export(townships=Township.objects.all()))


def test_the_example_section_imports():
    import_text(with_alliances())
    red = Alliance.objects.get(code="AL2")
    assert red.parent.code == "AL1" and red.kind == "red"
    assert Organisation.objects.get(alliance=red, code="O1").branch.code == "B002"
    wish = Wish.objects.get(alliance__code="AL1", code="W1")
    assert (wish.state, wish.claimed_by.code, wish.evidence) == ("fulfilled", "M00001", "已修复")
    assert Wish.objects.get(alliance__code="AL1", code="W2").state == "open"
    assert Member.objects.get(code="M00001").branch.code == "B001"


def test_export_import_export_is_identical():
    import_text(with_alliances())
    first = exported()
    assert '"alliances"' in first
    result = import_text(with_alliances())
    assert result.townships[0].by_kind["alliances"] == {"created": 0, "updated": 0, "deleted": 0}
    from exchange.importer import township_import

    township_import(actor=None, document=first)
    assert exported() == first


def test_an_import_mirrors_changes_and_removals():
    import_text(with_alliances())
    rows = alliances()
    rows[0]["organisations"] = rows[0]["organisations"][:1]  # O2 leaves
    rows[0]["wishes"][1]["claimed_by"] = "M00002"
    rows[0]["wishes"][1]["claimed_on"] = "2025-04-01"
    rows = rows[:1]  # AL2 is gone
    result = import_text(with_alliances(rows))
    assert list(Alliance.objects.values_list("code", flat=True)) == ["AL1"]
    assert not Organisation.objects.filter(code="O2").exists()
    assert Wish.objects.get(code="W2").claimed_by.code == "M00002"
    counts = result.townships[0].by_kind["alliances"]
    assert counts["deleted"] >= 2 and counts["updated"] == 1


def test_a_document_without_the_section_leaves_alliances_alone():
    import_text(with_alliances())
    document = small_document()
    import_text(document)
    assert Alliance.objects.count() == 2


def test_a_township_without_alliances_exports_no_section():
    import_text(small_document())
    assert '"alliances"' not in exported()


def test_an_empty_section_removes_the_alliances():
    import_text(with_alliances())
    import_text(with_alliances([]))
    assert not Alliance.objects.exists()


def test_a_bad_section_writes_nothing_at_all():
    rows = alliances()
    rows[1]["parent"] = "AL9"
    with pytest.raises(ExchangeError):
        import_text(with_alliances(rows))
    assert not Township.objects.exists() and not Member.objects.exists()


def _problems(rows) -> list[str]:
    return problems_of(text(with_alliances(rows)))


def test_an_unknown_kind_is_reported_with_its_path():
    rows = alliances()
    rows[1]["kind"] = "purple"
    rows[0]["organisations"][1]["kind"] = "church"
    problems = _problems(rows)
    assert any(p.startswith(f"{T}[1].kind: 未知的取值 “purple”") for p in problems)
    assert any(p.startswith(f"{T}[0].organisations[1].kind: 未知的取值 “church”") for p in problems)


def test_an_unknown_parent_is_reported():
    rows = alliances()
    rows[1]["parent"] = "AL9"
    assert _problems(rows) == [f"{T}[1].parent: 未知的上级联盟 “AL9”。"]


def test_a_cycle_of_parents_is_reported_at_each_alliance_on_it():
    rows = alliances()
    rows[0]["kind"] = "custom"
    rows[0]["parent"] = "AL2"
    assert _problems(rows) == [
        f"{T}[0].parent: 上级联盟形成循环（AL1 → AL2）。",
        f"{T}[1].parent: 上级联盟形成循环（AL1 → AL2）。",
    ]


def test_the_core_alliance_with_a_parent_is_reported():
    rows = alliances()
    rows[1]["kind"] = "core"
    rows[0]["kind"] = "custom"
    rows[0]["parent"] = None
    assert _problems(rows) == [f"{T}[1].parent: 镇级核心联盟不能有上级联盟。"]


def test_a_branch_on_an_outside_organisation_is_reported():
    rows = alliances()
    rows[0]["organisations"][1]["branch"] = "B002"
    assert _problems(rows) == [
        f"{T}[0].organisations[1].branch: "
        "只有类型为 branch 的成员单位才能填写 branch（此处为 enterprise）。"
    ]


def test_a_branch_organisation_without_its_branch_or_with_an_unknown_one_is_reported():
    rows = alliances()
    rows[0]["organisations"][0]["branch"] = None
    rows[1]["organisations"][0]["branch"] = "B999"
    assert _problems(rows) == [
        f"{T}[0].organisations[0].branch: 类型为 branch 的成员单位须填写党支部代码。",
        f"{T}[1].organisations[0].branch: 未知的党支部 “B999”。",
    ]


def test_an_unknown_member_in_claimed_by_is_reported():
    rows = alliances()
    rows[1]["wishes"][0]["claimed_by"] = "M99999"
    assert _problems(rows) == [f"{T}[1].wishes[0].claimed_by: 未知的党员 “M99999”。"]


def test_a_wish_claimed_the_day_before_it_was_raised_is_reported_the_same_day_is_not():
    rows = alliances()
    rows[1]["wishes"][0]["claimed_on"] = "2025-10-31"
    assert _problems(rows) == [
        f"{T}[1].wishes[0].claimed_on: 认领日期 2025-10-31 早于心愿提出日期 2025-11-01。"
    ]


def test_a_wish_fulfilled_the_day_before_its_claim_is_reported_the_same_day_is_not():
    rows = alliances()
    rows[0]["wishes"][0]["fulfilled_on"] = "2025-03-01"
    assert _problems(rows) == [
        f"{T}[0].wishes[0].fulfilled_on: 实现日期 2025-03-01 早于认领日期 2025-03-02。"
    ]
    rows[0]["wishes"][0]["fulfilled_on"] = "2025-03-02"
    import_text(with_alliances(rows))
    assert Wish.objects.get(alliance__code="AL1", code="W1").fulfilled_on.isoformat() == (
        "2025-03-02"
    )


def test_a_wish_fulfilled_without_a_claim_or_evidence_is_reported():
    rows = alliances()
    rows[0]["wishes"][1]["fulfilled_on"] = "2025-04-02"
    rows[0]["wishes"][0]["evidence"] = None
    assert _problems(rows) == [
        f"{T}[0].wishes[0].evidence: 已实现的心愿须填写实现佐证。",
        f"{T}[0].wishes[1].fulfilled_on: 心愿尚未认领，不能登记实现。",
        f"{T}[0].wishes[1].evidence: 已实现的心愿须填写实现佐证。",
    ]


def test_a_claim_without_its_date_is_reported():
    rows = alliances()
    del rows[1]["wishes"][0]["claimed_on"]
    assert _problems(rows) == [f"{T}[1].wishes[0].claimed_on: 认领党员与认领日期须同时填写。"]


def test_duplicate_codes_and_ids_are_reported():
    rows = alliances()
    rows.append(copy.deepcopy(rows[1]))
    rows[0]["organisations"].append(dict(rows[0]["organisations"][1]))
    rows[0]["wishes"].append(dict(rows[0]["wishes"][1]))
    problems = _problems(rows)
    assert f"{T}[2].code: 重复的联盟代码 “AL2”（首次出现于 {T}[1]）。" in problems
    assert any(p.startswith(f"{T}[0].organisations[2].code: 重复的成员单位代码") for p in problems)
    assert any(p.startswith(f"{T}[0].wishes[2].id: 重复的微心愿编号") for p in problems)


def test_a_branch_twice_in_one_alliance_is_reported():
    rows = alliances()
    rows[0]["organisations"].append(
        {"code": "O3", "name": "东李庄党支部", "kind": "branch", "branch": "B001"}
    )
    problems = _problems(rows)
    assert problems == [
        f"{T}[0].organisations[2].branch: "
        f"重复的成员党支部 “B001”（首次出现于 {T}[0].organisations[0]）。"
    ]


def test_a_branch_may_move_between_organisations_of_an_alliance(cast):
    import_text(with_alliances())
    rows = alliances()
    rows[0]["organisations"][0]["code"] = "O9"  # the same branch under a new code
    import_text(with_alliances(rows))
    assert Organisation.objects.get(alliance__code="AL1", branch__code="B001").code == "O9"


def test_exported_alliances_of_the_pages_import_back(cast):
    core = f.alliance(township=cast.t1, branches=[cast.b1], code="AL1")
    f.wish(alliance=core)
    document = township_export(townships=[cast.t1])
    before = document_dumps(document)
    Alliance.objects.all().delete()
    import_text(document)
    assert exported_of(cast.t1) == before


def exported_of(township) -> str:
    return document_dumps(township_export(townships=[Township.objects.get(pk=township.pk)]))


def test_an_alliance_left_out_of_the_file_goes_with_its_project_items():
    import_text(with_alliances())
    red = Alliance.objects.get(code="AL2")
    red.projects.create(
        kind="common", title="路灯", owner=red.organisations.get(code="O2"), due_on="2025-06-30"
    )
    import_text(with_alliances(alliances()[:1]))
    assert list(Alliance.objects.values_list("code", flat=True)) == ["AL1"]


def test_an_organisation_that_owns_project_items_cannot_be_left_out():
    import_text(with_alliances())
    core = Alliance.objects.get(code="AL1")
    core.projects.create(
        kind="common", title="路灯", owner=core.organisations.get(code="O2"), due_on="2025-06-30"
    )
    rows = alliances()
    rows[0]["organisations"] = rows[0]["organisations"][:1]
    problems = problems_of(text(with_alliances(rows)))
    assert len(problems) == 1 and "仍被其他数据引用" in problems[0]
    assert core.organisations.filter(code="O2").exists()
