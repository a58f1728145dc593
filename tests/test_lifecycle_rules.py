"""The life-cycle rules (members/lifecycle.py) on constructed data with known answers; no
database."""

from __future__ import annotations

import datetime as dt

import pytest

from members import lifecycle as lc

D = dt.date
TODAY = D(2026, 11, 30)
COMMITTEE = lc.MeetingFacts(date=D(2026, 3, 2), type="committee", branch_id=1)


def general(day: dt.date) -> lc.MeetingFacts:
    return lc.MeetingFacts(date=day, type="general", branch_id=1)


ACTIVIST_SINCE, TRAINED = D(2025, 3, 2), (D(2025, 6, 1),)
ADMITTED, DECLARED = D(2025, 5, 10), D(2026, 1, 10)


def candidacy(day: dt.date, *, since=ACTIVIST_SINCE, trainings=TRAINED, **kw):
    meeting = kw.pop("meeting", lc.MeetingFacts(date=day, type="committee", branch_id=1))
    return lc.StepRequest(
        name="李娜",
        branch_id=1,
        current_stage=lc.ACTIVIST,
        history={lc.APPLICANT: D(2024, 10, 1), lc.ACTIVIST: since},
        stage=lc.CANDIDATE,
        date=day,
        meeting=meeting,
        notice_start=kw.pop("notice_start", day - dt.timedelta(days=6)),
        notice_end=kw.pop("notice_end", day - dt.timedelta(days=2)),
        activist_trainings=trainings,
        **kw,
    )


def full(day: dt.date, *, since=ADMITTED):
    return lc.StepRequest(
        name="王强",
        branch_id=1,
        current_stage=lc.PROBATIONARY,
        history={lc.APPLICANT: D(2022, 1, 5), lc.PROBATIONARY: since},
        stage=lc.FULL,
        date=day,
        meeting=general(day),
        notice_start=day - dt.timedelta(days=10),
        notice_end=day - dt.timedelta(days=1),
    )


def admission(day: dt.date, *, declared=DECLARED, **kw):
    return lc.StepRequest(
        name="赵敏",
        branch_id=1,
        current_stage=lc.CANDIDATE,
        history={lc.CANDIDATE: D(2025, 12, 1)},
        stage=lc.PROBATIONARY,
        date=day,
        meeting=kw.pop("meeting", general(day)),
        notice_start=day - dt.timedelta(days=8),
        notice_end=day - dt.timedelta(days=1),
        kinship_declared_on=declared,
        **kw,
    )


# --- one year ------------------------------------------------------------------------------------


def test_one_year_after_is_the_same_day_next_year():
    assert lc.one_year_after(D(2025, 3, 2)) == D(2026, 3, 2)


def test_one_year_after_29_february_is_28_february():
    assert lc.one_year_after(D(2024, 2, 29)) == D(2025, 2, 28)


def test_one_year_after_28_february_before_a_leap_year_is_28_february():
    assert lc.one_year_after(D(2023, 2, 28)) == D(2024, 2, 28)


# --- candidacy: a year as activist, with training -------------------------------------------------


def test_candidacy_exactly_one_year_after_activist_is_allowed():
    assert lc.step_problems(candidacy(D(2026, 3, 2)), today=TODAY) == {}


def test_candidacy_one_day_short_of_a_year_is_refused_with_the_earliest_day():
    problems = lc.step_problems(candidacy(D(2026, 3, 1)), today=TODAY)
    assert problems == {
        "date": "李娜 于 2025-03-02 列为入党积极分子，培养教育须满一年，"
        "最早 2026-03-02 才能确定为发展对象。"
    }


def test_candidacy_of_an_activist_since_29_february_is_allowed_on_28_february():
    req = candidacy(D(2025, 2, 28), since=D(2024, 2, 29), trainings=(D(2024, 5, 1),))
    assert lc.step_problems(req, today=TODAY) == {}


def test_candidacy_of_an_activist_since_29_february_is_refused_on_27_february():
    req = candidacy(D(2025, 2, 27), since=D(2024, 2, 29), trainings=(D(2024, 5, 1),))
    assert "最早 2025-02-28" in lc.step_problems(req, today=TODAY)["date"]


