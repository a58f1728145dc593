"""The alliances' services: rules refused with a message naming the field, audit in the same
transaction, members keep their branch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from alliances import services
from alliances.models import Organisation, ProjectItem, Wish
from tests import factories as f
from township.errors import ApplicationError
from township.models import AuditLog

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 20)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("township.plausible.today", lambda: TODAY)


@pytest.fixture
def core(cast):
    return f.alliance(township=cast.t1, branches=[cast.b1], name="示例镇党建联盟")


def _actions() -> list[str]:
    return list(AuditLog.objects.order_by("pk").values_list("action", flat=True))


def test_an_alliance_is_created_with_its_audit_entry(cast):
    core = services.alliance_save(
        actor=cast.office, township=cast.t1, code="AL1", name="核心", kind="core", parent=None
    )
    red = services.alliance_save(
        actor=cast.office, township=cast.t1, code="AL2", name="红色", kind="red", parent=core
    )
    assert red.parent == core
    entry = AuditLog.objects.get(action="alliances.alliance.created", object_id=str(red.pk))
    assert entry.data["parent"] == "AL1" and entry.township_id == cast.t1.pk


def test_the_core_alliance_may_not_have_a_parent(cast, core):
    with pytest.raises(ApplicationError, match="核心联盟不能有上级联盟") as exc:
        services.alliance_save(
            actor=cast.office, township=cast.t1, code="X", name="X", kind="core", parent=core
        )
    assert exc.value.extra["field"] == "parent"


def test_a_parent_that_would_close_a_cycle_is_refused(cast, core):
    red = f.alliance(township=cast.t1, parent=core, kind="red", code="RED")
    green = f.alliance(township=cast.t1, parent=red, kind="green", code="GREEN")
    with pytest.raises(ApplicationError, match="会形成循环"):
        services.alliance_save(
            actor=cast.office,
            township=cast.t1,
            alliance=red,
            code="RED",
            name=red.name,
            kind="red",
            parent=green,
        )
    red.refresh_from_db()
    assert red.parent == core


def test_a_parent_of_another_township_is_refused(cast, core):
    other = f.alliance(township=cast.t2)
    with pytest.raises(ApplicationError, match="不属于本乡镇"):
        services.alliance_save(
            actor=cast.office, township=cast.t1, code="X", name="X", kind="red", parent=other
        )


def test_a_duplicate_code_is_refused_in_the_same_township_only(cast, core):
    with pytest.raises(ApplicationError, match="已被使用"):
        services.alliance_save(
            actor=cast.office, township=cast.t1, code=core.code, name="X", kind="red", parent=core
        )
    services.alliance_save(
        actor=cast.office2, township=cast.t2, code=core.code, name="X", kind="core", parent=None
    )


def test_a_change_records_only_what_changed(cast, core):
    services.alliance_save(
        actor=cast.office,
        township=cast.t1,
        alliance=core,
        code=core.code,
        name="新名称",
        kind="core",
        parent=None,
        leader="王强",
    )
    entry = AuditLog.objects.get(action="alliances.alliance.changed")
    assert entry.data["changes"] == {"name": ["示例镇党建联盟", "新名称"], "leader": ["", "王强"]}


def test_a_branch_organisation_needs_its_branch_and_others_may_not_have_one(cast, core):
    with pytest.raises(ApplicationError, match="须选择党支部"):
        services.organisation_add(
            actor=cast.office, alliance=core, code="O9", name="", kind="branch"
        )
    with pytest.raises(ApplicationError, match="只有类型为党支部"):
        services.organisation_add(
            actor=cast.office, alliance=core, code="O9", name="供电公司", kind="enterprise",
            branch=cast.b2,
        )  # fmt: skip
    org = services.organisation_add(
        actor=cast.office, alliance=core, code="O9", name="", kind="branch", branch=cast.b2
    )
    assert org.name == cast.b2.name
    assert "alliances.organisation.added" in _actions()


def test_a_branch_joins_an_alliance_once(cast, core):
    with pytest.raises(ApplicationError, match="已是本联盟的成员单位"):
        services.organisation_add(
            actor=cast.office, alliance=core, code="O9", name="", kind="branch", branch=cast.b1
        )


def test_a_branch_of_another_township_cannot_join(cast, core):
    with pytest.raises(ApplicationError, match="不属于本乡镇"):
        services.organisation_add(
            actor=cast.office, alliance=core, code="O9", name="", kind="branch", branch=cast.b3
        )


def test_the_database_refuses_a_branch_on_an_outside_organisation(cast, core):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            alliance=core, code="O9", name="企业", kind="enterprise", branch=cast.b2
        )


def _project(cast, core, due_on=TODAY):
    owner = core.organisations.get()
    return services.project_add(
        actor=cast.office,
        alliance=core,
        kind="common",
        title="村口路灯",
        owner=owner,
        due_on=due_on,
    )


def test_a_project_done_needs_its_date_and_evidence(cast, core):
    item = _project(cast, core)
    with pytest.raises(ApplicationError, match="完成佐证") as exc:
        services.project_progress(actor=cast.office, project=item, status="done", done_on=TODAY)
    assert exc.value.extra["field"] == "evidence"
    with pytest.raises(ApplicationError, match="完成日期"):
        services.project_progress(actor=cast.office, project=item, status="done", evidence="照片")
    services.project_progress(
        actor=cast.office, project=item, status="done", done_on=TODAY, evidence="照片"
    )
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("done", TODAY)


def test_a_project_cannot_be_done_tomorrow(cast, core):
    item = _project(cast, core)
    with pytest.raises(ApplicationError, match="晚于今天"):
        services.project_progress(
            actor=cast.office, project=item, status="done", done_on=TODAY + DAY, evidence="照片"
        )


def test_reopening_a_project_clears_its_done_date(cast, core):
    item = _project(cast, core)
    services.project_progress(
        actor=cast.office, project=item, status="done", done_on=TODAY, evidence="照片"
    )
    services.project_progress(actor=cast.office, project=item, status="active")
    assert ProjectItem.objects.get(pk=item.pk).done_on is None


def test_a_projects_owner_must_belong_to_the_alliance(cast, core):
    other = f.alliance(township=cast.t1, branches=[cast.b2])
    with pytest.raises(ApplicationError, match="牵头单位"):
        services.project_add(
            actor=cast.office, alliance=core, kind="common", title="X",
            owner=other.organisations.get(), due_on=TODAY,
        )  # fmt: skip


def _activity(cast, core, day, members=()):
    return services.activity_record(
        actor=cast.secretary,
        alliance=core,
        kind="volunteer",
        date=day,
        title="一月一公益",
        organisations=list(core.organisations.all()),
        members=members,
    )


def test_an_activity_may_be_dated_today_but_not_tomorrow(cast, core):
    assert _activity(cast, core, TODAY).date == TODAY
    with pytest.raises(ApplicationError, match="晚于今天") as exc:
        _activity(cast, core, TODAY + DAY)
    assert exc.value.extra["field"] == "date"


def test_a_member_takes_part_without_leaving_their_branch(cast, core):
    activity = _activity(cast, core, TODAY, members=[cast.m1])
    cast.m1.refresh_from_db()
    assert cast.m1.branch == cast.b1
    assert list(activity.members.all()) == [cast.m1]
    entry = AuditLog.objects.get(action="alliances.activity.recorded")
    assert entry.data["members"] == [cast.m1.code]


def test_a_member_of_a_branch_outside_the_alliance_cannot_take_part(cast, core):
    outsider = f.member(branch=cast.b2, name="王五")
    with pytest.raises(ApplicationError, match="王五 所在支部不是本联盟的成员单位"):
        _activity(cast, core, TODAY, members=[outsider])


def test_the_wish_life_cycle_leaves_three_audit_entries(cast, core):
    wish = services.wish_raise(actor=cast.office, alliance=core, need="修缮路灯", raised_on=TODAY)
    assert wish.code == "W1" and wish.state == "open"
    services.wish_claim(actor=cast.secretary, wish=wish, member=cast.m1, claimed_on=TODAY)
    services.wish_fulfil(actor=cast.office, wish=wish, fulfilled_on=TODAY, evidence="已修复")
    wish.refresh_from_db()
    assert wish.state == "fulfilled" and wish.claimed_by == cast.m1
    assert _actions() == [
        "alliances.wish.raised",
        "alliances.wish.claimed",
        "alliances.wish.fulfilled",
    ]


def test_a_claim_one_day_before_the_wish_was_raised_is_refused(cast, core):
    wish = f.wish(alliance=core, raised_on=TODAY)
    with pytest.raises(ApplicationError, match="早于心愿提出日期") as exc:
        services.wish_claim(actor=cast.secretary, wish=wish, member=cast.m1, claimed_on=TODAY - DAY)
    assert exc.value.extra["field"] == "claimed_on"
    assert Wish.objects.get(pk=wish.pk).claimed_by is None


def test_a_fulfilment_one_day_before_the_claim_is_refused(cast, core):
    wish = f.wish(alliance=core, raised_on=TODAY - DAY, claimed_by=cast.m1, claimed_on=TODAY)
    with pytest.raises(ApplicationError, match="早于认领日期"):
        services.wish_fulfil(actor=cast.office, wish=wish, fulfilled_on=TODAY - DAY, evidence="x")


def test_a_fulfilment_needs_evidence(cast, core):
    wish = f.wish(alliance=core, raised_on=TODAY, claimed_by=cast.m1, claimed_on=TODAY)
    with pytest.raises(ApplicationError, match="完成佐证") as exc:
        services.wish_fulfil(actor=cast.office, wish=wish, fulfilled_on=TODAY, evidence=" ")
    assert exc.value.extra["field"] == "evidence"


def test_an_unclaimed_wish_cannot_be_fulfilled(cast, core):
    wish = f.wish(alliance=core, raised_on=TODAY)
    with pytest.raises(ApplicationError, match="尚未认领"):
        services.wish_fulfil(actor=cast.office, wish=wish, fulfilled_on=TODAY, evidence="x")


def test_a_claimed_wish_cannot_be_claimed_again(cast, core):
    wish = f.wish(alliance=core, raised_on=TODAY, claimed_by=cast.m1, claimed_on=TODAY)
    other = f.member(branch=cast.b1)
    with pytest.raises(ApplicationError, match="已由张伟认领"):
        services.wish_claim(actor=cast.office, wish=wish, member=other, claimed_on=TODAY)


def test_a_member_outside_the_alliance_cannot_claim(cast, core):
    wish = f.wish(alliance=core, raised_on=TODAY)
    with pytest.raises(ApplicationError, match="不是本联盟的成员单位"):
        services.wish_claim(
            actor=cast.office, wish=wish, member=f.member(branch=cast.b2), claimed_on=TODAY
        )


def test_the_database_refuses_a_wish_claimed_before_it_was_raised(cast, core):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.wish(alliance=core, raised_on=TODAY, claimed_by=cast.m1, claimed_on=TODAY - DAY)


@pytest.mark.parametrize(
    ("score", "ok"), [("0", True), ("100", True), ("100.01", False), ("-0.01", False)]
)
def test_an_evaluation_score_stays_within_0_and_100(cast, core, score, ok):
    if ok:
        row = services.evaluation_set(
            actor=cast.office, alliance=core, year=2025, score=Decimal(score)
        )
        assert row.score == Decimal(score)
    else:
        with pytest.raises(ApplicationError, match="0 到 100"):
            services.evaluation_set(
                actor=cast.office, alliance=core, year=2025, score=Decimal(score)
            )


def test_changing_an_evaluation_audits_before_and_after_with_the_stars(cast, core):
    services.evaluation_set(actor=cast.office, alliance=core, year=2025, score=Decimal("85"))
    services.evaluation_set(actor=cast.office, alliance=core, year=2025, score=Decimal("91"))
    entries = AuditLog.objects.filter(action="alliances.evaluation.set").order_by("pk")
    assert [e.data["score"] for e in entries] == [[None, "85.00"], ["85.00", "91.00"]]
    assert [e.data["stars"] for e in entries] == [2, 3]


def test_an_evaluation_of_next_year_is_refused(cast, core):
    with pytest.raises(ApplicationError, match="尚未到来"):
        services.evaluation_set(actor=cast.office, alliance=core, year=2027, score=Decimal(90))


def test_a_contest_score_is_kept_per_half_year(cast, core):
    services.contest_score_set(
        actor=cast.office, alliance=core, year=2026, half=1, score=Decimal(80)
    )
    services.contest_score_set(
        actor=cast.office, alliance=core, year=2026, half=2, score=Decimal(70)
    )
    assert sorted(core.contest_scores.values_list("half", "score")) == [(1, 80), (2, 70)]
    with pytest.raises(ApplicationError, match="半年"):
        services.contest_score_set(
            actor=cast.office, alliance=core, year=2026, half=3, score=Decimal(1)
        )


def test_a_cycle_is_found_when_the_edit_also_changes_the_code(cast, core):
    red = f.alliance(township=cast.t1, parent=core, kind="red", code="RED")
    green = f.alliance(township=cast.t1, parent=red, kind="green", code="GREEN")
    with pytest.raises(ApplicationError, match="会形成循环"):
        services.alliance_save(
            actor=cast.office,
            township=cast.t1,
            alliance=red,
            code="RED2",
            name=red.name,
            kind="red",
            parent=green,
        )
