"""The demo township's Party-building alliances, called from `seed_demo` with one line.

A core alliance over the township, a red (heritage) and a green (industry) area alliance under it,
with branches of the system and outside organisations; project lists with one item overdue; joint
activities with members of the member branches (who keep their branch); micro-wishes in each
state; last year's evaluation and this half year's contest (with a tie). Dates are relative to
`today` (the demo's last day of records), so any demo year works.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from alliances.models import (
    Alliance,
    ContestScore,
    Evaluation,
    JointActivity,
    Organisation,
    ProjectItem,
    Wish,
)
from branches.models import Branch, Township
from members.models import Member

OUTSIDE = {
    "red": [
        ("O8", "镇政府机关党支部", "agency", "刘建国"),
        ("O9", "县供电公司党支部", "enterprise", "陈海"),
    ],
    "green": [
        ("O8", "青山社区", "community", "周丽"),
        ("O9", "县蔬菜产业协会", "association", "孙永"),
    ],
}
PROJECTS = {
    "core": [("common", "党建引领乡村振兴“五个一”行动", 120, None)],
    "red": [
        ("common", "红色文化讲解员队伍建设", -40, None),  # overdue
        ("individual", "革命旧址修缮与展陈", -60, -70),  # done before its due date
        ("common", "红色研学路线串联", 45, None),
    ],
    "green": [
        ("common", "蔬菜大棚技术服务队", -20, -25),
        ("individual", "农产品直播带货培训", 30, None),
    ],
}
ACTIVITIES = {
    "red": [("themed_day", "联合主题党日：重温入党誓词"), ("volunteer", "一月一公益：敬老院义诊")],
    "green": [("volunteer", "一月一公益：大棚技术下乡"), ("themed_day", "联合主题党日：产业观摩")],
}
WISHES = {
    "red": ["为独居老人安装扶手", "修缮村口路灯", "为留守儿童购买课外书", "村卫生室添置血压计"],
    "green": ["为种植户联系冷库", "修补田间道路", "为困难户送冬衣"],
}


def seed_alliances(*, township: Township, branch: Branch, today: dt.date) -> dict[str, int]:
    """Build the alliances of `township`; `branch` (the demo secretary's) is in the red one."""
    branches = list(Branch.objects.filter(township=township).order_by("code"))
    others = [b for b in branches if b.pk != branch.pk]
    red_branches = [branch, *others[:3]]
    green_branches = others[3:7]
    core = Alliance.objects.create(
        township=township,
        code="AL1",
        name=f"{township.name}党建联盟",
        kind="core",
        leader="王强",
    )
    red = Alliance.objects.create(
        township=township,
        code="AL2",
        name="红色传承联盟",
        kind="red",
        parent=core,
        leader="李红",
    )
    green = Alliance.objects.create(
        township=township,
        code="AL3",
        name="绿色产业联盟",
        kind="green",
        parent=core,
        leader="张绿",
    )
    orgs: dict[str, list[Organisation]] = {}
    for key, alliance, members in (
        ("core", core, red_branches + green_branches),
        ("red", red, red_branches),
        ("green", green, green_branches),
    ):
        rows = [
            Organisation(
                alliance=alliance,
                code=f"O{i + 1}",
                name=b.name,
                kind="branch",
                branch=b,
                responsible=b.secretary_name,
            )
            for i, b in enumerate(members)
        ]
        rows += [
            Organisation(alliance=alliance, code=code, name=name, kind=kind, responsible=person)
            for code, name, kind, person in OUTSIDE.get(key, [])
        ]
        orgs[key] = Organisation.objects.bulk_create(rows)
    alliances = {"core": core, "red": red, "green": green}

    projects = []
    for key, items in PROJECTS.items():
        for i, (kind, title, due, done) in enumerate(items):
            owner = orgs[key][i % len(orgs[key])]
            projects.append(
                ProjectItem(
                    alliance=alliances[key],
                    kind=kind,
                    title=title,
                    owner=owner,
                    due_on=today + dt.timedelta(days=due),
                    status="done" if done is not None else ("active" if due < 90 else "planned"),
                    done_on=today + dt.timedelta(days=done) if done is not None else None,
                    evidence="验收照片与群众签字已存档" if done is not None else "",
                )
            )
    ProjectItem.objects.bulk_create(projects)

    roster = {
        key: list(
            Member.objects.filter(
                branch__in=[o.branch for o in orgs[key] if o.branch], left_on=None
            ).order_by("branch__code", "code")
        )
        for key in ("red", "green")
    }
    activities = 0
    for key in ("red", "green"):
        people = roster[key]
        for month_back in range(6):
            day = today - dt.timedelta(days=30 * month_back + 5)
            if day.year < today.year - 1:
                break
            kind, title = ACTIVITIES[key][month_back % 2]
            activity = JointActivity.objects.create(
                alliance=alliances[key], kind=kind, date=day, title=title, place="党群服务中心"
            )
            activity.organisations.set(orgs[key][:3] + orgs[key][-1:])
            activity.members.set(people[month_back::4][:8])
            activities += 1

    wishes = []
    for key, needs in WISHES.items():
        people = roster[key]
        for i, need in enumerate(needs):
            raised = today - dt.timedelta(days=40 - 7 * i)
            wish = Wish(alliance=alliances[key], code=f"W{i + 1}", need=need, raised_on=raised)
            if i % 3 != 0 and people:  # claimed: the second and third; fulfilled: the third
                wish.claimed_by = people[(i * 5) % len(people)]
                wish.claimed_on = raised + dt.timedelta(days=1)
                if i % 3 == 2:
                    wish.fulfilled_on = raised + dt.timedelta(days=6)
                    wish.evidence = "已办结，受助群众签字确认"
            wishes.append(wish)
    Wish.objects.bulk_create(wishes)

    last_year = today.year - 1
    Evaluation.objects.bulk_create(
        [
            Evaluation(alliance=core, year=last_year, score=Decimal("92.50")),
            Evaluation(alliance=red, year=last_year, score=Decimal("86.00")),
            Evaluation(alliance=green, year=last_year, score=Decimal("78.50")),
        ]
    )
    half = 1 if today.month <= 6 else 2
    ContestScore.objects.bulk_create(
        [  # the area alliances tie: the contest page explains the shared rank
            ContestScore(alliance=core, year=today.year, half=half, score=Decimal("90.00")),
            ContestScore(alliance=red, year=today.year, half=half, score=Decimal("88.00")),
            ContestScore(alliance=green, year=today.year, half=half, score=Decimal("88.00")),
        ]
    )
    return {
        "alliances": 3,
        "projects": len(projects),
        "activities": activities,
        "wishes": len(wishes),
    }
