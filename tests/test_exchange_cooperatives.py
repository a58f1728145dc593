"""The `cooperatives` section of the exchange (EXCHANGE.md “Cooperatives and alliances”)."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from cooperatives.models import Account, Cooperative, Holder
from exchange.document import document_dumps
from exchange.exporter import township_export
from exchange.importer import township_import
from exchange.validate import document_validate
from members.models import Member
from tests.test_exchange import small_document
from township.errors import ExchangeError

CODE_OK = "93370123MA3C4Q5K8P"  # EXCHANGE.md's example, check character P
CODE_OK_2 = "91110000600037341L"


def coop_document() -> dict:
    doc = small_document()
    doc["townships"][0]["cooperatives"] = [
        {
            "code": "C01",
            "branch": "B001",
            "name": "东李庄富民种植专业合作社",
            "credit_code": CODE_OK,
            "model": "collective",
            "founded_on": "2021-04-01",
            "business": "蔬菜种植",
            "holders": [
                {"id": "H001", "kind": "collective", "name": "东李庄村股份经济合作社",
                 "contribution": "funds", "value": "200000.00", "shares": 200},
                {"id": "H002", "kind": "villager", "name": "张伟", "member": "M00001",
                 "contribution": "land", "value": "12000.00", "shares": 12},
            ],
            "accounts": [
                {"year": 2024, "profit": "-3500.50", "reserve_ratio": "0.00"},
                {"year": 2025, "profit": "100000.01", "reserve_ratio": "0.10"},
            ],
        },
        {
            "code": "C02",
            "branch": "B002",
            "name": "西王村劳务合作社",
            "credit_code": CODE_OK_2,
            "model": "joint",
            "founded_on": "2022-03-15",
            "business": "",
            "contact": "王强 13800000000",
            "holders": [
                {"id": "H001", "kind": "enterprise", "name": "县农投公司",
                 "contribution": "money", "value": "50000.00", "shares": 5},
            ],
            "accounts": [{"year": 2025, "profit": "0.00", "reserve_ratio": "0.125"}],
        },
    ]  # fmt: skip
    return doc


def cooperatives_of(doc: dict) -> list:
    return doc["townships"][0]["cooperatives"]


def test_the_section_imports_cooperatives_holders_and_accounts(db):
    township_import(actor=None, document=coop_document())
    c01 = Cooperative.objects.get(code="C01")
    assert (c01.branch.code, c01.credit_code, c01.model) == ("B001", CODE_OK, "collective")
    holders = list(c01.holders.order_by("code"))
    assert [(h.code, h.shares, h.value) for h in holders] == [
        ("H001", 200, Decimal("200000.00")),
        ("H002", 12, Decimal("12000.00")),
    ]
    assert holders[1].member == Member.objects.get(code="M00001")
    accounts = {a.year: a for a in c01.accounts.all()}
    assert accounts[2024].profit == Decimal("-3500.50")
    assert accounts[2025].reserve_ratio == Decimal("0.10")
    assert Cooperative.objects.get(code="C02").contact == "王强 13800000000"


def test_export_import_export_is_identical_with_cooperatives(db):
    township_import(actor=None, document=coop_document())
    township = Cooperative.objects.first().township
    first = township_export(townships=[township])
    assert cooperatives_of(first) == cooperatives_of(coop_document())
    Cooperative.objects.all().delete()
    township_import(actor=None, document=document_dumps(first))
    second = township_export(townships=[township])
    assert document_dumps(first) == document_dumps(second)


def test_the_section_is_exported_only_when_the_township_has_cooperatives(db):
    result = township_import(actor=None, document=small_document())
    from branches.models import Township

    township = Township.objects.get(code=result.townships[0].code)
    assert "cooperatives" not in township_export(townships=[township])["townships"][0]


def test_importing_the_same_file_twice_changes_nothing(db):
    township_import(actor=None, document=coop_document())
    before = [list(m.objects.order_by("pk").values()) for m in (Cooperative, Holder, Account)]
    result = township_import(actor=None, document=coop_document())
    after = [list(m.objects.order_by("pk").values()) for m in (Cooperative, Holder, Account)]
    assert before == after
    counts = result.townships[0].by_kind
    assert all(not any(counts[k].values()) for k in ("cooperatives", "holders", "accounts"))


def test_a_document_without_the_section_leaves_cooperatives_alone(db):
    township_import(actor=None, document=coop_document())
    township_import(actor=None, document=small_document())
    assert Cooperative.objects.count() == 2


def test_holders_and_accounts_missing_from_the_file_are_deleted(db):
    township_import(actor=None, document=coop_document())
    doc = coop_document()
    cooperatives_of(doc)[0]["holders"].pop()
    cooperatives_of(doc)[0]["accounts"].pop(0)
    del cooperatives_of(doc)[1]
    result = township_import(actor=None, document=doc)
    assert list(Holder.objects.values_list("code", flat=True)) == ["H001"]
    assert list(Account.objects.values_list("year", flat=True)) == [2025]
    assert result.townships[0].by_kind["cooperatives"]["deleted"] == 1


def _refused(doc: dict) -> list[str]:
    with pytest.raises(ExchangeError) as caught:
        township_import(actor=None, document=doc)
    assert not Cooperative.objects.exists()
    return caught.value.problems


P = "townships[0].cooperatives[0]"


def _set(path: list, value):
    def mutate(doc):
        target = cooperatives_of(doc)[0]
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return mutate


ERRORS = [
    # credit code: its length, its alphabet, its check character
    (_set(["credit_code"], CODE_OK[:-1]), f"{P}.credit_code", "18 位"),
    (_set(["credit_code"], CODE_OK + "0"), f"{P}.credit_code", "18 位"),
    (_set(["credit_code"], "93370123MA3C4Q5KIP"), f"{P}.credit_code", "18 位"),  # I is not used
    (_set(["credit_code"], "93370123ma3c4q5k8p"), f"{P}.credit_code", "18 位"),
    (_set(["credit_code"], "93370123MA3C4Q5K8Q"), f"{P}.credit_code", "校验位"),
    # shares: a positive integer
    (_set(["holders", 0, "shares"], 0), f"{P}.holders[0].shares", "正整数"),
    (_set(["holders", 0, "shares"], -3), f"{P}.holders[0].shares", "正整数"),
    (_set(["holders", 0, "shares"], "200"), f"{P}.holders[0].shares", "正整数"),
    (_set(["holders", 0, "shares"], Decimal("1.5")), f"{P}.holders[0].shares", "正整数"),
    (_set(["holders", 0, "shares"], True), f"{P}.holders[0].shares", "正整数"),
    (_set(["holders", 0, "shares"], KeyError), f"{P}.holders[0].shares", "缺少"),
    # value and profit: decimals (profit may be negative, value not)
    (_set(["holders", 0, "value"], "12,000"), f"{P}.holders[0].value", "十进制"),
    (_set(["holders", 0, "value"], "-1.00"), f"{P}.holders[0].value", "非负"),
    (_set(["holders", 0, "value"], "1.001"), f"{P}.holders[0].value", "两位小数"),
    (_set(["accounts", 0, "profit"], "abc"), f"{P}.accounts[0].profit", "十进制"),
    (_set(["accounts", 0, "profit"], "1.005"), f"{P}.accounts[0].profit", "两位小数"),
    # the reserve ratio: 0 ≤ r < 1
    (_set(["accounts", 0, "reserve_ratio"], "1"), f"{P}.accounts[0].reserve_ratio", "范围"),
    (_set(["accounts", 0, "reserve_ratio"], "1.00"), f"{P}.accounts[0].reserve_ratio", "范围"),
    (_set(["accounts", 0, "reserve_ratio"], "-0.01"), f"{P}.accounts[0].reserve_ratio", "范围"),
    (_set(["accounts", 0, "reserve_ratio"], "x"), f"{P}.accounts[0].reserve_ratio", "十进制"),
    (
        _set(["accounts", 0, "reserve_ratio"], "0.12345"),
        f"{P}.accounts[0].reserve_ratio",
        "四位小数",
    ),
    # two accounts for one year
    (_set(["accounts", 1, "year"], 2024), f"{P}.accounts[1].year", "两份决算"),
    # references, enums, codes
    (_set(["branch"], "B999"), f"{P}.branch", "B999"),
    (_set(["holders", 1, "member"], "M99999"), f"{P}.holders[1].member", "M99999"),
    (_set(["model"], "coop"), f"{P}.model", "coop"),
    (_set(["holders", 0, "kind"], "state"), f"{P}.holders[0].kind", "state"),
    (_set(["holders", 0, "contribution"], "gold"), f"{P}.holders[0].contribution", "gold"),
    (_set(["holders", 1, "id"], "H001"), f"{P}.holders[1].id", "重复"),
    (_set(["founded_on"], "2021-02-30"), f"{P}.founded_on", "日期无效"),
]


@pytest.mark.parametrize(("mutate", "path", "message"), ERRORS)
def test_a_wrong_cooperative_is_refused_with_its_path(db, mutate, path, message):
    doc = coop_document()
    mutate(doc)
    problems = _refused(doc)
    assert any(p.startswith(f"{path}: ") and message in p for p in problems), problems


def test_the_reserve_ratio_just_under_one_is_accepted(db):
    doc = coop_document()
    cooperatives_of(doc)[0]["accounts"][0]["reserve_ratio"] = "0.9999"
    township_import(actor=None, document=doc)
    assert Account.objects.get(year=2024).reserve_ratio == Decimal("0.9999")


def test_a_cooperative_code_given_twice_is_refused(db):
    doc = coop_document()
    cooperatives_of(doc)[1]["code"] = "C01"
    problems = _refused(doc)
    assert any(p.startswith("townships[0].cooperatives[1].code: ") for p in problems), problems


def test_the_section_must_be_a_list(db):
    doc = coop_document()
    doc["townships"][0]["cooperatives"] = {"code": "C01"}
    assert _refused(doc) == ["townships[0].cooperatives: 应为列表（[…]）。"]


def test_a_profit_may_be_negative_and_a_share_count_large(db):
    doc = coop_document()
    cooperatives_of(doc)[0]["accounts"][0]["profit"] = "-999999999999.99"
    cooperatives_of(doc)[0]["holders"][0]["shares"] = 2_000_000_000
    _parsed, problems = document_validate(copy.deepcopy(doc))
    assert problems == []
    cooperatives_of(doc)[0]["holders"][0]["shares"] = 2_000_000_001
    _parsed, problems = document_validate(doc)
    assert problems == [f"{P}.holders[0].shares: 股数应为正整数。"]
