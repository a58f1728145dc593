"""Input validation of the alliances pages; the rules themselves are checked by the services
(their errors are shown at the field they name)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliances.models import (
    ActivityKind,
    AllianceKind,
    OrganisationKind,
    ProjectKind,
    ProjectStatus,
)
from members.choices import MemberChoiceField, MemberMultipleChoiceField
from township.inputs import BoundedInputMixin
from township.widgets import PlainCheckboxSelectMultiple


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput())


class AllianceForm(BoundedInputMixin, forms.Form):
    code = forms.CharField(label=_("联盟代码"), max_length=20)
    name = forms.CharField(label=_("联盟名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=AllianceKind.choices)
    parent = forms.ModelChoiceField(
        label=_("上级联盟"), queryset=None, required=False, empty_label=_("（无，镇级核心联盟）")
    )
    leader = forms.CharField(label=_("负责人"), max_length=50, required=False)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class OrganisationForm(BoundedInputMixin, forms.Form):
    code = forms.CharField(label=_("成员单位代码"), max_length=20)
    kind = forms.ChoiceField(label=_("类型"), choices=OrganisationKind.choices)
    branch = forms.ModelChoiceField(
        label=_("党支部（类型为党支部时选择）"), queryset=None, required=False
    )
    name = forms.CharField(
        label=_("名称"), max_length=100, required=False, help_text=_("党支部可不填，取支部名称。")
    )
    responsible = forms.CharField(label=_("负责人"), max_length=50, required=False)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches

    def clean(self):
        data = super().clean()
        if data.get("kind") == OrganisationKind.BRANCH and not data.get("branch"):
            self.add_error("branch", _("类型为党支部的成员单位须选择党支部。"))
        elif data.get("kind") and data.get("kind") != OrganisationKind.BRANCH:
            if data.get("branch"):
                self.add_error("branch", _("只有类型为党支部的成员单位才能关联党支部。"))
            if not data.get("name"):
                self.add_error("name", _("请填写成员单位名称。"))
        return data


class ProjectForm(BoundedInputMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ProjectKind.choices)
    title = forms.CharField(label=_("项目"), max_length=200)
    owner = forms.ModelChoiceField(label=_("牵头单位"), queryset=None)
    due_on = _date(_("完成时限"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = organisations


class ProjectProgressForm(BoundedInputMixin, forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=ProjectStatus.choices)
    done_on = forms.DateField(label=_("完成日期"), widget=DateInput(), required=False)
    evidence = forms.CharField(
        label=_("完成佐证"), max_length=1000, required=False, widget=forms.Textarea({"rows": 3})
    )


class ActivityForm(BoundedInputMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ActivityKind.choices)
    date = _date(_("活动日期"))
    title = forms.CharField(label=_("主题"), max_length=200)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    organisations = forms.ModelMultipleChoiceField(
        label=_("参加单位"), queryset=None, widget=PlainCheckboxSelectMultiple
    )
    members = MemberMultipleChoiceField(label=_("参加党员"), queryset=None, required=False)

    def __init__(self, *args, organisations, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations
        self.fields["members"].queryset = members


class WishForm(BoundedInputMixin, forms.Form):
    need = forms.CharField(label=_("心愿内容"), max_length=200)
    raised_on = _date(_("提出日期"))


class ClaimForm(BoundedInputMixin, forms.Form):
    member = MemberChoiceField(label=_("认领党员"), queryset=None)
    claimed_on = _date(_("认领日期"))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class FulfilForm(BoundedInputMixin, forms.Form):
    fulfilled_on = _date(_("实现日期"))
    evidence = forms.CharField(
        label=_("实现佐证"), max_length=1000, widget=forms.Textarea({"rows": 3})
    )


class ScoresForm(BoundedInputMixin, forms.Form):
    """One optional score (0–100) per alliance of the township: `score_<pk>`."""

    def __init__(self, *args, alliances, initial_scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.alliances = alliances
        for a in alliances:
            self.fields[f"score_{a.pk}"] = forms.DecimalField(
                label=a.name,
                required=False,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                initial=initial_scores.get(a.pk),
            )

    def scores(self) -> list[tuple[object, object]]:
        """(alliance, score) for each score entered."""
        return [
            (a, self.cleaned_data[f"score_{a.pk}"])
            for a in self.alliances
            if self.cleaned_data.get(f"score_{a.pk}") is not None
        ]
