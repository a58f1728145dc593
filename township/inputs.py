"""Bounded reading of input: text without control characters, dates the app can compute with,
and URL parameters that fall back to their default instead of failing.

Every form of the project mixes in `BoundedInputMixin`; the JSON importer applies the same text
and date checks. The window of dates here only keeps arithmetic safe (`date + timedelta`, the
year after, the quarter's end); which dates are plausible for a record is a narrower rule of
its own.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# C0 and C1 controls, DEL, and UTF-16 surrogates (they cannot be stored as UTF-8); tab, line
# feed and carriage return are allowed only where a text may span lines.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

# Any date outside these years is refused before it is used: wide enough for every record
# (birth dates included), narrow enough that no date arithmetic can overflow.
DATE_YEAR_MIN, DATE_YEAR_MAX = 1800, 2200

# A query parameter longer than this is not read at all.
MAX_QUERY_CHARS = 100

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_ID = re.compile(r"[0-9]{1,18}")


def control_character(text: str, *, multiline: bool = True) -> str | None:
    """The first control character of `text` as `U+0000`, or None when there is none."""
    match = (_CONTROL if multiline else _CONTROL_OR_BREAK).search(text)
    return None if match is None else f"U+{ord(match.group()):04X}"


def reject_control_characters(value: str) -> None:
    """Form validator of texts that may span lines (a textarea)."""
    _reject(value, multiline=True)


def reject_control_characters_single_line(value: str) -> None:
    """Form validator of one-line texts: line breaks and tabs are refused too."""
    _reject(value, multiline=False)


def _reject(value: str, *, multiline: bool) -> None:
    found = control_character(str(value), multiline=multiline)
    if found is not None:
        raise ValidationError(
            gettext_lazy("不能包含控制字符（%(char)s）。"),
            code="control_character",
            params={"char": found},
        )


def date_in_range(day: dt.date) -> bool:
    return DATE_YEAR_MIN <= day.year <= DATE_YEAR_MAX


def reject_date_out_of_range(value: dt.date) -> None:
    if isinstance(value, dt.date) and not date_in_range(value):
        raise ValidationError(
            gettext_lazy("日期超出可处理的范围（%(low)d 至 %(high)d 年）。"),
            code="date_out_of_range",
            params={"low": DATE_YEAR_MIN, "high": DATE_YEAR_MAX},
        )


class BoundedInputMixin:
    """Every form's fields, bounded: texts refuse control characters, dates stay in the window.

    Django's own fields already refuse NUL in texts, non-finite decimals and integers longer
    than Python reads; this adds the rest to whatever fields the form has when it is cleaned
    (also those a form adds in its `__init__`). Mixed into every form of the project
    (`tests/test_hostile.py` checks it).
    """

    def full_clean(self):
        for field in self.fields.values():
            bound_field(field)
        super().full_clean()


def bound_field(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):  # ModelMultipleChoiceField too
        _bound_model_choice(field)
    elif isinstance(field, forms.CharField):
        multiline = isinstance(field.widget, forms.Textarea)
        validator = (
            reject_control_characters if multiline else reject_control_characters_single_line
        )
        if validator not in field.validators:
            field.validators.append(validator)
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        if reject_date_out_of_range not in field.validators:
            field.validators.append(reject_date_out_of_range)


def _bound_model_choice(field: forms.ModelChoiceField) -> None:
    """Choices of rows with integer keys accept only ids of at most 18 digits.

    Django looks each posted value up in the database; a longer number overflows SQLite's
    integers in the `__in` lookup of a multiple choice, which would answer 500.
    """
    if getattr(field, "_ids_bounded", False):
        return
    meta = field.queryset.model._meta
    key = meta.get_field(field.to_field_name) if field.to_field_name else meta.pk
    if not isinstance(key, models.IntegerField):  # BigAutoField and AutoField are ones too
        return
    original = field.clean

    def clean(value):
        values = value if isinstance(value, list | tuple) else [value]
        for one in values:
            # Posted values are text; a disabled field cleans its initial value (a row).
            if isinstance(one, str) and one.strip() and not _ID.fullmatch(one.strip()):
                raise ValidationError(
                    field.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(one)[:40]},
                )
        return original(value)

    field.clean = clean
    field._ids_bounded = True


# --- URL parameters --------------------------------------------------------------------------


def query_text(request, key: str, *, max_length: int = MAX_QUERY_CHARS) -> str:
    """A text parameter, stripped; one with control characters or too long warns and is ""."""
    value = request.GET.get(key, "")
    if len(value) > max_length or control_character(value, multiline=False):
        messages.warning(request, _("查询条件无效（过长或含控制字符），已忽略。"))
        return ""
    return value.strip()


def query_month(request, key: str = "month") -> dt.date | None:
    """`?month=YYYY-MM` as the month's first day; None when absent. A month that does not parse
    or lies outside the window warns and counts as absent."""
    value = request.GET.get(key, "")
    if not value:
        return None
    month = parse_month(value)
    if month is None:
        messages.warning(
            request,
            _("无法识别月份“%(value)s”（应为 YYYY-MM，%(low)d 至 %(high)d 年），已显示全部月份。")
            % {"value": value[:20], "low": DATE_YEAR_MIN, "high": DATE_YEAR_MAX},
        )
    return month


def parse_month(value: str) -> dt.date | None:
    """A `YYYY-MM` text as the month's first day, or None; shape and window before conversion."""
    match = _MONTH.fullmatch(value) if len(value) == 7 else None
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (DATE_YEAR_MIN <= year <= DATE_YEAR_MAX and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def is_object_id(value: str) -> bool:
    """Whether a parameter can name a row: ASCII digits, no longer than a 64-bit id."""
    return _ID.fullmatch(value) is not None


def query_year(request, default: int, key: str = "year") -> int:
    """`?year=YYYY` between 2000 and 2100; anything else warns and gives `default`."""
    value = request.GET.get(key, "")
    if not value:
        return default
    if len(value) == 4 and value.isascii() and value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    messages.warning(
        request,
        _("无法识别年度“%(value)s”（应为 2000 至 2100 的年份），已显示 %(y)d 年。")
        % {"value": value[:20], "y": default},
    )
    return default
