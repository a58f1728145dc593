"""The organisation's assessment: services refuse what the rules refuse, with their messages,
and the selectors give known answers on constructed data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from branches import org_rules, services_photos
from branches import selectors_org as sel
from branches import services_org as svc
from branches.models import Cadre, ClassificationSheet, LiaisonAssignment, MeetingGuest
from tests import factories as f
from township.errors import ApplicationError
from township.models import AuditLog
from township.permissions import Role
from township.scoping import Scope

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def office_scope(township) -> Scope:
    return Scope(role=Role.OFFICE, township_id=township.pk)


def cadre(branch, **kw) -> Cadre:
    fields = {
        "name": "王强",
        "gender": "M",
        "birth_date": dt.date(1980, 5, 1),
        "education": "senior",
        "reserve": False,
        "party_post": "member",
        "village_post": "",
        "note": "",
    } | kw
    return Cadre.objects.create(township_id=branch.township_id, branch=branch, **fields)


# --- two-committee roster --------------------------------------------------------------------


def test_the_office_registers_a_cadre_and_the_audit_names_it(cast):
    c = svc.cadre_save(
        actor=cast.office,
        branch=cast.b1,
        name="李明",
        gender="M",
        birth_date=dt.date(1975, 3, 1),
        education="college",
        reserve=False,
        party_post="secretary",
        village_post="chair",
        note="",
    )
    entry = AuditLog.objects.get(action="branches.cadre.created")
    assert entry.object_id == str(c.pk) and entry.township_id == cast.t1.pk
    assert entry.data["name"] == "李明"


def test_a_second_secretary_of_a_village_is_refused_naming_the_village(cast):
    cadre(cast.b1, party_post="secretary")
    with pytest.raises(ApplicationError) as exc:
        svc.cadre_save(
            actor=cast.office, branch=cast.b1, name="赵六", gender="M",
            birth_date=dt.date(1980, 1, 1), education="senior", reserve=False,
            party_post="secretary", village_post="", note="",
        )  # fmt: skip
    assert str(exc.value) == "东李庄党支部已登记党支部书记，一个村只有一名书记。"


def test_a_reserve_cadre_holds_no_post_and_a_committee_member_holds_one(cast):
    base = {"name": "孙丽", "gender": "F", "birth_date": dt.date(1990, 1, 1),
            "education": "bachelor", "note": ""}  # fmt: skip
    with pytest.raises(ApplicationError, match="后备干部不担任"):
        svc.cadre_save(actor=cast.office, branch=cast.b1, reserve=True, party_post="member",
                       village_post="", **base)  # fmt: skip
    with pytest.raises(ApplicationError, match="须填写党支部或村委会职务"):
        svc.cadre_save(actor=cast.office, branch=cast.b1, reserve=False, party_post="",
                       village_post="", **base)  # fmt: skip
    assert not Cadre.objects.exists()


def test_cadres_are_registered_only_for_village_branches(cast):
    unit = f.branch(township=cast.t1, kind="unit", name="镇卫生院党支部")
    with pytest.raises(ApplicationError, match="镇卫生院党支部不是村党支部"):
        svc.cadre_save(
            actor=cast.office, branch=unit, name="周一", gender="M",
            birth_date=dt.date(1980, 1, 1), education="senior", reserve=True,
            party_post="", village_post="", note="",
        )  # fmt: skip


def test_reserve_shortfall_and_one_shoulder_rate_on_known_data(cast):
    """T1 has three villages: B1 with a one-shoulder secretary and reserves aged 49 and
    exactly 50 (one counts: short by one); B2 with three reserves under 50 and a secretary who
    does not chair (none short); B5 with nothing (short by two). Rate 1/3."""
    b5 = f.branch(township=cast.t1, name="南岭村党支部")
    cadre(cast.b1, party_post="secretary", village_post="chair")
    cadre(cast.b1, name="甲", reserve=True, party_post="", birth_date=dt.date(1976, 11, 21))
    cadre(cast.b1, name="乙", reserve=True, party_post="", birth_date=dt.date(1976, 11, 20))
    cadre(cast.b2, party_post="secretary", village_post="")
    cadre(cast.b2, name="丙", village_post="chair", party_post="")
    for n in "丁戊己":
        cadre(cast.b2, name=n, reserve=True, party_post="", birth_date=dt.date(1995, 1, 1))
    cadre(cast.b3, party_post="secretary", village_post="chair")  # T2: outside the scope

    rows = sel.cadre_rows(branches=list(sel.villages(scope=office_scope(cast.t1))), day=TODAY)
    by_name = {r.branch.name: r for r in rows}
    assert [r.branch.pk for r in rows] == [cast.b1.pk, cast.b2.pk, b5.pk]
    assert (by_name["东李庄党支部"].counting, by_name["东李庄党支部"].shortfall) == (1, 1)
    assert by_name["东李庄党支部"].one_shoulder
    assert (by_name["西王村党支部"].counting, by_name["西王村党支部"].shortfall) == (3, 0)
    assert not by_name["西王村党支部"].one_shoulder
    assert by_name["南岭村党支部"].shortfall == 2

    (summary,) = sel.cadre_summaries(scope=office_scope(cast.t1), day=TODAY)
    assert (summary.villages, summary.one_shoulder, summary.one_shoulder_rate) == (
        3, 1, Decimal("33.33"),
    )  # fmt: skip
    assert not summary.one_shoulder_met
    assert (summary.short_villages, summary.shortfall) == (2, 3)
    assert summary.committee == 3  # B1's secretary, B2's secretary and chair


# --- liaison duties ----------------------------------------------------------------------------


@pytest.fixture
def liaison_year(cast):
    """Leader 刘 is liaison of B1 for 2026: a themed day in Q1 (met), a lecture heard but not
    given in Q2 (unmet), a themed day at B2 in Q3 (another branch: unmet), a lecture given in
    Q4 (met, the quarter still running)."""
    point = LiaisonAssignment.objects.create(
        township=cast.t1, branch=cast.b1, cadre_name="刘镇长", cadre_post="副镇长", year=2026
    )
    q1 = f.meeting(branch=cast.b1, type="themed_day", date=dt.date(2026, 3, 5))
    q2 = f.meeting(branch=cast.b1, type="lecture", date=dt.date(2026, 5, 12))
    q3_elsewhere = f.meeting(branch=cast.b2, type="themed_day", date=dt.date(2026, 8, 5))
    q4 = f.meeting(branch=cast.b1, type="lecture", date=dt.date(2026, 11, 3))
    services_photos.guest_add(actor=cast.office, meeting=q1, liaison=point)
    services_photos.guest_add(actor=cast.office, meeting=q2, liaison=point, lectured=False)
    MeetingGuest.objects.create(meeting=q3_elsewhere, name="刘镇长", liaison=point)
    services_photos.guest_add(actor=cast.secretary, meeting=q4, liaison=point, lectured=True)
    return point


def test_liaison_quarters_from_the_guest_lists(cast, liaison_year):
    assignments = list(sel.liaison_assignments(scope=office_scope(cast.t1), year=2026))
    (row,) = sel.liaison_rows(assignments=assignments, year=2026, today=TODAY)
    assert row.statuses == ["met", "unmet", "unmet", "met"]
    assert sel.liaison_unmet_counts(rows=[row]) == [0, 1, 1, 0]


def test_a_guest_takes_the_liaisons_name_and_post(cast, liaison_year):
    guest = MeetingGuest.objects.filter(meeting__date=dt.date(2026, 3, 5)).get()
    assert (guest.name, guest.post) == ("刘镇长", "副镇长")
    assert AuditLog.objects.filter(action="branches.guest.added").count() == 3


def test_a_liaison_of_another_branch_is_refused_as_guest(cast, liaison_year):
    elsewhere = f.meeting(branch=cast.b2, type="themed_day", date=dt.date(2026, 9, 5))
    with pytest.raises(ApplicationError) as exc:
        services_photos.guest_add(actor=cast.office, meeting=elsewhere, liaison=liaison_year)
    assert str(exc.value) == "刘镇长不是西王村党支部 2026 年的挂包领导。"


def test_a_lecture_can_only_be_given_at_a_party_lecture(cast, liaison_year):
    themed = f.meeting(branch=cast.b1, type="themed_day", date=dt.date(2026, 9, 5))
    with pytest.raises(ApplicationError, match="只有党课才能登记“讲党课”；这次会议是主题党日"):
        services_photos.guest_add(
            actor=cast.office, meeting=themed, liaison=liaison_year, lectured=True
        )


def test_one_liaison_point_a_year_per_leader(cast, liaison_year):
    with pytest.raises(ApplicationError, match="刘镇长 2026 年已挂包东李庄党支部"):
        svc.liaison_assign(
            actor=cast.office, branch=cast.b2, cadre_name="刘镇长", cadre_post="", year=2026
        )


# --- classification ----------------------------------------------------------------------------


def points(total: str = "100") -> dict[str, Decimal]:
    """A sheet totalling `total`: full marks, the missing points taken from the first
    indicators in turn."""
    p = {code: i.max_points for code, i in org_rules.INDICATORS.items()}
    missing = 100 - Decimal(total)
    for code in p:
        taken = min(p[code], missing)
        p[code] -= taken
        missing -= taken
    return p


@pytest.mark.parametrize(
    ("total", "grade"),
    [("85", "advanced"), ("84.99", "average"), ("70", "average"), ("69.99", "lagging")],
)
def test_classification_stores_the_total_and_grade(cast, total, grade):
    sheet = svc.classification_enter(
        actor=cast.office, branch=cast.b1, year=2026, points=points(total)
    )
    assert sheet.total == Decimal(total) and sheet.grade == grade
    assert sheet.scores.count() == 18


def test_an_indicator_over_its_maximum_is_refused_and_nothing_stored(cast):
    p = points()
    p["E1"] = Decimal("7.01")
    with pytest.raises(ApplicationError) as exc:
        svc.classification_enter(actor=cast.office, branch=cast.b1, year=2026, points=p)
    assert str(exc.value) == "“集体经济发展”的得分须在 0 至 7 分之间。"
    assert exc.value.extra["field"] == "E1"
    assert not ClassificationSheet.objects.exists()


def test_re_entering_a_sheet_replaces_it_and_audits_the_changes(cast):
    svc.classification_enter(actor=cast.office, branch=cast.b1, year=2026, points=points())
    sheet = svc.classification_enter(
        actor=cast.office, branch=cast.b1, year=2026, points=points("93")
    )
    assert sheet.total == Decimal(93) and ClassificationSheet.objects.count() == 1
    last = AuditLog.objects.filter(action="branches.classification.entered").latest("pk")
    assert last.data["changes"] == {"A1": ["7.00", "0.00"]}


def test_classification_shares_per_township(cast):
    b5 = f.branch(township=cast.t1)
    svc.classification_enter(actor=cast.office, branch=cast.b1, year=2026, points=points())
    svc.classification_enter(actor=cast.office, branch=cast.b2, year=2026, points=points("84.99"))
    (s,) = sel.classification_summaries(scope=office_scope(cast.t1), year=2026)
    assert (s.villages, s.shares.total, s.missing) == (3, 2, 1)
    assert s.shares.counts == {"advanced": 1, "average": 1, "lagging": 0}
    assert s.shares.shares["advanced"] == Decimal("50.00") and not s.shares.advanced_met
    assert s.shares.average_met
    assert b5.pk not in sel.classification_sheets(branches=[b5], year=2026)


# --- demonstration villages ------------------------------------------------------------------


def checks(met: int) -> dict[int, tuple[bool, str]]:
    return {n: (n <= met, f"材料{n}" if n <= met else "") for n in org_rules.STANDARD_NUMBERS}


def test_a_standard_ticked_without_evidence_is_refused(cast):
    bad = checks(10) | {4: (True, "")}
    with pytest.raises(ApplicationError, match="第 4 条标准“党员作用发挥明显”达标须填写佐证材料"):
        svc.model_village_enter(actor=cast.office, branch=cast.b1, year=2026, checks=bad)


def test_the_township_share_of_demonstration_villages(cast):
    """T1: B1 meets all ten (a demonstration village), B2 nine: 1 of 2 = 50 %; with eight
    more villages, 1 of 10 = 10 % still meets the target, one more village does not."""
    assert svc.model_village_enter(actor=cast.office, branch=cast.b1, year=2026, checks=checks(10))
    assert not svc.model_village_enter(
        actor=cast.office, branch=cast.b2, year=2026, checks=checks(9)
    )
    (s,) = sel.model_village_summaries(scope=office_scope(cast.t1), year=2026)
    assert (s.villages, s.models, s.share) == (2, 1, Decimal("50.00"))
    for _ in range(8):
        f.branch(township=cast.t1)
    (s,) = sel.model_village_summaries(scope=office_scope(cast.t1), year=2026)
    assert (s.share, s.target_met) == (Decimal("10.00"), True)
    f.branch(township=cast.t1)
    (s,) = sel.model_village_summaries(scope=office_scope(cast.t1), year=2026)
    assert (s.share, s.target_met) == (Decimal("9.09"), False)
    (next_year,) = sel.model_village_summaries(scope=office_scope(cast.t1), year=2025)
    assert next_year.models == 0
