"""The alliances' report kind: the quarter's public display (晾晒) through the report jobs."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from alliances import selectors
from alliances.models import Alliance, JointActivity
from tests import factories as f
from township import report_runner
from township.reports import ReportError
from township.services import report_request


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def alliances(cast):
    core = f.alliance(township=cast.t1, branches=[cast.b1], code="AL1", name="示例镇党建联盟")
    red = f.alliance(
        township=cast.t1, branches=[cast.b1], parent=core, kind="red", code="AL2", name="红色联盟"
    )
    owner = core.organisations.get()
    core.projects.create(kind="common", title="路灯", owner=owner, due_on=dt.date(2026, 2, 1))
    core.projects.create(
        kind="common",
        title="广场",
        owner=owner,
        due_on=dt.date(2026, 3, 1),
        status="done",
        done_on=dt.date(2026, 2, 20),
        evidence="照片",
    )
    activity = JointActivity.objects.create(
        alliance=red, kind="volunteer", date=dt.date(2026, 3, 5), title="一月一公益"
    )
    activity.members.add(cast.m1, f.member(branch=cast.b1))
    f.wish(
        alliance=red,
        raised_on=dt.date(2026, 3, 1),
        claimed_by=cast.m1,
        claimed_on=dt.date(2026, 3, 1),
        fulfilled_on=dt.date(2026, 3, 9),
        evidence="已办",
    )
    return core, red


def _rows(data: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data))
    return [tuple(c.value for c in row) for row in workbook["联盟晾晒"].iter_rows(min_row=2)]


def test_make_report_writes_the_display_excel_equal_to_the_page(cast, alliances, tmp_path):
    out = tmp_path / "display.xlsx"
    call_command(
        "make_report",
        "alliance_display",
        "--township",
        cast.t1.code,
        "--period",
        "2026-Q1",
        "--format",
        "xlsx",
        "--output",
        str(out),
    )
    rows = _rows(out.read_bytes())
    page = selectors.display_rows(
        alliances=list(Alliance.objects.filter(township=cast.t1).order_by("code")),
        year=2026,
        quarter=1,
        today=dt.date(2026, 11, 30),
    )
    assert [(r[0], r[3], r[4], r[6], r[7], r[8], r[10]) for r in rows] == [
        (
            p.alliance.code,
            p.projects_done,
            p.projects_total,
            p.overdue,
            p.activities,
            p.participants,
            p.wishes_fulfilled,
        )
        for p in page
    ]
    assert rows[0][:8] == ("AL1", "示例镇党建联盟", "镇级核心联盟", 1, 2, 0.5, 1, 0)
    assert rows[1][7:12] == (1, 2, 1, 1, 0)


def test_make_report_writes_a_pdf(cast, alliances, tmp_path):
    out = tmp_path / "display.pdf"
    call_command(
        "make_report",
        "alliance_display",
        "--township",
        cast.t1.code,
        "--period",
        "2026-Q1",
        "--format",
        "pdf",
        "--output",
        str(out),
    )
    assert out.read_bytes().startswith(b"%PDF")


def test_the_display_takes_a_quarter_only(cast, alliances):
    with pytest.raises(ReportError, match="季度"):
        report_request(
            actor=cast.office,
            kind_name="alliance_display",
            level="township",
            ident=cast.t1.pk,
            period="2026-03",
            fmt="xlsx",
        )


def test_the_office_requests_the_display_as_a_job(
    cast, alliances, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = report_request(
            actor=cast.office,
            kind_name="alliance_display",
            level="township",
            ident=cast.t1.pk,
            period="2026-Q1",
            fmt="xlsx",
        )
    job.refresh_from_db()
    assert job.status == "done"
    assert len(_rows(report_runner.report_file_path(job).read_bytes())) == 2


def test_another_townships_display_cannot_be_requested(cast, alliances):
    with pytest.raises(ReportError):
        report_request(
            actor=cast.office,
            kind_name="alliance_display",
            level="township",
            ident=cast.t2.pk,
            period="2026-Q1",
            fmt="xlsx",
        )


def test_the_display_page_offers_the_report_buttons(client, cast, alliances):
    from django.urls import reverse

    from tests.conftest import BACKEND

    client.force_login(cast.office, backend=BACKEND)
    page = client.get(
        reverse("alliances:display", kwargs={"township_id": cast.t1.pk, "year": 2026, "quarter": 1})
    ).content.decode()
    assert "alliance_display" in page and f"township:{cast.t1.pk}" in page
