"""The star rating as a process (星级评定): the rules as plain functions, no ORM.

A round per township and year moves through four states, each step taken by the office:

    proposed (the computed stars proposed; the branch writes its self-assessment)
      → review (the office reviews and may change a proposal, with a reason)
      → notice (公示: 5 days, the start day and the four following days, Asia/Shanghai)
      → set (the stars are final; a later finding may only lower one, with its reason)

A round may be opened once the year is over (Shanghai date) or all its twelve months are locked.
Every function returns a list of problems (Chinese sentences, empty when allowed) or a value.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PROPOSED = "proposed"
REVIEW = "review"
NOTICE = "notice"
SET = "set"
STATES = (PROPOSED, REVIEW, NOTICE, SET)
STATE_LABELS = {
    PROPOSED: gettext_lazy("已提出建议星级，支部自评中"),
    REVIEW: gettext_lazy("党建办审核中"),
    NOTICE: gettext_lazy("公示中"),
    SET: gettext_lazy("已评定"),
}
# The transitions the office takes: action → (the state it starts from, the state it leads to).
TRANSITIONS = {
    "review": (PROPOSED, REVIEW),
    "notice": (REVIEW, NOTICE),
    "set": (NOTICE, SET),
}

NOTICE_DAYS = 5  # 公示 5 days: the start day counts as the first
STARS_MIN, STARS_MAX = 0, 3
REASON_MAX = 500
TEXT_MAX = 2000


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def open_problems(*, year: int, today: dt.date, locked_months: int) -> list[str]:
    """A round opens once the year has ended or all twelve of its months are locked."""
    if year > today.year:
        return [_("%(y)d 年尚未开始，不能启动星级评定。") % {"y": year}]
    if year < today.year or locked_months >= 12:
        return []
    return [
        _("%(y)d 年尚未结束，且只锁定了 %(n)d 个月：全年 12 个月锁定后才能启动星级评定。")
        % {"y": year, "n": locked_months}
    ]


def notice_end(start: dt.date) -> dt.date:
    """The last day of the notice: the start day is the first of its five days."""
    return start + dt.timedelta(days=NOTICE_DAYS - 1)


def transition_problems(
    *, action: str, state: str, today: dt.date, notice_ends: dt.date | None = None
) -> list[str]:
    """Whether the office may take `action` on a round in `state` today."""
    if action not in TRANSITIONS:
        return [_("未知的评定步骤：%(a)s") % {"a": action}]
    source, _target = TRANSITIONS[action]
    if state != source:
        return [
            _("当前状态为“%(s)s”，不能进行此步骤（需要“%(n)s”）。")
            % {"s": state_label(state), "n": state_label(source)}
        ]
    if action == "set":
        if notice_ends is None or today <= notice_ends:
            return [
                _("公示期至 %(d)s 结束，公示期满后（%(n)s 起）才能确定星级。")
                % {
                    "d": notice_ends.isoformat() if notice_ends else "-",
                    "n": (notice_ends + dt.timedelta(days=1)).isoformat() if notice_ends else "-",
                }
            ]
    return []


def stars_problems(value: object) -> list[str]:
    """A star count is a whole number from 0 to 3."""
    if isinstance(value, bool) or not isinstance(value, int):
        return [_("星级必须是 0 到 3 的整数。")]
    if not STARS_MIN <= value <= STARS_MAX:
        return [_("星级必须在 0 到 3 之间，%(v)d 不在此范围。") % {"v": value}]
    return []


def reason_problems(reason: str | None) -> list[str]:
    if not (reason or "").strip():
        return [_("请填写理由。")]
    if len(reason) > REASON_MAX:
        return [_("理由不能超过 %(n)d 个字。") % {"n": REASON_MAX}]
    return []


def review_problems(*, state: str, current: int, new: object, reason: str | None) -> list[str]:
    """The office changes a proposal during the review, always with a reason."""
    if state != REVIEW:
        return [_("只有在审核阶段才能调整建议星级（当前：%(s)s）。") % {"s": state_label(state)}]
    problems = stars_problems(new)
    if problems:
        return problems
    if new == current:
        return [_("新星级与当前建议星级相同（%(n)d 星），无需调整。") % {"n": current}]
    return reason_problems(reason)


def self_assessment_problems(*, state: str, text: str | None) -> list[str]:
    if state != PROPOSED:
        return [_("自评已结束（当前：%(s)s），不能再修改。") % {"s": state_label(state)}]
    if len(text or "") > TEXT_MAX:
        return [_("自评不能超过 %(n)d 个字。") % {"n": TEXT_MAX}]
    return []


def demotion_problems(
    *,
    state: str,
    current: int | None,
    new: object,
    reason: str | None,
    found_on: dt.date | None,
    year: int,
    today: dt.date,
) -> list[str]:
    """A later finding may only lower a set star: never raise it, never keep it."""
    if state != SET or current is None:
        return [_("星级确定后才能因新发现的问题降低星级。")]
    problems = stars_problems(new)
    if problems:
        return problems
    if new >= current:
        return [_("降级只能降低星级：当前 %(c)d 星，%(n)d 星不低于它。") % {"c": current, "n": new}]
    if found_on is None:
        return [_("请填写发现问题的日期。")]
    if found_on > today:
        return [_("发现问题的日期不能晚于今天（%(d)s）。") % {"d": today.isoformat()}]
    if found_on < dt.date(year, 1, 1):
        return [_("发现问题的日期不能早于评定年度（%(y)d 年）。") % {"y": year}]
    return reason_problems(reason)
