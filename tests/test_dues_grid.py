"""The dues grid (members/views_dues.py, services_dues.py): a branch's month in one form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from members.models import DuesPayment
from members.selectors_dues import month_end
from members.services_dues import DuesEntry, DuesGridError, dues_month_save
from tests import factories as f
from township.errors import MonthLockedError
from township.models import AuditLog, MonthState


def last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def grid_url(branch, month: dt.date) -> str:
    return f"{reverse('members:dues_grid', args=[branch.pk])}?month={month:%Y-%m}"


def row(member, *, paid=True, amount="15.00", paid_on=None, month=None) -> dict:
    month = month or last_month()
    data = {f"m{member.pk}-shown": "1", f"m{member.pk}-amount": amount}
    data[f"m{member.pk}-paid_on"] = paid_on or (month + dt.timedelta(days=4)).isoformat()
    if paid:
        data[f"m{member.pk}-paid"] = "on"
    return data


# --- the branch's fixed amount ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "ok"), [("0.19", False), ("0.20", True), ("1.00", True), ("1.01", False)]
)
def test_a_branchs_fixed_dues_amount_lies_between_20_cents_and_one_yuan(cast, amount, ok):
    cast.b1.dues_fixed_amount = Decimal(amount)
    if ok:
        cast.b1.full_clean()
        cast.b1.save()
    else:
        with pytest.raises(ValidationError):
            cast.b1.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            cast.b1.save()


# --- the page --------------------------------------------------------------------------------


def test_the_grid_prefills_the_expected_amount_from_the_rate_table(as_secretary, cast):
    cast.m1.monthly_income, cast.m1.income_kind = Decimal("3000.01"), "employed"
    cast.m1.save()
    farmer = f.member(branch=cast.b1, name="王农", income_kind="farmer")
    unknown = f.member(branch=cast.b1, name="赵无")
    exempt = f.member(branch=cast.b1, name="钱免", dues_exempt=True, monthly_income=4000)
    html = as_secretary.get(grid_url(cast.b1, last_month())).content.decode()
    assert f'name="m{cast.m1.pk}-amount" value="30.00"' in html
    assert f'name="m{farmer.pk}-amount" value="0.50"' in html  # the branch's default
    assert f'name="m{unknown.pk}-amount" value=""' in html
    assert f'name="m{exempt.pk}-amount" value=""' in html
    assert "免交" in html
    end = month_end(last_month())
    assert f'name="m{cast.m1.pk}-paid_on" value="{end.isoformat()}"' in html


def test_the_grid_shows_only_members_on_the_roster_at_month_end(as_secretary, cast):
    month = last_month()
    left = f.member(branch=cast.b1, name="离开者", left_on=month_end(month))
    later = f.member(branch=cast.b1, name="后来者", branch_since=month_end(month) + dt.timedelta(1))
    stays = f.member(branch=cast.b1, name="留下者", left_on=month_end(month) + dt.timedelta(1))
    html = as_secretary.get(grid_url(cast.b1, month)).content.decode()
    assert f'data-member="{stays.pk}"' in html
    assert f'data-member="{left.pk}"' not in html
    assert f'data-member="{later.pk}"' not in html


def test_saving_the_grid_records_changes_and_removes_payments(as_secretary, cast):
    month = last_month()
    other = f.member(branch=cast.b1, name="李四")
    gone = f.member(branch=cast.b1, name="王五")
    f.dues(member=gone, month=month, paid_on=month)
    data = row(cast.m1) | row(other, paid=False) | row(gone, paid=False)
    response = as_secretary.post(grid_url(cast.b1, month), data)
    assert response.status_code == 302
    assert list(DuesPayment.objects.values_list("member__name", "amount")) == [
        ("张伟", Decimal("15.00"))
    ]
    actions = sorted(
        AuditLog.objects.filter(action__startswith="members.dues").values_list("action", flat=True)
    )
    assert actions == ["members.dues.deleted", "members.dues.recorded"]


def test_a_member_missing_from_the_post_keeps_the_stored_payment(as_secretary, cast):
    month = last_month()
    DuesPayment.objects.create(member=cast.m1, month=month, amount=3, paid_on=month)
    other = f.member(branch=cast.b1)
    response = as_secretary.post(grid_url(cast.b1, month), row(other))
    assert response.status_code == 302
    assert DuesPayment.objects.count() == 2


def test_one_bad_row_saves_nothing_and_names_the_member_and_field(as_secretary, cast):
    month = last_month()
    good = f.member(branch=cast.b1, name="李四")
    data = row(good) | row(cast.m1, amount="-1")
    response = as_secretary.post(grid_url(cast.b1, month), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not DuesPayment.objects.exists()
    assert 'id="dues-problems"' in html
    assert "张伟：金额：" in html
    assert f'name="m{cast.m1.pk}-amount" value="-1"' in html  # what was typed stays
    assert f'name="m{good.pk}-amount" value="15.00"' in html


def test_a_paid_row_without_amount_or_date_is_refused(as_secretary, cast):
    data = row(cast.m1, amount="", paid_on="")
    data[f"m{cast.m1.pk}-paid_on"] = ""
    html = as_secretary.post(grid_url(cast.b1, last_month()), data).content.decode()
    assert "张伟：金额：已交的党费须填写金额。" in html
    assert "张伟：交纳日期：已交的党费须填写交纳日期。" in html
    assert not DuesPayment.objects.exists()


@pytest.mark.parametrize("days", [0, 1])
def test_a_payment_dated_today_is_taken_and_tomorrow_refused(as_secretary, cast, days):
    today = timezone.localdate()
    month = today.replace(day=1)
    day = today + dt.timedelta(days=days)
    response = as_secretary.post(
        grid_url(cast.b1, month), row(cast.m1, paid_on=day.isoformat(), month=month)
    )
    if days == 0:
        assert response.status_code == 302
        assert DuesPayment.objects.get().paid_on == today
    else:
        assert "晚于今天" in response.content.decode()
        assert not DuesPayment.objects.exists()


@pytest.mark.parametrize("amount", ["abc", "1e400", "-1", "123456789012", "-0.01", "1.234", "NaN"])
def test_hostile_amounts_are_refused_at_the_row(as_secretary, cast, amount):
    response = as_secretary.post(grid_url(cast.b1, last_month()), row(cast.m1, amount=amount))
    html = response.content.decode()
    assert response.status_code == 200
    assert "张伟：金额：" in html
    assert not DuesPayment.objects.exists()


def test_the_boundary_amounts_zero_and_ten_digits_are_taken(as_secretary, cast):
    other = f.member(branch=cast.b1)
    data = row(cast.m1, amount="0") | row(other, amount="99999999.99")
    assert as_secretary.post(grid_url(cast.b1, last_month()), data).status_code == 302
    assert sorted(DuesPayment.objects.values_list("amount", flat=True)) == [
        Decimal("0.00"),
        Decimal("99999999.99"),
    ]


def test_a_payment_after_month_end_is_taken_and_marked_late(as_secretary, cast):
    month = last_month()
    late = (month_end(month) + dt.timedelta(days=1)).isoformat()
    assert (
        as_secretary.post(grid_url(cast.b1, month), row(cast.m1, paid_on=late)).status_code == 302
    )
    html = as_secretary.get(grid_url(cast.b1, month)).content.decode()
    assert "按逾期计算" in html


def test_a_locked_month_is_shown_read_only_to_the_secretary_and_refused(as_secretary, cast):
    month = last_month()
    MonthState.objects.create(
        township=cast.t1, month=month, locked=True, locked_by=cast.office, locked_at=timezone.now()
    )
    html = as_secretary.get(grid_url(cast.b1, month)).content.decode()
    assert 'id="month-locked"' in html
    assert "由 office 锁定" in html
    assert f'name="m{cast.m1.pk}-amount"' not in html
    response = as_secretary.post(grid_url(cast.b1, month), row(cast.m1))
    assert response.status_code == 302
    assert not DuesPayment.objects.exists()


def test_the_office_may_still_correct_a_locked_month(as_office, cast):
    month = last_month()
    MonthState.objects.create(township=cast.t1, month=month, locked=True)
    html = as_office.get(grid_url(cast.b1, month)).content.decode()
    assert "镇党建办仍可更正" in html
    assert as_office.post(grid_url(cast.b1, month), row(cast.m1)).status_code == 302
    assert DuesPayment.objects.count() == 1


def test_another_branchs_grid_answers_404_to_the_secretary(as_secretary, cast):
    assert as_secretary.get(grid_url(cast.b2, last_month())).status_code == 404


@pytest.mark.parametrize("n", [5, 50])
def test_the_grid_renders_in_a_constant_number_of_queries(
    as_secretary, cast, n, django_assert_max_num_queries
):
    month = last_month()
    for i in range(n):
        m = f.member(branch=cast.b1, income_kind="employed", monthly_income=3000 + i)
        if i % 2:
            DuesPayment.objects.create(member=m, month=month, amount=1, paid_on=month)
    MonthState.objects.create(township=cast.t1, month=month, locked=False)
    with django_assert_max_num_queries(8):
        assert as_secretary.get(grid_url(cast.b1, month)).status_code == 200


# --- the service -----------------------------------------------------------------------------


def test_the_service_refuses_the_whole_grid_when_one_row_is_wrong(cast):
    month = last_month()
    other = f.member(branch=cast.b1, name="李四")
    entries = [
        DuesEntry(member=other, paid=True, amount=Decimal(1), paid_on=month),
        DuesEntry(member=cast.m1, paid=True, amount=Decimal(1), paid_on=None),
    ]
    with pytest.raises(DuesGridError) as refused:
        dues_month_save(actor=cast.secretary, branch=cast.b1, month=month, entries=entries)
    assert [(p.member.name, p.field) for p in refused.value.problems] == [("张伟", "paid_on")]
    assert "张伟：交纳日期：" in str(refused.value)
    assert not DuesPayment.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="members.dues").exists()


def test_the_service_rolls_back_written_rows_when_a_later_one_fails(cast):
    month = last_month()
    other = f.member(branch=cast.b1, name="李四")
    # the later row's payment day lies in a locked month: refused only when it is written
    before = (month - dt.timedelta(days=1)).replace(day=1)
    MonthState.objects.create(township=cast.t1, month=before, locked=True)
    entries = [
        DuesEntry(member=other, paid=True, amount=Decimal(1), paid_on=month),
        DuesEntry(member=cast.m1, paid=True, amount=Decimal(1), paid_on=before),
    ]
    with pytest.raises(MonthLockedError):
        dues_month_save(actor=cast.secretary, branch=cast.b1, month=month, entries=entries)
    assert not DuesPayment.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="members.dues").exists()


def test_the_service_refuses_a_member_of_another_branch(cast):
    stranger = f.member(branch=cast.b2)
    entries = [DuesEntry(member=stranger, paid=True, amount=Decimal(1), paid_on=last_month())]
    with pytest.raises(Exception, match="不属于本支部"):
        dues_month_save(actor=cast.secretary, branch=cast.b1, month=last_month(), entries=entries)
    assert not DuesPayment.objects.exists()


# --- the income kind on the member's form ----------------------------------------------------


@pytest.mark.parametrize(("kind", "saved"), [("retiree", True), ("pensioner", False)])
def test_the_member_form_records_the_income_kind(as_secretary, cast, kind, saved):
    from members.models import Member

    fields = {"name": "张伟", "gender": "M", "status": "full", "branch": cast.b1.pk}
    fields |= {"ethnicity": "汉族", "monthly_income": "5000.01", "income_kind": kind}
    response = as_secretary.post(reverse("members:member_edit", args=[cast.m1.pk]), fields)
    stored = Member.objects.get(pk=cast.m1.pk)
    if saved:
        assert response.status_code == 302
        assert stored.income_kind == "retiree"
        html = as_secretary.get(grid_url(cast.b1, last_month())).content.decode()
        assert f'name="m{cast.m1.pk}-amount" value="50.00"' in html  # 1% above 5000
    else:
        assert response.status_code == 200
        assert stored.income_kind == ""
