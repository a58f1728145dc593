"""Writing the audit log. Services call `audit_log` inside their own transaction.

Besides the services' entries, this module records the security events: logins and failed
logins, lockouts (django-axes), permission refusals (`township.decorators`), 404s on object ids
(`NotFoundAuditMiddleware`), CSRF failures (`township.views.csrf_failure`), and every change of
a user's role, scope, flags, groups or password (`user_change_audit`, called by the admin and
the `changepassword` / `createsuperuser` commands). Each entry carries the township and the
county it concerns, so the right office and the county reviewer see it.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ObjectDoesNotExist
from django.dispatch import receiver
from django.http import Http404
from ipware import get_client_ip

from township.models import AuditLog, User

SECRET_FIELDS = frozenset({"password", "id_number", "phone"})


def _mask(data: dict | None) -> dict:
    if not data:
        return {}
    return {k: ("***" if k in SECRET_FIELDS and v else v) for k, v in data.items()}


def client_ip(request) -> str | None:
    """The client's address as django-axes reads it for the lockout: django-ipware with the
    same proxy count and header order (`AXES_IPWARE_*`, set from AXES_IPWARE_PROXY_COUNT in
    settings.py). None when the forwarded chain does not match the configured proxies."""
    if request is None:
        return None
    address, _routable = get_client_ip(
        request,
        proxy_order=getattr(settings, "AXES_IPWARE_PROXY_ORDER", "left-most"),
        proxy_count=getattr(settings, "AXES_IPWARE_PROXY_COUNT", None),
        proxy_trusted_ips=getattr(settings, "AXES_IPWARE_PROXY_TRUSTED_IPS", None),
        request_header_order=getattr(
            settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"]
        ),
    )
    return address


def _county_of(township_id: int | None, actor) -> int | None:
    if township_id is None:
        return getattr(actor, "county_id", None)
    if actor is not None and actor.township_id == township_id and actor.county_id:
        return actor.county_id
    # Through the entry's own relation: the base floor imports no app.
    try:
        return AuditLog(township_id=township_id).township.county_id
    except ObjectDoesNotExist:
        return None


_ACTORS = object()  # the default township: the actor's


def audit_log(
    *,
    actor,
    action: str,
    township=None,
    township_id: int | object | None = _ACTORS,
    county_id: int | None = None,
    obj=None,
    data: dict | None = None,
    request=None,
    actor_name: str = "",
):
    """Append one audit entry. Call inside the transaction of the change it records.

    The township defaults to the actor's (None: no township); the county is the township's,
    or the actor's when there is no township (a reviewer's own entries).
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if township is not None:
        township_id = township.pk
        county_id = county_id or getattr(township, "county_id", None)
    elif township_id is _ACTORS:
        township_id = actor.township_id if actor is not None else None
    if county_id is None:
        county_id = _county_of(township_id, actor)
    data = _mask(data)
    address = client_ip(request)
    if request is not None and address is None and request.META.get("HTTP_X_FORWARDED_FOR"):
        # A forwarded chain that does not match the configured proxies: keep what was sent.
        data["forwarded_for"] = str(request.META["HTTP_X_FORWARDED_FOR"])[:200]
    return AuditLog.objects.create(
        actor=actor,
        actor_name=actor_name or (actor.get_username() if actor is not None else ""),
        township_id=township_id,
        county_id=county_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=data,
        ip_address=address,
    )


def _named_user(username) -> User | None:
    """The account a login attempt named, if it exists (for its township and county)."""
    if not username:
        return None
    return User._default_manager.filter(**{User.USERNAME_FIELD: str(username)[:150]}).first()


def _on_behalf_of(user: User | None) -> dict:
    if user is None:
        return {}
    return {"township_id": user.township_id, "county_id": user.county_id, "obj": user}


# --- users --------------------------------------------------------------------------------------

USER_SCOPE_FIELDS = ("county", "township", "branch", "member")
USER_FLAGS = ("role", "is_active", "is_staff", "is_superuser")


def _related_text(user: User, field: str) -> str | None:
    pk = getattr(user, f"{field}_id")
    if pk is None:
        return None
    return f"{getattr(user, field)} #{pk}"


