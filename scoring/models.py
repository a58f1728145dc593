"""Scores entered by the office, and (see the engine issue) schemes and stored results."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.scoping import ScopedManager, ScopePaths


class OfficeScore(models.Model):
    """镇党建办评价 (item F10): 0–10 points per branch and month."""

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="office_scores"
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    points = models.DecimalField(_("评价分"), max_digits=5, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="branch__township", branch="branch")

    class Meta:
        verbose_name = _("党建办月度评价")
        verbose_name_plural = _("党建办月度评价")
        ordering = ["branch_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "month"], name="office_score_once"),
            models.CheckConstraint(
                condition=Q(points__gte=0, points__lte=10), name="office_score_0_10"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="office_score_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.month:%Y-%m} {self.points}"


class TargetScore(models.Model):
    """Year-end target score (目标考核) 0–100 per branch and year."""

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="target_scores"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    score = models.DecimalField(_("目标考核得分"), max_digits=5, decimal_places=2)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="branch__township", branch="branch")

    class Meta:
        verbose_name = _("年终目标考核")
        verbose_name_plural = _("年终目标考核")
        ordering = ["branch_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="target_score_once"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="target_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.year} {self.score}"


class Scheme(models.Model):
    """A township's scoring scheme for a year; versions are kept, never edited once used."""

    township = models.ForeignKey(
        "branches.Township", on_delete=models.CASCADE, related_name="schemes"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="township__branches")

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["township_id", "year", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "version"], name="scheme_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year} v{self.version}）"


class SchemeItem(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("代码"), max_length=10)
    label = models.CharField(_("考核项目"), max_length=100)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    enabled = models.BooleanField(_("启用"), default=True)
    frequency = models.CharField(_("频次"), max_length=20, default="monthly")
    params = models.JSONField(_("参数"), default=dict, blank=True)

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["scheme_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="scheme_item_code_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="scheme_item_points_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label} {self.points}"


class BranchMonthScore(models.Model):
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="month_scores"
    )
    # The branch's township, written with the row (a branch never changes township), as
    # meetings carry theirs: the county's monthly sums group a township's rows by this column
    # from one index, without joining every row to its branch.
    township = models.ForeignKey(
        "branches.Township", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField(_("月份"))
    index = models.DecimalField(_("堡垒指数"), max_digits=5, decimal_places=2, null=True)
    earned = models.DecimalField(max_digits=8, decimal_places=4)
    possible = models.DecimalField(max_digits=8, decimal_places=2)
    items = models.JSONField(_("得分明细"), default=dict)
    # The fortress items that apply and those that earned their full points, stored with the
    # items so that county pages count completeness without decoding every month's JSON.
    met = models.PositiveSmallIntegerField(_("满分项目数"), null=True)
    applicable = models.PositiveSmallIntegerField(_("适用项目数"), null=True)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="branch__township", branch="branch")

    class Meta:
        verbose_name = _("月度堡垒指数")
        verbose_name_plural = _("月度堡垒指数")
        ordering = ["branch_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "month"], name="branch_month_score_once"),
            models.CheckConstraint(
                condition=Q(index__gte=0, index__lte=100), name="branch_month_index_0_100"
            ),
        ]
        indexes = [
            # The county's sums of the stored months read this index alone, not the items.
            models.Index(
                fields=["branch", "month", "index", "met", "applicable"],
                name="branch_month_figures",
            ),
            # A county's months summed by township, in the order they are grouped.
            models.Index(
                fields=["township", "month", "branch", "index", "met", "applicable"],
                name="township_month_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.month:%Y-%m} {self.index}"


class MemberMonthScore(models.Model):
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="month_scores"
    )
    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))
    index = models.DecimalField(_("先锋指数"), max_digits=5, decimal_places=2, null=True)
    # Earned points per item (published); null when the item does not apply.
    p1 = models.DecimalField(_("三会一课参加"), max_digits=6, decimal_places=2, null=True)
    p2 = models.DecimalField(_("按时交纳党费"), max_digits=6, decimal_places=2, null=True)
    p3 = models.DecimalField(_("党员联户"), max_digits=6, decimal_places=2, null=True)
    adjustment = models.DecimalField(_("加减分"), max_digits=7, decimal_places=2, default=0)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="branch__township", branch="branch", member="member")

    class Meta:
        verbose_name = _("月度先锋指数")
        verbose_name_plural = _("月度先锋指数")
        ordering = ["member_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="member_month_score_once"),
        ]
        indexes = [models.Index(fields=["branch", "month"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m} {self.index}"


class BranchQuarterScore(models.Model):
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="quarter_scores"
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    score = models.DecimalField(_("季度得分"), max_digits=5, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(_("排名"), null=True)
    bottom = models.BooleanField(_("约谈名单"), default=False)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="branch__township", branch="branch")

    class Meta:
        verbose_name = _("季度排名")
        verbose_name_plural = _("季度排名")
        ordering = ["branch_id", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year", "quarter"], name="branch_quarter_score_once"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="branch_quarter_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.year}Q{self.quarter} {self.score}"


class BranchYearScore(models.Model):
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="year_scores"
    )
    year = models.PositiveSmallIntegerField()
    fortress_mean = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    target = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    score = models.DecimalField(_("年度得分"), max_digits=5, decimal_places=2, null=True)
    stars = models.PositiveSmallIntegerField(_("星级"), null=True)
    weak_and_lax = models.BooleanField(_("软弱涣散"), default=False)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="branch__township", branch="branch")

    class Meta:
        verbose_name = _("年度支部得分")
        verbose_name_plural = _("年度支部得分")
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="branch_year_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.year} {self.score}"


class MemberYearScore(models.Model):
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="year_scores"
    )
    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    annual = models.DecimalField(_("年度先锋指数"), max_digits=5, decimal_places=2, null=True)
    stars = models.PositiveSmallIntegerField(_("星级"), null=True)
    unqualified = models.BooleanField(_("不合格（待支部确认）"), default=False)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="branch__township", branch="branch", member="member")

    class Meta:
        verbose_name = _("年度党员评定")
        verbose_name_plural = _("年度党员评定")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="member_year_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} {self.annual}"


# The weak-and-lax rectification ledger.
from scoring.models_ledger import RectificationEntry  # noqa: E402, F401

# The star rating as a process (星级评定).
from scoring.models_stars import StarChange, StarProposal, StarRound  # noqa: E402, F401
