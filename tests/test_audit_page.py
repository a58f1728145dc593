"""The audit page in Chinese: who, what, which record, the reason, IP, time; filters that
never fail; 50 a page; the county's (and the office's) Excel export."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from tests.conftest import BACKEND, get_query_count
from township import report_runner
from township.actions import ACTION_LABELS
from township.audit import audit_log
from township.models import AuditLog, ReportJob
from township.reports import ReportError
from township.services import report_request

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"


def at(when: dt.datetime, **kwargs) -> AuditLog:
    with time_machine.travel(when, tick=False):
        return audit_log(**kwargs)


def page(client, user, **params):
    client.force_login(user, backend=BACKEND)
    return client.get(reverse("audit_list"), params)


def shown(response) -> list[str]:
    """The actions of the rows on the page, leaving out the viewer's own login."""
    return [e.action for e in response.context["page"] if e.action != "auth.login"]


def warnings(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def log(cast):
    """Entries in T1, T2 and the county, on known days (Asia/Shanghai)."""
    meeting = f.meeting(branch=cast.b1, topic="主题党日")
    return {
        "meeting": at(
            dt.datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI),
            actor=cast.secretary,
            action="branches.meeting.created",
            obj=meeting,
        ),
        "reopen": at(
            dt.datetime(2026, 3, 31, 23, 59, tzinfo=SHANGHAI),
            actor=cast.office,
            action="scoring.month.reopened",
            data={"month": "2026-02", "reason": "补录会议"},
        ),
        "t2": at(
            dt.datetime(2026, 4, 1, 0, 0, tzinfo=SHANGHAI),
            actor=cast.office2,
            action="auth.logout",
        ),
        "county": at(
            dt.datetime(2026, 4, 2, 8, 0, tzinfo=SHANGHAI),
            actor=cast.reviewer,
            action="auth.permission_denied",
            data={"permission": "meetings.change", "path": "/x/", "method": "POST"},
        ),
    }


# --- what the page shows ------------------------------------------------------------------------


def test_the_page_names_the_action_the_record_the_reason_and_links_the_record(client, cast, log):
    html = page(client, cast.office).content.decode()
    html = html[html.index('id="audit-entries"') :]
    assert "登记会议" in html and "重新开放月度考核" in html
    assert "branches.meeting.created" not in html
    assert "补录会议" in html
    link = reverse("branches:meeting_detail", kwargs={"pk": log["meeting"].object_id})
    assert f'<a href="{link}">{log["meeting"].object_repr}</a>' in html
    assert "2026-03-09 09:00:00" in html


def test_a_user_change_shows_before_and_after_in_chinese(client, cast):
    audit_log(
        actor=None,
        action="auth.user.changed",
        obj=cast.liaison,
        township_id=cast.t1.pk,
        data={"changes": {"role": ["liaison", "secretary"], "is_active": [True, False]}},
    )
    html = page(client, cast.office).content.decode()
    assert "角色：挂包领导 → 支部书记；启用：是 → 否" in html


def test_the_office_sees_its_township_and_the_reviewer_the_county(client, cast, log):
    assert sorted(shown(page(client, cast.office))) == [
        "branches.meeting.created",
        "scoring.month.reopened",
    ]
    assert sorted(shown(page(client, cast.reviewer))) == [
        "auth.logout",
        "auth.permission_denied",
        "branches.meeting.created",
        "scoring.month.reopened",
    ]


def test_a_reviewer_of_another_county_sees_none_of_it(client, cast, log):
    other = cast.reviewer2  # of the second county
    assert shown(page(client, other)) == []


def test_the_reviewer_finds_the_page_in_the_navigation(client, cast):
    html = page(client, cast.reviewer).content.decode()
    assert f'href="{reverse("audit_list")}"' in html


# --- filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"person": "office2"}, ["auth.logout"]),
        ({"person": "OFFICE"}, ["auth.logout", "scoring.month.reopened"]),
        ({"action": "branches.meeting.created"}, ["branches.meeting.created"]),
        ({"record": "党日"}, ["branches.meeting.created"]),
        ({"record": "支部大会"}, []),
        (
            {"date_from": "2026-03-31"},
            ["auth.logout", "auth.permission_denied", "scoring.month.reopened"],
        ),
        ({"date_to": "2026-03-31"}, ["branches.meeting.created", "scoring.month.reopened"]),
        ({"date_from": "2026-04-01", "date_to": "2026-04-01"}, ["auth.logout"]),
    ],
)
def test_filters_narrow_the_list(client, cast, log, params, expected):
    response = page(client, cast.reviewer, **params)
    assert sorted(shown(response)) == sorted(expected)
    assert warnings(response) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-13-45"}, "开始日期"),
        ({"date_to": "0001-01-01"}, "结束日期"),
        ({"date_from": "9999-12-31"}, "开始日期"),
        ({"date_from": "1999-12-31"}, "开始日期"),
        ({"date_to": "2101-01-01"}, "结束日期"),
        ({"date_from": "1" * 5000}, "开始日期"),
        ({"action": "no.such.action"}, "操作"),
        ({"person": "off\x00ice"}, "操作人"),
        ({"record": "x" * 101}, "对象"),
        ({"date_from": "2026-04-02", "date_to": "2026-03-01"}, "日期范围"),
    ],
)
def test_a_bad_filter_is_ignored_with_a_message_naming_it(client, cast, log, params, field):
    response = page(client, cast.reviewer, **params)
    assert response.status_code == 200
    assert len(shown(response)) == 4  # nothing filtered
    assert any(f"“{field}”" in w and "已忽略" in w for w in warnings(response)), warnings(response)


