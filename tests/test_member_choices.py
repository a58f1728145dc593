"""Forms that offer a township's members (a talk, a training's attendance, an alliance's
activity and wish) and the report form that offers a county's branches: the choices a person
sees and may pick, and a number of queries that does not grow with the members or branches.

The choices are read as values (`members.choices`, `branches.reports.branch_targets`); these
tests hold them to what the model choice fields offered before."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatives.forms import HolderForm
from members import selectors_life
from members.choices import MemberChoiceField
from members.forms_life import TalkForm, TrainingAttendanceForm
from members.models import Member, TrainingSession
from tests import factories as f
from tests.conftest import BACKEND, get_query_count
from township.forms import ReportRequestForm
from township.scoping import scope_for
from township.views import _report_kinds_for

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC), tick=False):
        yield D(2026, 11, 30)


def _options(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', html)


def test_the_talk_form_offers_the_townships_current_members_by_branch(cast):
    late = f.member(branch=cast.b2, name="王芳")
    first = f.member(branch=cast.b1, name="刘洋")  # B1 before B2, then by member code
    f.member(branch=cast.b1, name="陈静", left_on=D(2026, 3, 1))  # left: not offered
    html = str(TalkForm(scope=scope_for(cast.office))["member"])
    assert _options(html) == [
        ("", "---------"),
        (str(cast.m1.pk), "张伟（东李庄党支部）"),
        (str(first.pk), "刘洋（东李庄党支部）"),
        (str(late.pk), "王芳（西王村党支部）"),
    ]  # nobody of T2 (李娜) or of the other county (赵敏)


def test_a_picked_member_is_a_whole_member_and_one_outside_the_scope_is_refused(
    cast, django_assert_num_queries
):
    form = TalkForm(
        {"member": cast.m1.pk, "talker": "王书记", "date": "2026-11-02", "topic": "谈心"},
        scope=scope_for(cast.office),
    )
    assert form.is_valid(), form.errors
    member = form.cleaned_data["member"]
    assert isinstance(member, Member) and member == cast.m1
    with django_assert_num_queries(0):  # its fields and its branch came with it
        assert (member.township_id, member.branch.name, member.code) == (
            cast.t1.pk,
            "东李庄党支部",
            cast.m1.code,
        )
    for outsider in (cast.m3, cast.m4):
        form = TalkForm(
            {"member": outsider.pk, "talker": "王书记", "date": "2026-11-02", "topic": "谈心"},
            scope=scope_for(cast.office),
        )
        assert not form.is_valid()
        assert "选择一个有效的选项" in str(form.errors["member"])


def test_a_cooperatives_holder_form_offers_its_townships_members_by_branch(
    cast, django_assert_num_queries
):
    coop = f.cooperative(branch=cast.b1)
    form = HolderForm(cooperative=coop)
    with django_assert_num_queries(1):
        html = str(form["member"])
    labels = dict(_options(html))
    assert labels[str(cast.m1.pk)] == "张伟（东李庄党支部）"
    assert str(cast.m3.pk) not in labels and str(cast.m4.pk) not in labels  # T2, county 2
    data = {"code": "H1", "kind": "villager", "name": "张伟", "contribution": "money"}
    data |= {"value": "1000", "shares": "10"}
    bound = HolderForm({**data, "member": cast.m1.pk}, cooperative=coop)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["member"] == cast.m1
    outsider = HolderForm({**data, "member": cast.m3.pk}, cooperative=coop)
    assert not outsider.is_valid() and "member" in outsider.errors


def test_a_member_field_keeps_the_value_picked_when_the_form_comes_back(cast):
    other = f.member(branch=cast.b2, name="王芳")
    form = TalkForm({"member": str(other.pk)}, scope=scope_for(cast.office))
    html = str(form["member"])
    assert f'<option value="{other.pk}" selected>王芳（西王村党支部）</option>' in html
    assert html.count(" selected") == 1


def test_the_training_form_ticks_who_attended_and_saves_what_is_ticked(as_office, cast):
    other = f.member(branch=cast.b2, name="王芳")
    session = TrainingSession.objects.create(
        township=cast.t1, kind="rotation", date=D(2026, 10, 10), title="轮训", hours=3
    )
    session.attendance.create(member=cast.m1)
    url = reverse("members:training_attendance", args=[session.pk])
    page = as_office.get(url).content.decode()
    assert re.search(
        rf'value="{cast.m1.pk}" id="id_members_\d+" checked>\n 张伟（东李庄党支部）', page
    )
    assert re.search(rf'value="{other.pk}" id="id_members_\d+">\n 王芳（西王村党支部）', page)
    assert cast.m3.name not in page and cast.m4.name not in page
    as_office.post(url, {"members": [other.pk]})
    assert list(session.attendance.values_list("member_id", flat=True)) == [other.pk]
    as_office.post(url, {"members": [cast.m3.pk]})  # of T2: refused, nothing changed
    assert list(session.attendance.values_list("member_id", flat=True)) == [other.pk]


def test_the_choices_are_one_query_whatever_the_number_of_members(cast, django_assert_num_queries):
    def render() -> None:  # the two member fields (the applicants' field aside)
        str(TrainingAttendanceForm(scope=scope_for(cast.office))["members"])
        str(TalkForm(scope=scope_for(cast.office))["member"])

    with django_assert_num_queries(2):
        render()
    for i in range(40):
        f.member(branch=cast.b2 if i % 2 else cast.b1)
    with django_assert_num_queries(2):
        render()


@pytest.mark.parametrize("extra", [5, 50])
def test_the_member_form_pages_take_the_same_queries_for_few_and_many_members(
    as_office, cast, extra
):
    session = TrainingSession.objects.create(
        township=cast.t1, kind="rotation", date=D(2026, 10, 10), title="轮训", hours=3
    )
    counts = []
    for _round in range(2):
        for i in range(extra):
            f.member(branch=cast.b2 if i % 2 else cast.b1)
        counts.append(
            (
                get_query_count(as_office, reverse("members:talk_create")),
                get_query_count(
                    as_office, reverse("members:training_attendance", args=[session.pk])
                ),
            )
        )
    assert counts[0] == counts[1]


def test_member_choices_label_an_empty_field_as_django_does(cast):
    field = MemberChoiceField(queryset=Member.objects.filter(pk=cast.m1.pk), required=False)
    assert next(iter(field.choices)) == ("", "---------")
    field = MemberChoiceField(
        queryset=Member.objects.filter(pk=cast.m1.pk), empty_label=None, required=True
    )
    assert [str(v) for v, _label in field.choices] == [str(cast.m1.pk)]


# --- the report form's branches ---------------------------------------------------------------


def _targets(user) -> list[tuple[str, str]]:
    scope = scope_for(user)
    return list(
        ReportRequestForm(kinds=_report_kinds_for(scope), scope=scope).fields["target"].choices
    )


def test_the_report_form_offers_the_branches_of_the_reviewers_county_only(cast):
    targets = dict(_targets(cast.reviewer))
    branches = {k: v for k, v in targets.items() if k.startswith("branch:")}
    assert branches == {
        f"branch:{cast.b1.pk}": "党支部 · 一号镇 东李庄党支部",
        f"branch:{cast.b2.pk}": "党支部 · 一号镇 西王村党支部",
        f"branch:{cast.b3.pk}": "党支部 · 二号镇 南张村党支部",
    }
    assert {k for k in dict(_targets(cast.reviewer2)) if k.startswith("branch:")} == {
        f"branch:{cast.b4.pk}"
    }
    office = {k for k in dict(_targets(cast.office)) if k.startswith("branch:")}
    assert office == {f"branch:{cast.b1.pk}", f"branch:{cast.b2.pk}"}


def test_the_report_page_takes_the_same_queries_for_few_and_many_branches(client, cast):
    client.force_login(cast.reviewer, backend=BACKEND)
    counts = []
    for n in (5, 45):
        for _ in range(n):
            f.branch(township=cast.t2)
        counts.append(get_query_count(client, reverse("reports:list")))
    assert counts[0] == counts[1]


def test_the_report_form_asks_kinds_that_share_their_targets_once(cast):
    """Kinds with the same `target_choices` and levels are asked once: the targets are those
    of asking every kind, and the county's branches are read once for each distinct ask."""
    scope = scope_for(cast.reviewer)
    kinds = _report_kinds_for(scope)
    every = []
    for kind in kinds:
        for t in kind.target_choices(scope=scope):
            key = f"{t.level}:{t.branch_id or t.township_id or t.county_id}"
            if key not in [k for k, _ in every]:
                every.append((key, t.label))
    assert [k for k, _ in _targets(cast.reviewer)] == [k for k, _ in every]
    asks = {(type(k).target_choices, tuple(k.levels)) for k in kinds if "branch" in k.levels}
    assert 1 < len(asks) < len([k for k in kinds if "branch" in k.levels])
    with CaptureQueriesContext(connection) as queries:
        ReportRequestForm(kinds=kinds, scope=scope)
    branch_reads = [q for q in queries if 'FROM "branches_branch"' in q["sql"]]
    assert len(branch_reads) == len(asks)


# --- the training compliance list's links -------------------------------------------------------


def test_compliance_rows_link_members_and_applicants_to_their_pages(cast, today):
    applicant = f.applicant(branch=cast.b1, since=D(2026, 2, 1))
    applicant.history.create(stage="activist", date=D(2026, 2, 1))
    rows = selectors_life.training_compliance(scope=scope_for(cast.office), year=2026, as_of=today)
    links = {r.name: r.url for r in rows}
    assert links["张伟"] == reverse("members:member_timeline", args=[cast.m1.pk])
    assert links[applicant.name] == reverse("members:applicant_detail", args=[applicant.pk])
