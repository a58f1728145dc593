"""The rules of a member's life cycle, as plain functions over plain data (no ORM).

- The development pipeline (发展党员): the order of the steps, the minimum durations (one year
  as an activist with training before candidacy, one year of probation), the kinship
  declaration before admission, the deciding meeting and the public notice (公示).
- Training compliance (党校): which obligations a person has in a year and which are met.
- Flowing members (流动党员): who had no organisation life in a half-year.

Services refuse what these functions find; selectors and reports show it. Messages are Chinese
through gettext and name the person, the dates and what is missing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

APPLICANT, ACTIVIST, CANDIDATE, PROBATIONARY, FULL = (
    "applicant",
    "activist",
    "candidate",
    "probationary",
    "full",
)
STAGES = (APPLICANT, ACTIVIST, CANDIDATE, PROBATIONARY, FULL)
NEXT_STAGE = {APPLICANT: ACTIVIST, ACTIVIST: CANDIDATE, CANDIDATE: PROBATIONARY, PROBATIONARY: FULL}

# Steps decided by a branch meeting (the application itself is handed in, not decided), and
# those decided only by the general meeting (支部党员大会) rather than the committee.
DECIDED_STEPS = frozenset({ACTIVIST, CANDIDATE, PROBATIONARY, FULL})
GENERAL_MEETING_STEPS = frozenset({PROBATIONARY, FULL})
DECIDING_MEETING_TYPES = {
    ACTIVIST: frozenset({"committee", "general"}),
    CANDIDATE: frozenset({"committee", "general"}),
    PROBATIONARY: frozenset({"general"}),
    FULL: frozenset({"general"}),
}
# Steps announced publicly (公示) before they are decided, and the notice's minimum length in
# calendar days, first and last day included.
NOTICE_STEPS = frozenset({CANDIDATE, PROBATIONARY, FULL})
NOTICE_MIN_DAYS = 5


def one_year_after(day: dt.date) -> dt.date:
    """The same day a year later; from 29 February, the last day of February (a period in
    years ends on the corresponding day, or the month's last day when there is none)."""
    year = day.year + 1
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


@dataclass(frozen=True)
class MeetingFacts:
    date: dt.date
    type: str
    branch_id: int
    label: str = ""


@dataclass(frozen=True)
class StepRequest:
    """What a step asks for, with the applicant's record it is checked against."""

    name: str
    branch_id: int
    current_stage: str | None  # None before the application is recorded
    history: dict[str, dt.date]  # stage → date of the steps taken so far
    stage: str
    date: dt.date
    meeting: MeetingFacts | None = None
    notice_start: dt.date | None = None
    notice_end: dt.date | None = None
    activist_trainings: Sequence[dt.date] = ()  # dates of activist training attended
    kinship_declared_on: dt.date | None = None


def step_problems(req: StepRequest, *, today: dt.date) -> dict[str, str]:
    """Every problem of a pipeline step, by form field; empty when the step may be taken."""
    problems: dict[str, str] = {}
    expected = APPLICANT if req.current_stage is None else NEXT_STAGE.get(req.current_stage)
    if req.stage != expected:
        problems["stage"] = (
            _("%(name)s 已是正式党员，发展程序已经完成。") % {"name": req.name}
            if expected is None
            else _("%(name)s 的下一步是“%(next)s”，不能直接进入“%(stage)s”。")
            % {"name": req.name, "next": stage_label(expected), "stage": stage_label(req.stage)}
        )
        return problems
    if req.date > today:
        problems["date"] = _("日期 %(d)s 晚于今天（%(t)s），不能登记尚未发生的步骤。") % {
            "d": req.date.isoformat(),
            "t": today.isoformat(),
        }
        return problems
    if req.history:
        previous = max(req.history.values())
        if req.date < previous:
            problems["date"] = _("日期 %(d)s 早于上一步的日期 %(p)s。") % {
                "d": req.date.isoformat(),
                "p": previous.isoformat(),
            }
            return problems
    problems |= _duration_problems(req)
    if req.stage == PROBATIONARY and (
        req.kinship_declared_on is None or req.kinship_declared_on > req.date
    ):
        problems.setdefault(
            "kinship",
            _(
                "接收%(name)s为预备党员前，须先完成亲属关系报备"
                "（三代以内亲属在村“两委”任职的情况）。"
            )
            % {"name": req.name},
        )
    problems |= _meeting_problems(req)
    problems |= _notice_problems(req)
    return problems


def _duration_problems(req: StepRequest) -> dict[str, str]:
    if req.stage == CANDIDATE:
        since = req.history[ACTIVIST]
        earliest = one_year_after(since)
        if req.date < earliest:
            return {
                "date": _(
                    "%(name)s 于 %(since)s 列为入党积极分子，培养教育须满一年，"
                    "最早 %(earliest)s 才能确定为发展对象。"
                )
                % {"name": req.name, "since": since.isoformat(), "earliest": earliest.isoformat()}
            }
        if not any(since <= d <= req.date for d in req.activist_trainings):
            return {
                "date": _(
                    "%(name)s 列为入党积极分子以来没有参加过入党积极分子培训，不能确定为发展对象。"
                )
                % {"name": req.name}
            }
    if req.stage == FULL:
        since = req.history[PROBATIONARY]
        earliest = one_year_after(since)
        if req.date < earliest:
            return {
                "date": _(
                    "%(name)s 于 %(since)s 接收为预备党员，预备期一年，"
                    "最早 %(earliest)s 才能转为正式党员。"
                )
                % {"name": req.name, "since": since.isoformat(), "earliest": earliest.isoformat()}
            }
    return {}


def _meeting_problems(req: StepRequest) -> dict[str, str]:
    if req.stage not in DECIDED_STEPS:
        return {}
    meeting = req.meeting
    if meeting is None:
        return {
            "meeting": _("“%(stage)s”须选择作出决定的支部会议。")
            % {"stage": stage_label(req.stage)}
        }
    if meeting.branch_id != req.branch_id:
        return {"meeting": _("决定会议须是本人所在支部的会议。")}
    if meeting.type not in DECIDING_MEETING_TYPES[req.stage]:
        if req.stage in GENERAL_MEETING_STEPS:
            return {"meeting": _("接收预备党员和预备党员转正须由支部党员大会讨论决定。")}
        return {"meeting": _("列为积极分子和确定发展对象须由支委会或支部党员大会决定。")}
    if meeting.date > req.date:
        return {
            "meeting": _("决定会议的日期 %(m)s 晚于本步骤的日期 %(d)s。")
            % {"m": meeting.date.isoformat(), "d": req.date.isoformat()}
        }
    return {}


def _notice_problems(req: StepRequest) -> dict[str, str]:
    if req.stage not in NOTICE_STEPS:
        return {}
    start, end = req.notice_start, req.notice_end
    if start is None or end is None:
        return {
            "notice_start": _("“%(stage)s”须经公示，请填写公示起止日期。")
            % {"stage": stage_label(req.stage)}
        }
    if end < start:
        return {"notice_end": _("公示结束日期早于开始日期。")}
    days = (end - start).days + 1
    if days < NOTICE_MIN_DAYS:
        return {
            "notice_end": _("公示期只有 %(n)d 天，不少于 %(min)d 天。")
            % {"n": days, "min": NOTICE_MIN_DAYS}
        }
    if end > req.date:
        return {
            "notice_end": _("公示须在作出决定前结束：公示结束 %(e)s 晚于本步骤日期 %(d)s。")
            % {"e": end.isoformat(), "d": req.date.isoformat()}
        }
    return {}


def stage_label(stage: str) -> str:
    return str(
        {
            APPLICANT: _("递交入党申请"),
            ACTIVIST: _("列为入党积极分子"),
            CANDIDATE: _("确定为发展对象"),
            PROBATIONARY: _("接收为预备党员"),
            FULL: _("转为正式党员"),
        }.get(stage, stage)
    )


# --- where someone stands in the pipeline -------------------------------------------------------


@dataclass(frozen=True)
class PipelineStatus:
    next_stage: str | None  # None once a full member
    next_due: dt.date | None  # the earliest day of the next step (None: no minimum)
    flags: tuple[str, ...]  # what is overdue or missing, in Chinese


def pipeline_status(
    *,
    stage: str,
    history: dict[str, dt.date],
    today: dt.date,
    kinship_declared_on: dt.date | None,
    activist_trainings: Iterable[dt.date] = (),
) -> PipelineStatus:
    """The next step, its earliest day and what is overdue or missing, as of `today`."""
    following = NEXT_STAGE.get(stage)
    flags: list[str] = []
    due = None
    if stage == ACTIVIST and ACTIVIST in history:
        due = one_year_after(history[ACTIVIST])
        if due <= today and not any(history[ACTIVIST] <= d <= today for d in activist_trainings):
            flags.append(_("满一年仍未参加积极分子培训"))
    elif stage == CANDIDATE and kinship_declared_on is None:
        flags.append(_("未完成亲属关系报备"))
    elif stage == PROBATIONARY and PROBATIONARY in history:
        due = one_year_after(history[PROBATIONARY])
        if probation_overdue(ends_on=due, today=today):
            flags.append(_("预备期满逾期 %(n)d 天未转正") % {"n": (today - due).days})
    return PipelineStatus(next_stage=following, next_due=due, flags=tuple(flags))


def probation_overdue(*, ends_on: dt.date, today: dt.date) -> bool:
    """A probation is overdue the day after it ends without the member made full."""
    return today > ends_on


# --- training compliance ------------------------------------------------------------------------

ROTATION, ACTIVIST_TRAINING, CANDIDATE_TRAINING = "rotation", "activist", "candidate"
MET, MISSED, OPEN = "met", "missed", "open"


@dataclass(frozen=True)
class Obligation:
    kind: str  # rotation, activist, candidate
    label: str  # 2026-H1, 2026-Q3
    start: dt.date
    end: dt.date
    attended: int
    state: str  # met, missed (ended without), open (not ended yet)


@functools.cache  # asked for each person of a township's compliance list
def quarters(year: int) -> tuple[tuple[str, dt.date, dt.date], ...]:
    out = []
    for q in range(1, 5):
        start = dt.date(year, 3 * q - 2, 1)
        end_month = 3 * q
        end = dt.date(year, end_month, calendar.monthrange(year, end_month)[1])
        out.append((f"{year}-Q{q}", start, end))
    return tuple(out)


@functools.cache
def halves(year: int) -> tuple[tuple[str, dt.date, dt.date], ...]:
    return (
        (f"{year}-H1", dt.date(year, 1, 1), dt.date(year, 6, 30)),
        (f"{year}-H2", dt.date(year, 7, 1), dt.date(year, 12, 31)),
    )


Spell = tuple[dt.date | None, dt.date | None]  # (from, until), None = open-ended


def _overlaps(spell: Spell, start: dt.date, end: dt.date) -> bool:
    since, until = spell
    return (since is None or since <= end) and (until is None or until >= start)


def training_obligations(
    *,
    year: int,
    as_of: dt.date,
    member: Spell | None = None,
    activist: Spell | None = None,
    candidate: Spell | None = None,
    attended: Iterable[tuple[dt.date, str]] = (),
) -> list[Obligation]:
    """A person's training obligations in `year`, each with what they attended.

    Every member attends rotation training (轮训) twice a year: once in each half-year they are
    a member at any time of. An activist attends activist training once in each quarter they
    are an activist at any time of; a development candidate, candidate training once in each
    half-year. A period is met with one session of its kind dated in it, missed when it ended
    before `as_of` without one, and open until then. Topical lectures are no obligation.
    """
    attended = list(attended)
    plan = [
        (ROTATION, member, halves(year)),
        (ACTIVIST_TRAINING, activist, quarters(year)),
        (CANDIDATE_TRAINING, candidate, halves(year)),
    ]
    out = []
    for kind, spell, periods in plan:
        if spell is None:
            continue
        for label, start, end in periods:
            if not _overlaps(spell, start, end):
                continue
            n = sum(1 for d, k in attended if k == kind and start <= d <= end)
            state = MET if n else (MISSED if end < as_of else OPEN)
            out.append(Obligation(kind, label, start, end, n, state))
    return out


# --- flowing members ------------------------------------------------------------------------------


def without_org_life(
    *,
    start: dt.date,
    end: dt.date,
    flowing: dict[int, list[Spell]],
    present: dict[int, list[dt.date]],
    org_life_contacts: dict[int, list[dt.date]],
) -> list[int]:
    """The flowing members who had no organisation life from `start` to `end` (a half-year).

    A member counts as flowing in the period when one of their flowing spells overlaps it.
    Organisation life is being present (not excused, not absent) at a meeting of the branch
    dated in the period, or a contact recorded as organisation life taken part in elsewhere
    (online with the branch, or with the branch where they work) dated in the period.
    """
    out = []
    for member_id, spells in flowing.items():
        if not any(_overlaps(s, start, end) for s in spells):
            continue
        days = [*present.get(member_id, ()), *org_life_contacts.get(member_id, ())]
        if not any(start <= d <= end for d in days):
            out.append(member_id)
    return sorted(out)
