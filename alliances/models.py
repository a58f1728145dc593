"""Party-building alliances (党建联盟) in the “x+x+x” structure.

A township's core alliance, area alliances under it, their member organisations (branches of the
system or outside organisations), shared project lists, joint activities, micro-wishes, and the
office's annual evaluation and half-yearly contest scores. Members keep their branch: taking part
in an alliance's activity or claiming a wish never moves them.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from alliances.rules import wish_state
from township.scoping import ScopedManager, ScopePaths

# Alliance rows reach a secretary through the alliance's member organisations: a branch's users
# see the alliances their branch belongs to (one organisation per branch and alliance, so the
# join never repeats a row).
_VIA_ALLIANCE = ScopePaths(township="alliance__township", branch="alliance__organisations__branch")


class AllianceKind(models.TextChoices):
    CORE = "core", _("镇级核心联盟")
    RED = "red", _("红色联盟")
    GREEN = "green", _("绿色联盟")
    BLUE = "blue", _("蓝色联盟")
    CUSTOM = "custom", _("其他联盟")


class Alliance(models.Model):
    township = models.ForeignKey(
        "branches.Township", on_delete=models.CASCADE, related_name="alliances"
    )
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=AllianceKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级联盟"),
    )
    leader = models.CharField(_("负责人"), max_length=50, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="organisations__branch")

    class Meta:
        verbose_name = _("党建联盟")
        verbose_name_plural = _("党建联盟")
        ordering = ["township_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="alliance_code_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=AllianceKind.values), name="alliance_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind="core") | Q(parent__isnull=True), name="alliance_core_no_parent"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="alliance_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    BRANCH = "branch", _("党支部")
    AGENCY = "agency", _("机关单位")
    COMMUNITY = "community", _("社区")
    ENTERPRISE = "enterprise", _("企业")
    ASSOCIATION = "association", _("社会组织")


class Organisation(models.Model):
    """A member organisation of one alliance: a branch of the system or an outside one."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="organisations")
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=OrganisationKind.choices)
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alliance_memberships",
        verbose_name=_("党支部"),
    )
    responsible = models.CharField(_("负责人"), max_length=50, blank=True)

    objects = ScopedManager()
    scope_paths = _VIA_ALLIANCE

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        ordering = ["alliance_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "code"], name="organisation_code_unique"),
            models.UniqueConstraint(
                fields=["alliance", "branch"], name="organisation_branch_once_per_alliance"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind="branch") & Q(branch__isnull=False))
                | (~Q(kind="branch") & Q(branch__isnull=True)),
                name="organisation_branch_only_for_kind_branch",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectKind(models.TextChoices):
    COMMON = "common", _("共性项目")
    INDIVIDUAL = "individual", _("个性项目")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("未开始")
    ACTIVE = "active", _("推进中")
    DONE = "done", _("已完成")


class ProjectItem(models.Model):
    """An item of an alliance's shared project list (共性/个性清单)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="projects")
    kind = models.CharField(_("类别"), max_length=10, choices=ProjectKind.choices)
    title = models.CharField(_("项目"), max_length=200)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("牵头单位"),
    )
    due_on = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence = models.TextField(_("完成佐证"), max_length=1000, blank=True)

    objects = ScopedManager()
    scope_paths = _VIA_ALLIANCE

    class Meta:
        verbose_name = _("联盟项目")
        verbose_name_plural = _("联盟项目")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProjectKind.values), name="project_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status="done") & Q(done_on__isnull=False) & ~Q(evidence=""))
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="project_done_with_date_and_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityKind(models.TextChoices):
    THEMED_DAY = "themed_day", _("联合主题党日")
    VOLUNTEER = "volunteer", _("志愿服务（一月一公益）")
    OTHER = "other", _("其他联建活动")


class JointActivity(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("类型"), max_length=12, choices=ActivityKind.choices)
    date = models.DateField(_("日期"))
    title = models.CharField(_("主题"), max_length=200)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    organisations = models.ManyToManyField(
        Organisation, related_name="activities", verbose_name=_("参加单位")
    )
    members = models.ManyToManyField(
        "members.Member", related_name="alliance_activities", verbose_name=_("参加党员")
    )

    objects = ScopedManager()
    scope_paths = _VIA_ALLIANCE

    class Meta:
        verbose_name = _("联建活动")
        verbose_name_plural = _("联建活动")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title


class Wish(models.Model):
    """A micro-wish (微心愿): raised, claimed by a member, fulfilled with evidence."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="wishes")
    code = models.CharField(_("编号"), max_length=20)
    need = models.CharField(_("心愿"), max_length=200)
    raised_on = models.DateField(_("提出日期"))
    claimed_by = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_wishes",
        verbose_name=_("认领党员"),
    )
    claimed_on = models.DateField(_("认领日期"), null=True, blank=True)
    fulfilled_on = models.DateField(_("实现日期"), null=True, blank=True)
    evidence = models.TextField(_("实现佐证"), max_length=1000, blank=True)

    objects = ScopedManager()
    scope_paths = _VIA_ALLIANCE

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-raised_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "code"], name="wish_code_unique"),
            models.CheckConstraint(
                condition=Q(claimed_by__isnull=True, claimed_on__isnull=True)
                | Q(claimed_by__isnull=False, claimed_on__isnull=False),
                name="wish_claimed_by_and_on_together",
            ),
            models.CheckConstraint(
                condition=Q(claimed_on__isnull=True) | Q(claimed_on__gte=F("raised_on")),
                name="wish_claimed_not_before_raised",
            ),
            models.CheckConstraint(
                condition=Q(fulfilled_on__isnull=True)
                | (
                    Q(claimed_on__isnull=False)
                    & Q(fulfilled_on__gte=F("claimed_on"))
                    & ~Q(evidence="")
                ),
                name="wish_fulfilled_after_claim_with_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.need

    @property
    def state(self) -> str:
        return wish_state(claimed_on=self.claimed_on, fulfilled_on=self.fulfilled_on)


class Evaluation(models.Model):
    """The office's annual evaluation score of an alliance (0–100); the stars follow from it."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("年度"))
    score = models.DecimalField(_("评价得分"), max_digits=5, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = _VIA_ALLIANCE

    class Meta:
        verbose_name = _("联盟年度评价")
        verbose_name_plural = _("联盟年度评价")
        constraints = [
            models.UniqueConstraint(fields=["alliance", "year"], name="evaluation_once_a_year"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="evaluation_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alliance} {self.year}"


class ContestScore(models.Model):
    """An alliance's score in the half-yearly alliance contest (擂台比武), 0–100."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="contest_scores")
    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"))
    score = models.DecimalField(_("比武得分"), max_digits=5, decimal_places=2)

    objects = ScopedManager()
    scope_paths = _VIA_ALLIANCE

    class Meta:
        verbose_name = _("联盟比武得分")
        verbose_name_plural = _("联盟比武得分")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "year", "half"], name="contest_score_once_a_half"
            ),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="contest_half_1_2"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="contest_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alliance} {self.year}-H{self.half}"
