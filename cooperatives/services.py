"""Writes of the cooperatives app. Keyword-only, atomic, audited in the same transaction.

Money goes through `township.money` (cents) and the rules of `cooperatives.rules`; the contest
fund may not go below zero: a subsidy, prize or activity subsidy larger than the balance left is
refused, naming the balance.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from branches.models import Branch, Township
from cooperatives import rules, selectors
from cooperatives.models import (
    Account,
    Award,
    CollectiveIncome,
    Contest,
    ContestEntry,
    Cooperative,
    FundDeposit,
    GroupActivity,
    Holder,
    JudgeScore,
    LedProject,
    Pairing,
    PairingProject,
    ProgressEntry,
    ProjectEvaluation,
    Symposium,
)
from township import plausible
from township.audit import audit_log
from township.errors import ApplicationError
from township.money import cents_to_yuan, yuan_to_cents

MAX_AMOUNT = Decimal("999999999999.99")


class CooperativeError(ApplicationError):
    pass


# --- checks ------------------------------------------------------------------------------------


def credit_code_problem(value: str) -> str | None:
    """The unified social credit code (GB 32100), checked by python-stdnum; None when valid."""
    try:
        uscc.validate(value)
    except InvalidChecksum:
        return _("统一社会信用代码 %(code)s 的校验位不正确。") % {"code": value[:18]}
    except (InvalidComponent, ValidationError):
        return _("统一社会信用代码 %(code)s 应为 18 位数字或大写字母（不含 I、O、S、V、Z）。") % {
            "code": value[:18]
        }
    return None


def credit_code_normal(value: str) -> str:
    return uscc.compact(value)


def _date_problem(day: dt.date, label) -> str | None:
    return plausible.record_date(day, today=plausible.today(), label=label)


def _money_problem(value: Decimal, label, *, negative: bool = False) -> str | None:
    if not isinstance(value, Decimal) or not value.is_finite():
        return _("%(label)s应为数字。") % {"label": label}
    if value != value.quantize(Decimal("0.01")):
        return _("%(label)s最多两位小数。") % {"label": label}
    if abs(value) > MAX_AMOUNT:
        return _("%(label)s过大。") % {"label": label}
    if value < 0 and not negative:
        return _("%(label)s不能为负数。") % {"label": label}
    return None


def _same_township(branch: Branch, township_id: int) -> None:
    if branch.township_id != township_id:
        raise CooperativeError(_("党支部不属于本乡镇。"), extra={"field": "branch"})


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, Decimal | dt.date):
            value = str(value)
        elif hasattr(value, "pk"):
            value = value.pk
        out[key] = value
    return out


# --- cooperatives, holders, accounts --------------------------------------------------------

COOPERATIVE_FIELDS = (
    "branch",
    "code",
    "name",
    "credit_code",
    "model",
    "founded_on",
    "business",
    "contact",
)


def _cooperative_check(fields: dict[str, Any]) -> dict[str, Any]:
    fields = dict(fields)
    fields["credit_code"] = credit_code_normal(fields.get("credit_code") or "")
    plausible.refuse(
        {
            "credit_code": credit_code_problem(fields["credit_code"]),
            "founded_on": _date_problem(fields["founded_on"], _("成立日期")),
        }
    )
    return fields


@transaction.atomic
def cooperative_create(*, actor, branch: Branch, **fields) -> Cooperative:
    fields = _cooperative_check(fields)
    if Cooperative.objects.filter(township_id=branch.township_id, code=fields["code"]).exists():
        raise CooperativeError(
            _("本乡镇已有编号为 %(code)s 的合作社。") % {"code": fields["code"]},
            extra={"field": "code"},
        )
    coop = Cooperative.objects.create(township_id=branch.township_id, branch=branch, **fields)
    audit_log(
        actor=actor,
        action="cooperatives.cooperative.created",
        township_id=coop.township_id,
        obj=coop,
        data=_plain({"branch": branch, **fields}),
    )
    return coop


@transaction.atomic
def cooperative_update(*, actor, cooperative: Cooperative, **fields) -> Cooperative:
    fields = _cooperative_check(fields)
    branch = fields.pop("branch", cooperative.branch)
    _same_township(branch, cooperative.township_id)
    taken = Cooperative.objects.filter(township_id=cooperative.township_id, code=fields["code"])
    if taken.exclude(pk=cooperative.pk).exists():
        raise CooperativeError(
            _("本乡镇已有编号为 %(code)s 的合作社。") % {"code": fields["code"]},
            extra={"field": "code"},
        )
    changes = {}
    for name, value in {"branch": branch, **fields}.items():
        if getattr(cooperative, name) != value:
            changes[name] = [getattr(cooperative, name), value]
            setattr(cooperative, name, value)
    if changes:
        cooperative.save()
        audit_log(
            actor=actor,
            action="cooperatives.cooperative.changed",
            township_id=cooperative.township_id,
            obj=cooperative,
            data={
                "changes": {
                    k: list(_plain({"a": a, "b": b}).values()) for k, (a, b) in changes.items()
                }
            },
        )
    return cooperative


def _holder_check(cooperative: Cooperative, fields: dict[str, Any]) -> None:
    shares = fields.get("shares")
    problems = {
        "value": _money_problem(fields.get("value"), _("折价")),
        "shares": None
        if isinstance(shares, int) and not isinstance(shares, bool) and shares >= 1
        else _("股数应为正整数。"),
    }
    member = fields.get("member")
    if member is not None and member.township_id != cooperative.township_id:
        problems["member"] = _("党员不属于本乡镇。")
    plausible.refuse(problems)


@transaction.atomic
def holder_save(
    *, actor, cooperative: Cooperative, holder: Holder | None = None, **fields
) -> Holder:
    """Add a holder to the register, or change one (`holder`)."""
    _holder_check(cooperative, fields)
    taken = Holder.objects.filter(cooperative=cooperative, code=fields["code"])
    if holder is not None:
        taken = taken.exclude(pk=holder.pk)
    if taken.exists():
        raise CooperativeError(
            _("本合作社已有编号为 %(code)s 的股东。") % {"code": fields["code"]},
            extra={"field": "code"},
        )
    created = holder is None
    if created:
        holder = Holder.objects.create(cooperative=cooperative, **fields)
    else:
        for name, value in fields.items():
            setattr(holder, name, value)
        holder.save()
    audit_log(
        actor=actor,
        action="cooperatives.holder.created" if created else "cooperatives.holder.changed",
        township_id=cooperative.township_id,
        obj=holder,
        data=_plain({"cooperative": cooperative, **fields}),
    )
    return holder


@transaction.atomic
def holder_delete(*, actor, holder: Holder) -> None:
    audit_log(
        actor=actor,
        action="cooperatives.holder.deleted",
        township_id=holder.cooperative.township_id,
        obj=holder,
        data={"code": holder.code, "name": holder.name, "shares": holder.shares},
    )
    holder.delete()


def reserve_ratio_problem(value) -> str | None:
    if not isinstance(value, Decimal) or not value.is_finite():
        return _("公积金提取比例应为数字。")
    if not Decimal(0) <= value < Decimal(1):
        return _("公积金提取比例应在 0 到 1 之间（可以为 0，必须小于 1）。")
    if value != value.quantize(Decimal("0.0001")):
        return _("公积金提取比例最多四位小数。")
    return None


@transaction.atomic
def account_save(
    *, actor, cooperative: Cooperative, year: int, profit: Decimal, reserve_ratio: Decimal
) -> Account:
    """Set the annual account of `year` (created or changed: one account per year)."""
    plausible.refuse(
        {
            "year": plausible.record_year(year, today=plausible.today()),
            "profit": _money_problem(profit, _("可分配利润"), negative=True),
            "reserve_ratio": reserve_ratio_problem(reserve_ratio),
        }
    )
    account, created = Account.objects.update_or_create(
        cooperative=cooperative,
        year=year,
        defaults={"profit": profit, "reserve_ratio": reserve_ratio},
    )
    audit_log(
        actor=actor,
        action="cooperatives.account.set",
        township_id=cooperative.township_id,
        obj=account,
        data={
            "year": year,
            "profit": str(profit),
            "reserve_ratio": str(reserve_ratio),
            "created": created,
        },
    )
    return account


# --- pairings (强企帮弱村) -----------------------------------------------------------------


@transaction.atomic
def pairing_create(
    *, actor, branch: Branch, enterprise: str, started_on: dt.date, note: str = ""
) -> Pairing:
    plausible.refuse({"started_on": _date_problem(started_on, _("结对日期"))})
    if Pairing.objects.filter(branch=branch, enterprise=enterprise).exists():
        raise CooperativeError(
            _("%(enterprise)s 已与该村结对。") % {"enterprise": enterprise},
            extra={"field": "enterprise"},
        )
    pairing = Pairing.objects.create(
        township_id=branch.township_id,
        branch=branch,
        enterprise=enterprise,
        started_on=started_on,
        note=note,
    )
    audit_log(
        actor=actor,
        action="cooperatives.pairing.created",
        township_id=branch.township_id,
        obj=pairing,
        data=_plain({"branch": branch, "enterprise": enterprise, "started_on": started_on}),
    )
    return pairing


@transaction.atomic
def pairing_project_add(
    *,
    actor,
    pairing: Pairing,
    name: str,
    investment: Decimal,
    started_on: dt.date,
    description: str = "",
) -> PairingProject:
    plausible.refuse(
        {
            "investment": _money_problem(investment, _("投入")),
            "started_on": _date_problem(started_on, _("开始日期")),
        }
    )
    project = PairingProject.objects.create(
        pairing=pairing,
        name=name,
        investment=investment,
        started_on=started_on,
        description=description,
    )
    audit_log(
        actor=actor,
        action="cooperatives.pairing_project.created",
        township_id=pairing.township_id,
        obj=project,
        data=_plain({"pairing": pairing, "name": name, "investment": investment}),
    )
    return project


@transaction.atomic
def progress_record(*, actor, pairing: Pairing, month: dt.date, text: str) -> ProgressEntry:
    """Record (or correct) a pairing's progress of `month` (any day of it)."""
    month = month.replace(day=1)
    today = plausible.today()
    plausible.refuse({"month": plausible.record_month(month, today=today, label=_("月份"))})
    entry = ProgressEntry.objects.filter(pairing=pairing, month=month).first()
    created = entry is None
    if created:
        entry = ProgressEntry.objects.create(
            pairing=pairing, month=month, text=text, entered_on=today
        )
    else:
        entry.text = text
        entry.save(update_fields=["text"])
    audit_log(
        actor=actor,
        action="cooperatives.progress.recorded",
        township_id=pairing.township_id,
        obj=pairing,
        data={"month": f"{month:%Y-%m}", "created": created},
    )
    return entry


