"""Writes of the organisation's management by the office: areas, branches (kind, ranking, the
general branch and its sub-branches), Party groups, deactivation, moves between areas, and the
accounts of secretaries and liaison cadres.

Keyword-only, atomic, audited in the same transaction. A branch is deactivated, never deleted;
an account is deactivated, never deleted; no password ever reaches the audit log.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import (
    UNRANKED_KINDS,
    Area,
    Branch,
    BranchAreaMove,
    BranchKind,
    LiaisonAssignment,
    PartyGroup,
    Township,
)
from branches.services_org import liaison_assign
from members.models import Member
from township.audit import audit_log, user_change_audit, user_state
from township.errors import ApplicationError
from township.models import User
from township.money import DUES_FIXED_DEFAULT, DUES_FIXED_MAX, DUES_FIXED_MIN
from township.months import months_mark_changed
from township.permissions import Role

BRANCH_FIELDS = (
    "code", "name", "kind", "area", "general_branch", "has_groups", "ranked", "dues_fixed_amount"
)  # fmt: skip
# Fields whose change alters the month records the scoring reads (the 三会 due, the ranking).
SCORED_FIELDS = frozenset({"has_groups", "ranked", "kind"})
ACCOUNT_ROLES = (Role.SECRETARY, Role.LIAISON)


def _today() -> dt.date:
    return timezone.localdate()


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _text(value: str | None, *, label: str, field: str, max_length: int, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("请填写%(f)s。") % {"f": label}, extra={"field": field})
    if len(value) > max_length:
        raise ApplicationError(
            _("%(f)s最多 %(n)d 个字。") % {"f": label, "n": max_length}, extra={"field": field}
        )
    return value


# --- areas ---------------------------------------------------------------------------------------


@transaction.atomic
def area_save(
    *,
    actor,
    township: Township,
    area: Area | None = None,
    code: str,
    name: str,
    head_name: str = "",
) -> Area:
    """Create an area of `township` (or change `area`): code unique in the township."""
    code = _text(code, label=_("代码"), field="code", max_length=20)
    name = _text(name, label=_("名称"), field="name", max_length=100)
    head_name = _text(head_name, label=_("片长"), field="head_name", max_length=50, required=False)
    if area is not None and area.township_id != township.pk:
        raise ApplicationError(_("片区不属于本乡镇。"))
    taken = Area.objects.filter(township=township, code=code)
    if area is not None:
        taken = taken.exclude(pk=area.pk)
    if taken.exists():
        raise ApplicationError(
            _("片区代码 %(code)s 已被使用。") % {"code": code}, extra={"field": "code"}
        )
    values = {"code": code, "name": name, "head_name": head_name}
    if area is None:
        area = Area.objects.create(township=township, **values)
        audit_log(
            actor=actor, action="branches.area.created", township=township, obj=area, data=values
        )
        return area
    changes = {f: [getattr(area, f), v] for f, v in values.items() if getattr(area, f) != v}
    if changes:
        for f, v in values.items():
            setattr(area, f, v)
        area.save()
        audit_log(
            actor=actor,
            action="branches.area.changed",
            township=township,
            obj=area,
            data={"changes": changes},
        )
    return area


# --- branches ------------------------------------------------------------------------------------


def general_branch_cycle(*, branch: Branch | None, general: Branch | None) -> bool:
    """True when making `general` the general branch of `branch` would make `branch` its own
    ancestor (itself, or a general branch above `general` that is `branch`)."""
    if branch is None or branch.pk is None or general is None:
        return False
    seen: set[int] = set()
    current: Branch | None = general
    while current is not None and current.pk not in seen:
        if current.pk == branch.pk:
            return True
        seen.add(current.pk)
        current = (
            Branch.objects.filter(pk=current.general_branch_id).first()
            if current.general_branch_id
            else None
        )
    return current is not None  # a cycle already stored above: refuse as well


def _validate_branch(*, township: Township, branch: Branch | None, fields: dict[str, Any]) -> None:
    fields["code"] = _text(fields.get("code"), label=_("代码"), field="code", max_length=20)
    fields["name"] = _text(fields.get("name"), label=_("名称"), field="name", max_length=100)
    if fields.get("kind") not in BranchKind.values:
        raise ApplicationError(_("党支部类型无效。"), extra={"field": "kind"})
    taken = Branch.objects.filter(township=township, code=fields["code"])
    if branch is not None:
        taken = taken.exclude(pk=branch.pk)
    if taken.exists():
        raise ApplicationError(
            _("党支部代码 %(code)s 已被使用。") % {"code": fields["code"]}, extra={"field": "code"}
        )
    fixed = fields.get("dues_fixed_amount")
    if fixed is None:
        fields["dues_fixed_amount"] = branch.dues_fixed_amount if branch else DUES_FIXED_DEFAULT
    elif not DUES_FIXED_MIN <= fixed <= DUES_FIXED_MAX:
        raise ApplicationError(
            _("固定党费金额须在 %(lo)s 至 %(hi)s 元之间。")
            % {"lo": DUES_FIXED_MIN, "hi": DUES_FIXED_MAX},
            extra={"field": "dues_fixed_amount"},
        )
    area = fields.get("area")
    if area is not None and area.township_id != township.pk:
        raise ApplicationError(_("片区不属于本乡镇。"), extra={"field": "area"})
    general = fields.get("general_branch")
    if general is not None:
        if general.township_id != township.pk:
            raise ApplicationError(
                _("所属党总支须是本乡镇的党组织。"), extra={"field": "general_branch"}
            )
        if general_branch_cycle(branch=branch, general=general):
            raise ApplicationError(
                _("%(g)s不能作为%(b)s的党总支：党组织不能隶属于自己或自己的下级。")
                % {"g": general.name, "b": branch.name if branch else fields["name"]},
                extra={"field": "general_branch"},
            )


def _scored_months_changed(*, township_id: int) -> None:
    today = _today()
    months_mark_changed(
        township_id=township_id, days=[dt.date(today.year, m, 1) for m in range(1, today.month + 1)]
    )


@transaction.atomic
def branch_create(*, actor, township: Township, **fields: Any) -> Branch:
    """A new branch of `township`. `ranked` None: ranked unless its kind is unranked."""
    fields = {f: fields.get(f) for f in BRANCH_FIELDS}
    if fields["ranked"] is None:
        fields["ranked"] = fields.get("kind") not in UNRANKED_KINDS
    fields["has_groups"] = bool(fields["has_groups"])
    _validate_branch(township=township, branch=None, fields=fields)
    branch = Branch.objects.create(township=township, **fields)
    audit_log(
        actor=actor,
        action="branches.branch.created",
        township=township,
        obj=branch,
        data={f: _plain(v) for f, v in fields.items()},
    )
    _scored_months_changed(township_id=township.pk)
    return branch


@transaction.atomic
def branch_update(*, actor, branch: Branch, **fields: Any) -> Branch:
    """Change a branch; a change of its area is kept as a move (`BranchAreaMove`)."""
    stored = Branch.objects.select_for_update().select_related("township").get(pk=branch.pk)
    unknown = set(fields) - set(BRANCH_FIELDS)
    if unknown:
        raise ApplicationError(_("未知的党支部字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    merged = {f: getattr(stored, f) for f in BRANCH_FIELDS} | fields
    if merged["ranked"] is None:
        merged["ranked"] = merged["kind"] not in UNRANKED_KINDS
    _validate_branch(township=stored.township, branch=stored, fields=merged)
    changes = {
        f: [_plain(getattr(stored, f)), _plain(v)]
        for f, v in merged.items()
        if getattr(stored, f) != v
    }
    if not changes:
        return stored
    old_area = stored.area
    for f, v in merged.items():
        setattr(stored, f, v)
    stored.save()
    audit_log(
        actor=actor,
        action="branches.branch.changed",
        township_id=stored.township_id,
        obj=stored,
        data={"changes": changes},
    )
    if "area" in changes:
        _area_move(actor=actor, branch=stored, from_area=old_area, to_area=stored.area)
    if SCORED_FIELDS.intersection(changes):
        _scored_months_changed(township_id=stored.township_id)
    return stored


def _area_move(*, actor, branch: Branch, from_area: Area | None, to_area: Area | None) -> None:
    move = BranchAreaMove.objects.create(
        branch=branch, from_area=from_area, to_area=to_area, moved_on=_today(), moved_by=actor
    )
    audit_log(
        actor=actor,
        action="branches.branch.moved",
        township_id=branch.township_id,
        obj=branch,
        data={
            "move": move.pk,
            "from": from_area.code if from_area else None,
            "to": to_area.code if to_area else None,
            "on": move.moved_on.isoformat(),
        },
    )


def members_remaining(*, branch: Branch) -> int:
    """Members still on the branch's roster (not yet left it)."""
    return Member.objects.filter(branch=branch, left_on__isnull=True).count()


