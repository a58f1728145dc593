"""Writes of the organisation's assessment: two-committee cadres, liaison points and the guests
of a meeting, the classification sheet and the demonstration-village checklist.

Keyword-only, atomic, audited in the same transaction, like `branches.services`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from branches import org_rules
from branches.models import (
    Branch,
    BranchKind,
    Cadre,
    ClassificationScore,
    ClassificationSheet,
    LiaisonAssignment,
    ModelVillageCheck,
)
from township import plausible
from township.audit import audit_log
from township.errors import ApplicationError

CADRE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "education",
    "reserve",
    "party_post",
    "village_post",
    "note",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _village(branch: Branch) -> None:
    if branch.kind != BranchKind.VILLAGE:
        raise ApplicationError(
            _("%(b)s不是村党支部：村“两委”、定位升级和示范村只登记村党支部。") % {"b": branch.name},
            extra={"field": "branch"},
        )


def _year(year: int) -> None:
    plausible.refuse({"year": plausible.record_year(year, today=plausible.today())})


def _validate_cadre(fields: dict[str, Any]) -> None:
    if not (fields.get("name") or "").strip():
        raise ApplicationError(_("请填写姓名。"), extra={"field": "name"})
    plausible.refuse(
        {"birth_date": plausible.birth_date(fields["birth_date"], today=plausible.today())}
    )
    posts = fields.get("party_post") or fields.get("village_post")
    if fields.get("reserve") and posts:
        raise ApplicationError(
            _("后备干部不担任“两委”职务；已任职的请登记为“两委”成员。"), extra={"field": "reserve"}
        )
    if not fields.get("reserve") and not posts:
        raise ApplicationError(
            _("“两委”成员须填写党支部或村委会职务（后备干部请勾选“后备干部”）。"),
            extra={"field": "party_post"},
        )


def _post_taken(branch: Branch, fields: dict[str, Any], exclude: int | None) -> None:
    others = Cadre.objects.filter(branch=branch).exclude(pk=exclude)
    if fields.get("party_post") == "secretary" and others.filter(party_post="secretary").exists():
        raise ApplicationError(
            _("%(b)s已登记党支部书记，一个村只有一名书记。") % {"b": branch.name},
            extra={"field": "party_post"},
        )
    if fields.get("village_post") == "chair" and others.filter(village_post="chair").exists():
        raise ApplicationError(
            _("%(b)s已登记村委会主任，一个村只有一名主任。") % {"b": branch.name},
            extra={"field": "village_post"},
        )


@transaction.atomic
def cadre_save(*, actor, branch: Branch, cadre: Cadre | None = None, **fields: Any) -> Cadre:
    """Create a cadre of `branch`, or change `cadre` (which stays in its village)."""
    _village(branch)
    _validate_cadre(fields)
    _post_taken(branch, fields, cadre.pk if cadre else None)
    if cadre is None:
        cadre = Cadre.objects.create(township_id=branch.township_id, branch=branch, **fields)
        action, data = "branches.cadre.created", {k: _plain(v) for k, v in fields.items()}
    else:
        stored = Cadre.objects.select_for_update().get(pk=cadre.pk)
        changes = {
            f: [_plain(getattr(stored, f)), _plain(v)]
            for f, v in fields.items()
            if getattr(stored, f) != v
        }
        if not changes:
            return stored
        for f, v in fields.items():
            setattr(stored, f, v)
        stored.save()
        cadre, action, data = stored, "branches.cadre.changed", {"changes": changes}
    audit_log(actor=actor, action=action, township_id=branch.township_id, obj=cadre, data=data)
    return cadre


@transaction.atomic
def cadre_delete(*, actor, cadre: Cadre) -> None:
    audit_log(
        actor=actor,
        action="branches.cadre.deleted",
        township_id=cadre.township_id,
        obj=cadre,
        data={"name": cadre.name, "branch": cadre.branch_id, "reserve": cadre.reserve},
    )
    cadre.delete()


@transaction.atomic
def liaison_assign(
    *, actor, branch: Branch, cadre_name: str, cadre_post: str, year: int
) -> LiaisonAssignment:
    """A township leader takes `branch` as liaison point for `year` (one point a year)."""
    _year(year)
    cadre_name = (cadre_name or "").strip()
    if not cadre_name:
        raise ApplicationError(_("请填写挂包领导姓名。"), extra={"field": "cadre_name"})
    taken = LiaisonAssignment.objects.filter(
        township_id=branch.township_id, cadre_name=cadre_name, year=year
    ).first()
    if taken is not None:
        raise ApplicationError(
            _("%(n)s %(y)d 年已挂包%(b)s，每人每年只挂包一个党支部。")
            % {"n": cadre_name, "y": year, "b": taken.branch.name},
            extra={"field": "cadre_name"},
        )
    assignment = LiaisonAssignment.objects.create(
        township_id=branch.township_id,
        branch=branch,
        cadre_name=cadre_name,
        cadre_post=cadre_post.strip(),
        year=year,
    )
    audit_log(
        actor=actor,
        action="branches.liaison.assigned",
        township_id=branch.township_id,
        obj=assignment,
        data={"cadre": cadre_name, "branch": branch.code, "year": year},
    )
    return assignment


@transaction.atomic
def classification_enter(
    *, actor, branch: Branch, year: int, points: dict[str, Decimal], note: str = ""
) -> ClassificationSheet:
    """Store a village's 18 indicator scores for `year`; the total and the grade follow."""
    _village(branch)
    _year(year)
    for code in org_rules.INDICATORS:
        problem = org_rules.indicator_problem(code, points.get(code))
        if problem:
            raise ApplicationError(problem, extra={"field": code})
    unknown = set(points) - set(org_rules.INDICATORS)
    if unknown:
        raise ApplicationError(_("没有指标：%(c)s。") % {"c": "、".join(sorted(unknown))[:60]})
    points = {code: points[code].quantize(org_rules.CENT) for code in org_rules.INDICATORS}
    total = org_rules.classification_total(points)
    grade = org_rules.classification_grade(total)
    sheet, created = ClassificationSheet.objects.select_for_update().get_or_create(
        branch=branch,
        year=year,
        defaults={"township_id": branch.township_id, "total": total, "grade": grade, "note": note},
    )
    before = {} if created else dict(sheet.scores.values_list("indicator", "points"))
    if not created:
        sheet.total, sheet.grade, sheet.note = total, grade, note
        sheet.save()
        sheet.scores.all().delete()
    ClassificationScore.objects.bulk_create(
        ClassificationScore(sheet=sheet, indicator=code, points=points[code])
        for code in org_rules.INDICATORS
    )
    changes = {
        code: [_plain(before.get(code)), _plain(points[code])]
        for code in org_rules.INDICATORS
        if before.get(code) != points[code]
    }
    audit_log(
        actor=actor,
        action="branches.classification.entered",
        township_id=branch.township_id,
        obj=sheet,
        data={"year": year, "total": str(total), "grade": grade, "changes": changes},
    )
    return sheet


