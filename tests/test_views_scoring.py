"""Scoring pages: what each role sees, month close, office scores, scheme, export."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import OfficeScore, Scheme
from tests import factories as f
from township.models import AuditLog, MonthState

MARCH = dt.date(2026, 3, 1)


def login(client, user):
    client.force_login(user)
    return client


def test_office_sees_the_quarter_ranking_with_the_bottom_list(client, cast):
    f.meeting(branch=cast.b1, type="themed_day", date=MARCH.replace(day=5), act_study=True)
    url = reverse("scoring:township_year", args=[cast.t1.pk, 2026]) + "?q=1"
    response = login(client, cast.office).get(url)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["branch"] for r in rows] == [cast.b1, cast.b2]
    assert rows[0]["quarter"].rank == 1 and rows[1]["quarter"].rank == 2
    assert "约谈名单" in response.content.decode()


def test_secretary_sees_only_their_own_branch_in_the_township_ranking(client, cast):
    url = reverse("scoring:township_year", args=[cast.t1.pk, 2026])
    response = login(client, cast.secretary).get(url)
    assert [r["branch"] for r in response.context["rows"]] == [cast.b1]


def test_months_that_have_not_begun_have_no_index_on_pages(client, cast):
    today = timezone.localdate()
    url = reverse("scoring:branch_year", args=[cast.b1.pk, today.year])
    response = login(client, cast.secretary).get(url)
    for row in response.context["months"]:
        if row["month"] > today:
            assert row["figures"] is None
        else:
            assert row["figures"] is not None


def test_office_locks_and_reopens_a_month_from_the_month_page(client, cast):
    login(client, cast.office)
    lock = reverse("scoring:month_lock", args=[cast.t1.pk, "2026-03"])
    assert client.post(lock).status_code == 302
    assert MonthState.objects.get(township=cast.t1, month=MARCH).locked

    reopen = reverse("scoring:month_reopen", args=[cast.t1.pk, "2026-03"])
    response = client.post(reopen, {"reason": ""}, follow=True)
    assert "请填写重新开放的原因" in response.content.decode()
    assert MonthState.objects.get(township=cast.t1, month=MARCH).locked

    client.post(reopen, {"reason": "补录党课"})
    assert not MonthState.objects.get(township=cast.t1, month=MARCH).locked


def test_office_scores_out_of_range_are_refused_and_what_was_typed_is_kept(client, cast):
    url = reverse("scoring:office_scores", args=[cast.t1.pk, "2026-03"])
    response = login(client, cast.office).post(url, {f"b{cast.b1.pk}": "12", f"b{cast.b2.pk}": "8"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "评价分不能大于 10" in body and 'value="12"' in body and 'value="8"' in body
    assert not OfficeScore.objects.exists()

    client.post(url, {f"b{cast.b1.pk}": "9.5", f"b{cast.b2.pk}": ""})
    assert OfficeScore.objects.get(branch=cast.b1, month=MARCH).points == Decimal("9.5")
    assert not OfficeScore.objects.filter(branch=cast.b2).exists()


def test_scheme_page_saves_a_new_version_with_changed_weights(client, cast):
    url = reverse("scoring:scheme", args=[cast.t1.pk, 2026])
    response = login(client, cast.office).get(url)
    data = {item.code: str(item.points) for item, _field in response.context["form"].rows()}
    data["F1"], data["F10"] = "20", ""
    client.post(url, data)
    scheme = Scheme.objects.get(township=cast.t1, year=2026, version=2)
    items = {i.code: i for i in scheme.items.all()}
    assert items["F1"].points == 20 and not items["F10"].enabled and items["F3"].enabled


def test_reviewer_and_secretary_read_the_scheme_but_cannot_revise_it(client, cast):
    url = reverse("scoring:scheme", args=[cast.t1.pk, 2026])
    for user in (cast.reviewer, cast.secretary):
        response = login(client, user).get(url)
        body = response.content.decode()
        assert response.status_code == 200 and response.context["form"] is None
        assert "保存为新版本" not in body and "F1" in body and "只读" in body
        assert client.post(url, {"F1": "20"}).status_code == 403
    assert not Scheme.objects.filter(township=cast.t1, year=2026).exists()


def test_export_downloads_the_score_document_and_is_audited(client, cast):
    url = reverse("scoring:export", args=[cast.t1.pk, 2026])
    response = login(client, cast.reviewer).post(url)
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["township"] == cast.t1.code
    assert set(document["branches"]) == {cast.b1.code, cast.b2.code}
    assert AuditLog.objects.filter(action="scoring.scores.exported", actor=cast.reviewer).exists()


@pytest.mark.parametrize("month", ["2026-13", "march", "2026-3x"])
def test_a_bad_month_in_the_address_answers_404(client, cast, month):
    url = reverse("scoring:township_month", args=[cast.t1.pk, month])
    assert login(client, cast.office).get(url).status_code == 404


def test_a_member_sees_their_own_pioneer_index_and_nobody_elses(client, cast):
    today = timezone.localdate()
    other = f.member(branch=cast.b1, name="王芳")
    f.meeting(
        branch=cast.b1,
        type="themed_day",
        date=today.replace(day=1),
        attendance={cast.m1: "present", other: "absent"},
    )
    response = login(client, cast.member_user).get(reverse("me"))
    points = response.context["points"]
    assert points.member == cast.m1
    # Present at the only meeting, dues not paid, no households: (50 + 0) / 75 → 66.67.
    assert points.months[today.month - 1] == Decimal("66.67")
    assert "王芳" not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/scoring/t/{t}/2026/?q=x",
        "/scoring/t/{t}/2026/?q=5",
        "/scoring/t/{t}/0/",
        "/scoring/t/{t}/month/1999-12/",
        "/scoring/t/{t}/scheme/3000/",
        "/scoring/?township=abc",
    ],
)
def test_bad_parameters_answer_404_not_a_server_error(client, cast, url):
    response = login(client, cast.office).get(url.format(t=cast.t1.pk))
    assert response.status_code == 404


def test_the_branch_year_explains_its_figures_with_the_target_and_each_items_maximum(client, cast):
    from scoring.models import TargetScore

    f.meeting(branch=cast.b1, type="themed_day", date=MARCH.replace(day=5), act_study=True)
    url = reverse("scoring:branch_year", args=[cast.b1.pk, 2026])
    html = login(client, cast.office).get(url).content.decode()
    assert 'id="legend"' in html and "尚未录入目标考核分" in html
    # March: the themed day earned F1 in full and 3 of F2's 12 points (study only).
    assert "“4+X”固定动作 3.00 / 12" in html
    TargetScore.objects.create(branch=cast.b1, year=2026, score=Decimal("88.50"))
    html = client.get(url).content.decode()
    assert "本年度目标考核分：88.50。" in html


def test_the_branch_year_shows_each_months_gaps_against_the_possible_points(client, cast):
    from scoring import services
    from scoring.models import BranchMonthScore

    scheme = services.scheme_for(township_id=cast.t1.pk, year=2026)
    full = {"F1": "8.00", "F3": "10.00", "F7": "15.00"}
    short = {"F1": "0.00", "F3": "10.00", "F7": "11.87"}
    for branch, items in ((cast.b1, short), (cast.b2, full)):
        BranchMonthScore.objects.create(
            branch=branch, township=cast.t1, month=MARCH, index=Decimal("80.00"),
            earned=0, possible=0,
            items=items, scheme=scheme,
        )  # fmt: skip
    page = login(client, cast.office).get(reverse("scoring:branch_year", args=[cast.b1.pk, 2026]))
    march = page.content.decode().split("2026-03", 1)[1].split("</tr>", 1)[0]
    assert '<span class="badge warn" title="F1">主题党日 0.00 / 8</span>' in march
    assert '<span class="badge warn" title="F7">参会率 11.87 / 15</span>' in march
    assert "F3" not in march and "全部满分" not in march
    page = client.get(reverse("scoring:branch_year", args=[cast.b2.pk, 2026]))
    march = page.content.decode().split("2026-03", 1)[1].split("</tr>", 1)[0]
    assert '<span class="badge ok">全部满分</span>' in march and "badge warn" not in march
