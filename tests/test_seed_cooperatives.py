"""seed_demo's cooperatives year (exchange/seed_cooperatives.py) on a short demo year."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from cooperatives import rules, selectors
from cooperatives.models import Account, Award, Contest, Cooperative, GroupActivity, LedProject
from township.scoping import Scope

TODAY = dt.date(2026, 8, 20)


def test_the_demo_runs_a_year_of_cooperatives(db):
    call_command("seed_demo", today=TODAY, password="demo-pass-42", stdout=io.StringIO())
    coops = list(Cooperative.objects.order_by("code"))
    assert [c.code for c in coops] == ["C01", "C02"]
    assert all(c.holders.count() >= 3 for c in coops)
    assert set(Account.objects.values_list("year", flat=True)) == {2025}
    c1 = coops[0]
    statement = selectors.dividend_statement(
        account=c1.accounts.get(), register=selectors.holder_register(cooperative=c1)[0]
    )
    assert sum(r.cents for r in statement.rows) == statement.result.distributed_cents > 0

    office = Scope(role="office", township_id=c1.township_id)
    rows, month = selectors.pairing_overview(scope=office, today=TODAY)
    assert month == rules.progress_month_checked(today=TODAY, close_day=25)
    assert [r.late_month for r in rows].count(month) == 1 and len(rows) == 2

    contest = Contest.objects.get()
    assert (contest.year, contest.month) == (2026, 6) and contest.awarded_at
    _entries, placing = selectors.contest_placing(contest=contest)
    assert [(n.tier, n.promoted, len(n.keys)) for n in placing.notes] == [(2, True, 3)]
    tiers = sorted(Award.objects.values_list("tier", flat=True))
    assert tiers == [1, 2, 2, 2, 3, 3]
    for award in Award.objects.all():
        assert sum(c for _n, _r, c in award.shares) == int(award.amount * 100)
    fund = selectors.fund_summary(township=c1.township)
    assert fund["balance"] == 2_000_000 - 100_000 - 30_000 - 60_000 - 20_000 - 8_000
    assert LedProject.objects.count() == 3 and GroupActivity.objects.count() == 3
