from django.contrib import admin

from branches.models import (
    Area,
    Attendance,
    Branch,
    County,
    LiaisonAssignment,
    Meeting,
    MeetingGuest,
    MeetingPhoto,
    PartyGroup,
    Township,
)
from township.admin import ScopedAdminMixin


@admin.register(County)
class CountyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Township)
class TownshipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "county", "close_day")
    list_select_related = ("county",)


@admin.register(Area)
class AreaAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "township", "head_name")


class PartyGroupInline(ScopedAdminMixin, admin.TabularInline):
    model = PartyGroup
    extra = 0


@admin.register(Branch)
class BranchAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "township", "area", "ranked")
    list_filter = ("kind", "ranked")
    search_fields = ("code", "name")
    list_select_related = ("township", "area")
    inlines = [PartyGroupInline]


class AttendanceInline(ScopedAdminMixin, admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("member",)


class GuestInline(ScopedAdminMixin, admin.TabularInline):
    model = MeetingGuest
    extra = 0


class PhotoInline(ScopedAdminMixin, admin.TabularInline):
    model = MeetingPhoto
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "type", "branch", "topic", "code")
    list_filter = ("type",)
    search_fields = ("code", "topic", "branch__name")
    date_hierarchy = "date"
    list_select_related = ("branch",)
    inlines = [AttendanceInline, GuestInline, PhotoInline]


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("cadre_name", "cadre_post", "branch", "year")
    list_select_related = ("branch",)
