import datetime as dt
import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from branches.models import Township
from exchange.document import size_text
from township.inputs import BoundedInputMixin

_MONTH = re.compile(r"(20\d\d|19\d\d)-(0[1-9]|1[0-2])")


class ImportForm(BoundedInputMixin, forms.Form):
    """The upload; when the file would change locked months, the same form comes back with
    those months (hidden) and asks for the reason to reopen them."""

    document = forms.FileField(label=_("JSON 文件"))
    reopen_months = forms.CharField(required=False, widget=forms.HiddenInput)
    reopen_reason = forms.CharField(
        label=_("重新开放原因"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, locked_months=None, **kwargs):
        super().__init__(*args, **kwargs)
        if locked_months:
            self.initial["reopen_months"] = months_text(locked_months)
        if locked_months or self.data.get("reopen_months"):
            # The confirmation: the same file again, and the reason.
            self.fields["document"].label = _("再次选择同一 JSON 文件")
        else:
            del self.fields["reopen_reason"]

    def clean_document(self):
        upload = self.cleaned_data["document"]
        limit = settings.EXCHANGE_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（网页导入上限 %(size)s）；更大的文件请由管理员用命令行导入。")
                % {"size": size_text(limit)}
            )
        return upload.read()

    def clean_reopen_months(self) -> set[tuple[str, dt.date]] | None:
        text = self.cleaned_data["reopen_months"]
        if not text:
            return None
        months = set()
        for item in text.split(","):
            code, _sep, month = item.partition(":")
            if not code or not _MONTH.fullmatch(month):
                raise forms.ValidationError(_("确认的月份无效，请重新上传文件。"))
            months.add((code, dt.date(int(month[:4]), int(month[5:]), 1)))
        return months

    def clean(self):
        data = super().clean()
        if data.get("reopen_months") and not (data.get("reopen_reason") or "").strip():
            self.add_error("reopen_reason", _("请填写重新开放这些月份的原因。"))
        return data


def months_text(months) -> str:
    """(township code, month) pairs as the hidden field carries them: `CODE:YYYY-MM,…`."""
    return ",".join(f"{code}:{month:%Y-%m}" for code, month in sorted(months))


class ExportForm(BoundedInputMixin, forms.Form):
    townships = forms.ModelMultipleChoiceField(
        label=_("乡镇"), queryset=Township.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["townships"].queryset = townships
        self.fields["townships"].initial = list(townships)
