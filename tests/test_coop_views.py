"""The cooperatives pages: forms through the services, what the pages show, query budgets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperatives import rules, services
from cooperatives.models import Account, Cooperative, Holder, JudgeScore, ProgressEntry
from tests import factories as f
from tests.conftest import BACKEND


@pytest.fixture
def office(client, cast):
    client.force_login(cast.office, backend=BACKEND)
    return client


def test_the_office_registers_a_cooperative_and_lands_on_its_page(office, cast):
    response = office.post(
        reverse("cooperatives:create"),
        {
            "branch": cast.b1.pk,
            "code": "C01",
            "name": "富民合作社",
            "credit_code": "93370123MA3C4Q5K8P",
            "model": "joint",
            "founded_on": "2021-04-01",
            "business": "蔬菜",
            "contact": "",
        },
    )
    coop = Cooperative.objects.get()
    assert response["Location"] == reverse("cooperatives:detail", args=[coop.pk])
    assert (coop.township, coop.model) == (cast.t1, "joint")


def test_a_wrong_check_character_is_shown_at_the_field(office, cast):
    response = office.post(
        reverse("cooperatives:create"),
        {"branch": cast.b1.pk, "code": "C01", "name": "x", "credit_code": "93370123MA3C4Q5K8Q",
         "model": "joint", "founded_on": "2021-04-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "校验位不正确" in str(response.context["form"].errors["credit_code"])
    assert not Cooperative.objects.exists()


def test_a_secretary_cannot_register_a_cooperative_for_another_branch(client, cast):
    client.force_login(cast.secretary, backend=BACKEND)
    response = client.post(
        reverse("cooperatives:create"),
        {"branch": cast.b2.pk, "code": "C01", "name": "x", "credit_code": f.CREDIT_CODE,
         "model": "joint", "founded_on": "2021-04-01"},
    )  # fmt: skip
    assert "branch" in response.context["form"].errors
    assert not Cooperative.objects.exists()


def test_editing_a_cooperative_saves_the_change_and_audits_it(office, cast):
    coop = f.cooperative(branch=cast.b1, name="旧名")
    data = {"branch": cast.b1.pk, "code": coop.code, "name": "新名", "credit_code": f.CREDIT_CODE,
            "model": "collective", "founded_on": "2021-04-01"}  # fmt: skip
    office.post(reverse("cooperatives:edit", args=[coop.pk]), data)
    coop.refresh_from_db()
    assert coop.name == "新名"
    from township.models import AuditLog

    assert AuditLog.objects.get(action="cooperatives.cooperative.changed").data["changes"] == {
        "name": ["旧名", "新名"]
    }


def test_the_register_shows_each_holders_share_of_the_total(office, cast):
    coop = f.cooperative(branch=cast.b1)
    for shares in (1, 1, 1):
        f.holder(cooperative=coop, shares=shares)
    page = office.get(reverse("cooperatives:detail", args=[coop.pk])).content.decode()
    assert page.count("33.33%") == 3 and "100.00%" in page


def test_a_holder_is_added_through_the_form(office, cast):
    coop = f.cooperative(branch=cast.b1)
    response = office.post(
        reverse("cooperatives:holder_create", args=[coop.pk]),
        {"code": "H001", "kind": "villager", "name": "张伟", "member": cast.m1.pk,
         "contribution": "land", "value": "12000.00", "shares": "0"},
    )  # fmt: skip
    assert "shares" in response.context["form"].errors  # 0 shares: one below the smallest
    office.post(
        reverse("cooperatives:holder_create", args=[coop.pk]),
        {"code": "H001", "kind": "villager", "name": "张伟", "member": cast.m1.pk,
         "contribution": "land", "value": "12000.00", "shares": "1"},
    )  # fmt: skip
    assert Holder.objects.get().member == cast.m1


def test_a_loss_year_shows_no_dividends_and_a_profit_year_sums_exactly(office, cast):
    coop = f.cooperative(branch=cast.b1)
    for _ in range(7):
        f.holder(cooperative=coop, shares=10)
    Account.objects.create(cooperative=coop, year=2024, profit=Decimal("-100.00"))
    Account.objects.create(cooperative=coop, year=2025, profit=Decimal("100000.01"))
    page = office.get(reverse("cooperatives:detail", args=[coop.pk])).content.decode()
    assert "本年度没有盈利" in page
    assert page.count("14285.72") == 4 and page.count("14285.71") == 3


def test_the_account_form_refuses_a_reserve_ratio_of_one(office, cast):
    coop = f.cooperative(branch=cast.b1)
    response = office.post(
        reverse("cooperatives:account_set", args=[coop.pk]),
        {"year": "2025", "profit": "100.00", "reserve_ratio": "1"},
    )
    assert "reserve_ratio" in response.context["form"].errors
    office.post(
        reverse("cooperatives:account_set", args=[coop.pk]),
        {"year": "2025", "profit": "-100.00", "reserve_ratio": "0.9999"},
    )
    assert Account.objects.get().profit == Decimal("-100.00")


def test_the_overview_lists_late_pairings_first(office, cast):
    today = timezone.localdate()
    checked = rules.progress_month_checked(today=today, close_day=cast.t1.close_day)
    on_time = f.pairing(branch=cast.b1, enterprise="准时企业", started_on=dt.date(2020, 1, 1))
    ProgressEntry.objects.create(pairing=on_time, month=checked, text="进展", entered_on=today)
    f.pairing(branch=cast.b2, enterprise="逾期企业", started_on=dt.date(2020, 1, 1))
    page = office.get(reverse("cooperatives:pairing_list")).content.decode()
    assert page.index("逾期企业") < page.index("准时企业")
    assert f"逾期：缺 {checked:%Y-%m} 进展" in page
    assert page.count("badge bad") == 1


def test_the_contest_page_explains_a_tie_at_a_tier_boundary(office, cast):
    contest = f.contest(township=cast.t1, first_count=1, second_count=2, third_count=3)
    for branch in (cast.b1, cast.b2):
        entry = services.contest_entry_save(
            actor=cast.office, contest=contest, branch=branch, secretary_name="书记", team_names=""
        )
        JudgeScore.objects.create(entry=entry, judge="甲", score=Decimal("90"))
    page = office.get(reverse("cooperatives:contest_detail", args=[contest.pk])).content.decode()
    assert (
        "东李庄党支部、西王村党支部 得分并列，超出一等奖名额，但未超过一等奖上限：全部获一等奖。"
        in page
    )
    assert page.count("一等奖</td>") == 2


def test_a_secretary_records_an_activity_without_a_subsidy_field(client, cast):
    client.force_login(cast.secretary, backend=BACKEND)
    form = client.get(reverse("cooperatives:activity_create")).context["form"]
    assert "subsidy" not in form.fields
    client.post(
        reverse("cooperatives:activity_create"),
        {"branch": cast.b1.pk, "date": "2025-05-01", "kind": "walk", "title": "健步走",
         "participants": "40", "subsidy": "5000"},
    )  # fmt: skip
    assert cast.b1.group_activities.get().subsidy == 0


# --- query budgets: the same for small and large lists -------------------------------------


def _many(cast, n: int) -> None:
    for i in range(n):
        branch = cast.b1 if i % 2 else cast.b2
        coop = f.cooperative(branch=branch)
        f.holder(cooperative=coop)
        pairing = f.pairing(branch=branch)
        ProgressEntry.objects.create(
            pairing=pairing, month=dt.date(2025, 1, 1), text="x", entered_on=dt.date(2025, 2, 1)
        )
        project = f.led_project(branch=branch)
        project.evaluations.create(quarter=1, rating="好", subsidy=Decimal(0))
        f.group_activity(branch=branch)


# Measured: the same count for 5 and for 50 rows of each kind (session, user, page queries).
BUDGETS = {
    "cooperatives:list": 6,
    "cooperatives:pairing_list": 7,
    "cooperatives:project_list": 13,  # with the fund: five aggregates
    "cooperatives:activity_list": 6,
    "cooperatives:contest_list": 5,
}


@pytest.mark.parametrize("name", BUDGETS)
@pytest.mark.parametrize("n", [5, 50])
def test_list_pages_keep_their_query_count(office, cast, django_assert_max_num_queries, name, n):
    _many(cast, n)
    with django_assert_max_num_queries(BUDGETS[name]):
        assert office.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("n", [3, 60])
def test_a_cooperatives_page_keeps_its_query_count(office, cast, django_assert_max_num_queries, n):
    coop = f.cooperative(branch=cast.b1)
    for _ in range(n):
        f.holder(cooperative=coop, member=cast.m1)
    for year in (2023, 2024, 2025):
        Account.objects.create(cooperative=coop, year=year, profit=Decimal("1000.00"))
    with django_assert_max_num_queries(7):
        assert office.get(reverse("cooperatives:detail", args=[coop.pk])).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_the_contest_page_keeps_its_query_count(office, cast, django_assert_max_num_queries, n):
    contest = f.contest(township=cast.t1)
    for _ in range(n):
        branch = f.branch(township=cast.t1)
        entry = contest.entries.create(branch=branch, secretary_name="书记")
        entry.scores.create(judge="甲", score=Decimal("80"))
    with django_assert_max_num_queries(8):
        assert (
            office.get(reverse("cooperatives:contest_detail", args=[contest.pk])).status_code == 200
        )
