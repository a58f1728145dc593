"""Organisation management by the office: the services refuse what the rules refuse, keep
history and leave their audit entries (branches/services_admin.py, members.member_transfer)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine

from branches import selectors_admin as sel
from branches import services_admin as svc
from branches.models import BranchAreaMove, LiaisonAssignment, PartyGroup
from branches.services import meeting_create
from members.models import BranchTransfer, Member
from members.services import member_create
from members.services_life import member_transfer
from tests import factories as f
from township.errors import ApplicationError
from township.models import AuditLog, User
from township.scoping import scope_for

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def actions(**kw) -> list[str]:
    return list(AuditLog.objects.filter(**kw).order_by("pk").values_list("action", flat=True))


def new_branch(cast, **kw):
    fields = {"code": "B900", "name": "新村党支部", "kind": "village", "has_groups": True} | kw
    return svc.branch_create(actor=cast.office, township=cast.t1, **fields)


# --- areas ----------------------------------------------------------------------------------------


def test_an_area_code_is_unique_in_its_township_only(cast):
    svc.area_save(actor=cast.office, township=cast.t1, code="A1", name="东片", head_name="王")
    with pytest.raises(ApplicationError, match="片区代码 A1 已被使用"):
        svc.area_save(actor=cast.office, township=cast.t1, code="A1", name="西片")
    other = svc.area_save(actor=cast.office2, township=cast.t2, code="A1", name="东片")
    assert other.township == cast.t2
    assert actions(action__startswith="branches.area") == ["branches.area.created"] * 2


def test_editing_an_area_audits_what_changed_and_may_keep_its_own_code(cast):
    area = svc.area_save(actor=cast.office, township=cast.t1, code="A1", name="东片")
    svc.area_save(actor=cast.office, township=cast.t1, area=area, code="A1", name="东一片")
    entry = AuditLog.objects.get(action="branches.area.changed")
    assert entry.data["changes"] == {"name": ["东片", "东一片"]}


def test_an_area_name_of_101_characters_is_refused_and_100_accepted(cast):
    svc.area_save(actor=cast.office, township=cast.t1, code="A1", name="片" * 100)
    with pytest.raises(ApplicationError, match="最多 100 个字"):
        svc.area_save(actor=cast.office, township=cast.t1, code="A2", name="片" * 101)


# --- branches -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "ranked"),
    [("village", True), ("community", True), ("flowing", False), ("education", False)],
)
def test_a_new_branch_is_ranked_by_its_kind_unless_told(cast, kind, ranked):
    assert new_branch(cast, kind=kind).ranked is ranked


def test_an_explicit_ranking_overrides_the_kind(cast):
    assert new_branch(cast, kind="flowing", ranked=True).ranked is True
    assert new_branch(cast, code="B901", kind="village", ranked=False).ranked is False


def test_a_branch_code_taken_in_the_township_is_refused(cast):
    with pytest.raises(ApplicationError, match=f"党支部代码 {cast.b1.code} 已被使用"):
        new_branch(cast, code=cast.b1.code)
    assert new_branch(cast, code=cast.b3.code).township == cast.t1  # B3's code is T2's


def test_a_general_branch_cannot_be_its_own_ancestor(cast):
    general = new_branch(cast, code="Z1", name="总支")
    sub = new_branch(cast, code="Z2", name="一支部", general_branch=general)
    subsub = new_branch(cast, code="Z3", name="一支部一组", general_branch=sub)
    with pytest.raises(ApplicationError, match="不能隶属于自己或自己的下级"):
        svc.branch_update(actor=cast.office, branch=general, general_branch=subsub)
    with pytest.raises(ApplicationError, match="不能隶属于自己或自己的下级"):
        svc.branch_update(actor=cast.office, branch=general, general_branch=general)
    general.refresh_from_db()
    assert general.general_branch is None
    # One level up is no cycle: the sub-branch may move under another general branch.
    other = new_branch(cast, code="Z4", name="二总支")
    svc.branch_update(actor=cast.office, branch=sub, general_branch=other)
    assert list(other.sub_branches.all()) == [sub]


def test_a_sub_branch_must_be_in_the_same_township(cast):
    with pytest.raises(ApplicationError, match="须是本乡镇的党组织"):
        new_branch(cast, general_branch=cast.b3)


def test_an_area_of_another_township_is_refused(cast):
    area = svc.area_save(actor=cast.office2, township=cast.t2, code="A1", name="东片")
    with pytest.raises(ApplicationError, match="片区不属于本乡镇"):
        new_branch(cast, area=area)


def test_a_move_between_areas_keeps_its_history_and_is_audited(cast):
    east = svc.area_save(actor=cast.office, township=cast.t1, code="A1", name="东片")
    west = svc.area_save(actor=cast.office, township=cast.t1, code="A2", name="西片")
    svc.branch_update(actor=cast.office, branch=cast.b1, area=east)
    svc.branch_update(actor=cast.office, branch=cast.b1, area=west)
    moves = list(BranchAreaMove.objects.filter(branch=cast.b1).order_by("pk"))
    assert [(m.from_area, m.to_area) for m in moves] == [(None, east), (east, west)]
    assert all(m.moved_on == TODAY and m.moved_by == cast.office for m in moves)
    moved = AuditLog.objects.filter(action="branches.branch.moved").order_by("pk")
    assert [(e.data["from"], e.data["to"]) for e in moved] == [(None, "A1"), ("A1", "A2")]
    assert [m.to_area for m in sel.branch_history(branch=cast.b1).area_moves] == [west, east]


def test_an_unchanged_save_writes_nothing(cast):
    before = AuditLog.objects.count()
    svc.branch_update(actor=cast.office, branch=cast.b1, name=cast.b1.name)
    assert AuditLog.objects.count() == before
    assert not BranchAreaMove.objects.exists()


# --- deactivation ---------------------------------------------------------------------------------


def test_deactivation_is_refused_while_members_remain_and_names_how_many(cast):
    f.member(branch=cast.b1)  # with m1: two members
    with pytest.raises(ApplicationError, match="还有 2 名党员"):
        svc.branch_deactivate(actor=cast.office, branch=cast.b1)
    cast.b1.refresh_from_db()
    assert cast.b1.active


def test_one_remaining_member_refuses_and_none_allows_deactivation(cast):
    branch = new_branch(cast)
    member = f.member(branch=branch, branch_since=dt.date(2026, 1, 1))
    with pytest.raises(ApplicationError, match="还有 1 名党员"):
        svc.branch_deactivate(actor=cast.office, branch=branch)
    member_transfer(actor=cast.office, member=member, to=cast.b1, on=dt.date(2026, 11, 2))
    svc.branch_deactivate(actor=cast.office, branch=branch)
    branch.refresh_from_db()
    assert (branch.active, branch.deactivated_on) == (False, TODAY)


def test_a_member_who_left_does_not_hold_the_branch_back(cast):
    branch = new_branch(cast)
    f.member(branch=branch, branch_since=dt.date(2020, 1, 1), left_on=dt.date(2026, 3, 1))
    assert svc.branch_deactivate(actor=cast.office, branch=branch).active is False


def test_a_general_branch_with_active_sub_branches_is_not_deactivated(cast):
    general = new_branch(cast, code="Z1")
    new_branch(cast, code="Z2", general_branch=general)
    with pytest.raises(ApplicationError, match="还有 1 个在用的党支部"):
        svc.branch_deactivate(actor=cast.office, branch=general)


def test_deactivation_deactivates_the_branch_accounts_and_audits_each(cast):
    branch = new_branch(cast)
    secretary, _pw = svc.account_create(
        actor=cast.office, branch=branch, role="secretary", full_name="孙丽"
    )
    svc.branch_deactivate(actor=cast.office, branch=branch)
    secretary.refresh_from_db()
    assert not secretary.is_active
    assert scope_for(secretary).is_empty
    assert AuditLog.objects.filter(
        action="auth.user.changed",
        object_id=str(secretary.pk),
        data__changes__is_active=[True, False],
    ).exists()
    assert "branches.branch.deactivated" in actions(object_id=str(branch.pk))


def test_a_deactivated_branch_takes_no_meetings_members_or_transfers(cast):
    branch = new_branch(cast)
    svc.branch_deactivate(actor=cast.office, branch=branch)
    with pytest.raises(ApplicationError, match="已撤销，不能再登记会议"):
        meeting_create(
            actor=cast.office, branch=branch, type="committee", date=dt.date(2026, 11, 3)
        )
    with pytest.raises(ApplicationError, match="已撤销，不能再加入党员"):
        member_create(actor=cast.office, branch=branch, name="新人", gender="F")
    with pytest.raises(ApplicationError, match="已撤销，不能转入党员"):
        member_transfer(actor=cast.office, member=cast.m1, to=branch, on=dt.date(2026, 11, 2))
    assert not branch.meetings.exists() and not Member.objects.filter(branch=branch).exists()


def test_a_deactivated_branch_is_hidden_from_the_list_unless_asked(cast):
    branch = new_branch(cast)
    svc.branch_deactivate(actor=cast.office, branch=branch)
    scope = scope_for(cast.office)
    assert branch not in sel.manage_branches(scope=scope)
    assert branch in sel.manage_branches(scope=scope, show_inactive=True)


def test_reactivation_takes_the_branch_back_but_not_its_accounts(cast):
    branch = new_branch(cast)
    user, _pw = svc.account_create(
        actor=cast.office, branch=branch, role="secretary", full_name="孙丽"
    )
    svc.branch_deactivate(actor=cast.office, branch=branch)
    svc.branch_reactivate(actor=cast.office, branch=branch)
    branch.refresh_from_db()
    user.refresh_from_db()
    assert (branch.active, branch.deactivated_on, user.is_active) == (True, None, False)
    with pytest.raises(ApplicationError, match="在用，无需恢复"):
        svc.branch_reactivate(actor=cast.office, branch=branch)


# --- Party groups ---------------------------------------------------------------------------------


def test_groups_are_created_and_renamed_with_unique_names_per_branch(cast):
    one = svc.group_save(actor=cast.office, branch=cast.b1, name="第一组", leader_name="王")
    svc.group_save(actor=cast.office, branch=cast.b2, name="第一组")  # another branch: fine
    two = svc.group_save(actor=cast.office, branch=cast.b1, name="第二组")
    with pytest.raises(ApplicationError, match="已有名为“第一组”的党小组"):
        svc.group_save(actor=cast.office, branch=cast.b1, group=two, name="第一组")
    svc.group_save(actor=cast.office, branch=cast.b1, group=one, name="东组", leader_name="王")
    assert sorted(PartyGroup.objects.filter(branch=cast.b1).values_list("name", flat=True)) == [
        "东组",
        "第二组",
    ]
    renamed = AuditLog.objects.get(action="branches.group.renamed")
    assert renamed.data["changes"] == {"name": ["第一组", "东组"]}


# --- member transfers -----------------------------------------------------------------------------


def test_a_transfer_keeps_the_old_spell_as_history_and_starts_the_new_one(cast):
    m = f.member(branch=cast.b1, branch_since=dt.date(2019, 5, 1))
    on = dt.date(2026, 11, 2)
    member_transfer(actor=cast.office, member=m, to=cast.b2, on=on, note="搬家")
    m.refresh_from_db()
    assert (m.branch, m.branch_since, m.left_on) == (cast.b2, on, None)
    spell = BranchTransfer.objects.get(member=m)
    assert (spell.branch, spell.since, spell.left_on, spell.note) == (
        cast.b1,
        dt.date(2019, 5, 1),
        on,
        "搬家",
    )
    entry = AuditLog.objects.get(action="members.member.transferred")
    assert entry.data == {
        "from": cast.b1.code,
        "to": cast.b2.code,
        "on": "2026-11-02",
        "reason": "搬家",
    }
    # Both branches' pages show it: out of B1, into B2.
    assert [t.member for t in sel.branch_history(branch=cast.b1).transfers_out] == [m]
    assert [mm for mm, _t in sel.branch_history(branch=cast.b2).transfers_in] == [m]


def test_a_transfer_on_the_day_joined_is_accepted_and_the_day_before_refused(cast):
    since = dt.date(2026, 6, 10)
    m = f.member(branch=cast.b1, branch_since=since)
    with pytest.raises(ApplicationError, match="早于转入现支部的日期"):
        member_transfer(actor=cast.office, member=m, to=cast.b2, on=since - dt.timedelta(days=1))
    member_transfer(actor=cast.office, member=m, to=cast.b2, on=since)
    assert BranchTransfer.objects.get(member=m).left_on == since


def test_a_transfer_to_another_township_or_the_same_branch_is_refused(cast):
    with pytest.raises(ApplicationError, match="只能转入本乡镇"):
        member_transfer(actor=cast.office, member=cast.m1, to=cast.b3, on=dt.date(2026, 11, 2))
    with pytest.raises(ApplicationError, match="已在"):
        member_transfer(actor=cast.office, member=cast.m1, to=cast.b1, on=dt.date(2026, 11, 2))
    assert not BranchTransfer.objects.exists()


def test_a_transfer_dated_tomorrow_is_refused(cast):
    with pytest.raises(ApplicationError):
        member_transfer(actor=cast.office, member=cast.m1, to=cast.b2, on=dt.date(2026, 11, 21))
    member_transfer(actor=cast.office, member=cast.m1, to=cast.b2, on=TODAY)


# --- accounts -------------------------------------------------------------------------------------


def test_a_secretary_account_gets_the_branch_scope_and_a_working_one_time_password(cast):
    user, password = svc.account_create(
        actor=cast.office, branch=cast.b2, role="secretary", full_name="周敏", username="zhoumin"
    )
    user.refresh_from_db()
    assert (user.role, user.township, user.county, user.branch) == (
        "secretary",
        cast.t1,
        cast.county,
        cast.b2,
    )
    assert user.check_password(password)
    scope = scope_for(user)
    assert (scope.role, scope.branch_id) == ("secretary", cast.b2.pk)
    cast.b2.refresh_from_db()
    assert cast.b2.secretary_name == "周敏"
    written = actions(object_id__in=[str(user.pk), str(cast.b2.pk)])
    assert written == ["auth.user.created", "branches.account.assigned", "branches.branch.changed"]
    dump = json.dumps(list(AuditLog.objects.values("data")), ensure_ascii=False)
    assert password not in dump and user.password not in dump


def test_the_initial_password_passes_the_settings_validators():
    from django.contrib.auth.password_validation import validate_password

    for _i in range(20):
        password = svc.initial_password()
        assert len(password) == 19
        validate_password(password, User(username="someone"))


def test_a_generated_username_is_unique(cast):
    one, _p = svc.account_create(
        actor=cast.office, branch=cast.b2, role="secretary", full_name="甲"
    )
    two, _p = svc.account_create(
        actor=cast.office, branch=cast.b2, role="secretary", full_name="乙"
    )
    assert one.username != two.username
    assert two.username == one.username + "-2"


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("secretary", "已被使用"),
        ("SECRETARY", "已被使用"),
        ("has space", "用户名"),
        ("x" * 151, "150"),
    ],
)
def test_a_taken_or_invalid_username_is_refused(cast, username, message):
    with pytest.raises(ApplicationError, match=message):
        svc.account_create(
            actor=cast.office, branch=cast.b2, role="secretary", full_name="周敏", username=username
        )


def test_a_username_of_150_characters_is_accepted(cast):
    user, _p = svc.account_create(
        actor=cast.office, branch=cast.b2, role="secretary", full_name="周敏", username="x" * 150
    )
    assert len(user.username) == 150


def test_only_secretary_and_liaison_accounts_are_made_here(cast):
    with pytest.raises(ApplicationError, match="只能为支部书记或挂包领导建账号"):
        svc.account_create(actor=cast.office, branch=cast.b2, role="office", full_name="周敏")


def test_a_liaison_account_takes_the_branch_as_this_years_liaison_point(cast):
    user, _pw = svc.account_create(
        actor=cast.office, branch=cast.b2, role="liaison", full_name="刘镇长"
    )
    point = LiaisonAssignment.objects.get(cadre_name="刘镇长", year=2026)
    assert (point.branch, user.branch, user.role) == (cast.b2, cast.b2, "liaison")
    # The same cadre cannot be given a second point the same year.
    with pytest.raises(ApplicationError, match="每人每年只挂包一个党支部"):
        svc.account_assign(actor=cast.office, branch=cast.b1, user=user)


def test_an_existing_secretary_is_reassigned_and_reactivated(cast):
    svc.account_deactivate(actor=cast.office, user=cast.secretary)
    svc.account_assign(actor=cast.office, branch=cast.b2, user=cast.secretary)
    cast.secretary.refresh_from_db()
    assert (cast.secretary.branch, cast.secretary.is_active) == (cast.b2, True)
    entry = AuditLog.objects.filter(
        action="auth.user.changed", object_id=str(cast.secretary.pk)
    ).latest("pk")
    assert entry.data["changes"]["branch"] == [
        f"{cast.b1} #{cast.b1.pk}",
        f"{cast.b2} #{cast.b2.pk}",
    ]
    assert entry.data["changes"]["is_active"] == [False, True]


def test_an_account_of_another_township_is_not_assigned(cast):
    with pytest.raises(ApplicationError, match="只能指定本乡镇"):
        svc.account_assign(actor=cast.office, branch=cast.b2, user=cast.secretary3)


def test_an_account_is_deactivated_never_deleted(cast):
    svc.account_deactivate(actor=cast.office, user=cast.secretary)
    assert User.objects.filter(pk=cast.secretary.pk, is_active=False).exists()
    with pytest.raises(ApplicationError):
        svc.account_deactivate(actor=cast.office, user=cast.office2)


@pytest.mark.parametrize(
    ("amount", "accepted"),
    [("0.19", False), ("0.20", True), ("1.00", True), ("1.01", False)],
)
def test_the_fixed_dues_amount_of_a_branch_stays_within_its_bounds(cast, amount, accepted):
    if not accepted:
        with pytest.raises(ApplicationError, match=r"固定党费金额须在 0\.20 至 1\.00 元之间"):
            svc.branch_update(actor=cast.office, branch=cast.b1, dues_fixed_amount=Decimal(amount))
        return
    svc.branch_update(actor=cast.office, branch=cast.b1, dues_fixed_amount=Decimal(amount))
    cast.b1.refresh_from_db()
    assert cast.b1.dues_fixed_amount == Decimal(amount)
    entry = AuditLog.objects.filter(action="branches.branch.changed").last()
    if amount != "0.50":
        assert entry.data["changes"]["dues_fixed_amount"][1] == amount