@transaction.atomic
def branch_deactivate(*, actor, branch: Branch, on: dt.date | None = None) -> Branch:
    """Deactivate a branch (never delete it): refused while members or active sub-branches
    remain; its secretary and liaison accounts are deactivated with it."""
    stored = Branch.objects.select_for_update().get(pk=branch.pk)
    if not stored.active:
        raise ApplicationError(_("%(b)s已撤销。") % {"b": stored.name})
    remaining = members_remaining(branch=stored)
    if remaining:
        raise ApplicationError(
            _("%(b)s还有 %(n)d 名党员，请先将他们转接到其他党支部，再撤销。")
            % {"b": stored.name, "n": remaining}
        )
    subs = stored.sub_branches.filter(active=True).count()
    if subs:
        raise ApplicationError(
            _("%(b)s下还有 %(n)d 个在用的党支部，请先调整它们的所属党总支。")
            % {"b": stored.name, "n": subs}
        )
    on = on or _today()
    stored.active, stored.deactivated_on = False, on
    stored.save(update_fields=["active", "deactivated_on"])
    branch.active, branch.deactivated_on = False, on
    audit_log(
        actor=actor,
        action="branches.branch.deactivated",
        township_id=stored.township_id,
        obj=stored,
        data={"on": on.isoformat()},
    )
    for user in User.objects.filter(branch=stored, is_active=True, role__in=ACCOUNT_ROLES):
        _set_active(actor=actor, user=user, active=False)
    _scored_months_changed(township_id=stored.township_id)
    return stored


