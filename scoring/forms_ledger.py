"""Input of the rectification ledger."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.forms import DateInput
from scoring.models import RectificationEntry
from scoring.services_ledger import ENTRY_FIELDS
from township.inputs import BoundedInputMixin


class RectificationForm(BoundedInputMixin, forms.ModelForm):
    satisfaction = forms.DecimalField(
        label=_("群众满意度（%）"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=4,
        decimal_places=1,
        required=False,
        help_text=_("满意度测评结果，80% 及以上方可销号。"),
        error_messages={
            "max_value": _("群众满意度不能超过 100%%。"),
            "min_value": _("群众满意度不能为负数。"),
        },
    )

    class Meta:
        model = RectificationEntry
        fields = list(ENTRY_FIELDS)
        widgets = {
            "deadline": DateInput(),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
        }

    def validate_constraints(self, exclude=None):
        """The service checks the entry as a whole."""

    def service_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in ENTRY_FIELDS}
