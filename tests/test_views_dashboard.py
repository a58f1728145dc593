"""The dashboard per role, the navigation chosen from the permission table, data exchange pages."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches import selectors
from scoring import dashboards, services
from scoring.charts import branch_year_urls, comparison_links, township_month_urls
from tests import factories as f
from tests.conftest import BACKEND, get_query_count


def login(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def nav_labels(html: str) -> list[str]:
    import re

    nav = html.split('<nav class="nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+)</a>", nav)


def test_office_dashboard_counts_and_flags_silent_branches(client, cast):
    today = timezone.localdate()
    f.meeting(branch=cast.b1, date=today)
    f.meeting(branch=cast.b3, date=today - dt.timedelta(days=90))
    html = login(client, cast.office).get(reverse("dashboard")).content.decode()
    silent = html.split('id="silent"', 1)[1].split("</div>", 1)[0]
    assert cast.b2.name in silent  # never met
    assert cast.b1.name not in silent  # met today
    assert cast.b3.name not in html  # another township


def test_silent_branches_is_one_query(cast, settings):
    from township.scoping import scope_for

    old = timezone.localdate() - dt.timedelta(days=settings.SILENT_BRANCH_DAYS + 1)
    f.meeting(branch=cast.b1, date=old)
    with CaptureQueriesContext(connection) as ctx:
        silent = list(
            selectors.silent_branches(
                scope=scope_for(cast.office), today=timezone.localdate(), days=30
            )
        )
    assert len(ctx.captured_queries) == 1
    assert silent == [cast.b2, cast.b1]  # never met first, then the oldest


def test_a_branch_is_silent_from_one_day_past_the_limit_counting_its_latest_meeting(cast):
    from township.scoping import scope_for

    today = timezone.localdate()
    f.meeting(branch=cast.b1, date=today - dt.timedelta(days=30))  # exactly the limit
    f.meeting(branch=cast.b1, date=today - dt.timedelta(days=200))  # an older one
    f.meeting(branch=cast.b2, date=today - dt.timedelta(days=31))  # one day past it
    f.meeting(branch=cast.b2, date=today - dt.timedelta(days=400))
    silent = list(selectors.silent_branches(scope=scope_for(cast.office), today=today, days=30))
    assert silent == [cast.b2]
    assert silent[0].last_meeting == today - dt.timedelta(days=31)


def test_secretary_dashboard_shows_the_months_checklist(client, cast):
    f.meeting(branch=cast.b1, type="committee", date=timezone.localdate())
    html = login(client, cast.secretary).get(reverse("dashboard")).content.decode()
    checklist = html.split('class="checklist"', 1)[1].split("</ul>", 1)[0]
    assert '<li class="done"><span>支委会' in checklist
    assert '<li class=""><span>党课' in checklist


def test_reviewer_dashboard_compares_the_countys_townships(client, cast):
    f.member(branch=cast.b3)
    html = login(client, cast.reviewer).get(reverse("dashboard")).content.decode()
    assert cast.t1.name in html and cast.t2.name in html


def test_reviewer_dashboard_leaves_out_other_counties(client, cast):
    f.branch(township=f.township(county=f.county(), name="外县镇"))
    html = login(client, cast.reviewer).get(reverse("dashboard")).content.decode()
    assert "外县镇" not in html


def test_reviewer_dashboard_links_townships_to_their_ranking_and_month_sheet(client, cast):
    html = login(client, cast.reviewer).get(reverse("dashboard"), {"period": "2026-Q1"}).content
    html = html.decode()
    assert reverse("scoring:township_year", args=[cast.t1.pk, 2026]) + "?q=1" in html
    assert reverse("scoring:township_month", args=[cast.t1.pk, "2026-03"]) in html
    # the trend table's rows open the year page itself; the lowest and highest branch their year
    assert f'href="{reverse("scoring:township_year", args=[cast.t1.pk, 2026])}"' in html
    for branch in (cast.b1, cast.b2):
        assert f'href="{reverse("scoring:branch_year", args=[branch.pk, 2026])}"' in html
    assert "2026年第1季度" in html and "约谈名单" in html
    assert 'id="chart-strip" type="application/json"' in html
    assert "echarts.min.js" in html and "js/charts.js" in html


def test_pages_without_charts_do_not_load_echarts(client, cast):
    html = login(client, cast.secretary).get(reverse("dashboard")).content.decode()
    assert "echarts" not in html


@pytest.mark.parametrize(
    "query",
    ["period=9999-99", "period=abc", "period=2026-Q9", "period=1999", "period=2101-01",
     "period=2026-13", "period=%00", "period=2026%00", "period=" + "9" * 10000,
     "period=%E2%80%AE2026", "period=2026&period=<script>"],
)  # fmt: skip
def test_a_bad_period_shows_the_current_quarter_with_a_message(client, cast, query):
    today = timezone.localdate()
    response = login(client, cast.reviewer).get(reverse("dashboard") + "?" + query)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{today.year}年第{(today.month - 1) // 3 + 1}季度" in html.split("</h1>", 1)[0]
    assert "无法识别所选期间" in html
    assert "<script>" not in html.split("<main>", 1)[1].split("</main>", 1)[0]


def test_a_good_period_shows_without_a_message(client, cast):
    response = login(client, cast.reviewer).get(reverse("dashboard"), {"period": "2026-03"})
    html = response.content.decode()
    assert "2026年3月" in html.split("</h1>", 1)[0] and "无法识别" not in html


def county_with(*, townships: int, branches: int, stored: bool):
    county = f.county()
    today = timezone.localdate()
    for _ in range(townships):
        township = f.township(county=county)
        for _ in range(branches):
            branch = f.branch(township=township)
            member = f.member(branch=branch)
            f.meeting(branch=branch, date=today.replace(day=1), attendance={member: "present"})
        if stored:
            services.year_ensure(township=township, year=today.year)
    return county


@pytest.mark.parametrize("stored", [True, False], ids=["stored", "computed"])
def test_the_county_comparison_takes_the_same_queries_for_5_and_50_branches(client, db, stored):
    def count(branches: int) -> int:
        county = county_with(townships=2, branches=branches, stored=stored)
        reviewer = f.user(username=f"reviewer{branches}", role="reviewer", county=county)
        return get_query_count(login(client, reviewer), reverse("dashboard") + "?period=2026")

    assert count(5) == count(50)


@pytest.mark.parametrize("stored", [True, False], ids=["stored", "computed"])
def test_the_office_dashboard_takes_the_same_queries_for_5_and_50_branches(client, db, stored):
    def count(branches: int) -> int:
        county = county_with(townships=1, branches=branches, stored=stored)
        office = f.user(
            username=f"office{branches}", role="office", township=county.townships.get()
        )
        return get_query_count(login(client, office), reverse("dashboard"))

    assert count(5) == count(50)


def test_the_office_dashboard_lists_missing_records_and_item_completion(client, cast):
    html = login(client, cast.office).get(reverse("dashboard")).content.decode()
    board = html.split('id="missing"', 1)[1].split('id="items"', 1)[0]
    assert cast.b1.name in board and cast.b2.name in board and "F1 主题党日" in board
    assert "F7 参会率" in html.split('id="items"', 1)[1]
    assert "{# report jobs card" not in html  # the placeholder is a template comment


def test_member_dashboard_shows_the_own_record(client, cast):
    html = login(client, cast.member_user).get(reverse("dashboard")).content.decode()
    assert "张伟，您好" in html and cast.b1.name in html


@pytest.mark.parametrize(
    "user, present, absent",
    [
        (
            "office",
            ["支部", "党员", "三会一课", "数据导入导出", "操作日志"],
            ["本支部", "我的积分"],
        ),
        ("secretary", ["本支部", "会议", "党员"], ["联系支部", "操作日志", "数据导入导出"]),
        ("liaison", ["联系支部"], ["本支部", "操作日志", "会议"]),
        ("reviewer", ["乡镇对比", "操作日志"], ["支部", "数据导入导出"]),
        ("member_user", ["我的积分"], ["党员", "会议", "支部"]),
    ],
)
def test_navigation_follows_the_permission_table(client, cast, user, present, absent):
    labels = nav_labels(
        login(client, getattr(cast, user)).get(reverse("dashboard")).content.decode()
    )
    for label in present:
        assert label in labels, labels
    for label in absent:
        assert label not in labels, labels


def test_top_bar_names_the_scope_and_the_role(client, cast):
    html = login(client, cast.secretary).get(reverse("dashboard")).content.decode()
    top = html.split('class="who"', 1)[1].split("</div>", 1)[0]
    assert cast.b1.name in top and "支部书记" in top


def test_import_shows_every_problem_and_writes_nothing(client, cast):
    from branches.models import Branch

    before = Branch.objects.count()
    upload = _file(b'{"format": "nonsense"}')
    response = login(client, cast.office).post(reverse("exchange"), {"document": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="problems"' in html
    assert "未导入任何数据" in html
    assert Branch.objects.count() == before


def test_export_then_import_round_trips_the_own_township(client, cast):
    login(client, cast.office)
    response = client.post(reverse("exchange_export"), {"townships": [cast.t1.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    assert cast.t1.code in response.content.decode()
    response = client.post(reverse("exchange"), {"document": _file(json.dumps(document).encode())})
    assert 'id="problems"' not in response.content.decode()
    assert 'id="import-result"' in response.content.decode()


def test_office_cannot_export_another_township(client, cast):
    response = login(client, cast.office).post(
        reverse("exchange_export"), {"townships": [cast.t2.pk]}
    )
    assert response.status_code == 200  # the form refuses the choice
    assert "attachment" not in response.get("Content-Disposition", "")


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("t.json", content, content_type="application/json")


def test_the_reviewers_dashboard_asks_for_the_ranking_of_their_own_county(client, cast):
    for reviewer, county in ((cast.reviewer, cast.county), (cast.reviewer2, cast.county2)):
        client.force_login(reviewer)
        page = client.get(reverse("dashboard") + "?period=2026-Q1").content.decode()
        assert f'value="county:{county.pk}"' in page


@pytest.mark.parametrize("branch_id", [1, 7, 21, 2147483646, 214748364])
def test_chart_links_put_each_branch_into_the_year_page_path(branch_id):
    urls = branch_year_urls([branch_id], 2026)
    assert urls == {branch_id: reverse("scoring:branch_year", args=[branch_id, 2026])}


@pytest.mark.parametrize("township_id", [1, 7, 2000])
def test_month_links_put_each_month_into_the_sheet_path(township_id):
    months = [dt.date(2026, 1, 1), dt.date(2026, 10, 1), dt.date(2100, 12, 1)]
    assert township_month_urls(township_id, months) == [
        (m, reverse("scoring:township_month", args=[township_id, f"{m:%Y-%m}"])) for m in months
    ]


@pytest.mark.parametrize("township_id", [1, 7, 2147483646, 214748364])
@pytest.mark.parametrize(("period", "query"), [("2026-03", ""), ("2026-Q2", "?q=2"), ("2026", "")])
def test_comparison_links_put_each_township_into_its_pages_paths(township_id, period, query):
    sheet_month = dt.date(2026, 5, 1)
    row = SimpleNamespace(township=SimpleNamespace(pk=township_id), sheet_month=sheet_month)
    comparison = SimpleNamespace(period=dashboards.period_from_query(period), townships=[row])
    links = comparison_links(comparison)[township_id]
    year = reverse("scoring:township_year", args=[township_id, 2026])
    assert (links.year, links.ranking) == (year, year + query)
    assert links.sheet == reverse("scoring:township_month", args=[township_id, "2026-05"])
