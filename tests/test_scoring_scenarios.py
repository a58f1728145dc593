"""The shared scenarios give exactly their expected score export, figure by figure."""

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from branches.models import Township
from exchange.importer import township_import
from scoring.models import BranchMonthScore
from scoring.services import month_lock, office_score_set
from township.models import MonthState, User

SCENARIOS = Path(__file__).resolve().parent / "data" / "scenarios"  # copies of ../shared/scenarios
NAMES = ["worked-example", "example-1", "example-2"]
MARCH = dt.date(2026, 3, 1)


# The scenarios hold records up to 20 January 2027 (late dues for December 2026); their dates
# are judged as on a day after them, when such a file would really be imported.
AFTER_SCENARIOS = dt.datetime(2027, 1, 31, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def after_the_scenarios():
    with time_machine.travel(AFTER_SCENARIOS):
        yield


def load(name: str) -> tuple[Township, dict]:
    document = (SCENARIOS / f"{name}.json").read_bytes()
    township_import(actor=None, document=document, actor_name="test")
    expected = json.loads((SCENARIOS / f"{name}.expected.json").read_text("utf-8"))
    return Township.objects.get(code=expected["township"]), expected


def export_scores(township: Township, year: int) -> dict:
    out = io.StringIO()
    call_command("export_scores", township=township.code, year=year, stdout=out)
    return json.loads(out.getvalue())


def differences(got, expected, path="") -> list[str]:
    if isinstance(got, dict) and isinstance(expected, dict):
        out = []
        for key in sorted(set(got) | set(expected)):
            if key not in got or key not in expected:
                out.append(f"{path}/{key}: only in {'export' if key in got else 'expected'}")
            else:
                out += differences(got[key], expected[key], f"{path}/{key}")
        return out
    if got != expected or type(got) is not type(expected):
        return [f"{path}: got {got!r}, expected {expected!r}"]
    return []


def test_every_scenario_is_present():
    missing = [n for n in NAMES if not (SCENARIOS / f"{n}.expected.json").exists()]
    assert not missing, f"scenarios missing from {SCENARIOS}: {missing}"


@pytest.mark.parametrize("name", NAMES)
def test_scenario_export_matches_expected_figure_by_figure(db, name):
    township, expected = load(name)
    got = export_scores(township, expected["year"])
    assert differences(got, expected) == []


def test_export_is_the_same_when_computed_again_from_stored_results(db):
    township, expected = load("example-2")
    first = export_scores(township, expected["year"])
    assert BranchMonthScore.objects.filter(branch__township=township).count() == 11 * 12
    assert export_scores(township, expected["year"]) == first


def test_locked_month_keeps_its_figures_when_records_change_later(db):
    township, _expected = load("worked-example")
    office = User.objects.create_user(
        username="office",
        password="x" * 12,
        role="office",
        township=township,
        county=township.county,
    )
    month_lock(actor=office, township=township, month=MARCH)
    # The office may still correct a locked month's records, but the locked figures stand.
    office_score_set(
        actor=office, branch=township.branches.get(code="B001"), month=MARCH, points=Decimal(0)
    )
    got = export_scores(township, 2026)
    assert got["branches"]["B001"]["months"]["2026-03"]["index"] == 83.19
    assert "F10" not in got["branches"]["B001"]["months"]["2026-03"]["items"]
    assert MonthState.objects.get(township=township, month=MARCH).locked
