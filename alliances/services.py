"""Writes of the alliances app. Keyword-only and atomic: each validates with the plain rules of
`alliances.rules` and `township.plausible`, saves, and writes its audit entry in the same
transaction. Alliance records are not scoring inputs, so no month is marked changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from alliances import rules
from alliances.models import (
    Alliance,
    ContestScore,
    Evaluation,
    JointActivity,
    Organisation,
    OrganisationKind,
    ProjectItem,
    ProjectStatus,
    Wish,
)
from branches.models import Branch, Township
from members.models import Member
from township import plausible
from township.audit import audit_log
from township.errors import ApplicationError


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _refuse(field: str, message: str | None) -> None:
    plausible.refuse({field: message})


def _not_future(field: str, day: dt.date, label) -> None:
    _refuse(field, plausible.record_date(day, today=plausible.today(), label=label))


# --- alliances and organisations ----------------------------------------------------------------


def _check_parent(*, alliance: Alliance | None, township: Township, kind: str, parent) -> None:
    if parent is None:
        _refuse("parent", rules.parent_problem(kind=kind, parent_kind=None))
        return
    if parent.township_id != township.pk:
        raise ApplicationError(_("上级联盟不属于本乡镇。"), extra={"field": "parent"})
    _refuse("parent", rules.parent_problem(kind=kind, parent_kind=parent.kind))
    if alliance is not None and alliance.pk:
        # By id: the edit may change the alliance's code as well.
        parents = dict(Alliance.objects.filter(township=township).values_list("pk", "parent_id"))
        parents[alliance.pk] = parent.pk
        if alliance.pk in rules.parent_cycles(parents):
            raise ApplicationError(
                _("上级联盟“%(p)s”在“%(a)s”之下，会形成循环。")
                % {"p": parent.name, "a": alliance.name},
                extra={"field": "parent"},
            )


@transaction.atomic
def alliance_save(
    *,
    actor,
    township: Township,
    code: str,
    name: str,
    kind: str,
    parent: Alliance | None,
    leader: str = "",
    alliance: Alliance | None = None,
) -> Alliance:
    """Create an alliance, or change `alliance`; the parent stays in the township, without a
    cycle, and the core alliance has none."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ApplicationError(_("请填写联盟代码和名称。"), extra={"field": "code"})
    taken = Alliance.objects.filter(township=township, code=code)
    if alliance is not None:
        taken = taken.exclude(pk=alliance.pk)
    if taken.exists():
        raise ApplicationError(
            _("联盟代码 %(c)s 已被使用。") % {"c": code}, extra={"field": "code"}
        )
    # Read the stored row: the caller's instance may already carry the new values.
    target = (
        Alliance.objects.select_for_update(of=("self",))
        .select_related("parent")
        .get(pk=alliance.pk)
        if alliance is not None
        else Alliance(township=township)
    )
    _check_parent(alliance=alliance, township=township, kind=kind, parent=parent)
    before = {
        "code": target.code,
        "name": target.name,
        "kind": target.kind,
        "parent": target.parent.code if target.parent_id else None,
        "leader": target.leader,
    }
    target.code, target.name, target.kind, target.parent, target.leader = (
        code,
        name,
        kind,
        parent,
        leader.strip(),
    )
    target.save()
    after = {
        "code": code,
        "name": name,
        "kind": kind,
        "parent": parent.code if parent else None,
        "leader": target.leader,
    }
    if alliance is None:
        audit_log(
            actor=actor,
            action="alliances.alliance.created",
            township=township,
            obj=target,
            data=after,
        )
    else:
        changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        if changes:
            audit_log(
                actor=actor,
                action="alliances.alliance.changed",
                township=township,
                obj=target,
                data={"changes": changes},
            )
    return target


@transaction.atomic
def organisation_add(
    *,
    actor,
    alliance: Alliance,
    code: str,
    name: str,
    kind: str,
    branch: Branch | None = None,
    responsible: str = "",
) -> Organisation:
    code = code.strip()
    if kind == OrganisationKind.BRANCH:
        if branch is None:
            raise ApplicationError(
                _("类型为党支部的成员单位须选择党支部。"), extra={"field": "branch"}
            )
        if branch.township_id != alliance.township_id:
            raise ApplicationError(_("该党支部不属于本乡镇。"), extra={"field": "branch"})
        if alliance.organisations.filter(branch=branch).exists():
            raise ApplicationError(
                _("%(b)s 已是本联盟的成员单位。") % {"b": branch.name}, extra={"field": "branch"}
            )
        name = name.strip() or branch.name
    elif branch is not None:
        raise ApplicationError(
            _("只有类型为党支部的成员单位才能关联党支部。"), extra={"field": "branch"}
        )
    if not code or not name.strip():
        raise ApplicationError(_("请填写成员单位代码和名称。"), extra={"field": "code"})
    if alliance.organisations.filter(code=code).exists():
        raise ApplicationError(
            _("成员单位代码 %(c)s 已被使用。") % {"c": code}, extra={"field": "code"}
        )
    organisation = Organisation.objects.create(
        alliance=alliance,
        code=code,
        name=name.strip(),
        kind=kind,
        branch=branch,
        responsible=responsible.strip(),
    )
    audit_log(
        actor=actor,
        action="alliances.organisation.added",
        township_id=alliance.township_id,
        obj=alliance,
        data={
            "code": code,
            "name": organisation.name,
            "kind": kind,
            "branch": branch.code if branch else None,
        },
    )
    return organisation


