"""The weak-and-lax rectification ledger (软弱涣散整改台账). Imported by `scoring.models`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.scoping import ScopedManager, ScopePaths


class RectificationEntry(models.Model):
    """One weak-and-lax branch of a year: its problems, the measures, who is responsible, the
    deadline, the evidence, the satisfaction check and, once all is done, its closing (销号)."""

    township = models.ForeignKey("branches.Township", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="rectifications"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    annual_score = models.DecimalField(
        _("年度得分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    problems = models.TextField(_("存在问题"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    responsible = models.CharField(_("责任人"), max_length=50, blank=True)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    evidence = models.TextField(_("整改佐证"), blank=True)
    satisfaction = models.DecimalField(
        _("群众满意度（%）"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("销号人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch")

    class Meta:
        verbose_name = _("软弱涣散整改台账")
        verbose_name_plural = _("软弱涣散整改台账")
        ordering = ["year", "township_id", "branch_id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="rectification_once_a_year"),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=0, satisfaction__lte=100),
                name="rectification_satisfaction_0_100",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | (Q(satisfaction__gte=80) & ~Q(evidence="")),
                name="rectification_closed_with_evidence_and_satisfaction",
            ),
        ]
        indexes = [models.Index(fields=["township", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.branch}"
