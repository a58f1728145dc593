"""A township's month: whether it is locked, and the mark a change of its records leaves.

Every service that writes a dated record calls `ensure_month_open` before the write and
`months_mark_changed` after it, in the same transaction (explicit calls, no signals). The mark
bumps the month's `revision` (see `township.models.MonthState`); once the transaction commits,
the apps that derive figures from the records (scoring) are told which township years changed.
They register at app loading through `on_months_changed`, so this floor imports none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from township.errors import MonthLockedError
from township.models import MonthState
from township.permissions import may_edit_locked_month

MonthsChangedListener = Callable[[int, int], None]  # (township id, year)
_listeners: list[MonthsChangedListener] = []


def on_months_changed(listener: MonthsChangedListener) -> None:
    """Call `listener(township_id, year)` after each commit that changed that township year.

    Apps register in their `AppConfig.ready()`; registering the same function twice is a no-op.
    """
    if listener not in _listeners:
        _listeners.append(listener)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def locked_months(*, township_id: int) -> set[dt.date]:
    return set(
        MonthState.objects.filter(township_id=township_id, locked=True).values_list(
            "month", flat=True
        )
    )


def is_month_locked(*, township_id: int, day: dt.date) -> bool:
    return MonthState.objects.filter(
        township_id=township_id, month=month_start(day), locked=True
    ).exists()


@dataclass(frozen=True)
class MonthLock:
    """Who locked a township's month and when, for the notice on the month's record pages."""

    month: dt.date
    locked_at: dt.datetime | None
    locked_by: str  # the user's name; empty when the month closed by itself on its close day
    may_edit: bool  # whether the viewer may still change the month (the office)


def month_lock(*, township_id: int, day: dt.date, role: str | None) -> MonthLock | None:
    """The lock of the month of `day` as the viewer with `role` sees it, or None when the month
    is open: one query, whatever the page."""
    state = (
        MonthState.objects.filter(township_id=township_id, month=month_start(day), locked=True)
        .select_related("locked_by")
        .first()
    )
    if state is None:
        return None
    user = state.locked_by
    name = (user.get_full_name() or user.get_username()) if user is not None else ""
    return MonthLock(
        month=state.month,
        locked_at=state.locked_at,
        locked_by=name,
        may_edit=may_edit_locked_month(role),
    )


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


def months_mark_changed(*, township_id: int, days: Iterable[dt.date]) -> None:
    """Record that the records of the months of `days` changed (in the caller's transaction).

    Two queries whatever the number of months. After the commit, the registered listeners are
    told each (township, year) once, however many services marked it in the transaction.
    """
    firsts = {month_start(d) for d in days}
    if not firsts:
        return
    MonthState.objects.bulk_create(
        [MonthState(township_id=township_id, month=m) for m in sorted(firsts)],
        ignore_conflicts=True,
    )
    MonthState.objects.filter(township_id=township_id, month__in=firsts).update(
        revision=F("revision") + 1, changed_at=timezone.now()
    )
    _notify_on_commit({(township_id, m.year) for m in firsts})


def _notify_on_commit(changed: set[tuple[int, int]]) -> None:
    """Many writes in one transaction share one set of pending (township, year) pairs: the
    first callback tells the listeners about all of them and the others find nothing left."""
    connection = transaction.get_connection()
    pending: set[tuple[int, int]] = connection.__dict__.setdefault("_months_changed", set())
    pending |= changed

    def notify() -> None:
        jobs = sorted(pending)
        pending.clear()
        for township_id, year in jobs:
            for listener in _listeners:
                listener(township_id, year)

    transaction.on_commit(notify)
