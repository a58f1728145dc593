"""The `cooperatives` section of a township (EXCHANGE.md “Cooperatives and alliances”).

Three functions hooked into the exchange with a line each: `section_validate` (called by
`exchange.validate`), `section_import` (by the importer's township sync) and `section_export`
(by the exporter). The section is optional: a document without it leaves the township's
cooperatives as they are; with it, the township's cooperatives, their holders and accounts
become exactly those of the file (matched by code, holder id and year).

Beyond EXCHANGE.md, a cooperative may carry `contact` (optional; exported when set).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from cooperatives.models import (
    Account,
    ContributionKind,
    Cooperative,
    Holder,
    HolderKind,
    OperatingModel,
)
from exchange import validate as v
from exchange.document import date_text, money_text
from township import plausible

KEY = "cooperatives"
KINDS = ("cooperatives", "holders", "accounts")
MODEL_KINDS = {
    Cooperative._meta.label: "cooperatives",
    Holder._meta.label: "holders",
    Account._meta.label: "accounts",
}
MAX_MONEY = Decimal("999999999999.99")
MAX_SHARES = 2_000_000_000
_RATIO_PLACES = Decimal("0.0001")


# --- validate ------------------------------------------------------------------------------------


def section_validate(
    c, t: dict, path: str, branch_codes: dict[str, str], member_branch: dict[str, Any]
) -> list[dict] | None:
    """The normalised cooperatives of township `t` (None when the section is absent); each
    problem goes to the checker `c` with its path."""
    raw = t.get(KEY, v.MISSING)
    if raw is v.MISSING or raw is None:
        return None
    if not isinstance(raw, list):
        c.problem(f"{path}.{KEY}", _("应为列表（[…]）。"))
        return []
    out, codes = [], {}
    for i, row in v._rows(c, raw, f"{path}.{KEY}"):
        p = f"{path}.{KEY}[{i}]"
        code = c.text(row, "code", p, max_length=20)
        c.unique(codes, code, p, "code", _("合作社代码"))
        founded_on = c.date(row, "founded_on", p)
        if isinstance(founded_on, dt.date):
            c.warn(p, "founded_on", plausible.record_date(founded_on, today=c.today))
        coop = {
            "code": code,
            "branch": v._branch_ref(c, row, p, branch_codes),
            "name": c.text(row, "name", p, max_length=100),
            "credit_code": _credit_code(c, row, p),
            "model": c.choice(row, "model", p, OperatingModel.values),
            "founded_on": founded_on,
            "business": c.text(row, "business", p, max_length=200, required=False),
            "contact": c.text(row, "contact", p, max_length=100, required=False),
            "holders": _holders(c, row, p, member_branch),
            "accounts": _accounts(c, row, p),
        }
        out.append(coop)
    return out


def _credit_code(c, row: dict, p: str) -> Any:
    value = c.text(row, "credit_code", p, max_length=40)
    if not isinstance(value, str) or not value:
        return value
    try:
        if len(value) != 18 or uscc.compact(value) != value:
            raise ValidationError
        uscc.validate(value)
    except InvalidChecksum:
        return c.problem(
            f"{p}.credit_code",
            _("统一社会信用代码 %(code)s 的校验位不正确（GB 32100）。") % {"code": value},
        )
    except ValidationError:
        return c.problem(
            f"{p}.credit_code",
            _("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）：%(code)s。")
            % {"code": value[:40]},
        )
    return value


def _holders(c, row: dict, p: str, member_branch: dict[str, Any]) -> list[dict]:
    out, ids = [], {}
    for j, h in v._rows(c, c.list(row, "holders", p), f"{p}.holders"):
        hp = f"{p}.holders[{j}]"
        code = c.text(h, "id", hp, max_length=20)
        c.unique(ids, code, hp, "id", _("股东编号"))
        member = c.text(h, "member", hp, max_length=30, required=False) or None
        if isinstance(member, str) and member not in member_branch:
            member = c.problem(f"{hp}.member", _("未知的党员 %(code)s。") % {"code": member})
        out.append(
            {
                "code": code,
                "kind": c.choice(h, "kind", hp, HolderKind.values),
                "name": c.text(h, "name", hp, max_length=100),
                "member": member,
                "contribution": c.choice(h, "contribution", hp, ContributionKind.values),
                "value": c.decimal(
                    h,
                    "value",
                    hp,
                    low=Decimal(0),
                    high=MAX_MONEY,
                    type_message=_('折价应为非负的十进制数（如 "12000.00"）。'),
                    range_message=_('折价应为非负的十进制数（如 "12000.00"）。'),
                ),
                "shares": _shares(c, h, hp),
            }
        )
    return out


def _shares(c, h: dict, hp: str) -> Any:
    value = h.get("shares")
    message = _("股数应为正整数。")
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        if 1 <= value <= MAX_SHARES:
            return int(value)
        return c.problem(f"{hp}.shares", message)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SHARES:
        if "shares" not in h:
            return c.problem(f"{hp}.shares", _("缺少必填字段。"))
        return c.problem(f"{hp}.shares", message)
    return value


def _accounts(c, row: dict, p: str) -> list[dict]:
    out, years = [], {}
    for j, a in v._rows(c, c.list(row, "accounts", p), f"{p}.accounts"):
        ap = f"{p}.accounts[{j}]"
        year = c.integer(a, "year", ap, low=1900, high=2999)
        if isinstance(year, int):
            c.warn(ap, "year", plausible.record_year(year, today=c.today))
            if year in years:
                c.problem(
                    f"{ap}.year",
                    _("同一合作社 %(year)d 年度有两份决算（首次出现于 %(first)s）。")
                    % {"year": year, "first": years[year]},
                )
            else:
                years[year] = ap
        out.append(
            {
                "year": year,
                "profit": c.decimal(
                    a,
                    "profit",
                    ap,
                    low=-MAX_MONEY,
                    high=MAX_MONEY,
                    type_message=_('利润应为十进制数（如 "100000.01"，亏损为负数）。'),
                    range_message=_("利润超出可处理的范围。"),
                ),
                "reserve_ratio": _ratio(c, a, ap),
            }
        )
    return out


def _ratio(c, a: dict, ap: str) -> Any:
    raw = c._get(a, "reserve_ratio", ap, required=True)
    if raw is v.INVALID:
        return raw
    ratio = v._as_decimal(raw)
    if ratio is None or ratio != ratio.quantize(_RATIO_PLACES, rounding="ROUND_DOWN"):
        return c.problem(
            f"{ap}.reserve_ratio", _('公积金比例应为最多四位小数的十进制数（如 "0.10"）。')
        )
    if not Decimal(0) <= ratio < Decimal(1):
        return c.problem(
            f"{ap}.reserve_ratio",
            _("公积金比例 %(value)s 超出范围（应满足 0 ≤ 比例 < 1）。") % {"value": raw},
        )
    return ratio


# --- import --------------------------------------------------------------------------------------


def section_import(sync) -> None:
    """Mirror the section in the township of `sync` (exchange.importer._TownshipSync): by code,
    holder id and year; what the file lacks is deleted. Nothing happens without the section."""
    rows = sync.data.cooperatives
    if rows is None:
        return
    counts = sync.counts
    existing = {c.code: c for c in Cooperative.objects.filter(township=sync.township)}
    keep = set()
    for row in rows:
        values = {
            "branch_id": sync.branch_ids[row["branch"]],
            "name": row["name"],
            "credit_code": row["credit_code"],
            "model": row["model"],
            "founded_on": row["founded_on"],
            "business": row["business"],
            "contact": row["contact"],
        }
        coop = existing.get(row["code"])
        if coop is None:
            coop = Cooperative.objects.create(township=sync.township, code=row["code"], **values)
            counts["cooperatives"]["created"] += 1
        elif _changed(coop, values):
            coop.save()
            counts["cooperatives"]["updated"] += 1
        keep.add(coop.pk)
        _holders_import(sync, coop, row["holders"])
        _accounts_import(sync, coop, row["accounts"])
    stale = [c.pk for c in existing.values() if c.pk not in keep]
    if stale:
        Cooperative.objects.filter(pk__in=stale).delete()
        counts["cooperatives"]["deleted"] += len(stale)


def _changed(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _holders_import(sync, coop: Cooperative, rows: list[dict]) -> None:
    existing = {h.code: h for h in Holder.objects.filter(cooperative=coop)}
    counts = sync.counts["holders"]
    for row in rows:
        values = {k: row[k] for k in ("kind", "name", "contribution", "value", "shares")}
        values["member_id"] = sync.member_ids[row["member"]] if row["member"] else None
        holder = existing.pop(row["code"], None)
        if holder is None:
            Holder.objects.create(cooperative=coop, code=row["code"], **values)
            counts["created"] += 1
        elif _changed(holder, values):
            holder.save()
            counts["updated"] += 1
    if existing:
        Holder.objects.filter(pk__in=[h.pk for h in existing.values()]).delete()
        counts["deleted"] += len(existing)


def _accounts_import(sync, coop: Cooperative, rows: list[dict]) -> None:
    existing = {a.year: a for a in Account.objects.filter(cooperative=coop)}
    counts = sync.counts["accounts"]
    for row in rows:
        values = {"profit": row["profit"], "reserve_ratio": row["reserve_ratio"]}
        account = existing.pop(row["year"], None)
        if account is None:
            Account.objects.create(cooperative=coop, year=row["year"], **values)
            counts["created"] += 1
        elif _changed(account, values):
            account.save()
            counts["updated"] += 1
    if existing:
        Account.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()
        counts["deleted"] += len(existing)


# --- export --------------------------------------------------------------------------------------


def section_export(township) -> dict:
    """`{"cooperatives": [...]}` when the township has any, else `{}`; ordered by code, holder
    id and year, so the same data always gives the same text."""
    coops = list(
        Cooperative.objects.filter(township=township).select_related("branch").order_by("code")
    )
    if not coops:
        return {}
    holders: dict[int, list[Holder]] = {}
    for h in Holder.objects.filter(cooperative__township=township).select_related("member"):
        holders.setdefault(h.cooperative_id, []).append(h)
    accounts: dict[int, list[Account]] = {}
    for a in Account.objects.filter(cooperative__township=township):
        accounts.setdefault(a.cooperative_id, []).append(a)
    out = []
    for coop in coops:
        row = {
            "code": coop.code,
            "branch": coop.branch.code,
            "name": coop.name,
            "credit_code": coop.credit_code,
            "model": coop.model,
            "founded_on": date_text(coop.founded_on),
            "business": coop.business,
        }
        if coop.contact:
            row["contact"] = coop.contact
        row["holders"] = [
            _holder(h) for h in sorted(holders.get(coop.pk, []), key=lambda h: h.code)
        ]
        row["accounts"] = [
            {
                "year": a.year,
                "profit": money_text(a.profit),
                "reserve_ratio": ratio_text(a.reserve_ratio),
            }
            for a in sorted(accounts.get(coop.pk, []), key=lambda a: a.year)
        ]
        out.append(row)
    return {KEY: out}


def _holder(h: Holder) -> dict:
    row = {"id": h.code, "kind": h.kind, "name": h.name}
    if h.member_id:
        row["member"] = h.member.code
    row.update(
        {
            "contribution": h.contribution,
            "value": money_text(h.value),
            "shares": h.shares,
        }
    )
    return row


def ratio_text(value: Decimal) -> str:
    """A ratio with at least two decimals, as people write it: 0.10, 0.125."""
    text = f"{value.normalize():f}"
    whole, _dot, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"
