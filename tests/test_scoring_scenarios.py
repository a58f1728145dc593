"""The shared scenarios give exactly their expected score export, figure by figure."""

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from branches.models import Township
from exchange.importer import township_import
from scoring.models import BranchMonthScore
from scoring.services import month_lock, office_score_set
from township.models import MonthState, User

# Copies of the shared scenario documents: the repository passes its tests on its own.
SCENARIOS = Path(__file__).resolve().parent / "data" / "scenarios"
NAMES = ["worked-example", "example-1", "example-2"]
MARCH = dt.date(2026, 3, 1)


def load(name: str) -> tuple[Township, dict]:
    """Import a scenario as it is, on the real today (the import refuses on any error)."""
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


# Members who joined the Party before they were 18 (some before they were born): the registers
# carry them, so the import reads them in with a warning each.
JOINED_YOUNG = {"worked-example": 0, "example-1": 103, "example-2": 66}


@pytest.mark.parametrize("name", NAMES)
def test_scenario_imports_its_implausible_members_with_a_warning_each(db, name):
    document = (SCENARIOS / f"{name}.json").read_bytes()
    result = township_import(actor=None, document=document, actor_name="test")
    joined = [w for w in result.warnings if ".joined_party_on: 入党日期 " in w]
    assert len(joined) == JOINED_YOUNG[name]
    assert all(w.startswith("townships[0].members[") for w in joined)


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
