"""The office's assessment (F10), scheme revisions and the month close: limits, audit, marks."""

import datetime as dt
from decimal import Decimal

import pytest

from scoring import services
from scoring.models import OfficeScore, Scheme
from township.errors import ApplicationError
from township.models import AuditLog, MonthState

MARCH = dt.date(2026, 3, 1)


def set_score(cast, points, branch=None):
    return services.office_score_set(
        actor=cast.office, branch=branch or cast.b1, month=MARCH, points=points
    )


@pytest.mark.parametrize("points", [Decimal("0"), Decimal("10")])
def test_office_score_at_either_end_of_0_to_10_is_accepted(cast, marked, points):
    set_score(cast, points)
    assert OfficeScore.objects.get(branch=cast.b1, month=MARCH).points == points
    assert marked() == {(cast.t1.pk, MARCH): 1}


@pytest.mark.parametrize("points", [Decimal("-0.01"), Decimal("10.01")])
def test_office_score_just_outside_0_to_10_is_refused(cast, marked, points):
    with pytest.raises(ApplicationError, match="0 到 10"):
        set_score(cast, points)
    assert not OfficeScore.objects.exists()
    assert not AuditLog.objects.exists()
    assert marked() == {}


def test_office_score_set_is_audited_with_month_and_points(cast):
    score = set_score(cast, Decimal("7.5"))
    entry = AuditLog.objects.get(action="scoring.office_score.set")
    assert entry.actor == cast.office and entry.township == cast.t1
    assert entry.object_id == str(score.pk)
    assert entry.data == {"month": "2026-03", "points": "7.5"}


def test_clearing_an_office_score_deletes_it_audits_and_marks_the_month(cast, marked):
    set_score(cast, Decimal(8))
    assert set_score(cast, None) is None
    assert not OfficeScore.objects.filter(branch=cast.b1, month=MARCH).exists()
    cleared = AuditLog.objects.filter(action="scoring.office_score.set").order_by("pk").last()
    assert cleared.data == {"month": "2026-03", "points": None}
    assert cleared.object_id == str(cast.b1.pk)  # the score is gone: the entry names the branch
    assert marked() == {(cast.t1.pk, MARCH): 2}


def test_clearing_a_score_that_was_never_entered_writes_nothing(cast, marked):
    assert set_score(cast, None) is None
    assert not AuditLog.objects.exists()
    assert marked() == {}


def test_office_scores_record_saves_what_changed_and_counts_it(cast, marked):
    set_score(cast, Decimal(8))
    changed = services.office_scores_record(
        actor=cast.office,
        township=cast.t1,
        month=MARCH,
        points={cast.b1.pk: Decimal(6), cast.b2.pk: Decimal(9)},
    )
    assert changed == 2
    stored = dict(OfficeScore.objects.values_list("branch_id", "points"))
    assert stored == {cast.b1.pk: Decimal(6), cast.b2.pk: Decimal(9)}
    assert AuditLog.objects.filter(action="scoring.office_score.set").count() == 3
    assert marked() == {(cast.t1.pk, MARCH): 3}


def test_resaving_unchanged_office_scores_writes_no_audit_entry_and_marks_nothing(cast, marked):
    set_score(cast, Decimal(8))
    before = marked()
    changed = services.office_scores_record(
        actor=cast.office,
        township=cast.t1,
        month=MARCH,
        points={cast.b1.pk: Decimal("8.00"), cast.b2.pk: None},  # as the form sends them back
    )
    assert changed == 0
    assert AuditLog.objects.filter(action="scoring.office_score.set").count() == 1
    assert marked() == before


def test_office_scores_record_clears_a_score_left_empty(cast, marked):
    set_score(cast, Decimal(8))
    changed = services.office_scores_record(
        actor=cast.office, township=cast.t1, month=MARCH, points={cast.b1.pk: None}
    )
    assert changed == 1
    assert not OfficeScore.objects.exists()


def test_office_scores_record_ignores_branches_of_other_townships(cast, marked):
    changed = services.office_scores_record(
        actor=cast.office, township=cast.t1, month=MARCH, points={cast.b3.pk: Decimal(5)}
    )
    assert changed == 0
    assert not OfficeScore.objects.exists()
    assert marked() == {}


def test_scheme_revision_is_audited_with_the_changed_points_and_marks_the_year(cast, marked):
    revised = services.scheme_revise(
        actor=cast.office, township=cast.t1, year=2026, points={"F1": Decimal(20), "F10": None}
    )
    entry = AuditLog.objects.get(action="scoring.scheme.changed")
    assert entry.actor == cast.office and entry.township == cast.t1
    assert entry.object_id == str(revised.pk)
    assert entry.data == {"year": 2026, "points": {"F1": "20", "F10": None}}
    assert marked() == {(cast.t1.pk, dt.date(2026, m, 1)): 1 for m in range(1, 13)}


