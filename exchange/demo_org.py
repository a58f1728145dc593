"""The demo county's organisation and assessment year, added by `seed_demo` after its records:
the two-committee roster with reserve cadres, the classification sheets, the demonstration-
village checklists and the weak-and-lax rectification ledger.

It carries the gaps real townships have: a village short of reserve cadres (and one whose
reserve has turned 50), villages whose secretary does not chair the village committee, a
liaison quarter left unmet, a ledger entry past its deadline. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from branches import org_rules
from branches.models import (
    BranchKind,
    Cadre,
    ClassificationScore,
    ClassificationSheet,
    MeetingGuest,
    ModelVillageCheck,
)
from scoring.models import RectificationEntry
from scoring.services_ledger import rectification_ledger_open
from township.errors import ApplicationError
from township.models import User

EDUCATION = {label: value for value, label in Cadre._meta.get_field("education").choices}
# How a village of each profile scores on the classification sheet (share of each maximum).
QUALITY = {"excellent": 0.93, "good": 0.87, "average": 0.78, "weak": 0.66, "silent": 0.7}
STANDARDS_MET = {"excellent": 10, "good": 8, "average": 6, "weak": 3, "silent": 4}
GIVEN = "明华军强伟芳丽杰磊静涛燕斌"
RESERVE_SOURCES = (
    "致富带头人",
    "村民小组长",
    "返乡大学生",
    "退役军人",
    "乡村医生",
    "外出务工返乡人员",
)


def seed_organisation(builder) -> dict[str, int]:
    """Add the organisation's year to every township the builder made; returns counts."""
    counts = {"cadres": 0, "sheets": 0, "ledger": 0}
    for code, (township, branches) in builder.townships.items():
        r = random.Random(f"{builder.seed}:org:{code}")
        villages = [i for i in branches if i.row.kind == BranchKind.VILLAGE]
        counts["cadres"] += _cadres(builder, r, township, villages)
        counts["sheets"] += _classification(builder, r, township, villages)
        _model_villages(builder, township, villages)
        _liaison_gap(builder, branches)
        counts["ledger"] += _ledger(builder, r, township)
    return counts


def _education(text: str) -> str:
    return EDUCATION.get(text, "senior")


def _cadres(builder, r, township, villages) -> int:
    rows = []
    for n, info in enumerate(villages):
        committee = [m.row for m in info.members if m.committee] or [
            m.row for m in info.members[:3]
        ]
        one_shoulder = n % 7 != 3  # a few villages still have a separate committee chair
        for k, member in enumerate(committee[:5]):
            party = "secretary" if k == 0 else ("deputy" if k == 1 else "member")
            if k == 0:
                village = "chair" if one_shoulder else ""
            elif k == 1 and not one_shoulder:
                village = "chair"
            else:
                village = "member" if k <= 3 else ""
            rows.append(
                Cadre(
                    township=township, branch=info.row, name=member.name, gender=member.gender,
                    birth_date=member.birth_date, education=_education(member.education),
                    party_post=party, village_post=village,
                )
            )  # fmt: skip
        # Reserve cadres: 2 or 3; the first village is one short, the second keeps a reserve
        # who has turned 50 (listed, but not counted).
        wanted = 1 if n == 0 else r.choice((2, 2, 3))
        for j in range(wanted):
            age = 50 if (n == 1 and j == 0) else r.randint(26, 46)
            today = builder.today
            born = dt.date(today.year - age, today.month, min(today.day, 28))
            born -= dt.timedelta(days=r.randint(1, 300))
            name = (info.spec.surname or r.choice("王李张刘陈杨赵")) + r.choice(GIVEN)
            name += r.choice(GIVEN)
            rows.append(
                Cadre(
                    township=township, branch=info.row, name=name,
                    gender="M" if r.random() < 0.6 else "F", birth_date=born,
                    education=r.choice(("senior", "college", "bachelor")), reserve=True,
                    note=r.choice(RESERVE_SOURCES),
                )
            )  # fmt: skip
    builder.bulk(Cadre, rows)
    return len(rows)


def _classification(builder, r, township, villages) -> int:
    sheets, scores = [], []
    for info in villages:
        quality = QUALITY[info.spec.profile]
        points = {}
        for code, indicator in org_rules.INDICATORS.items():
            share = min(1.0, max(0.3, r.gauss(quality, 0.06)))
            points[code] = (indicator.max_points * Decimal(str(round(share, 2)))).quantize(
                org_rules.CENT
            )
        total = org_rules.classification_total(points)
        sheet = ClassificationSheet(
            township=township, branch=info.row, year=builder.year, total=total,
            grade=org_rules.classification_grade(total), note="年终定位升级考评",
        )  # fmt: skip
        sheets.append(sheet)
        scores += [(sheet, code, p) for code, p in points.items()]
    builder.bulk(ClassificationSheet, sheets)
    builder.bulk(
        ClassificationScore,
        [ClassificationScore(sheet=s, indicator=c, points=p) for s, c, p in scores],
    )
    return len(sheets)


def _model_villages(builder, township, villages) -> None:
    rows = []
    for info in villages:
        met = STANDARDS_MET[info.spec.profile]
        for n, label in org_rules.STANDARDS:
            ok = n <= met
            rows.append(
                ModelVillageCheck(
                    township=township, branch=info.row, year=builder.year, standard=n, met=ok,
                    evidence=f"{label}：见{info.row.name}工作台账及照片" if ok else "",
                )
            )  # fmt: skip
    builder.bulk(ModelVillageCheck, rows)


def _liaison_gap(builder, branches) -> None:
    """The first liaison point (the weakest branch's) skipped its Q1 themed day."""
    liaison = next((i.liaison for i in branches if i.liaison is not None), None)
    if liaison is not None:
        MeetingGuest.objects.filter(
            liaison=liaison, meeting__date__year=builder.year, meeting__date__month__lte=3
        ).delete()


def _ledger(builder, r, township) -> int:
    """The year's weak-and-lax list as the engine gives it so far, with one entry closed, one
    past its deadline and the rest in progress."""
    office = User.objects.filter(role="office", township=township).first()
    try:
        entries = rectification_ledger_open(actor=office, township=township, year=builder.year)
    except ApplicationError:  # no annual scores yet: no list, no ledger
        return 0
    for k, entry in enumerate(entries):
        entry.problems = "组织生活不经常、不认真；党员参会率偏低；班子凝聚力不强"
        entry.measures = (
            "镇党委班子成员包联，每月按时开展主题党日；调整充实支部班子；建立党员联户台账"
        )
        entry.responsible = entry.branch.secretary_name or "支部书记"
        if k == 0:  # past its deadline, still open
            entry.deadline = builder.yesterday - dt.timedelta(days=20)
            entry.evidence = ""
            entry.satisfaction = Decimal("72.5")
        elif k == 1:  # closed
            entry.deadline = builder.yesterday
            entry.evidence = "整改报告、支部会议记录及照片"
            entry.satisfaction = Decimal("86.0")
            entry.closed_on = builder.yesterday
            entry.closed_by = office
        else:
            entry.deadline = dt.date(builder.year, 12, 31) + dt.timedelta(days=r.randint(30, 90))
    RectificationEntry.objects.bulk_update(
        entries,
        ["problems", "measures", "responsible", "deadline", "evidence", "satisfaction",
         "closed_on", "closed_by"],
    )  # fmt: skip
    return len(entries)
