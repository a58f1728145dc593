"""The plausibility rules themselves (township/plausible.py): plain functions, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from stdnum.cn import ric

from township import plausible

TODAY = dt.date(2026, 6, 15)
D = dt.date


def valid_id(birth: dt.date, region: str = "370123", order: str = "123") -> str:
    body = f"{region}{birth:%Y%m%d}{order}"
    return body + ric.calc_check_digit(body + "0")


# --- records ----------------------------------------------------------------------------------


def test_a_record_dated_today_is_accepted():
    assert plausible.record_date(TODAY, today=TODAY) is None


def test_a_record_dated_tomorrow_is_refused():
    message = plausible.record_date(TODAY + dt.timedelta(days=1), today=TODAY)
    assert message == "日期 2026-06-16 晚于今天（2026-06-15），不能登记尚未发生的记录。"


def test_a_record_dated_on_the_first_day_of_2000_is_accepted():
    assert plausible.record_date(D(2000, 1, 1), today=TODAY) is None


def test_a_record_dated_on_the_last_day_of_1999_is_refused():
    message = plausible.record_date(D(1999, 12, 31), today=TODAY, label="会议日期")
    assert message == "会议日期 1999-12-31 早于 2000-01-01，不是有效的记录日期。"


def test_today_is_the_day_in_shanghai_not_in_utc():
    # 2026-06-15 17:00 UTC is already 16 June in Shanghai.
    with time_machine.travel(dt.datetime(2026, 6, 15, 17, 0, tzinfo=dt.UTC), tick=False):
        assert plausible.today() == D(2026, 6, 16)


def test_a_month_record_for_this_month_is_accepted_and_next_month_refused():
    assert plausible.record_month(D(2026, 6, 1), today=TODAY) is None
    assert plausible.record_month(D(2026, 7, 1), today=TODAY) == (
        "月份 2026-07 尚未到来，不能登记该月的记录。"
    )


def test_a_month_record_before_2000_is_refused():
    assert plausible.record_month(D(2000, 1, 1), today=TODAY) is None
    assert plausible.record_month(D(1999, 12, 1), today=TODAY) == (
        "月份 1999-12 早于 2000-01，不是有效的记录月份。"
    )


def test_a_year_record_for_next_year_is_refused():
    assert plausible.record_year(2026, today=TODAY) is None
    assert plausible.record_year(2027, today=TODAY) == "年度 2027 尚未到来，不能登记该年的记录。"
    assert plausible.record_year(2000, today=TODAY) is None
    assert plausible.record_year(1999, today=TODAY) == (
        "年度 1999 早于 2000 年，不是有效的记录年度。"
    )


# --- dues -------------------------------------------------------------------------------------


def test_dues_paid_today_for_a_month_twelve_months_ahead_are_accepted():
    assert plausible.dues(month=D(2027, 6, 1), paid_on=TODAY, today=TODAY) == {}


def test_dues_for_a_month_thirteen_months_ahead_are_refused():
    problems = plausible.dues(month=D(2027, 7, 1), paid_on=TODAY, today=TODAY)
    assert problems == {
        "month": "所属月份 2027-07 比交纳日期 2026-06-15 晚 12 个月以上：党费最多预交 12 个月。"
    }


def test_dues_paid_tomorrow_are_refused_even_for_this_month():
    problems = plausible.dues(month=D(2026, 6, 1), paid_on=D(2026, 6, 16), today=TODAY)
    assert problems == {
        "paid_on": "交纳日期 2026-06-16 晚于今天（2026-06-15），不能登记尚未发生的记录。"
    }


def test_dues_for_a_month_before_2000_are_refused():
    assert plausible.dues(month=D(2000, 1, 1), paid_on=D(2000, 1, 1), today=TODAY) == {}
    problems = plausible.dues(month=D(1999, 12, 1), paid_on=D(2000, 1, 1), today=TODAY)
    assert problems == {"month": "所属月份 1999-12 早于 2000-01，不是有效的记录月份。"}


# --- a member's dates -------------------------------------------------------------------------


def test_birth_dates_from_1900_up_to_today_are_accepted():
    assert plausible.birth_date(D(1900, 1, 1), today=TODAY) is None
    assert plausible.birth_date(TODAY, today=TODAY) is None
    assert plausible.birth_date(D(1899, 12, 31), today=TODAY) == (
        "出生日期 1899-12-31 早于 1900-01-01，请核对。"
    )
    assert plausible.birth_date(D(2026, 6, 16), today=TODAY) == (
        "出生日期 2026-06-16 晚于今天（2026-06-15）。"
    )


def test_joining_on_the_18th_birthday_is_accepted():
    assert plausible.joined_party(D(1988, 3, 5), birth=D(1970, 3, 5), today=TODAY) is None


def test_joining_one_day_before_the_18th_birthday_is_refused():
    message = plausible.joined_party(D(1988, 3, 4), birth=D(1970, 3, 5), today=TODAY)
    assert message == (
        "入党日期 1988-03-04 时未满 18 周岁（出生于 1970-03-05，1988-03-05 起年满 18 周岁）。"
    )


def test_someone_born_on_29_february_turns_18_on_1_march():
    birth = D(1972, 2, 29)
    assert plausible.adult_on(birth) == D(1990, 3, 1)
    assert plausible.joined_party(D(1990, 2, 28), birth=birth, today=TODAY) is not None
    assert plausible.joined_party(D(1990, 3, 1), birth=birth, today=TODAY) is None


def test_joining_before_the_party_was_founded_is_refused():
    assert plausible.joined_party(D(1921, 7, 1), birth=None, today=TODAY) is None
    assert plausible.joined_party(D(1921, 6, 30), birth=None, today=TODAY) == (
        "入党日期 1921-06-30 早于中国共产党成立（1921-07-01）。"
    )


def test_joining_tomorrow_is_refused():
    assert plausible.joined_party(TODAY, birth=None, today=TODAY) is None
    assert plausible.joined_party(D(2026, 6, 16), birth=None, today=TODAY) == (
        "入党日期 2026-06-16 晚于今天（2026-06-15）。"
    )


def test_probation_ends_at_most_two_years_after_joining_and_not_before():
    joined = D(2025, 7, 1)
    assert plausible.probation_ends(D(2027, 7, 1), joined=joined) is None
    assert plausible.probation_ends(D(2027, 7, 2), joined=joined) == (
        "预备期满日期 2027-07-02 距入党日期 2025-07-01 超过两年（预备期一年，最多延长一年）。"
    )
    assert plausible.probation_ends(joined, joined=joined) is None
    assert plausible.probation_ends(D(2025, 6, 30), joined=joined) == (
        "预备期满日期 2025-06-30 早于入党日期 2025-07-01。"
    )


def test_member_dates_report_each_field_once():
    values = {
        "birth_date": D(1980, 1, 1),
        "joined_party_on": D(1997, 12, 31),
        "branch_since": D(1979, 12, 31),
        "left_on": D(2026, 6, 16),
    }
    problems = plausible.member(values, today=TODAY)
    assert problems == {
        "joined_party_on": (
            "入党日期 1997-12-31 时未满 18 周岁（出生于 1980-01-01，1998-01-01 起年满 18 周岁）。"
        ),
        "branch_since": "转入本支部日期 1979-12-31 早于出生日期 1980-01-01。",
        "left_on": "离开本支部日期 2026-06-16 晚于今天（2026-06-15）。",
    }


def test_leaving_before_arriving_is_refused():
    values = {"branch_since": D(2020, 5, 2), "left_on": D(2020, 5, 1)}
    assert plausible.member(values, today=TODAY) == {"left_on": "离开本支部日期不能早于转入日期。"}
    values["left_on"] = D(2020, 5, 2)
    assert plausible.member(values, today=TODAY) == {}


def test_only_checks_reading_a_changed_field_run():
    values = {"birth_date": D(1980, 1, 1), "joined_party_on": D(1990, 1, 1), "phone": "12"}
    assert set(plausible.member(values, today=TODAY)) == {"joined_party_on", "phone"}
    assert set(plausible.member(values, today=TODAY, changed={"phone"})) == {"phone"}
    assert set(plausible.member(values, today=TODAY, changed={"birth_date"})) == {"joined_party_on"}


# --- ID number, phone, income -----------------------------------------------------------------


def test_a_valid_id_number_matching_the_birth_date_is_accepted():
    birth = D(1970, 1, 1)
    assert plausible.id_number(valid_id(birth), birth=birth) is None
    assert plausible.id_number(valid_id(birth), birth=None) is None


def test_an_id_number_with_a_wrong_check_character_is_refused():
    number = valid_id(D(1970, 1, 1))
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert (
        plausible.id_number(wrong, birth=None) == "身份证号的校验位（最后一位）不正确，请核对号码。"
    )


def test_an_id_number_of_another_birth_date_is_refused():
    number = valid_id(D(1970, 1, 2))
    assert plausible.id_number(number, birth=D(1970, 1, 1)) == (
        "身份证号中的出生日期 1970-01-02 与出生日期 1970-01-01 不一致。"
    )


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("37012319700101123", "身份证号应为 18 位（现为 17 位）。"),
        ("370123197001011234X", "身份证号应为 18 位（现为 19 位）。"),
        ("37012319700101A234", "身份证号的前 17 位应为数字，最后一位为数字或 X。"),
        ("370123197013011234", None),  # a 13th month: replaced below with its check character
    ],
)
def test_malformed_id_numbers_are_refused(number, message):
    if message is None:
        number = number[:-1] + ric.calc_check_digit(number)
        message = "身份证号中的出生日期（第 7–14 位）不是有效日期。"
    assert plausible.id_number(number, birth=None) == message


def test_an_id_number_of_an_unknown_region_is_refused():
    number = valid_id(D(1970, 1, 1), region="999999")
    assert plausible.id_number(number, birth=None) == "身份证号的地区代码（前 6 位）999999 不存在。"


def test_an_id_number_issued_under_a_region_code_younger_than_its_holder_is_accepted():
    # 370124 (平阴县) exists since 1985; ID cards came in 1985, to people of every age.
    birth = D(1950, 3, 1)
    assert plausible.id_number(valid_id(birth, region="370124"), birth=birth) is None


def test_id_number_x_is_stored_upper_case():
    assert plausible.id_number_normal(" 11010519491231002x ") == "11010519491231002X"
    assert plausible.id_number("11010519491231002x", birth=D(1949, 12, 31)) is None


@pytest.mark.parametrize(
    "number", ["13800138000", "138 0013 8000", "+86 138 0013 8000", "0531-88888888", "010-12345678"]
)
def test_mobile_and_landline_numbers_are_accepted(number):
    assert plausible.phone(number) is None


@pytest.mark.parametrize("number", ["12345", "88888888", "138ABCD1234", "4008123123", "1380013800"])
def test_other_phone_numbers_are_refused(number):
    assert plausible.phone(number) == (f"联系电话 {number} 不是有效的手机号码或固定电话号码。")


def test_a_negative_income_is_refused_and_zero_accepted():
    assert plausible.income(Decimal("0")) is None
    assert plausible.income(Decimal("-0.01")) == "月收入不能为负数。"
