"""Exporting townships as the import document.

The order of every list is decided by the content alone (codes, then dates), so the same data
always gives the same document, whatever order the rows were entered in: export → import →
export is byte-identical (see `document_dumps`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count
from django.utils.translation import gettext as _

from branches.models import THEMED_DAY_ACTIONS, Area, Attendance, Branch, Meeting, MeetingType
from exchange import alliance_section, coop_section
from exchange.document import FORMAT, date_text, money_text, month_text, number
from members.models import Applicant, DuesPayment, Member, PointAdjustment, Visit
from scoring.models import OfficeScore, TargetScore
from township.errors import ExchangeError


def township_export(*, townships: Iterable) -> dict:
    """The import document of `townships` (a queryset or list of Township, of one county)."""
    townships = sorted(townships, key=lambda t: t.code)
    if not townships:
        raise ExchangeError(["townships: " + _("没有可导出的乡镇。")])
    counties = {t.county_id for t in townships}
    if len(counties) > 1:
        raise ExchangeError(["county: " + _("一个文件只能包含同一个县的乡镇。")])
    county = townships[0].county
    return {
        "format": FORMAT,
        "county": {"code": county.code, "name": county.name},
        "townships": [_township(t) | coop_section.section_export(t) for t in townships],
    }


def _township(township) -> dict:
    areas = list(Area.objects.filter(township=township).order_by("code"))
    area_code = {a.pk: a.code for a in areas}
    branches = list(Branch.objects.filter(township=township).order_by("code"))
    branch_code = {b.pk: b.code for b in branches}
    members = list(
        Member.objects.filter(township=township)
        .annotate(household_count=Count("households"))
        .order_by("code")
    )
    member_code = {m.pk: m.code for m in members}

    attendance: dict[int, dict[str, str]] = defaultdict(dict)
    rows = Attendance.objects.filter(meeting__township=township).values_list(
        "meeting_id", "member__code", "status"
    )
    for meeting_id, code, status in sorted(rows, key=lambda r: (r[0], r[1])):
        attendance[meeting_id][code] = status

    return {
        "code": township.code,
        "name": township.name,
        "close_day": township.close_day,
        "areas": [{"code": a.code, "name": a.name} for a in areas],
        "branches": [
            {
                "code": b.code,
                "name": b.name,
                "kind": b.kind,
                "area": area_code.get(b.area_id),
                "has_groups": b.has_groups,
                "ranked": b.ranked,
            }
            for b in branches
        ],
        "members": [
            {
                "id": m.code,
                "name": m.name,
                "gender": m.gender,
                "birth_date": date_text(m.birth_date),
                "branch": branch_code[m.branch_id],
                "status": m.status,
                "joined_party_on": date_text(m.joined_party_on),
                "probation_ends_on": date_text(m.probation_ends_on),
                "dues_exempt": m.dues_exempt,
                "rating_exempt": m.rating_exempt,
                "flowing": m.flowing,
                "households": m.household_count,
                "branch_since": date_text(m.branch_since),
                "left_on": date_text(m.left_on),
            }
            for m in members
        ],
        "applicants": [
            {
                "id": a.code,
                "name": a.name,
                "branch": branch_code[a.branch_id],
                "stage": a.stage,
                "stage_since": date_text(a.stage_since),
            }
            # EXCHANGE.md's stages end at candidate: once admitted, the member record carries
            # the person (members.services_life).
            for a in Applicant.objects.filter(
                township=township, stage__in=("applicant", "activist", "candidate")
            ).order_by("code")
        ],
        "meetings": [
            _meeting(m, branch_code, attendance.get(m.pk, {}))
            for m in Meeting.objects.filter(township=township).order_by("code")
        ],
        "dues": [
            {
                "member": member_code[d.member_id],
                "month": month_text(d.month),
                "amount": money_text(d.amount),
                "paid_on": date_text(d.paid_on),
            }
            for d in sorted(
                DuesPayment.objects.filter(member__township=township).order_by(),
                key=lambda d: (d.month, member_code[d.member_id], d.paid_on, d.amount),
            )
        ],
        "visits": [
            {
                "member": member_code[v.member_id],
                "date": date_text(v.date),
                "household": v.household_name,
                "note": v.note,
            }
            for v in sorted(
                Visit.objects.filter(member__township=township).order_by(),
                key=lambda v: (v.date, member_code[v.member_id], v.household_name, v.note),
            )
        ],
        "adjustments": [
            {
                "member": member_code[a.member_id],
                "date": date_text(a.date),
                "points": number(a.points),
                "reason": a.reason,
            }
            for a in sorted(
                PointAdjustment.objects.filter(member__township=township).order_by(),
                key=lambda a: (a.date, member_code[a.member_id], a.points, a.reason),
            )
        ],
        "office_scores": [
            {
                "branch": branch_code[o.branch_id],
                "month": month_text(o.month),
                "points": number(o.points),
            }
            for o in sorted(
                OfficeScore.objects.filter(branch__township=township).order_by(),
                key=lambda o: (o.month, branch_code[o.branch_id]),
            )
        ],
        "target_scores": [
            {"branch": branch_code[t.branch_id], "year": t.year, "score": number(t.score)}
            for t in sorted(
                TargetScore.objects.filter(branch__township=township).order_by(),
                key=lambda t: (t.year, branch_code[t.branch_id]),
            )
        ],
        **alliance_section.export(township),  # only when the township has alliances
    }


def _meeting(meeting: Meeting, branch_code: dict[int, str], attendance: dict[str, str]) -> dict:
    row = {
        "id": meeting.code,
        "branch": branch_code[meeting.branch_id],
        "type": meeting.type,
        "date": date_text(meeting.date),
        "topic": meeting.topic,
        "attendance": attendance,
    }
    # "4+X" belongs to the themed Party day; other meetings carry an X activity only if set.
    if meeting.type == MeetingType.THEMED_DAY:
        row["actions"] = [code for code, name in THEMED_DAY_ACTIONS if getattr(meeting, name)]
        row["x_activity"] = meeting.x_activity or None
    elif meeting.x_activity:
        row["x_activity"] = meeting.x_activity
    return row
