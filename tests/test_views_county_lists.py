"""A county reviewer's member life-cycle lists (pipeline, Party school, compliance, lagging,
flowing, talks) show one township at a time: the scope narrowed to the township picked, the
first by default. Their figures are worked out person by person, and a county's 30,000 people
took seconds a request."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from members.models import Applicant, HeartTalk, Member, TrainingSession
from tests import factories as f
from tests.conftest import BACKEND, get_query_count
from township.scoping import scope_for

D = dt.date

PAGES = (
    "members:pipeline_list",
    "members:training_list",
    "members:training_compliance",
    "members:lagging_list",
    "members:flowing_list",
    "members:talk_list",
)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC), tick=False):
        yield D(2026, 11, 30)


def _records(member: Member, tag: str) -> list[str]:
    """A row of each list for `member`'s township, each showing `tag` or the member's name."""
    township = member.branch.township
    applicant = f.applicant(branch=member.branch)
    Applicant.objects.filter(pk=applicant.pk).update(name=f"申请人{tag}")
    session = f.training_session(township=township, date=D(2026, 5, 1))
    TrainingSession.objects.filter(pk=session.pk).update(title=f"培训{tag}")
    f.lagging_spell(member=member, reason=f"原因{tag}")
    f.flowing_spell(member=member, workplace=f"务工地{tag}")
    HeartTalk.objects.create(member=member, talker="王书记", date=D(2026, 5, 2), topic=f"谈话{tag}")
    return [f"申请人{tag}", f"培训{tag}", member.name, f"原因{tag}", f"务工地{tag}", f"谈话{tag}"]


@pytest.fixture
def world(cast):
    return {
        cast.t1.pk: _records(cast.m1, "一号"),
        cast.t2.pk: _records(cast.m3, "二号"),
        cast.t3.pk: _records(cast.m4, "三号"),  # the other county
    }


def _page(client, name: str, **params) -> str:
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


def test_narrowing_a_reviewers_scope_keeps_one_township_of_the_county(cast):
    reviewer = scope_for(cast.reviewer)
    assert set(Member.objects.within(reviewer)) == {cast.m1, cast.m3}
    assert set(Member.objects.within(reviewer.narrowed(cast.t2.pk))) == {cast.m3}
    assert not Member.objects.within(reviewer.narrowed(cast.t3.pk)).exists()  # not widened
    assert reviewer.narrowed(None) == reviewer
    office = scope_for(cast.office)
    assert office.narrowed(cast.t2.pk) == office  # only a reviewer's scope narrows


@pytest.mark.parametrize("name", PAGES)
def test_a_reviewer_sees_the_first_township_and_picks_another(client, cast, world, name):
    client.force_login(cast.reviewer, backend=BACKEND)
    first = _page(client, name)
    index = PAGES.index(name)
    assert world[cast.t1.pk][index] in first
    assert world[cast.t2.pk][index] not in first
    assert 'name="township"' in first
    assert "一号镇" in first and "二号镇" in first and "三号镇" not in first
    second = _page(client, name, township=cast.t2.pk)
    assert world[cast.t2.pk][index] in second
    assert world[cast.t1.pk][index] not in second
    assert f'<option value="{cast.t2.pk}" selected>' in second


@pytest.mark.parametrize("name", PAGES)
def test_a_township_of_another_county_or_no_number_shows_the_first(client, cast, world, name):
    client.force_login(cast.reviewer, backend=BACKEND)
    index = PAGES.index(name)
    for value in (cast.t3.pk, "x", "9" * 40, ""):
        page = _page(client, name, township=value)
        assert world[cast.t1.pk][index] in page
        assert world[cast.t3.pk][index] not in page


@pytest.mark.parametrize("name", PAGES)
def test_an_office_sees_its_township_with_no_picker(client, cast, world, name):
    client.force_login(cast.office2, backend=BACKEND)
    page = _page(client, name, township=cast.t1.pk)
    index = PAGES.index(name)
    assert world[cast.t2.pk][index] in page
    assert world[cast.t1.pk][index] not in page
    assert 'name="township"' not in page


def test_a_reviewers_compliance_takes_the_same_queries_for_few_and_many_townships(client, cast):
    client.force_login(cast.reviewer, backend=BACKEND)
    url = reverse("members:training_compliance")
    counts = []
    for n in (1, 6):
        for _ in range(n):
            township = f.township(county=cast.county)
            f.member(branch=f.branch(township=township))
        counts.append(get_query_count(client, url))
    assert counts[0] == counts[1]


def test_the_reviewer_finds_the_life_cycle_lists_in_the_navigation(client, cast):
    """The pipeline and the Party school in the reviewer's bar; each page links the others."""
    client.force_login(cast.reviewer, backend=BACKEND)
    home = client.get(reverse("dashboard")).content.decode()
    for name in ("members:pipeline_list", "members:training_list"):
        assert f'href="{reverse(name)}"' in home
    school = _page(client, "members:training_list")
    for name in PAGES:
        assert f'href="{reverse(name)}"' in school
