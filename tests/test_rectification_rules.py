"""The rectification ledger's rules (no database): closing needs evidence and ≥ 80 %."""

import datetime as dt
from decimal import Decimal

from scoring.rectification import close_problems, is_overdue, satisfaction_problem


def test_an_entry_with_evidence_and_exactly_80_percent_may_be_closed():
    assert close_problems(evidence="整改报告", satisfaction=Decimal("80")) == []


def test_79_9_percent_is_refused_with_the_figure():
    assert close_problems(evidence="整改报告", satisfaction=Decimal("79.9")) == [
        "群众满意度 79.9% 低于 80%，不能销号，请继续整改。"
    ]


def test_closing_without_evidence_or_satisfaction_names_both():
    assert close_problems(evidence="  ", satisfaction=None) == [
        "销号须先填写整改佐证材料。",
        "销号须先录入群众满意度测评结果。",
    ]


def test_an_open_entry_is_overdue_from_the_day_after_its_deadline():
    deadline = dt.date(2026, 6, 30)
    assert not is_overdue(deadline=deadline, closed_on=None, today=dt.date(2026, 6, 30))
    assert is_overdue(deadline=deadline, closed_on=None, today=dt.date(2026, 7, 1))
    assert not is_overdue(
        deadline=deadline, closed_on=dt.date(2026, 7, 5), today=dt.date(2026, 8, 1)
    )
    assert not is_overdue(deadline=None, closed_on=None, today=dt.date(2026, 8, 1))


def test_satisfaction_stays_between_0_and_100_with_one_decimal():
    assert satisfaction_problem(Decimal("100")) is None
    assert satisfaction_problem(Decimal("100.1")) == "群众满意度须在 0 至 100 之间。"
    assert satisfaction_problem(Decimal("-0.1")) is not None
    assert satisfaction_problem(Decimal("80.05")) == "群众满意度最多保留一位小数。"
    assert satisfaction_problem(None) is None