def test_scheme_revision_refuses_unknown_items_and_negative_points(cast, marked):
    with pytest.raises(ApplicationError, match="F99"):
        services.scheme_revise(
            actor=cast.office, township=cast.t1, year=2026, points={"F99": Decimal(1)}
        )
    with pytest.raises(ApplicationError, match="F1"):
        services.scheme_revise(
            actor=cast.office, township=cast.t1, year=2026, points={"F1": Decimal("-0.01")}
        )
    zero = services.scheme_revise(
        actor=cast.office, township=cast.t1, year=2026, points={"F1": Decimal(0)}
    )
    assert zero.items.get(code="F1").points == 0 and zero.items.get(code="F1").enabled
    assert AuditLog.objects.filter(action="scoring.scheme.changed").count() == 1


# --- month close: what the services refuse, with the message naming the month ---------------


def test_a_locked_month_cannot_be_locked_again(cast):
    services.month_lock(actor=cast.office, township=cast.t1, month=MARCH)
    with pytest.raises(ApplicationError, match="2026年03月 的考核已经锁定"):
        services.month_lock(actor=cast.office, township=cast.t1, month=MARCH.replace(day=15))
    entry = AuditLog.objects.get(action="scoring.month.locked")
    assert entry.data == {"month": "2026-03", "scheme": entry.data["scheme"]}
    assert entry.actor == cast.office and entry.township == cast.t1


def test_an_open_month_cannot_be_reopened(cast):
    with pytest.raises(ApplicationError, match="2026年03月 的考核尚未锁定"):
        services.month_reopen(actor=cast.office, township=cast.t1, month=MARCH, reason="补录")


def test_a_reopened_month_is_known_as_reopened_until_it_is_locked_again(cast):
    assert not services.month_was_reopened(township=cast.t1, month=MARCH)
    services.month_lock(actor=cast.office, township=cast.t1, month=MARCH)
    assert not services.month_was_reopened(township=cast.t1, month=MARCH)
    services.month_reopen(actor=cast.office, township=cast.t1, month=MARCH, reason=" 补录 ")
    assert services.month_was_reopened(township=cast.t1, month=MARCH.replace(day=20))
    assert MonthState.objects.get(township=cast.t1, month=MARCH).reopen_reason == "补录"
    services.month_lock(actor=cast.office, township=cast.t1, month=MARCH)
    assert not services.month_was_reopened(township=cast.t1, month=MARCH)


def test_a_month_is_due_for_close_from_its_townships_close_day(cast):
    from branches.models import Township

    Township.objects.filter(pk=cast.t1.pk).update(close_day=10)
    Township.objects.filter(pk=cast.t2.pk).update(close_day=11)
    Township.objects.filter(pk=cast.t3.pk).update(close_day=28)
    due = services.months_due_for_close(today=dt.date(2026, 4, 10))
    assert [(t.pk, m) for t, m in due] == [(cast.t1.pk, MARCH)]
    services.month_lock(actor=cast.office, township=cast.t1, month=MARCH)
    due = services.months_due_for_close(today=dt.date(2026, 4, 11))
    assert [(t.pk, m) for t, m in due] == [(cast.t2.pk, MARCH)]
    january = services.months_due_for_close(today=dt.date(2026, 1, 28))
    assert {(t.pk, m) for t, m in january} == {
        (t.pk, dt.date(2025, 12, 1)) for t in (cast.t1, cast.t2, cast.t3)
    }


# --- office scores: what else must hold ---------------------------------------------------------


def test_an_office_score_keeps_its_note(cast):
    set_score(cast, Decimal(8))
    services.office_score_set(
        actor=cast.office, branch=cast.b2, month=MARCH, points=Decimal(6), note="会议记录不全"
    )
    notes = dict(OfficeScore.objects.values_list("branch_id", "note"))
    assert notes == {cast.b1.pk: "", cast.b2.pk: "会议记录不全"}


def test_a_score_out_of_range_is_refused_with_the_exact_message(cast):
    with pytest.raises(ApplicationError) as exc:
        set_score(cast, Decimal("10.01"))
    assert str(exc.value.message) == "党建办评价分必须在 0 到 10 之间。"


def test_the_service_refuses_a_locked_month_to_anyone_but_the_office(cast, marked):
    from township.errors import MonthLockedError

    MonthState.objects.create(township=cast.t1, month=MARCH, locked=True)
    with pytest.raises(MonthLockedError):
        services.office_score_set(
            actor=cast.secretary, branch=cast.b1, month=MARCH, points=Decimal(5)
        )
    assert not OfficeScore.objects.exists()
    set_score(cast, Decimal(5))
    assert OfficeScore.objects.get().points == 5


def test_clearing_a_score_touches_no_other_branch_or_month(cast, marked):
    services.office_score_set(actor=cast.office, branch=cast.b2, month=MARCH, points=Decimal(7))
    february = MARCH.replace(month=2)
    services.office_score_set(actor=cast.office, branch=cast.b1, month=february, points=Decimal(6))
    assert set_score(cast, None) is None  # b1 has no March score
    stored = set(OfficeScore.objects.values_list("branch_id", "month", "points"))
    assert stored == {(cast.b2.pk, MARCH, Decimal(7)), (cast.b1.pk, february, Decimal(6))}
    assert AuditLog.objects.filter(action="scoring.office_score.set").count() == 2


def test_office_scores_record_compares_with_the_same_month_only(cast, marked):
    services.office_score_set(
        actor=cast.office, branch=cast.b1, month=MARCH.replace(month=2), points=Decimal(8)
    )
    changed = services.office_scores_record(
        actor=cast.office, township=cast.t1, month=MARCH, points={cast.b1.pk: Decimal(8)}
    )
    assert changed == 1
    assert OfficeScore.objects.get(branch=cast.b1, month=MARCH).points == 8


def test_office_scores_record_goes_on_past_an_unchanged_branch_and_audits_the_actor(cast):
    set_score(cast, Decimal(8))
    changed = services.office_scores_record(
        actor=cast.office,
        township=cast.t1,
        month=MARCH,
        points={cast.b1.pk: Decimal(8), cast.b2.pk: Decimal(9)},
    )
    assert changed == 1
    assert OfficeScore.objects.get(branch=cast.b2).points == 9
    entries = AuditLog.objects.filter(action="scoring.office_score.set")
    assert {(e.actor, e.township_id) for e in entries} == {(cast.office, cast.t1.pk)}


def test_an_office_score_set_by_a_command_is_audited_under_its_township(cast):
    services.office_score_set(actor=None, branch=cast.b1, month=MARCH, points=Decimal(4))
    entry = AuditLog.objects.get(action="scoring.office_score.set")
    assert (entry.actor, entry.township) == (None, cast.t1)


# --- schemes and the month close: survivors of `make mutation` ------------------------------------


def test_scheme_refusals_have_their_exact_message(cast):
    with pytest.raises(ApplicationError) as exc:
        services.scheme_revise(
            actor=cast.office, township=cast.t1, year=2026, points={"F98": 1, "F99": 1}
        )
    assert str(exc.value.message) == "考核方案中没有这些项目：F98、F99"
    with pytest.raises(ApplicationError) as exc:
        services.scheme_revise(actor=cast.office, township=cast.t1, year=2026, points={"F1": -1})
    assert str(exc.value.message) == "项目 F1 的分值不能为负数。"


def test_a_revised_scheme_copies_the_previous_version_and_names_it(cast):
    current = services.scheme_for(township_id=cast.t1.pk, year=2026)
    current.items.filter(code="F1").update(
        label="主题党日活动", frequency="quarterly", params={"n": 1}
    )
    current = Scheme.objects.get(pk=current.pk)
    revised = services.scheme_revise(actor=None, township=cast.t1, year=2026, points={"F3": 12})
    assert (revised.based_on, revised.name, revised.version) == (current, current.name, 2)
    assert revised.items.get(code="F1").params == {"n": 1}

    def items(scheme):
        return {i.code: (i.label, i.frequency, i.params) for i in scheme.items.all()}

    assert items(revised) == items(current)
    entry = AuditLog.objects.get(action="scoring.scheme.changed")
    assert (entry.actor, entry.township) == (None, cast.t1)


def test_months_missing_counts_only_the_townships_own_stored_branches(cast):
    services.year_ensure(township=cast.t1, year=2026)
    services.year_ensure(township=cast.t2, year=2026)
    assert services.months_missing(township=cast.t1, year=2026) == []
    assert services.year_results_current(township=cast.t1, year=2026)


def test_a_locked_month_is_not_missing_when_a_branch_is_added_later(cast):
    services.month_lock(actor=cast.office, township=cast.t1, month=MARCH)
    from tests import factories as f

    f.branch(township=cast.t1)
    services.year_ensure(township=cast.t1, year=2026)
    assert MARCH not in services.months_missing(township=cast.t1, year=2026)
    assert services.year_results_current(township=cast.t1, year=2026)


def test_a_township_without_branches_has_nothing_missing(cast):
    from tests import factories as f

    empty = f.township(county=cast.county)
    assert services.months_missing(township=empty, year=2026) == []
    assert services.year_results_current(township=empty, year=2026)


def test_a_members_year_takes_only_that_year_and_township(cast):
    from scoring.models import MemberYearScore

    services.year_ensure(township=cast.t2, year=2026)
    services.year_ensure(township=cast.t1, year=2025)
    services.year_ensure(township=cast.t1, year=2026)
    years = set(MemberYearScore.objects.values_list("member__township_id", "year"))
    assert years == {(cast.t2.pk, 2026), (cast.t1.pk, 2025), (cast.t1.pk, 2026)}


def test_locking_records_when_and_who_and_names_the_close_day_job(cast):
    close = services.month_lock(actor=None, township=cast.t1, month=MARCH)
    assert close.locked_at is not None and close.locked_by is None
    services.month_lock(actor=cast.office, township=cast.t1, month=MARCH.replace(month=4))
    job, office = AuditLog.objects.filter(action="scoring.month.locked").order_by("pk")
    assert (job.actor, job.actor_name, job.township) == (None, "close-day job", cast.t1)
    assert job.object_id == str(close.pk)
    assert (office.actor, office.actor_name) == (cast.office, "office")
    with pytest.raises(ApplicationError) as exc:
        services.month_lock(actor=cast.office, township=cast.t1, month=MARCH)
    assert str(exc.value.message) == "2026年03月 的考核已经锁定。"


def test_reopening_needs_a_reason_and_the_locked_month_itself(cast, marked):
    for reason in (None, " "):
        with pytest.raises(ApplicationError) as exc:
            services.month_reopen(actor=cast.office, township=cast.t1, month=MARCH, reason=reason)
        assert str(exc.value.message) == "重新开放已锁定的月份必须填写原因。"
    services.month_lock(actor=cast.office2, township=cast.t2, month=MARCH)  # another township
    services.month_lock(actor=cast.office, township=cast.t1, month=MARCH.replace(month=2))
    MonthState.objects.get_or_create(township=cast.t1, month=MARCH)  # open, yet stored
    with pytest.raises(ApplicationError) as exc:
        services.month_reopen(actor=cast.office, township=cast.t1, month=MARCH, reason="补录")
    assert str(exc.value.message) == "2026年03月 的考核尚未锁定。"
    assert MonthState.objects.get(township=cast.t2, month=MARCH).locked
    assert MonthState.objects.get(township=cast.t1, month=MARCH.replace(month=2)).locked


def test_reopening_marks_the_month_and_is_audited(cast, marked):
    close = services.month_lock(actor=cast.office, township=cast.t1, month=MARCH)
    before = marked().get((cast.t1.pk, MARCH), 0)
    services.month_reopen(actor=None, township=cast.t1, month=MARCH, reason="补录")
    assert marked()[(cast.t1.pk, MARCH)] == before + 1
    entry = AuditLog.objects.get(action="scoring.month.reopened")
    assert (entry.township, entry.object_id) == (cast.t1, str(close.pk))
    assert entry.data == {"month": "2026-03", "reason": "补录"}


def test_only_a_reopened_month_of_that_township_counts_as_reopened(cast):
    from township.months import months_mark_changed

    months_mark_changed(township_id=cast.t1.pk, days=[MARCH])  # open, never locked
    assert not services.month_was_reopened(township=cast.t1, month=MARCH)
    for township, month in ((cast.t2, MARCH), (cast.t1, MARCH.replace(month=2))):
        services.month_lock(actor=None, township=township, month=month)
        services.month_reopen(actor=None, township=township, month=month, reason="补录")
    assert not services.month_was_reopened(township=cast.t1, month=MARCH)
    assert services.month_was_reopened(township=cast.t1, month=MARCH.replace(month=2))


def test_a_month_stays_due_until_it_is_locked(cast):
    from township.months import months_mark_changed

    for month in range(4, 13):  # shift the month-state ids away from the township ids
        MonthState.objects.create(township=cast.t3, month=dt.date(2025, month, 1))
    months_mark_changed(township_id=cast.t1.pk, days=[MARCH])  # changed, still open
    services.month_lock(actor=None, township=cast.t2, month=MARCH)
    due = services.months_due_for_close(today=dt.date(2026, 4, 25))
    assert {t.pk for t, _m in due} == {cast.t1.pk, cast.t3.pk}


def test_a_members_annual_value_is_the_mean_of_that_years_months_only(cast):
    from scoring.models import MemberYearScore
    from tests import factories as f

    for month in range(1, 13):  # paid every month of 2025, never in 2026
        day = dt.date(2025, month, 1)
        f.dues(member=cast.m1, month=day, paid_on=day)
    services.year_ensure(township=cast.t1, year=2025)
    services.year_ensure(township=cast.t1, year=2026)
    annual = dict(MemberYearScore.objects.filter(member=cast.m1).values_list("year", "annual"))
    assert annual == {2025: Decimal(100), 2026: Decimal(0)}
