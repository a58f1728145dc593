"""How a scheme item's name is shown: a default name in the reader's language, a township's own
name as the township wrote it."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils import formats
from django.utils.translation import get_language, gettext

from scoring import engine


def item_label(code: str, label: str | None = None) -> str:
    """The name to show for item `code` whose scheme stores `label` (None: the default).

    Schemes store their labels in Chinese, as the office sees them. A label still equal to the
    default is the default's translation; a label the township changed is its own text, shown
    as written in every language.
    """
    default = engine.DEFAULT_LABELS.get(code)
    if label is None or label == default:
        return gettext(default) if default is not None else code
    return label


def month_label(value: dt.date | int) -> str:
    """A month's short name: 11月 in Chinese, Nov in English; `value` is a date or 1–12."""
    return _month_label(value if isinstance(value, int) else value.month, get_language())


@lru_cache(maxsize=64)
def _month_label(month: int, language: str | None) -> str:
    # A name, not a figure: the same for every request in a language (a year grid shows one per
    # cell header and row, and formatting a date costs tens of microseconds).
    return formats.date_format(dt.date(2000, month, 1), gettext("n月"))
