"""The form that asks for a report: kind, what it covers, period, format."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.inputs import BoundedInputMixin
from township.reports import FORMATS

LEVEL_NAMES = {"county": _("县"), "township": _("乡镇"), "branch": _("党支部")}


def _default_period() -> str:
    today = timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


class ReportRequestForm(BoundedInputMixin, forms.Form):
    kind = forms.ChoiceField(label=_("报表"))
    target = forms.ChoiceField(label=_("范围"))
    period = forms.CharField(
        label=_("期间"),
        max_length=10,
        help_text=_("月份 2026-03，季度 2026-Q1，年度 2026"),
    )
    format = forms.ChoiceField(
        label=_("格式"),
        choices=[(f, f.upper() if f == "pdf" else "Excel") for f in FORMATS],
        initial="pdf",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, kinds, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.name, k.label) for k in kinds]
        seen, targets = set(), []
        for kind in kinds:
            for t in kind.target_choices(scope=scope):
                key = f"{t.level}:{t.branch_id or t.township_id or t.county_id}"
                if key not in seen:
                    seen.add(key)
                    targets.append((key, f"{LEVEL_NAMES[t.level]} · {t.label}"))
        self.fields["target"].choices = targets
        self.fields["period"].initial = _default_period()

    def clean_target(self) -> tuple[str, int]:
        level, _sep, ident = self.cleaned_data["target"].partition(":")
        return level, int(ident)
