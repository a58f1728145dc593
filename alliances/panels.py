"""The alliances' panels on a member's and a branch's page (`township.panels`): a member's
joint activities and claimed wishes appear in their own branch's record; they never move."""

from __future__ import annotations

from alliances import selectors
from township.permissions import VIEW_ALLIANCES


def member_panel(*, scope, obj) -> dict | None:
    if not scope.can(VIEW_ALLIANCES):
        return None
    return {
        "template": "alliances/_member_panel.html",
        "activities": selectors.member_alliance_activities(member=obj),
        "wishes": selectors.member_claimed_wishes(member=obj),
    }


def branch_panel(*, scope, obj) -> dict | None:
    if not scope.can(VIEW_ALLIANCES):
        return None
    return {
        "template": "alliances/_branch_panel.html",
        "alliances": selectors.branch_alliances(branch=obj),
        "activities": selectors.branch_alliance_activities(branch=obj),
    }
