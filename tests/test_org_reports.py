"""The organisation's report kinds and the ledger's: each comes as PDF and Excel with the
figures of its page, for a township and for the county."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from branches import org_rules
from branches import services_org as svc
from branches.models import Cadre, LiaisonAssignment
from scoring.models import RectificationEntry
from township import report_runner
from township.reports import kind_get, period_parse

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def quiet(*_args) -> None:
    """Ignore progress."""


@pytest.fixture
def org(cast):
    """T1: B1 with a one-shoulder secretary and one reserve cadre (short by one), a liaison who
    missed Q2; B1 classified 84.99 (average), B2 meeting all ten standards; one overdue
    ledger entry of B1."""
    Cadre.objects.create(
        township=cast.t1, branch=cast.b1, name="陈刚", gender="M", education="college",
        birth_date=dt.date(1978, 4, 2), party_post="secretary", village_post="chair",
    )  # fmt: skip
    Cadre.objects.create(
        township=cast.t1, branch=cast.b1, name="孙丽", gender="F", education="bachelor",
        birth_date=dt.date(1992, 1, 1), reserve=True,
    )  # fmt: skip
    LiaisonAssignment.objects.create(
        township=cast.t1, branch=cast.b1, cadre_name="刘镇长", cadre_post="副镇长", year=2026
    )
    points = {c: i.max_points for c, i in org_rules.INDICATORS.items()}
    points["A1"] -= Decimal("7")
    points["A2"] -= Decimal("7")
    points["A3"] -= Decimal("1.01")
    svc.classification_enter(actor=cast.office, branch=cast.b1, year=2026, points=points)
    svc.model_village_enter(
        actor=cast.office,
        branch=cast.b2,
        year=2026,
        checks={n: (True, f"材料{n}") for n in range(1, 11)},
    )
    RectificationEntry.objects.create(
        township=cast.t1, branch=cast.b1, year=2026, deadline=dt.date(2026, 10, 31),
        problems="班子软弱", responsible="张书记",
    )  # fmt: skip
    return cast


def build(kind: str, target_level: str, ident, period: str, fmt: str):
    k = kind_get(kind)
    target = k.target(scope=None, level=target_level, ident=ident)
    period_ = period_parse(period, allowed=k.periods)
    return report_runner.report_build(
        kind_name=kind, target=target, period=period_, fmt=fmt, progress=quiet
    )


def sheet_rows(data: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [list(r) for ws in book.worksheets for r in ws.iter_rows(values_only=True)]


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


CASES = [
    ("liaison_duties", "2026-Q2", ["刘镇长", "未落实"]),
    ("reserve_cadres", "2026", ["陈刚", "孙丽（34）", "50.00%"]),
    ("classification", "2026", ["84.99", "一般"]),
    ("model_villages", "2026", ["西王村党支部", "50.00%"]),
    ("rectification_ledger", "2026", ["班子软弱", "逾期未销号"]),
]


@pytest.mark.parametrize(("kind", "period", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_kind_gives_its_figures_in_excel_and_pdf(org, kind, period, expected):
    report, xlsx = build(kind, "township", org.t1.pk, period, "xlsx")
    cells = " ".join(str(c) for row in sheet_rows(xlsx) for c in row if c is not None)
    for text in expected:
        assert text in cells, (kind, text)
    assert "南张村党支部" not in cells  # T2's
    _report, pdf = build(kind, "township", org.t1.pk, period, "pdf")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert expected[0] in text, kind
    assert report.filename.startswith(kind.replace("_", "-"))


@pytest.mark.parametrize("kind", [c[0] for c in CASES])
def test_the_county_report_covers_every_township(org, kind):
    period = "2026-Q2" if kind == "liaison_duties" else "2026"
    LiaisonAssignment.objects.create(township=org.t2, branch=org.b3, cadre_name="赵书记", year=2026)
    RectificationEntry.objects.create(township=org.t2, branch=org.b3, year=2026)
    Cadre.objects.create(
        township=org.t2, branch=org.b3, name="吴敏", gender="F", education="senior",
        birth_date=dt.date(1985, 1, 1), party_post="secretary",
    )  # fmt: skip
    _report, xlsx = build(kind, "county", org.county.pk, period, "xlsx")
    cells = " ".join(str(c) for row in sheet_rows(xlsx) for c in row if c is not None)
    assert "一号镇" in cells and "二号镇" in cells
    assert "三号镇" not in cells  # county C2's


def test_make_report_writes_the_reserve_cadre_pdf(org, tmp_path):
    out = tmp_path / "reserve.pdf"
    call_command(
        "make_report", "reserve_cadres", township=org.t1.code, period="2026", fmt="pdf",
        output=str(out),
    )  # fmt: skip
    assert "后备干部" in pdf_text(out.read_bytes())


def test_the_liaison_report_takes_only_quarters(org):
    from township.reports import ReportError

    with pytest.raises(ReportError, match="该报表的期间须为：季度"):
        period_parse("2026", allowed=kind_get("liaison_duties").periods)
    assert org.t1.pk


def test_the_office_asks_for_the_reserve_cadre_report_from_its_page(client, org, settings):
    from django.urls import reverse

    from tests.conftest import BACKEND
    from township.models import ReportJob

    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(org.office, backend=BACKEND)
    page = client.get(reverse("branches:cadre_roster")).content.decode()
    assert 'name="kind" value="reserve_cadres"' in page
    assert f'name="target" value="township:{org.t1.pk}"' in page
    response = client.post(
        reverse("reports:request"),
        {"kind": "reserve_cadres", "target": f"township:{org.t1.pk}", "period": "2026",
         "format": "xlsx"},
    )  # fmt: skip
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert (job.kind, job.period, job.format) == ("reserve_cadres", "2026", "xlsx")
