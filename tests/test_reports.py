"""Reports: the kinds give the export's figures, the files are stable and safe, jobs run to the
end (again after a crash), and the files reach only those who may see the data."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from branches.models import Township
from exchange.importer import township_import
from scoring.reports import QuarterlyRanking
from tests import factories as f
from township import report_runner, reports
from township.models import AuditLog, ReportJob
from township.rendering import render_pdf, render_xlsx
from township.reports import Period, ReportError, period_parse
from township.services import report_request

SCENARIOS = Path(__file__).resolve().parent / "data" / "scenarios"
AFTER_2026 = dt.datetime(2027, 1, 15, 10, 0, tzinfo=dt.UTC)


def quiet(*_args) -> None:
    """A progress callback that ignores progress."""


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT


@pytest.fixture
def example(db):
    """example-1 imported, seen from January 2027 (so all of 2026 has happened)."""
    with time_machine.travel(AFTER_2026, tick=False):
        township_import(
            actor=None, document=(SCENARIOS / "example-1.json").read_bytes(), actor_name="t"
        )
        expected = json.loads((SCENARIOS / "example-1.expected.json").read_text("utf-8"))
        yield Township.objects.get(code=expected["township"]), expected


def build(kind: str, township: Township, period: str, level: str = "township", ident=None):
    found = reports.kind_get(kind)
    target = found.target(scope=None, level=level, ident=ident or township.pk)
    return found.build(
        target=target, period=period_parse(period, allowed=found.periods), progress=quiet
    )


def sheet_rows(data: bytes, sheet: str) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data))
    return [tuple(c.value for c in row) for row in workbook[sheet].iter_rows(min_row=2)]


def number(value) -> float | None:
    return None if value is None else float(value)


# --- periods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "months"),
    [
        ("2026-03", "month", [3]),
        ("2026-Q1", "quarter", [1, 2, 3]),
        ("2026-Q4", "quarter", [10, 11, 12]),
        ("2026-H2", "half", [7, 8, 9, 10, 11, 12]),
        ("2026", "year", list(range(1, 13))),
    ],
)
def test_periods_parse_to_their_months(text, kind, months):
    period = period_parse(text, allowed=("month", "quarter", "half", "year"))
    assert period.kind == kind and period.text == text
    assert [m.month for m in period.months] == months


def test_a_periods_last_day_is_the_last_day_of_its_last_month():
    assert period_parse("2024-02", allowed=("month",)).last_day == dt.date(2024, 2, 29)
    assert period_parse("2026-Q4", allowed=("quarter",)).last_day == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "月份"),
        ("2026-00", "月份"),
        ("2026-Q5", "期间"),
        ("1999", "2000"),
        ("2101-Q1", "2000"),
        ("9" * 5000, "期间"),
        ("2026-Q1", "年度"),  # a year-only kind refuses a quarter
    ],
)
def test_bad_periods_are_refused_in_chinese(text, message):
    with pytest.raises(ReportError) as exc:
        period_parse(text, allowed=("month", "year") if text != "2026-Q1" else ("year",))
    assert message in str(exc.value.message)


@hsettings(max_examples=300, deadline=200)
@given(st.text(max_size=200))
def test_any_text_is_a_period_or_a_report_error(text):
    try:
        period = period_parse(text, allowed=("month", "quarter", "half", "year"))
    except ReportError:
        return
    assert 2000 <= period.year <= 2100


# --- the kinds give the export's figures -------------------


def test_quarterly_ranking_excel_equals_the_score_export_figure_by_figure(example):
    township, expected = example
    with time_machine.travel(AFTER_2026, tick=False):
        for q in range(1, 5):
            report = build("quarterly_ranking", township, f"2026-Q{q}")
            rows = sheet_rows(render_xlsx(report), "季度排名")
            assert len(rows) == len(expected["branches"])
            for rank, code, _name, m1, m2, m3, score, flag in rows:
                branch = expected["branches"][code]
                quarter = branch["quarters"][f"Q{q}"]
                assert (rank, number(score)) == (quarter["rank"], quarter["score"]), code
                months = [f"2026-{3 * q - 2 + i:02d}" for i in range(3)]
                assert [number(v) for v in (m1, m2, m3)] == [
                    branch["months"][m]["index"] for m in months
                ]
                assert (flag == "约谈") == (code in expected["quarters"][f"Q{q}"]["bottom"])


def test_monthly_sheet_excel_holds_every_item_of_the_export(example):
    township, expected = example
    with time_machine.travel(AFTER_2026, tick=False):
        report = build("monthly_sheet", township, "2026-06")
    rows = sheet_rows(render_xlsx(report), "月度考核")
    header = [c.label.split(" ")[0] for c in report.tables[0].columns]
    for row in rows:
        month = expected["branches"][row[0]]["months"]["2026-06"]
        items = {h: number(v) for h, v in zip(header, row, strict=True) if h.startswith("F")}
        assert {k: v for k, v in items.items() if v is not None} == month["items"]
        assert number(row[-1]) == month["index"]


def test_star_board_and_weak_and_lax_agree_with_the_export(example):
    township, expected = example
    with time_machine.travel(AFTER_2026, tick=False):
        stars = build("star_board", township, "2026")
        weak = build("weak_and_lax", township, "2026")
    branch_rows = {r[1]: r for r in stars.tables[0].rows}
    for code, branch in expected["branches"].items():
        assert number(branch_rows[code][3]) == branch["annual"]["score"]
    member_rows = {r[2]: r for r in stars.tables[1].rows}
    for code, member in expected["members"].items():
        if member["annual"] is not None:
            assert number(member_rows[code][4]) == member["annual"], code
    assert sorted(r[1] for r in weak.tables[0].rows) == expected["weak_and_lax"]


def test_county_ranking_ranks_every_ranked_branch_of_the_county(example):
    township, expected = example
    with time_machine.travel(AFTER_2026, tick=False):
        report = build("county_ranking", township, "2026-Q2", "county", township.county_id)
    summary, ranking = report.tables
    assert summary.rows[0][0] == township.name
    scores = [r[4] for r in ranking.rows]
    assert scores == sorted(scores, reverse=True)
    by_code = {r[2]: r for r in ranking.rows}
    for code, branch in expected["branches"].items():
        if branch["quarters"]["Q2"]["rank"] is not None:
            assert by_code[code][5] == branch["quarters"]["Q2"]["rank"]  # rank in the township
            assert number(by_code[code][4]) == branch["quarters"]["Q2"]["score"]
    bottom = {r[2] for i, r in enumerate(ranking.rows) if i in ranking.marked}
    assert bottom == set(expected["quarters"]["Q2"]["bottom"])


def test_pdf_lists_the_branches_in_rank_order_with_their_scores(example):
    township, expected = example
    with time_machine.travel(AFTER_2026, tick=False):
        report = build("quarterly_ranking", township, "2026-Q1")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(report))).pages)
    ranked = sorted(
        (b for b in expected["branches"].items() if b[1]["quarters"]["Q1"]["rank"] is not None),
        key=lambda b: (b[1]["quarters"]["Q1"]["rank"], b[0]),
    )
    positions = [text.index(f"{code}") for code, _b in ranked]
    assert positions == sorted(positions)
    for _code, branch in ranked:
        assert f"{branch['quarters']['Q1']['score']:.2f}" in text
    assert report.data_digest() in text


def _embedded_fonts(pdf: bytes) -> list[str]:
    fonts = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    fonts.append(str(font["/BaseFont"]))
    return fonts


def test_the_pdf_embeds_a_subset_of_the_chinese_font(example, tmp_path):
    township, _expected = example
    with time_machine.travel(AFTER_2026, tick=False):
        pdf = render_pdf(build("quarterly_ranking", township, "2026-Q1"))
    fonts = _embedded_fonts(pdf)
    assert any("Report-CJK" in name and "+" in name for name in fonts), fonts
    pdffonts = shutil.which("pdffonts")  # poppler-utils (installed by .ci/run)
    if pdffonts:
        path = tmp_path / "ranking.pdf"
        path.write_bytes(pdf)
        listing = subprocess.run(  # noqa: S603
            [pdffonts, str(path)], capture_output=True, check=True, text=True
        ).stdout
        cjk = [line for line in listing.splitlines() if "Report-CJK" in line]
        assert cjk and all(" yes yes " in line for line in cjk), listing


def test_the_same_data_gives_byte_identical_files(example):
    township, _expected = example
    with time_machine.travel(AFTER_2026, tick=False):
        first = build("quarterly_ranking", township, "2026-Q2")
        second = build("quarterly_ranking", township, "2026-Q2")
    for render in (render_pdf, render_xlsx):
        assert hashlib.sha256(render(first)).digest() == hashlib.sha256(render(second)).digest()
    assert first.data_digest() == second.data_digest()


def test_no_print_time_goes_into_a_report(example):
    township, _expected = example
    with time_machine.travel(AFTER_2026, tick=False):
        report = build("quarterly_ranking", township, "2026-Q1")
    with time_machine.travel(AFTER_2026 + dt.timedelta(days=3, hours=5), tick=False):
        later = render_pdf(report), render_xlsx(report)
    assert later == (render_pdf(report), render_xlsx(report))


# --- Excel safety -----------------------------------------------------------------


def _report_with(text: str) -> reports.Report:
    return reports.Report(
        title="t",
        subject="s",
        period=Period("year", 2026),
        facts=[("f", text)],
        tables=[
            reports.Table(
                title="名单",
                columns=[reports.Column("姓名"), reports.Column("得分", "score")],
                rows=[[text, Decimal("81.5")], ["张伟", None]],
            )
        ],
        filename="t",
    )


@pytest.mark.parametrize(
    "name", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")']
)
def test_user_text_that_looks_like_a_formula_stays_text(name):
    workbook = load_workbook(io.BytesIO(render_xlsx(_report_with(name))))
    cell = workbook["名单"]["A2"]
    # Plain XML would read a carriage return back as a line feed; the cell stays text either way.
    assert cell.value in {name, name.replace("\r", "\n")} and cell.data_type == "s"
    assert cell.quotePrefix
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_excel_has_a_frozen_header_and_number_formats():
    workbook = load_workbook(io.BytesIO(render_xlsx(_report_with("张伟"))))
    sheet = workbook["名单"]
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].number_format == "0.00"
    assert sheet.column_dimensions["A"].width == 12
    info = {row[0].value: row[1].value for row in workbook["报表说明"].iter_rows()}
    assert info["数据校验码"] == _report_with("张伟").data_digest()


def test_a_member_named_like_a_formula_stays_text_in_the_star_board(example):
    township, _expected = example
    member = township.members.order_by("code").first()
    member.name = "=1+1"
    member.save()
    with time_machine.travel(AFTER_2026, tick=False):
        data = render_xlsx(build("star_board", township, "2026"))
    workbook = load_workbook(io.BytesIO(data))
    cells = [c for row in workbook["党员星级"].iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


# --- jobs ---------------------------------------------------------------------------------


def test_a_requested_job_runs_on_commit_and_stores_its_file(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = report_request(
            actor=cast.office,
            kind_name="quarterly_ranking",
            level="township",
            ident=cast.t1.pk,
            period="2026-Q1",
            fmt="xlsx",
        )
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 100, 1)
    data = report_runner.report_file_path(job).read_bytes()
    assert hashlib.sha256(data).hexdigest() == job.sha256 and len(data) == job.size
    assert job.data_digest and job.township == cast.t1 and job.requested_by == cast.office
    assert AuditLog.objects.filter(action="reports.requested", township=cast.t1).exists()


def test_a_report_of_another_township_cannot_be_requested(cast):
    with pytest.raises(ReportError):
        report_request(
            actor=cast.office,
            kind_name="quarterly_ranking",
            level="township",
            ident=cast.t2.pk,
            period="2026-Q1",
            fmt="pdf",
        )
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize(
    ("kind", "level", "period", "fmt", "message"),
    [
        ("nonsense", "township", "2026-Q1", "pdf", "没有这种报表"),
        ("quarterly_ranking", "township", "2026-Q1", "docx", "格式"),
        ("quarterly_ranking", "township", "2026-13", "pdf", "月份"),
        ("quarterly_ranking", "township", "2026", "pdf", "季度"),
        ("quarterly_ranking", "county", "2026-Q1", "pdf", "级别"),
        ("county_ranking", "county", "2026", "pdf", "角色"),  # for reviewers only
    ],
)
def test_bad_requests_are_refused_with_a_message(cast, kind, level, period, fmt, message):
    with pytest.raises(ReportError) as exc:
        report_request(
            actor=cast.office, kind_name=kind, level=level, ident=cast.t1.pk, period=period, fmt=fmt
        )
    assert message in str(exc.value.message)


def _queued(cast, **kw) -> ReportJob:
    return ReportJob.objects.create(
        **{
            "kind": "quarterly_ranking",
            "level": "township",
            "county": cast.county,
            "township": cast.t1,
            "period": "2026-Q1",
            "format": "pdf",
            **kw,
        }
    )


def test_a_job_whose_worker_died_half_way_runs_again_to_the_same_file(cast):
    fresh = _queued(cast)
    assert report_runner.report_job_run(fresh.pk) == "done"
    crashed = _queued(cast, status="running", progress=40, step="第 3/12 月", attempts=1)
    assert report_runner.report_job_run(crashed.pk) == "done"
    fresh.refresh_from_db()
    crashed.refresh_from_db()
    assert crashed.attempts == 2 and crashed.progress == 100
    assert crashed.sha256 == fresh.sha256


def test_running_a_finished_job_again_changes_nothing(cast):
    job = _queued(cast)
    report_runner.report_job_run(job.pk)
    job.refresh_from_db()
    before = (job.sha256, job.finished_at, job.attempts)
    assert report_runner.report_job_run(job.pk) == "done"
    job.refresh_from_db()
    assert (job.sha256, job.finished_at, job.attempts) == before


def test_a_transient_database_error_is_retried_until_the_job_is_done(cast, monkeypatch):
    from township.tasks import report_job_run

    calls = []
    original = QuarterlyRanking.build

    def flaky(self, **kw):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(self, **kw)

    monkeypatch.setattr(QuarterlyRanking, "build", flaky)
    job = _queued(cast)
    report_job_run.apply(args=(job.pk,), throw=False)  # eager: the retry runs at once
    job.refresh_from_db()
    assert (job.status, job.attempts, len(calls)) == ("done", 2, 2)


def test_an_unexpected_error_fails_the_job_with_a_generic_message(cast, monkeypatch):
    def broken(self, **kw):
        raise ZeroDivisionError("internal detail")

    monkeypatch.setattr(QuarterlyRanking, "build", broken)
    job = _queued(cast)
    assert report_runner.report_job_run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and "internal detail" not in job.error and "失败" in job.error


def test_old_files_are_removed_and_their_records_kept(cast, client):
    from django.utils import timezone

    job = f.report_job(township=cast.t1)
    recent = f.report_job(township=cast.t1)
    ReportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=91))
    assert report_runner.report_files_cleanup() == 1
    job.refresh_from_db()
    assert job.file == "" and job.expired_at is not None and job.sha256
    assert report_runner.report_file_path(recent) is not None
    client.force_login(cast.office, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:detail", args=[job.pk])).status_code == 200


# --- downloads and pages ---------------------------------------------------


def test_a_download_sends_the_stored_file_and_is_audited(cast, client):
    job = f.report_job(township=cast.t1, content=b"%PDF-1.7 ranking")
    client.force_login(cast.reviewer, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 ranking"
    assert response["Content-Type"] == "application/pdf"
    assert AuditLog.objects.filter(action="reports.downloaded", object_id=str(job.pk)).exists()


def test_a_reviewer_of_another_county_gets_404(cast, client):
    job = f.report_job(township=cast.t1)
    client.force_login(cast.reviewer2, backend="django.contrib.auth.backends.ModelBackend")
    for name in ("reports:detail", "reports:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_the_office_asks_for_a_report_in_the_browser_and_follows_it(cast, client):
    client.force_login(cast.office, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("scoring:township_year", args=[cast.t1.pk, 2026]))
    assert b'name="kind" value="quarterly_ranking"' in page.content
    response = client.post(
        reverse("reports:request"),
        {"kind": "quarterly_ranking", "target": f"township:{cast.t1.pk}", "period": "2026-Q1",
         "format": "pdf"},
    )  # fmt: skip
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:detail", args=[job.pk]
    )
    status = client.get(reverse("reports:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b'id="job-status"' in status.content and b"<html" not in status.content


def test_a_bad_request_keeps_what_was_typed_and_says_why(cast, client):
    client.force_login(cast.office, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("reports:request"),
        {"kind": "quarterly_ranking", "target": f"township:{cast.t1.pk}", "period": "2026-Q9",
         "format": "pdf"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "期间".encode() in response.content and b'value="2026-Q9"' in response.content
    assert not ReportJob.objects.exists()


def test_a_secretary_sees_only_the_notice_board_buttons_of_their_branch(cast, client):
    client.force_login(cast.secretary, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("scoring:branch_year", args=[cast.b1.pk, 2026]))
    assert page.content.count(b'value="notice_board"') == 4
    response = client.post(
        reverse("reports:request"),
        {"kind": "notice_board", "target": f"branch:{cast.b2.pk}", "period": "2026-Q1",
         "format": "pdf"},
    )  # fmt: skip
    assert response.status_code == 400  # B2 is not among the secretary's choices
    assert not ReportJob.objects.exists()


# --- the command line ---------------------------------------------------------


def test_make_report_writes_the_same_file_as_the_job(cast, tmp_path):
    out = tmp_path / "q.xlsx"
    call_command(
        "make_report", "quarterly_ranking", township=cast.t1.code, period="2026-Q1",
        fmt="xlsx", output=str(out), stderr=io.StringIO(),
    )  # fmt: skip
    job = _queued(cast, format="xlsx")
    report_runner.report_job_run(job.pk)
    job.refresh_from_db()
    assert hashlib.sha256(out.read_bytes()).hexdigest() == job.sha256


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (["quarterly_ranking"], {"township": "NOPE", "period": "2026-Q1", "fmt": "pdf"}, "找不到"),
        (["quarterly_ranking"], {"township": None, "period": "2026-Q1", "fmt": "xls"}, "格式"),
        (["quarterly_ranking"], {"township": None, "period": "26-Q1", "fmt": "pdf"}, "期间"),
        (["monthly"], {"township": None, "period": "2026-01", "fmt": "pdf"}, "没有这种报表"),
        (["county_ranking"], {"township": None, "period": "2026", "fmt": "pdf"}, "--county"),
        (["notice_board"], {"branch": "B001", "period": "2026-Q1", "fmt": "pdf"}, "--township"),
    ],
)
def test_make_report_refuses_bad_input_in_chinese(cast, tmp_path, args, options, message):
    if options.get("township") is None and "branch" not in options:
        options["township"] = cast.t1.code
    if "branch" in options and "township" not in options:
        options["county"] = cast.county.code
    with pytest.raises(CommandError) as exc:
        call_command("make_report", *args, output=str(tmp_path / "x"), **options)
    assert message in str(exc.value)


def test_the_notice_board_shows_the_quarters_three_months_and_its_mean(cast):
    from members.models import PointAdjustment

    for n in range(1, 7):  # m1 pays every month and loses 10 more points each: 90, 80 … 40
        month = dt.date(2026, n, 1)
        f.dues(member=cast.m1, month=month, paid_on=month)
        PointAdjustment.objects.create(member=cast.m1, date=month, points=-10 * n)
    f.member(branch=cast.b1, name="王芳", left_on=dt.date(2026, 3, 1))  # on the board, not in Q2
    report = build("notice_board", cast.t1, "2026-Q2", level="branch", ident=cast.b1.pk)
    (table,) = report.tables
    assert [str(c.label) for c in table.columns] == ["姓名", "4月", "5月", "6月", "季度"]
    assert table.rows == [["张伟", Decimal(60), Decimal(50), Decimal(40), Decimal(50)]]
