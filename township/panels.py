"""Panels a higher floor adds to a record page of a lower one (a member's or a branch's page).

The alliances app shows a member's joint activities on the member's page without the members
app importing it: it registers a panel in its `AppConfig.ready()`, the way report kinds register
(`township.reports`). A panel is a function `(scope, obj) -> dict | None` whose dict names a
`template` and the context it needs; None shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Panel = Callable[..., dict | None]

PAGES = ("member", "branch")
_panels: dict[str, list[Panel]] = {page: [] for page in PAGES}


def register_panel(page: str, panel: Panel) -> None:
    """Add `panel` to the record page `page`; registering the same function twice is a no-op."""
    if page not in _panels:
        raise ValueError(f"unknown record page {page!r}")
    if panel not in _panels[page]:
        _panels[page].append(panel)


def panels_for(page: str, *, scope, obj) -> list[dict]:
    """The panels of `page` for `obj` (already reached through `within(scope)`)."""
    return [shown for panel in _panels[page] if (shown := panel(scope=scope, obj=obj))]
