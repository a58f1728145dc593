"""What a plausible record looks like: the date windows and the member fields, in one place.

Plain functions over plain values (no ORM), each returning None or a message in Chinese that
names what is wrong. Forms, services and the JSON import (`exchange/validate.py`) all call them,
so a rule is stated once and holds on every way in. `today` is always passed in (the caller
reads `today()` once), so a whole document or form is judged against one day.

- A record (meeting, attendance, dues payment, visit, point adjustment, office score, a stage of
  the development pipeline) happened between 2000-01-01 and today.
- A month is locked only once it has ended.
- Dues may be paid ahead for at most twelve months, but the payment itself is never in the future.
- A member was born between 1900-01-01 and today; joined the Party on or after its founding
  (1921-07-01), not in the future, and on or after their 18th birthday; the probation ends after
  joining and at most two years later (one year, extended at most once by a year); the dates in
  the branch are on or after the founding and the birth, not in the future, leaving not before
  arriving.
- The ID number is an 18-character resident ID number (GB 11643) whose check character is right
  and whose birth date is the member's; the phone is a mobile or landline number; the monthly
  income is not negative.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import phonenumbers
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from township.errors import ApplicationError

RECORDS_FROM = dt.date(2000, 1, 1)
BORN_FROM = dt.date(1900, 1, 1)
PARTY_FOUNDED = dt.date(1921, 7, 1)
ADULT_AGE = 18
PROBATION_YEARS_AT_MOST = 2
DUES_AHEAD_MONTHS_AT_MOST = 12

# A phone number as people write it: digits, spaces, hyphens, brackets and a leading plus.
# (phonenumbers alone would read letters as keypad digits.)
_PHONE_TEXT = re.compile(r"\+?[0-9 ()\-]{3,20}")
# Field names in the messages: lazy, translated only when a message is made.
DATE = gettext_lazy("日期")
MONTH = gettext_lazy("月份")
PAID_ON = gettext_lazy("交纳日期")
JOINED = gettext_lazy("入党日期")
BRANCH_SINCE = gettext_lazy("转入本支部日期")
LEFT_ON = gettext_lazy("离开本支部日期")

_ID_CHECK = frozenset("0123456789X")
_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def today() -> dt.date:
    """Today in the project's time zone (Asia/Shanghai)."""
    return timezone.localdate()


def refuse(problems: Mapping[str, str | None]) -> None:
    """For services: raise the first problem as an ApplicationError naming its field
    (`extra["field"]`, so a form can show it at the field)."""
    for field, message in problems.items():
        if message:
            raise ApplicationError(message, extra={"field": field})


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(first: dt.date, n: int) -> dt.date:
    years, month = divmod(first.month - 1 + n, 12)
    return dt.date(first.year + years, month + 1, 1)