@transaction.atomic
def symposium_record(
    *, actor, pairing: Pairing, date: dt.date, topic: str, notes: str = ""
) -> Symposium:
    plausible.refuse({"date": _date_problem(date, _("座谈会日期"))})
    symposium = Symposium.objects.create(pairing=pairing, date=date, topic=topic, notes=notes)
    audit_log(
        actor=actor,
        action="cooperatives.symposium.recorded",
        township_id=pairing.township_id,
        obj=symposium,
        data={"pairing": pairing.pk, "date": str(date), "topic": topic},
    )
    return symposium


@transaction.atomic
def collective_income_set(*, actor, branch: Branch, year: int, amount: Decimal) -> CollectiveIncome:
    plausible.refuse(
        {
            "year": plausible.record_year(year, today=plausible.today()),
            "amount": _money_problem(amount, _("集体经济收入"), negative=True),
        }
    )
    income, _created = CollectiveIncome.objects.update_or_create(
        branch=branch, year=year, defaults={"amount": amount}
    )
    audit_log(
        actor=actor,
        action="cooperatives.collective_income.set",
        township_id=branch.township_id,
        obj=income,
        data={"branch": branch.pk, "year": year, "amount": str(amount)},
    )
    return income


# --- the fund, projects and the contest -------------------------------------------------------


