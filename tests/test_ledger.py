"""The weak-and-lax rectification ledger: its entries come from the scoring engine, closing
(销号) needs evidence and a satisfaction of at least 80 %, the office and county see what is
overdue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from scoring import services_ledger as svc
from scoring.models import RectificationEntry
from tests import factories as f
from tests.conftest import BACKEND
from township.errors import ApplicationError
from township.models import AuditLog

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ledger(cast):
    """2025 in T1: B2 held a themed day every month, B1 nothing, so B1 is the weak-and-lax
    branch (the lowest 10 %, rounded up, of two)."""
    for month in range(1, 13):
        f.meeting(branch=cast.b2, type="themed_day", date=dt.date(2025, month, 5))
    (entry,) = svc.rectification_ledger_open(actor=cast.office, township=cast.t1, year=2025)
    return entry


def test_the_ledger_lists_the_years_weak_and_lax_branches(cast, ledger):
    assert ledger.branch == cast.b1 and ledger.year == 2025
    assert ledger.annual_score is not None and ledger.annual_score < 10
    assert svc.rectification_ledger_open(actor=cast.office, township=cast.t1, year=2025) == []
    assert RectificationEntry.objects.count() == 1
    (opened,) = AuditLog.objects.filter(action="scoring.rectification.opened")
    assert opened.data == {"year": 2025, "branches": [cast.b1.code]}


def fill(entry, cast, satisfaction, evidence="整改报告及照片"):
    return svc.rectification_update(
        actor=cast.secretary,
        entry=entry,
        problems="组织生活不正常",
        measures="每月按时召开主题党日",
        responsible="张书记",
        deadline=dt.date(2026, 6, 30),
        evidence=evidence,
        satisfaction=None if satisfaction is None else Decimal(satisfaction),
    )


def test_an_entry_closes_with_evidence_and_exactly_80_percent(cast, ledger):
    fill(ledger, cast, "80")
    closed = svc.rectification_close(actor=cast.office, entry=ledger)
    assert closed.closed_on == dt.date(2026, 11, 20) and closed.closed_by == cast.office
    assert AuditLog.objects.filter(action="scoring.rectification.closed").count() == 1


def test_79_9_percent_is_not_enough_to_close(cast, ledger):
    fill(ledger, cast, "79.9")
    with pytest.raises(ApplicationError) as exc:
        svc.rectification_close(actor=cast.office, entry=ledger)
    assert str(exc.value) == "群众满意度 79.9% 低于 80%，不能销号，请继续整改。"
    assert RectificationEntry.objects.get().closed_on is None


def test_closing_without_evidence_is_refused(cast, ledger):
    fill(ledger, cast, "95", evidence="")
    with pytest.raises(ApplicationError, match="销号须先填写整改佐证材料"):
        svc.rectification_close(actor=cast.office, entry=ledger)


def test_a_closed_entry_cannot_be_changed(cast, ledger):
    fill(ledger, cast, "90")
    svc.rectification_close(actor=cast.office, entry=ledger)
    with pytest.raises(ApplicationError, match="已于 2026-11-20 销号，不能再修改"):
        fill(ledger, cast, "91")


def test_the_secretary_enters_measures_for_their_branch_only(client, cast, ledger):
    client.force_login(cast.secretary, backend=BACKEND)
    url = reverse("scoring:rectification_update", kwargs={"pk": ledger.pk})
    data = {"problems": "班子软弱", "measures": "调整班子", "responsible": "张书记",
            "deadline": "2026-06-30", "evidence": "", "satisfaction": "70"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    ledger.refresh_from_db()
    assert (ledger.measures, ledger.satisfaction) == ("调整班子", Decimal("70.0"))
    client.force_login(cast.secretary3, backend=BACKEND)
    assert client.post(url, data).status_code == 404


def test_satisfaction_over_100_is_refused_on_the_form(client, cast, ledger):
    client.force_login(cast.office, backend=BACKEND)
    url = reverse("scoring:rectification_update", kwargs={"pk": ledger.pk})
    page = client.post(url, {"satisfaction": "100.1", "problems": "问题"})
    assert page.status_code == 200
    assert "群众满意度不能超过 100%。" in page.content.decode()
    assert RectificationEntry.objects.get().problems == ""


def test_the_office_closes_from_the_page_and_a_refusal_is_explained(client, cast, ledger):
    client.force_login(cast.office, backend=BACKEND)
    close = reverse("scoring:rectification_close", kwargs={"pk": ledger.pk})
    page = client.post(close, follow=True)
    assert "销号须先填写整改佐证材料。销号须先录入群众满意度测评结果。" in page.content.decode()
    fill(ledger, cast, "85")
    page = client.post(close, follow=True)
    assert "东李庄党支部的整改已销号。" in page.content.decode()
    assert RectificationEntry.objects.get().closed_on is not None


def test_the_county_reviewer_sees_overdue_entries_of_every_township(client, cast, ledger):
    fill(ledger, cast, "60")  # deadline 2026-06-30, open: overdue on 2026-11-20
    other = RectificationEntry.objects.create(
        township=cast.t2, branch=cast.b3, year=2025, deadline=dt.date(2026, 12, 31)
    )
    client.force_login(cast.reviewer, backend=BACKEND)
    url = reverse("scoring:rectification_list")
    page = client.get(url, {"year": 2025, "overdue": "1"}).content.decode()
    assert "东李庄党支部" in page and "南张村党支部" not in page
    page = client.get(url, {"year": 2025}).content.decode()
    assert "东李庄党支部" in page and "南张村党支部" in page
    assert other.pk


def _entries(n: int, township) -> None:
    for _ in range(n):
        b = f.branch(township=township)
        RectificationEntry.objects.create(
            township=township, branch=b, year=2025, deadline=dt.date(2026, 1, 1)
        )


@pytest.mark.parametrize("n", [3, 30])
def test_the_ledger_list_takes_the_same_queries_for_3_and_30_entries(
    client, cast, n, django_assert_max_num_queries
):
    _entries(n, cast.t1)
    client.force_login(cast.office, backend=BACKEND)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("scoring:rectification_list"), {"year": 2025})
    assert page.status_code == 200
    assert page.content.decode().count("逾期未销号</span>") >= min(n, 30)