def test_candidacy_without_activist_training_is_refused():
    problems = lc.step_problems(candidacy(D(2026, 3, 2), trainings=()), today=TODAY)
    assert problems == {
        "date": "李娜 列为入党积极分子以来没有参加过入党积极分子培训，不能确定为发展对象。"
    }


def test_activist_training_before_becoming_activist_does_not_count():
    problems = lc.step_problems(candidacy(D(2026, 3, 2), trainings=(D(2025, 3, 1),)), today=TODAY)
    assert "没有参加过入党积极分子培训" in problems["date"]


def test_activist_training_on_the_day_of_becoming_activist_counts():
    assert lc.step_problems(candidacy(D(2026, 3, 2), trainings=(D(2025, 3, 2),)), today=TODAY) == {}


# --- probation ------------------------------------------------------------------------------------


def test_full_membership_exactly_one_year_after_admission_is_allowed():
    assert lc.step_problems(full(D(2026, 5, 10)), today=TODAY) == {}


def test_full_membership_one_day_short_of_the_probation_is_refused():
    problems = lc.step_problems(full(D(2026, 5, 9)), today=TODAY)
    assert problems == {
        "date": "王强 于 2025-05-10 接收为预备党员，预备期一年，最早 2026-05-10 才能转为正式党员。"
    }


def test_probation_from_29_february_ends_on_28_february():
    assert lc.step_problems(full(D(2025, 2, 28), since=D(2024, 2, 29)), today=TODAY) == {}
    assert "date" in lc.step_problems(full(D(2025, 2, 27), since=D(2024, 2, 29)), today=TODAY)


def test_probation_is_overdue_from_the_day_after_it_ends():
    assert lc.probation_overdue(ends_on=D(2026, 5, 10), today=D(2026, 5, 10)) is False
    assert lc.probation_overdue(ends_on=D(2026, 5, 10), today=D(2026, 5, 11)) is True


# --- kinship, meeting, notice, order ------------------------------------------------------------


def test_admission_without_kinship_declaration_is_refused():
    problems = lc.step_problems(admission(D(2026, 6, 1), declared=None), today=TODAY)
    assert problems == {
        "kinship": "接收赵敏为预备党员前，须先完成亲属关系报备"
        "（三代以内亲属在村“两委”任职的情况）。"
    }


def test_admission_with_a_declaration_on_the_same_day_is_allowed():
    assert lc.step_problems(admission(D(2026, 6, 1), declared=D(2026, 6, 1)), today=TODAY) == {}


def test_admission_with_a_declaration_made_the_day_after_is_refused():
    problems = lc.step_problems(admission(D(2026, 6, 1), declared=D(2026, 6, 2)), today=TODAY)
    assert set(problems) == {"kinship"}


def test_admission_needs_the_general_meeting():
    meeting = lc.MeetingFacts(date=D(2026, 6, 1), type="committee", branch_id=1)
    problems = lc.step_problems(admission(D(2026, 6, 1), meeting=meeting), today=TODAY)
    assert problems == {"meeting": "接收预备党员和预备党员转正须由支部党员大会讨论决定。"}


def test_a_deciding_meeting_of_another_branch_is_refused():
    meeting = lc.MeetingFacts(date=D(2026, 6, 1), type="general", branch_id=2)
    problems = lc.step_problems(admission(D(2026, 6, 1), meeting=meeting), today=TODAY)
    assert problems == {"meeting": "决定会议须是本人所在支部的会议。"}


def test_a_decided_step_without_a_meeting_is_refused():
    problems = lc.step_problems(admission(D(2026, 6, 1), meeting=None), today=TODAY)
    assert problems == {"meeting": "“接收为预备党员”须选择作出决定的支部会议。"}


def test_a_meeting_after_the_step_is_refused():
    problems = lc.step_problems(
        admission(D(2026, 6, 1), meeting=general(D(2026, 6, 2))), today=TODAY
    )
    assert problems["meeting"] == "决定会议的日期 2026-06-02 晚于本步骤的日期 2026-06-01。"


