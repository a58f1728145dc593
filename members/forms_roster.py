"""The roster upload form: the file only; its content is checked by members.roster_file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from township.inputs import BoundedInputMixin


class RosterImportForm(BoundedInputMixin, forms.Form):
    file = forms.FileField(
        label=_("名册文件（.xlsx）"),
        help_text=_("请使用本页提供的模板填写，文件最大 5 MB、5000 名党员。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
