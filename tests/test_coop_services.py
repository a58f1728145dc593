"""cooperatives/services.py: the writes, their checks at each boundary, the fund and the audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cooperatives import services
from cooperatives.models import Account, Award, Cooperative, GroupActivity, ProjectEvaluation
from tests import factories as f
from township.errors import ApplicationError
from township.models import AuditLog


def coop_fields(**kw) -> dict:
    return {
        "code": "C01",
        "name": "富民合作社",
        "credit_code": f.CREDIT_CODE,
        "model": "collective",
        "founded_on": dt.date(2021, 4, 1),
        "business": "",
        "contact": "",
        **kw,
    }


@pytest.mark.parametrize(
    "code", ["91110000600037341L", "93370123MA3C4Q5K8P", "9111 0000 6000 3734 1L"]
)
def test_a_valid_credit_code_is_accepted(cast, code):
    coop = services.cooperative_create(
        actor=cast.office, branch=cast.b1, **coop_fields(credit_code=code)
    )
    assert coop.credit_code == code.replace(" ", "")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91110000600037341M", "校验位"),  # one check character off
        ("91110000600037341", "18 位"),  # one short
        ("91110000600037341LL", "18 位"),  # one long
        ("9111000060003734IL", "18 位"),  # I is not in the alphabet
    ],
)
def test_an_invalid_credit_code_is_refused(cast, code, message):
    with pytest.raises(ApplicationError) as caught:
        services.cooperative_create(
            actor=cast.office, branch=cast.b1, **coop_fields(credit_code=code)
        )
    assert message in str(caught.value.message)
    assert caught.value.extra["field"] == "credit_code"
    assert not Cooperative.objects.exists()


def test_creating_a_cooperative_is_audited_in_its_township(cast):
    coop = services.cooperative_create(actor=cast.office, branch=cast.b1, **coop_fields())
    entry = AuditLog.objects.get(action="cooperatives.cooperative.created")
    assert (entry.township_id, entry.object_id) == (cast.t1.pk, str(coop.pk))


def test_a_code_is_unique_within_the_township(cast):
    services.cooperative_create(actor=cast.office, branch=cast.b1, **coop_fields())
    with pytest.raises(ApplicationError, match="C01"):
        services.cooperative_create(actor=cast.office, branch=cast.b2, **coop_fields())
    services.cooperative_create(actor=cast.office2, branch=cast.b3, **coop_fields())  # T2


def test_moving_a_cooperative_to_another_townships_branch_is_refused(cast):
    coop = f.cooperative(branch=cast.b1)
    fields = coop_fields(code=coop.code, branch=cast.b3)
    with pytest.raises(ApplicationError, match="不属于本乡镇"):
        services.cooperative_update(actor=cast.office, cooperative=coop, **fields)


def test_an_update_records_what_changed(cast):
    coop = f.cooperative(branch=cast.b1, name="旧名")
    services.cooperative_update(
        actor=cast.office, cooperative=coop, **coop_fields(code=coop.code, name="新名")
    )
    entry = AuditLog.objects.get(action="cooperatives.cooperative.changed")
    assert entry.data["changes"] == {"name": ["旧名", "新名"]}


def holder_fields(**kw) -> dict:
    return {
        "code": "H001",
        "kind": "villager",
        "name": "张伟",
        "member": None,
        "contribution": "land",
        "value": Decimal("12000.00"),
        "shares": 12,
        **kw,
    }


def test_one_share_is_the_smallest_holding(cast):
    coop = f.cooperative(branch=cast.b1)
    holder = services.holder_save(actor=cast.office, cooperative=coop, **holder_fields(shares=1))
    assert holder.shares == 1
    with pytest.raises(ApplicationError, match="正整数"):
        services.holder_save(
            actor=cast.office, cooperative=coop, **holder_fields(code="H002", shares=0)
        )


def test_a_holder_may_be_a_member_of_the_same_township_only(cast):
    coop = f.cooperative(branch=cast.b1)
    services.holder_save(actor=cast.office, cooperative=coop, **holder_fields(member=cast.m1))
    with pytest.raises(ApplicationError, match="党员不属于本乡镇"):
        services.holder_save(
            actor=cast.office, cooperative=coop, **holder_fields(code="H2", member=cast.m3)
        )


@pytest.mark.parametrize(
    ("ratio", "ok"),
    [("0", True), ("0.9999", True), ("1", False), ("1.0001", False), ("-0.0001", False)],
)
def test_the_reserve_ratio_is_at_least_0_and_below_1(cast, ratio, ok):
    coop = f.cooperative(branch=cast.b1)
    call = lambda: services.account_save(  # noqa: E731
        actor=cast.office,
        cooperative=coop,
        year=2025,
        profit=Decimal("100.00"),
        reserve_ratio=Decimal(ratio),
    )
    if ok:
        assert call().reserve_ratio == Decimal(ratio)
    else:
        with pytest.raises(ApplicationError, match="公积金提取比例"):
            call()


def test_a_second_account_of_a_year_replaces_the_first(cast):
    coop = f.cooperative(branch=cast.b1)
    for profit in ("-500.00", "800.00"):
        services.account_save(
            actor=cast.office,
            cooperative=coop,
            year=2025,
            profit=Decimal(profit),
            reserve_ratio=Decimal("0.1"),
        )
    assert list(Account.objects.values_list("year", "profit")) == [(2025, Decimal("800.00"))]


# --- the fund ---------------------------------------------------------------------------------


def fund(cast, amount: str):
    services.fund_deposit_add(
        actor=cast.office, township=cast.t1, date=dt.date(2025, 1, 2), amount=Decimal(amount)
    )


def test_a_subsidy_of_exactly_the_balance_is_granted_and_one_cent_more_is_refused(cast):
    fund(cast, "1000.00")
    project = f.led_project(branch=cast.b1)
    with pytest.raises(ApplicationError, match=r"资金池余额不足：余额 1000\.00 元"):
        services.project_evaluate(
            actor=cast.office, project=project, quarter=1, rating="好", subsidy=Decimal("1000.01")
        )
    services.project_evaluate(
        actor=cast.office, project=project, quarter=1, rating="好", subsidy=Decimal("1000.00")
    )
    assert services.selectors.fund_balance_cents(township_id=cast.t1.pk)["balance"] == 0


def test_changing_a_quarters_subsidy_counts_the_old_one_back(cast):
    fund(cast, "1000.00")
    project = f.led_project(branch=cast.b1)
    for subsidy in ("600.00", "1000.00"):
        services.project_evaluate(
            actor=cast.office, project=project, quarter=2, rating="好", subsidy=Decimal(subsidy)
        )
    assert ProjectEvaluation.objects.get().subsidy == Decimal("1000.00")


@pytest.mark.parametrize("quarter", [0, 5])
def test_a_quarter_is_1_to_4(cast, quarter):
    project = f.led_project(branch=cast.b1)
    with pytest.raises(ApplicationError, match="季度"):
        services.project_evaluate(
            actor=cast.office, project=project, quarter=quarter, rating="", subsidy=Decimal(0)
        )


def test_another_townships_deposits_do_not_pay_for_this_one(cast):
    services.fund_deposit_add(
        actor=cast.office2, township=cast.t2, date=dt.date(2025, 1, 2), amount=Decimal(5000)
    )
    activity = f.group_activity(branch=cast.b1)
    with pytest.raises(ApplicationError, match=r"余额 0\.00 元"):
        services.group_activity_subsidise(actor=cast.office, activity=activity, subsidy=Decimal(1))


def test_an_activity_subsidy_is_taken_from_the_fund_and_audited(cast):
    fund(cast, "800.00")
    activity = f.group_activity(branch=cast.b1)
    services.group_activity_subsidise(actor=cast.office, activity=activity, subsidy=Decimal(300))
    assert GroupActivity.objects.get().subsidy == Decimal("300.00")
    assert services.selectors.fund_balance_cents(township_id=cast.t1.pk)["balance"] == 50000
    entry = AuditLog.objects.get(action="cooperatives.activity.subsidised")
    assert entry.data == {"changes": {"subsidy": ["0.00", "300.00"]}}


# --- the contest -------------------------------------------------------------------------------


def scored_contest(cast, scores: dict, **counts):
    contest = f.contest(township=cast.t1, **counts)
    for branch, (secretary, team, points) in scores.items():
        entry = services.contest_entry_save(
            actor=cast.office,
            contest=contest,
            branch=branch,
            secretary_name=secretary,
            team_names="\n".join(team),
        )
        for judge, score in enumerate(points, start=1):
            services.judge_score_set(
                actor=cast.office, entry=entry, judge=f"评委{judge}", score=Decimal(score)
            )
    return contest


def test_awarding_a_contest_stores_the_prizes_and_splits_them_to_the_cent(cast):
    fund(cast, "100000.00")
    b5 = f.branch(township=cast.t1)
    contest = scored_contest(
        cast,
        {
            cast.b1: ("王书记", ["甲", "乙", "丙"], ["95", "93"]),
            cast.b2: ("李书记", ["丁", "戊", "己", "庚", "辛", "壬", "癸"], ["90", "90"]),
            b5: ("赵书记", [], ["80", "80"]),
        },
        first_count=1,
        second_count=2,
        third_count=3,
    )
    services.contest_award(actor=cast.office, contest=contest)
    awards = {a.entry.branch_id: a for a in Award.objects.select_related("entry")}
    assert awards[cast.b1.pk].tier == 1 and awards[cast.b1.pk].shares == [
        ["王书记", "secretary", 1200000],
        ["甲", "member", 600000],
        ["乙", "member", 600000],
        ["丙", "member", 600000],
    ]
    b2_cents = [c for _n, _r, c in awards[cast.b2.pk].shares]
    assert awards[cast.b2.pk].tier == 2 and sum(b2_cents) == 2000000
    assert b2_cents[0] == 800000 and max(b2_cents[1:]) - min(b2_cents[1:]) == 1
    assert awards[b5.pk].tier == 2 and awards[b5.pk].shares == [["赵书记", "secretary", 2000000]]
    balance = services.selectors.fund_balance_cents(township_id=cast.t1.pk)["balance"]
    assert balance == 10000000 - 7000000
    with pytest.raises(ApplicationError, match="已经颁奖"):
        services.contest_award(actor=cast.office, contest=contest)


def test_a_contest_whose_prizes_exceed_the_fund_is_not_awarded(cast):
    fund(cast, "29999.99")
    contest = scored_contest(cast, {cast.b1: ("王书记", ["甲"], ["90"])})
    with pytest.raises(ApplicationError, match="资金池余额不足"):
        services.contest_award(actor=cast.office, contest=contest)
    assert not Award.objects.exists()


def test_a_contest_with_an_unscored_entry_is_not_awarded(cast):
    fund(cast, "100000.00")
    contest = scored_contest(cast, {cast.b1: ("王书记", [], ["90"]), cast.b2: ("李", [], [])})
    with pytest.raises(ApplicationError, match="西王村党支部"):
        services.contest_award(actor=cast.office, contest=contest)


@pytest.mark.parametrize(("score", "ok"), [("0", True), ("100", True), ("100.01", False)])
def test_a_judges_score_is_0_to_100(cast, score, ok):
    contest = scored_contest(cast, {cast.b1: ("王书记", [], [])})
    entry = contest.entries.get()
    if ok:
        services.judge_score_set(actor=cast.office, entry=entry, judge="甲", score=Decimal(score))
    else:
        with pytest.raises(ApplicationError, match="0 到 100"):
            services.judge_score_set(
                actor=cast.office, entry=entry, judge="甲", score=Decimal(score)
            )


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        ({"first_count": 0}, "first_count"),
        ({"first_count": 4}, "first_count"),
        ({"second_count": 1}, "second_count"),
        ({"second_count": 7}, "second_count"),
    ],
)
def test_prize_counts_stay_within_the_product_ranges(cast, counts, field):
    values = {"first_count": 3, "second_count": 6, "third_count": 0, **counts}
    with pytest.raises(ApplicationError) as caught:
        services.contest_create(actor=cast.office, township=cast.t1, year=2025, month=6, **values)
    assert caught.value.extra["field"] == field


def test_the_widest_prize_counts_are_accepted(cast):
    for low, month in (
        (dict(first_count=1, second_count=2), 6),
        (dict(first_count=3, second_count=6), 12),
    ):
        contest = services.contest_create(
            actor=cast.office, township=cast.t1, year=2025, month=month, third_count=0, **low
        )
        assert contest.pk


def test_contests_are_held_in_june_and_december_only(cast):
    with pytest.raises(ApplicationError, match="6 月或 12 月"):
        services.contest_create(
            actor=cast.office,
            township=cast.t1,
            year=2025,
            month=7,
            first_count=1,
            second_count=2,
            third_count=3,
        )


# --- pairings --------------------------------------------------------------------------------


def test_progress_of_a_month_is_recorded_once_and_corrected_in_place(cast):
    pairing = f.pairing(branch=cast.b1)
    services.progress_record(
        actor=cast.secretary, pairing=pairing, month=dt.date(2025, 3, 9), text="a"
    )
    services.progress_record(
        actor=cast.secretary, pairing=pairing, month=dt.date(2025, 3, 1), text="b"
    )
    entry = pairing.progress.get()
    assert (entry.month, entry.text) == (dt.date(2025, 3, 1), "b")


def test_progress_for_a_month_not_yet_begun_is_refused(cast):
    pairing = f.pairing(branch=cast.b1)
    with pytest.raises(ApplicationError, match="尚未到来"):
        services.progress_record(
            actor=cast.secretary, pairing=pairing, month=dt.date(2999, 1, 1), text="a"
        )