@transaction.atomic
def branch_reactivate(*, actor, branch: Branch) -> Branch:
    """Take a deactivated branch back into use (its accounts stay deactivated)."""
    stored = Branch.objects.select_for_update().get(pk=branch.pk)
    if stored.active:
        raise ApplicationError(_("%(b)s在用，无需恢复。") % {"b": stored.name})
    was = stored.deactivated_on
    stored.active, stored.deactivated_on = True, None
    stored.save(update_fields=["active", "deactivated_on"])
    branch.active, branch.deactivated_on = True, None
    audit_log(
        actor=actor,
        action="branches.branch.reactivated",
        township_id=stored.township_id,
        obj=stored,
        data={"deactivated_on": was.isoformat() if was else None},
    )
    _scored_months_changed(township_id=stored.township_id)
    return stored


# --- Party groups --------------------------------------------------------------------------------


@transaction.atomic
def group_save(
    *, actor, branch: Branch, group: PartyGroup | None = None, name: str, leader_name: str = ""
) -> PartyGroup:
    """Create a Party group (党小组) of `branch`, or rename `group`: names unique per branch."""
    name = _text(name, label=_("名称"), field="name", max_length=100)
    leader_name = _text(
        leader_name, label=_("组长"), field="leader_name", max_length=50, required=False
    )
    if group is not None and group.branch_id != branch.pk:
        raise ApplicationError(_("党小组不属于该党支部。"))
    taken = PartyGroup.objects.filter(branch=branch, name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise ApplicationError(
            _("%(b)s已有名为“%(n)s”的党小组。") % {"b": branch.name, "n": name},
            extra={"field": "name"},
        )
    if group is None:
        if not branch.active:
            raise ApplicationError(_("%(b)s已撤销，不能新建党小组。") % {"b": branch.name})
        group = PartyGroup.objects.create(branch=branch, name=name, leader_name=leader_name)
        audit_log(
            actor=actor,
            action="branches.group.created",
            township_id=branch.township_id,
            obj=group,
            data={"branch": branch.code, "name": name, "leader_name": leader_name},
        )
        return group
    changes = {
        f: [getattr(group, f), v]
        for f, v in (("name", name), ("leader_name", leader_name))
        if getattr(group, f) != v
    }
    if changes:
        group.name, group.leader_name = name, leader_name
        group.save(update_fields=["name", "leader_name"])
        audit_log(
            actor=actor,
            action="branches.group.renamed",
            township_id=branch.township_id,
            obj=group,
            data={"branch": branch.code, "changes": changes},
        )
    return group


# --- accounts of secretaries and liaison cadres ---------------------------------------------------

_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105
_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]", re.ASCII)


