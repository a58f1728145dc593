"""What every app shares: the user with their role and scope, and the append-only audit log."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from township.actions import ACTION_LABELS, FIELD_LABELS, OBJECT_URLS
from township.permissions import Role
from township.scoping import ScopedManager, ScopedQuerySet, ScopePaths


class User(AbstractUser):
    ROLE_CHOICES = [
        (Role.REVIEWER.value, _("县委组织部审阅")),
        (Role.OFFICE.value, _("镇党建办")),
        (Role.SECRETARY.value, _("支部书记")),
        (Role.LIAISON.value, _("挂包领导")),
        (Role.MEMBER.value, _("党员")),
    ]
    role = models.CharField(_("角色"), max_length=20, choices=ROLE_CHOICES, blank=True)
    county = models.ForeignKey(
        "branches.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县"),
    )
    township = models.ForeignKey(
        "branches.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("党支部"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("党员"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # Each role carries exactly the scope it needs: a county, a township, a branch or
            # a member. The township of branch- and member-scoped users is kept for the audit
            # log; the scope itself is the branch or the member.
            models.CheckConstraint(
                condition=Q(role="")
                | Q(
                    role="reviewer",
                    county__isnull=False,
                    township__isnull=True,
                    branch__isnull=True,
                    member__isnull=True,
                )
                | Q(role="office", township__isnull=False, branch__isnull=True, member__isnull=True)
                | Q(
                    role__in=["secretary", "liaison"],
                    township__isnull=False,
                    branch__isnull=False,
                    member__isnull=True,
                )
                | Q(role="member", township__isnull=False, member__isnull=False),
                name="user_role_scope_consistent",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.branch_id and self.township_id and self.branch.township_id != self.township_id:
            raise ValidationError({"branch": _("党支部不属于所选乡镇。")})
        if self.township_id and not self.county_id:
            self.county_id = self.township.county_id


ROLE_LABELS = dict(User.ROLE_CHOICES)


class AuditQuerySet(ScopedQuerySet):
    def delete(self):
        raise PermissionError("The audit log is append-only.")

    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")


class AuditLog(models.Model):
    """Append-only trace (痕迹管理): who did what, when, in which township."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # PROTECT, not SET_NULL: the database refuses every UPDATE of the table (see
    # migration 0005), so a user, township or county with entries is deactivated, not deleted.
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    township = models.ForeignKey(
        "branches.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
    )
    # The county the entry concerns: the township's, or the reviewer's for a reviewer's own
    # entries (a refused write, a failed login), so the county sees what concerns it.
    county = models.ForeignKey(
        "branches.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县"),
    )
    action = models.CharField(_("操作"), max_length=80)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=80, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = models.Manager.from_queryset(AuditQuerySet)()
    scope_paths = ScopePaths(township="township", county="county")

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["township", "action", "created_at"]),
            models.Index(fields=["county", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")

    @property
    def description(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def reason(self) -> str:
        """The reason the actor gave (a month reopened, an adjustment), if any."""
        reason = self.data.get("reason") if isinstance(self.data, dict) else None
        return str(reason) if reason else ""

    @property
    def link(self) -> str:
        """The page of the record the entry names, when it has one and still exists."""
        name = OBJECT_URLS.get(self.object_type)
        if name is None or not self.object_id.isdigit() or self.action.endswith(".deleted"):
            return ""
        try:
            return reverse(name, kwargs={"pk": int(self.object_id)})
        except NoReverseMatch:
            return ""

    @property
    def changes_text(self) -> str:
        """`data["changes"]` as one line: 角色：office → reviewer；乡镇：… → …"""
        changes = self.data.get("changes") if isinstance(self.data, dict) else None
        if not isinstance(changes, dict):
            return ""
        parts = []
        for field, values in changes.items():
            label = FIELD_LABELS.get(field, field)
            if field == "role" and self.object_type == "township.user":
                values = [ROLE_LABELS.get(v, v) for v in values] if isinstance(values, list) else []
            if isinstance(values, list | tuple) and len(values) == 2:
                before, after = (_value_text(v) for v in values)
                parts.append(f"{label}：{before} → {after}")
            else:
                parts.append(f"{label}：{_value_text(values)}")
        return "；".join(parts)


def _value_text(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


class MonthState(models.Model):
    """A township's month as every app sees it: open or locked by the office, and whether its
    records changed since the figures were stored.

    Record services check the lock (`township.months.ensure_month_open`) and mark a change
    (`township.months.months_mark_changed`) in the transaction of the change itself; the scoring
    job consumes the mark: figures stored from `revision` N are current while `scored_revision`
    is N. A locked month keeps the figures it was locked with.
    """

    township = models.ForeignKey(
        "branches.Township", on_delete=models.CASCADE, related_name="month_states"
    )
    month = models.DateField(_("月份"))
    locked = models.BooleanField(_("已锁定"), default=False)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    locked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.CharField(_("重新开放原因"), max_length=300, blank=True)
    revision = models.PositiveIntegerField(_("记录变更次数"), default=0)
    scored_revision = models.PositiveIntegerField(_("已计分的变更次数"), default=0)
    changed_at = models.DateTimeField(_("记录最后变更时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="township__branches")

    class Meta:
        verbose_name = _("月度考核状态")
        verbose_name_plural = _("月度考核状态")
        ordering = ["township_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["township", "month"], name="month_state_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="month_state_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.township_id} {self.month:%Y-%m} {'locked' if self.locked else 'open'}"

    @property
    def stale(self) -> bool:
        return self.revision > self.scored_revision


class ReportJob(models.Model):
    """One report asked for (or scheduled): its parameters, progress and the file it produced.

    The file lives in private storage (`settings.PRIVATE_ROOT`), served only through the
    download view, which finds the job through `within(scope)` like any other row. The record
    stays when the retention job removes an old file.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("报表"), max_length=40)
    level = models.CharField(_("范围级别"), max_length=10)
    county = models.ForeignKey(
        "branches.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("县")
    )
    township = models.ForeignKey(
        "branches.Township",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("党支部"),
    )
    subject = models.CharField(_("范围"), max_length=200, blank=True)
    period = models.CharField(_("期间"), max_length=10)
    format = models.CharField(_("格式"), max_length=4)
    options = models.JSONField(_("报表选项"), default=dict, blank=True)  # ReportKind.options
    requested_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    # Scheduled reports (close day, quarter end) carry a key so that a day run twice makes
    # each report once.
    schedule_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    queued_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file = models.CharField(_("文件"), max_length=300, blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("文件大小"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    data_digest = models.CharField(_("数据校验码"), max_length=16, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    expired_at = models.DateTimeField(_("文件清理时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch", county="county")

    class Meta:
        verbose_name = _("报表任务")
        verbose_name_plural = _("报表任务")
        ordering = ["-queued_at", "-pk"]
        indexes = [
            models.Index(fields=["township", "queued_at"]),
            models.Index(fields=["requested_by", "queued_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_job_progress_100"),
            models.CheckConstraint(
                condition=Q(format__in=["pdf", "xlsx"]), name="report_job_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} {self.period} {self.format}"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)


class Notification(models.Model):
    """An in-app message to one user (the reminder of the 20th about missing records).

    `key` makes a message once: a day run twice finds its key taken and sends nothing new.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("收件人")
    )
    township = models.ForeignKey(
        "branches.Township", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=150, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed = models.BooleanField(_("已发邮件"), default=False)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.title}"
