"""Writes of the members app: the roster, dues, household visits and bonus/penalty points.

Keyword-only and atomic; dated records refuse locked months (unless the actor may edit them),
every write leaves its audit entry in the same transaction and drops the affected scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from members.models import (
    MEMBER_EDITABLE_FIELDS,
    DuesPayment,
    Member,
    PointAdjustment,
    Visit,
)
from township import plausible
from township.audit import audit_log
from township.errors import ApplicationError
from township.months import ensure_month_open, months_mark_changed

# What a member service may set: the editable record plus its code.
MEMBER_FIELDS = frozenset({"code", *MEMBER_EDITABLE_FIELDS})

# Member fields that decide a member's standing in the month records: the roster (branch and
# its dates), status and probation, and the exemptions (dues, rating).
MEMBER_STANDING_FIELDS = frozenset(
    {"branch", "branch_id", "branch_since", "left_on", "status", "probation_ends_on",
     "dues_exempt", "rating_exempt"}
)  # fmt: skip


def member_months_affected(*, changed: Iterable[str], today: dt.date) -> list[dt.date]:
    """Months whose records a change to these member fields alters: none for contact details,
    otherwise this year and last (the roster rule reaches back as far as the dates do)."""
    if not MEMBER_STANDING_FIELDS.intersection(changed):
        return []
    return [
        dt.date(year, month, 1) for year in (today.year - 1, today.year) for month in range(1, 13)
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def _validate_member(
    fields: dict[str, Any], *, township_id: int, changed: Iterable[str] | None = None
) -> None:
    unknown = set(fields) - MEMBER_FIELDS
    if unknown:
        raise ApplicationError(_("未知的党员字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if not (fields.get("name") or "").strip():
        raise ApplicationError(_("请填写姓名。"))
    if fields.get("status") == "probationary" and not fields.get("probation_ends_on"):
        raise ApplicationError(_("预备党员须填写预备期满日期。"))
    branch = fields.get("branch")
    if not isinstance(branch, Branch) or branch.township_id != township_id:
        raise ApplicationError(_("所在支部无效。"))
    if not branch.active and (changed is None or "branch" in changed):
        raise ApplicationError(
            _("%(branch)s已撤销，不能再加入党员。") % {"branch": branch.name},
            extra={"field": "branch"},
        )
    group = fields.get("party_group")
    if group is not None and group.branch_id != branch.pk:
        raise ApplicationError(_("党小组不属于所选支部。"))
    plausible.refuse(plausible.member(fields, today=plausible.today(), changed=changed))


def _new_member_code(*, township_id: int) -> str:
    n = Member.objects.filter(township_id=township_id).count() + 1
    while Member.objects.filter(township_id=township_id, code=f"M{n:05d}").exists():
        n += 1
    return f"M{n:05d}"


def _today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def member_create(*, actor, branch: Branch, **fields: Any) -> Member:
    fields = {"branch": branch, **fields}
    if fields.get("id_number"):
        fields["id_number"] = plausible.id_number_normal(fields["id_number"])
    _validate_member(fields, township_id=branch.township_id)
    if not fields.get("code"):
        fields["code"] = _new_member_code(township_id=branch.township_id)
    elif Member.objects.filter(township_id=branch.township_id, code=fields["code"]).exists():
        raise ApplicationError(_("编号 %(code)s 已被使用。") % {"code": fields["code"]})
    member = Member.objects.create(township_id=branch.township_id, **fields)
    audit_log(
        actor=actor,
        action="members.member.created",
        township_id=branch.township_id,
        obj=member,
        data={k: _plain(v) for k, v in fields.items()},
    )
    months_mark_changed(
        township_id=branch.township_id,
        days=member_months_affected(changed=MEMBER_STANDING_FIELDS, today=_today()),
    )
    return member


@transaction.atomic
def member_update(*, actor, member: Member, **fields: Any) -> Member:
    stored = Member.objects.select_for_update().get(pk=member.pk)
    if fields.get("id_number"):
        fields["id_number"] = plausible.id_number_normal(fields["id_number"])
    merged = {f: getattr(stored, f) for f in MEMBER_FIELDS} | fields
    # Only the rules reading a changed field: a record stored before a rule existed stays
    # editable in its other fields (its ID number and phone are not even shown back).
    changed = {f for f, v in fields.items() if getattr(stored, f, None) != v}
    _validate_member(merged, township_id=stored.township_id, changed=changed)
    if (
        merged["code"] != stored.code
        and Member.objects.filter(township_id=stored.township_id, code=merged["code"]).exists()
    ):
        raise ApplicationError(_("编号 %(code)s 已被使用。") % {"code": merged["code"]})
    changes = {
        f: [_plain(getattr(stored, f)), _plain(v)]
        for f, v in fields.items()
        if getattr(stored, f) != v
    }
    if not changes:
        return stored
    for f, v in merged.items():
        setattr(stored, f, v)
    stored.save()
    # The audit log masks secret fields by name; mask them inside the change list too.
    data = {f: ("***" if f in {"id_number", "phone"} else v) for f, v in changes.items()}
    audit_log(
        actor=actor,
        action="members.member.changed",
        township_id=stored.township_id,
        obj=stored,
        data={"changes": data},
    )
    months_mark_changed(
        township_id=stored.township_id,
        days=member_months_affected(changed=changes, today=_today()),
    )
    return stored


def _dues_check(
    *, member: Member, month: dt.date, amount: Decimal, paid_on: dt.date, other_than=None
) -> None:
    if amount < 0:
        raise ApplicationError(_("党费金额不能为负数。"), extra={"field": "amount"})
    plausible.refuse(plausible.dues(month=month, paid_on=paid_on, today=plausible.today()))
    existing = DuesPayment.objects.filter(member=member, month=month).exclude(pk=other_than)
    payment = existing.first()
    if payment is not None:
        raise _dues_duplicate(member=member, payment=payment)


def _dues_duplicate(*, member: Member, payment: DuesPayment) -> ApplicationError:
    return ApplicationError(
        _(
            "%(name)s %(month)s 的党费已经登记（%(amount)s 元，%(paid)s 交纳）；每月只登记一笔，"
            "如需更正，请修改已登记的这笔党费。"
        )
        % {
            "name": member.name,
            "month": f"{payment.month:%Y年%m月}",
            "amount": payment.amount,
            "paid": payment.paid_on.isoformat(),
        },
        extra={"field": "month", "payment": payment.pk},
    )


@transaction.atomic
def dues_record(
    *, actor, member: Member, month: dt.date, amount: Decimal, paid_on: dt.date
) -> DuesPayment:
    """Record a member's dues for a month: one payment per member and month (a correction
    edits it with `dues_update`); paying ahead is allowed, a payment dated after today is not."""
    month = month.replace(day=1)
    _dues_check(member=member, month=month, amount=amount, paid_on=paid_on)
    for day in (month, paid_on):
        ensure_month_open(actor=actor, township_id=member.township_id, day=day)
    try:
        with transaction.atomic():  # a payment recorded meanwhile by someone else
            payment = DuesPayment.objects.create(
                member=member, month=month, amount=amount, paid_on=paid_on
            )
    except IntegrityError:
        raise _dues_duplicate(
            member=member, payment=DuesPayment.objects.get(member=member, month=month)
        ) from None
    audit_log(
        actor=actor,
        action="members.dues.recorded",
        township_id=member.township_id,
        obj=member,
        data={"month": month.isoformat(), "amount": str(amount), "paid_on": paid_on.isoformat()},
    )
    months_mark_changed(township_id=member.township_id, days=[month, paid_on])
    return payment


@transaction.atomic
def dues_update(
    *, actor, payment: DuesPayment, month: dt.date, amount: Decimal, paid_on: dt.date
) -> DuesPayment:
    """Correct a recorded payment (its month, amount or date), under the rules of a new one."""
    stored = DuesPayment.objects.select_for_update().select_related("member").get(pk=payment.pk)
    member = stored.member
    month = month.replace(day=1)
    _dues_check(member=member, month=month, amount=amount, paid_on=paid_on, other_than=stored.pk)
    new = {"month": month, "amount": amount, "paid_on": paid_on}
    changes = {
        f: [_plain(getattr(stored, f)), _plain(v)]
        for f, v in new.items()
        if getattr(stored, f) != v
    }
    if not changes:
        return stored
    days = [stored.month, stored.paid_on, month, paid_on]
    for day in days:
        ensure_month_open(actor=actor, township_id=member.township_id, day=day)
    for f, v in new.items():
        setattr(stored, f, v)
    stored.save()
    audit_log(
        actor=actor,
        action="members.dues.changed",
        township_id=member.township_id,
        obj=member,
        data={"month": f"{month:%Y-%m}", "changes": changes},
    )
    months_mark_changed(township_id=member.township_id, days=days)
    return stored


@transaction.atomic
def dues_delete(*, actor, payment: DuesPayment) -> None:
    """Remove a payment recorded by mistake (the member did not pay that month)."""
    stored = DuesPayment.objects.select_for_update().select_related("member").get(pk=payment.pk)
    member = stored.member
    days = [stored.month, stored.paid_on]
    for day in days:
        ensure_month_open(actor=actor, township_id=member.township_id, day=day)
    data = {
        "month": f"{stored.month:%Y-%m}",
        "amount": str(stored.amount),
        "paid_on": stored.paid_on.isoformat(),
    }
    stored.delete()
    audit_log(
        actor=actor,
        action="members.dues.deleted",
        township_id=member.township_id,
        obj=member,
        data=data,
    )
    months_mark_changed(township_id=member.township_id, days=days)


@transaction.atomic
def visit_record(
    *, actor, member: Member, date: dt.date, household_name: str = "", note: str = ""
) -> Visit:
    plausible.refuse(
        {"date": plausible.record_date(date, today=plausible.today(), label=_("走访日期"))}
    )
    ensure_month_open(actor=actor, township_id=member.township_id, day=date)
    visit = Visit.objects.create(member=member, date=date, household_name=household_name, note=note)
    audit_log(
        actor=actor,
        action="members.visit.recorded",
        township_id=member.township_id,
        obj=member,
        data={"date": date.isoformat(), "household": household_name},
    )
    months_mark_changed(township_id=member.township_id, days=[date])
    return visit


@transaction.atomic
def adjustment_record(
    *, actor, member: Member, date: dt.date, points: Decimal, reason: str
) -> PointAdjustment:
    if not reason.strip():
        raise ApplicationError(_("加减分须写明事由。"))
    if points == 0:
        raise ApplicationError(_("分值不能为零。"))
    plausible.refuse({"date": plausible.record_date(date, today=plausible.today())})
    ensure_month_open(actor=actor, township_id=member.township_id, day=date)
    adjustment = PointAdjustment.objects.create(
        member=member, date=date, points=points, reason=reason.strip()
    )
    audit_log(
        actor=actor,
        action="members.adjustment.recorded",
        township_id=member.township_id,
        obj=member,
        data={"date": date.isoformat(), "points": str(points), "reason": reason.strip()},
    )
    months_mark_changed(township_id=member.township_id, days=[date])
    return adjustment
