"""Organisation management pages (/branches/manage/): forms refuse hostile values, the account's
password is shown once, lists paginate with constant queries, other townships answer 404."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from branches import services_admin as svc
from branches.models import Area, Branch, BranchAreaMove
from members.models import BranchTransfer
from tests import factories as f
from township.models import AuditLog, User

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def login(client, user):
    client.force_login(user, backend=BACKEND)
    return client


BRANCH_FORM = {
    "code": "B900",
    "name": "新村党支部",
    "kind": "village",
    "area": "",
    "general_branch": "",
    "has_groups": "on",
    "ranked": "",
}


def test_the_office_creates_a_branch_in_its_township(client, cast):
    login(client, cast.office)
    response = client.post(reverse("branches:manage_branch_create"), BRANCH_FORM)
    branch = Branch.objects.get(code="B900")
    assert response.status_code == 302
    assert response["Location"] == reverse("branches:branch_detail", args=[branch.pk])
    assert (branch.township, branch.ranked, branch.has_groups, branch.active) == (
        cast.t1,
        True,
        True,
        True,
    )


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("code", "B9\x00", "空字符"),
        ("code", "B\x07", "控制字符"),
        ("name", "名" * 101, "100"),
        ("kind", "castle", "castle"),
        ("ranked", "maybe", "maybe"),
        ("area", "99999999999999999999999", "选择一个有效的选项"),
        ("general_branch", "-1", "选择一个有效的选项"),
        ("code", "", "这个字段是必填项"),
    ],
)
def test_hostile_branch_values_are_refused_at_their_field(client, cast, field, value, shown):
    login(client, cast.office)
    response = client.post(reverse("branches:manage_branch_create"), BRANCH_FORM | {field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert shown in page and 'id="field-' + field in page
    assert "请更正下面标出的错误" in page
    assert not Branch.objects.filter(name="新村党支部").exists()


def test_another_townships_area_or_general_branch_is_not_a_choice(client, cast):
    area = Area.objects.create(township=cast.t2, code="A1", name="东片")
    login(client, cast.office)
    for field, value in (("area", area.pk), ("general_branch", cast.b3.pk)):
        response = client.post(
            reverse("branches:manage_branch_create"), BRANCH_FORM | {field: value}
        )
        assert "选择一个有效的选项" in response.content.decode()
    assert not Branch.objects.filter(code="B900").exists()


def test_a_cycle_of_general_branches_is_shown_at_the_field(client, cast):
    svc.branch_update(actor=cast.office, branch=cast.b2, general_branch=cast.b1)
    login(client, cast.office)
    data = {
        "code": cast.b1.code,
        "name": cast.b1.name,
        "kind": "village",
        "general_branch": cast.b2.pk,
        "has_groups": "on",
        "ranked": "1",
    }
    response = client.post(reverse("branches:manage_branch_edit", args=[cast.b1.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "不能隶属于自己或自己的下级" in page
    assert f'<option value="{cast.b2.pk}" selected>' in page  # what was typed is kept


def test_an_area_change_on_the_edit_page_is_kept_as_a_move(client, cast):
    area = Area.objects.create(township=cast.t1, code="A1", name="东片")
    login(client, cast.office)
    data = {"code": cast.b1.code, "name": cast.b1.name, "kind": "village", "area": area.pk}
    data |= {"has_groups": "on", "ranked": "1"}
    client.post(reverse("branches:manage_branch_edit", args=[cast.b1.pk]), data)
    assert BranchAreaMove.objects.filter(branch=cast.b1, to_area=area).exists()
    page = client.get(reverse("branches:branch_detail", args=[cast.b1.pk])).content.decode()
    assert "片区调整" in page and "东片" in page


def test_creating_an_account_shows_its_password_once(client, cast):
    login(client, cast.office)
    url = reverse("branches:manage_account_create", args=[cast.b2.pk])
    response = client.post(url, {"role": "secretary", "full_name": "周敏", "username": "zhoumin"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    assert password in response.content.decode()
    user = User.objects.get(username="zhoumin")
    assert user.check_password(password) and user.branch == cast.b2
    again = client.get(reverse("branches:manage_accounts", args=[cast.b2.pk])).content.decode()
    assert "zhoumin" in again and password not in again
    audit = client.get(reverse("audit_list")).content.decode()
    assert password not in audit


def test_the_new_secretary_signs_in_and_reaches_the_branch_only(client, cast):
    login(client, cast.office)
    url = reverse("branches:manage_account_create", args=[cast.b2.pk])
    password = client.post(url, {"role": "secretary", "full_name": "周敏"}).context["password"]
    username = User.objects.get(first_name="周敏").username
    client.logout()
    page = client.post(reverse("login"), {"username": username, "password": password}, follow=True)
    assert page.status_code == 200
    assert client.get(reverse("branches:branch_detail", args=[cast.b2.pk])).status_code == 200
    assert client.get(reverse("branches:branch_detail", args=[cast.b1.pk])).status_code == 404
    assert client.get(reverse("branches:manage_branches")).status_code == 403


def test_a_bad_username_keeps_the_form_and_creates_nothing(client, cast):
    login(client, cast.office)
    url = reverse("branches:manage_account_create", args=[cast.b2.pk])
    before = User.objects.count()
    response = client.post(url, {"role": "secretary", "full_name": "周敏", "username": "a b"})
    page = response.content.decode()
    assert response.status_code == 200 and "周敏" in page and "请更正下面标出的错误" in page
    assert User.objects.count() == before
    response = client.post(url, {"role": "office", "full_name": "周敏"})
    assert "选择一个有效的选项" in response.content.decode()


def test_another_townships_account_cannot_be_assigned_or_deactivated(client, cast):
    login(client, cast.office)
    url = reverse("branches:manage_account_assign", args=[cast.b2.pk])
    response = client.post(url, {"user": cast.secretary3.pk})
    assert "选择一个有效的选项" in response.content.decode()
    deactivate = reverse("branches:manage_account_deactivate", args=[cast.secretary3.pk])
    assert client.post(deactivate).status_code == 404
    cast.secretary3.refresh_from_db()
    assert cast.secretary3.is_active and cast.secretary3.branch == cast.b3


def test_deactivation_with_members_left_is_refused_with_the_count(client, cast):
    login(client, cast.office)
    url = reverse("branches:manage_branch_deactivate", args=[cast.b1.pk])
    page = client.post(url, follow=True).content.decode()
    assert "还有 1 名党员" in page
    cast.b1.refresh_from_db()
    assert cast.b1.active


def test_a_deactivated_branch_is_listed_only_with_the_filter(client, cast):
    svc.branch_deactivate(actor=cast.office, branch=cast.b2)
    login(client, cast.office)
    url = reverse("branches:manage_branches")
    assert cast.b2.name not in client.get(url).content.decode()
    page = client.get(url, {"inactive": "1"}).content.decode()
    assert cast.b2.name in page and "已撤销" in page


def test_a_member_transfer_from_the_member_page(client, cast):
    login(client, cast.office)
    page = client.get(reverse("members:member_detail", args=[cast.m1.pk])).content.decode()
    url = reverse("branches:manage_member_transfer", args=[cast.m1.pk])
    assert url in page
    response = client.post(url, {"to": cast.b2.pk, "on": "2026-11-02", "note": "工作调动"})
    assert response.status_code == 302
    assert BranchTransfer.objects.get(member=cast.m1).branch == cast.b1
    detail = client.get(reverse("branches:branch_detail", args=[cast.b2.pk])).content.decode()
    assert "党员转入" in detail and cast.m1.name in detail
    member_page = client.get(reverse("members:member_detail", args=[cast.m1.pk])).content.decode()
    assert "组织关系转接记录" in member_page and cast.b1.name in member_page


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        ({"to": "", "on": "2026-11-02"}, "这个字段是必填项"),
        ({"to": "B3", "on": "2026-11-02"}, "选择一个有效的选项"),
        ({"to": "b3", "on": "99999-01-01"}, "输入一个有效的日期"),
        ({"to": "b2", "on": "2026-11-21"}, "转接日期"),
        ({"to": "b1", "on": "2026-11-02"}, "选择一个有效的选项"),  # its own branch
    ],
)
def test_hostile_transfer_values_are_refused(client, cast, data, shown):
    data = dict(data)
    if data["to"] in ("b1", "b2", "b3"):
        data["to"] = getattr(cast, data["to"]).pk
    login(client, cast.office)
    response = client.post(reverse("branches:manage_member_transfer", args=[cast.m1.pk]), data)
    assert response.status_code == 200 and shown in response.content.decode()
    assert not BranchTransfer.objects.exists()


def test_group_create_and_rename_pages(client, cast):
    login(client, cast.office)
    client.post(reverse("branches:manage_group_create", args=[cast.b1.pk]), {"name": "第一组"})
    group = cast.b1.groups.get()
    client.post(reverse("branches:manage_group_edit", args=[group.pk]), {"name": "东组"})
    page = client.get(reverse("branches:manage_groups", args=[cast.b1.pk])).content.decode()
    assert "东组" in page
    assert list(
        AuditLog.objects.filter(object_id=str(group.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["branches.group.created", "branches.group.renamed"]


def test_the_office_sees_the_management_entry_in_the_menu_and_the_secretary_does_not(client, cast):
    url = reverse("branches:manage_branches")
    assert url in login(client, cast.office).get(reverse("dashboard")).content.decode()
    assert url not in login(client, cast.secretary).get(reverse("dashboard")).content.decode()


# --- pagination and query budgets ---------------------------------------------------------------


def _many(cast, n: int) -> None:
    areas = Area.objects.bulk_create(
        Area(township=cast.t1, code=f"A{i:03d}", name=f"片区{i}") for i in range(n)
    )
    general = cast.b1
    for i in range(n):
        branch = f.branch(township=cast.t1, area=areas[i], general_branch=general)
        f.member(branch=branch)


PAGES = [("branches:manage_branches", 6), ("branches:manage_areas", 6)]


@pytest.mark.parametrize(("name", "budget"), PAGES)
@pytest.mark.parametrize("n", [5, 60])
def test_management_lists_take_the_same_queries_for_5_and_60_rows(
    client, cast, name, budget, n, django_assert_max_num_queries
):
    _many(cast, n)
    login(client, cast.office)
    with django_assert_max_num_queries(budget):
        page = client.get(reverse(name))
    assert page.status_code == 200
    assert ("第 1 / 2 页" in page.content.decode()) is (n == 60)  # 50 a page


def test_the_reviewer_reads_the_lists_of_each_township_of_the_county(client, cast):
    Area.objects.create(township=cast.t2, code="A1", name="南片")
    login(client, cast.reviewer)
    page = client.get(reverse("branches:manage_areas"), {"township": cast.t2.pk}).content.decode()
    assert "南片" in page and "新建片区" not in page
    page = client.get(
        reverse("branches:manage_branches"), {"township": cast.t2.pk}
    ).content.decode()
    assert cast.b3.name in page and cast.b1.name not in page and "新建党支部" not in page


def test_the_branch_list_hides_a_deactivated_branch_unless_asked(client, cast):
    svc.branch_deactivate(actor=cast.office, branch=cast.b2)
    login(client, cast.office)
    url = reverse("branches:branch_list")
    page = client.get(url).content.decode()
    assert cast.b1.name in page and cast.b2.name not in page
    page = client.get(url, {"inactive": "1"}).content.decode()
    assert cast.b2.name in page and "已撤销" in page