def user_state(user: User) -> dict:
    """What `user_change_audit` compares: role, scope, flags, groups and permissions, and the
    password hash (compared only, never written to the log)."""
    state: dict = {field: getattr(user, field) for field in USER_FLAGS}
    state |= {field: _related_text(user, field) for field in USER_SCOPE_FIELDS}
    if user.pk is not None:
        state["groups"] = sorted(user.groups.values_list("name", flat=True))
        state["user_permissions"] = sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        )
    else:
        state["groups"] = state["user_permissions"] = []
    state["password"] = user.password
    return state


def user_change_audit(
    *, actor, user: User, before: dict | None, request=None, actor_name: str = ""
) -> list[AuditLog]:
    """Record what changed on `user` since `before` (a `user_state`; None: just created).

    `auth.user.changed` (or `.created`) carries `{"changes": {field: [before, after]}}`; a new
    password is its own entry, `auth.user.password_changed`, without the hash. The entries
    belong to the user's township and county, so that office and the county see them.
    """
    after = user_state(user)
    entries = []
    where = {"township_id": user.township_id, "county_id": user.county_id}
    if before is None:
        changes = {
            k: [None, v] for k, v in after.items() if k != "password" and v not in (None, "", [])
        }
        entries.append(
            audit_log(
                actor=actor,
                actor_name=actor_name,
                action="auth.user.created",
                obj=user,
                data={"changes": changes},
                request=request,
                **where,
            )
        )
        return entries
    changes = {
        k: [before.get(k), v] for k, v in after.items() if k != "password" and before.get(k) != v
    }
    if changes:
        entries.append(
            audit_log(
                actor=actor,
                actor_name=actor_name,
                action="auth.user.changed",
                obj=user,
                data={"changes": changes},
                request=request,
                **where,
            )
        )
    if before.get("password") != after["password"]:
        entries.append(
            audit_log(
                actor=actor,
                actor_name=actor_name,
                action="auth.user.password_changed",
                obj=user,
                request=request,
                **where,
            )
        )
    return entries


# --- security events ----------------------------------------------------------------------------


def log_permission_denied(request, permission: str) -> None:
    audit_log(
        actor=request.user,
        action="auth.permission_denied",
        data={"permission": permission, "path": request.path, "method": request.method},
        request=request,
    )


def log_csrf_failure(request, reason: str) -> None:
    user = getattr(request, "user", None)
    audit_log(
        actor=user,
        action="security.csrf_failed",
        data={"path": request.path[:200], "method": request.method, "reason": str(reason)[:200]},
        request=request,
    )


def _object_ids(request) -> dict[str, str]:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {}
    return {
        k: str(v)[:40] for k, v in match.kwargs.items() if k == "pk" or k.endswith(("_id", "pk"))
    }


class NotFoundAuditMiddleware:
    """Logs a 404 raised by a view for a signed-in user on a URL with object ids: the answer
    of `get_object_or_404(Model.objects.within(scope), pk=...)` to an object outside the scope
    (or missing: the two are not told apart, on purpose). The entry belongs to the user's
    township and county."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404):
            return None
        user = getattr(request, "user", None)
        ids = _object_ids(request)
        if user is None or not user.is_authenticated or not ids:
            return None
        audit_log(
            actor=user,
            action="security.not_found",
            data={
                "path": request.path[:200],
                "method": request.method,
                "view": request.resolver_match.view_name,
                "ids": ids,
            },
            request=request,
        )
        return None


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    audit_log(actor=user, action="auth.login", request=request)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_log(actor=user, action="auth.logout", request=request)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_log(
        actor=None,
        actor_name=username,
        action="auth.login_failed",
        request=request,
        **_on_behalf_of(_named_user(username)),
    )


@receiver(user_locked_out)
def _on_locked_out(sender, request, username, ip_address=None, **kwargs):
    username = str(username or "")[:150]
    entry = _on_behalf_of(_named_user(username))
    audit_log(
        actor=None,
        actor_name=username,
        action="auth.locked_out",
        data={"failure_limit": getattr(settings, "AXES_FAILURE_LIMIT", None)},
        request=request,
        **entry,
    )
