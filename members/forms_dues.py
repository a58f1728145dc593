"""Input of the dues grid: one small form per roster line (prefix = `m<member id>`).

The template writes the inputs itself from plain lines (`dues_lines`, `dues_posted_lines`):
rendering widgets per member through the form machinery would cost most of the page's time.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from members.selectors_dues import DuesLine, month_end
from township import plausible
from township.inputs import BoundedInputMixin


class DuesRowForm(BoundedInputMixin, forms.Form):
    shown = forms.BooleanField(required=False, widget=forms.HiddenInput)
    paid = forms.BooleanField(label=_("已交"), required=False)
    amount = forms.DecimalField(
        label=_("金额"), max_digits=10, decimal_places=2, min_value=0, required=False
    )
    paid_on = forms.DateField(label=_("交纳日期"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("paid"):
            return data
        if data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("已交的党费须填写金额。"))
        if data.get("paid_on") is None and "paid_on" not in self.errors:
            self.add_error("paid_on", _("已交的党费须填写交纳日期。"))
        return data

    def clean_paid_on(self):
        day = self.cleaned_data.get("paid_on")
        if day is not None:
            problem = plausible.record_date(day, today=plausible.today(), label=_("交纳日期"))
            if problem:
                raise forms.ValidationError(problem)
        return day


def default_paid_on(month: dt.date, today: dt.date) -> dt.date:
    """The date offered for a new payment: today, or the month's last day for a past month."""
    return min(today, month_end(month))


def _line(line: DuesLine, *, month: dt.date, paid: bool, amount: str, paid_on: str, errors):
    end = month_end(month)
    late = False
    if paid:
        try:
            late = dt.date.fromisoformat(paid_on) > end
        except ValueError:
            late = False
    return {
        "member": line.member,
        "prefix": f"m{line.member.pk}",
        "expected": line.expected,
        "liable": line.liable,
        "exempt": line.member.dues_exempt,
        "paid": paid,
        "amount": amount,
        "paid_on": paid_on,
        "late": late,
        "errors": errors,
    }


def dues_lines(lines: list[DuesLine], *, month: dt.date, today: dt.date) -> list[dict]:
    """The grid before anything is posted: the stored payment, else the expected amount (blank
    when unknown) with the default date, not yet ticked as paid."""
    default = default_paid_on(month, today).isoformat()
    rows = []
    for line in lines:
        payment = line.payment
        if payment is not None:
            row = _line(
                line,
                month=month,
                paid=True,
                amount=f"{payment.amount}",
                paid_on=payment.paid_on.isoformat(),
                errors={},
            )
        else:
            amount = "" if line.expected is None else f"{line.expected}"
            row = _line(line, month=month, paid=False, amount=amount, paid_on=default, errors={})
        rows.append(row)
    return rows


def dues_forms(lines: list[DuesLine], data) -> list[tuple[DuesLine, DuesRowForm]]:
    """The posted rows: only lines the page showed (their hidden `shown` field came back), so
    a member missing from the post is left as stored."""
    pairs = []
    for line in lines:
        form = DuesRowForm(data, prefix=f"m{line.member.pk}")
        if form.add_prefix("shown") in data:
            pairs.append((line, form))
    return pairs


def dues_posted_lines(lines: list[DuesLine], pairs, *, month: dt.date) -> list[dict]:
    """The grid as posted, with each row's errors by field: what was typed stays."""
    posted = {line.member.pk: form for line, form in pairs}
    rows = []
    for line in lines:
        form = posted.get(line.member.pk)
        if form is None:
            rows.extend(dues_lines([line], month=month, today=plausible.today()))
            continue
        errors = {f: list(e) for f, e in form.errors.items()}
        rows.append(
            _line(
                line,
                month=month,
                paid=form.data.get(form.add_prefix("paid")) in ("on", "true", "1"),
                amount=form.data.get(form.add_prefix("amount"), "")[:40],
                paid_on=form.data.get(form.add_prefix("paid_on"), "")[:20],
                errors=errors,
            )
        )
    return rows
