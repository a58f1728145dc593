"""Input validation of the cooperatives pages; the writes themselves are in services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from cooperatives import services
from cooperatives.models import (
    Account,
    CollectiveIncome,
    Contest,
    ContestEntry,
    Cooperative,
    FundDeposit,
    GroupActivity,
    Holder,
    JudgeScore,
    LedProject,
    Pairing,
    PairingProject,
    ProgressEntry,
    ProjectEvaluation,
    Symposium,
)
from members.choices import MemberChoiceField
from members.models import Member
from township.inputs import BoundedInputMixin
from township.scoping import Scope


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


def _branches(form: forms.ModelForm, scope: Scope) -> None:
    form.fields["branch"].queryset = Branch.objects.within(scope).order_by("code")
    form.fields["branch"].empty_label = None


class CooperativeForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Cooperative
        fields = [
            "branch",
            "code",
            "name",
            "credit_code",
            "model",
            "founded_on",
            "business",
            "contact",
        ]
        widgets = {"founded_on": DateInput()}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        _branches(self, scope)

    def clean_credit_code(self) -> str:
        value = services.credit_code_normal(self.cleaned_data["credit_code"])
        problem = services.credit_code_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def validate_unique(self):  # the service checks the code within the township
        pass


class HolderForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Holder
        fields = ["code", "kind", "name", "member", "contribution", "value", "shares"]
        # The township's members (1,500 in a large one), labelled from values: `members.choices`.
        field_classes = {"member": MemberChoiceField}

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(
            township_id=cooperative.township_id
        ).order_by("code")
        self.fields["member"].required = False
        self.fields["member"].help_text = _("村民股东是本系统的党员时选择。")

    def validate_unique(self):
        pass


class AccountForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Account
        fields = ["year", "profit", "reserve_ratio"]
        help_texts = {
            "profit": _("亏损填负数：不提公积金，也不分红。"),
            "reserve_ratio": _("0 到 1 之间，如 0.10 表示提取 10%。"),
        }

    def clean_reserve_ratio(self) -> Decimal:
        value = self.cleaned_data["reserve_ratio"]
        problem = services.reserve_ratio_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def validate_unique(self):  # a second account of a year replaces the first
        pass


class PairingForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Pairing
        fields = ["branch", "enterprise", "started_on", "note"]
        widgets = {"started_on": DateInput()}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        _branches(self, scope)

    def validate_unique(self):
        pass


class PairingProjectForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = PairingProject
        fields = ["name", "investment", "started_on", "description"]
        widgets = {"started_on": DateInput()}


class ProgressForm(BoundedInputMixin, forms.ModelForm):
    month = forms.DateField(
        label=_("月份"), widget=MonthInput(), input_formats=["%Y-%m", "%Y-%m-%d"]
    )

    class Meta:
        model = ProgressEntry
        fields = ["month", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def validate_unique(self):
        pass


class SymposiumForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Symposium
        fields = ["date", "topic", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}


class CollectiveIncomeForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = CollectiveIncome
        fields = ["branch", "year", "amount"]

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        _branches(self, scope)

    def validate_unique(self):
        pass


class FundDepositForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = FundDeposit
        fields = ["date", "amount", "note"]
        widgets = {"date": DateInput()}


class LedProjectForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = LedProject
        fields = ["branch", "year", "category", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        _branches(self, scope)


class EvaluationForm(BoundedInputMixin, forms.ModelForm):
    quarter = forms.TypedChoiceField(
        label=_("季度"), choices=[(q, f"Q{q}") for q in range(1, 5)], coerce=int
    )

    class Meta:
        model = ProjectEvaluation
        fields = ["quarter", "rating", "subsidy"]

    def validate_unique(self):
        pass


class ContestForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Contest
        fields = ["year", "month", "first_count", "second_count", "third_count"]
        help_texts = {
            "first_count": _("1 到 3 个，每个 30,000 元。"),
            "second_count": _("2 到 6 个，每个 20,000 元。"),
            "third_count": _("不限，每个 10,000 元。"),
        }

    def validate_unique(self):
        pass


class ContestEntryForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = ContestEntry
        fields = ["branch", "secretary_name", "team_names"]
        widgets = {"team_names": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        _branches(self, scope)

    def validate_unique(self):
        pass


class JudgeScoreForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = JudgeScore
        fields = ["judge", "score"]

    def validate_unique(self):
        pass


class GroupActivityForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = GroupActivity
        fields = ["branch", "date", "kind", "title", "participants", "subsidy"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, scope: Scope, can_subsidise: bool, **kwargs):
        super().__init__(*args, **kwargs)
        _branches(self, scope)
        if not can_subsidise:  # the township's subsidy is the office's to set
            del self.fields["subsidy"]


class SubsidyForm(BoundedInputMixin, forms.Form):
    subsidy = forms.DecimalField(
        label=_("乡镇补助（元）"), min_value=0, max_digits=14, decimal_places=2
    )
