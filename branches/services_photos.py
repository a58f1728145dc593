"""Writes of a meeting's trace evidence: its photos and its guests.

Like `branches.services`: keyword-only, atomic, the locked month refused (unless the actor may
edit locked months), the audit entry in the same transaction. Neither photos nor guests enter a
score, so no month is marked changed. The photo files are written before the row and removed
only once the deletion has committed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import LiaisonAssignment, Meeting, MeetingGuest, MeetingPhoto, MeetingType
from branches.photos import clean_photo
from township.audit import audit_log
from township.errors import ApplicationError
from township.months import ensure_month_open

MAX_PHOTOS_PER_MEETING = 20
MAX_GUESTS_PER_MEETING = 30


def _remove_files(names: list[str]) -> None:
    storage = MeetingPhoto._meta.get_field("image").storage
    for name in names:
        if name:
            storage.delete(name)


@transaction.atomic
def photo_add(*, actor, meeting: Meeting, data: bytes, caption: str = "") -> MeetingPhoto:
    """Verify, re-encode and store one photo of `meeting` (see `branches.photos`)."""
    ensure_month_open(actor=actor, township_id=meeting.township_id, day=meeting.date)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).exists()  # one count at a time
    if MeetingPhoto.objects.filter(meeting=meeting).count() >= MAX_PHOTOS_PER_MEETING:
        raise ApplicationError(
            _("每次会议最多上传 %(n)d 张照片；请先删除不需要的照片。")
            % {"n": MAX_PHOTOS_PER_MEETING},
            extra={"field": "image"},
        )
    clean = clean_photo(
        data, max_bytes=settings.PHOTO_MAX_BYTES, max_pixels=settings.PHOTO_MAX_PIXELS
    )
    name = uuid.uuid4().hex  # the upload's own name is not kept
    photo = MeetingPhoto(meeting=meeting, caption=caption.strip()[:200])
    photo.image.save(f"{name}.{clean.extension}", ContentFile(clean.content), save=False)
    photo.thumbnail.save(f"{name}.jpg", ContentFile(clean.thumbnail), save=False)
    try:
        photo.save()
        audit_log(
            actor=actor,
            action="branches.photo.added",
            township_id=meeting.township_id,
            obj=meeting,
            data={
                "photo": photo.pk,
                "caption": photo.caption,
                "size": [clean.width, clean.height],
                "bytes": len(clean.content),
            },
        )
    except BaseException:
        _remove_files([photo.image.name, photo.thumbnail.name])  # no file without its row
        raise
    return photo


@transaction.atomic
def photo_delete(*, actor, photo: MeetingPhoto) -> None:
    meeting = photo.meeting
    ensure_month_open(actor=actor, township_id=meeting.township_id, day=meeting.date)
    audit_log(
        actor=actor,
        action="branches.photo.deleted",
        township_id=meeting.township_id,
        obj=meeting,
        data={"photo": photo.pk, "caption": photo.caption},
    )
    names = [photo.image.name, photo.thumbnail.name]
    photo.delete()
    transaction.on_commit(lambda: _remove_files(names))


@transaction.atomic
def guest_add(
    *,
    actor,
    meeting: Meeting,
    liaison: LiaisonAssignment | None = None,
    name: str = "",
    post: str = "",
    organisation: str = "",
    lectured: bool = False,
) -> MeetingGuest:
    """Record a guest of `meeting`: a liaison cadre by their assignment (name and post come
    from it), or an outside lecturer by name and organisation."""
    ensure_month_open(actor=actor, township_id=meeting.township_id, day=meeting.date)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).exists()
    guests = MeetingGuest.objects.filter(meeting=meeting)
    if guests.count() >= MAX_GUESTS_PER_MEETING:
        raise ApplicationError(
            _("每次会议最多登记 %(n)d 名列席人员。") % {"n": MAX_GUESTS_PER_MEETING}
        )
    if lectured and meeting.type != MeetingType.LECTURE:
        raise ApplicationError(
            _("只有党课才能登记“讲党课”；这次会议是%(t)s。") % {"t": meeting.get_type_display()},
            extra={"field": "lectured"},
        )
    if liaison is not None:
        # The liaison-duty check counts the meetings of the cadre's own branch: a cadre at
        # another branch's meeting is recorded by name, as any other guest.
        if liaison.branch_id != meeting.branch_id or liaison.year != meeting.date.year:
            raise ApplicationError(
                _("%(n)s不是%(b)s %(y)d 年的挂包领导。")
                % {"n": liaison.cadre_name, "b": meeting.branch.name, "y": meeting.date.year},
                extra={"field": "liaison"},
            )
        if guests.filter(liaison=liaison).exists():
            raise ApplicationError(
                _("%(name)s 已登记为本次会议的列席人员。") % {"name": liaison.cadre_name},
                extra={"field": "liaison"},
            )
        name, post, organisation = liaison.cadre_name, liaison.cadre_post, ""
    else:
        name, post, organisation = name.strip(), post.strip(), organisation.strip()
        if not name:
            raise ApplicationError(_("请填写列席人员的姓名。"), extra={"field": "name"})
        if guests.filter(liaison=None, name=name, organisation=organisation).exists():
            raise ApplicationError(
                _("%(name)s 已登记为本次会议的列席人员。") % {"name": name},
                extra={"field": "name"},
            )
    guest = MeetingGuest.objects.create(
        meeting=meeting,
        name=name[:50],
        post=post[:100],
        organisation=organisation[:100],
        liaison=liaison,
        lectured=lectured,
    )
    audit_log(
        actor=actor,
        action="branches.guest.added",
        township_id=meeting.township_id,
        obj=meeting,
        data={
            "guest": guest.pk,
            "name": guest.name,
            "organisation": guest.organisation,
            "liaison": liaison.pk if liaison else None,
            "lectured": lectured,
        },
    )
    return guest


@transaction.atomic
def guest_remove(*, actor, guest: MeetingGuest) -> None:
    meeting = guest.meeting
    ensure_month_open(actor=actor, township_id=meeting.township_id, day=meeting.date)
    audit_log(
        actor=actor,
        action="branches.guest.removed",
        township_id=meeting.township_id,
        obj=meeting,
        data={"guest": guest.pk, "name": guest.name, "liaison": guest.liaison_id},
    )
    guest.delete()
