"""The alliances pages: tree, detail, lists, forms, the township-wide tables and the panels on a
member's and a branch's page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from alliances import services
from alliances.models import Alliance, JointActivity, Wish
from tests import factories as f
from tests.conftest import BACKEND, get_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    core = f.alliance(township=cast.t1, branches=[cast.b1, cast.b2], name="示例镇党建联盟")
    red = f.alliance(township=cast.t1, branches=[cast.b1], parent=core, kind="red", name="红色联盟")
    green = f.alliance(township=cast.t1, branches=[cast.b2], parent=core, name="绿色联盟")
    return {"core": core, "red": red, "green": green}


def _login(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def test_the_tree_shows_area_alliances_under_the_core(client, cast, world):
    page = _login(client, cast.office).get(reverse("alliances:alliance_tree")).content.decode()
    assert page.index("示例镇党建联盟") < page.index("红色联盟") < page.index("绿色联盟")
    assert "tree-depth-1" in page


def test_a_secretary_sees_only_the_alliances_of_their_branch(client, cast, world):
    page = _login(client, cast.secretary).get(reverse("alliances:alliance_tree")).content.decode()
    assert "红色联盟" in page and "示例镇党建联盟" in page
    assert "绿色联盟" not in page
    url = reverse("alliances:alliance_detail", kwargs={"pk": world["green"].pk})
    assert client.get(url).status_code == 404


def test_the_detail_marks_an_overdue_project(client, cast, world):
    core = world["core"]
    owner = core.organisations.first()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.project_add(
        actor=cast.office,
        alliance=core,
        kind="common",
        title="修缮文化广场",
        owner=owner,
        due_on=yesterday,
    )
    page = _login(client, cast.office).get(
        reverse("alliances:alliance_detail", kwargs={"pk": core.pk})
    )
    text = page.content.decode()
    assert 'class="overdue"' in text and "1 项逾期" in text


def _activities(alliance, members, n):
    org = alliance.organisations.first()
    for i in range(n):
        a = JointActivity.objects.create(
            alliance=alliance,
            kind="volunteer",
            date=dt.date(2026, 3, 1) + dt.timedelta(days=i % 20),
            title=f"活动{i}",
        )
        a.organisations.add(org)
        a.members.add(*members)


def test_the_activity_list_reads_in_constant_queries(client, cast, world):
    core = world["core"]
    _login(client, cast.office)
    url = reverse("alliances:activity_list", kwargs={"pk": core.pk})
    members = [cast.m1, f.member(branch=cast.b2)]
    _activities(core, members, 3)
    small = get_query_count(client, url)
    _activities(core, [*members, f.member(branch=cast.b1)], 40)
    assert get_query_count(client, url) == small


def test_the_activity_list_names_each_activitys_members_with_their_branch(client, cast, world):
    core = world["core"]
    first = f.member(branch=cast.b2, name="王<芳>", code="A0000001")  # an id after m1's
    a = JointActivity.objects.create(
        alliance=core, kind="volunteer", date=dt.date(2026, 3, 1), title="义诊"
    )
    a.members.set([cast.m1, first])
    JointActivity.objects.create(
        alliance=core, kind="other", date=dt.date(2026, 2, 1), title="无人"
    )
    _login(client, cast.office)
    url = reverse("alliances:activity_list", kwargs={"pk": core.pk})
    page = client.get(url).content.decode()
    assert (
        '王&lt;芳&gt;<span class="muted small">（西王村党支部）</span>、'
        '张伟<span class="muted small">（东李庄党支部）</span></td>'
    ) in page
    assert "—</td></tr>" in page.split("无人")[1]  # no members
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert '张伟<span class="muted small"> (东李庄党支部)</span></td>' in english


def test_the_wish_list_reads_in_constant_queries_and_filters_by_state(client, cast, world):
    core = world["core"]
    _login(client, cast.office)
    url = reverse("alliances:wish_list", kwargs={"pk": core.pk})
    for _i in range(3):
        f.wish(alliance=core, claimed_by=cast.m1, claimed_on=dt.date(2026, 3, 2))
    small = get_query_count(client, url)
    for _i in range(40):
        f.wish(alliance=core, claimed_by=f.member(branch=cast.b2), claimed_on=dt.date(2026, 3, 2))
    assert get_query_count(client, url) == small
    f.wish(alliance=core, need="独居老人助餐")
    page = client.get(url, {"state": "open"}).content.decode()
    assert "独居老人助餐" in page and "心愿" in page and page.count('id="wish-') == 1


def test_the_tree_reads_in_constant_queries(client, cast, world):
    _login(client, cast.office)
    url = reverse("alliances:alliance_tree")
    small = get_query_count(client, url)
    for _i in range(20):
        a = f.alliance(township=cast.t1, branches=[cast.b1], parent=world["core"])
        f.wish(alliance=a)
    assert get_query_count(client, url) == small


def test_a_secretary_claims_a_wish_for_a_member_of_their_branch(client, cast, world):
    wish = f.wish(alliance=world["red"], raised_on=dt.date(2026, 3, 1))
    _login(client, cast.secretary)
    url = reverse("alliances:wish_claim", kwargs={"pk": wish.pk})
    page = client.get(url).content.decode()
    assert cast.m1.name in page
    response = client.post(url, {"member": cast.m1.pk, "claimed_on": "2026-03-01"})
    assert response.status_code == 302
    wish.refresh_from_db()
    assert wish.claimed_by == cast.m1 and wish.claimed_on == dt.date(2026, 3, 1)


def test_a_claim_before_the_wish_was_raised_is_shown_at_the_date(client, cast, world):
    wish = f.wish(alliance=world["red"], raised_on=dt.date(2026, 3, 1))
    response = _login(client, cast.secretary).post(
        reverse("alliances:wish_claim", kwargs={"pk": wish.pk}),
        {"member": cast.m1.pk, "claimed_on": "2026-02-28"},
    )
    assert response.status_code == 200
    assert "认领日期 2026-02-28 早于心愿提出日期 2026-03-01。" in response.content.decode()
    assert Wish.objects.get(pk=wish.pk).claimed_by is None


def test_a_secretary_cannot_claim_for_a_member_of_another_branch(client, cast, world):
    wish = f.wish(alliance=world["core"])
    other = f.member(branch=cast.b2)
    response = _login(client, cast.secretary).post(
        reverse("alliances:wish_claim", kwargs={"pk": wish.pk}),
        {"member": other.pk, "claimed_on": "2026-03-02"},
    )
    assert response.status_code == 200 and "member" in response.context["form"].errors
    assert Wish.objects.get(pk=wish.pk).claimed_by is None


def test_the_office_marks_a_wish_fulfilled(client, cast, world):
    wish = f.wish(alliance=world["core"], claimed_by=cast.m1, claimed_on=dt.date(2026, 3, 2))
    response = _login(client, cast.office).post(
        reverse("alliances:wish_fulfil", kwargs={"pk": wish.pk}),
        {"fulfilled_on": "2026-03-02", "evidence": "路灯已修复"},
    )
    assert response.status_code == 302
    assert Wish.objects.get(pk=wish.pk).state == "fulfilled"


def test_a_member_page_shows_the_alliance_activity_and_the_member_keeps_their_branch(
    client, cast, world
):
    _activities(world["core"], [cast.m1], 1)
    page = _login(client, cast.secretary).get(
        reverse("members:member_detail", kwargs={"pk": cast.m1.pk})
    )
    text = page.content.decode()
    assert "联盟活动" in text and "活动0" in text and "示例镇党建联盟" in text
    cast.m1.refresh_from_db()
    assert cast.m1.branch == cast.b1


def test_a_branch_page_counts_its_members_at_alliance_activities(client, cast, world):
    _activities(world["green"], [f.member(branch=cast.b2), f.member(branch=cast.b2)], 1)
    text = (
        _login(client, cast.office)
        .get(reverse("branches:branch_detail", kwargs={"pk": cast.b2.pk}))
        .content.decode()
    )
    assert "联盟活动" in text and "本支部 2 人" in text and "绿色联盟" in text


def test_the_display_table_counts_a_quarter(client, cast, world):
    core = world["core"]
    owner = core.organisations.first()
    core.projects.create(
        kind="common",
        title="a",
        owner=owner,
        due_on=dt.date(2026, 2, 1),
        status="done",
        done_on=dt.date(2026, 1, 20),
        evidence="x",
    )
    core.projects.create(kind="individual", title="b", owner=owner, due_on=dt.date(2026, 3, 1))
    _activities(core, [cast.m1], 2)
    f.wish(
        alliance=core,
        raised_on=dt.date(2026, 2, 1),
        claimed_by=cast.m1,
        claimed_on=dt.date(2026, 2, 2),
        fulfilled_on=dt.date(2026, 3, 3),
        evidence="ok",
    )
    f.wish(alliance=core, raised_on=dt.date(2026, 3, 30))
    response = _login(client, cast.office).get(
        reverse("alliances:display", kwargs={"township_id": cast.t1.pk, "year": 2026, "quarter": 1})
    )
    row = next(r for r in response.context["rows"] if r.alliance == core)
    assert (row.projects_done, row.projects_total, row.overdue) == (1, 2, 1)
    assert (row.activities, row.participants) == (2, 2)
    assert (row.wishes_raised, row.wishes_fulfilled, row.wishes_open) == (2, 1, 1)
    assert row.projects_percent == Decimal("50.0")


def test_the_display_reads_in_constant_queries(client, cast, world):
    _login(client, cast.office)
    url = reverse(
        "alliances:display", kwargs={"township_id": cast.t1.pk, "year": 2026, "quarter": 1}
    )
    small = get_query_count(client, url)
    for _i in range(20):
        a = f.alliance(township=cast.t1, branches=[cast.b1], parent=world["core"])
        f.wish(alliance=a)
    assert get_query_count(client, url) == small


def test_a_bad_quarter_is_missing(client, cast, world):
    url = reverse(
        "alliances:display", kwargs={"township_id": cast.t1.pk, "year": 2026, "quarter": 5}
    )
    assert _login(client, cast.office).get(url).status_code == 404


def test_the_office_enters_evaluation_scores_and_sees_stars(client, cast, world):
    _login(client, cast.office)
    save = reverse("alliances:evaluation_save", kwargs={"township_id": cast.t1.pk, "year": 2025})
    data = {f"score_{world['core'].pk}": "90", f"score_{world['red'].pk}": "89.99"}
    assert client.post(save, data).status_code == 302
    page = client.get(
        reverse("alliances:evaluation", kwargs={"township_id": cast.t1.pk, "year": 2025})
    )
    stars = {r.alliance.name: r.stars for r in page.context["rows"]}
    assert stars == {"示例镇党建联盟": 3, "红色联盟": 2, "绿色联盟": None}
    assert "★★★" in page.content.decode()


def test_an_evaluation_score_over_100_is_refused_at_its_field(client, cast, world):
    _login(client, cast.office)
    save = reverse("alliances:evaluation_save", kwargs={"township_id": cast.t1.pk, "year": 2025})
    response = client.post(save, {f"score_{world['core'].pk}": "100.01"})
    assert response.status_code == 200
    assert f"score_{world['core'].pk}" in response.context["form"].errors
    assert not world["core"].evaluations.exists()


def test_the_contest_ranks_with_ties_explained(client, cast, world):
    _login(client, cast.office)
    kw = {"township_id": cast.t1.pk, "year": 2026, "half": 1}
    data = {
        f"score_{world['core'].pk}": "88",
        f"score_{world['red'].pk}": "88",
        f"score_{world['green'].pk}": "70",
    }
    assert client.post(reverse("alliances:contest_save", kwargs=kw), data).status_code == 302
    page = client.get(reverse("alliances:contest", kwargs=kw))
    rows = [(r.alliance.name, r.rank) for r in page.context["rows"]]
    assert sorted(rows) == [("示例镇党建联盟", 1), ("红色联盟", 1), ("绿色联盟", 3)]
    assert "并列第 1 名" in page.content.decode()


def test_the_office_creates_an_area_alliance_and_adds_an_enterprise(client, cast, world):
    _login(client, cast.office)
    response = client.post(
        reverse("alliances:alliance_create"),
        {
            "code": "BLUE",
            "name": "蓝色联盟",
            "kind": "blue",
            "parent": world["core"].pk,
            "leader": "李四",
        },
    )
    blue = Alliance.objects.get(code="BLUE")
    assert response.status_code == 302 and blue.parent == world["core"]
    response = client.post(
        reverse("alliances:organisation_create", kwargs={"pk": blue.pk}),
        {"code": "O1", "kind": "enterprise", "name": "县供电公司党支部", "responsible": "赵六"},
    )
    assert response.status_code == 302
    assert blue.organisations.get().kind == "enterprise"


def test_an_enterprise_with_a_branch_is_refused_at_the_branch_field(client, cast, world):
    _login(client, cast.office)
    response = client.post(
        reverse("alliances:organisation_create", kwargs={"pk": world["green"].pk}),
        {"code": "O9", "kind": "enterprise", "name": "企业", "branch": cast.b1.pk},
    )
    assert response.status_code == 200
    assert "只有类型为党支部" in str(response.context["form"].errors["branch"])


def test_a_secretary_records_an_activity_with_their_members(client, cast, world):
    red = world["red"]
    _login(client, cast.secretary)
    url = reverse("alliances:activity_create", kwargs={"pk": red.pk})
    response = client.post(
        url,
        {
            "kind": "themed_day",
            "date": timezone.localdate().isoformat(),
            "title": "联合主题党日",
            "organisations": [o.pk for o in red.organisations.all()],
            "members": [cast.m1.pk],
        },
    )
    assert response.status_code == 302
    assert list(red.activities.get().members.all()) == [cast.m1]


def test_while_a_quarter_runs_an_item_due_after_today_is_not_overdue(cast, world):
    from alliances import selectors

    core = world["core"]
    owner = core.organisations.first()
    core.projects.create(kind="common", title="a", owner=owner, due_on=dt.date(2026, 11, 29))
    core.projects.create(kind="common", title="b", owner=owner, due_on=dt.date(2026, 11, 30))
    core.projects.create(kind="common", title="c", owner=owner, due_on=dt.date(2026, 12, 20))
    (running,) = selectors.display_rows(
        alliances=[core], year=2026, quarter=4, today=dt.date(2026, 11, 30)
    )
    assert (running.projects_total, running.overdue) == (2, 1)
    (ended,) = selectors.display_rows(
        alliances=[core], year=2026, quarter=4, today=dt.date(2027, 1, 5)
    )
    assert (ended.projects_total, ended.overdue) == (3, 3)


def test_the_alliance_page_reads_in_constant_queries_and_shows_at_most_100_items(
    client, cast, world
):
    core = world["core"]
    owner = core.organisations.first()
    _login(client, cast.office)
    url = reverse("alliances:alliance_detail", kwargs={"pk": core.pk})
    late = dt.date(2026, 1, 1)
    core.projects.create(kind="common", title="x", owner=owner, due_on=late)
    _activities(core, [cast.m1], 2)
    small = get_query_count(client, url)
    core.projects.bulk_create(
        [
            core.projects.model(
                alliance=core,
                kind="common",
                title=f"p{i}",
                owner=owner,
                due_on=late + dt.timedelta(days=i),
            )
            for i in range(120)
        ]
    )
    _activities(core, [cast.m1, f.member(branch=cast.b2)], 30)
    assert get_query_count(client, url) == small
    response = client.get(url)
    assert len(response.context["projects"]) == 100
    assert response.context["overdue_count"] == 121
    assert "共 121 项" in response.content.decode()


def test_the_tree_counts_each_alliances_own_rows_in_one_query(
    cast, world, django_assert_num_queries
):
    """Organisations, open wishes and overdue items, each counted on the alliance's own rows:
    counted in one join, they multiplied each other (3 organisations × 2 wishes × 2 items)."""
    from alliances import selectors
    from alliances.models import ProjectItem
    from township.scoping import scope_for

    today = dt.date(2026, 6, 15)
    core, red = world["core"], world["red"]
    for b in (cast.b1, cast.b2):
        core.organisations.create(code=f"X{b.pk}", name=f"共建单位{b.pk}", kind="enterprise")
    f.wish(alliance=core)
    f.wish(alliance=core)
    f.wish(alliance=core, claimed_on=dt.date(2026, 3, 2), claimed_by=cast.m1)
    owner = core.organisations.first()
    for due, done in [
        (today - dt.timedelta(days=1), None),  # overdue
        (today - dt.timedelta(days=30), None),  # overdue
        (today, None),  # due today: not yet
        (today - dt.timedelta(days=5), today - dt.timedelta(days=6)),  # done before its time
    ]:
        done_fields = {"status": "done", "done_on": done, "evidence": "验收"} if done else {}
        ProjectItem.objects.create(
            alliance=core, kind="common", title="项目", owner=owner, due_on=due, **done_fields
        )
    with django_assert_num_queries(1) as captured:
        rows = selectors.alliance_tree(scope=scope_for(cast.office), today=today)
    sql = captured.captured_queries[0]["sql"]
    for table in ("alliances_organisation", "alliances_wish", "alliances_projectitem"):
        assert f'JOIN "{table}"' not in sql
    figures = {
        r.alliance.pk: (r.alliance.organisation_count, r.alliance.open_wishes, r.alliance.overdue)
        for r in rows
    }
    assert figures[core.pk] == (4, 2, 2)
    assert figures[red.pk] == (1, 0, 0)


def test_a_branchs_activities_are_those_its_organisation_or_members_took_part_in(
    cast, world, django_assert_num_queries
):
    from alliances import selectors

    core = world["core"]
    b1_org = core.organisations.get(branch=cast.b1)
    b2_org = core.organisations.get(branch=cast.b2)
    m1b = f.member(branch=cast.b1, name="刘洋")
    m2 = f.member(branch=cast.b2, name="王芳")

    def activity(title, day, organisations=(), members=()):
        a = JointActivity.objects.create(alliance=core, kind="volunteer", date=day, title=title)
        a.organisations.set(organisations)
        a.members.set(members)
        return a

    both = activity("共建", dt.date(2026, 5, 1), [b1_org, b2_org], [cast.m1, m1b, m2])
    members_only = activity("义诊", dt.date(2026, 6, 1), [], [cast.m1])
    organisation_only = activity("植树", dt.date(2026, 4, 1), [b1_org], [m2])
    activity("清扫", dt.date(2026, 7, 1), [b2_org], [m2])  # B2's only
    with django_assert_num_queries(1) as captured:
        rows = selectors.branch_alliance_activities(branch=cast.b1)
    assert [(a.title, a.branch_members) for a in rows] == [
        (members_only.title, 1),
        (both.title, 2),
        (organisation_only.title, 0),
    ]
    sql = captured.captured_queries[0]["sql"]
    assert 'JOIN "alliances_jointactivity_members"' not in sql.split("(SELECT")[0]
