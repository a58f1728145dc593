"""The permission decorator views wear, beside the scoping module it relies on.

`township.scoping` decides which objects a user reaches; this decorator checks what they may do
and leaves the refusal in the audit log (so it sits above both scoping and the audit writer).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from township.audit import log_permission_denied


def scope_permission_required(permission: str):
    """View decorator: login required, then the role must hold `permission` (else 403).

    Object lookups inside the view still go through `within(request.scope)` for the 404.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.scope.can(permission):
                log_permission_denied(request, permission)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator
