"""Input of the meeting page's photo upload and guest forms; the writes are in
`branches.services_photos`."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from branches.models import LiaisonAssignment, Meeting
from branches.photos import FORMATS
from township.inputs import BoundedInputMixin
from township.scoping import Scope

ACCEPT = ",".join(
    [f".{ext}" for ext, _type in FORMATS.values()] + [t for _e, t in FORMATS.values()]
)


class PhotoForm(BoundedInputMixin, forms.Form):
    image = forms.FileField(
        label=_("照片"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = _(
            "JPEG、PNG 或 WebP，不超过 %(mb)d MB、%(mp)d 万像素；位置等拍摄信息会被去除。"
        ) % {
            "mb": settings.PHOTO_MAX_BYTES // (1024 * 1024),
            "mp": settings.PHOTO_MAX_PIXELS // 10_000,
        }

    def clean_image(self):
        upload = self.cleaned_data["image"]
        # Refused before it is read: the limit holds whatever the upload handler kept.
        if upload.size > settings.PHOTO_MAX_BYTES:
            raise forms.ValidationError(
                _("照片文件过大：%(size).1f MB，上限为 %(max)d MB。"),
                params={
                    "size": upload.size / (1024 * 1024),
                    "max": settings.PHOTO_MAX_BYTES // (1024 * 1024),
                },
            )
        return upload


class LiaisonGuestForm(BoundedInputMixin, forms.Form):
    """The branch's liaison cadre (their assignment of the meeting's year) as a guest."""

    liaison = forms.ModelChoiceField(label=_("挂包领导"), queryset=LiaisonAssignment.objects.none())
    lectured = forms.BooleanField(label=_("讲党课"), required=False)

    def __init__(self, *args, scope: Scope, meeting: Meeting, **kwargs):
        kwargs.setdefault("prefix", "liaison")
        super().__init__(*args, **kwargs)
        self.fields["liaison"].queryset = (
            LiaisonAssignment.objects.within(scope)
            .filter(branch_id=meeting.branch_id, year=meeting.date.year)
            .select_related("branch")
            .order_by("cadre_name")
        )
        self.fields["liaison"].label_from_instance = lambda a: (
            f"{a.cadre_name}（{a.cadre_post or '—'}，{a.branch.name}）"
        )


class LecturerGuestForm(BoundedInputMixin, forms.Form):
    """An outside guest, e.g. a lecturer, by name and organisation."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    organisation = forms.CharField(label=_("单位"), max_length=100, required=False)
    post = forms.CharField(label=_("职务"), max_length=100, required=False)
    lectured = forms.BooleanField(label=_("讲党课"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "lecturer")
        super().__init__(*args, **kwargs)
