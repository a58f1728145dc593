"""A meeting's photos and guests: upload, serve (scoped, X-Accel-Redirect in production),
delete, and the guests' add and remove; audited, and refused in a locked month."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_sendfile.utils import _get_sendfile
from PIL import Image

from branches import services_photos
from branches.models import LiaisonAssignment, MeetingGuest, MeetingPhoto
from tests import factories as f
from tests.conftest import BACKEND
from tests.test_photos import photo_bytes, png_header_only
from township.errors import ApplicationError, MonthLockedError
from township.models import AuditLog, MonthState

MARCH = dt.date(2026, 3, 1)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SENDFILE_ROOT = tmp_path
    settings.SENDFILE_URL = "/media"
    settings.SENDFILE_BACKEND = "django_sendfile.backends.simple"
    _get_sendfile.cache_clear()
    yield tmp_path
    _get_sendfile.cache_clear()


def lock(township, month=MARCH):
    MonthState.objects.update_or_create(township=township, month=month, defaults={"locked": True})


def upload(client, meeting, content: bytes, name="photo.jpg", caption="会场"):
    return client.post(
        reverse("branches:meeting_photo_add", kwargs={"pk": meeting.pk}),
        {"image": SimpleUploadedFile(name, content), "caption": caption},
    )


def a_photo(meeting, user, fmt="JPEG"):
    return services_photos.photo_add(actor=user, meeting=meeting, data=photo_bytes(fmt))


def actions() -> list[str]:
    return list(AuditLog.objects.order_by("pk").values_list("action", flat=True))


# --- upload -------------------------------------------------------------------------------------


def test_secretary_uploads_a_photo_stored_without_gps_and_audited(as_secretary, cast, media):
    meeting = f.meeting(branch=cast.b1)
    response = upload(as_secretary, meeting, photo_bytes(gps=True, orientation=6))
    assert response.status_code == 302
    photo = MeetingPhoto.objects.get(meeting=meeting)
    assert photo.caption == "会场"
    stored = Path(photo.image.path).read_bytes()
    assert b"Exif" not in stored
    assert Image.open(io.BytesIO(stored)).size == (20, 40)
    assert Path(photo.thumbnail.path).exists()
    assert not photo.image.name.endswith("photo.jpg")  # the upload's name is not kept
    entry = AuditLog.objects.get(action="branches.photo.added")
    assert (entry.actor, entry.object_id, entry.data["photo"]) == (
        cast.secretary,
        str(meeting.pk),
        photo.pk,
    )


def test_a_renamed_pdf_is_refused_with_its_reason_on_the_page(as_secretary, cast, media):
    meeting = f.meeting(branch=cast.b1)
    response = upload(as_secretary, meeting, PDF, name="会议照片.jpg")
    assert response.status_code == 200
    assert "该文件不是可识别的照片" in response.content.decode()
    assert not MeetingPhoto.objects.exists() and "branches.photo.added" not in actions()
    assert list(media.iterdir()) == []


def test_a_bomb_is_refused_on_the_page(as_secretary, cast, media):
    meeting = f.meeting(branch=cast.b1)
    response = upload(as_secretary, meeting, png_header_only(30_000, 30_000), name="a.png")
    assert "解压炸弹" in response.content.decode()
    assert not MeetingPhoto.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(as_secretary, cast, settings):
    meeting = f.meeting(branch=cast.b1)
    data = photo_bytes()
    settings.PHOTO_MAX_BYTES = len(data) - 1
    response = upload(as_secretary, meeting, data)
    assert "照片文件过大" in response.content.decode()
    assert not MeetingPhoto.objects.exists()


def test_the_photo_limit_of_a_meeting_is_reached_and_not_passed(cast, media):
    meeting = f.meeting(branch=cast.b1)
    for _i in range(services_photos.MAX_PHOTOS_PER_MEETING):
        a_photo(meeting, cast.secretary)
    assert meeting.photos.count() == services_photos.MAX_PHOTOS_PER_MEETING
    with pytest.raises(ApplicationError, match="最多上传 20 张照片"):
        a_photo(meeting, cast.secretary)


def test_a_secretary_cannot_add_a_photo_to_a_locked_month(cast, media):
    meeting = f.meeting(branch=cast.b1)
    lock(cast.t1)
    with pytest.raises(MonthLockedError):
        a_photo(meeting, cast.secretary)
    assert a_photo(meeting, cast.office).pk  # the office may


# --- serving ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["branches:meeting_photo", "branches:meeting_photo_thumb"])
def test_the_photo_is_served_inline_privately_with_its_type(as_secretary, cast, media, name):
    photo = a_photo(f.meeting(branch=cast.b1), cast.secretary, fmt="PNG")
    response = as_secretary.get(reverse(name, kwargs={"pk": photo.pk}))
    assert response.status_code == 200
    expected = "image/png" if name == "branches:meeting_photo" else "image/jpeg"
    assert response["Content-Type"] == expected
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    file = photo.image if name == "branches:meeting_photo" else photo.thumbnail
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == (
        Path(file.path).read_bytes()
    )


def test_production_hands_the_file_to_nginx_with_x_accel_redirect(
    as_secretary, cast, media, settings
):
    photo = a_photo(f.meeting(branch=cast.b1), cast.secretary)
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    _get_sendfile.cache_clear()
    response = as_secretary.get(reverse("branches:meeting_photo", kwargs={"pk": photo.pk}))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/media/{photo.image.name}"
    assert response["X-Accel-Redirect"].startswith("/media/meetings/")
    assert response.content == b""  # nginx sends the file
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert "private" in response["Cache-Control"]


def test_the_production_settings_hand_photos_to_nginx_under_media():
    """settings.py picks the backend from DJANGO_DEBUG (docker-compose.yml sets it false) and
    the X-Accel location matches nginx's internal `/media/`."""
    from tests.test_settings import PRODUCTION_ENV, _manage

    code = "from django.conf import settings as s; print(s.SENDFILE_BACKEND, s.SENDFILE_URL)"
    result = _manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django_sendfile.backends.nginx", "/media"]
    compose = (Path(__file__).resolve().parent.parent / "docker-compose.yml").read_text()
    assert "location /media/ {\n          alias /srv/media/;\n          internal;" in compose


