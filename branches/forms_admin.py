"""Input validation of the organisation's management pages; the writes are in services_admin."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from branches import selectors_admin as selectors
from branches.forms import DateInput
from branches.models import Branch, BranchKind
from township.inputs import BoundedInputMixin
from township.models import User
from township.money import DUES_FIXED_DEFAULT, DUES_FIXED_MAX, DUES_FIXED_MIN
from township.permissions import Role
from township.scoping import Scope

RANKED_CHOICES = [
    ("", _("按类型（流动党员党支部、铸魂党支部不参加）")),
    ("1", _("参加排名")),
    ("0", _("不参加排名")),
]


class AreaForm(BoundedInputMixin, forms.Form):
    code = forms.CharField(label=_("代码"), max_length=20)
    name = forms.CharField(label=_("名称"), max_length=100)
    head_name = forms.CharField(label=_("片长"), max_length=50, required=False)


class BranchForm(BoundedInputMixin, forms.Form):
    code = forms.CharField(label=_("代码"), max_length=20)
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=BranchKind.choices)
    area = forms.ModelChoiceField(label=_("片区"), queryset=None, required=False)
    general_branch = forms.ModelChoiceField(label=_("所属党总支"), queryset=None, required=False)
    has_groups = forms.BooleanField(label=_("设党小组"), required=False, initial=True)
    ranked = forms.TypedChoiceField(
        label=_("参加排名"),
        choices=RANKED_CHOICES,
        required=False,
        coerce=lambda v: v == "1",
        empty_value=None,
    )
    dues_fixed_amount = forms.DecimalField(
        label=_("固定党费金额（元/月）"),
        min_value=DUES_FIXED_MIN,
        max_value=DUES_FIXED_MAX,
        max_digits=3,
        decimal_places=2,
        initial=DUES_FIXED_DEFAULT,
        required=False,  # empty: the branch keeps its amount (a new one the default)
        help_text=_("农民、学生、无业党员每月交纳的党费，0.20 至 1.00 元。"),
    )

    def __init__(self, *args, scope: Scope, township_id: int, branch: Branch | None = None, **kw):
        super().__init__(*args, **kw)
        self.fields["area"].queryset = selectors.area_choices(scope=scope, township_id=township_id)
        general = selectors.general_branch_choices(scope=scope, township_id=township_id)
        if branch is not None:
            general = general.exclude(pk=branch.pk)
        self.fields["general_branch"].queryset = general
        self.fields["general_branch"].help_text = _(
            "党总支下设的党支部在此选择所属党总支；党总支本身留空。"
        )

    def service_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.fields}


class GroupForm(BoundedInputMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    leader_name = forms.CharField(label=_("组长"), max_length=50, required=False)


ROLE_CHOICES = [(Role.SECRETARY.value, _("支部书记")), (Role.LIAISON.value, _("挂包领导"))]


class AccountCreateForm(BoundedInputMixin, forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=ROLE_CHOICES)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        required=False,
        help_text=_("可留空，系统按乡镇和支部代码生成。只能包含字母、数字和 @ . + - _。"),
    )


class AccountAssignForm(BoundedInputMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("已有账号"), queryset=User.objects.none())

    def __init__(self, *args, branch: Branch, **kw):
        super().__init__(*args, **kw)
        field = self.fields["user"]
        field.queryset = selectors.assignable_accounts(branch=branch)
        field.label_from_instance = lambda u: (
            f"{u.first_name or u.username}（{u.username}，{u.get_role_display()}）"
        )


class MemberTransferForm(BoundedInputMixin, forms.Form):
    to = forms.ModelChoiceField(label=_("转入党支部"), queryset=Branch.objects.none())
    on = forms.DateField(label=_("转接日期"), widget=DateInput())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, scope: Scope, member, **kw):
        super().__init__(*args, **kw)
        self.fields["to"].queryset = (
            Branch.objects.within(scope)
            .filter(township_id=member.township_id, active=True)
            .exclude(pk=member.branch_id)
            .order_by("code")
        )
