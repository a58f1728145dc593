"""Scoring's panels on a branch's and a member's page (`township.panels`): the history of their
stars (星级评定记录), as the lower floors cannot import scoring."""

from __future__ import annotations

from scoring import selectors_stars
from township.permissions import VIEW_STARS


def branch_stars_panel(*, scope, obj) -> dict | None:
    if not scope.can(VIEW_STARS):
        return None
    changes = selectors_stars.branch_star_history(scope=scope, branch=obj)
    return {"template": "scoring/stars/_panel.html", "changes": changes} if changes else None


def member_stars_panel(*, scope, obj) -> dict | None:
    if not scope.can(VIEW_STARS):
        return None
    changes = selectors_stars.member_star_history(scope=scope, member=obj)
    return {"template": "scoring/stars/_panel.html", "changes": changes} if changes else None
