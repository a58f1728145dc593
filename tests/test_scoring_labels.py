"""Scheme item names: the defaults follow the reader's language, a township's own names do not."""

from __future__ import annotations

from django.utils import translation

from scoring.labels import item_label


def test_a_default_name_is_shown_in_the_readers_language():
    with translation.override("en"):
        assert item_label("F9") == "Dues collection"
        assert item_label("F9", "党费收缴") == "Dues collection"
    with translation.override("zh-hans"):
        assert item_label("F9", "党费收缴") == "党费收缴"


def test_a_name_the_township_changed_is_shown_as_written():
    with translation.override("en"):
        assert item_label("F9", "党费按月收缴") == "党费按月收缴"


def test_an_unknown_code_shows_its_label_or_the_code():
    assert item_label("X1", "自定义") == "自定义"
    assert item_label("X1") == "X1"


def test_months_are_named_in_the_readers_language():
    import datetime as dt

    from scoring.templatetags.scoring_tags import month_short

    with translation.override("en"):
        assert month_short(dt.date(2026, 11, 30)) == "Nov"
        assert month_short(12) == "Dec"
    with translation.override("zh-hans"):
        assert month_short(dt.date(2026, 1, 1)) == "1月"
        assert month_short(12) == "12月"