# Who sees a photo of B2's meeting (the liaison's branch).
SEES = [
    ("reviewer", 200),
    ("office", 200),
    ("liaison", 200),  # the liaison of B2
    ("secretary", 404),  # of B1: another branch
    ("office2", 404),  # of T2: another township
    ("secretary3", 404),  # of B3, in T2
    ("reviewer2", 404),  # of C2: another county
    ("member_user", 403),
]


@pytest.mark.parametrize(("who", "status"), SEES)
@pytest.mark.parametrize("name", ["branches:meeting_photo", "branches:meeting_photo_thumb"])
def test_only_those_who_may_see_the_meeting_see_its_photo(client, cast, media, who, status, name):
    photo = a_photo(f.meeting(branch=cast.b2), cast.office)
    client.force_login(getattr(cast, who), backend=BACKEND)
    assert client.get(reverse(name, kwargs={"pk": photo.pk})).status_code == status


def test_a_missing_photo_answers_404_like_a_foreign_one(as_secretary, cast, media):
    photo = a_photo(f.meeting(branch=cast.b2), cast.office)
    foreign = as_secretary.get(reverse("branches:meeting_photo", kwargs={"pk": photo.pk}))
    missing = as_secretary.get(reverse("branches:meeting_photo", kwargs={"pk": photo.pk + 99}))
    assert foreign.status_code == missing.status_code == 404


def test_the_meeting_page_shows_thumbnails_through_the_view_never_the_media_url(
    as_secretary, cast, media
):
    meeting = f.meeting(branch=cast.b1)
    photo = a_photo(meeting, cast.secretary)
    page = as_secretary.get(reverse("branches:meeting_detail", kwargs={"pk": meeting.pk}))
    html = page.content.decode()
    assert reverse("branches:meeting_photo_thumb", kwargs={"pk": photo.pk}) in html
    assert photo.image.name not in html and "/media/" not in html


def test_no_template_links_a_files_url_directly():
    root = Path(__file__).resolve().parent.parent / "templates"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if ".image.url" in p.read_text() or ".thumbnail.url" in p.read_text()
    ]
    assert offenders == []


# --- delete -------------------------------------------------------------------------------------


