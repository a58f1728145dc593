"""Input validation of the organisation's assessment pages; the writes are in services_org."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from branches import org_rules
from branches.forms import DateInput
from branches.models import Branch, BranchKind, Cadre
from branches.services_org import CADRE_FIELDS
from township import plausible
from township.inputs import BoundedInputMixin
from township.scoping import Scope


class CadreForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Cadre
        fields = ["branch", *CADRE_FIELDS]
        widgets = {"birth_date": DateInput()}
        labels = {"branch": _("村")}

    def __init__(self, *args, scope: Scope, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        branch = self.fields["branch"]
        branch.queryset = Branch.objects.within(scope).filter(kind=BranchKind.VILLAGE)
        branch.empty_label = None
        if editing:
            branch.disabled = True
            branch.required = False

    def clean_birth_date(self):
        day = self.cleaned_data["birth_date"]
        problem = plausible.birth_date(day, today=plausible.today())
        if problem:
            raise forms.ValidationError(problem)
        return day

    def clean(self):
        data = self.cleaned_data
        posts = data.get("party_post") or data.get("village_post")
        if data.get("reserve") and posts:
            self.add_error("reserve", _("后备干部不担任“两委”职务；已任职的请取消勾选“后备干部”。"))
        elif "reserve" in data and not data.get("reserve") and not posts:
            self.add_error(
                "party_post", _("“两委”成员须填写党支部或村委会职务（后备干部请勾选“后备干部”）。")
            )
        return data  # the uniqueness of posts is the service's to check, with a clear message

    def validate_constraints(self, exclude=None):
        """The service checks the posts with a message naming the village."""

    def service_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in CADRE_FIELDS}


class LiaisonForm(BoundedInputMixin, forms.Form):
    branch = forms.ModelChoiceField(label=_("联系党支部"), queryset=Branch.objects.none())
    cadre_name = forms.CharField(label=_("挂包领导"), max_length=50)
    cadre_post = forms.CharField(label=_("职务"), max_length=100, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.within(scope).order_by("code")


class ClassificationForm(BoundedInputMixin, forms.Form):
    """The 18 indicators, each bounded by its maximum points."""

    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for aspect in org_rules.ASPECTS:
            for i in aspect.indicators:
                fields[i.code] = forms.DecimalField(
                    label=f"{i.code} {i.label}",
                    min_value=Decimal(0),
                    max_value=i.max_points,
                    max_digits=4,
                    decimal_places=2,
                    help_text=_("满分 %(m)s 分") % {"m": f"{i.max_points:f}"},
                    error_messages={
                        "max_value": _("“%(i)s”最高 %(m)s 分。")
                        % {"i": i.label, "m": f"{i.max_points:f}"},
                        "min_value": _("得分不能为负数。"),
                    },
                )
        fields["note"] = self.fields.pop("note")
        self.fields = fields | dict(self.fields)

    def aspects(self):
        """(aspect, its bound fields) for the template."""
        return [(a, [self[i.code] for i in a.indicators]) for a in org_rules.ASPECTS]

    def points(self) -> dict[str, Decimal]:
        return {code: self.cleaned_data[code] for code in org_rules.INDICATORS}


class ModelVillageForm(BoundedInputMixin, forms.Form):
    """The ten standards: ticked as met, each with its evidence."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n, label in org_rules.STANDARDS:
            self.fields[f"met_{n}"] = forms.BooleanField(label=f"{n}. {label}", required=False)
            self.fields[f"evidence_{n}"] = forms.CharField(
                label=_("佐证材料"),
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        data = super().clean()
        for n, _label in org_rules.STANDARDS:
            problem = org_rules.standard_problem(
                n, met=bool(data.get(f"met_{n}")), evidence=data.get(f"evidence_{n}") or ""
            )
            if problem:
                self.add_error(f"evidence_{n}", problem)
        return data

    def rows(self):
        return [
            (n, label, self[f"met_{n}"], self[f"evidence_{n}"]) for n, label in org_rules.STANDARDS
        ]

    def checks(self) -> dict[int, tuple[bool, str]]:
        return {
            n: (bool(self.cleaned_data[f"met_{n}"]), self.cleaned_data[f"evidence_{n}"])
            for n, _label in org_rules.STANDARDS
        }
