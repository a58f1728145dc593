"""`make mutation`: mutmut over the scoring engine, the scoping module and the services.

mutmut 3 leaves every decorated function alone, because a decorator may do something when the
function is defined (register a route) and its trampoline cannot stand in for a property. Our
services are all `@transaction.atomic`, which does neither: it only wraps the call. So this
runner lets mutmut mutate functions whose only decorator is `transaction.atomic`; the trampoline
and each mutated copy keep the decorator, so every mutant still runs in its transaction. Any
other decorated function is still skipped, and `# pragma: no mutate block` on the `def` line
still works.

It also narrows the tests run for a mutant to the files that check its module (TESTS_FOR):
mutmut would otherwise run every test that happens to call the mutated function, and the
permission matrix, for one, calls the engine through every scoring page without checking a
figure — minutes per surviving mutant on this 2-core machine.

    python tools/mutation.py run ["scoring.engine.*" ...]    # then: results, show NAME, browse
"""

from __future__ import annotations

import re
import sys

import libcst as cst
import mutmut.__main__ as mutmut_main
from libcst.metadata import PositionProvider
from mutmut.mutation import file_mutation
from mutmut.state import state


def _is_transaction_atomic(decorator: cst.Decorator) -> bool:
    d = decorator.decorator
    return (
        isinstance(d, cst.Attribute)
        and d.attr.value == "atomic"
        and isinstance(d.value, cst.Name)
        and d.value.value == "transaction"
    )


_skip = file_mutation.MutationVisitor._skip_node_and_children


def _skip_except_atomic(self, node: cst.CSTNode) -> bool:
    if (
        isinstance(node, cst.FunctionDef)
        and node.decorators
        and all(_is_transaction_atomic(d) for d in node.decorators)
    ):
        position = self.get_metadata(PositionProvider, node, None)
        if position and position.start.line in self._ignored_node_lines:
            self.ignored_functions.add(node.name.value)
            return True
        return False
    return _skip(self, node)


file_mutation.MutationVisitor._skip_node_and_children = _skip_except_atomic


ENGINE_TESTS = (
    "tests/test_engine.py",
    "tests/test_scoring_selectors.py",
    "tests/test_scoring_services.py",
    "tests/test_scoring_office_scores.py",
    "tests/test_scoring_scenarios.py",
)
TESTS_FOR: dict[str, tuple[str, ...]] = {
    "scoring.engine": ENGINE_TESTS,
    "township.scoping": (
        "tests/test_scoping.py",
        "tests/test_permissions.py",
        "tests/test_models.py",
        "tests/test_dashboards.py",
        "tests/test_views_dashboard.py",
    ),
    "scoring.services": (
        *ENGINE_TESTS,
        "tests/test_views_scoring.py",
        "tests/test_reminders.py",
        "tests/test_scheduled_reports.py",
    ),
    "branches.services": (
        "tests/test_services_meetings.py",
        "tests/test_views_meetings.py",
        "tests/test_scoring_services.py",
    ),
    "members.services": (
        "tests/test_services_members.py",
        "tests/test_views_members.py",
        "tests/test_scoring_services.py",
    ),
}
_MODULE = re.compile(r"^(?P<module>.+)\.x[_ǁ]")


def _narrow_tests() -> None:
    tests_by_function = state().tests_by_mangled_function_name
    for name, tests in tests_by_function.items():
        match = _MODULE.match(name)
        files = TESTS_FOR.get(match["module"]) if match else None
        if files is not None:
            tests_by_function[name] = {t for t in tests if t.split("::")[0] in files}


_collect = mutmut_main.collect_or_load_stats


def _collect_and_narrow(*args, **kwargs):
    result = _collect(*args, **kwargs)
    _narrow_tests()
    return result


mutmut_main.collect_or_load_stats = _collect_and_narrow

if __name__ == "__main__":
    sys.exit(mutmut_main.cli())
