"""The roster import: every row checked first, then all written in one transaction or none.

A service of its own module (beside `members.services`, whose `member_create` and
`member_update` write each member and its audit entry) so that the roster's rules stay in one
place: which stored member a row is (see `members.roster`), the scope of the importing user,
duplicates inside the file and the plausibility rules of `township.plausible`, each reported
with the row and column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Branch
from members import roster, services
from members.models import Member, MemberStatus
from township import plausible
from township.audit import audit_log
from township.errors import ApplicationError
from township.scoping import Scope


class RosterRefused(ApplicationError):
    """The file has errors; `errors` lists them (row, column, message). Nothing was written."""

    default_message = gettext_lazy("名册有错误，未导入任何数据。请按下列清单改正后重新上传。")

    def __init__(self, errors: list[roster.RowError]):
        self.errors = sorted(errors, key=lambda e: e.row)
        super().__init__(self.default_message)


@dataclass(frozen=True)
class RosterOutcome:
    created: int
    updated: int
    unchanged: int


@dataclass
class _Plan:
    row: int
    fields: dict[str, Any]
    member: Member | None  # None: a new member


def _branch_lookup(branches: Iterable[Branch]) -> dict[str, list[Branch]]:
    found: dict[str, list[Branch]] = {}
    for branch in branches:
        for key in {branch.code, branch.name}:
            found.setdefault(key, []).append(branch)
    return found


def _plan(
    *, scope: Scope, township_id: int, rows: list[tuple[int, dict[str, Any]]]
) -> tuple[list[_Plan], list[roster.RowError]]:
    """Match every row to a stored member (or none) and check it; no writes."""
    branches = _branch_lookup(Branch.objects.within(scope).filter(township_id=township_id))
    stored = list(Member.objects.filter(township_id=township_id).select_related("branch"))
    by_code = {m.code: m for m in stored}
    by_id = {m.id_number: m for m in stored if m.id_number}
    editable = set(Member.objects.within(scope).values_list("pk", flat=True))
    today = plausible.today()
    seen: dict[tuple[str, str], int] = {}
    plans, errors = [], []

    for number, fields in rows:
        problems: list[roster.RowError] = []

        def fail(column: str, message: str, number=number, problems=problems) -> None:
            problems.append(roster.RowError(number, column, message))

        fields = dict(fields)
        if fields.get("id_number"):
            fields["id_number"] = plausible.id_number_normal(fields["id_number"])
        # the branch, by code or name, inside the importer's scope
        candidates = branches.get(fields["branch"], [])
        if len(candidates) != 1:
            message = (
                _("有多个党支部名为“%(name)s”，请填写党支部代码。")
                if candidates
                else _("党支部“%(name)s”不存在或不在您的管理范围内。")
            )
            fail("所在党支部", message % {"name": fields["branch"][:30]})
        else:
            fields["branch"] = candidates[0]
        # which member, and the same member twice in the file
        code, id_number = fields.get("code"), fields.get("id_number")
        member = by_code.get(code) if code else by_id.get(id_number)
        for key, column in (("code", "编号"), ("id_number", "公民身份号码")):
            value = fields.get(key)
            if value and (key, value) in seen:
                fail(column, _("与第 %(n)d 行重复。") % {"n": seen[(key, value)]})
            elif value:
                seen[(key, value)] = number
        if member is not None and member.pk not in editable:
            column = "编号" if code else "公民身份号码"
            fail(column, _("该党员不在您的管理范围内，不能导入。"))
        elif id_number and by_id.get(id_number, member) != member:
            fail(
                "公民身份号码",
                _("该公民身份号码已属于编号 %(code)s 的党员。") % {"code": by_id[id_number].code},
            )
        if member is not None and member.pk in editable and isinstance(fields["branch"], Branch):
            if fields["branch"].pk != member.branch_id:
                fail(
                    "所在党支部",
                    _("该党员现属“%(branch)s”；组织关系转接请在党员页面办理，不能通过导入。")
                    % {"branch": member.branch.name},
                )
        # the plausibility rules: all of them for a new member, the changed ones otherwise
        if not problems:
            values = fields
            changed = None
            if member is not None:
                changed = {f for f, v in fields.items() if getattr(member, f) != v}
                values = {f: getattr(member, f) for f in services.MEMBER_FIELDS} | fields
            status = values.get("status")
            for field, message in plausible.member(values, today=today, changed=changed).items():
                fail(roster.column_of(field, status=status), message)
            if status == MemberStatus.PROBATIONARY and not values.get("probation_ends_on"):
                fail("预备期满日期", _("预备党员须填写预备期满日期。"))
        if problems:
            errors.extend(problems)
        else:
            plans.append(_Plan(number, fields, member))
    return plans, errors


@transaction.atomic
def roster_import(
    *,
    actor,
    scope: Scope,
    rows: list[tuple[int, dict[str, Any]]],
    parse_errors: Iterable[roster.RowError] = (),
) -> RosterOutcome:
    """Import parsed roster rows (`members.roster.parse_row`): all or nothing. `parse_errors`
    are the errors of the rows that could not be read; they refuse the file with the rest.

    Raises RosterRefused with every row's errors before writing anything; a member service
    refusing a row afterwards (a rule checked only there) also refuses the whole file, and the
    transaction leaves nothing behind. A file that changes nothing writes nothing, not even an
    audit entry, so importing the same file again is a no-op.
    """
    township_id = scope.township_id
    parse_errors = list(parse_errors)
    if township_id is None or not (rows or parse_errors):
        raise ApplicationError(_("名册中没有可导入的党员。"))
    plans, errors = _plan(scope=scope, township_id=township_id, rows=rows)
    errors += parse_errors
    if errors:
        raise RosterRefused(errors)
    created = updated = 0
    for plan in plans:
        try:
            if plan.member is None:
                services.member_create(actor=actor, **plan.fields)
                created += 1
            else:
                changes = {f: v for f, v in plan.fields.items() if getattr(plan.member, f) != v}
                if changes:
                    services.member_update(actor=actor, member=plan.member, **changes)
                    updated += 1
        except ApplicationError as exc:
            field = exc.extra.get("field", "")
            column = roster.column_of(field, status=plan.fields.get("status")) if field else ""
            errors.append(roster.RowError(plan.row, column, str(exc.message)))
    if errors:
        raise RosterRefused(errors)  # rolls back the rows already written
    outcome = RosterOutcome(
        created=created, updated=updated, unchanged=len(plans) - created - updated
    )
    if created or updated:
        audit_log(
            actor=actor,
            action="members.roster.imported",
            township_id=township_id,
            data={"rows": len(plans), "created": created, "updated": updated},
        )
    return outcome
