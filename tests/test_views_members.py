"""Member pages: list with search, masked personal data, scoped forms and entries."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from members.models import Member, PointAdjustment
from tests import factories as f
from tests.conftest import BACKEND, get_query_count


def test_member_list_query_count_does_not_grow_with_rows(as_office, cast):
    url = reverse("members:member_list")
    for _ in range(4):
        f.member(branch=cast.b1)
    five = get_query_count(as_office, url)
    for _ in range(45):
        f.member(branch=cast.b2)
    assert get_query_count(as_office, url) == five


def test_member_list_searches_by_name(as_office, cast):
    f.member(branch=cast.b1, name="王秀英")
    page = as_office.get(reverse("members:member_list"), {"q": "秀英"}).content.decode()
    assert "王秀英" in page and cast.m1.name not in page


def test_member_list_of_a_secretary_is_the_own_branch(as_secretary, cast):
    other = f.member(branch=cast.b2, name="隔壁村党员")
    page = as_secretary.get(reverse("members:member_list")).content.decode()
    assert cast.m1.name in page and other.name not in page


def test_id_number_is_masked_for_everybody(as_office, cast):
    number = cast.m1.id_number
    html = as_office.get(reverse("members:member_detail", args=[cast.m1.pk])).content.decode()
    assert f"370123********{number[-4:]}" in html
    assert number not in html


def test_phone_is_masked_for_the_secretary_but_shown_to_the_office(client, cast):
    Member.objects.filter(pk=cast.m1.pk).update(phone="13912345678")
    url = reverse("members:member_detail", args=[cast.m1.pk])
    client.force_login(cast.secretary, backend=BACKEND)
    html = client.get(url).content.decode()
    assert "139****5678" in html and "13912345678" not in html
    client.force_login(cast.office, backend=BACKEND)
    assert "13912345678" in client.get(url).content.decode()


def test_edit_form_never_shows_id_number_or_phone(as_secretary, cast):
    Member.objects.filter(pk=cast.m1.pk).update(phone="13912345678")
    html = as_secretary.get(reverse("members:member_edit", args=[cast.m1.pk])).content.decode()
    assert "13912345678" not in html and cast.m1.id_number[6:] not in html


def test_editing_with_empty_id_number_keeps_it(as_secretary, cast):
    response = as_secretary.post(
        reverse("members:member_edit", args=[cast.m1.pk]),
        {
            "name": "张伟",
            "gender": "M",
            "status": "full",
            "branch": cast.b1.pk,
            "ethnicity": "汉族",
            "id_number": "",
            "phone": "",
        },
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=cast.m1.pk).id_number == cast.m1.id_number != ""


def test_secretary_branch_choices_are_the_own_branch_only(as_secretary, cast):
    form = as_secretary.get(reverse("members:member_create")).context["form"]
    assert list(form.fields["branch"].queryset) == [cast.b1]
    response = as_secretary.post(
        reverse("members:member_create"),
        {"name": "新党员", "gender": "F", "status": "full", "branch": cast.b2.pk},
    )
    assert response.status_code == 200
    assert not Member.objects.filter(name="新党员").exists()


def test_secretary_adds_a_member_to_the_own_branch(as_secretary, cast):
    response = as_secretary.post(
        reverse("members:member_create"),
        {
            "name": "新党员",
            "gender": "F",
            "status": "full",
            "branch": cast.b1.pk,
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 302
    assert Member.objects.get(name="新党员").township == cast.t1


def test_probationary_without_end_date_gets_a_chinese_error(as_secretary, cast):
    response = as_secretary.post(
        reverse("members:member_create"),
        {"name": "预备", "gender": "F", "status": "probationary", "branch": cast.b1.pk},
    )
    html = response.content.decode()
    # Once in the summary at the top (linking to the field), once at the field.
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_probation_ends_on"' in summary and "预备党员须填写预备期满日期" in summary
    assert html.count("预备党员须填写预备期满日期") == 2
    assert 'value="预备"' in html  # what was typed stays


def test_penalty_entry_is_stored_negative(as_secretary, cast):
    response = as_secretary.post(
        reverse("members:adjustment_create", args=[cast.m1.pk]),
        {"kind": "penalty", "points": "2", "date": "2026-04-03", "reason": "无故缺席"},
    )
    assert response.status_code == 302
    assert PointAdjustment.objects.get().points == Decimal("-2")


def test_dues_entry_takes_a_month(as_secretary, cast):
    response = as_secretary.post(
        reverse("members:dues_create", args=[cast.m1.pk]),
        {"month": "2026-04", "amount": "2.00", "paid_on": "2026-04-05"},
    )
    assert response.status_code == 302
    assert cast.m1.dues.get().month.isoformat() == "2026-04-01"
