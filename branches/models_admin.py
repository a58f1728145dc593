"""History of the organisation's management: a branch's moves between areas."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.scoping import ScopedManager, ScopePaths


class BranchAreaMove(models.Model):
    """A branch moved from one area (片区) to another, by whom and when (kept as history)."""

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="area_moves"
    )
    from_area = models.ForeignKey(
        "branches.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("原片区"),
    )
    to_area = models.ForeignKey(
        "branches.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("新片区"),
    )
    moved_on = models.DateField(_("调整日期"))
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="branch__township", branch="branch")

    class Meta:
        verbose_name = _("片区调整")
        verbose_name_plural = _("片区调整")
        ordering = ["branch_id", "-moved_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.branch_id}: {self.from_area_id} → {self.to_area_id}"
