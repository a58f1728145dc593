"""Organisation (county → township → area → branch) and organisation life (三会一课)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.money import DUES_FIXED_DEFAULT, DUES_FIXED_MAX, DUES_FIXED_MIN
from township.scoping import ScopedManager, ScopePaths


class County(models.Model):
    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="townships", county="pk")

    class Meta:
        verbose_name = _("县")
        verbose_name_plural = _("县")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Township(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships")
    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    close_day = models.PositiveSmallIntegerField(
        _("月度考核截止日"), default=25, help_text=_("次月的这一天前审核并锁定上月考核。")
    )

    objects = ScopedManager()
    scope_paths = ScopePaths(township="pk", branch="branches", member="members", county="county")

    class Meta:
        verbose_name = _("乡镇")
        verbose_name_plural = _("乡镇")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(close_day__gte=1, close_day__lte=28), name="township_close_day_1_28"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    head_name = models.CharField(_("片长"), max_length=50, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branches")

    class Meta:
        verbose_name = _("片区")
        verbose_name_plural = _("片区")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="area_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class BranchKind(models.TextChoices):
    VILLAGE = "village", _("村党支部")
    COMMUNITY = "community", _("社区党支部")
    UNIT = "unit", _("镇直单位党支部")
    ENTERPRISE = "enterprise", _("非公企业党支部")
    COOPERATIVE = "cooperative", _("合作社党支部")
    FLOWING = "flowing", _("流动党员党支部")
    EDUCATION = "education", _("铸魂党支部")


UNRANKED_KINDS = frozenset({BranchKind.FLOWING, BranchKind.EDUCATION})


class Branch(models.Model):
    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="branches")
    area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("片区"),
    )
    general_branch = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sub_branches",
        verbose_name=_("所属党总支"),
    )
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=BranchKind.choices)
    has_groups = models.BooleanField(_("设党小组"), default=True)
    ranked = models.BooleanField(_("参加排名"), default=True)
    secretary_name = models.CharField(_("支部书记"), max_length=50, blank=True)
    dues_fixed_amount = models.DecimalField(
        _("固定党费金额（元/月）"),
        max_digits=3,
        decimal_places=2,
        default=DUES_FIXED_DEFAULT,
        validators=[MinValueValidator(DUES_FIXED_MIN), MaxValueValidator(DUES_FIXED_MAX)],
        help_text=_("农民、学生、无业党员每月交纳的党费，0.20 至 1.00 元。"),
    )
    # A branch is deactivated, never deleted (branches/services_admin.py).
    active = models.BooleanField(_("在用"), default=True)
    deactivated_on = models.DateField(_("撤销日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="pk", member="members")

    class Meta:
        verbose_name = _("党支部")
        verbose_name_plural = _("党支部")
        ordering = ["township_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="branch_code_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=BranchKind.values), name="branch_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(dues_fixed_amount__gte=DUES_FIXED_MIN)
                & Q(dues_fixed_amount__lte=DUES_FIXED_MAX),
                name="branch_dues_fixed_amount_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartyGroup(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("名称"), max_length=100)
    leader_name = models.CharField(_("组长"), max_length=50, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="branch__township", branch="branch")

    class Meta:
        verbose_name = _("党小组")
        verbose_name_plural = _("党小组")
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="party_group_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingType(models.TextChoices):
    GENERAL = "general", _("支部党员大会")
    COMMITTEE = "committee", _("支委会")
    GROUP = "group", _("党小组会")
    LECTURE = "lecture", _("党课")
    THEMED_DAY = "themed_day", _("主题党日")


# "Member meetings" in SCORING.md: every type but the committee meeting.
MEMBER_MEETING_TYPES = frozenset(
    {MeetingType.GENERAL, MeetingType.LECTURE, MeetingType.THEMED_DAY, MeetingType.GROUP}
)

# The four fixed actions of the themed Party day ("4+X"), as (exchange code, model field).
THEMED_DAY_ACTIONS = (
    ("study", "act_study"),
    ("dues", "act_dues"),
    ("oath", "act_oath"),
    ("deliberation", "act_deliberation"),
)


class Meeting(models.Model):
    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="meetings")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="meetings")
    code = models.CharField(_("编号"), max_length=30)
    type = models.CharField(_("类型"), max_length=20, choices=MeetingType.choices)
    date = models.DateField(_("日期"))
    topic = models.CharField(_("主题"), max_length=200, blank=True)
    host = models.CharField(_("主持人"), max_length=50, blank=True)
    lecturer = models.CharField(_("授课人"), max_length=50, blank=True)
    act_study = models.BooleanField(_("学党章党规"), default=False)
    act_dues = models.BooleanField(_("交纳党费"), default=False)
    act_oath = models.BooleanField(_("重温入党誓词"), default=False)
    act_deliberation = models.BooleanField(_("民主议事"), default=False)
    x_activity = models.CharField(_("X 活动"), max_length=200, blank=True)
    minutes = models.TextField(_("会议记录"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch")

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-date", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="meeting_code_unique"),
            models.CheckConstraint(
                condition=Q(type__in=MeetingType.values), name="meeting_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(type="themed_day")
                | Q(act_study=False, act_dues=False, act_oath=False, act_deliberation=False),
                name="meeting_actions_only_on_themed_day",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "date"]),
            models.Index(fields=["date"]),
            # A township's meetings newest first (the meeting list, one township at a time).
            models.Index(fields=["township", "date"], name="meeting_township_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_type_display()}"

    @property
    def actions(self) -> list[str]:
        return [code for code, field in THEMED_DAY_ACTIONS if getattr(self, field)]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    EXCUSED = "excused", _("请假")
    ABSENT = "absent", _("缺席")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("出勤"), max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField(_("请假事由"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(
        township="meeting__township", branch="meeting__branch", member="member"
    )

    class Meta:
        verbose_name = _("出勤记录")
        verbose_name_plural = _("出勤记录")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["member"])]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.meeting_id}: {self.status}"


class MeetingGuest(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    # An outside lecturer's organisation (a liaison cadre's is the township).
    organisation = models.CharField(_("单位"), max_length=100, blank=True)
    liaison = models.ForeignKey(
        "LiaisonAssignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("挂包联系点"),
    )
    lectured = models.BooleanField(_("讲党课"), default=False)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="meeting__township", branch="meeting__branch")

    class Meta:
        verbose_name = _("列席人员")
        verbose_name_plural = _("列席人员")

    def __str__(self) -> str:
        return self.name


class MeetingPhoto(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos")
    # Stored re-encoded, without metadata (branches/photos.py); served only by the photo view.
    image = models.ImageField(_("照片"), upload_to="meetings/%Y/%m/")
    thumbnail = models.ImageField(_("缩略图"), upload_to="meetings/%Y/%m/thumbs/", blank=True)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="meeting__township", branch="meeting__branch")

    class Meta:
        verbose_name = _("会议照片")
        verbose_name_plural = _("会议照片")

    def __str__(self) -> str:
        return self.caption or self.image.name


class LiaisonAssignment(models.Model):
    """挂包责任制: a township leader assigned one branch as liaison point for a year."""

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="liaisons")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="liaisons")
    cadre_name = models.CharField(_("挂包领导"), max_length=50)
    cadre_post = models.CharField(_("职务"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch")

    class Meta:
        verbose_name = _("挂包联系点")
        verbose_name_plural = _("挂包联系点")
        constraints = [
            models.UniqueConstraint(
                fields=["township", "cadre_name", "year"], name="liaison_one_point_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_name} → {self.branch}"


# The organisation's management by the office (a branch's moves between areas), and the
# assessment records (two committees, classification, demonstration villages).
from branches.models_admin import BranchAreaMove  # noqa: E402, F401
from branches.models_org import (  # noqa: E402, F401
    Cadre,
    ClassificationScore,
    ClassificationSheet,
    ModelVillageCheck,
)