def test_a_notice_of_exactly_five_days_is_enough():
    req = candidacy(D(2026, 3, 10), notice_start=D(2026, 3, 1), notice_end=D(2026, 3, 5))
    assert lc.step_problems(req, today=TODAY) == {}


def test_a_notice_of_four_days_is_refused():
    req = candidacy(D(2026, 3, 10), notice_start=D(2026, 3, 1), notice_end=D(2026, 3, 4))
    assert lc.step_problems(req, today=TODAY) == {"notice_end": "公示期只有 4 天，不少于 5 天。"}


def test_a_notice_ending_on_the_day_of_the_decision_is_allowed_the_day_after_is_not():
    ok = candidacy(D(2026, 3, 10), notice_start=D(2026, 3, 6), notice_end=D(2026, 3, 10))
    late = candidacy(D(2026, 3, 10), notice_start=D(2026, 3, 7), notice_end=D(2026, 3, 11))
    assert lc.step_problems(ok, today=TODAY) == {}
    assert set(lc.step_problems(late, today=TODAY)) == {"notice_end"}


def test_a_step_that_needs_a_notice_without_one_is_refused():
    req = candidacy(D(2026, 3, 10), notice_start=None, notice_end=None)
    assert lc.step_problems(req, today=TODAY) == {
        "notice_start": "“确定为发展对象”须经公示，请填写公示起止日期。"
    }


def test_steps_cannot_be_skipped():
    req = candidacy(D(2026, 3, 10))
    skipping = lc.StepRequest(**{**req.__dict__, "current_stage": lc.APPLICANT})
    assert lc.step_problems(skipping, today=TODAY) == {
        "stage": "李娜 的下一步是“列为入党积极分子”，不能直接进入“确定为发展对象”。"
    }


def test_a_step_today_is_allowed_tomorrow_is_refused():
    application = lc.StepRequest(
        name="甲", branch_id=1, current_stage=None, history={}, stage=lc.APPLICANT, date=TODAY
    )
    assert lc.step_problems(application, today=TODAY) == {}
    tomorrow = lc.StepRequest(**{**application.__dict__, "date": TODAY + dt.timedelta(days=1)})
    assert "晚于今天" in lc.step_problems(tomorrow, today=TODAY)["date"]


def test_a_step_before_the_previous_one_is_refused():
    req = candidacy(D(2026, 3, 2))
    earlier = lc.StepRequest(**{**req.__dict__, "history": {lc.ACTIVIST: D(2026, 3, 3)}})
    assert lc.step_problems(earlier, today=TODAY) == {
        "date": "日期 2026-03-02 早于上一步的日期 2026-03-03。"
    }


# --- pipeline status ------------------------------------------------------------------------------


def test_pipeline_status_of_a_probationary_member_one_day_overdue():
    status = lc.pipeline_status(
        stage=lc.PROBATIONARY,
        history={lc.PROBATIONARY: D(2025, 11, 28)},
        today=TODAY,
        kinship_declared_on=D(2025, 10, 1),
    )
    assert status.next_stage == lc.FULL
    assert status.next_due == D(2026, 11, 28)
    assert status.flags == ("预备期满逾期 2 天未转正",)


def test_pipeline_status_flags_a_candidate_without_kinship_declaration():
    status = lc.pipeline_status(
        stage=lc.CANDIDATE, history={}, today=TODAY, kinship_declared_on=None
    )
    assert status.flags == ("未完成亲属关系报备",)


def test_pipeline_status_flags_an_activist_of_a_year_without_training():
    history = {lc.ACTIVIST: D(2025, 11, 30)}
    untrained = lc.pipeline_status(
        stage=lc.ACTIVIST, history=history, today=TODAY, kinship_declared_on=None
    )
    trained = lc.pipeline_status(
        stage=lc.ACTIVIST,
        history=history,
        today=TODAY,
        kinship_declared_on=None,
        activist_trainings=[D(2026, 4, 1)],
    )
    assert untrained.flags == ("满一年仍未参加积极分子培训",)
    assert trained.flags == ()
    assert trained.next_due == TODAY


