from django.contrib import admin

from members.models import (
    Applicant,
    ApplicantStageChange,
    BranchTransfer,
    DuesPayment,
    FlowingContact,
    FlowingSpell,
    HeartTalk,
    Household,
    LaggingEvaluation,
    LaggingMonthCheck,
    LaggingSpell,
    Member,
    PointAdjustment,
    TrainingAttendance,
    TrainingSession,
    Visit,
)
from township.admin import ScopedAdminMixin


class TransferInline(ScopedAdminMixin, admin.TabularInline):
    model = BranchTransfer
    extra = 0
    fk_name = "member"


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "gender", "branch", "status", "left_on")
    list_filter = ("status", "flowing", "elderly", "hardship")
    search_fields = ("code", "name")
    list_select_related = ("branch",)
    inlines = [TransferInline]


class StageInline(ScopedAdminMixin, admin.TabularInline):
    model = ApplicantStageChange
    extra = 0


@admin.register(Applicant)
class ApplicantAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "stage", "stage_since", "branch")
    list_filter = ("stage",)
    inlines = [StageInline]


@admin.register(DuesPayment)
class DuesPaymentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("member", "month", "amount", "paid_on")
    raw_id_fields = ("member",)


@admin.register(Household)
class HouseholdAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "member", "address")
    raw_id_fields = ("member",)


@admin.register(Visit)
class VisitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "member", "household_name")
    raw_id_fields = ("member", "household")


@admin.register(PointAdjustment)
class PointAdjustmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "member", "points", "reason")
    raw_id_fields = ("member",)


# --- a member's life cycle: read in the admin, written through the pages' services -------------


class TrainingAttendanceInline(ScopedAdminMixin, admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    raw_id_fields = ("member", "applicant")


@admin.register(TrainingSession)
class TrainingSessionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "kind", "title", "lecturer", "township")
    list_filter = ("kind",)
    inlines = [TrainingAttendanceInline]


class LaggingCheckInline(ScopedAdminMixin, admin.TabularInline):
    model = LaggingMonthCheck
    extra = 0


class LaggingEvaluationInline(ScopedAdminMixin, admin.TabularInline):
    model = LaggingEvaluation
    extra = 0


@admin.register(LaggingSpell)
class LaggingSpellAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("member", "from_branch", "started_on", "ended_on", "reason")
    raw_id_fields = ("member",)
    inlines = [LaggingCheckInline, LaggingEvaluationInline]


@admin.register(FlowingSpell)
class FlowingSpellAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("member", "workplace", "channel", "started_on", "ended_on")
    raw_id_fields = ("member",)


@admin.register(FlowingContact)
class FlowingContactAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "member", "channel", "org_life")
    raw_id_fields = ("member",)


@admin.register(HeartTalk)
class HeartTalkAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "member", "talker", "topic")
    raw_id_fields = ("member",)
