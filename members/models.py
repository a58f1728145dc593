"""Party members, the development pipeline, dues, household linkage and bonus/penalty points."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.scoping import ScopedManager, ScopePaths


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MemberStatus(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


# The fields of a member's record that office and secretaries edit, in form order.
MEMBER_EDITABLE_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "education", "id_number", "phone",
    "joined_party_on", "status", "probation_ends_on", "branch", "branch_since", "left_on",
    "party_group", "flowing", "flowing_workplace", "dues_exempt", "rating_exempt", "elderly",
    "hardship", "post", "monthly_income",
)  # fmt: skip


class Member(models.Model):
    township = models.ForeignKey(
        "branches.Township", on_delete=models.CASCADE, related_name="members"
    )
    code = models.CharField(_("编号"), max_length=30)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    education = models.CharField(_("学历"), max_length=30, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    joined_party_on = models.DateField(_("入党日期"), null=True, blank=True)
    status = models.CharField(
        _("党员状态"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    probation_ends_on = models.DateField(_("预备期满日期"), null=True, blank=True)
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("所在支部"),
    )
    branch_since = models.DateField(_("转入本支部日期"), null=True, blank=True)
    left_on = models.DateField(_("离开本支部日期"), null=True, blank=True)
    party_group = models.ForeignKey(
        "branches.PartyGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("党小组"),
    )
    flowing = models.BooleanField(_("流动党员"), default=False)
    flowing_workplace = models.CharField(_("外出务工地"), max_length=100, blank=True)
    dues_exempt = models.BooleanField(_("免交党费"), default=False)
    rating_exempt = models.BooleanField(_("不参加星级评定"), default=False)
    elderly = models.BooleanField(_("老党员"), default=False)
    hardship = models.BooleanField(_("困难党员"), default=False)
    post = models.CharField(_("设岗定责"), max_length=100, blank=True)
    monthly_income = models.DecimalField(
        _("月收入（税后）"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch", member="pk")

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["branch_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="member_code_unique"),
            models.CheckConstraint(
                condition=~Q(status="probationary") | Q(probation_ends_on__isnull=False),
                name="member_probation_end_required",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MemberStatus.values), name="member_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values), name="member_gender_valid"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(branch_since__isnull=True)
                | Q(left_on__gte=models.F("branch_since")),
                name="member_left_after_joining_branch",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        """The ID number as shown on screen: first 6 and last 4 characters only."""
        value = self.id_number
        if len(value) <= 10:
            return "*" * len(value)
        return value[:6] + "*" * (len(value) - 10) + value[-4:]


class BranchTransfer(models.Model):
    """A past spell of a member in a branch (组织关系转接 history)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+")
    since = models.DateField(_("转入日期"), null=True, blank=True)
    left_on = models.DateField(_("转出日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="member__township", branch="member__branch", member="member")

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["member_id", "left_on"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.branch_id} → {self.left_on}"


class ApplicantStage(models.TextChoices):
    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")


class Applicant(models.Model):
    township = models.ForeignKey(
        "branches.Township", on_delete=models.CASCADE, related_name="applicants"
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="applicants"
    )
    code = models.CharField(_("编号"), max_length=30)
    name = models.CharField(_("姓名"), max_length=50)
    stage = models.CharField(_("发展阶段"), max_length=20, choices=ApplicantStage.choices)
    stage_since = models.DateField(_("进入本阶段日期"))
    kinship_declared = models.BooleanField(_("已报备与“两委”成员亲属关系"), default=False)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch")

    class Meta:
        verbose_name = _("发展党员对象")
        verbose_name_plural = _("发展党员对象")
        ordering = ["branch_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="applicant_code_unique"),
            models.CheckConstraint(
                condition=Q(stage__in=ApplicantStage.values), name="applicant_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicantStageChange(models.Model):
    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="history")
    stage = models.CharField(_("发展阶段"), max_length=20, choices=ApplicantStage.choices)
    date = models.DateField(_("日期"))
    deciding_meeting = models.CharField(_("决定会议"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="applicant__township", branch="applicant__branch")

    class Meta:
        verbose_name = _("发展阶段记录")
        verbose_name_plural = _("发展阶段记录")
        ordering = ["applicant_id", "date"]

    def __str__(self) -> str:
        return f"{self.applicant_id} {self.stage} {self.date}"


class DuesPayment(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues")
    month = models.DateField(_("所属月份"), help_text=_("该月第一天"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("交纳日期"))

    objects = ScopedManager()
    scope_paths = ScopePaths(township="member__township", branch="member__branch", member="member")

    class Meta:
        verbose_name = _("党费交纳")
        verbose_name_plural = _("党费交纳")
        ordering = ["member_id", "month"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="dues_amount_non_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="dues_month_first_day"),
            # One payment per member and month: a correction edits it (members.services).
            models.UniqueConstraint(fields=["member", "month"], name="dues_one_per_member_month"),
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m} {self.amount}"


class Household(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="households")
    name = models.CharField(_("户主"), max_length=50)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="member__township", branch="member__branch", member="member")

    class Meta:
        verbose_name = _("联系户")
        verbose_name_plural = _("联系户")
        ordering = ["member_id", "pk"]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    household_name = models.CharField(_("走访户"), max_length=100, blank=True)
    date = models.DateField(_("走访日期"))
    note = models.CharField(_("情况"), max_length=500, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="member__township", branch="member__branch", member="member")

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["member_id", "date", "pk"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.date} {self.household_name}"


class PointAdjustment(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="adjustments")
    date = models.DateField(_("日期"))
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("事由"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="member__township", branch="member__branch", member="member")

    class Meta:
        verbose_name = _("加减分")
        verbose_name_plural = _("加减分")
        ordering = ["member_id", "date", "pk"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.date} {self.points}"