def _lock_fund(township_id: int) -> None:
    """Serialise the writes that spend the fund of one township (PostgreSQL row lock)."""
    Township.objects.select_for_update().filter(pk=township_id).first()


def _spend(*, township_id: int, cents: int, field: str, previous_cents: int = 0) -> None:
    """Refuse spending `cents` (replacing `previous_cents`) beyond the fund's balance."""
    balance = selectors.fund_balance_cents(township_id=township_id)["balance"] + previous_cents
    if cents > balance:
        raise CooperativeError(
            _("资金池余额不足：余额 %(balance)s 元，本次需 %(amount)s 元。")
            % {"balance": cents_to_yuan(balance), "amount": cents_to_yuan(cents)},
            extra={"field": field},
        )


@transaction.atomic
def fund_deposit_add(
    *, actor, township, date: dt.date, amount: Decimal, note: str = ""
) -> FundDeposit:
    problems = {
        "date": _date_problem(date, _("入账日期")),
        "amount": _money_problem(amount, _("金额")),
    }
    if not problems["amount"] and amount <= 0:
        problems["amount"] = _("金额应大于 0。")
    plausible.refuse(problems)
    deposit = FundDeposit.objects.create(township=township, date=date, amount=amount, note=note)
    audit_log(
        actor=actor,
        action="cooperatives.fund.deposited",
        township=township,
        obj=deposit,
        data={"date": str(date), "amount": str(amount), "note": note},
    )
    return deposit