# --- project lists ------------------------------------------------------------------------------


@transaction.atomic
def project_add(
    *, actor, alliance: Alliance, kind: str, title: str, owner: Organisation, due_on: dt.date
) -> ProjectItem:
    if owner.alliance_id != alliance.pk:
        raise ApplicationError(_("牵头单位不是本联盟的成员单位。"), extra={"field": "owner"})
    if not title.strip():
        raise ApplicationError(_("请填写项目名称。"), extra={"field": "title"})
    item = ProjectItem.objects.create(
        alliance=alliance, kind=kind, title=title.strip(), owner=owner, due_on=due_on
    )
    audit_log(
        actor=actor,
        action="alliances.project.added",
        township_id=alliance.township_id,
        obj=alliance,
        data={
            "project": item.pk,
            "title": item.title,
            "kind": kind,
            "owner": owner.code,
            "due_on": _day(due_on),
        },
    )
    return item


@transaction.atomic
def project_progress(
    *,
    actor,
    project: ProjectItem,
    status: str,
    done_on: dt.date | None = None,
    evidence: str = "",
) -> ProjectItem:
    """Set a project item's status; done needs its date (not in the future) and evidence."""
    stored = ProjectItem.objects.select_for_update().get(pk=project.pk)
    if status == ProjectStatus.DONE:
        if done_on is None:
            raise ApplicationError(_("请填写完成日期。"), extra={"field": "done_on"})
        _not_future("done_on", done_on, _("完成日期"))
        _refuse("evidence", rules.evidence_problem(evidence))
    else:
        done_on, evidence = None, evidence.strip()
    before = [stored.status, _day(stored.done_on)]
    stored.status, stored.done_on, stored.evidence = status, done_on, evidence.strip()
    stored.save(update_fields=["status", "done_on", "evidence"])
    audit_log(
        actor=actor,
        action="alliances.project.progressed",
        township_id=stored.alliance.township_id,
        obj=stored.alliance,
        data={
            "project": stored.pk,
            "title": stored.title,
            "changes": {"status": [before[0], status], "done_on": [before[1], _day(done_on)]},
        },
    )
    return stored


# --- joint activities ---------------------------------------------------------------------------


def alliance_branch_ids(alliance: Alliance) -> set[int]:
    return set(
        alliance.organisations.filter(branch__isnull=False).values_list("branch_id", flat=True)
    )


@transaction.atomic
def activity_record(
    *,
    actor,
    alliance: Alliance,
    kind: str,
    date: dt.date,
    title: str,
    place: str = "",
    organisations: Iterable[Organisation],
    members: Iterable[Member] = (),
) -> JointActivity:
    """A joint activity with the organisations and members taking part. Members stay in their
    branch; they must belong to a member branch of the alliance."""
    _not_future("date", date, _("活动日期"))
    organisations, members = list(organisations), list(members)
    if not organisations:
        raise ApplicationError(_("请选择参加的成员单位。"), extra={"field": "organisations"})
    if any(o.alliance_id != alliance.pk for o in organisations):
        raise ApplicationError(
            _("参加单位须是本联盟的成员单位。"), extra={"field": "organisations"}
        )
    branches = alliance_branch_ids(alliance)
    outside = [m.name for m in members if m.branch_id not in branches]
    if outside:
        raise ApplicationError(
            _("%(names)s 所在支部不是本联盟的成员单位。") % {"names": "、".join(outside)},
            extra={"field": "members"},
        )
    if not title.strip():
        raise ApplicationError(_("请填写活动主题。"), extra={"field": "title"})
    activity = JointActivity.objects.create(
        alliance=alliance, kind=kind, date=date, title=title.strip(), place=place.strip()
    )
    activity.organisations.set(organisations)
    activity.members.set(members)
    audit_log(
        actor=actor,
        action="alliances.activity.recorded",
        township_id=alliance.township_id,
        obj=alliance,
        data={
            "activity": activity.pk,
            "title": activity.title,
            "kind": kind,
            "date": _day(date),
            "organisations": sorted(o.code for o in organisations),
            "members": sorted(m.code for m in members),
        },
    )
    return activity


# --- micro-wishes -------------------------------------------------------------------------------


def _next_wish_code(alliance: Alliance) -> str:
    taken = set(alliance.wishes.values_list("code", flat=True))
    n = len(taken) + 1
    while f"W{n}" in taken:
        n += 1
    return f"W{n}"


