"""Input validation of the branches pages; the writes themselves are in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import AttendanceStatus, Branch, Meeting, MeetingType
from branches.services import ACTION_FIELDS
from township import plausible
from township.inputs import BoundedInputMixin
from township.scoping import Scope


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeetingForm(BoundedInputMixin, forms.ModelForm):
    """The meeting record. Built without an instance: the service reads and changes the row."""

    class Meta:
        model = Meeting
        fields = [
            "branch",
            "type",
            "date",
            "topic",
            "host",
            "lecturer",
            "act_study",
            "act_dues",
            "act_oath",
            "act_deliberation",
            "x_activity",
            "minutes",
        ]
        widgets = {
            "date": DateInput(),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"branch": _("党支部")}

    def __init__(self, *args, scope: Scope, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Branch.objects.within(scope).order_by("code")
        self.fields["branch"].queryset = branches
        self.fields["branch"].empty_label = None
        if editing:
            # A meeting stays in its branch; the field is only shown.
            self.fields["branch"].disabled = True
            self.fields["branch"].required = False

    def clean(self):
        data = self.cleaned_data
        if data.get("type") != MeetingType.THEMED_DAY:
            ticked = [f for f in ACTION_FIELDS if data.get(f)]
            if ticked:
                for f in ticked:
                    self.add_error(f, _("“4+X”规定动作只适用于主题党日。"))
                return data
            if data.get("x_activity"):
                self.add_error("x_activity", _("X 活动只适用于主题党日。"))
                return data
        # Only now let the model form validate the database constraints: the one above
        # would otherwise be reported twice, the second time without a readable message.
        return super().clean()

    def clean_date(self):
        day = self.cleaned_data["date"]
        problem = plausible.record_date(day, today=plausible.today(), label=_("会议日期"))
        if problem:
            raise forms.ValidationError(problem)
        return day

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("branch", None)
        return data


STATUS_CHOICES = AttendanceStatus.choices


class AttendanceRowForm(BoundedInputMixin, forms.Form):
    """One roster line of the attendance grid (prefix = the member id)."""

    status = forms.ChoiceField(
        label=_("出勤"), choices=STATUS_CHOICES, widget=forms.RadioSelect, required=True
    )
    reason = forms.CharField(label=_("请假事由"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("status") == AttendanceStatus.EXCUSED and not data.get("reason", "").strip():
            self.add_error("reason", _("请假须填写事由。"))
        return data


def attendance_forms(*, roster, data=None) -> list[tuple]:
    """(member, form) pairs for the grid; unrecorded members default to present."""
    rows = []
    for member, recorded in roster:
        initial = {
            "status": recorded.status if recorded else AttendanceStatus.PRESENT,
            "reason": recorded.reason if recorded else "",
        }
        rows.append((member, AttendanceRowForm(data, prefix=f"m{member.pk}", initial=initial)))
    return rows


def attendance_lines(roster) -> list[dict]:
    """The grid's lines before anything is posted: what was recorded, else present."""
    return [
        {
            "member": member,
            "prefix": f"m{member.pk}",
            "status": recorded.status if recorded else AttendanceStatus.PRESENT,
            "reason": recorded.reason if recorded else "",
            "errors": [],
        }
        for member, recorded in roster
    ]


def attendance_recorded(roster) -> list[dict]:
    """The lines of a read-only grid (a locked month): what was recorded, blank where nothing
    was."""
    return [
        {
            "member": member,
            "status": recorded.status if recorded else "",
            "reason": recorded.reason if recorded else "",
        }
        for member, recorded in roster
    ]


def attendance_grid(rows: list[tuple]) -> list[dict]:
    """The lines of a posted grid: what was posted, with each line's errors. The template writes
    the radio buttons itself: rendering a widget per member through the form machinery cost
    most of the page's time."""
    return [
        {
            "member": member,
            "prefix": form.prefix,
            "status": form.data.get(form.add_prefix("status"), ""),
            "reason": form.data.get(form.add_prefix("reason"), ""),
            "errors": [e for errors in form.errors.values() for e in errors],
        }
        for member, form in rows
    ]