@pytest.mark.parametrize("day", ["2000-01-01", "2100-12-31"])
def test_the_date_window_ends_are_accepted(client, cast, log, day):
    response = page(client, cast.reviewer, date_from=day, date_to=day)
    assert warnings(response) == [] and shown(response) == []


def test_a_good_filter_still_applies_beside_a_bad_one(client, cast, log):
    response = page(client, cast.reviewer, person="office2", date_from="2026-02-30")
    assert shown(response) == ["auth.logout"]
    assert len(warnings(response)) == 1


# --- pages --------------------------------------------------------------------------------------


def _entries(cast, n: int) -> None:
    AuditLog.objects.bulk_create(
        [AuditLog(action="auth.logout", actor_name=f"u{i}", township=cast.t1) for i in range(n)]
    )


def test_fifty_entries_fill_one_page(client, cast):
    _entries(cast, 50)
    response = page(client, cast.office, action="auth.logout")
    assert len(shown(response)) == 50
    assert not response.context["page"].has_next()


def test_the_fifty_first_entry_goes_to_page_two_and_the_filters_follow(client, cast):
    _entries(cast, 51)
    response = page(client, cast.office, person="u")
    assert len(shown(response)) == 50
    assert 'href="?person=u&amp;page=2"' in response.content.decode()
    assert len(shown(page(client, cast.office, person="u", page=2))) == 1


def test_the_page_takes_the_same_queries_for_5_and_50_entries(client, cast):
    client.force_login(cast.reviewer, backend=BACKEND)
    _entries(cast, 5)
    few = get_query_count(client, reverse("audit_list"))
    _entries(cast, 45)
    assert get_query_count(client, reverse("audit_list")) == few


# --- the Excel export ---------------------------------------------------------------------------


def test_the_page_offers_the_export_of_the_scope_for_the_filtered_month(client, cast):
    html = page(client, cast.reviewer, date_from="2026-03-01", date_to="2026-03-31").content
    html = html.decode()
    assert 'name="kind" value="audit_log"' in html
    assert f'name="target" value="county:{cast.county.pk}"' in html
    assert 'name="period" value="2026-03"' in html
    assert "导出 Excel" in html and 'value="pdf"' not in html
    html = page(client, cast.office).content.decode()
    assert f'name="target" value="township:{cast.t1.pk}"' in html


def _rows(job: ReportJob) -> list[tuple]:
    path = report_runner.report_file_path(job)
    sheet = load_workbook(io.BytesIO(path.read_bytes()))["操作日志"]
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_the_reviewer_exports_the_countys_month_as_excel(cast, log):
    job = report_request(
        actor=cast.reviewer,
        kind_name="audit_log",
        level="county",
        ident=cast.county.pk,
        period="2026-03",
        fmt="xlsx",
    )
    assert report_runner.report_job_run(job.pk) == "done"
    job.refresh_from_db()
    rows = _rows(job)
    assert rows[0] == ("时间", "操作人", "操作", "对象", "原因", "变更内容", "IP 地址")
    assert rows[1:] == [
        (
            "2026-03-09 09:00:00",
            "secretary",
            "登记会议",
            log["meeting"].object_repr,
            None,
            None,
            None,
        ),
        ("2026-03-31 23:59:00", "office", "重新开放月度考核", None, "补录会议", None, None),
    ]


def test_the_offices_export_holds_its_township_only(cast, log):
    job = report_request(
        actor=cast.office,
        kind_name="audit_log",
        level="township",
        ident=cast.t1.pk,
        period="2026-Q1",
        fmt="xlsx",
    )
    assert report_runner.report_job_run(job.pk) == "done"
    job.refresh_from_db()
    assert [r[2] for r in _rows(job)[1:]] == ["登记会议", "重新开放月度考核"]


@pytest.mark.parametrize(
    ("who", "level", "target", "fmt"),
    [
        ("office", "township", "t2", "xlsx"),  # another township
        ("office", "county", "county", "xlsx"),  # the office has no county export
        ("reviewer2", "county", "county", "xlsx"),  # another county's reviewer
        ("reviewer2", "township", "t1", "xlsx"),
        ("reviewer", "county", "county", "pdf"),  # Excel only
        ("secretary", "township", "t1", "xlsx"),  # not in the audience
    ],
)
def test_exports_outside_the_scope_or_as_pdf_are_refused(cast, who, level, target, fmt):
    users = {"reviewer2": lambda: f.user(username="r2", role="reviewer", county=f.county())}
    actor = users[who]() if who in users else getattr(cast, who)
    with pytest.raises(ReportError):
        report_request(
            actor=actor,
            kind_name="audit_log",
            level=level,
            ident=getattr(cast, target).pk,
            period="2026-03",
            fmt=fmt,
        )
    assert not ReportJob.objects.exists()


def test_the_reviewer_may_export_one_township_of_the_county(cast, log):
    job = report_request(
        actor=cast.reviewer,
        kind_name="audit_log",
        level="township",
        ident=cast.t2.pk,
        period="2026-Q2",
        fmt="xlsx",
    )
    assert report_runner.report_job_run(job.pk) == "done"
    job.refresh_from_db()
    assert [r[2] for r in _rows(job)[1:]] == ["退出登录"]


# --- labels -------------------------------------------------------------------------------------


def test_every_action_written_anywhere_has_a_chinese_label():
    used = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        used |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text("utf-8")))
    used |= {f"admin.{verb}" for verb in ("added", "changed", "deleted")}
    assert used - set(ACTION_LABELS) == set()
    assert len(used) > 30
