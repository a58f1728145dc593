"""Input of the star rating: the office's review and demotion, the branch's self-assessment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.forms import DateInput
from scoring import rules_stars
from township.inputs import BoundedInputMixin

STAR_CHOICES = [(n, f"{n} ★") for n in range(rules_stars.STARS_MAX + 1)]


def _stars_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=STAR_CHOICES,
        coerce=int,
        error_messages={
            "invalid_choice": _("星级必须是 0 到 3 的整数，“%(value)s”不是。"),
            "required": _("请选择星级。"),
        },
    )


def _reason_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=rules_stars.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("请填写理由。"),
            "max_length": _("理由不能超过 %(limit_value)d 个字（现有 %(show_value)d 个）。"),
        },
    )


class StarReviewForm(BoundedInputMixin, forms.Form):
    stars = _stars_field(_("调整为"))
    reason = _reason_field(_("调整理由"))


class StarDemotionForm(BoundedInputMixin, forms.Form):
    stars = _stars_field(_("降为"))
    found_on = forms.DateField(
        label=_("发现问题日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写发现问题的日期。")},
    )
    reason = _reason_field(_("降级理由"))


class BranchNoteForm(BoundedInputMixin, forms.Form):
    text = forms.CharField(
        label=_("支部自评/意见"),
        max_length=rules_stars.TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _("自评不能超过 %(limit_value)d 个字（现有 %(show_value)d 个）。")
        },
    )
