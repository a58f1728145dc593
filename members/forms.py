"""Input validation of the members pages; the writes themselves are in services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, PartyGroup
from members.models import MEMBER_EDITABLE_FIELDS, Member, MemberStatus
from township import plausible
from township.inputs import BoundedInputMixin
from township.scoping import Scope


def add_problems(form: forms.Form, problems: dict[str, str | None]) -> None:
    """Show the problems found by `township.plausible` at their fields."""
    for field, message in problems.items():
        if message and field not in form.errors:
            form.add_error(field, message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# Personal fields never shown back in a form: leaving them empty keeps the stored value.
KEEP_IF_EMPTY = ("id_number", "phone")


class MemberForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = list(MEMBER_EDITABLE_FIELDS)
        widgets = {
            f: DateInput() for f in ("birth_date", "joined_party_on", "probation_ends_on")
        } | {f: DateInput() for f in ("branch_since", "left_on")}

    def __init__(self, *args, scope: Scope, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.within(scope).order_by("code")
        self.fields["party_group"].queryset = PartyGroup.objects.within(scope).select_related(
            "branch"
        )
        if editing:
            for f in KEEP_IF_EMPTY:
                self.fields[f].help_text = _("出于隐私不回显；留空则保持原值。")

    def clean(self):
        data = self.cleaned_data
        if data.get("status") == MemberStatus.PROBATIONARY and not data.get("probation_ends_on"):
            self.add_error("probation_ends_on", _("预备党员须填写预备期满日期。"))
            return data
        group, branch = data.get("party_group"), data.get("branch")
        if group is not None and branch is not None and group.branch_id != branch.pk:
            self.add_error("party_group", _("党小组不属于所选支部。"))
            return data
        add_problems(self, plausible.member(data, today=plausible.today()))
        return super().clean()

    def clean_id_number(self) -> str:
        return plausible.id_number_normal(self.cleaned_data["id_number"].strip())

    def service_fields(self, *, editing: bool) -> dict:
        data = dict(self.cleaned_data)
        if editing:
            for f in KEEP_IF_EMPTY:
                if not data.get(f):
                    data.pop(f, None)
        return data


class DuesForm(BoundedInputMixin, forms.Form):
    month = forms.DateField(
        label=_("所属月份"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    amount = forms.DecimalField(
        label=_("金额（元）"), min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    paid_on = forms.DateField(label=_("交纳日期"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("month") and data.get("paid_on"):
            add_problems(
                self,
                plausible.dues(
                    month=data["month"], paid_on=data["paid_on"], today=plausible.today()
                ),
            )
        return data


class VisitForm(BoundedInputMixin, forms.Form):
    date = forms.DateField(label=_("走访日期"), widget=DateInput())
    household_name = forms.CharField(label=_("走访户"), max_length=100)
    note = forms.CharField(
        label=_("情况"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_date(self):
        day = self.cleaned_data["date"]
        problem = plausible.record_date(day, today=plausible.today(), label=_("走访日期"))
        if problem:
            raise forms.ValidationError(problem)
        return day


class AdjustmentForm(BoundedInputMixin, forms.Form):
    KIND_CHOICES = [("bonus", _("加分")), ("penalty", _("扣分"))]

    kind = forms.ChoiceField(label=_("类型"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    points = forms.DecimalField(
        label=_("分值"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=6,
        decimal_places=2,
    )
    date = forms.DateField(label=_("日期"), widget=DateInput())
    reason = forms.CharField(label=_("事由"), max_length=200)

    def clean_date(self):
        day = self.cleaned_data["date"]
        problem = plausible.record_date(day, today=plausible.today())
        if problem:
            raise forms.ValidationError(problem)
        return day

    def signed_points(self) -> Decimal:
        points = self.cleaned_data["points"]
        return -points if self.cleaned_data["kind"] == "penalty" else points