def test_secretary_deletes_a_photo_audited_and_its_files_go_after_commit(
    as_secretary, cast, media, django_capture_on_commit_callbacks
):
    photo = a_photo(f.meeting(branch=cast.b1), cast.secretary)
    paths = [Path(photo.image.path), Path(photo.thumbnail.path)]
    url = reverse("branches:meeting_photo_delete", kwargs={"pk": photo.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert as_secretary.post(url).status_code == 302
    assert not MeetingPhoto.objects.exists()
    assert not any(p.exists() for p in paths)
    assert actions()[-1] == "branches.photo.deleted"


def test_a_secretary_cannot_delete_a_photo_of_a_locked_month_but_the_office_can(
    client, cast, media
):
    photo = a_photo(f.meeting(branch=cast.b1), cast.secretary)
    lock(cast.t1)
    url = reverse("branches:meeting_photo_delete", kwargs={"pk": photo.pk})
    client.force_login(cast.secretary, backend=BACKEND)
    page = client.post(url, follow=True).content.decode()
    assert "已由镇党建办锁定" in page and MeetingPhoto.objects.filter(pk=photo.pk).exists()
    client.force_login(cast.office, backend=BACKEND)
    client.post(url)
    assert not MeetingPhoto.objects.filter(pk=photo.pk).exists()


def test_another_branchs_secretary_cannot_delete_a_photo(client, cast, media):
    photo = a_photo(f.meeting(branch=cast.b2), cast.office)
    client.force_login(cast.secretary, backend=BACKEND)
    url = reverse("branches:meeting_photo_delete", kwargs={"pk": photo.pk})
    assert client.post(url).status_code == 404
    assert MeetingPhoto.objects.filter(pk=photo.pk).exists()


# --- guests -------------------------------------------------------------------------------------


@pytest.fixture
def cadre(cast):
    return LiaisonAssignment.objects.create(
        township=cast.t1, branch=cast.b1, cadre_name="王建国", cadre_post="副镇长", year=2026
    )


def add_guest(client, meeting, data):
    return client.post(reverse("branches:meeting_guest_add", kwargs={"pk": meeting.pk}), data)


def test_secretary_records_the_liaison_cadre_as_guest_audited(as_secretary, cast, cadre):
    meeting = f.meeting(branch=cast.b1, type="lecture")
    response = add_guest(
        as_secretary, meeting, {"liaison-liaison": cadre.pk, "liaison-lectured": "on"}
    )
    assert response.status_code == 302
    guest = MeetingGuest.objects.get(meeting=meeting)
    assert (guest.name, guest.post, guest.liaison, guest.lectured) == (
        "王建国",
        "副镇长",
        cadre,
        True,
    )
    entry = AuditLog.objects.get(action="branches.guest.added")
    assert entry.data["liaison"] == cadre.pk and entry.actor == cast.secretary
    page = as_secretary.get(reverse("branches:meeting_detail", kwargs={"pk": meeting.pk}))
    assert "王建国" in page.content.decode()


def test_secretary_records_an_outside_lecturer_by_name_and_organisation(as_secretary, cast):
    meeting = f.meeting(branch=cast.b1, type="lecture")
    data = {
        "lecturer-name": "李教授",
        "lecturer-organisation": "县委党校",
        "lecturer-lectured": "on",
    }
    assert add_guest(as_secretary, meeting, data).status_code == 302
    guest = MeetingGuest.objects.get(meeting=meeting)
    assert (guest.name, guest.organisation, guest.liaison, guest.lectured) == (
        "李教授",
        "县委党校",
        None,
        True,
    )
    page = as_secretary.get(reverse("branches:meeting_detail", kwargs={"pk": meeting.pk}))
    assert "县委党校" in page.content.decode()


def test_a_lecturer_without_a_name_is_refused_and_what_was_typed_stays(as_secretary, cast):
    meeting = f.meeting(branch=cast.b1)
    response = add_guest(as_secretary, meeting, {"lecturer-organisation": "县委党校"})
    html = response.content.decode()
    assert response.status_code == 200 and "外请人员未能登记" in html
    assert 'value="县委党校"' in html
    assert not MeetingGuest.objects.exists()


def test_the_same_guest_twice_is_refused(cast, cadre):
    meeting = f.meeting(branch=cast.b1)
    services_photos.guest_add(actor=cast.secretary, meeting=meeting, liaison=cadre)
    with pytest.raises(ApplicationError, match="已登记"):
        services_photos.guest_add(actor=cast.secretary, meeting=meeting, liaison=cadre)


def test_a_cadre_of_another_year_is_refused(cast, cadre):
    meeting = f.meeting(branch=cast.b1, date=dt.date(2025, 3, 5))
    with pytest.raises(ApplicationError, match="不是东李庄党支部 2025 年的挂包领导"):
        services_photos.guest_add(actor=cast.secretary, meeting=meeting, liaison=cadre)


def test_a_secretary_cannot_pick_another_branchs_cadre(as_secretary, cast):
    other = LiaisonAssignment.objects.create(
        township=cast.t1, branch=cast.b2, cadre_name="赵书记", year=2026
    )
    meeting = f.meeting(branch=cast.b1)
    response = add_guest(as_secretary, meeting, {"liaison-liaison": other.pk})
    assert response.status_code == 200 and not MeetingGuest.objects.exists()


def test_the_guest_limit_of_a_meeting_is_reached_and_not_passed(cast):
    meeting = f.meeting(branch=cast.b1)
    for i in range(services_photos.MAX_GUESTS_PER_MEETING):
        services_photos.guest_add(actor=cast.secretary, meeting=meeting, name=f"来宾{i}")
    with pytest.raises(ApplicationError, match="最多登记 30 名"):
        services_photos.guest_add(actor=cast.secretary, meeting=meeting, name="再多一位")


def test_secretary_removes_a_guest_audited(as_secretary, cast, cadre):
    meeting = f.meeting(branch=cast.b1)
    guest = services_photos.guest_add(actor=cast.secretary, meeting=meeting, liaison=cadre)
    url = reverse("branches:meeting_guest_remove", kwargs={"pk": guest.pk})
    assert as_secretary.post(url).status_code == 302
    assert not MeetingGuest.objects.exists()
    entry = AuditLog.objects.get(action="branches.guest.removed")
    assert entry.data == {"guest": guest.pk, "name": "王建国", "liaison": cadre.pk}


def test_a_locked_month_refuses_guest_changes_to_the_secretary(as_secretary, cast, cadre):
    meeting = f.meeting(branch=cast.b1)
    guest = services_photos.guest_add(actor=cast.secretary, meeting=meeting, name="李教授")
    lock(cast.t1)
    response = add_guest(as_secretary, meeting, {"lecturer-name": "张老师"})
    assert response.status_code == 302
    assert "已由镇党建办锁定" in as_secretary.get(response["Location"]).content.decode()
    url = reverse("branches:meeting_guest_remove", kwargs={"pk": guest.pk})
    as_secretary.post(url)
    assert list(MeetingGuest.objects.values_list("name", flat=True)) == ["李教授"]
    # The page shows no forms for the locked month.
    page = as_secretary.get(reverse("branches:meeting_detail", kwargs={"pk": meeting.pk}))
    assert 'id="lecturer-guest-form"' not in page.content.decode()
    services_photos.guest_remove(actor=cast.office, guest=guest)  # the office may
    assert not MeetingGuest.objects.exists()


def test_another_branchs_secretary_cannot_remove_a_guest(client, cast):
    guest = services_photos.guest_add(
        actor=cast.office, meeting=f.meeting(branch=cast.b2), name="李教授"
    )
    client.force_login(cast.secretary, backend=BACKEND)
    url = reverse("branches:meeting_guest_remove", kwargs={"pk": guest.pk})
    assert client.post(url).status_code == 404
    assert MeetingGuest.objects.exists()


# --- query budget -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 12])
def test_the_meeting_page_queries_stay_constant(
    as_secretary, cast, media, cadre, n, django_assert_max_num_queries
):
    meeting = f.meeting(branch=cast.b1)
    for i in range(n):
        a_photo(meeting, cast.secretary)
        services_photos.guest_add(actor=cast.secretary, meeting=meeting, name=f"来宾{i}")
    url = reverse("branches:meeting_detail", kwargs={"pk": meeting.pk})
    with django_assert_max_num_queries(11):
        assert as_secretary.get(url).status_code == 200


def test_a_photo_whose_audit_fails_leaves_no_file_behind(cast, media, monkeypatch):
    from branches import services_photos as module

    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(module, "audit_log", broken)
    with pytest.raises(RuntimeError):
        a_photo(f.meeting(branch=cast.b1), cast.secretary)
    assert not MeetingPhoto.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []
