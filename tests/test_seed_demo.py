"""seed_demo: a realistic, deterministic demo county, and demo users only when asked for."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max
from django.test import RequestFactory, override_settings

from branches.models import Attendance, Branch, County, Meeting, Township
from members.models import Applicant, DuesPayment, Member
from township.models import User

PASSWORD = "demo-password-for-tests-7"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TODAY = dt.date(2026, 11, 23)
# A short year keeps the repeated runs fast; the organisation does not depend on it.
SHORT_TODAY = dt.date(2026, 2, 20)


class _Rollback(Exception):
    pass


def _seed(**options) -> None:
    call_command("seed_demo", stdout=io.StringIO(), **options)


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The full demo, seeded once for the class and rolled back after it."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        try:
            with transaction.atomic():
                _seed(password=PASSWORD, today=TODAY)
                yield
                raise _Rollback
        except _Rollback:
            pass


def test_no_demo_users_exist_without_seed_demo(db):
    assert not User.objects.filter(username__startswith="demo-").exists()
    assert not Township.objects.exists()


@pytest.mark.usefixtures("seeded")
class TestFullDemo:
    """The full demo of 2026 up to 22 November, seeded once for these tests."""

    def test_demo_township_has_at_least_30_branches_of_several_kinds(self, db):
        shifan = Township.objects.get(name="示范镇")
        branches = Branch.objects.filter(township=shifan)
        assert branches.count() >= 30
        kinds = set(branches.values_list("kind", flat=True))
        assert {"village", "community", "unit", "enterprise", "flowing", "education"} <= kinds
        unranked = set(branches.filter(ranked=False).values_list("kind", flat=True))
        assert unranked == {"flowing", "education"}
        assert Township.objects.filter(county__name="示例县").count() == 2

    def test_demo_has_at_least_900_members_with_complete_records(self, db):
        assert Member.objects.count() >= 900
        assert not Member.objects.filter(name="").exists()
        assert all(len(n) == 18 for n in Member.objects.values_list("id_number", flat=True))
        assert Member.objects.filter(status="probationary").exists()
        assert Member.objects.filter(flowing=True).exclude(flowing_workplace="").exists()
        assert Member.objects.filter(dues_exempt=True).exists()
        assert Member.objects.filter(rating_exempt=True).exists()
        assert Applicant.objects.filter(stage="candidate").exists()

    def test_every_month_up_to_yesterday_has_meetings_with_attendance(self, db):
        months = {d.month for d in Meeting.objects.dates("date", "month")}
        assert months == set(range(1, TODAY.month + 1))
        assert Meeting.objects.filter(date__gte=TODAY).count() == 0
        themed = Meeting.objects.filter(type="themed_day")
        assert themed.filter(date__day=5).count() > themed.count() / 2
        assert Attendance.objects.filter(status="absent").exists()
        late = [
            p for m, p in DuesPayment.objects.values_list("month", "paid_on") if p.month != m.month
        ]
        assert late
        # Gaps: not every branch held a committee meeting every month.
        per_branch = (
            Meeting.objects.filter(type="committee").values("branch").annotate(n=Count("id"))
        )
        assert min(row["n"] for row in per_branch) < TODAY.month

    def test_one_branch_has_been_silent_for_more_than_30_days(self, db):
        last = Branch.objects.filter(ranked=True).annotate(last=Max("meetings__date"))
        silent = [b for b in last if b.last is None or (TODAY - b.last).days > 30]
        assert len(silent) == 1

    def test_demo_users_have_their_roles_and_scopes(self, db):
        users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
        shifan = Township.objects.get(name="示范镇")
        assert users["demo-reviewer"].role == "reviewer"
        assert users["demo-reviewer"].county == County.objects.get(name="示例县")
        assert users["demo-reviewer"].township is None
        assert users["demo-office"].role == "office"
        assert users["demo-office"].township == shifan
        s1, s2 = users["demo-secretary"], users["demo-secretary2"]
        assert s1.role == s2.role == "secretary"
        assert s1.branch.township == s2.branch.township == shifan
        assert s1.branch != s2.branch
        liaison = users["demo-liaison"]
        assert liaison.role == "liaison"
        assert liaison.branch.liaisons.filter(cadre_name=liaison.first_name).exists()
        member = users["demo-member"]
        assert member.role == "member"
        assert member.member.branch == s1.branch

    def test_password_option_lets_every_demo_user_log_in(self, db, settings):
        settings.PASSWORD_HASHERS = FAST_HASHERS  # as the users were created with
        request = RequestFactory().post("/login/")
        for username in ("demo-reviewer", "demo-office", "demo-secretary", "demo-liaison"):
            assert authenticate(request, username=username, password=PASSWORD) is not None
        assert authenticate(request, username="demo-office", password="wrong") is None

    def test_demo_exports_as_a_valid_exchange_document(self, db):
        from exchange.document import document_dumps, document_load
        from exchange.exporter import township_export
        from exchange.validate import document_validate

        text = document_dumps(township_export(townships=Township.objects.order_by("code")))
        data, problems = document_load(text)
        assert problems == []
        # Every record up to the day before the demo's today (township.plausible's rules).
        _parsed, problems = document_validate(data, today=TODAY - dt.timedelta(days=1))
        assert problems == []

    def test_every_member_is_plausible_with_id_number_and_phone(self, db):
        from township import plausible

        fields = ["birth_date", "joined_party_on", "probation_ends_on", "branch_since", "left_on"]
        fields += ["id_number", "phone", "monthly_income"]
        found = {}
        for values in Member.objects.values("code", *fields):
            problems = plausible.member(values, today=TODAY)
            if problems:
                found[values["code"]] = problems
        assert found == {}
        assert Member.objects.exclude(phone="").count() > 500

    def test_the_life_cycle_year_has_the_gaps_real_townships_have(self, db):
        """Exchange's demo_life: an overdue probation, a candidate without the kinship
        declaration, a member missing rotation training, a flowing member without organisation
        life in the first half-year; every recorded pipeline step keeps the rules."""
        from members import lifecycle, selectors_life
        from township.scoping import Scope

        shifan = Township.objects.get(name="示范镇")
        scope = Scope(role="office", township_id=shifan.pk)
        rows = selectors_life.pipeline_rows(
            selectors_life.pipeline_queryset(scope=scope), today=TODAY
        )
        flags = [flag for row in rows for flag in row.status.flags]
        assert "未完成亲属关系报备" in flags
        assert any(flag.startswith("预备期满逾期") for flag in flags)
        assert selectors_life.overdue_probations(scope=scope, today=TODAY).exists()
        compliance = selectors_life.training_compliance(scope=scope, year=2026, as_of=TODAY)
        assert any("2026-H1 轮训" in r.missed_text for r in compliance)
        assert selectors_life.flowing_without_org_life(
            scope=scope, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)
        )
        assert shifan.training_sessions.count() >= 8
        for row in rows:
            a = row.applicant
            if a.stage == "probationary":
                assert a.kinship_declared_on <= row.history["probationary"]
            if "candidate" in row.history:
                assert row.history["candidate"] >= lifecycle.one_year_after(row.history["activist"])
        made_full = Applicant.objects.filter(township=shifan, stage="full")
        assert made_full.exists()
        for a in made_full.select_related("member"):
            history = dict(a.history.values_list("stage", "date"))
            assert history["full"] >= lifecycle.one_year_after(history["probationary"])
            assert a.member.status == "full"

    def test_second_run_refuses_and_changes_nothing(self, db):
        before = Member.objects.count()
        with pytest.raises(CommandError, match="exists already"):
            _seed(password=PASSWORD, today=TODAY)
        assert Member.objects.count() == before

    def test_the_organisations_year_has_the_gaps_real_townships_have(self, db):
        """A village short of reserve cadres, an unmet liaison quarter, a ledger entry past
        its deadline (and one closed), classification sheets and model-village checklists."""
        from branches import selectors_org
        from scoring.models import RectificationEntry
        from township.permissions import Role
        from township.scoping import Scope

        shifan = Township.objects.get(name="示范镇")
        scope = Scope(role=Role.OFFICE, township_id=shifan.pk)
        (cadres,) = selectors_org.cadre_summaries(scope=scope, day=TODAY)
        assert cadres.villages >= 10 and cadres.shortfall >= 1
        assert 0 < cadres.one_shoulder < cadres.villages
        points = list(selectors_org.liaison_assignments(scope=scope, year=2026))
        rows = selectors_org.liaison_rows(assignments=points, year=2026, today=TODAY)
        unmet = selectors_org.liaison_unmet_counts(rows=rows)
        assert unmet[0] >= 1 and sum(unmet) < 3 * len(rows)
        (sheets,) = selectors_org.classification_summaries(scope=scope, year=2026)
        assert sheets.shares.total == sheets.villages
        assert sheets.shares.counts["advanced"] and sheets.shares.counts["lagging"]
        (models,) = selectors_org.model_village_summaries(scope=scope, year=2026)
        assert 0 < models.models < models.villages
        ledger = RectificationEntry.objects.filter(township=shifan, year=2026)
        assert ledger.filter(closed_on__isnull=True, deadline__lt=TODAY).exists()
        assert ledger.filter(closed_on__isnull=False, satisfaction__gte=80).exists()


def test_an_early_year_demo_holds_no_record_after_its_yesterday(db):
    from exchange.document import document_dumps, document_load
    from exchange.exporter import township_export
    from exchange.validate import document_validate

    _seed(today=SHORT_TODAY)
    text = document_dumps(township_export(townships=Township.objects.order_by("code")))
    _parsed, problems = document_validate(
        document_load(text)[0], today=SHORT_TODAY - dt.timedelta(days=1)
    )
    assert problems == []


def test_a_demo_of_a_day_still_to_come_is_refused(db):
    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(CommandError, match="演示数据不能包含尚未发生的记录"):
        _seed(today=tomorrow)
    assert not Township.objects.exists()


def test_if_empty_does_nothing_when_a_township_exists(db):
    county = County.objects.create(code="999", name="别的县")
    Township.objects.create(county=county, code="999001", name="别的镇")
    _seed(if_empty=True, today=SHORT_TODAY)
    assert Township.objects.count() == 1
    assert not User.objects.filter(username__startswith="demo-").exists()


def _snapshot() -> dict:
    return {
        "branches": list(
            Branch.objects.order_by("township__code", "code").values_list(
                "code", "name", "kind", "secretary_name"
            )
        ),
        "members": list(
            Member.objects.order_by("township__code", "code").values_list(
                "code", "name", "gender", "birth_date", "id_number", "phone", "branch__code"
            )
        ),
        "meetings": list(
            Meeting.objects.order_by("township__code", "code").values_list(
                "code", "branch__code", "type", "date"
            )
        ),
        "attendance": Attendance.objects.filter(status="present").count(),
    }


def test_two_runs_into_empty_databases_give_the_same_township(db):
    snapshots = []
    for _ in range(2):
        try:
            with transaction.atomic():
                _seed(password=PASSWORD, today=SHORT_TODAY)
                snapshots.append(_snapshot())
                raise _Rollback
        except _Rollback:
            pass
    assert Member.objects.count() == 0
    assert snapshots[0]["members"]
    assert snapshots[0] == snapshots[1]


def test_demo_locks_the_months_whose_close_day_has_passed(db):
    import datetime as dt
    import io

    from django.core.management import call_command

    from scoring.models import BranchMonthScore
    from township.models import MonthState

    call_command(
        "seed_demo", password="demo-pass-123", today=dt.date(2026, 11, 23), stdout=io.StringIO()
    )
    locked = set(MonthState.objects.filter(locked=True).values_list("month", flat=True))
    assert locked == {dt.date(2026, m, 1) for m in range(1, 10)}  # October closes on 25 Nov
    assert BranchMonthScore.objects.filter(month=dt.date(2026, 9, 1)).count() == 41
