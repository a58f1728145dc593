"""Writes of the branches app: meetings (三会一课) and their attendance.

Every service is keyword-only and atomic; it refuses a change to a locked month (unless the
actor may edit locked months), writes the audit entry in the same transaction and drops the
stored scores of the months it touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _

from branches.models import (
    THEMED_DAY_ACTIONS,
    Attendance,
    AttendanceStatus,
    Branch,
    Meeting,
    MeetingType,
    Township,
)
from members.models import Member
from township import plausible
from township.audit import audit_log
from township.errors import ApplicationError
from township.months import ensure_month_open, months_mark_changed

MEETING_FIELDS = frozenset(
    {
        "type",
        "date",
        "topic",
        "host",
        "lecturer",
        "act_study",
        "act_dues",
        "act_oath",
        "act_deliberation",
        "x_activity",
        "minutes",
    }
)
ACTION_FIELDS = tuple(field for _code, field in THEMED_DAY_ACTIONS)


def _validate_meeting(fields: dict[str, Any]) -> None:
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise ApplicationError(_("未知的会议字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if fields.get("type") not in MeetingType.values:
        raise ApplicationError(_("会议类型无效。"))
    if not isinstance(fields.get("date"), dt.date):
        raise ApplicationError(_("请填写会议日期。"))
    plausible.refuse(
        {
            "date": plausible.record_date(
                fields["date"], today=plausible.today(), label=_("会议日期")
            )
        }
    )
    if fields["type"] != MeetingType.THEMED_DAY and any(fields.get(f) for f in ACTION_FIELDS):
        raise ApplicationError(_("“4+X”规定动作只适用于主题党日。"))


MEETING_CODE_PREFIX = "MT"


def meeting_code_next(*, township_id: int) -> str:
    """The township's next meeting code: ``MT`` and the next number, at least six digits.

    One scheme for every meeting, whichever way it came: the exchange documents and the demo
    number meetings ``MT000001`` on, so a meeting entered in the browser continues that
    sequence, by number (``MT12`` follows ``MT000009``). Codes of another form (an imported
    ``会议-7``, or more than 15 digits) are left out of the count. The
    township's row is locked so that two secretaries saving at once cannot take one number.
    """
    Township.objects.select_for_update().filter(pk=township_id).exists()
    last = Meeting.objects.filter(
        township_id=township_id, code__regex=r"^MT[0-9]{1,15}$"
    ).aggregate(number=Max(Cast(Substr("code", len(MEETING_CODE_PREFIX) + 1), BigIntegerField())))[
        "number"
    ]
    number = (last or 0) + 1
    return f"{MEETING_CODE_PREFIX}{number:06d}"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic
def meeting_create(*, actor, branch: Branch, **fields: Any) -> Meeting:
    _validate_meeting(fields)
    if not branch.active:
        raise ApplicationError(_("%(branch)s已撤销，不能再登记会议。") % {"branch": branch.name})
    ensure_month_open(actor=actor, township_id=branch.township_id, day=fields["date"])
    meeting = Meeting.objects.create(
        township_id=branch.township_id,
        branch=branch,
        code=meeting_code_next(township_id=branch.township_id),
        **fields,
    )
    audit_log(
        actor=actor,
        action="branches.meeting.created",
        township_id=branch.township_id,
        obj=meeting,
        data={k: _plain(v) for k, v in fields.items() if k != "minutes"},
    )
    months_mark_changed(township_id=branch.township_id, days=[meeting.date])
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, **fields: Any) -> Meeting:
    # Read the stored row: the caller's instance may already carry the new values.
    stored = Meeting.objects.select_for_update().get(pk=meeting.pk)
    old_date = stored.date
    merged = {f: getattr(stored, f) for f in MEETING_FIELDS} | fields
    _validate_meeting(merged)
    ensure_month_open(actor=actor, township_id=stored.township_id, day=old_date)
    ensure_month_open(actor=actor, township_id=stored.township_id, day=merged["date"])
    changes = {
        f: [_plain(getattr(stored, f)), _plain(v)]
        for f, v in fields.items()
        if getattr(stored, f) != v
    }
    if not changes:
        return stored
    for f, v in merged.items():
        setattr(stored, f, v)
    stored.save()
    audit_log(
        actor=actor,
        action="branches.meeting.changed",
        township_id=stored.township_id,
        obj=stored,
        data={"changes": changes},
    )
    months_mark_changed(township_id=stored.township_id, days=[old_date, stored.date])
    return stored


@transaction.atomic
def meeting_delete(*, actor, meeting: Meeting) -> None:
    ensure_month_open(actor=actor, township_id=meeting.township_id, day=meeting.date)
    audit_log(
        actor=actor,
        action="branches.meeting.deleted",
        township_id=meeting.township_id,
        obj=meeting,
        data={"code": meeting.code, "type": meeting.type, "date": meeting.date.isoformat()},
    )
    day, township_id = meeting.date, meeting.township_id
    meeting.delete()
    months_mark_changed(township_id=township_id, days=[day])


@transaction.atomic
def attendance_record(*, actor, meeting: Meeting, entries: Iterable[dict[str, Any]]) -> int:
    """Record the attendance of many members at once (the sign-in sheet grid).

    `entries` holds dicts with `member` (a Member or its id), `status` and an optional
    `reason`. Members not named keep what was recorded before. Returns the number of rows saved.
    """
    # A meeting stored before the date rules existed may lie in the future: no attendance yet.
    plausible.refuse(
        {"date": plausible.record_date(meeting.date, today=plausible.today(), label=_("会议日期"))}
    )
    ensure_month_open(actor=actor, township_id=meeting.township_id, day=meeting.date)
    wanted: dict[int, tuple[str, str]] = {}
    for entry in entries:
        member = entry["member"]
        member_id = member.pk if isinstance(member, Member) else int(member)
        status = entry.get("status")
        if status not in AttendanceStatus.values:
            raise ApplicationError(_("出勤状态无效。"))
        reason = (entry.get("reason") or "").strip() if status == AttendanceStatus.EXCUSED else ""
        wanted[member_id] = (status, reason[:200])
    belonging = set(
        Member.objects.filter(branch_id=meeting.branch_id, pk__in=wanted).values_list(
            "pk", flat=True
        )
    )
    strangers = set(wanted) - belonging
    if strangers:
        names = Member.objects.filter(pk__in=strangers).values_list("name", flat=True)
        raise ApplicationError(
            _("以下人员不是%(branch)s的党员，不能登记出勤：%(names)s")
            % {"branch": meeting.branch.name, "names": "、".join(names) or str(sorted(strangers))}
        )
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    to_create, to_update, changes = [], [], {}
    for member_id, (status, reason) in wanted.items():
        row = existing.get(member_id)
        if row is None:
            to_create.append(
                Attendance(meeting=meeting, member_id=member_id, status=status, reason=reason)
            )
            changes[member_id] = [None, status]
        elif (row.status, row.reason) != (status, reason):
            changes[member_id] = [row.status, status]
            row.status, row.reason = status, reason
            to_update.append(row)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["status", "reason"])
    if changes:
        audit_log(
            actor=actor,
            action="branches.attendance.changed",
            township_id=meeting.township_id,
            obj=meeting,
            data={"changes": {str(k): v for k, v in changes.items()}},
        )
        months_mark_changed(township_id=meeting.township_id, days=[meeting.date])
    return len(to_create) + len(to_update)
