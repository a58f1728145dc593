"""The form that asks for a report (kind, what it covers, period, format) and the audit
page's filters."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.actions import ACTION_LABELS
from township.inputs import BoundedInputMixin
from township.reports import FORMATS
from township.widgets import PlainSelect

LEVEL_NAMES = {"county": _("县"), "township": _("乡镇"), "branch": _("党支部")}


def _default_period() -> str:
    today = timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


class ReportRequestForm(BoundedInputMixin, forms.Form):
    kind = forms.ChoiceField(label=_("报表"), widget=PlainSelect)
    # A county's townships and every branch (700 in a large county): rendered in Python.
    target = forms.ChoiceField(label=_("范围"), widget=PlainSelect)
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
        seen, targets, asked = set(), [], set()
        for kind in kinds:
            # Kinds that share their `target_choices` and levels offer the same targets (the
            # method's contract): ask once. A county's branches are 700 rows read for each ask.
            ask = (type(kind).target_choices, tuple(kind.levels))
            if ask in asked:
                continue
            asked.add(ask)
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


AUDIT_DATE_MIN, AUDIT_DATE_MAX = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _action_choices() -> list[tuple[str, str]]:
    labelled = sorted((str(label), code) for code, label in ACTION_LABELS.items())
    return [("", _("全部操作")), *((code, label) for label, code in labelled)]


class AuditFilterForm(BoundedInputMixin, forms.Form):
    """The audit page's filters (GET). A value that does not parse is ignored with a message;
    the others still apply."""

    person = forms.CharField(label=_("操作人"), max_length=150, required=False)
    # Some 120 actions: rendered in Python, not a template render per option.
    action = forms.ChoiceField(label=_("操作"), required=False, widget=PlainSelect)
    record = forms.CharField(label=_("对象"), max_length=100, required=False)
    date_from = forms.DateField(label=_("开始日期"), required=False)
    date_to = forms.DateField(label=_("结束日期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = _action_choices()
        for name in ("date_from", "date_to"):
            self.fields[name].widget.input_type = "date"

    def _clean_date(self, name: str):
        value = self.cleaned_data.get(name)
        if value is not None and not AUDIT_DATE_MIN <= value <= AUDIT_DATE_MAX:
            raise forms.ValidationError(
                _("日期须在 %(a)s 至 %(b)s 之间。") % {"a": AUDIT_DATE_MIN, "b": AUDIT_DATE_MAX}
            )
        return value

    def clean_date_from(self):
        return self._clean_date("date_from")

    def clean_date_to(self):
        return self._clean_date("date_to")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            del data["date_from"], data["date_to"]
            raise forms.ValidationError(_("开始日期晚于结束日期。"))
        return data

    def filters(self) -> dict:
        """The values that parsed (after `is_valid()`), empty ones left out."""
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}

    def problems(self) -> list[str]:
        """One message per value ignored, naming the filter."""
        out = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else _("日期范围")
            out.append(
                _("筛选条件“%(field)s”无效，已忽略：%(error)s")
                % {"field": label, "error": " ".join(errors)}
            )
        return out
