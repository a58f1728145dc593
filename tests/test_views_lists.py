"""Every list pages (at most 100 rows a page), keeps its query count whatever the rows, and a
county's lists show one township at a time."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from branches import selectors
from branches.models import Area, Branch
from branches.views import BRANCH_PAGE_SIZE
from branches.views import PAGE_SIZE as MEETING_PAGE_SIZE
from members.views import PAGE_SIZE as MEMBER_PAGE_SIZE
from tests import factories as f
from tests.conftest import BACKEND, get_query_count
from township.pagination import MAX_PAGE_SIZE, paginate
from township.scoping import scope_for


def rows(response) -> int:
    return response.content.decode().count("<tr><td")


@pytest.fixture
def as_reviewer(client, cast):
    client.force_login(cast.reviewer, backend=BACKEND)
    return client


def test_page_sizes_stay_within_a_hundred_rows():
    assert max(BRANCH_PAGE_SIZE, MEETING_PAGE_SIZE, MEMBER_PAGE_SIZE) <= MAX_PAGE_SIZE == 100


def test_a_larger_page_size_is_cut_to_a_hundred(rf):
    page = paginate(rf.get("/"), list(range(101)), per_page=500)
    assert len(page) == 100 and page.paginator.num_pages == 2
    page = paginate(rf.get("/"), list(range(100)), per_page=500)
    assert page.paginator.num_pages == 1


def test_page_links_keep_the_other_parameters(rf):
    request = rf.get("/", {"year": "2025", "overdue": "1", "page": "2"})
    page = paginate(request, list(range(30)), per_page=10)
    html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    assert 'href="?year=2025&amp;overdue=1&amp;page=1"' in html
    assert 'href="?year=2025&amp;overdue=1&amp;page=3"' in html


@pytest.mark.parametrize(
    ("number", "links"),
    [
        (1, ["下一页 2", "末页 7"]),
        (2, ["上一页 1", "下一页 3", "末页 7"]),
        (3, ["首页 1", "上一页 2", "下一页 4", "末页 7"]),
        (6, ["首页 1", "上一页 5", "下一页 7"]),
        (7, ["首页 1", "上一页 6"]),
    ],
)
def test_the_first_and_last_pages_are_offered_where_previous_and_next_do_not_go(rf, number, links):
    request = rf.get("/", {"q": "张", "page": str(number)})
    page = paginate(request, list(range(70)), per_page=10)
    html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    found = re.findall(r'href="\?q=%E5%BC%A0&amp;page=(\d+)">([^<]+)</a>', html)
    assert [f"{label} {n}" for n, label in found] == links
    assert f"第 {number} / 7 页" in html


def test_the_first_and_last_page_links_read_first_and_last_in_english(rf):
    request = rf.get("/", {"page": "4"})
    page = paginate(request, list(range(70)), per_page=10)
    with translation.override("en"):
        html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    assert ">First</a>" in html and ">Last</a>" in html and "Home" not in html


def test_a_filtered_list_keeps_its_filter_on_the_next_page(as_office, cast):
    for i in range(30):
        f.member(branch=cast.b1, name=f"张{i:02}")
    body = as_office.get(reverse("members:member_list"), {"q": "张"}).content.decode()
    assert "q=%E5%BC%A0&amp;page=2" in body


def test_branch_list_pages_one_past_a_page(as_office, cast):
    # T1 has B1 and B2: add branches until the township has exactly one page, then one more.
    for i in range(BRANCH_PAGE_SIZE - 2):
        f.branch(township=cast.t1, code=f"X{i:03}")
    url = reverse("branches:branch_list")
    assert rows(as_office.get(url)) == BRANCH_PAGE_SIZE
    assert "第 1 / 2 页" not in as_office.get(url).content.decode()
    f.branch(township=cast.t1, code="Y999", name="最后一个支部")
    first = as_office.get(url).content.decode()
    assert "第 1 / 2 页" in first and "最后一个支部" not in first
    second = as_office.get(url, {"page": 2})
    assert rows(second) == 1 and "最后一个支部" in second.content.decode()


def test_branch_list_figures_come_from_the_branchs_own_rows(as_office, cast):
    today = timezone.localdate()
    f.member(branch=cast.b1, name="王芳")
    f.member(branch=cast.b1, name="已离开", left_on=today - dt.timedelta(days=1))
    f.meeting(branch=cast.b1, type="committee", date=today.replace(day=1))
    f.meeting(branch=cast.b1, type="committee", date=today.replace(day=1))
    f.meeting(branch=cast.b1, type="lecture", date=today.replace(day=1))  # not a monthly type
    f.meeting(branch=cast.b1, type="themed_day", date=today.replace(day=1) - dt.timedelta(days=1))
    page = as_office.get(reverse("branches:branch_list")).context["page"]
    b1, b2 = page.object_list
    assert (b1.member_count, b1.last_meeting, b1.month_held) == (2, today.replace(day=1), 1)
    assert (b2.member_count, b2.last_meeting, b2.month_held) == (0, None, 0)


@pytest.mark.parametrize(
    "url_name, add",
    [
        ("branches:branch_list", lambda cast, i: f.branch(township=cast.t1, code=f"Q{i:03}")),
        (
            "branches:meeting_list",
            lambda cast, i: f.meeting(
                branch=cast.b1, attendance={cast.m1: "present"}, date=dt.date(2026, 1, 1 + i % 28)
            ),
        ),
        ("members:member_list", lambda cast, i: f.member(branch=cast.b1, code=f"Q{i:03}")),
    ],
)
def test_list_query_budget_is_the_same_for_5_and_50_rows(as_office, cast, url_name, add):
    url = reverse(url_name)
    for i in range(5):
        add(cast, i)
    five = get_query_count(as_office, url)
    for i in range(5, 50):
        add(cast, i)
    assert get_query_count(as_office, url) == five <= 8


def test_member_list_pages_one_past_a_page_and_keeps_the_filter(as_office, cast):
    for i in range(MEMBER_PAGE_SIZE - 1):  # with M1: exactly one page
        f.member(branch=cast.b1, code=f"Z{i:03}")
    url = reverse("members:member_list")
    assert rows(as_office.get(url)) == MEMBER_PAGE_SIZE
    assert "第 1 / 2 页" not in as_office.get(url).content.decode()
    f.member(branch=cast.b2, code="ZZZ", name="最后一人", left_on=dt.date(2026, 1, 1))
    assert "第 1 / 2 页" not in as_office.get(url).content.decode()  # left: not listed
    page = as_office.get(url, {"left": "1"}).content.decode()
    assert "第 1 / 2 页" in page and "left=1&amp;page=2" in page
    assert "最后一人" in as_office.get(url, {"left": "1", "page": 2}).content.decode()


def test_meeting_list_pages_one_past_a_page(as_office, cast):
    for i in range(MEETING_PAGE_SIZE):
        f.meeting(branch=cast.b1, date=dt.date(2026, 3, 1) + dt.timedelta(days=i))
    url = reverse("branches:meeting_list")
    assert "第 1 / 2 页" not in as_office.get(url).content.decode()
    f.meeting(branch=cast.b2, date=dt.date(2026, 1, 1), topic="最早的会议")
    assert "第 1 / 2 页" in as_office.get(url).content.decode()
    second = as_office.get(url, {"page": 2})
    assert rows(second) == 1 and "最早的会议" in second.content.decode()


@pytest.mark.parametrize(
    "url_name",
    [
        "branches:branch_list",
        "branches:meeting_list",
        "members:member_list",
        "branches:manage_branches",
        "branches:manage_areas",
    ],
)
def test_reviewer_lists_show_the_first_township_unless_another_is_chosen(
    as_reviewer, cast, url_name
):
    """Each through the narrowed scope (`township_narrowed`), as the life-cycle lists."""
    f.meeting(branch=cast.b1, topic="一号镇的会议")
    f.meeting(branch=cast.b3, topic="二号镇的会议")
    for township in (cast.t1, cast.t2, cast.t3):
        Area.objects.create(township=township, code="A1", name=f"{township.name}片区")
    url = reverse(url_name)
    first = as_reviewer.get(url)
    assert first.context["township"] == cast.t1
    assert [t.pk for t in first.context["townships"]] == [cast.t1.pk, cast.t2.pk]
    second = as_reviewer.get(url, {"township": cast.t2.pk})
    assert second.context["township"] == cast.t2
    assert len(second.context["page"]) > 0
    assert all(row.township_id == cast.t2.pk for row in second.context["page"])
    # Another county's township is not offered: the list falls back to the first one.
    other = as_reviewer.get(url, {"township": cast.t3.pk})
    assert other.context["township"] == cast.t1
    assert all(row.township_id == cast.t1.pk for row in other.context["page"])


def test_office_lists_offer_no_township_choice(as_office, cast):
    response = as_office.get(reverse("branches:branch_list"), {"township": cast.t2.pk})
    assert response.context["townships"] == [] and response.context["township"] is None
    assert [b.pk for b in response.context["page"]] == [cast.b1.pk, cast.b2.pk]


# --- a page after the first: its ids, then its rows ------------------------------------------


def _meetings(cast, n: int) -> None:
    """`n` meetings of T1 over few dates, so that many share a date (the id breaks the tie)."""
    member = f.member(branch=cast.b2)
    for i in range(n):
        f.meeting(
            branch=cast.b1 if i % 3 else cast.b2,
            date=dt.date(2026, 3, 1 + i % 4),
            attendance={cast.m1: "present"} if i % 3 else {member: "absent"},
        )


def test_every_page_holds_the_rows_djangos_paginator_gives_with_their_figures(rf, cast):
    _meetings(cast, 47)
    listed = selectors.meeting_list(scope=scope_for(cast.office))
    plain = Paginator(listed, 20)
    for number in (1, 2, 3):
        page = paginate(rf.get(f"/?page={number}"), listed, per_page=20)
        expected = list(plain.page(number))
        assert [m.pk for m in page] == [m.pk for m in expected]
        assert [(m.present_count, m.attendance_count, m.month_locked) for m in page] == [
            (m.present_count, m.attendance_count, m.month_locked) for m in expected
        ]
        assert all(m.branch.name for m in page)  # joined, not read one by one
    assert len(page) == 7 and page.paginator.num_pages == 3


def test_a_later_page_reads_its_figures_for_its_own_rows_only(rf, cast):
    """The query with the subqueries is limited to the page's ids, not to an offset."""
    _meetings(cast, 45)
    listed = selectors.meeting_list(scope=scope_for(cast.office))
    with CaptureQueriesContext(connection) as ctx:
        list(paginate(rf.get("/?page=3"), listed, per_page=20))
    figures = [q["sql"] for q in ctx.captured_queries if "branches_attendance" in q["sql"]]
    assert len(figures) == 1 and "OFFSET" not in figures[0].upper()
    ids = [q["sql"] for q in ctx.captured_queries if "OFFSET" in q["sql"].upper()]
    assert len(ids) == 1 and "branches_attendance" not in ids[0]


def test_a_later_page_takes_one_query_more_than_the_first_whatever_the_rows(as_office, cast):
    _meetings(cast, 45)
    url = reverse("branches:meeting_list")
    first, third = get_query_count(as_office, url), get_query_count(as_office, url + "?page=3")
    _meetings(cast, 60)
    assert get_query_count(as_office, url + "?page=5") == third == first + 1


def test_lists_and_value_rows_are_paged_as_they_are(rf, cast):
    assert list(paginate(rf.get("/?page=2"), list(range(30)), per_page=20)) == list(range(20, 30))
    for _ in range(25):
        f.branch(township=cast.t1)
    values = Branch.objects.order_by("pk").values("pk", "name")
    page = paginate(rf.get("/?page=2"), values, per_page=20)
    assert [row["pk"] for row in page] == [row["pk"] for row in values[20:40]]