@transaction.atomic
def wish_raise(*, actor, alliance: Alliance, need: str, raised_on: dt.date) -> Wish:
    _not_future("raised_on", raised_on, _("提出日期"))
    if not need.strip():
        raise ApplicationError(_("请填写心愿内容。"), extra={"field": "need"})
    wish = Wish.objects.create(
        alliance=alliance, code=_next_wish_code(alliance), need=need.strip(), raised_on=raised_on
    )
    audit_log(
        actor=actor,
        action="alliances.wish.raised",
        township_id=alliance.township_id,
        obj=wish,
        data={"alliance": alliance.code, "code": wish.code, "raised_on": _day(raised_on)},
    )
    return wish


@transaction.atomic
def wish_claim(*, actor, wish: Wish, member: Member, claimed_on: dt.date) -> Wish:
    """A member of a member branch claims an open wish (the day it was raised or later)."""
    stored = Wish.objects.select_for_update().select_related("alliance").get(pk=wish.pk)
    if stored.claimed_on is not None:
        raise ApplicationError(
            _("该心愿已由%(m)s认领。") % {"m": stored.claimed_by.name}, extra={"field": "member"}
        )
    if member.branch_id not in alliance_branch_ids(stored.alliance):
        raise ApplicationError(
            _("%(m)s 所在支部不是本联盟的成员单位。") % {"m": member.name},
            extra={"field": "member"},
        )
    _not_future("claimed_on", claimed_on, _("认领日期"))
    _refuse(
        "claimed_on", rules.wish_claim_problem(raised_on=stored.raised_on, claimed_on=claimed_on)
    )
    stored.claimed_by, stored.claimed_on = member, claimed_on
    stored.save(update_fields=["claimed_by", "claimed_on"])
    audit_log(
        actor=actor,
        action="alliances.wish.claimed",
        township_id=stored.alliance.township_id,
        obj=stored,
        data={"member": member.code, "claimed_on": _day(claimed_on)},
    )
    return stored


@transaction.atomic
def wish_fulfil(*, actor, wish: Wish, fulfilled_on: dt.date, evidence: str) -> Wish:
    """A claimed wish fulfilled, on the claim's day or later, with evidence."""
    stored = Wish.objects.select_for_update().select_related("alliance").get(pk=wish.pk)
    if stored.fulfilled_on is not None:
        raise ApplicationError(_("该心愿已登记实现。"), extra={"field": "fulfilled_on"})
    _refuse(
        "fulfilled_on",
        rules.wish_fulfil_problem(claimed_on=stored.claimed_on, fulfilled_on=fulfilled_on),
    )
    _not_future("fulfilled_on", fulfilled_on, _("实现日期"))
    _refuse("evidence", rules.evidence_problem(evidence))
    stored.fulfilled_on, stored.evidence = fulfilled_on, evidence.strip()
    stored.save(update_fields=["fulfilled_on", "evidence"])
    audit_log(
        actor=actor,
        action="alliances.wish.fulfilled",
        township_id=stored.alliance.township_id,
        obj=stored,
        data={"fulfilled_on": _day(fulfilled_on), "evidence": stored.evidence[:200]},
    )
    return stored


# --- evaluation and contest ---------------------------------------------------------------------


def _score(score: Decimal, field: str = "score") -> Decimal:
    """A score of 0–100 with at most two decimals, as stored."""
    if not Decimal(0) <= score <= Decimal(100):
        raise ApplicationError(_("得分应在 0 到 100 之间。"), extra={"field": field})
    if score != score.quantize(Decimal("0.01")):
        raise ApplicationError(_("得分最多两位小数。"), extra={"field": field})
    return score.quantize(Decimal("0.01"))


@transaction.atomic
def evaluation_set(
    *, actor, alliance: Alliance, year: int, score: Decimal, note: str = ""
) -> Evaluation:
    """The office's annual evaluation of an alliance; the stars follow from the score."""
    score = _score(score)
    _refuse("year", plausible.record_year(year, today=plausible.today()))
    row, created = Evaluation.objects.select_for_update().get_or_create(
        alliance=alliance, year=year, defaults={"score": score, "note": note.strip()}
    )
    before = None if created else f"{row.score:.2f}"
    if not created:
        row.score, row.note = score, note.strip()
        row.save(update_fields=["score", "note"])
    audit_log(
        actor=actor,
        action="alliances.evaluation.set",
        township_id=alliance.township_id,
        obj=alliance,
        data={"year": year, "score": [before, str(score)], "stars": rules.stars(score)},
    )
    return row


@transaction.atomic
def contest_score_set(
    *, actor, alliance: Alliance, year: int, half: int, score: Decimal
) -> ContestScore:
    score = _score(score)
    if half not in (1, 2):
        raise ApplicationError(_("半年只能是上半年或下半年。"), extra={"field": "half"})
    _refuse("year", plausible.record_year(year, today=plausible.today()))
    row, created = ContestScore.objects.select_for_update().get_or_create(
        alliance=alliance, year=year, half=half, defaults={"score": score}
    )
    before = None if created else f"{row.score:.2f}"
    if not created:
        row.score = score
        row.save(update_fields=["score"])
    audit_log(
        actor=actor,
        action="alliances.contest.scored",
        township_id=alliance.township_id,
        obj=alliance,
        data={"year": year, "half": half, "score": [before, str(score)]},
    )
    return row
