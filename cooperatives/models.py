"""Branch-led cooperatives, strong-enterprise pairings, the project contest and group activities.

Every model is scoped (`scope_paths`): rows of a branch are seen by its secretary; township-wide
rows (the fund, the contests) only by the office and the county's reviewer.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.money import cents_to_yuan
from township.scoping import ScopedManager, ScopePaths

MONEY = {"max_digits": 14, "decimal_places": 2}


class OperatingModel(models.TextChoices):
    COLLECTIVE = "collective", _("村集体独立经营")
    JOINT = "joint", _("村企联营")
    CONTRACTED = "contracted", _("对外承包")


class HolderKind(models.TextChoices):
    COLLECTIVE = "collective", _("村集体")
    VILLAGER = "villager", _("村民")
    ENTERPRISE = "enterprise", _("企业")


class ContributionKind(models.TextChoices):
    FUNDS = "funds", _("资金")
    ASSETS = "assets", _("资产")
    RESOURCES = "resources", _("资源")
    LAND = "land", _("土地")
    MONEY = "money", _("现金")
    LABOUR = "labour", _("劳务")


class Cooperative(models.Model):
    township = models.ForeignKey(
        "branches.Township", on_delete=models.CASCADE, related_name="cooperatives"
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="cooperatives",
        verbose_name=_("领办党支部"),
    )
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    model = models.CharField(_("经营模式"), max_length=12, choices=OperatingModel.choices)
    founded_on = models.DateField(_("成立日期"))
    business = models.CharField(_("主营业务"), max_length=200, blank=True)
    contact = models.CharField(_("联系人及电话"), max_length=100, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch")

    class Meta:
        verbose_name = _("党支部领办合作社")
        verbose_name_plural = _("党支部领办合作社")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="cooperative_code_unique"),
            models.CheckConstraint(
                condition=Q(model__in=OperatingModel.values), name="cooperative_model_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Holder(models.Model):
    """A shareholding (股东): who contributed what, valued in yuan, for how many shares."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="holders")
    code = models.CharField(_("股东编号"), max_length=20)
    kind = models.CharField(_("股东类型"), max_length=12, choices=HolderKind.choices)
    name = models.CharField(_("股东名称"), max_length=100)
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shareholdings",
        verbose_name=_("党员"),
    )
    contribution = models.CharField(_("出资方式"), max_length=12, choices=ContributionKind.choices)
    value = models.DecimalField(_("折价（元）"), validators=[MinValueValidator(0)], **MONEY)
    shares = models.PositiveIntegerField(_("股数"), validators=[MinValueValidator(1)])

    objects = ScopedManager()
    scope_paths = ScopePaths(township="cooperative__township", branch="cooperative__branch")

    class Meta:
        verbose_name = _("股东")
        verbose_name_plural = _("股东")
        ordering = ["cooperative_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "code"], name="holder_code_unique"),
            models.CheckConstraint(condition=Q(shares__gte=1), name="holder_shares_positive"),
            models.CheckConstraint(condition=Q(value__gte=0), name="holder_value_not_negative"),
            models.CheckConstraint(condition=Q(kind__in=HolderKind.values), name="holder_kind"),
            models.CheckConstraint(
                condition=Q(contribution__in=ContributionKind.values), name="holder_contribution"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """A cooperative's annual account: the profit (may be a loss) and the reserve ratio."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="accounts")
    year = models.PositiveSmallIntegerField(_("年度"))
    profit = models.DecimalField(_("可分配利润（元）"), **MONEY)
    reserve_ratio = models.DecimalField(
        _("公积金提取比例"), max_digits=5, decimal_places=4, default=Decimal("0")
    )

    objects = ScopedManager()
    scope_paths = ScopePaths(township="cooperative__township", branch="cooperative__branch")

    class Meta:
        verbose_name = _("年度决算")
        verbose_name_plural = _("年度决算")
        ordering = ["cooperative_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="account_year_unique"),
            models.CheckConstraint(
                condition=Q(reserve_ratio__gte=0, reserve_ratio__lt=1),
                name="account_reserve_ratio_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative} {self.year}"


# --- strong enterprises help weak villages (强企帮弱村) -------------------------------------


class Pairing(models.Model):
    township = models.ForeignKey("branches.Township", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="pairings",
        verbose_name=_("结对村党支部"),
    )
    enterprise = models.CharField(_("帮扶企业"), max_length=100)
    started_on = models.DateField(_("结对日期"))
    note = models.CharField(_("帮扶内容"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch")

    class Meta:
        verbose_name = _("强企帮弱村结对")
        verbose_name_plural = _("强企帮弱村结对")
        ordering = ["branch_id", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "enterprise"], name="pairing_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.branch}"


class PairingProject(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("项目名称"), max_length=100)
    investment = models.DecimalField(
        _("投入（元）"), validators=[MinValueValidator(0)], default=0, **MONEY
    )
    started_on = models.DateField(_("开始日期"))
    description = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="pairing__township", branch="pairing__branch")

    class Meta:
        verbose_name = _("帮扶项目")
        verbose_name_plural = _("帮扶项目")
        ordering = ["pairing_id", "started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(investment__gte=0), name="pairing_project_investment"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgressEntry(models.Model):
    """The monthly progress of a pairing, one per month (`month` is the month's first day)."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="progress")
    month = models.DateField(_("月份"))
    text = models.TextField(_("进展情况"))
    entered_on = models.DateField(_("填报日期"))

    objects = ScopedManager()
    scope_paths = ScopePaths(township="pairing__township", branch="pairing__branch")

    class Meta:
        verbose_name = _("月度进展")
        verbose_name_plural = _("月度进展")
        ordering = ["pairing_id", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "month"], name="progress_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="progress_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.pairing_id} {self.month:%Y-%m}"


class Symposium(models.Model):
    """A quarterly symposium (座谈会) of a pairing."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="symposia")
    date = models.DateField(_("日期"))
    topic = models.CharField(_("主题"), max_length=200)
    notes = models.TextField(_("纪要"), blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="pairing__township", branch="pairing__branch")

    class Meta:
        verbose_name = _("季度座谈会")
        verbose_name_plural = _("季度座谈会")
        ordering = ["pairing_id", "-date"]

    def __str__(self) -> str:
        return self.topic

    @property
    def quarter(self) -> int:
        return (self.date.month - 1) // 3 + 1


class CollectiveIncome(models.Model):
    """A village's collective income (村集体经济收入) of one year."""

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="collective_incomes"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("集体经济收入（元）"), **MONEY)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="branch__township", branch="branch")

    class Meta:
        verbose_name = _("村集体经济收入")
        verbose_name_plural = _("村集体经济收入")
        ordering = ["branch_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="collective_income_year"),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.year}"


# --- Party-building-led projects and the contest (党建引领擂台赛) ------------------------------


class ProjectCategory(models.TextChoices):
    APPEARANCE = "appearance", _("村容村貌")
    SPIRIT = "spirit", _("精神文明")
    ECONOMY = "economy", _("集体经济")


class FundDeposit(models.Model):
    """Money put into the township's contest fund (擂台赛资金池)."""

    township = models.ForeignKey("branches.Township", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额（元）"), validators=[MinValueValidator(0)], **MONEY)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township")

    class Meta:
        verbose_name = _("资金池入账")
        verbose_name_plural = _("资金池入账")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_deposit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


class LedProject(models.Model):
    township = models.ForeignKey("branches.Township", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="led_projects"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.CharField(_("类别"), max_length=12, choices=ProjectCategory.choices)
    name = models.CharField(_("项目名称"), max_length=100)
    description = models.TextField(_("项目内容"), blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch")

    class Meta:
        verbose_name = _("党建引领项目")
        verbose_name_plural = _("党建引领项目")
        ordering = ["-year", "branch_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=ProjectCategory.values), name="led_project_category"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectEvaluation(models.Model):
    """The office's quarterly evaluation of a project and the subsidy it grants."""

    project = models.ForeignKey(LedProject, on_delete=models.CASCADE, related_name="evaluations")
    quarter = models.PositiveSmallIntegerField(_("季度"))
    rating = models.CharField(_("评价"), max_length=200)
    subsidy = models.DecimalField(
        _("补助（元）"), validators=[MinValueValidator(0)], default=0, **MONEY
    )

    objects = ScopedManager()
    scope_paths = ScopePaths(township="project__township", branch="project__branch")

    class Meta:
        verbose_name = _("季度评价")
        verbose_name_plural = _("季度评价")
        ordering = ["project_id", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["project", "quarter"], name="evaluation_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="evaluation_quarter_1_4"
            ),
            models.CheckConstraint(condition=Q(subsidy__gte=0), name="evaluation_subsidy"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} Q{self.quarter}"


class Contest(models.Model):
    """A half-yearly contest (擂台赛) in June or December, with its configured prize counts."""

    township = models.ForeignKey("branches.Township", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), choices=[(6, _("6月")), (12, _("12月"))])
    first_count = models.PositiveSmallIntegerField(_("一等奖名额"), default=1)
    second_count = models.PositiveSmallIntegerField(_("二等奖名额"), default=2)
    third_count = models.PositiveSmallIntegerField(_("三等奖名额"), default=3)
    awarded_at = models.DateTimeField(_("颁奖时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township")

    class Meta:
        verbose_name = _("擂台赛")
        verbose_name_plural = _("擂台赛")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "month"], name="contest_unique"),
            models.CheckConstraint(condition=Q(month__in=[6, 12]), name="contest_june_december"),
            models.CheckConstraint(
                condition=Q(first_count__gte=1, first_count__lte=3), name="contest_first_1_3"
            ),
            models.CheckConstraint(
                condition=Q(second_count__gte=2, second_count__lte=6), name="contest_second_2_6"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class ContestEntry(models.Model):
    """A branch in a contest, with the two-committee team that receives its award.

    The team is entered here by the office (secretary and the other members' names): the
    system has no two-committee roster yet.
    """

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="contest_entries"
    )
    secretary_name = models.CharField(_("支部书记"), max_length=50)
    team_names = models.TextField(_("其他“两委”成员"), help_text=_("每行一人。"), blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="contest__township", branch="branch")

    class Meta:
        verbose_name = _("参赛支部")
        verbose_name_plural = _("参赛支部")
        ordering = ["contest_id", "branch_id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "branch"], name="contest_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id} {self.branch_id}"

    @property
    def team(self) -> list[str]:
        return [n.strip() for n in self.team_names.splitlines() if n.strip()]


class JudgeScore(models.Model):
    entry = models.ForeignKey(ContestEntry, on_delete=models.CASCADE, related_name="scores")
    judge = models.CharField(_("评委"), max_length=50)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="entry__contest__township", branch="entry__branch")

    class Meta:
        verbose_name = _("评委打分")
        verbose_name_plural = _("评委打分")
        ordering = ["entry_id", "judge"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="judge_score_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="judge_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge} {self.score}"


class Award(models.Model):
    """A prize stored when the office awards a contest; `shares` is the split in cents."""

    entry = models.OneToOneField(ContestEntry, on_delete=models.CASCADE, related_name="award")
    tier = models.PositiveSmallIntegerField(_("奖次"))
    amount = models.DecimalField(_("奖金（元）"), **MONEY)
    shares = models.JSONField(_("分配"), default=list)  # [[name, role, cents], …]

    objects = ScopedManager()
    scope_paths = ScopePaths(township="entry__contest__township", branch="entry__branch")

    class Meta:
        verbose_name = _("奖励")
        verbose_name_plural = _("奖励")
        constraints = [
            models.CheckConstraint(condition=Q(tier__gte=1, tier__lte=3), name="award_tier_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.tier}"

    @property
    def share_rows(self) -> list[tuple[str, str, Decimal]]:
        """(name, role, yuan) of each recipient."""
        return [(name, role, cents_to_yuan(cents)) for name, role, cents in self.shares]


# --- group activities (群众组织化) -----------------------------------------------------------


class ActivityKind(models.TextChoices):
    WALK = "walk", _("健步走")
    SPORTS = "sports", _("运动会")
    PERFORMANCE = "performance", _("文艺演出")
    OTHER = "other", _("其他")


class GroupActivity(models.Model):
    township = models.ForeignKey("branches.Township", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="group_activities"
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=12, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    subsidy = models.DecimalField(
        _("乡镇补助（元）"), validators=[MinValueValidator(0)], default=0, **MONEY
    )

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch")

    class Meta:
        verbose_name = _("群众组织化活动")
        verbose_name_plural = _("群众组织化活动")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(subsidy__gte=0), name="group_activity_subsidy"),
            models.CheckConstraint(
                condition=Q(kind__in=ActivityKind.values), name="group_activity_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.title
