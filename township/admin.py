"""Django admin for staff users, scoped by the same mechanism as the pages.

Superusers see everything. Other staff users see, and can choose, only rows inside their own
scope (`Model.objects.within(scope_for(user))`). The audit log is read-only for everybody.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import router, transaction
from django.utils.translation import gettext_lazy as _

from township.audit import audit_log, user_change_audit, user_state
from township.models import AuditLog, User
from township.scoping import scope_for


def _township_id(obj) -> int | None:
    for path in ("township_id", "branch.township_id", "meeting.township_id", "member.township_id"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
        if value is not None:
            return value
    return None


class ScopedAdminMixin:
    """Limit the change list, the object pages and foreign-key choices to the user's scope.

    Writes: the pages' services check month locks and audit every change. The admin is the
    superuser's repair tool: other staff may only look, and a superuser's change is audited too.
    """

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def _audit(self, request, obj, verb: str, message) -> None:
        audit_log(
            actor=request.user,
            action=f"admin.{verb}",
            township_id=_township_id(obj),
            obj=obj,
            data={"model": obj._meta.label, "message": str(message)[:500]},
            request=request,
        )

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "added", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "changed", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "deleted", "")
        return super().log_deletions(request, queryset)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.within(scope_for(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if not request.user.is_superuser and hasattr(related, "scope_paths"):
            kwargs["queryset"] = related._default_manager.within(scope_for(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        if not request.user.is_superuser and hasattr(related, "scope_paths"):
            kwargs["queryset"] = related._default_manager.within(scope_for(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SuperuserOnlyAdminMixin:
    """For models without a scope (users): only superusers manage them."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(User)
class TownshipUserAdmin(SuperuserOnlyAdminMixin, UserAdmin):
    list_display = (
        "username",
        "get_full_name",
        "role",
        "county",
        "township",
        "branch",
        "is_active",
    )
    list_filter = ("role", "is_active", "is_staff", "township")
    list_select_related = ("county", "township", "branch")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("角色与管理范围"), {"fields": ("role", "county", "township", "branch", "member")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("角色与管理范围"), {"fields": ("role", "county", "township", "branch", "member")}),
    )
    raw_id_fields = ("member",)

    # Every change of a user is audited with before/after values (`auth.user.changed`), a new
    # password on its own (`auth.user.password_changed`, never the hash). The state before is
    # taken when the change form or the password form loads the user.
    def get_object(self, request, object_id, from_field=None):
        user = super().get_object(request, object_id, from_field)
        if user is not None:
            user._audit_before = user_state(user)
        return user

    def log_addition(self, request, obj, message):
        user_change_audit(actor=request.user, user=obj, before=None, request=request)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        before = getattr(obj, "_audit_before", None) or user_state(obj)
        user_change_audit(actor=request.user, user=obj, before=before, request=request)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for user in queryset:
            state = {k: v for k, v in user_state(user).items() if k != "password"}
            audit_log(
                actor=request.user,
                action="auth.user.deleted",
                township_id=user.township_id,
                county_id=user.county_id,
                obj=user,
                data={"changes": {k: [v, None] for k, v in state.items() if v not in (None, [])}},
                request=request,
            )
        return super().log_deletions(request, queryset)

    def user_change_password(self, request, id, form_url=""):
        # One transaction for the new password and its audit entry, as the change form has.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().user_change_password(request, id, form_url)


@admin.register(AuditLog)
class AuditLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "actor_name", "action", "description", "object_repr", "township")
    list_filter = ("action", "township")
    search_fields = ("actor_name", "object_repr", "action")
    date_hierarchy = "created_at"
    list_select_related = ("township",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("说明"))
    def description(self, obj):
        return obj.description