# --- training compliance --------------------------------------------------------------------------


def states(obligations) -> dict[tuple[str, str], tuple[int, str]]:
    return {(o.kind, o.label): (o.attended, o.state) for o in obligations}


def test_a_member_all_year_has_two_rotation_obligations():
    result = lc.training_obligations(
        year=2026,
        as_of=D(2026, 11, 30),
        member=(D(2010, 1, 1), None),
        attended=[
            (D(2026, 4, 2), "rotation"),
            (D(2026, 5, 2), "rotation"),
            (D(2026, 5, 9), "lecture"),
        ],
    )
    assert states(result) == {
        ("rotation", "2026-H1"): (2, "met"),
        ("rotation", "2026-H2"): (0, "open"),
    }


def test_a_half_year_without_rotation_is_missed_once_it_ended():
    member = (D(2010, 1, 1), None)
    on_last_day = lc.training_obligations(year=2026, as_of=D(2026, 6, 30), member=member)
    day_after = lc.training_obligations(year=2026, as_of=D(2026, 7, 1), member=member)
    assert states(on_last_day)[("rotation", "2026-H1")] == (0, "open")
    assert states(day_after)[("rotation", "2026-H1")] == (0, "missed")


def test_an_activist_from_may_owes_activist_training_in_q2_q3_q4():
    result = lc.training_obligations(
        year=2026,
        as_of=D(2026, 11, 30),
        activist=(D(2026, 5, 20), None),
        attended=[(D(2026, 5, 25), "activist"), (D(2026, 9, 30), "rotation")],
    )
    assert states(result) == {
        ("activist", "2026-Q2"): (1, "met"),
        ("activist", "2026-Q3"): (0, "missed"),
        ("activist", "2026-Q4"): (0, "open"),
    }


def test_a_candidate_until_march_owes_candidate_training_in_h1_only():
    result = lc.training_obligations(
        year=2026,
        as_of=D(2026, 12, 31),
        candidate=(D(2025, 8, 1), D(2026, 3, 15)),
        attended=[(D(2026, 1, 10), "candidate")],
    )
    assert states(result) == {("candidate", "2026-H1"): (1, "met")}


def test_a_member_who_left_on_30_june_owes_no_second_half():
    result = lc.training_obligations(
        year=2026, as_of=D(2026, 12, 31), member=(None, D(2026, 6, 30))
    )
    assert list(states(result)) == [("rotation", "2026-H1")]


# --- flowing members ------------------------------------------------------------------------------

H1 = (D(2026, 1, 1), D(2026, 6, 30))


def test_flowing_members_without_organisation_life_in_the_half_year():
    flowing = {
        1: [(D(2025, 3, 1), None)],  # away all half-year, attended a meeting: not listed
        2: [(D(2025, 3, 1), None)],  # away, nothing: listed
        3: [(D(2026, 2, 1), D(2026, 5, 1))],  # away part of it, online org life: not listed
        4: [(D(2024, 1, 1), D(2025, 12, 31))],  # came back before the half-year: not flowing
        5: [(D(2026, 6, 30), None)],  # left on its last day, only contact in July: listed
        6: [(D(2025, 1, 1), None)],  # present the day before the half-year: listed
    }
    present = {1: [D(2026, 3, 5)], 6: [D(2025, 12, 31)]}
    contacts = {3: [D(2026, 4, 1)], 5: [D(2026, 7, 1)]}
    assert lc.without_org_life(
        start=H1[0], end=H1[1], flowing=flowing, present=present, org_life_contacts=contacts
    ) == [2, 5, 6]


def test_organisation_life_on_the_half_years_last_day_counts():
    assert (
        lc.without_org_life(
            start=H1[0],
            end=H1[1],
            flowing={1: [(D(2025, 1, 1), None)]},
            present={1: [D(2026, 6, 30)]},
            org_life_contacts={},
        )
        == []
    )


@pytest.mark.parametrize("stage", lc.STAGES)
def test_every_stage_has_a_label(stage):
    assert lc.stage_label(stage) != stage
