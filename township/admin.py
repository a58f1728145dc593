"""Django admin for staff users, scoped by the same mechanism as the pages.

Superusers see everything. Other staff users see, and can choose, only rows inside their own
scope (`Model.objects.within(scope_for(user))`). The audit log is read-only for everybody.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from township.models import AuditLog, User
from township.scoping import scope_for


class ScopedAdminMixin:
    """Limit the change list, the object pages and foreign-key choices to the user's scope."""

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
