"""The organisation's pages: the office enters, the others read their scope, lists paginate
with a bounded number of queries, and forms explain errors in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from branches import org_rules
from branches.models import (
    Cadre,
    ClassificationSheet,
    LiaisonAssignment,
    MeetingGuest,
    ModelVillageCheck,
)
from tests import factories as f
from tests.conftest import BACKEND

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def login(client, user):
    client.force_login(user, backend=BACKEND)
    return client


CADRE = {
    "branch": None,
    "name": "陈刚",
    "gender": "M",
    "birth_date": "1978-04-02",
    "education": "college",
    "party_post": "secretary",
    "village_post": "chair",
    "note": "",
}


def test_the_office_registers_a_secretary_who_chairs_the_committee(client, cast):
    login(client, cast.office)
    response = client.post(reverse("branches:cadre_create"), CADRE | {"branch": cast.b1.pk})
    assert response.status_code == 302
    c = Cadre.objects.get()
    assert (c.branch, c.party_post, c.village_post) == (cast.b1, "secretary", "chair")
    page = client.get(reverse("branches:cadre_roster")).content.decode()
    assert "陈刚" in page and "50.00%" in page  # B1 of B1 and B2 has a one-shoulder secretary


def test_a_reserve_cadre_with_a_post_is_refused_and_the_input_kept(client, cast):
    login(client, cast.office)
    data = CADRE | {"branch": cast.b1.pk, "reserve": "on", "village_post": ""}
    page = client.post(reverse("branches:cadre_create"), data)
    assert page.status_code == 200
    text = page.content.decode()
    assert "后备干部不担任“两委”职务" in text and 'value="陈刚"' in text
    assert not Cadre.objects.exists()


def test_the_office_cannot_register_a_cadre_in_another_township(client, cast):
    login(client, cast.office)
    page = client.post(reverse("branches:cadre_create"), CADRE | {"branch": cast.b3.pk})
    assert page.status_code == 200 and not Cadre.objects.exists()


def test_a_liaison_recorded_on_the_meeting_page_meets_the_quarters_duty(client, cast):
    point = LiaisonAssignment.objects.create(
        township=cast.t1, branch=cast.b1, cadre_name="刘镇长", year=2026
    )
    meeting = f.meeting(branch=cast.b1, type="lecture", date=dt.date(2026, 5, 12))
    login(client, cast.secretary)
    url = reverse("branches:meeting_guest_add", kwargs={"pk": meeting.pk})
    response = client.post(url, {"liaison-liaison": point.pk, "liaison-lectured": "on"})
    assert response.status_code == 302
    assert MeetingGuest.objects.get().lectured
    page = client.get(reverse("branches:liaison_duties"), {"year": 2026}).content.decode()
    assert "刘镇长" in page and "已落实" in page


def test_a_lecture_given_at_a_themed_day_is_refused_at_the_checkbox(client, cast):
    meeting = f.meeting(branch=cast.b1, type="themed_day", date=dt.date(2026, 5, 5))
    login(client, cast.office)
    url = reverse("branches:meeting_guest_add", kwargs={"pk": meeting.pk})
    page = client.post(url, {"lecturer-name": "王教授", "lecturer-lectured": "on"})
    body = page.content.decode()
    assert "外请人员未能登记" in body and "只有党课才能登记“讲党课”；这次会议是主题党日" in body
    assert 'value="王教授"' in body and not MeetingGuest.objects.exists()


def test_the_classification_form_enforces_each_indicators_maximum(client, cast):
    login(client, cast.office)
    url = reverse("branches:classification_edit", kwargs={"branch_id": cast.b1.pk, "year": 2026})
    data = {code: str(i.max_points) for code, i in org_rules.INDICATORS.items()}
    page = client.post(url, data | {"A1": "7.5"})
    assert "“班子结构合理、团结协作”最高 7 分。" in page.content.decode()
    assert not ClassificationSheet.objects.exists()
    assert client.post(url, data | {"A1": "0"}).status_code == 302
    sheet = ClassificationSheet.objects.get()
    assert (sheet.total, sheet.grade) == (Decimal("93.00"), "advanced")


def test_the_model_village_form_asks_for_evidence(client, cast):
    login(client, cast.office)
    url = reverse("branches:model_village_edit", kwargs={"branch_id": cast.b1.pk, "year": 2026})
    page = client.post(url, {"met_2": "on", "evidence_2": ""})
    assert "第 2 条标准“村书记讲政治、有能力、敢担当”达标须填写佐证材料。" in page.content.decode()
    data = {f"met_{n}": "on" for n in range(1, 11)} | {
        f"evidence_{n}": f"材料{n}" for n in range(1, 11)
    }
    assert client.post(url, data).status_code == 302
    assert ModelVillageCheck.objects.filter(met=True).count() == 10
    page = client.get(reverse("branches:model_village_list"), {"year": 2026}).content.decode()
    assert "50.00%" in page  # one of T1's two villages


def test_a_secretary_sees_only_their_village(client, cast):
    Cadre.objects.create(
        township=cast.t1,
        branch=cast.b2,
        name="钱七",
        gender="M",
        birth_date=dt.date(1980, 1, 1),
        education="senior",
        party_post="member",
    )
    login(client, cast.secretary)
    page = client.get(reverse("branches:cadre_roster")).content.decode()
    assert "东李庄党支部" in page and "钱七" not in page and "西王村党支部" not in page


def _villages(n: int, township) -> None:
    for i in range(n):
        b = f.branch(township=township)
        for j in range(2):
            Cadre.objects.create(
                township=township, branch=b, name=f"人{i}{j}", gender="F",
                birth_date=dt.date(1990, 1, 1), education="bachelor", reserve=j == 1,
                party_post="" if j else "member",
            )  # fmt: skip
        LiaisonAssignment.objects.create(
            township=township, branch=b, cadre_name=f"领导{i}", year=2026
        )
        ModelVillageCheck.objects.create(
            township=township, branch=b, year=2026, standard=1, met=True, evidence="材料"
        )
        sheet = ClassificationSheet.objects.create(
            township=township, branch=b, year=2026, total=Decimal(80), grade="average"
        )
        assert sheet.pk


PAGES = [
    ("branches:cadre_roster", 12),
    ("branches:liaison_duties", 12),
    ("branches:classification_list", 12),
    ("branches:model_village_list", 12),
]


@pytest.mark.parametrize(("name", "budget"), PAGES)
@pytest.mark.parametrize("n", [3, 40])
def test_org_lists_take_the_same_queries_for_3_and_40_villages(
    client, cast, name, budget, n, django_assert_max_num_queries
):
    _villages(n, cast.t1)
    login(client, cast.office)
    with django_assert_max_num_queries(budget):
        page = client.get(reverse(name), {"year": 2026})
    assert page.status_code == 200
    if n == 40:
        assert "第 1 / 2 页" in page.content.decode()  # 30 a page


@pytest.mark.parametrize("name", ["branches:classification_edit", "branches:model_village_edit"])
def test_a_year_outside_2000_to_2100_in_the_url_is_not_found(client, cast, name):
    login(client, cast.office)
    for year in (1999, 2101, 10**20):
        url = reverse(name, kwargs={"branch_id": cast.b1.pk, "year": year})
        assert client.get(url).status_code == 404


def test_only_the_most_specific_nav_entry_is_active(cast):
    from township.scoping import scope_for
    from township.templatetags.township_nav import navigation

    items = navigation(scope_for(cast.office), reverse("branches:cadre_roster"))
    assert [str(i["label"]) for i in items if i["active"]] == ["组织建设"]
    items = navigation(scope_for(cast.office), reverse("scoring:rectification_list"))
    assert [str(i["label"]) for i in items if i["active"]] == ["整改台账"]
    items = navigation(scope_for(cast.office), reverse("branches:branch_list"))
    assert [str(i["label"]) for i in items if i["active"]] == ["支部"]
