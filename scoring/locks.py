"""Month close: whether a township month is locked, and the guard services call before a write."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from township.errors import MonthLockedError
from township.permissions import may_edit_locked_month


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def locked_months(*, township_id: int) -> set[dt.date]:
    from scoring.models import MonthClose

    return set(
        MonthClose.objects.filter(township_id=township_id, locked=True).values_list(
            "month", flat=True
        )
    )


def is_month_locked(*, township_id: int, day: dt.date) -> bool:
    from scoring.models import MonthClose

    return MonthClose.objects.filter(
        township_id=township_id, month=month_start(day), locked=True
    ).exists()


def ensure_month_open(*, actor, township_id: int, day: dt.date) -> None:
    """Refuse a write to a record dated in a locked month, unless the actor may edit locked months.

    Services call this before every create/change/delete of a dated record (meeting, attendance,
    dues, visit, point adjustment, office score).
    """
    role = getattr(actor, "role", None)
    if may_edit_locked_month(role):
        return
    if is_month_locked(township_id=township_id, day=day):
        raise MonthLockedError(
            _(
                "%(month)s 的考核已由镇党建办锁定，不能再修改该月的记录；"
                "如需更正，请联系镇党建办重新开放。"
            )
            % {"month": f"{day:%Y年%m月}"}
        )
