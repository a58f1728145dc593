"""The floors of docs/architecture.md hold: imports point only down (import-linter contracts).

The second test plants an upward import in a copy of the tree and checks that the contract
breaks, so the first cannot pass merely because the contract checks nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["township", "branches", "members", "scoring", "cooperatives", "alliances", "exchange"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - a fixed command on our own tree
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "migrations", "templates", "static")
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_floors_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted"),
    [
        ("township/permissions.py", "from branches import models"),  # base imports an app
        ("members/selectors.py", "from scoring import engine"),  # records import scoring
        ("scoring/engine.py", "from exchange import importer"),  # scoring imports the top
        ("scoring/engine.py", "from cooperatives import apps"),  # siblings stay apart
    ],
)
def test_an_upward_import_breaks_the_contract_even_inside_a_function(tree_copy, module, planted):
    path = tree_copy / module
    path.write_text(path.read_text() + f"\n\ndef _planted():\n    {planted}  # noqa\n")
    result = lint_imports(tree_copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout, result.stdout + result.stderr