def initial_password() -> str:
    """A one-time initial password: 16 random characters in four groups (no 0/O, 1/l/I)."""
    raw = "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _username_for(*, branch: Branch, role: str) -> str:
    base = _USERNAME_UNSAFE.sub("", f"{branch.township.code}-{branch.code}-{role}".lower())[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _set_active(*, actor, user: User, active: bool) -> None:
    before = user_state(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    user_change_audit(actor=actor, user=user, before=before)


def _take_post(*, actor, branch: Branch, user: User) -> None:
    """What the post means on the branch: the secretary's name on the branch, the liaison
    cadre's liaison point for this year."""
    name = user.first_name or user.username
    if user.role == Role.SECRETARY and branch.secretary_name != name[:50]:
        old = branch.secretary_name
        branch.secretary_name = name[:50]
        branch.save(update_fields=["secretary_name"])
        audit_log(
            actor=actor,
            action="branches.branch.changed",
            township_id=branch.township_id,
            obj=branch,
            data={"changes": {"secretary_name": [old, branch.secretary_name]}},
        )
    elif user.role == Role.LIAISON:
        year = _today().year
        held = LiaisonAssignment.objects.filter(
            township_id=branch.township_id, cadre_name=name[:50], year=year
        ).first()
        if held is None:
            liaison_assign(
                actor=actor, branch=branch, cadre_name=name[:50], cadre_post="", year=year
            )
        elif held.branch_id != branch.pk:
            raise ApplicationError(
                _("%(n)s %(y)d 年已挂包%(b)s，每人每年只挂包一个党支部。")
                % {"n": name, "y": year, "b": held.branch.name}
            )


@transaction.atomic
def account_create(
    *, actor, branch: Branch, role: str, full_name: str, username: str = ""
) -> tuple[User, str]:
    """A new account of `branch`'s secretary or liaison cadre with a one-time initial password
    (returned once, to be shown once; only its change is audited, never the password)."""
    if role not in ACCOUNT_ROLES:
        raise ApplicationError(_("只能为支部书记或挂包领导建账号。"), extra={"field": "role"})
    if not branch.active:
        raise ApplicationError(_("%(b)s已撤销，不能再指定账号。") % {"b": branch.name})
    full_name = _text(full_name, label=_("姓名"), field="full_name", max_length=50)
    username = (username or "").strip()
    if username:
        field = User._meta.get_field("username")
        try:
            field.run_validators(username)
        except ValidationError as exc:
            raise ApplicationError(" ".join(exc.messages), extra={"field": "username"}) from exc
        if len(username) > field.max_length:
            raise ApplicationError(_("用户名太长。"), extra={"field": "username"})
        if User.objects.filter(username__iexact=username).exists():
            raise ApplicationError(
                _("用户名 %(u)s 已被使用。") % {"u": username}, extra={"field": "username"}
            )
    else:
        username = _username_for(branch=branch, role=role)
    user = User(
        username=username,
        first_name=full_name,
        role=role,
        township_id=branch.township_id,
        county_id=branch.township.county_id,
        branch=branch,
    )
    password = initial_password()
    while True:
        try:
            validate_password(password, user)
            break
        except ValidationError:  # pragma: no cover - 16 random characters pass the validators
            password = initial_password()
    user.set_password(password)
    user.save()
    user_change_audit(actor=actor, user=user, before=None)
    audit_log(
        actor=actor,
        action="branches.account.assigned",
        township_id=branch.township_id,
        obj=branch,
        data={"user": user.username, "role": role, "created": True},
    )
    _take_post(actor=actor, branch=branch, user=user)
    return user, password


@transaction.atomic
def account_assign(*, actor, branch: Branch, user: User) -> User:
    """Give an existing secretary or liaison account of the township to `branch` (and
    activate it)."""
    if user.role not in ACCOUNT_ROLES or user.township_id != branch.township_id:
        raise ApplicationError(
            _("只能指定本乡镇的支部书记或挂包领导账号。"), extra={"field": "user"}
        )
    if not branch.active:
        raise ApplicationError(_("%(b)s已撤销，不能再指定账号。") % {"b": branch.name})
    before = user_state(user)
    user.branch, user.is_active = branch, True
    user.save(update_fields=["branch", "is_active"])
    user_change_audit(actor=actor, user=user, before=before)
    audit_log(
        actor=actor,
        action="branches.account.assigned",
        township_id=branch.township_id,
        obj=branch,
        data={"user": user.username, "role": user.role},
    )
    _take_post(actor=actor, branch=branch, user=user)
    return user


@transaction.atomic
def account_deactivate(*, actor, user: User) -> User:
    """Deactivate an account (never delete it): it can no longer sign in."""
    if user.role not in ACCOUNT_ROLES:
        raise ApplicationError(_("只能停用支部书记或挂包领导账号。"))
    if user.is_active:
        _set_active(actor=actor, user=user, active=False)
    return user
