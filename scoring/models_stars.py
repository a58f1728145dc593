"""The star rating as a process (星级评定): a round per township and year, a proposal per ranked
branch and rated member, and the history of each proposal's stars. Imported by `scoring.models`;
the rules are in `scoring.rules_stars`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring import rules_stars
from township.scoping import ScopedManager, ScopePaths

_STARS = Q(stars__gte=0, stars__lte=3)


class StarRound(models.Model):
    """The year's star rating of a township's branches and members."""

    STATE_CHOICES = [(s, rules_stars.STATE_LABELS[s]) for s in rules_stars.STATES]

    township = models.ForeignKey("branches.Township", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    state = models.CharField(_("状态"), max_length=10, choices=STATE_CHOICES)
    opened_at = models.DateTimeField(_("启动时间"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    notice_start = models.DateField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateField(_("公示结束"), null=True, blank=True)
    set_on = models.DateField(_("确定日期"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()
    # The round and its notice are the township's: its secretaries, liaisons and members reach it
    # (a member reads the notice); the proposals themselves are scoped per branch and member.
    scope_paths = ScopePaths(
        township="township", branch="township__branches", member="township__members"
    )

    class Meta:
        verbose_name = _("星级评定")
        verbose_name_plural = _("星级评定")
        ordering = ["township_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="star_round_once_a_year"),
            models.CheckConstraint(
                condition=Q(state__in=rules_stars.STATES), name="star_round_known_state"
            ),
            models.CheckConstraint(
                condition=Q(notice_start__isnull=True)
                | Q(notice_end__gte=models.F("notice_start")),
                name="star_round_notice_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.township_id} {self.year} {self.state}"

    @property
    def state_label(self) -> str:
        return rules_stars.state_label(self.state)


class StarProposal(models.Model):
    """The stars of one branch or one member in a round: computed, proposed, final."""

    BRANCH, MEMBER = "branch", "member"
    KIND_CHOICES = [(BRANCH, _("党支部")), (MEMBER, _("党员"))]

    round = models.ForeignKey(StarRound, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(_("类别"), max_length=6, choices=KIND_CHOICES)
    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    annual = models.DecimalField(_("年度得分"), max_digits=5, decimal_places=2, null=True)
    computed = models.PositiveSmallIntegerField(_("计算星级"))
    stars = models.PositiveSmallIntegerField(_("建议星级"))
    final = models.PositiveSmallIntegerField(_("评定星级"), null=True, blank=True)
    # The branch's self-assessment (a branch's proposal) or its comment on a member's proposal.
    branch_note = models.TextField(_("支部自评/意见"), blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="round__township", branch="branch", member="member")

    class Meta:
        verbose_name = _("星级评定建议")
        verbose_name_plural = _("星级评定建议")
        ordering = ["round_id", "kind", "branch_id", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "branch"],
                condition=Q(member__isnull=True),
                name="star_proposal_branch_once",
            ),
            models.UniqueConstraint(
                fields=["round", "member"],
                condition=Q(member__isnull=False),
                name="star_proposal_member_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="branch") & Q(member__isnull=True))
                | (Q(kind="member") & Q(member__isnull=False)),
                name="star_proposal_kind_matches_member",
            ),
            models.CheckConstraint(
                condition=Q(computed__lte=3) & _STARS & (Q(final__isnull=True) | Q(final__lte=3)),
                name="star_proposal_stars_0_3",
            ),
        ]
        indexes = [models.Index(fields=["round", "kind"])]

    def __str__(self) -> str:
        return f"{self.round_id} {self.kind} {self.member_id or self.branch_id}"


class StarChange(models.Model):
    """One step of a proposal's stars: who, when, from, to, why (and the finding's date)."""

    PROPOSED, REVIEWED, SET, DEMOTED = "proposed", "reviewed", "set", "demoted"
    STEP_CHOICES = [
        (PROPOSED, _("按考核结果提出")),
        (REVIEWED, _("审核调整")),
        (SET, _("公示期满确定")),
        (DEMOTED, _("发现问题降级")),
    ]

    proposal = models.ForeignKey(StarProposal, on_delete=models.CASCADE, related_name="changes")
    step = models.CharField(_("步骤"), max_length=10, choices=STEP_CHOICES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    from_stars = models.PositiveSmallIntegerField(_("原星级"), null=True)
    to_stars = models.PositiveSmallIntegerField(_("新星级"))
    reason = models.TextField(_("理由"), blank=True)
    found_on = models.DateField(_("发现日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(
        township="proposal__round__township",
        branch="proposal__branch",
        member="proposal__member",
    )

    class Meta:
        verbose_name = _("星级变动")
        verbose_name_plural = _("星级变动")
        ordering = ["proposal_id", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(to_stars__lte=3), name="star_change_stars_0_3"),
            models.CheckConstraint(
                condition=~Q(step="demoted")
                | (
                    Q(to_stars__lt=models.F("from_stars"))
                    & Q(found_on__isnull=False)
                    & ~Q(reason="")
                ),
                name="star_change_demotion_lowers_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.step} {self.from_stars}->{self.to_stars}"
