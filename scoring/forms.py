from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from township.inputs import BoundedInputMixin
from township.widgets import PlainNumberInput


class ReopenForm(BoundedInputMixin, forms.Form):
    reason = forms.CharField(
        label=_("重新开放原因"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写重新开放的原因。")},
    )


class OfficeScoresForm(BoundedInputMixin, forms.Form):
    """One optional 0–10 field per branch: the office's assessment (F10) of a month."""

    def __init__(self, *args, branches, initial_points: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.branches = list(branches)
        for b in self.branches:
            self.fields[f"b{b.pk}"] = forms.DecimalField(
                label=b.name,
                required=False,
                min_value=0,
                max_value=10,
                decimal_places=2,
                widget=PlainNumberInput,
                initial=initial_points.get(b.pk),
                error_messages={
                    "min_value": _("%(branch)s：评价分不能小于 0。") % {"branch": b.name},
                    "max_value": _("%(branch)s：评价分不能大于 10。") % {"branch": b.name},
                    "invalid": _("%(branch)s：请输入 0 到 10 之间的数字。") % {"branch": b.name},
                },
            )

    def rows(self):
        return [(b, self[f"b{b.pk}"]) for b in self.branches]

    def points(self) -> dict[int, Decimal | None]:
        return {b.pk: self.cleaned_data.get(f"b{b.pk}") for b in self.branches}


class SchemeForm(BoundedInputMixin, forms.Form):
    """The points of each item of a year's scheme; an empty field switches the item off."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[item.code] = forms.DecimalField(
                label=f"{item.code} {item.label}",
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
                initial=item.points if item.enabled else None,
                error_messages={
                    "min_value": _("%(item)s：分值不能为负数。") % {"item": item.label},
                    "invalid": _("%(item)s：请输入数字。") % {"item": item.label},
                },
            )

    def rows(self):
        return [(item, self[item.code]) for item in self.items]

    def changes(self) -> dict[str, Decimal | None]:
        out = {}
        for item in self.items:
            value = self.cleaned_data.get(item.code)
            current = item.points if item.enabled else None
            if value != current:
                out[item.code] = value
        return out
