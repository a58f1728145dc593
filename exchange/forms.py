from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from branches.models import Township
from exchange.document import size_text
from township.inputs import BoundedInputMixin


class ImportForm(BoundedInputMixin, forms.Form):
    document = forms.FileField(label=_("JSON 文件"))

    def clean_document(self):
        upload = self.cleaned_data["document"]
        limit = settings.EXCHANGE_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（网页导入上限 %(size)s）；更大的文件请由管理员用命令行导入。")
                % {"size": size_text(limit)}
            )
        return upload.read()


class ExportForm(BoundedInputMixin, forms.Form):
    townships = forms.ModelMultipleChoiceField(
        label=_("乡镇"), queryset=Township.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["townships"].queryset = townships
        self.fields["townships"].initial = list(townships)
