"""The one mechanism that decides which objects a user reaches.

Every model that holds township data uses `ScopedQuerySet` and declares `scope_paths`: the ORM
paths from the model to its township, branch and (for the member role) member. Views, forms,
admin, exports and reports all go through `Model.objects.within(scope)`; a single object comes
from `get_object_or_404(Model.objects.within(scope), ...)`, so an object outside the scope
answers 404 exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import models
from django.utils.functional import SimpleLazyObject

from township.permissions import Role, role_can


@dataclass(frozen=True)
class ScopePaths:
    """ORM paths from a model to the rows that decide its scope.

    `township` is required; `branch` is None for township-wide objects (a secretary then sees
    none of them); `member` is None for objects a member never sees.
    `branch` may also be "*" for objects a branch-scoped user sees township-wide (never used for
    personal data).
    """

    township: str
    branch: str | None = None
    member: str | None = None
    county: str | None = None

    def county_path(self) -> str:
        return self.county or f"{self.township}__county"


@dataclass(frozen=True)
class Scope:
    role: str | None
    county_id: int | None = None
    township_id: int | None = None
    branch_id: int | None = None
    member_id: int | None = None
    user_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.role is None

    def can(self, permission: str) -> bool:
        return role_can(self.role, permission)

    def narrowed(self, township_id: int | None) -> Scope:
        """A county reviewer's scope narrowed to one township of the county, for a list that
        shows a county one township at a time; any other scope as it is. Narrowing only adds
        a filter: a township outside the county still leaves nothing outside the county."""
        if self.role != Role.REVIEWER or township_id is None:
            return self
        return replace(self, township_id=township_id)

    def q(self, paths: ScopePaths) -> models.Q:
        """The filter that keeps only rows inside this scope."""
        nothing = models.Q(pk__in=[])
        match self.role:
            case Role.REVIEWER:
                county = models.Q(**{paths.county_path(): self.county_id})
                if self.township_id is None:
                    return county
                return county & models.Q(**{paths.township: self.township_id})  # narrowed
            case Role.OFFICE:
                return models.Q(**{paths.township: self.township_id})
            case Role.SECRETARY | Role.LIAISON:
                if paths.branch is None:
                    return nothing
                return models.Q(**{paths.branch: self.branch_id})
            case Role.MEMBER:
                if paths.member is None:
                    return nothing
                return models.Q(**{paths.member: self.member_id})
        return nothing


class ScopedQuerySet(models.QuerySet):
    def within(self, scope: Scope) -> ScopedQuerySet:
        paths: ScopePaths = self.model.scope_paths
        return self.filter(scope.q(paths))


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active or not user.role:
        return Scope(role=None)
    return Scope(
        role=user.role,
        county_id=user.county_id,
        township_id=user.township_id,
        branch_id=user.branch_id,
        member_id=user.member_id,
        user_id=user.pk,
    )


class ScopeMiddleware:
    """Attaches `request.scope` (lazily) for the authenticated user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))
        return self.get_response(request)


def scope_context(request) -> dict:
    scope = getattr(request, "scope", None)
    return {"scope": scope}