@transaction.atomic
def model_village_enter(
    *, actor, branch: Branch, year: int, checks: dict[int, tuple[bool, str]]
) -> bool:
    """Store a village's ten-standard checklist for `year`; True when it is a demonstration
    village (all ten met with evidence)."""
    _village(branch)
    _year(year)
    for number in org_rules.STANDARD_NUMBERS:
        met, evidence = checks.get(number, (False, ""))
        problem = org_rules.standard_problem(number, met=met, evidence=evidence)
        if problem:
            raise ApplicationError(problem, extra={"field": f"met_{number}"})
    ModelVillageCheck.objects.filter(branch=branch, year=year).delete()
    ModelVillageCheck.objects.bulk_create(
        ModelVillageCheck(
            township_id=branch.township_id,
            branch=branch,
            year=year,
            standard=n,
            met=checks.get(n, (False, ""))[0],
            evidence=checks.get(n, (False, ""))[1].strip(),
        )
        for n in org_rules.STANDARD_NUMBERS
    )
    model = org_rules.is_model_village(checks)
    audit_log(
        actor=actor,
        action="branches.model_village.entered",
        township_id=branch.township_id,
        obj=branch,
        data={
            "year": year,
            "met": [n for n in org_rules.STANDARD_NUMBERS if checks.get(n, (False, ""))[0]],
            "model_village": model,
        },
    )
    return model