def anniversary(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February is reached on 1 March in a common year (the
    day after 28 February, so a birthday on 29 February is never counted early)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def adult_on(birth: dt.date) -> dt.date:
    """The 18th birthday: the first day someone may join the Party."""
    return anniversary(birth, ADULT_AGE)


# --- records --------------------------------------------------------------------------------


def record_date(day: dt.date, *, today: dt.date, label: Any = None) -> str | None:
    """A record's date: not after today, not before 2000-01-01."""
    label = label or DATE
    if day > today:
        return _("%(label)s %(date)s 晚于今天（%(today)s），不能登记尚未发生的记录。") % {
            "label": label,
            "date": day.isoformat(),
            "today": today.isoformat(),
        }
    if day < RECORDS_FROM:
        return _("%(label)s %(date)s 早于 %(floor)s，不是有效的记录日期。") % {
            "label": label,
            "date": day.isoformat(),
            "floor": RECORDS_FROM.isoformat(),
        }
    return None


def record_month(first: dt.date, *, today: dt.date, label: Any = None) -> str | None:
    """A month's record (the office's score of a branch): this month or an earlier one, from
    January 2000."""
    label = label or MONTH
    if month_start(first) > month_start(today):
        return _("%(label)s %(month)s 尚未到来，不能登记该月的记录。") % {
            "label": label,
            "month": f"{first:%Y-%m}",
        }
    if first < RECORDS_FROM:
        return _("%(label)s %(month)s 早于 %(floor)s，不是有效的记录月份。") % {
            "label": label,
            "month": f"{first:%Y-%m}",
            "floor": f"{RECORDS_FROM:%Y-%m}",
        }
    return None


def record_year(year: int, *, today: dt.date) -> str | None:
    """A year's record (the year-end target score): this year or an earlier one, from 2000."""
    if year > today.year:
        return _("年度 %(year)d 尚未到来，不能登记该年的记录。") % {"year": year}
    if year < RECORDS_FROM.year:
        return _("年度 %(year)d 早于 %(floor)d 年，不是有效的记录年度。") % {
            "year": year,
            "floor": RECORDS_FROM.year,
        }
    return None


def month_ended(first: dt.date, *, today: dt.date) -> str | None:
    """A month can be locked (its figures frozen) only once it is over: from the first day of
    the next month."""
    if month_start(first) >= month_start(today):
        return _("%(month)s 尚未结束，不能锁定；%(next)s 起才能锁定该月考核。") % {
            "month": f"{first:%Y年%m月}",
            "next": add_months(month_start(first), 1).isoformat(),
        }
    return None


def dues(*, month: dt.date, paid_on: dt.date, today: dt.date) -> dict[str, str]:
    """A dues payment: paid on a plausible past day, for a month from January 2000 up to twelve
    months after the payment (paying ahead is allowed, paying in the future is not).

    Returns {field: message} for `month` and `paid_on`.
    """
    problems = {}
    paid = record_date(paid_on, today=today, label=PAID_ON)
    if paid:
        problems["paid_on"] = paid
    month = month_start(month)
    if month < RECORDS_FROM:
        problems["month"] = _("所属月份 %(month)s 早于 %(floor)s，不是有效的记录月份。") % {
            "month": f"{month:%Y-%m}",
            "floor": f"{RECORDS_FROM:%Y-%m}",
        }
    elif month > add_months(month_start(paid_on), DUES_AHEAD_MONTHS_AT_MOST):
        problems["month"] = _(
            "所属月份 %(month)s 比交纳日期 %(paid)s 晚 %(n)d 个月以上：党费最多预交 %(n)d 个月。"
        ) % {
            "month": f"{month:%Y-%m}",
            "paid": paid_on.isoformat(),
            "n": DUES_AHEAD_MONTHS_AT_MOST,
        }
    return problems


# --- a member's record ----------------------------------------------------------------------


def birth_date(day: dt.date, *, today: dt.date) -> str | None:
    if day > today:
        return _("出生日期 %(date)s 晚于今天（%(today)s）。") % {
            "date": day.isoformat(),
            "today": today.isoformat(),
        }
    if day < BORN_FROM:
        return _("出生日期 %(date)s 早于 %(floor)s，请核对。") % {
            "date": day.isoformat(),
            "floor": BORN_FROM.isoformat(),
        }
    return None


def _member_date(day: dt.date, *, label: Any, today: dt.date, birth: dt.date | None) -> str | None:
    """A date of a member's Party life: from the founding of the Party, after the birth, and
    not in the future."""
    if day > today:
        return _("%(label)s %(date)s 晚于今天（%(today)s）。") % {
            "label": label,
            "date": day.isoformat(),
            "today": today.isoformat(),
        }
    if day < PARTY_FOUNDED:
        return _("%(label)s %(date)s 早于中国共产党成立（%(founded)s）。") % {
            "label": label,
            "date": day.isoformat(),
            "founded": PARTY_FOUNDED.isoformat(),
        }
    if birth is not None and day < birth:
        return _("%(label)s %(date)s 早于出生日期 %(birth)s。") % {
            "label": label,
            "date": day.isoformat(),
            "birth": birth.isoformat(),
        }
    return None


def joined_party(joined: dt.date, *, birth: dt.date | None, today: dt.date) -> str | None:
    problem = _member_date(joined, label=JOINED, today=today, birth=birth)
    if problem:
        return problem
    if birth is not None and joined < adult_on(birth):
        return _(
            "入党日期 %(date)s 时未满 18 周岁（出生于 %(birth)s，%(adult)s 起年满 18 周岁）。"
        ) % {
            "date": joined.isoformat(),
            "birth": birth.isoformat(),
            "adult": adult_on(birth).isoformat(),
        }
    return None


def probation_ends(ends: dt.date, *, joined: dt.date | None) -> str | None:
    if ends < PARTY_FOUNDED:
        return _("预备期满日期 %(date)s 早于中国共产党成立（%(founded)s）。") % {
            "date": ends.isoformat(),
            "founded": PARTY_FOUNDED.isoformat(),
        }
    if joined is None:
        return None
    if ends < joined:
        return _("预备期满日期 %(date)s 早于入党日期 %(joined)s。") % {
            "date": ends.isoformat(),
            "joined": joined.isoformat(),
        }
    if ends > anniversary(joined, PROBATION_YEARS_AT_MOST):
        return _(
            "预备期满日期 %(date)s 距入党日期 %(joined)s 超过两年（预备期一年，最多延长一年）。"
        ) % {"date": ends.isoformat(), "joined": joined.isoformat()}
    return None


def id_number(value: str, *, birth: dt.date | None) -> str | None:
    """An 18-character resident ID number (GB 11643) with its check character, whose birth date
    is `birth` (when known). Empty is allowed.

    The pieces of python-stdnum's `cn.ric.validate`, but the region code only has to be one that
    has existed: `validate` wants it to exist in the year of birth, and a number first issued in
    1985 (when ID cards came) to someone born in 1950 carries the code of 1985.
    """
    if not value:
        return None
    number = ric.compact(value)
    if len(number) != 18:
        return _("身份证号应为 18 位（现为 %(n)d 位）。") % {"n": len(number)}
    if not number[:-1].isdigit() or not number[:-1].isascii() or number[-1] not in _ID_CHECK:
        return _("身份证号的前 17 位应为数字，最后一位为数字或 X。")
    if number[-1] != ric.calc_check_digit(number):
        return _("身份证号的校验位（最后一位）不正确，请核对号码。")
    try:
        coded = ric.get_birth_date(number)
    except InvalidComponent:
        return _("身份证号中的出生日期（第 7–14 位）不是有效日期。")
    if not _region_known(number[:6]):
        return _("身份证号的地区代码（前 6 位）%(code)s 不存在。") % {"code": number[:6]}
    if birth is not None and coded != birth:
        return _("身份证号中的出生日期 %(coded)s 与出生日期 %(birth)s 不一致。") % {
            "coded": coded.isoformat(),
            "birth": birth.isoformat(),
        }
    return None


def _region_known(code: str) -> bool:
    """A county-level code (first six digits) that python-stdnum's register has, in any year."""
    return any("county" in props for _part, props in numdb.get("cn/loc").info(code))


def id_number_normal(value: str) -> str:
    """The ID number as stored: no spaces or hyphens, an upper-case X."""
    return ric.compact(value) if value else value


def phone(value: str) -> str | None:
    """A mobile or landline number (without a country code, a Chinese one). Empty is allowed."""
    if not value:
        return None
    message = _("联系电话 %(value)s 不是有效的手机号码或固定电话号码。") % {"value": value[:20]}
    if not _PHONE_TEXT.fullmatch(value.strip()):
        return message
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return message
    if not phonenumbers.is_valid_number(number):
        return message
    if phonenumbers.number_type(number) not in _PHONE_TYPES:
        return message
    return None


def income(value: Decimal) -> str | None:
    if value < 0:
        return _("月收入不能为负数。")
    return None


# The member fields each check reads: a check runs when any of them changed.
MEMBER_CHECK_READS: dict[str, frozenset[str]] = {
    "birth_date": frozenset({"birth_date"}),
    "joined_party_on": frozenset({"joined_party_on", "birth_date"}),
    "probation_ends_on": frozenset({"probation_ends_on", "joined_party_on"}),
    "branch_since": frozenset({"branch_since", "birth_date"}),
    "left_on": frozenset({"left_on", "branch_since", "birth_date"}),
    "id_number": frozenset({"id_number", "birth_date"}),
    "phone": frozenset({"phone"}),
    "monthly_income": frozenset({"monthly_income"}),
}


def member(
    values: Mapping[str, Any], *, today: dt.date, changed: Iterable[str] | None = None
) -> dict[str, str]:
    """Check a member's fields; returns {field: message}, at most one message per field.

    `values` holds the member's record (absent keys and None/empty values are not checked). With
    `changed`, only the checks that read a changed field run: a record stored before a rule
    existed stays editable in its other fields.
    """
    changed = None if changed is None else set(changed)

    def wanted(field: str) -> bool:
        present = values.get(field) not in (None, "")
        return present and (changed is None or bool(MEMBER_CHECK_READS[field] & changed))

    birth = values.get("birth_date")
    if birth is not None and birth_date(birth, today=today):
        birth = None  # an implausible birth date is reported once, not compared with the others
    problems: dict[str, str | None] = {}
    if wanted("birth_date"):
        problems["birth_date"] = birth_date(values["birth_date"], today=today)
    if wanted("joined_party_on"):
        problems["joined_party_on"] = joined_party(
            values["joined_party_on"], birth=birth, today=today
        )
    if wanted("probation_ends_on"):
        problems["probation_ends_on"] = probation_ends(
            values["probation_ends_on"], joined=values.get("joined_party_on")
        )
    if wanted("branch_since"):
        problems["branch_since"] = _member_date(
            values["branch_since"], label=BRANCH_SINCE, today=today, birth=birth
        )
    if wanted("left_on"):
        left, since = values["left_on"], values.get("branch_since")
        problems["left_on"] = _member_date(left, label=LEFT_ON, today=today, birth=birth) or (
            _("离开本支部日期不能早于转入日期。") if since is not None and left < since else None
        )
    if wanted("id_number"):
        problems["id_number"] = id_number(values["id_number"], birth=birth)
    if wanted("phone"):
        problems["phone"] = phone(values["phone"])
    if wanted("monthly_income"):
        problems["monthly_income"] = income(values["monthly_income"])
    return {field: message for field, message in problems.items() if message}
