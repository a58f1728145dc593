"""The meeting page's photos and guests: upload, serve and delete photos; add and remove guests.

A photo is served only through `meeting_photo`, which finds it within the user's scope (404
outside) and hands the file on with django-sendfile2: to nginx by X-Accel-Redirect in
production, by Django itself in development. Templates never link `image.url`.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_sendfile import sendfile

from branches import selectors, services_photos
from branches.forms_photos import LecturerGuestForm, LiaisonGuestForm, PhotoForm
from branches.models import Meeting, MeetingGuest, MeetingPhoto, MeetingType
from branches.photos import CONTENT_TYPES
from township.decorators import scope_permission_required
from township.errors import ApplicationError, MonthLockedError
from township.months import month_lock
from township.permissions import CHANGE_MEETINGS, VIEW_MEETINGS


def meeting_page_context(request, meeting: Meeting, **forms) -> dict:
    """What the meeting page shows; the forms default to empty ones."""
    # A locked month (one query) is read-only for those who may not edit it: no edit buttons,
    # no upload forms, and a notice of who locked it and when.
    lock = month_lock(township_id=meeting.township_id, day=meeting.date, role=request.scope.role)
    can_change = request.scope.can(CHANGE_MEETINGS) and (lock is None or lock.may_edit)
    context = {
        "meeting": meeting,
        "can_change": can_change,
        "can_change_evidence": False,
        "lock": lock,
    }
    if can_change:
        context["can_change_evidence"] = True
        context["photo_form"] = forms.get("photo_form") or PhotoForm()
        context["liaison_form"] = forms.get("liaison_form") or LiaisonGuestForm(
            scope=request.scope, meeting=meeting
        )
        context["lecturer_form"] = forms.get("lecturer_form") or LecturerGuestForm(
            initial={"lectured": meeting.type == MeetingType.LECTURE}
        )
    return context


def _meeting(request, pk: int) -> Meeting:
    return get_object_or_404(selectors.meeting_queryset(scope=request.scope), pk=pk)


def _page(request, meeting: Meeting, **forms):
    context = meeting_page_context(request, meeting, **forms)
    return render(request, "branches/meeting_detail.html", context)


@scope_permission_required(CHANGE_MEETINGS)
@require_POST
def meeting_photo_add(request, pk: int):
    meeting = _meeting(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services_photos.photo_add(
                actor=request.user,
                meeting=meeting,
                data=form.cleaned_data["image"].read(),
                caption=form.cleaned_data["caption"],
            )
        except MonthLockedError as exc:  # the page shows no form for a locked month
            messages.error(request, exc.message)
            return redirect("branches:meeting_detail", pk=meeting.pk)
        except ApplicationError as exc:
            form.add_error("image", exc.message)
        else:
            messages.success(request, _("照片已上传。"))
            return redirect("branches:meeting_detail", pk=meeting.pk)
    return _page(request, meeting, photo_form=form)


def _send_photo(request, pk: int, *, thumbnail: bool):
    photo = get_object_or_404(MeetingPhoto.objects.within(request.scope), pk=pk)
    file = photo.thumbnail if thumbnail and photo.thumbnail else photo.image
    extension = file.name.rsplit(".", 1)[-1].lower()
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    response = sendfile(
        request,
        file.path,
        mimetype=content_type,
        attachment=False,
        attachment_filename=f"photo-{photo.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The user's browser may keep it; no shared proxy may.
    patch_cache_control(response, private=True, max_age=3600)
    return response


@scope_permission_required(VIEW_MEETINGS)
@require_GET
def meeting_photo(request, pk: int):
    return _send_photo(request, pk, thumbnail=False)


@scope_permission_required(VIEW_MEETINGS)
@require_GET
def meeting_photo_thumbnail(request, pk: int):
    return _send_photo(request, pk, thumbnail=True)


@scope_permission_required(CHANGE_MEETINGS)
@require_POST
def meeting_photo_delete(request, pk: int):
    photo = get_object_or_404(
        MeetingPhoto.objects.within(request.scope).select_related("meeting"), pk=pk
    )
    try:
        services_photos.photo_delete(actor=request.user, photo=photo)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("照片已删除。"))
    return redirect("branches:meeting_detail", pk=photo.meeting_id)


@scope_permission_required(CHANGE_MEETINGS)
@require_POST
def meeting_guest_add(request, pk: int):
    meeting = _meeting(request, pk)
    if "liaison-liaison" in request.POST:
        form = LiaisonGuestForm(request.POST, scope=request.scope, meeting=meeting)
        forms = {"liaison_form": form}
    else:
        form = LecturerGuestForm(request.POST)
        forms = {"lecturer_form": form}
    if form.is_valid():
        try:
            services_photos.guest_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except MonthLockedError as exc:  # the page shows no form for a locked month
            messages.error(request, exc.message)
            return redirect("branches:meeting_detail", pk=meeting.pk)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("列席人员已登记。"))
            return redirect("branches:meeting_detail", pk=meeting.pk)
    return _page(request, meeting, **forms)


@scope_permission_required(CHANGE_MEETINGS)
@require_POST
def meeting_guest_remove(request, pk: int):
    guest = get_object_or_404(
        MeetingGuest.objects.within(request.scope).select_related("meeting"), pk=pk
    )
    try:
        services_photos.guest_remove(actor=request.user, guest=guest)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("列席人员已删除。"))
    return redirect("branches:meeting_detail", pk=guest.meeting_id)
