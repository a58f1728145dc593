"""branches/photos.py: a photo is decoded to be verified, re-encoded without metadata, rotated as
its EXIF said, and refused when it is too large, a bomb, or not a photo at all. No database."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageFile

from branches.photos import PhotoError, clean_photo

LIMITS = {"max_bytes": 8 * 1024 * 1024, "max_pixels": 40_000_000}


def photo_bytes(fmt: str = "JPEG", size=(40, 20), *, gps: bool = False, orientation: int = 1):
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, 10, 10))  # a blue corner, to follow the rotation
    exif = Image.Exif()
    if orientation != 1:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.Base.Make] = "PhoneMaker"
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (36.0, 40.0, 12.5)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (117.0, 1.0, 3.25)
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG file claiming `width`×`height` pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_the_source_photo_really_carries_gps():
    """Guards the test below: the upload it cleans has GPS coordinates to lose."""
    gps = Image.open(io.BytesIO(photo_bytes(gps=True))).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert gps[ExifTags.GPS.GPSLatitudeRef] == "N"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_with_gps_exif_comes_out_without_any_exif(fmt):
    data = photo_bytes(fmt, gps=True)
    assert b"PhoneMaker" in data
    clean = clean_photo(data, **LIMITS)
    reopened = Image.open(io.BytesIO(clean.content))
    assert reopened.format == fmt
    assert dict(reopened.getexif()) == {}
    assert reopened.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert b"PhoneMaker" not in clean.content and b"Exif" not in clean.content
    assert "exif" not in reopened.info
    thumb = Image.open(io.BytesIO(clean.thumbnail))
    assert thumb.format == "JPEG" and dict(thumb.getexif()) == {}


def test_the_orientation_is_applied_before_the_exif_goes():
    # Orientation 6: the camera held upright; the stored 40×20 pixels are shown turned by 90°.
    clean = clean_photo(photo_bytes("JPEG", (40, 20), orientation=6), **LIMITS)
    upright = Image.open(io.BytesIO(clean.content))
    assert upright.size == (20, 40) == (clean.width, clean.height)
    # The blue corner moved from the top left to the top right.
    r, _g, b = upright.convert("RGB").getpixel((17, 2))
    assert b > 150 and r < 100


def test_the_thumbnail_fits_the_list_box():
    clean = clean_photo(photo_bytes("PNG", (1200, 600)), **LIMITS)
    assert Image.open(io.BytesIO(clean.thumbnail)).size == (320, 160)
    assert clean.extension == "png"


def test_a_transparent_png_keeps_its_alpha():
    image = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    clean = clean_photo(out.getvalue(), **LIMITS)
    assert Image.open(io.BytesIO(clean.content)).mode == "RGBA"


def test_a_renamed_pdf_is_refused():
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    with pytest.raises(PhotoError, match="不是可识别的照片"):
        clean_photo(pdf, **LIMITS)


def test_a_gif_is_refused_as_not_a_photo_format():
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, "GIF")
    with pytest.raises(PhotoError, match="JPEG、PNG 或 WebP"):
        clean_photo(out.getvalue(), **LIMITS)


@pytest.mark.parametrize("tolerant", [False, True], ids=["pillow-default", "after-weasyprint"])
def test_a_truncated_jpeg_is_refused_as_not_decodable(monkeypatch, tolerant):
    # Importing WeasyPrint (the reports) sets Pillow's LOAD_TRUNCATED_IMAGES process-wide.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", tolerant)
    image = Image.effect_noise((200, 200), 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG")
    data = out.getvalue()
    with pytest.raises(PhotoError, match="损坏或不完整"):
        clean_photo(data[: len(data) // 2], **LIMITS)


def test_a_decompression_bomb_is_refused_with_a_clear_message():
    bomb = png_header_only(30_000, 30_000)  # 900 megapixels in about a hundred bytes
    assert len(bomb) < 200
    with pytest.raises(PhotoError, match="解压炸弹"):
        clean_photo(bomb, **LIMITS)


def test_a_photo_over_the_pixel_limit_is_refused_before_decoding():
    with pytest.raises(PhotoError, match="照片像素过多"):
        clean_photo(png_header_only(9_000, 5_000), **LIMITS)  # 45 megapixels


def test_the_pixel_limit_itself_is_allowed_and_one_pixel_more_is_not():
    data = photo_bytes("PNG", (10, 10))
    assert clean_photo(data, max_bytes=LIMITS["max_bytes"], max_pixels=100).width == 10
    with pytest.raises(PhotoError, match="照片像素过多"):
        clean_photo(data, max_bytes=LIMITS["max_bytes"], max_pixels=99)


def test_the_size_limit_itself_is_allowed_and_one_byte_more_is_not():
    data = photo_bytes("JPEG")
    assert clean_photo(data, max_bytes=len(data), max_pixels=LIMITS["max_pixels"])
    with pytest.raises(PhotoError, match="照片文件过大"):
        clean_photo(data, max_bytes=len(data) - 1, max_pixels=LIMITS["max_pixels"])


def test_an_empty_file_is_refused():
    with pytest.raises(PhotoError, match="空的"):
        clean_photo(b"", **LIMITS)
