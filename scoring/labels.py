"""How a scheme item's name is shown: a default name in the reader's language, a township's own
name as the township wrote it."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext

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
    if isinstance(value, int):
        value = dt.date(2000, value, 1)
    return formats.date_format(value, gettext("n月"))
