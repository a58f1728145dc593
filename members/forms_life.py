"""Input validation of the life-cycle pages; the rules and writes are in services_life."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from members import lifecycle
from members.choices import MemberChoiceField, MemberMultipleChoiceField
from members.forms import DateInput
from members.models import (
    SIX_ONES,
    Applicant,
    ContactChannel,
    Gender,
    Member,
    TrainingKind,
    Transformation,
)
from members.selectors_life import deciding_meetings, education_branches, members_choice
from township.inputs import BoundedInputMixin
from township.scoping import Scope
from township.widgets import PlainCheckboxSelectMultiple

SHORT_TEXT = {"max_length": 200, "required": False}


class ApplicantForm(BoundedInputMixin, forms.Form):
    branch = forms.ModelChoiceField(label=_("所在支部"), queryset=Branch.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DateInput())
    applied_on = forms.DateField(label=_("递交入党申请书日期"), widget=DateInput())
    note = forms.CharField(label=_("说明"), **SHORT_TEXT)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.within(scope).order_by("code")


class StepForm(BoundedInputMixin, forms.Form):
    stage = forms.ChoiceField(label=_("步骤"), choices=())
    date = forms.DateField(label=_("日期"), widget=DateInput())
    meeting = forms.ModelChoiceField(
        label=_("决定会议"), queryset=None, required=False, empty_label=_("（无）")
    )
    notice_start = forms.DateField(label=_("公示开始"), required=False, widget=DateInput())
    notice_end = forms.DateField(label=_("公示结束"), required=False, widget=DateInput())
    note = forms.CharField(label=_("说明"), **SHORT_TEXT)

    def __init__(self, *args, scope: Scope, applicant: Applicant, **kwargs):
        super().__init__(*args, **kwargs)
        following = lifecycle.NEXT_STAGE.get(applicant.stage)
        choices = [(following, lifecycle.stage_label(following))] if following else []
        self.fields["stage"].choices = choices
        self.fields["stage"].initial = following
        self.fields["meeting"].queryset = deciding_meetings(scope=scope, applicant=applicant)


class KinshipForm(BoundedInputMixin, forms.Form):
    declared_on = forms.DateField(label=_("报备日期"), widget=DateInput())
    relatives = forms.CharField(
        label=_("三代以内在村“两委”任职的亲属"),
        max_length=300,
        required=False,
        help_text=_("姓名、关系、职务；没有则留空，表示已报备“无”。"),
    )
    document = forms.CharField(label=_("报备材料编号"), max_length=50, required=False)


class TrainingSessionForm(BoundedInputMixin, forms.Form):
    kind = forms.ChoiceField(label=_("培训类别"), choices=TrainingKind.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    title = forms.CharField(label=_("主题"), max_length=200)
    lecturer = forms.CharField(label=_("授课人"), max_length=50, required=False)
    hours = forms.DecimalField(
        label=_("学时"), min_value=Decimal("0.5"), max_value=Decimal("40"), decimal_places=1
    )


class TrainingAttendanceForm(BoundedInputMixin, forms.Form):
    # A box for each member of the township (1,500 in a large one): see `members.choices`.
    members = MemberMultipleChoiceField(label=_("参训党员"), queryset=None, required=False)
    applicants = forms.ModelMultipleChoiceField(
        label=_("参训积极分子、发展对象"),
        queryset=None,
        required=False,
        widget=PlainCheckboxSelectMultiple,
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members_choice(scope=scope).order_by(
            "branch__code", "code"
        )
        self.fields["applicants"].queryset = (
            Applicant.objects.within(scope)
            .filter(stage__in=(lifecycle.ACTIVIST, lifecycle.CANDIDATE))
            .select_related("branch")
            .order_by("branch__code", "code")
        )
        self.fields["applicants"].label_from_instance = lambda a: (
            f"{a.name}（{a.get_stage_display()}，{a.branch.name}）"
        )


class LaggingStartForm(BoundedInputMixin, forms.Form):
    education_branch = forms.ModelChoiceField(label=_("铸魂党支部"), queryset=None)
    date = forms.DateField(label=_("转入日期"), widget=DateInput())
    reason = forms.CharField(label=_("转入原因"), max_length=300)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["education_branch"].queryset = education_branches(scope=scope)


class LaggingEndForm(BoundedInputMixin, forms.Form):
    date = forms.DateField(label=_("转回日期"), widget=DateInput())
    note = forms.CharField(label=_("转回说明"), max_length=300, required=False)


class LaggingCheckForm(BoundedInputMixin, forms.Form):
    month = forms.DateField(
        label=_("月份"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    note = forms.CharField(label=_("情况说明"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in SIX_ONES:
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def done(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name, _label in SIX_ONES}


class LaggingEvaluationForm(BoundedInputMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"), choices=[(q, _("第%(q)d季度") % {"q": q}) for q in range(1, 5)], coerce=int
    )
    result = forms.ChoiceField(label=_("转化情况"), choices=Transformation.choices)
    note = forms.CharField(label=_("评价意见"), max_length=300, required=False)


class FlowingStartForm(BoundedInputMixin, forms.Form):
    started_on = forms.DateField(label=_("外出日期"), widget=DateInput())
    workplace = forms.CharField(label=_("外出务工地"), max_length=100)
    employer = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    channel = forms.ChoiceField(label=_("联系方式"), choices=ContactChannel.choices)
    contact = forms.CharField(label=_("联系账号/电话"), max_length=50, required=False)


class FlowingEndForm(BoundedInputMixin, forms.Form):
    ended_on = forms.DateField(label=_("返回日期"), widget=DateInput())


class FlowingContactForm(BoundedInputMixin, forms.Form):
    date = forms.DateField(label=_("联系日期"), widget=DateInput())
    channel = forms.ChoiceField(label=_("联系方式"), choices=ContactChannel.choices)
    org_life = forms.BooleanField(
        label=_("参加了组织生活"),
        required=False,
        help_text=_("线上参加本支部会议，或参加流入地党组织的组织生活。"),
    )
    note = forms.CharField(label=_("内容"), max_length=300, required=False)


class TalkForm(BoundedInputMixin, forms.Form):
    member = MemberChoiceField(label=_("谈话对象"), queryset=Member.objects.none())
    talker = forms.CharField(label=_("谈话人"), max_length=50)
    talker_post = forms.CharField(label=_("谈话人职务"), max_length=50, required=False)
    date = forms.DateField(label=_("谈话日期"), widget=DateInput())
    topic = forms.CharField(label=_("谈话主题"), max_length=200)
    follow_up = forms.CharField(label=_("后续跟进"), max_length=300, required=False)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members_choice(scope=scope).order_by(
            "branch__code", "code"
        )
