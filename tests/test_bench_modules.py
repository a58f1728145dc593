"""`exchange.bench_modules` on a tiny benchmark county (2 townships × 4 branches × 6 members):
every module gets rows, every row is valid for its model, nothing that happened is dated after
`today`, a second call adds nothing, and each module's pages open for the township's office."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from alliances.models import (
    Alliance,
    ContestScore,
    Evaluation,
    JointActivity,
    Organisation,
    ProjectItem,
    Wish,
)
from branches.models import Attendance, Branch, Meeting
from cooperatives.models import (
    Account,
    Award,
    CollectiveIncome,
    Contest,
    ContestEntry,
    Cooperative,
    FundDeposit,
    GroupActivity,
    Holder,
    JudgeScore,
    LedProject,
    Pairing,
    PairingProject,
    ProgressEntry,
    ProjectEvaluation,
    Symposium,
)
from cooperatives.selectors import fund_balance_cents
from cooperatives.services import credit_code_problem
from exchange.bench_modules import bench_modules_ensure
from members.models import (
    Applicant,
    ApplicantStageChange,
    BranchTransfer,
    FlowingContact,
    FlowingSpell,
    HeartTalk,
    LaggingEvaluation,
    LaggingMonthCheck,
    LaggingSpell,
    Member,
    TrainingAttendance,
    TrainingSession,
)
from scoring.management.commands.bench_scoring import build_county
from tests import factories as f
from tests.conftest import BACKEND

TODAY = dt.date(2026, 11, 30)

MODELS = (
    TrainingSession, TrainingAttendance, Applicant, ApplicantStageChange, Member, BranchTransfer,
    LaggingSpell, LaggingMonthCheck, LaggingEvaluation, FlowingSpell, FlowingContact, HeartTalk,
    Branch, Meeting, Attendance, Alliance, Organisation, ProjectItem, JointActivity, Wish,
    Evaluation, ContestScore, Cooperative, Holder, Account, Pairing, PairingProject,
    ProgressEntry, Symposium, CollectiveIncome, FundDeposit, LedProject, ProjectEvaluation,
    Contest, ContestEntry, JudgeScore, Award, GroupActivity,
)  # fmt: skip
# What the top-up adds to each township (the models the bench county has none of).
TOPPED_UP = {
    TrainingSession: "township",
    TrainingAttendance: "session__township",
    ApplicantStageChange: "applicant__township",
    LaggingSpell: "member__township",
    LaggingMonthCheck: "spell__member__township",
    LaggingEvaluation: "spell__member__township",
    FlowingSpell: "member__township",
    FlowingContact: "member__township",
    HeartTalk: "member__township",
    Alliance: "township",
    Organisation: "alliance__township",
    ProjectItem: "alliance__township",
    JointActivity: "alliance__township",
    Wish: "alliance__township",
    Evaluation: "alliance__township",
    ContestScore: "alliance__township",
    Cooperative: "township",
    Holder: "cooperative__township",
    Account: "cooperative__township",
    Pairing: "township",
    PairingProject: "pairing__township",
    ProgressEntry: "pairing__township",
    Symposium: "pairing__township",
    CollectiveIncome: "branch__township",
    FundDeposit: "township",
    LedProject: "township",
    ProjectEvaluation: "project__township",
    Contest: "township",
    ContestEntry: "contest__township",
    JudgeScore: "entry__contest__township",
    Award: "entry__contest__township",
    GroupActivity: "township",
}


def _county(year: int = 2026):
    return build_county(townships=2, branches=4, members=6, year=year, log=lambda _s: None)


def _rows() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in MODELS}


def test_the_top_up_fills_every_module_of_each_township(db):
    county = _county()

    added = bench_modules_ensure(county, today=TODAY)

    for township in county.townships.all():
        empty = [
            m.__name__ for m, path in TOPPED_UP.items() if not m.objects.filter(**{path: township})
        ]
        assert empty == [], township.code
        assert Branch.objects.filter(township=township, kind="education").count() == 1
        assert Member.objects.filter(township=township, flowing=True).exists()
    steps = set(ApplicantStageChange.objects.values_list("stage", flat=True))
    assert steps == {"applicant", "activist", "candidate", "probationary", "full"}
    admitted = Applicant.objects.filter(stage__in=["probationary", "full"])
    assert all(
        a.member.joined_party_on == a.history.get(stage="probationary").date for a in admitted
    )
    assert added["members.TrainingAttendance"] == TrainingAttendance.objects.count()
    assert added["alliances.JointActivity_members"] == JointActivity.members.through.objects.count()


def test_every_row_passes_its_models_validation(db):
    bench_modules_ensure(_county(), today=TODAY)

    for model in MODELS:
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for obj in model.objects.filter(pk__in=pks[:: max(1, len(pks) // 20)]):
            obj.full_clean()
    codes = list(Cooperative.objects.values_list("credit_code", flat=True))
    assert [c for c in codes if credit_code_problem(c)] == []
    assert len(set(codes)) == len(codes)


def test_the_awards_follow_the_judges_and_the_fund_is_never_overdrawn(db):
    county = _county()
    bench_modules_ensure(county, today=TODAY)

    for township in county.townships.all():
        assert fund_balance_cents(township_id=township.pk)["balance"] >= 0
    for award in Award.objects.select_related("entry"):
        assert sum(cents for _n, _r, cents in award.shares) == award.amount * 100
        assert award.shares[0][:2] == [award.entry.secretary_name, "secretary"]


def _dated_after(today: dt.date) -> list[str]:
    """Every record of the top-up that says something happened after `today`."""
    checks = {
        "training": TrainingSession.objects.filter(date__gt=today),
        "steps": ApplicantStageChange.objects.filter(date__gt=today),
        "kinship": Applicant.objects.filter(kinship_declared_on__gt=today),
        "stage": Applicant.objects.filter(stage_since__gt=today),
        "joined": Member.objects.filter(joined_party_on__gt=today),
        "branch since": Member.objects.filter(branch_since__gt=today),
        "transfers": BranchTransfer.objects.filter(left_on__gt=today),
        "lagging": LaggingSpell.objects.filter(started_on__gt=today),
        "lagging end": LaggingSpell.objects.filter(ended_on__gt=today),
        "checks": LaggingMonthCheck.objects.filter(month__gt=today),
        "flowing": FlowingSpell.objects.filter(started_on__gt=today),
        "flowing end": FlowingSpell.objects.filter(ended_on__gt=today),
        "contacts": FlowingContact.objects.filter(date__gt=today),
        "talks": HeartTalk.objects.filter(date__gt=today),
        "education meetings": Meeting.objects.filter(branch__kind="education", date__gt=today),
        "projects done": ProjectItem.objects.filter(done_on__gt=today),
        "activities": JointActivity.objects.filter(date__gt=today),
        "wishes": Wish.objects.filter(raised_on__gt=today),
        "claims": Wish.objects.filter(claimed_on__gt=today),
        "fulfilled": Wish.objects.filter(fulfilled_on__gt=today),
        "evaluations": Evaluation.objects.filter(year__gte=today.year),
        "founded": Cooperative.objects.filter(founded_on__gt=today),
        "accounts": Account.objects.filter(year__gte=today.year),
        "pairings": Pairing.objects.filter(started_on__gt=today),
        "pairing projects": PairingProject.objects.filter(started_on__gt=today),
        "progress": ProgressEntry.objects.filter(month__gt=today),
        "entered": ProgressEntry.objects.filter(entered_on__gt=today),
        "symposia": Symposium.objects.filter(date__gt=today),
        "incomes": CollectiveIncome.objects.filter(year__gte=today.year),
        "deposits": FundDeposit.objects.filter(date__gt=today),
        "led projects": LedProject.objects.filter(year__gt=today.year),
        "group activities": GroupActivity.objects.filter(date__gt=today),
    }
    found = [name for name, qs in checks.items() if qs.exists()]
    quarter_ends = {
        "lagging evaluations": [(e.year, e.quarter) for e in LaggingEvaluation.objects.all()],
        "subsidies": [(e.project.year, e.quarter) for e in ProjectEvaluation.objects.all()],
    }
    for name, quarters in quarter_ends.items():
        if any(dt.date(y, 3 * q, 1) > today for y, q in quarters):
            found.append(name)
    if any(dt.date(s.year, 6 * s.half, 30) > today for s in ContestScore.objects.all()):
        found.append("contest scores")
    for c in Contest.objects.all():
        if dt.date(c.year, c.month, 28) > today or c.awarded_at.date() > today:
            found.append(f"contest {c}")
    return found


@pytest.mark.parametrize("today", [TODAY, dt.date(2026, 1, 20)])
def test_nothing_that_happened_is_dated_after_today(db, today):
    bench_modules_ensure(_county(), today=today)

    assert _dated_after(today) == []
    assert TrainingSession.objects.exists() and HeartTalk.objects.exists()


def test_a_second_call_adds_nothing(db):
    county = _county()
    first = bench_modules_ensure(county, today=TODAY)
    rows = _rows()

    again = bench_modules_ensure(county, today=TODAY + dt.timedelta(days=3))

    assert first and again == {}
    assert _rows() == rows


class _Undo(Exception):
    pass


def _built_twice() -> list[tuple[list, list]]:
    """The talks and holders of two top-ups of the same county, each undone after."""
    runs = []
    for _ in range(2):
        with pytest.raises(_Undo), transaction.atomic():
            bench_modules_ensure(_county(), today=TODAY)
            talks = HeartTalk.objects.order_by("member__code", "date", "topic")
            holders = Holder.objects.order_by("cooperative__code", "code")
            runs.append(
                (
                    list(talks.values_list("member__code", "date", "topic", "talker")),
                    list(holders.values_list("cooperative__name", "name", "value")),
                )
            )
            raise _Undo
    return runs


def test_the_top_up_is_the_same_for_the_same_county(db):
    first, second = _built_twice()

    assert first == second
    assert first[0] and first[1]


def test_the_moved_members_leave_their_branchs_later_attendance_and_months_are_marked(db, marked):
    county = _county()
    bench_modules_ensure(county, today=TODAY)

    for spell in LaggingSpell.objects.select_related("member"):
        branch = spell.member.branch if spell.ended_on else spell.from_branch
        assert spell.member.branch.kind == ("village" if spell.ended_on else "education")
        later = Attendance.objects.filter(
            member=spell.member, meeting__branch=branch, meeting__date__gte=spell.started_on
        )
        if spell.ended_on:
            later = later.filter(meeting__date__lt=spell.ended_on)
        assert not later.exists()
    months = marked()
    for township in county.townships.all():
        assert (township.pk, dt.date(2026, 11, 1)) in months


@pytest.fixture
def topped_up(db):
    county = _county()
    bench_modules_ensure(county, today=TODAY)
    return county.townships.order_by("code").first()


def _get(client, name, *args, **query):
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, (name, args)
    return response.content.decode()


def test_each_modules_pages_open_for_the_townships_office(client, topped_up):
    t = topped_up
    client.force_login(f.user(username="bench-office", role="office", township=t), backend=BACKEND)
    session = TrainingSession.objects.filter(township=t).order_by("-date").first()
    talk = HeartTalk.objects.filter(member__township=t).order_by("-date", "-pk").first()
    spell = LaggingSpell.objects.filter(member__township=t).first()
    applicant = Applicant.objects.filter(township=t).exclude(stage="full").order_by("pk").last()
    alliance = Alliance.objects.filter(township=t, kind="core").get()
    coop = Cooperative.objects.filter(township=t).first()
    pairing = Pairing.objects.filter(township=t).first()
    contest = Contest.objects.filter(township=t).first()

    with time_machine.travel(dt.datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        assert session.title in _get(client, "members:training_list", year=2026)
        _get(client, "members:training_detail", session.pk)
        _get(client, "members:training_compliance", year=2026)
        assert talk.topic in _get(client, "members:talk_list", year=2026)
        assert spell.member.name in _get(client, "members:lagging_list")
        _get(client, "members:lagging_detail", spell.pk)
        _get(client, "members:member_timeline", spell.member_id)
        _get(client, "members:flowing_list")
        assert applicant.name in _get(client, "members:pipeline_list")
        _get(client, "members:applicant_detail", applicant.pk)
        assert alliance.name in _get(client, "alliances:alliance_tree")
        page = _get(client, "alliances:alliance_detail", alliance.pk)
        assert alliance.organisations.first().name in page
        _get(client, "alliances:activity_list", alliance.pk)
        _get(client, "alliances:wish_list", alliance.pk)
        _get(client, "alliances:display", t.pk, 2026, 3)
        _get(client, "alliances:evaluation", t.pk, 2025)
        _get(client, "alliances:contest", t.pk, 2026, 1)
        assert coop.name in _get(client, "cooperatives:list")
        assert coop.holders.first().name in _get(client, "cooperatives:detail", coop.pk)
        _get(client, "cooperatives:pairing_list")
        _get(client, "cooperatives:pairing_detail", pairing.pk)
        _get(client, "cooperatives:project_list")
        _get(client, "cooperatives:contest_list")
        _get(client, "cooperatives:contest_detail", contest.pk)
        _get(client, "cooperatives:activity_list")


def test_the_command_refuses_a_database_with_real_townships(cast):
    with pytest.raises(CommandError, match="real townships"):
        call_command("bench_modules")


def test_the_command_builds_the_county_when_missing_and_tops_it_up(db, capsys):
    call_command("bench_modules", townships=1, branches=4, members=6, year=2026, today="2026-11-30")

    out = capsys.readouterr().out
    assert "no benchmark county" in out
    assert "members.HeartTalk" in out and "added" in out
    call_command("bench_modules", today="2026-11-30")
    assert "every township has its modules already" in capsys.readouterr().out
