"""Test data in one place: plain functions that create rows with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from stdnum.cn import ric

from branches.models import Attendance, Branch, County, Meeting, Township
from members.models import Applicant, DuesPayment, Household, Member
from township.models import User

_seq = itertools.count(1)

PASSWORD = "correct-horse-battery-staple-42"


def county(**kw) -> County:
    n = next(_seq)
    return County.objects.create(**{"code": f"C{n:08d}", "name": f"测试县{n}", **kw})


def township(*, county: County, **kw) -> Township:
    n = next(_seq)
    return Township.objects.create(
        **{"county": county, "code": f"T{n:08d}", "name": f"测试镇{n}", **kw}
    )


def branch(*, township: Township, **kw) -> Branch:
    n = next(_seq)
    return Branch.objects.create(
        **{
            "township": township,
            "code": f"B{n:08d}",
            "name": f"测试村党支部{n}",
            "kind": "village",
            **kw,
        }
    )


def id_number(birth: dt.date, n: int = 1, region: str = "370123") -> str:
    """A valid resident ID number (GB 11643 check character) for someone born on `birth`."""
    body = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def member(*, branch: Branch, **kw) -> Member:
    n = next(_seq)
    birth = kw.get("birth_date", dt.date(1970, 1, 1))
    return Member.objects.create(
        **{
            "township_id": branch.township_id,
            "branch": branch,
            "code": f"M{n:08d}",
            "name": f"党员{n}",
            "gender": "M",
            "birth_date": birth,
            "id_number": id_number(birth, n) if birth else "",
            **kw,
        }
    )


def meeting(*, branch: Branch, type: str = "themed_day", date=None, attendance=None, **kw):
    n = next(_seq)
    m = Meeting.objects.create(
        **{
            "township_id": branch.township_id,
            "branch": branch,
            "code": f"MT{n:08d}",
            "type": type,
            "date": date or dt.date(2026, 3, 5),
            **kw,
        }
    )
    for mem, status in (attendance or {}).items():
        Attendance.objects.create(meeting=m, member=mem, status=status)
    return m


def dues(*, member: Member, month: dt.date, paid_on: dt.date, amount="2.00") -> DuesPayment:
    return DuesPayment.objects.create(
        member=member, month=month, paid_on=paid_on, amount=Decimal(amount)
    )


def household(*, member: Member, name: str = "张三家") -> Household:
    return Household.objects.create(member=member, name=name)


def applicant(*, branch: Branch, stage="activist", since=dt.date(2025, 3, 1)) -> Applicant:
    n = next(_seq)
    return Applicant.objects.create(
        township_id=branch.township_id,
        branch=branch,
        code=f"D{n:08d}",
        name=f"申请人{n}",
        stage=stage,
        stage_since=since,
    )


def user(*, username: str, role: str = "", **scope) -> User:
    if "branch" in scope and "township" not in scope:
        scope["township"] = scope["branch"].township
    if "member" in scope and "township" not in scope:
        scope["township"] = scope["member"].township
    if "township" in scope and "county" not in scope:
        scope["county"] = scope["township"].county
    return User.objects.create_user(username=username, password=PASSWORD, role=role, **scope)


def report_job(*, township=None, branch=None, county=None, content=b"%PDF-1.7 test", **kw):
    """A finished report job with its file in settings.PRIVATE_ROOT (point it at a tmp dir)."""
    import hashlib
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone

    from township.models import ReportJob

    if branch is not None:
        township = branch.township
    county = county or township.county
    level = "branch" if branch else "township" if township else "county"
    job = ReportJob.objects.create(
        **{
            "kind": "notice_board" if branch else "quarterly_ranking",
            "level": level,
            "county": county,
            "township": township,
            "branch": branch,
            "subject": str(branch or township or county),
            "period": "2026-Q1",
            "format": "pdf",
            "status": ReportJob.Status.DONE,
            "progress": 100,
            "finished_at": timezone.now(),
            "filename": f"test-{next(_seq)}",
            **kw,
        }
    )
    relative = Path("reports") / str(job.pk) / f"{job.filename}.pdf"
    path = Path(settings.PRIVATE_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    job.file, job.size = str(relative), len(content)
    job.sha256 = hashlib.sha256(content).hexdigest()
    job.save()
    return job


def training_session(*, township: Township, kind: str = "rotation", date=None, **kw):
    from members.models import TrainingSession

    return TrainingSession.objects.create(
        township=township,
        kind=kind,
        date=date or dt.date(2026, 4, 1),
        title=f"培训{next(_seq)}",
        **kw,
    )


def lagging_spell(*, member: Member, started_on=dt.date(2026, 3, 1), reason="长期不参加组织生活"):
    """A spell row as the education branch keeps it (without moving the member); the member's
    open spell when there is one (a member has one at a time)."""
    from members.models import LaggingSpell

    open_spell = LaggingSpell.objects.filter(member=member, ended_on__isnull=True).first()
    return open_spell or LaggingSpell.objects.create(
        member=member, from_branch_id=member.branch_id, started_on=started_on, reason=reason
    )


def flowing_spell(*, member: Member, started_on=dt.date(2026, 1, 10), workplace="浙江宁波"):
    """The member's open flowing spell, made when there is none."""
    from members.models import FlowingSpell

    open_spell = FlowingSpell.objects.filter(member=member, ended_on__isnull=True).first()
    return open_spell or FlowingSpell.objects.create(
        member=member, started_on=started_on, workplace=workplace, channel="wechat"
    )


