"""The star rating's pages: steps by POST with Chinese refusals, hostile input, the notice for
members, the history on the branch's and member's pages, and constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from scoring import rules_stars
from scoring.models import StarChange, StarProposal, StarRound
from tests import factories as f
from tests.conftest import BACKEND
from township.models import AuditLog


def login(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def round_url(cast, year=2025):
    return reverse("scoring:stars_round", args=[cast.t1.pk, year])


def test_the_office_opens_the_round_and_sees_its_proposals(client, cast):
    login(client, cast.office)
    response = client.post(reverse("scoring:stars_open", args=[cast.t1.pk, 2025]))
    assert response.status_code == 302
    assert "星级评定已启动" in texts(response)[0]
    page = client.get(round_url(cast))
    assert page.status_code == 200
    assert "东李庄党支部" in page.content.decode() and "张伟" in page.content.decode()
    assert rules_stars.state_label("proposed") in page.content.decode()


@time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False)
def test_opening_the_running_year_before_its_months_are_locked_says_why(client, cast):
    login(client, cast.office)
    response = client.post(reverse("scoring:stars_open", args=[cast.t1.pk, 2026]))
    assert response.status_code == 302
    assert "12 个月锁定后才能启动" in texts(response)[0]
    assert not StarRound.objects.exists()


def test_a_step_the_state_does_not_allow_is_refused_with_a_message(client, cast):
    r = f.star_round(township=cast.t1, state="proposed")
    login(client, cast.office)
    response = client.post(reverse("scoring:stars_set", args=[r.pk]))
    assert response.status_code == 302
    assert "当前状态为“已提出建议星级，支部自评中”" in texts(response)[0]
    r.refresh_from_db()
    assert r.state == "proposed"


def test_setting_during_the_notice_is_refused_with_its_end_date(client, cast):
    r = f.star_round(township=cast.t1, state="notice")  # notice 2026-01-05 .. 2026-01-09
    login(client, cast.office)
    with time_machine.travel(dt.datetime(2026, 1, 9, 10, tzinfo=dt.UTC), tick=False):
        response = client.post(reverse("scoring:stars_set", args=[r.pk]))
    assert "公示期至 2026-01-09 结束" in texts(response)[0]
    with time_machine.travel(dt.datetime(2026, 1, 9, 17, tzinfo=dt.UTC), tick=False):
        client.post(reverse("scoring:stars_set", args=[r.pk]))  # 01:00 on the 10th in Shanghai
    r.refresh_from_db()
    assert r.state == "set" and r.set_on == dt.date(2026, 1, 10)


def test_a_transition_answers_only_post(client, cast):
    r = f.star_round(township=cast.t1, state="proposed")
    login(client, cast.office)
    assert client.get(reverse("scoring:stars_review", args=[r.pk])).status_code == 405


def review_url(cast, member=False):
    r = f.star_round(township=cast.t1, state="review", stars=1)
    if member:
        p = r.proposals.get(member=cast.m1)
    else:
        p = r.proposals.get(kind="branch", branch=cast.b1)
    return p, reverse("scoring:stars_proposal_review", args=[p.pk])


def test_the_office_changes_a_proposal_with_a_reason(client, cast):
    p, url = review_url(cast)
    login(client, cast.office)
    response = client.post(url, {"stars": "3", "reason": "群众满意度高"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.stars == 3
    page = client.get(reverse("scoring:stars_proposal", args=[p.pk])).content.decode()
    assert "群众满意度高" in page and "审核调整" in page


def test_a_review_without_a_reason_keeps_what_was_typed_and_names_the_field(client, cast):
    p, url = review_url(cast)
    login(client, cast.office)
    response = client.post(url, {"stars": "3", "reason": ""})
    assert response.status_code == 200
    assert response.context["review_form"].errors == {"reason": ["请填写理由。"]}
    p.refresh_from_db()
    assert p.stars == 1


@pytest.mark.parametrize(
    "value", ["abc", "4", "-1", "99999999999999999999", "9" * 5000, "1.5", "", "３"]
)
def test_hostile_star_values_are_refused_and_change_nothing(client, cast, value):
    p, url = review_url(cast)
    login(client, cast.office)
    response = client.post(url, {"stars": value, "reason": "x"})
    assert response.status_code == 200
    assert "stars" in response.context["review_form"].errors
    p.refresh_from_db()
    assert p.stars == 1
    assert not StarChange.objects.filter(step="reviewed").exists()


def test_a_secretary_comments_on_a_members_proposal_only_while_proposed(client, cast):
    r = f.star_round(township=cast.t1, state="proposed")
    p = r.proposals.get(member=cast.m1)
    login(client, cast.secretary)
    url = reverse("scoring:stars_proposal_note", args=[p.pk])
    assert client.post(url, {"text": "该同志带头参加志愿服务"}).status_code == 302
    p.refresh_from_db()
    assert p.branch_note == "该同志带头参加志愿服务"
    StarRound.objects.filter(pk=r.pk).update(state="review")
    response = client.post(url, {"text": "改"})
    assert response.status_code == 200
    assert "自评已结束" in str(response.context["note_form"].errors["text"])


def test_the_secretarys_page_shows_the_branch_and_its_members_only(client, cast):
    r = f.star_round(township=cast.t1, state="proposed")
    f.star_round(township=cast.t2, state="proposed")
    login(client, cast.secretary)
    page = client.get(reverse("scoring:stars_self_assessment", args=[r.pk])).content.decode()
    assert "东李庄党支部" in page and "张伟" in page
    assert "西王村党支部" not in page


def test_a_demotion_only_lowers_and_shows_in_the_history(client, cast):
    r = f.star_round(township=cast.t1, state="set", stars=3)
    p = r.proposals.get(kind="branch", branch=cast.b1)
    login(client, cast.office)
    url = reverse("scoring:stars_proposal_demote", args=[p.pk])
    raised = client.post(url, {"stars": "3", "found_on": "2026-02-01", "reason": "x"})
    assert "只能降低" in str(raised.context["demote_form"].non_field_errors())
    done = client.post(url, {"stars": "1", "found_on": "2026-02-01", "reason": "发现虚报会议"})
    assert done.status_code == 302
    p.refresh_from_db()
    assert p.final == 1
    assert AuditLog.objects.filter(action="scoring.stars.demoted").count() == 1
    branch_page = client.get(reverse("branches:branch_detail", args=[cast.b1.pk]))
    assert "星级评定记录" in branch_page.content.decode()
    assert "发现虚报会议" in branch_page.content.decode()


def test_the_history_shows_on_the_members_page(client, cast):
    r = f.star_round(township=cast.t1, state="set", stars=2)
    p = r.proposals.get(member=cast.m1)
    StarChange.objects.create(proposal=p, step="set", from_stars=2, to_stars=2)
    login(client, cast.office)
    page = client.get(reverse("members:member_detail", args=[cast.m1.pk])).content.decode()
    assert "星级评定记录" in page and "公示期满确定" in page


def test_a_member_reads_the_notice_only_once_it_has_started(client, cast):
    r = f.star_round(township=cast.t1, state="review")
    login(client, cast.member_user)
    url = reverse("scoring:stars_notice", args=[cast.t1.pk, 2025])
    assert "尚未公示" in client.get(url).content.decode()
    StarRound.objects.filter(pk=r.pk).update(
        state="notice", notice_start=dt.date(2026, 1, 5), notice_end=dt.date(2026, 1, 9)
    )
    page = client.get(url).content.decode()
    assert "2026-01-05 — 2026-01-09" in page
    assert "东李庄党支部" in page and "西王村党支部" in page  # the township's whole list
    assert 'href="/scoring/stars/proposal/' not in page  # read-only
    me = client.get(reverse("me")).content.decode()
    assert url in me


def test_the_year_page_shows_the_rounds_state_and_the_final_stars(client, cast):
    r = f.star_round(township=cast.t1, state="set", stars=3)
    StarProposal.objects.filter(round=r, branch=cast.b1, kind="branch").update(final=1)
    login(client, cast.office)
    response = client.get(reverse("scoring:township_year", args=[cast.t1.pk, 2025]))
    page = response.content.decode()
    assert "已评定" in page and "（星级列为评定星级）" in page
    assert "★☆☆" in page


def _many(cast, n: int) -> StarRound:
    for _ in range(n):
        f.member(branch=cast.b1)
        f.member(branch=cast.b2)
    return f.star_round(township=cast.t1, state="notice")


BUDGETS = {"scoring:stars_round": 8, "scoring:stars_notice": 8}  # measured: 8 at 5 and at 50


@pytest.mark.parametrize("name", BUDGETS)
@pytest.mark.parametrize("n", [5, 50])
def test_the_lists_keep_their_query_count(client, cast, django_assert_max_num_queries, name, n):
    _many(cast, n)
    login(client, cast.office)
    url = reverse(name, args=[cast.t1.pk, 2025]) + "?kind=member"
    with django_assert_max_num_queries(BUDGETS[name]):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(2 * n + 1, 100)


def test_a_list_pages_at_a_hundred_rows(client, cast):
    _many(cast, 60)
    login(client, cast.office)
    response = client.get(round_url(cast) + "?kind=member&page=2")
    assert len(response.context["page"].object_list) == 121 - 100
