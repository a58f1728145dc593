"""A real browser: a secretary uploads a meeting photo (its thumbnail shows, served by the photo
view) and a renamed PDF is refused with its reason; a guest is recorded. Screenshots in
screenshots/."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from branches.models import MeetingGuest, MeetingPhoto
from tests import factories as f
from tests.factories import PASSWORD
from tests.test_browser import SCREENSHOTS, chromium_page  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def a_meeting_photo() -> bytes:
    image = Image.new("RGB", (1200, 800), (235, 225, 205))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1200, 160), fill=(180, 30, 30))  # the banner of the room
    for x in range(120, 1100, 160):  # people at the table
        draw.ellipse((x, 420, x + 90, 510), fill=(60, 50, 45))
        draw.rectangle((x - 10, 510, x + 100, 700), fill=(40, 60, 110))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_secretary_uploads_a_photo_and_a_renamed_pdf_is_refused(
    chromium_page,  # noqa: F811
    live_server,
    cast,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = tmp_path
    page = chromium_page
    SCREENSHOTS.mkdir(exist_ok=True)
    meeting = f.meeting(branch=cast.b1, topic="学习党章")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/")
    detail = f"{live_server.url}/branches/meetings/{meeting.pk}/"
    page.goto(detail)

    # A PDF renamed to .jpg: refused, the reason at the field, nothing stored.
    page.set_input_files(
        "#id_image", files=[{"name": "会议照片.jpg", "mimeType": "image/jpeg", "buffer": PDF}]
    )
    with page.expect_navigation():
        page.click("#photo-form button[type=submit]")
    assert "该文件不是可识别的照片" in page.text_content("#photo-form")
    assert "照片未能上传" in page.text_content("#photo-form")
    page.locator("#photo-form").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "meeting-photo-pdf-refused.png"), full_page=True)
    assert not MeetingPhoto.objects.exists()

    # A real photo: stored, its thumbnail drawn from the photo view.
    page.set_input_files(
        "#id_image",
        files=[{"name": "会场.jpg", "mimeType": "image/jpeg", "buffer": a_meeting_photo()}],
    )
    page.fill("#id_caption", "主题党日会场")
    page.click("#photo-form button[type=submit]")
    page.wait_for_url(detail)
    assert "照片已上传" in page.text_content(".messages")
    thumb = page.locator(".photo-grid img").first
    thumb.wait_for()
    photo = MeetingPhoto.objects.get()
    assert thumb.get_attribute("src") == f"/branches/meetings/photos/{photo.pk}/thumbnail/"
    page.wait_for_function("document.querySelector('.photo-grid img').complete")
    assert page.evaluate("document.querySelector('.photo-grid img').naturalWidth") == 320

    # An outside lecturer as guest.
    page.click("details.evidence-form summary")
    page.fill("#id_lecturer-name", "李教授")
    page.fill("#id_lecturer-organisation", "县委党校")
    page.click("#lecturer-guest-form button[type=submit]")
    page.wait_for_url(detail)
    assert "李教授" in page.text_content("#guests + ul")
    assert MeetingGuest.objects.get().organisation == "县委党校"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "meeting-photo-uploaded.png"), full_page=True)
