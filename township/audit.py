"""Writing the audit log. Services call `audit_log` inside their own transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

SECRET_FIELDS = frozenset({"password", "id_number", "phone"})

# One sentence per action, for display.
ACTION_LABELS: dict[str, Any] = {
    "auth.login": _("登录"),
    "auth.logout": _("退出登录"),
    "auth.login_failed": _("登录失败"),
    "auth.permission_denied": _("越权访问被拒绝"),
    "admin.added": _("在后台新增记录"),
    "admin.changed": _("在后台修改记录"),
    "admin.deleted": _("在后台删除记录"),
    "exchange.imported": _("导入乡镇数据"),
    "exchange.exported": _("导出乡镇数据"),
    "scoring.scores.exported": _("导出考核得分"),
    "branches.branch.created": _("新建党支部"),
    "branches.branch.changed": _("修改党支部"),
    "branches.meeting.created": _("登记会议"),
    "branches.meeting.changed": _("修改会议"),
    "branches.meeting.deleted": _("删除会议"),
    "branches.attendance.changed": _("登记出勤"),
    "members.member.created": _("新增党员"),
    "members.member.changed": _("修改党员信息"),
    "members.dues.recorded": _("登记党费"),
    "members.visit.recorded": _("登记走访"),
    "members.adjustment.recorded": _("登记加减分"),
    "scoring.office_score.set": _("录入党建办评价"),
    "scoring.month.computed": _("计算月度考核"),
    "scoring.month.locked": _("锁定月度考核"),
    "scoring.month.reopened": _("重新开放月度考核"),
    "scoring.scheme.copied": _("复制考核方案"),
    "scoring.scheme.changed": _("修改考核方案"),
}


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
    from township.models import AuditLog

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