# --- cooperatives (issue 12) ---------------------------------------------------------------------

CREDIT_CODE = "91110000600037341L"  # a valid unified social credit code (GB 32100)


def cooperative(*, branch: Branch, **kw):
    from cooperatives.models import Cooperative

    n = next(_seq)
    return Cooperative.objects.create(
        **{
            "township_id": branch.township_id,
            "branch": branch,
            "code": f"C{n:08d}",
            "name": f"测试合作社{n}",
            "credit_code": CREDIT_CODE,
            "model": "collective",
            "founded_on": dt.date(2021, 4, 1),
            **kw,
        }
    )


def holder(*, cooperative, shares: int = 10, **kw):
    from cooperatives.models import Holder

    n = next(_seq)
    return Holder.objects.create(
        **{
            "cooperative": cooperative,
            "code": f"H{n:08d}",
            "kind": "villager",
            "name": f"股东{n}",
            "contribution": "money",
            "value": Decimal(shares * 1000),
            "shares": shares,
            **kw,
        }
    )


def pairing(*, branch: Branch, **kw):
    from cooperatives.models import Pairing

    n = next(_seq)
    return Pairing.objects.create(
        **{
            "township_id": branch.township_id,
            "branch": branch,
            "enterprise": f"测试企业{n}",
            "started_on": dt.date(2025, 1, 1),
            **kw,
        }
    )


def contest(*, township: Township, **kw):
    from cooperatives.models import Contest

    return Contest.objects.create(**{"township": township, "year": 2025, "month": 6, **kw})


def led_project(*, branch: Branch, **kw):
    from cooperatives.models import LedProject

    n = next(_seq)
    return LedProject.objects.create(
        **{
            "township_id": branch.township_id,
            "branch": branch,
            "year": 2025,
            "category": "economy",
            "name": f"测试项目{n}",
            **kw,
        }
    )


def group_activity(*, branch: Branch, **kw):
    from cooperatives.models import GroupActivity

    return GroupActivity.objects.create(
        **{
            "township_id": branch.township_id,
            "branch": branch,
            "date": dt.date(2025, 5, 1),
            "kind": "walk",
            "title": "健步走",
            "participants": 30,
            **kw,
        }
    )


# --- alliances ----------------------------------------------------------------------------------


def alliance(*, township: Township, branches=(), parent=None, kind=None, **kw):
    """An alliance of `township` with one member organisation per branch of `branches`."""
    from alliances.models import Alliance, Organisation

    n = next(_seq)
    made = Alliance.objects.create(
        **{
            "township": township,
            "code": f"AL{n}",
            "name": f"测试联盟{n}",
            "kind": kind or ("green" if parent else "core"),
            "parent": parent,
            **kw,
        }
    )
    for b in branches:
        Organisation.objects.create(
            alliance=made, code=f"O{next(_seq)}", name=b.name, kind="branch", branch=b
        )
    return made


def wish(*, alliance, raised_on=dt.date(2026, 3, 1), **kw):
    from alliances.models import Wish

    n = next(_seq)
    return Wish.objects.create(
        **{"alliance": alliance, "code": f"W{n}", "need": f"心愿{n}", "raised_on": raised_on, **kw}
    )


def star_round(*, township: Township, year: int = 2025, state: str = "proposed", stars: int = 2):
    """A star round (星级评定) of the township with a proposal for each of its branches and
    members, in `state` (no scores needed); the same round again when it exists."""
    from scoring.models import StarProposal, StarRound

    notice = {"notice_start": dt.date(year + 1, 1, 5), "notice_end": dt.date(year + 1, 1, 9)}
    dates = {
        "proposed": {},
        "review": {},
        "notice": notice,
        "set": {**notice, "set_on": dt.date(year + 1, 1, 10)},
    }[state]
    r, created = StarRound.objects.get_or_create(
        township=township, year=year, defaults={"state": state, **dates}
    )
    if created:
        final = stars if state == "set" else None
        StarProposal.objects.bulk_create(
            [
                StarProposal(
                    round=r, kind="branch", branch=b, computed=stars, stars=stars, final=final
                )
                for b in township.branches.all()
            ]
            + [
                StarProposal(
                    round=r,
                    kind="member",
                    branch_id=m.branch_id,
                    member=m,
                    computed=stars,
                    stars=stars,
                    final=final,
                )
                for m in township.members.all()
            ]
        )
    return r
