"""The organisation's rules as plain functions: reserve cadres, liaison duties, classification,
demonstration villages (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from branches import org_rules as r
from branches.org_rules import GuestVisit

D = Decimal


# --- reserve cadres --------------------------------------------------------------------------


def test_a_reserve_cadre_of_exactly_50_does_not_count():
    assert r.age_on(dt.date(1976, 6, 15), dt.date(2026, 6, 15)) == 50
    assert not r.reserve_counts(dt.date(1976, 6, 15), dt.date(2026, 6, 15))


def test_a_reserve_cadre_one_day_short_of_50_counts():
    assert r.age_on(dt.date(1976, 6, 15), dt.date(2026, 6, 14)) == 49
    assert r.reserve_counts(dt.date(1976, 6, 15), dt.date(2026, 6, 14))


@pytest.mark.parametrize(
    "day",
    [dt.date(2026, 6, 14), dt.date(2026, 6, 15), dt.date(2026, 2, 28), dt.date(2026, 3, 1),
     dt.date(2028, 2, 29), dt.date(2028, 2, 28), dt.date(2028, 3, 1)],
)  # fmt: skip
def test_the_birth_cutoff_agrees_with_the_age_rule(day):
    """The set-based form (born after the cutoff) gives the same answer as `reserve_counts`
    for births around the cutoff, 29 February included."""
    cutoff = r.reserve_birth_cutoff(day)
    for delta in range(-3, 4):
        birth = cutoff + dt.timedelta(days=delta)
        assert (birth > cutoff) == r.reserve_counts(birth, day), (day, birth)
    for birth in (dt.date(1976, 2, 29), dt.date(1978, 2, 28), dt.date(1978, 3, 1)):
        assert (birth > cutoff) == r.reserve_counts(birth, day), (day, birth)


@pytest.mark.parametrize(
    ("count", "shortfall", "excess"),
    [(0, 2, 0), (1, 1, 0), (2, 0, 0), (3, 0, 0), (4, 0, 1)],
)
def test_a_village_needs_two_to_three_reserve_cadres(count, shortfall, excess):
    assert r.reserve_shortfall(count) == shortfall
    assert r.reserve_excess(count) == excess


def test_the_one_shoulder_rate_meets_its_target_only_at_100_percent():
    assert r.percent(3, 3) == D("100.00")
    assert r.target_met(r.percent(3, 3), r.ONE_SHOULDER_TARGET)
    assert r.percent(2, 3) == D("66.67")
    assert not r.target_met(r.percent(2, 3), r.ONE_SHOULDER_TARGET)
    assert r.percent(1, 0) is None and not r.target_met(None, r.ONE_SHOULDER_TARGET)


# --- liaison duties --------------------------------------------------------------------------


def test_odd_quarters_ask_for_a_themed_day_and_even_ones_for_a_lecture():
    assert [r.liaison_obligation(q) for q in (1, 2, 3, 4)] == [
        "themed_day",
        "lecture",
        "themed_day",
        "lecture",
    ]


def test_a_themed_day_on_the_last_day_of_q1_meets_q1_and_one_a_day_later_does_not():
    on_time = GuestVisit(dt.date(2026, 3, 31), "themed_day", False)
    late = GuestVisit(dt.date(2026, 4, 1), "themed_day", False)
    assert r.liaison_quarter_met([on_time], year=2026, quarter=1)
    assert not r.liaison_quarter_met([late], year=2026, quarter=1)


def test_attending_a_lecture_without_giving_it_does_not_meet_q2():
    listened = GuestVisit(dt.date(2026, 5, 10), "lecture", False)
    gave = GuestVisit(dt.date(2026, 5, 10), "lecture", True)
    themed = GuestVisit(dt.date(2026, 5, 5), "themed_day", False)
    assert not r.liaison_quarter_met([listened, themed], year=2026, quarter=2)
    assert r.liaison_quarter_met([gave], year=2026, quarter=2)


def test_a_lecture_does_not_meet_the_themed_day_of_q3():
    gave = GuestVisit(dt.date(2026, 8, 10), "lecture", True)
    assert not r.liaison_quarter_met([gave], year=2026, quarter=3)


def test_an_unmet_quarter_is_open_until_its_last_day_has_passed():
    status = r.liaison_quarter_status
    assert status([], year=2026, quarter=4, today=dt.date(2026, 12, 31)) == r.OPEN
    assert status([], year=2026, quarter=4, today=dt.date(2027, 1, 1)) == r.UNMET
    gave = GuestVisit(dt.date(2026, 12, 1), "lecture", True)
    assert status([gave], year=2026, quarter=4, today=dt.date(2026, 12, 2)) == r.MET


# --- classification --------------------------------------------------------------------------


def test_the_sheet_has_six_aspects_of_three_indicators_and_100_points():
    assert [(a.label, a.points) for a in r.ASPECTS] == [
        ("班子建设", 20),
        ("队伍建设", 15),
        ("阵地建设", 15),
        ("工作机制", 15),
        ("工作业绩", 20),
        ("民主测评", 15),
    ]
    assert all(len(a.indicators) == 3 for a in r.ASPECTS)
    assert len(r.INDICATORS) == 18 and r.SHEET_POINTS == 100


@pytest.mark.parametrize(
    ("total", "grade"),
    [("100", "advanced"), ("85", "advanced"), ("84.99", "average"), ("70", "average"),
     ("69.99", "lagging"), ("0", "lagging")],
)  # fmt: skip
def test_classification_thresholds(total, grade):
    assert r.classification_grade(D(total)) == grade


def full_marks() -> dict[str, Decimal]:
    return {code: i.max_points for code, i in r.INDICATORS.items()}


def test_the_total_sums_all_eighteen_indicators():
    points = full_marks()
    assert r.classification_total(points) == D(100)
    points["A1"] = D("5.99")  # 7 → 5.99
    assert r.classification_total(points) == D("98.99")
    del points["F3"]
    with pytest.raises(ValueError):
        r.classification_total(points)


def test_an_indicator_takes_exactly_its_maximum_and_not_a_cent_more():
    assert r.indicator_problem("A1", D("7")) is None
    assert (
        r.indicator_problem("A1", D("7.01")) == "“班子结构合理、团结协作”的得分须在 0 至 7 分之间。"
    )
    assert r.indicator_problem("B1", D("5")) is None
    assert r.indicator_problem("B1", D("5.01")) is not None
    assert r.indicator_problem("B1", D("-0.01")) is not None
    assert r.indicator_problem("B1", D("4.999")) == "“党员发展与教育管理”的得分最多保留两位小数。"
    assert r.indicator_problem("Z9", D("1")) == "没有指标“Z9”。"


def test_the_shares_against_the_targets_at_their_boundaries():
    # 6 of 10 advanced (60 %: met), 3 average (30 %: met).
    grades = ["advanced"] * 6 + ["average"] * 3 + ["lagging"]
    s = r.classification_shares(grades)
    assert s.shares == {"advanced": D("60.00"), "average": D("30.00"), "lagging": D("10.00")}
    assert s.advanced_met and s.average_met
    # One advanced village fewer: 50 % and 40 %.
    s = r.classification_shares(["advanced"] * 5 + ["average"] * 4 + ["lagging"])
    assert not s.advanced_met and s.average_met
    # 59.xx % is short of 60 %.
    s = r.classification_shares(["advanced"] * 13 + ["average"] * 7 + ["lagging"] * 2)
    assert s.shares["advanced"] == D("59.09") and not s.advanced_met
    assert s.shares["average"] == D("31.82") and s.average_met
    s = r.classification_shares(["advanced"] * 7 + ["average"] * 2 + ["lagging"])
    assert s.shares["average"] == D("20.00") and not s.average_met
    assert r.classification_shares([]).shares["advanced"] is None


# --- demonstration villages ------------------------------------------------------------------


def all_met() -> dict[int, tuple[bool, str]]:
    return {n: (True, f"佐证{n}") for n in r.STANDARD_NUMBERS}


def test_a_demonstration_village_meets_all_ten_standards_with_evidence():
    assert r.is_model_village(all_met())
    nine = all_met() | {10: (False, "")}
    assert not r.is_model_village(nine)
    without = all_met() | {3: (True, "  ")}
    assert not r.is_model_village(without)
    assert not r.is_model_village({})


def test_a_standard_ticked_without_evidence_is_refused_with_its_name():
    assert r.standard_problem(3, met=True, evidence="") == (
        "第 3 条标准“组织生活落实到位”达标须填写佐证材料。"
    )
    assert r.standard_problem(3, met=False, evidence="") is None
    assert r.standard_problem(3, met=True, evidence="会议记录") is None


def test_the_model_village_share_meets_ten_percent_exactly_and_not_below():
    assert r.percent(1, 10) == D("10.00")
    assert r.target_met(r.percent(1, 10), r.MODEL_VILLAGE_TARGET)
    assert r.percent(1, 11) == D("9.09")
    assert not r.target_met(r.percent(1, 11), r.MODEL_VILLAGE_TARGET)
