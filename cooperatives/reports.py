"""The cooperatives' report kind: a cooperative's dividend statement for a year.

Registered in `CooperativesConfig.ready()`. The target is a township plus the option
`cooperative` (its code): `make_report dividend_statement --township CODE --cooperative CODE
--period 2025 --format xlsx`, or the button on the cooperative's page (a report job).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Township
from cooperatives import selectors
from cooperatives.models import Cooperative
from township.money import cents_to_yuan
from township.permissions import Role
from township.reports import (
    Column,
    Period,
    Progress,
    Report,
    ReportError,
    ReportKind,
    Table,
    Target,
)
from township.scoping import Scope

SHARE_PLACES = Decimal("0.000001")


def _not_found() -> ReportError:
    return ReportError(_("找不到该合作社，或不在您的管理范围内。"))


class DividendStatement(ReportKind):
    name = "dividend_statement"
    label = gettext_lazy("合作社分红明细表")
    levels = ("township",)
    periods = ("year",)
    audience = (Role.REVIEWER, Role.OFFICE, Role.SECRETARY)
    options = ("cooperative",)

    def target(
        self, *, scope: Scope | None, level: str, ident, by_code: bool = False, cooperative=None
    ) -> Target:
        if level != "township" or not cooperative:
            raise _not_found()
        townships = Township.objects.all() if scope is None else Township.objects.within(scope)
        if by_code:
            township = townships.filter(code=str(ident)[:20]).first()
        else:
            try:
                township = townships.filter(pk=int(str(ident)[:12])).first()
            except ValueError:
                township = None
        if township is None:
            raise _not_found()
        coops = Cooperative.objects.all() if scope is None else Cooperative.objects.within(scope)
        coop = (
            coops.filter(township=township, code=str(cooperative)[:20])
            .select_related("branch")
            .first()
        )
        if coop is None:
            raise _not_found()
        return Target(
            level="township",
            county_id=township.county_id,
            township_id=township.pk,
            branch_id=coop.branch_id,  # so the branch's secretary sees the job
            label=f"{township.name} {coop.name}",
            options=(("cooperative", coop.code),),
        )

    def target_choices(self, *, scope: Scope) -> list[Target]:
        return []  # asked for from the cooperative's page

    def build(self, *, target: Target, period: Period, progress: Progress) -> Report:
        code = dict(target.options)["cooperative"]
        coop = (
            Cooperative.objects.filter(township_id=target.township_id, code=code)
            .select_related("township", "branch")
            .first()
        )
        if coop is None:
            raise _not_found()
        progress(0, 2, _("读取股东名册"))
        register, total = selectors.holder_register(cooperative=coop)
        account = coop.accounts.filter(year=period.year).first()
        if account is None:
            raise ReportError(
                _("%(coop)s 没有 %(year)d 年度的决算，无法生成分红明细。")
                % {"coop": coop.name, "year": period.year}
            )
        statement = selectors.dividend_statement(account=account, register=register)
        progress(1, 2, _("计算分红"))
        rows = [
            [
                r.holder.code,
                r.holder.name,
                r.holder.get_kind_display(),
                r.holder.shares,
                _share(r.share),
                cents_to_yuan(r.cents),
            ]
            for r in statement.rows
        ]
        rows.append(
            [
                "",
                _("合计"),
                "",
                total,
                Decimal(1) if total else Decimal(0),
                statement.distributed,
            ]
        )
        return Report(
            title=_("%(coop)s %(year)d年度分红明细表") % {"coop": coop.name, "year": period.year},
            subject=target.label,
            period=period,
            facts=[
                (_("合作社"), f"{coop.name}（{coop.code}）"),
                (_("统一社会信用代码"), coop.credit_code),
                (_("领办党支部"), coop.branch.name),
                (_("可分配利润"), f"{account.profit:,.2f} 元"),
                (_("公积金提取比例"), f"{account.reserve_ratio * 100:.2f}%"),
                (_("提取公积金"), f"{statement.reserve:,.2f} 元"),
                (_("分红总额"), f"{statement.distributed:,.2f} 元"),
            ],
            tables=[
                Table(
                    title=_("股东分红"),
                    columns=[
                        Column(_("编号"), width=8),
                        Column(_("股东"), width=24),
                        Column(_("类型"), width=8),
                        Column(_("股数"), "int", 10),
                        Column(_("持股比例"), "percent", 10),
                        Column(_("分红金额"), "money", 16),
                    ],
                    rows=rows,
                    marked={len(rows) - 1},
                    note=_(
                        "分红按股数分配，先各自舍到分，余下的分按余数从大到小逐一补足"
                        "（余数相同时股数多者优先，再按股东编号），合计等于分红总额。"
                    ),
                )
            ],
            filename=_ascii(f"dividends-{coop.township.code}-{coop.code}-{period.year}"),
        )


def _ascii(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)


def _share(share) -> Decimal:
    return (Decimal(share.numerator) / Decimal(share.denominator)).quantize(SHARE_PLACES)


KINDS = (DividendStatement,)
