from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Township

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    document = forms.FileField(label=_("JSON 文件"))

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件过大（上限 20 MB）。"))
        return upload.read()


class ExportForm(forms.Form):
    townships = forms.ModelMultipleChoiceField(
        label=_("乡镇"), queryset=Township.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["townships"].queryset = townships
        self.fields["townships"].initial = list(townships)