@transaction.atomic
def led_project_create(
    *, actor, branch: Branch, year: int, category: str, name: str, description: str = ""
) -> LedProject:
    plausible.refuse({"year": plausible.record_year(year, today=plausible.today())})
    project = LedProject.objects.create(
        township_id=branch.township_id,
        branch=branch,
        year=year,
        category=category,
        name=name,
        description=description,
    )
    audit_log(
        actor=actor,
        action="cooperatives.project.created",
        township_id=branch.township_id,
        obj=project,
        data={"branch": branch.pk, "year": year, "category": category, "name": name},
    )
    return project


@transaction.atomic
def project_evaluate(
    *, actor, project: LedProject, quarter: int, rating: str, subsidy: Decimal
) -> ProjectEvaluation:
    """The office's evaluation of a quarter, with the subsidy granted from the fund."""
    problems = {"subsidy": _money_problem(subsidy, _("补助"))}
    if quarter not in (1, 2, 3, 4):
        problems["quarter"] = _("季度应为 1 到 4。")
    plausible.refuse(problems)
    _lock_fund(project.township_id)
    existing = ProjectEvaluation.objects.filter(project=project, quarter=quarter).first()
    _spend(
        township_id=project.township_id,
        cents=yuan_to_cents(subsidy),
        field="subsidy",
        previous_cents=yuan_to_cents(existing.subsidy) if existing else 0,
    )
    evaluation, _created = ProjectEvaluation.objects.update_or_create(
        project=project, quarter=quarter, defaults={"rating": rating, "subsidy": subsidy}
    )
    audit_log(
        actor=actor,
        action="cooperatives.project.evaluated",
        township_id=project.township_id,
        obj=project,
        data={"quarter": quarter, "rating": rating, "subsidy": str(subsidy)},
    )
    return evaluation


@transaction.atomic
def contest_create(
    *, actor, township, year: int, month: int, first_count: int, second_count: int, third_count: int
) -> Contest:
    problems = {"year": plausible.record_year(year, today=plausible.today())}
    if month not in (6, 12):
        problems["month"] = _("擂台赛在 6 月或 12 月举行。")
    if not 1 <= first_count <= 3:
        problems["first_count"] = _("一等奖名额应为 1 到 3 个。")
    if not 2 <= second_count <= 6:
        problems["second_count"] = _("二等奖名额应为 2 到 6 个。")
    if third_count < 0:
        problems["third_count"] = _("三等奖名额不能为负数。")
    plausible.refuse(problems)
    if Contest.objects.filter(township=township, year=year, month=month).exists():
        raise CooperativeError(
            _("%(year)d 年 %(month)d 月的擂台赛已经建立。") % {"year": year, "month": month},
            extra={"field": "month"},
        )
    contest = Contest.objects.create(
        township=township,
        year=year,
        month=month,
        first_count=first_count,
        second_count=second_count,
        third_count=third_count,
    )
    audit_log(
        actor=actor,
        action="cooperatives.contest.created",
        township=township,
        obj=contest,
        data={"year": year, "month": month, "counts": [first_count, second_count, third_count]},
    )
    return contest


def _not_awarded(contest: Contest) -> None:
    if contest.awarded_at is not None:
        raise CooperativeError(_("该擂台赛已经颁奖，不能再修改参赛支部或评分。"))


@transaction.atomic
def contest_entry_save(
    *, actor, contest: Contest, branch: Branch, secretary_name: str, team_names: str
) -> ContestEntry:
    _not_awarded(contest)
    _same_township(branch, contest.township_id)
    entry, created = ContestEntry.objects.update_or_create(
        contest=contest,
        branch=branch,
        defaults={"secretary_name": secretary_name, "team_names": team_names},
    )
    audit_log(
        actor=actor,
        action="cooperatives.contest.entered",
        township_id=contest.township_id,
        obj=contest,
        data={
            "branch": branch.pk,
            "secretary": secretary_name,
            "team": entry.team,
            "created": created,
        },
    )
    return entry


@transaction.atomic
def judge_score_set(*, actor, entry: ContestEntry, judge: str, score: Decimal) -> JudgeScore:
    _not_awarded(entry.contest)
    if not isinstance(score, Decimal) or not Decimal(0) <= score <= Decimal(100):
        raise CooperativeError(_("评委得分应在 0 到 100 之间。"), extra={"field": "score"})
    if score != score.quantize(Decimal("0.01")):
        raise CooperativeError(_("评委得分最多两位小数。"), extra={"field": "score"})
    row, _created = JudgeScore.objects.update_or_create(
        entry=entry, judge=judge, defaults={"score": score}
    )
    audit_log(
        actor=actor,
        action="cooperatives.contest.scored",
        township_id=entry.contest.township_id,
        obj=entry.contest,
        data={"branch": entry.branch_id, "judge": judge, "score": str(score)},
    )
    return row


@transaction.atomic
def contest_award(*, actor, contest: Contest) -> list[Award]:
    """Rank the entries by their judges' mean score, set the prizes (rules.contest_prizes),
    split each award among the team in cents and take the prizes from the fund."""
    _lock_fund(contest.township_id)
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    _not_awarded(contest)
    entries, placing = selectors.contest_placing(contest=contest)  # as the page
    if not entries:
        raise CooperativeError(_("还没有参赛支部。"))
    unscored = [e.branch.name for e in entries if not e.judge_count]
    if unscored:
        raise CooperativeError(
            _("以下支部还没有评委打分：%(names)s。") % {"names": "、".join(unscored)}
        )
    awards, total = [], 0
    for entry in entries:
        tier = placing.tiers[entry.branch.code]
        if tier is None:
            continue
        amount = rules.PRIZES_YUAN[tier]
        shares = rules.award_split(amount=amount, secretary=entry.secretary_name, others=entry.team)
        awards.append(
            Award(entry=entry, tier=tier, amount=amount, shares=[list(s) for s in shares])
        )
        total += yuan_to_cents(amount)
    _spend(township_id=contest.township_id, cents=total, field=None)
    try:
        Award.objects.bulk_create(awards)
    except IntegrityError as exc:  # pragma: no cover - guarded by the row lock above
        raise CooperativeError(_("该擂台赛已经颁奖。")) from exc
    contest.awarded_at = timezone.now()
    contest.save(update_fields=["awarded_at"])
    audit_log(
        actor=actor,
        action="cooperatives.contest.awarded",
        township_id=contest.township_id,
        obj=contest,
        data={
            "awards": [[a.entry.branch.code, a.tier, str(a.amount)] for a in awards],
            "total": str(cents_to_yuan(total)),
        },
    )
    return awards


# --- group activities ---------------------------------------------------------------------------


@transaction.atomic
def group_activity_record(
    *,
    actor,
    branch: Branch,
    date: dt.date,
    kind: str,
    title: str,
    participants: int,
    subsidy: Decimal = Decimal(0),
) -> GroupActivity:
    plausible.refuse(
        {"date": _date_problem(date, _("活动日期")), "subsidy": _money_problem(subsidy, _("补助"))}
    )
    if subsidy:
        _lock_fund(branch.township_id)
        _spend(township_id=branch.township_id, cents=yuan_to_cents(subsidy), field="subsidy")
    activity = GroupActivity.objects.create(
        township_id=branch.township_id,
        branch=branch,
        date=date,
        kind=kind,
        title=title,
        participants=participants,
        subsidy=subsidy,
    )
    audit_log(
        actor=actor,
        action="cooperatives.activity.recorded",
        township_id=branch.township_id,
        obj=activity,
        data={"branch": branch.pk, "date": str(date), "title": title, "subsidy": str(subsidy)},
    )
    return activity


@transaction.atomic
def group_activity_subsidise(*, actor, activity: GroupActivity, subsidy: Decimal) -> GroupActivity:
    """The office sets (or changes) the township's subsidy of an activity."""
    plausible.refuse({"subsidy": _money_problem(subsidy, _("补助"))})
    _lock_fund(activity.township_id)
    _spend(
        township_id=activity.township_id,
        cents=yuan_to_cents(subsidy),
        field="subsidy",
        previous_cents=yuan_to_cents(activity.subsidy),
    )
    before = activity.subsidy
    activity.subsidy = subsidy
    activity.save(update_fields=["subsidy"])
    audit_log(
        actor=actor,
        action="cooperatives.activity.subsidised",
        township_id=activity.township_id,
        obj=activity,
        data={"changes": {"subsidy": [f"{Decimal(before):.2f}", f"{subsidy:.2f}"]}},
    )
    return activity
