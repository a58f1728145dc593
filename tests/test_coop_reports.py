"""The dividend statement: `make_report dividend_statement`, the report job from the page."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cooperatives import rules
from cooperatives.models import Account
from tests import factories as f
from tests.conftest import BACKEND
from township import report_runner
from township.models import ReportJob

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


@pytest.fixture
def coop(cast):
    coop = f.cooperative(branch=cast.b1, code="C01", name="东李庄富民种植专业合作社")
    f.holder(cooperative=coop, code="H001", kind="collective", name="东李庄村股份经济合作社",
             shares=200)  # fmt: skip
    for i in range(2, 9):
        f.holder(cooperative=coop, code=f"H{i:03d}", name=f"村民{i}", shares=7)
    Account.objects.create(
        cooperative=coop, year=2025, profit=Decimal("100000.01"), reserve_ratio=Decimal("0.10")
    )
    return coop


def expected_split(coop) -> dict[str, int]:
    holders = [rules.HolderStake(h.code, h.shares) for h in coop.holders.order_by("code")]
    return rules.dividends(
        profit=Decimal("100000.01"), reserve_ratio=Decimal("0.10"), holders=holders
    ).amounts


def make(cast, tmp_path, fmt: str, **extra) -> Path:
    out = tmp_path / f"statement.{fmt}"
    options = {"township": cast.t1.code, "cooperative": "C01", "period": "2025", "fmt": fmt}
    call_command(
        "make_report", "dividend_statement", output=str(out), stderr=io.StringIO(),
        **{**options, **extra},
    )  # fmt: skip
    return out


def test_the_excel_statement_equals_the_computed_split_to_the_cent(cast, coop, tmp_path):
    sheet = openpyxl.load_workbook(make(cast, tmp_path, "xlsx"), read_only=True)["股东分红"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("编号", "股东", "类型", "股数", "持股比例", "分红金额")
    holders, total = rows[1:-1], rows[-1]
    cents = {code: round(Decimal(str(amount)) * 100) for code, *_r, amount in holders}
    assert cents == expected_split(coop)
    assert sum(cents.values()) == 9000001  # 100000.01 less the reserve 10000.00
    assert total[1] == "合计" and total[3] == 249 and Decimal(str(total[5])) == Decimal("90000.01")
    by_code = {r[0]: r for r in holders}
    assert by_code["H001"][2] == "村集体" and by_code["H001"][3] == 200
    assert Decimal(str(by_code["H001"][4])) == Decimal("0.803213")  # 200 / 249


def test_a_pdf_statement_page_renders(cast, coop, tmp_path):
    pdf = make(cast, tmp_path, "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("no pdftoppm (poppler-utils)")
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(  # noqa: S603
        [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(SCREENSHOTS / "dividend-statement-pdf")],
        check=True,
    )  # fmt: skip
    assert (SCREENSHOTS / "dividend-statement-pdf.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"cooperative": None}, "--cooperative"),
        ({"cooperative": "C99"}, "找不到该合作社"),
        ({"period": "2024"}, "没有 2024 年度的决算"),
        ({"period": "2025-Q1"}, "年度"),
    ],
)
def test_make_report_refuses_a_missing_cooperative_or_year(cast, coop, tmp_path, extra, message):
    with pytest.raises(CommandError) as caught:
        make(cast, tmp_path, "xlsx", **extra)
    assert message in str(caught.value)


def test_other_kinds_refuse_the_cooperative_option(cast, coop, tmp_path):
    with pytest.raises(CommandError, match="不接受选项"):
        call_command(
            "make_report", "quarterly_ranking", township=cast.t1.code, cooperative="C01",
            period="2026-Q1", fmt="pdf", output=str(tmp_path / "x"), stderr=io.StringIO(),
        )  # fmt: skip


def test_the_statement_is_asked_for_from_the_page_and_downloaded(
    cast, coop, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_ROOT = tmp_path
    client.force_login(cast.secretary, backend=BACKEND)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cooperatives:statement", args=[coop.pk]), {"year": "2025", "format": "xlsx"}
        )
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[job.pk])
    assert (job.status, job.branch_id, job.options) == ("done", cast.b1.pk, {"cooperative": "C01"})
    download = client.get(reverse("reports:download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))["股东分红"]
    amounts = {r[0]: r[5] for r in list(sheet.iter_rows(values_only=True))[1:-1]}
    assert {k: round(Decimal(str(v)) * 100) for k, v in amounts.items()} == expected_split(coop)
    # the same file as the command line
    path = make(cast, tmp_path, "xlsx")
    assert path.read_bytes() == report_runner.report_file_path(job).read_bytes()


def test_the_liaison_of_another_branch_cannot_ask_for_the_statement(cast, coop, client):
    client.force_login(cast.liaison, backend=BACKEND)
    response = client.post(
        reverse("cooperatives:statement", args=[coop.pk]), {"year": "2025", "format": "pdf"}
    )
    assert response.status_code == 404
    assert not ReportJob.objects.exists()


def test_the_generic_report_form_does_not_offer_the_statement(cast, client):
    client.force_login(cast.office, backend=BACKEND)
    assert "dividend_statement" not in client.get(reverse("reports:list")).content.decode()
