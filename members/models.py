"""Party members, the development pipeline, dues, household linkage and bonus/penalty points."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.scoping import ScopedManager, ScopePaths


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class IncomeKind(models.TextChoices):
    """What the dues rate table needs to know of a member's income (township.money.dues_for)."""

    EMPLOYED = "employed", _("在职")
    RETIREE = "retiree", _("离退休")
    FARMER = "farmer", _("农民")
    STUDENT = "student", _("学生")
    UNEMPLOYED = "unemployed", _("无业")


class MemberStatus(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


# The fields of a member's record that office and secretaries edit, in form order.
MEMBER_EDITABLE_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "education", "id_number", "phone",
    "joined_party_on", "status", "probation_ends_on", "branch", "branch_since", "left_on",
    "party_group", "flowing", "flowing_workplace", "dues_exempt", "rating_exempt", "elderly",
    "hardship", "post", "monthly_income", "income_kind",
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
    income_kind = models.CharField(
        _("收入类别"),
        max_length=20,
        choices=IncomeKind.choices,
        blank=True,
        help_text=_("按党费标准计算应交金额；农民、学生、无业党员按支部确定的固定金额交纳。"),
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
                condition=Q(income_kind__in=["", *IncomeKind.values]),
                name="member_income_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(branch_since__isnull=True)
                | Q(left_on__gte=models.F("branch_since")),
                name="member_left_after_joining_branch",
            ),
        ]
        indexes = [
            # Counts of a township's members on the roster at a date read this index alone.
            models.Index(fields=["township", "left_on", "branch_since"], name="member_on_roster"),
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
    FULL = "full", _("正式党员")


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
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    # The kinship declaration (亲属关系报备): relatives within three generations who sit in
    # the village's two committees; required before admission (members.lifecycle).
    kinship_declared_on = models.DateField(_("亲属关系报备日期"), null=True, blank=True)
    kinship_relatives = models.CharField(
        _("三代以内在“两委”任职的亲属"), max_length=300, blank=True, help_text=_("无则留空")
    )
    kinship_document = models.CharField(_("报备材料编号"), max_length=50, blank=True)
    member = models.OneToOneField(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("接收后的党员档案"),
    )

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
    deciding_meeting = models.CharField(_("说明"), max_length=200, blank=True)
    meeting = models.ForeignKey(
        "branches.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pipeline_decisions",
        verbose_name=_("决定会议"),
    )
    notice_start = models.DateField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateField(_("公示结束"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="applicant__township", branch="applicant__branch")

    class Meta:
        verbose_name = _("发展阶段记录")
        verbose_name_plural = _("发展阶段记录")
        ordering = ["applicant_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "stage"], name="applicant_stage_once"),
            models.CheckConstraint(
                condition=Q(notice_start__isnull=True)
                | Q(notice_end__isnull=True)
                | Q(notice_end__gte=models.F("notice_start")),
                name="applicant_notice_ordered",
            ),
        ]

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


# --- the member's life cycle: training, lagging and flowing members, heart-to-heart talks -------


class TrainingKind(models.TextChoices):
    ROTATION = "rotation", _("党员轮训")
    ACTIVIST = "activist", _("入党积极分子培训")
    CANDIDATE = "candidate", _("发展对象培训")
    LECTURE = "lecture", _("专题讲座")


class TrainingSession(models.Model):
    """A session of the township's Party school (党校); the office runs it for the township."""

    township = models.ForeignKey(
        "branches.Township", on_delete=models.CASCADE, related_name="training_sessions"
    )
    kind = models.CharField(_("培训类别"), max_length=20, choices=TrainingKind.choices)
    date = models.DateField(_("日期"))
    title = models.CharField(_("主题"), max_length=200)
    lecturer = models.CharField(_("授课人"), max_length=50, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=Decimal("2"))

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township")

    class Meta:
        verbose_name = _("党校培训")
        verbose_name_plural = _("党校培训")
        ordering = ["-date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TrainingKind.values), name="training_kind_valid"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
        ]
        indexes = [models.Index(fields=["township", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"


class TrainingAttendance(models.Model):
    """One person present at a session: a member, or someone in the pipeline (an activist or
    a development candidate is not a member yet)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="trainings"
    )
    applicant = models.ForeignKey(
        Applicant, on_delete=models.CASCADE, null=True, blank=True, related_name="trainings"
    )

    objects = ScopedManager()
    scope_paths = ScopePaths(township="session__township")

    class Meta:
        verbose_name = _("培训出勤")
        verbose_name_plural = _("培训出勤")
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=True, applicant__isnull=False)
                | Q(member__isnull=False, applicant__isnull=True),
                name="training_attendee_one_kind",
            ),
            models.UniqueConstraint(fields=["session", "member"], name="training_member_once"),
            models.UniqueConstraint(
                fields=["session", "applicant"], name="training_applicant_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.member_id or self.applicant_id}"


class LaggingSpell(models.Model):
    """A lagging member's time in the education branch (铸魂党支部): transferred there with the
    reason, transferred back to `from_branch` when transformed."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="lagging_spells")
    from_branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("原支部")
    )
    reason = models.CharField(_("转入原因"), max_length=300)
    started_on = models.DateField(_("转入日期"))
    ended_on = models.DateField(_("转回日期"), null=True, blank=True)
    end_note = models.CharField(_("转回说明"), max_length=300, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="member__township", branch="member__branch", member="member")

    class Meta:
        verbose_name = _("落后党员教育转化")
        verbose_name_plural = _("落后党员教育转化")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="lagging_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_on__isnull=True), name="lagging_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.started_on}"


# The monthly “六个一” of a lagging member, as (model field, label), in the documents' order.
SIX_ONES = (
    ("org_life", _("参加一次组织生活")),
    ("lecture", _("听一次党课")),
    ("talk", _("开展一次谈心谈话")),
    ("volunteer", _("参加一次志愿服务")),
    ("task", _("完成一项指定任务")),
    ("report", _("提交一份整改报告")),
)


class LaggingMonthCheck(models.Model):
    spell = models.ForeignKey(LaggingSpell, on_delete=models.CASCADE, related_name="checks")
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    org_life = models.BooleanField(_("参加一次组织生活"), default=False)
    lecture = models.BooleanField(_("听一次党课"), default=False)
    talk = models.BooleanField(_("开展一次谈心谈话"), default=False)
    volunteer = models.BooleanField(_("参加一次志愿服务"), default=False)
    task = models.BooleanField(_("完成一项指定任务"), default=False)
    report = models.BooleanField(_("提交一份整改报告"), default=False)
    note = models.CharField(_("情况说明"), max_length=300, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(
        township="spell__member__township", branch="spell__member__branch", member="spell__member"
    )

    class Meta:
        verbose_name = _("“六个一”月度清单")
        verbose_name_plural = _("“六个一”月度清单")
        ordering = ["spell_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["spell", "month"], name="lagging_check_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="lagging_check_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.spell_id} {self.month:%Y-%m}"

    @property
    def done(self) -> int:
        return sum(1 for field, _label in SIX_ONES if getattr(self, field))


class Transformation(models.TextChoices):
    TRANSFORMED = "transformed", _("已转化")
    IMPROVING = "improving", _("有好转")
    NOT_YET = "not_yet", _("未转化")


class LaggingEvaluation(models.Model):
    spell = models.ForeignKey(LaggingSpell, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    result = models.CharField(_("转化情况"), max_length=20, choices=Transformation.choices)
    note = models.CharField(_("评价意见"), max_length=300, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(
        township="spell__member__township", branch="spell__member__branch", member="spell__member"
    )

    class Meta:
        verbose_name = _("季度转化评价")
        verbose_name_plural = _("季度转化评价")
        ordering = ["spell_id", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["spell", "year", "quarter"], name="lagging_evaluation_once_a_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="lagging_quarter_1_4"
            ),
            models.CheckConstraint(
                condition=Q(result__in=Transformation.values), name="lagging_result_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spell_id} {self.year}-Q{self.quarter}"


class ContactChannel(models.TextChoices):
    WECHAT = "wechat", _("微信")
    PHONE = "phone", _("电话")
    VISIT = "visit", _("返乡见面")
    LOCAL_BRANCH = "local_branch", _("流入地党组织")


class FlowingSpell(models.Model):
    """A period a member works away (流动党员): where, and how the branch keeps in touch."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="flowing_spells")
    started_on = models.DateField(_("外出日期"))
    ended_on = models.DateField(_("返回日期"), null=True, blank=True)
    workplace = models.CharField(_("外出务工地"), max_length=100)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    channel = models.CharField(_("联系方式"), max_length=20, choices=ContactChannel.choices)
    contact = models.CharField(_("联系账号/电话"), max_length=50, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="member__township", branch="member__branch", member="member")

    class Meta:
        verbose_name = _("流动党员外出登记")
        verbose_name_plural = _("流动党员外出登记")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="flowing_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_on__isnull=True), name="flowing_one_open"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ContactChannel.values), name="flowing_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.workplace}"


class FlowingContact(models.Model):
    """A contact with a flowing member; `org_life` when it was organisation life taken part in
    away from the branch (online branch meeting, the receiving branch's themed day)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="flowing_contacts")
    date = models.DateField(_("日期"))
    channel = models.CharField(_("联系方式"), max_length=20, choices=ContactChannel.choices)
    org_life = models.BooleanField(_("参加了组织生活"), default=False)
    note = models.CharField(_("内容"), max_length=300, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="member__township", branch="member__branch", member="member")

    class Meta:
        verbose_name = _("流动党员联系记录")
        verbose_name_plural = _("流动党员联系记录")
        ordering = ["member_id", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=ContactChannel.values), name="flowing_contact_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.date}"


class HeartTalk(models.Model):
    """谈心谈话: who talked with which member, when, about what, and the follow-up."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="talks")
    talker = models.CharField(_("谈话人"), max_length=50)
    talker_post = models.CharField(_("谈话人职务"), max_length=50, blank=True)
    date = models.DateField(_("谈话日期"))
    topic = models.CharField(_("谈话主题"), max_length=200)
    follow_up = models.CharField(_("后续跟进"), max_length=300, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="member__township", branch="member__branch", member="member")

    class Meta:
        verbose_name = _("谈心谈话")
        verbose_name_plural = _("谈心谈话")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.date} {self.topic}"
