"""Writing the audit log. Services call `audit_log` inside their own transaction."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from township.models import AuditLog

SECRET_FIELDS = frozenset({"password", "id_number", "phone"})


def _mask(data: dict | None) -> dict:
    if not data:
        return {}
    return {k: ("***" if k in SECRET_FIELDS and v else v) for k, v in data.items()}


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_log(
    *,
    actor,
    action: str,
    township=None,
    township_id: int | None = None,
    obj=None,
    data: dict | None = None,
    request=None,
    actor_name: str = "",
):
    """Append one audit entry. Call inside the transaction of the change it records."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if township is not None:
        township_id = township.pk
    elif township_id is None and actor is not None:
        township_id = actor.township_id
    return AuditLog.objects.create(
        actor=actor,
        actor_name=actor_name or (actor.get_username() if actor is not None else ""),
        township_id=township_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=_mask(data),
        ip_address=_client_ip(request),
    )


def log_permission_denied(request, permission: str) -> None:
    audit_log(
        actor=request.user,
        action="auth.permission_denied",
        data={"permission": permission, "path": request.path, "method": request.method},
        request=request,
    )


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    audit_log(actor=user, action="auth.login", request=request)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_log(actor=user, action="auth.logout", request=request)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    audit_log(
        actor=None,
        actor_name=str(credentials.get("username", ""))[:150],
        action="auth.login_failed",
        request=request,
    )
