"""The demo's cooperatives, pairings, projects, contest and group activities (issue 12).

Called by `seed_demo` for 示范镇 once its branches and members exist. Deterministic: fixed
names and figures, dates from the builder's year and today; the contest's prizes come from the
same rules as the office's button (`cooperatives.rules`).

- two branch-led cooperatives with holders (the village collective, villagers — one of them a
  member of the system — and an enterprise) and the previous year's account;
- two strong-enterprise pairings with projects, monthly progress, symposia and the villages'
  collective income; one of them is missing the progress of the last month that is due;
- the township fund, one project per category with quarterly evaluations and subsidies;
- the June contest with a three-way tie at the second-prize boundary (promoted: the second
  prize's maximum of six allows it), awarded and split;
- group activities with the township's subsidies.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from cooperatives import rules
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


def _village_infos(branches) -> list:
    return [i for i in branches if i.row.kind == "village"]


def _month_add(first: dt.date, n: int) -> dt.date:
    month = first.month - 1 + n
    return dt.date(first.year + month // 12, month % 12 + 1, 1)


def seed_cooperatives(builder, township, branches, *, secretary_branch: int) -> None:
    today, year = builder.today, builder.year
    villages = _village_infos(branches)
    home = branches[secretary_branch]  # the demo secretary's village
    other = next(i for i in villages if i is not home)

    # --- cooperatives ---------------------------------------------------------------------
    c1 = Cooperative(
        township=township,
        branch=home.row,
        code="C01",
        name=f"{home.row.name.removesuffix('党支部')}富民种植专业合作社",
        credit_code="93370123MA3C4Q5K8P",
        model="collective",
        founded_on=dt.date(2021, 4, 1),
        business="蔬菜种植、农资统购",
        contact=f"{home.row.secretary_name} 13905311234",
    )
    c2 = Cooperative(
        township=township,
        branch=other.row,
        code="C02",
        name=f"{other.row.name.removesuffix('党支部')}劳务服务专业合作社",
        credit_code="91110000600037341L",
        model="joint",
        founded_on=dt.date(2022, 3, 15),
        business="劳务输出、保洁绿化",
    )
    builder.bulk(Cooperative, [c1, c2])
    member = next(m.row for m in home.members if not m.committee)
    holders = [
        Holder(cooperative=c1, code="H001", kind="collective",
               name=f"{home.row.name.removesuffix('党支部')}股份经济合作社",
               contribution="funds", value=Decimal("200000.00"), shares=200),
        Holder(cooperative=c1, code="H002", kind="collective",
               name=f"{home.row.name.removesuffix('党支部')}股份经济合作社（资源）",
               contribution="resources", value=Decimal("50000.00"), shares=50),
        Holder(cooperative=c1, code="H003", kind="villager", name=member.name, member=member,
               contribution="land", value=Decimal("12000.00"), shares=12),
        Holder(cooperative=c1, code="H004", kind="villager", name="赵秀英",
               contribution="money", value=Decimal("12000.00"), shares=12),
        Holder(cooperative=c1, code="H005", kind="villager", name="孙明",
               contribution="labour", value=Decimal("7000.00"), shares=7),
        Holder(cooperative=c1, code="H006", kind="enterprise", name="济南鲁丰农业发展有限公司",
               contribution="money", value=Decimal("100000.00"), shares=100),
        Holder(cooperative=c2, code="H001", kind="collective",
               name=f"{other.row.name.removesuffix('党支部')}股份经济合作社",
               contribution="assets", value=Decimal("80000.00"), shares=80),
        Holder(cooperative=c2, code="H002", kind="enterprise", name="县城乡物业服务有限公司",
               contribution="money", value=Decimal("40000.00"), shares=40),
        Holder(cooperative=c2, code="H003", kind="villager", name="李桂兰",
               contribution="labour", value=Decimal("3000.00"), shares=3),
    ]  # fmt: skip
    builder.bulk(Holder, holders)
    builder.bulk(
        Account,
        [
            Account(cooperative=c1, year=year - 1, profit=Decimal("100000.01"),
                    reserve_ratio=Decimal("0.10")),
            Account(cooperative=c2, year=year - 1, profit=Decimal("-3500.50"),
                    reserve_ratio=Decimal("0.10")),
        ],
    )  # fmt: skip

    # --- pairings ---------------------------------------------------------------------------
    weak = [i for i in villages if i.spec.profile in ("weak", "silent")] or villages[-2:]
    weak = (weak + villages)[:2]
    p1 = Pairing(township=township, branch=weak[0].row, enterprise="山东鲁丰食品集团",
                 started_on=dt.date(year - 1, 3, 1), note="订单农业、村集体资产盘活")  # fmt: skip
    p2 = Pairing(township=township, branch=weak[1].row, enterprise="济南恒信建材有限公司",
                 started_on=dt.date(year - 1, 5, 1), note="就业岗位、道路硬化")  # fmt: skip
    builder.bulk(Pairing, [p1, p2])
    builder.bulk(
        PairingProject,
        [
            PairingProject(pairing=p1, name="冷链仓储建设", investment=Decimal("380000.00"),
                           started_on=dt.date(year - 1, 6, 1), description="村集体入股分红"),
            PairingProject(pairing=p2, name="村内道路硬化", investment=Decimal("150000.00"),
                           started_on=dt.date(year - 1, 8, 10)),
        ],
    )  # fmt: skip
    checked = rules.progress_month_checked(today=today, close_day=township.close_day)
    entries = []
    for pairing in (p1, p2):
        month = pairing.started_on.replace(day=1)
        while month <= checked:
            if not (pairing is p2 and month == checked):  # p2 has not reported: late
                entries.append(
                    ProgressEntry(
                        pairing=pairing,
                        month=month,
                        text=f"{month.month}月：按计划推进，企业派驻人员到村对接。",
                        entered_on=min(_month_add(month, 1) + dt.timedelta(days=9), today),
                    )
                )
            month = _month_add(month, 1)
    builder.bulk(ProgressEntry, entries)
    symposia = []
    for pairing in (p1, p2):
        for quarter_end in (3, 6, 9, 12):
            day = dt.date(year - 1, quarter_end, 20)
            if pairing.started_on <= day < today:
                symposia.append(Symposium(pairing=pairing, date=day, topic="季度帮扶座谈会",
                                          notes="企业、村“两委”和镇包村干部参加。"))  # fmt: skip
    builder.bulk(Symposium, symposia)
    builder.bulk(
        CollectiveIncome,
        [CollectiveIncome(branch=w.row, year=y, amount=Decimal(a))
         for w, amounts in zip(weak, (("48000.00", "86000.00"), ("35000.00", "52000.00")),
                               strict=True)
         for y, a in zip((year - 2, year - 1), amounts, strict=True)],
    )  # fmt: skip

    # --- the fund, projects, the June contest ------------------------------------------------
    builder.bulk(
        FundDeposit,
        [FundDeposit(township=township, date=dt.date(year - 1, 1, 10),
                     amount=Decimal("2000000.00"), note="县级党建引领资金")],
    )  # fmt: skip
    contest_year = year if dt.date(year, 6, 30) < today else year - 1
    projects = [
        LedProject(township=township, branch=home.row, year=contest_year, category="economy",
                   name="富民合作社大棚扩建"),
        LedProject(township=township, branch=other.row, year=contest_year, category="appearance",
                   name="村庄街巷绿化美化"),
        LedProject(township=township, branch=villages[2].row, year=contest_year,
                   category="spirit", name="新时代文明实践积分超市"),
    ]  # fmt: skip
    builder.bulk(LedProject, projects)
    builder.bulk(
        ProjectEvaluation,
        [ProjectEvaluation(project=p, quarter=q, rating=r, subsidy=Decimal(s))
         for p, (q, r, s) in zip(projects, ((1, "进展快，效果好", "50000.00"),
                                            (1, "按计划推进", "30000.00"),
                                            (2, "群众参与度高", "20000.00")), strict=True)],
    )  # fmt: skip
    contest = Contest(township=township, year=contest_year, month=6, first_count=1,
                      second_count=2, third_count=3)  # fmt: skip
    builder.bulk(Contest, [contest])
    # Means: 95, then 90, 90, 90 (a tie over the two second prizes), 85, 80.
    means = (95, 90, 90, 90, 85, 80)
    entries, scores = [], []
    for info, mean in zip(villages[:6], means, strict=False):
        committee = [m.row.name for m in info.members if m.committee]
        secretary = info.row.secretary_name or (committee[0] if committee else "—")
        team = [n for n in committee if n != secretary][:4]
        entry = ContestEntry(contest=contest, branch=info.row, secretary_name=secretary,
                             team_names="\n".join(team))  # fmt: skip
        entries.append(entry)
        for j, delta in enumerate((-2, 0, 2)):
            scores.append(
                JudgeScore(entry=entry, judge=f"评委{j + 1}", score=Decimal(mean + delta))
            )
    builder.bulk(ContestEntry, entries)
    builder.bulk(JudgeScore, scores)
    placing = rules.contest_prizes(
        [rules.Ranked(e.branch.code, Fraction(m)) for e, m in zip(entries, means, strict=False)],
        {1: 1, 2: 2, 3: 3},
    )
    awards = []
    for e in entries:
        tier = placing.tiers[e.branch.code]
        if tier is not None:
            amount = rules.PRIZES_YUAN[tier]
            split = rules.award_split(amount=amount, secretary=e.secretary_name, others=e.team)
            awards.append(Award(entry=e, tier=tier, amount=amount, shares=[list(s) for s in split]))
    builder.bulk(Award, awards)
    Contest.objects.filter(pk=contest.pk).update(
        awarded_at=dt.datetime(contest_year, 6, 28, 10, 0, tzinfo=dt.UTC)
    )

    # --- group activities ------------------------------------------------------------------
    activity_day = min(dt.date(year, 5, 1), today - dt.timedelta(days=1))
    builder.bulk(
        GroupActivity,
        [
            GroupActivity(township=township, branch=home.row, date=activity_day, kind="walk",
                          title="“红色健步走”群众徒步活动", participants=120,
                          subsidy=Decimal("3000.00")),
            GroupActivity(township=township, branch=other.row, date=activity_day,
                          kind="performance", title="庆丰收文艺汇演", participants=260,
                          subsidy=Decimal("5000.00")),
            GroupActivity(township=township, branch=villages[2].row, date=activity_day,
                          kind="sports", title="村民趣味运动会", participants=80),
        ],
    )  # fmt: skip
