"""The organisation's assessment records: the two-committee roster with reserve cadres, the
classification sheet (定位升级) and the demonstration-village checklist (党建示范村).

Imported by `branches.models`; the rules they follow are in `branches.org_rules`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.scoping import ScopedManager, ScopePaths


class CadreGender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Education(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    GRADUATE = "graduate", _("研究生")


class PartyPost(models.TextChoices):
    NONE = "", _("无")
    SECRETARY = "secretary", _("党支部书记")
    DEPUTY = "deputy", _("党支部副书记")
    MEMBER = "member", _("支部委员")


class VillagePost(models.TextChoices):
    NONE = "", _("无")
    CHAIR = "chair", _("村委会主任")
    DEPUTY = "deputy", _("村委会副主任")
    MEMBER = "member", _("村委会委员")


class Cadre(models.Model):
    """A member of a village's two committees (村“两委”), or one of its reserve cadres."""

    township = models.ForeignKey("branches.Township", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="cadres", verbose_name=_("村")
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=CadreGender.choices)
    birth_date = models.DateField(_("出生日期"))
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices)
    reserve = models.BooleanField(_("后备干部"), default=False)
    party_post = models.CharField(
        _("党支部职务"), max_length=20, choices=PartyPost.choices, blank=True
    )
    village_post = models.CharField(
        _("村委会职务"), max_length=20, choices=VillagePost.choices, blank=True
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch")

    class Meta:
        verbose_name = _("村“两委”干部")
        verbose_name_plural = _("村“两委”干部")
        ordering = ["branch_id", "reserve", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reserve=False) | Q(party_post="", village_post=""),
                name="cadre_reserve_holds_no_post",
            ),
            models.CheckConstraint(
                condition=Q(reserve=True) | ~Q(party_post="", village_post=""),
                name="cadre_committee_member_holds_a_post",
            ),
            models.UniqueConstraint(
                fields=["branch"], condition=Q(party_post="secretary"), name="cadre_one_secretary"
            ),
            models.UniqueConstraint(
                fields=["branch"], condition=Q(village_post="chair"), name="cadre_one_chair"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def posts(self) -> str:
        return "、".join(
            str(p)
            for p in (self.get_party_post_display(), self.get_village_post_display())
            if p and p != PartyPost.NONE.label
        )


class ClassificationSheet(models.Model):
    """A village's 100-point classification sheet (定位升级) for a year, entered by the office."""

    township = models.ForeignKey("branches.Township", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="classification_sheets"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("类别"), max_length=10)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch")

    class Meta:
        verbose_name = _("定位升级评分表")
        verbose_name_plural = _("定位升级评分表")
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="classification_once_a_year"),
            models.CheckConstraint(
                condition=Q(total__gte=0, total__lte=100), name="classification_total_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.branch_id}: {self.total}"


class ClassificationScore(models.Model):
    sheet = models.ForeignKey(ClassificationSheet, on_delete=models.CASCADE, related_name="scores")
    indicator = models.CharField(_("指标"), max_length=4)
    points = models.DecimalField(_("得分"), max_digits=4, decimal_places=2)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="sheet__township", branch="sheet__branch")

    class Meta:
        verbose_name = _("定位升级指标得分")
        verbose_name_plural = _("定位升级指标得分")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "indicator"], name="classification_score_once"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="classification_points_ge_0"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.points}"


class ModelVillageCheck(models.Model):
    """One of the ten standards (十条标准) of a demonstration village, for a village and year."""

    township = models.ForeignKey("branches.Township", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="model_village_checks"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    standard = models.PositiveSmallIntegerField(_("标准"))
    met = models.BooleanField(_("达标"), default=False)
    evidence = models.TextField(_("佐证材料"), blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(township="township", branch="branch")

    class Meta:
        verbose_name = _("示范村标准")
        verbose_name_plural = _("示范村标准")
        ordering = ["branch_id", "year", "standard"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year", "standard"], name="model_village_standard_once"
            ),
            models.CheckConstraint(
                condition=Q(standard__gte=1, standard__lte=10), name="model_village_standard_1_10"
            ),
            models.CheckConstraint(
                condition=Q(met=False) | ~Q(evidence=""), name="model_village_met_with_evidence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.branch_id} #{self.standard}: {self.met}"
