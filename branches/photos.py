"""Meeting photos as plain functions: verify an upload by decoding it, re-encode it without
metadata, make its thumbnail.

No ORM here; `branches.services_photos` stores what `clean_photo` returns. A photo is accepted
only when Pillow decodes it whole as JPEG, PNG or WebP within the size and pixel limits; it is
then rotated as its EXIF orientation says and written again from its pixels alone, so no EXIF
(GPS, camera, time), XMP, ICC or comment of the upload survives.
"""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from township.errors import ApplicationError

# Pillow's name of a format → (file extension, Content-Type).
FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = {ext: content_type for ext, content_type in FORMATS.values()}
THUMBNAIL_BOX = (320, 320)


# WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES to True when it is imported (the
# report renderer), which would let a truncated upload through padded with grey. Our decoding
# turns it off for its own load, one at a time; reports embed no uploaded images.
_strict_decoding = threading.Lock()


def _load_whole(image: Image.Image) -> None:
    with _strict_decoding:
        tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


class PhotoError(ApplicationError):
    """An upload refused as a photo; the message says why, in the user's language."""


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    extension: str
    width: int
    height: int
    thumbnail: bytes  # JPEG


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _open(data: bytes, *, max_pixels: int) -> Image.Image:
    """Open and decode `data` whole, refusing what is not a photo or is too large."""
    try:
        with warnings.catch_warnings():
            # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; both are bombs.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            width, height = image.size
            if width * height > max_pixels:
                raise PhotoError(
                    _(
                        "照片像素过多：%(w)d×%(h)d，约 %(mp)s 百万像素，上限为 %(max)s 百万像素；"
                        "请缩小后再上传。"
                    )
                    % {
                        "w": width,
                        "h": height,
                        "mp": f"{width * height / 1e6:.1f}",
                        "max": f"{max_pixels / 1e6:g}",
                    }
                )
            _load_whole(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(
            _("照片的像素尺寸异常巨大（疑似“解压炸弹”），已拒绝；请上传普通照片。")
        ) from None
    except UnidentifiedImageError:
        raise PhotoError(
            _("该文件不是可识别的照片：只接受 JPEG、PNG 或 WebP 格式的图片。")
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise PhotoError(_("照片文件已损坏或不完整，无法解码；请重新拍摄或导出后上传。")) from None
    return image


def _without_metadata(image: Image.Image, mode: str) -> Image.Image:
    """The pixels of `image` in `mode`, with none of its metadata."""
    clean = image.convert(mode) if image.mode != mode else image.copy()
    clean.info = {}
    return clean


def clean_photo(data: bytes, *, max_bytes: int, max_pixels: int) -> CleanPhoto:
    """Verify `data` as a photo and return it re-encoded without metadata, with a thumbnail.

    Raises `PhotoError` (a Chinese message naming what is wrong) for a file over `max_bytes`,
    over `max_pixels`, of another format, or that does not decode whole.
    """
    if len(data) > max_bytes:
        raise PhotoError(
            _("照片文件过大：%(size)s MB，上限为 %(max)s MB。")
            % {"size": _megabytes(len(data)), "max": _megabytes(max_bytes)}
        )
    if not data:
        raise PhotoError(_("照片文件是空的。"))
    image = _open(data, max_pixels=max_pixels)
    fmt = image.format
    extension, _content_type = FORMATS[fmt]
    upright = ImageOps.exif_transpose(image)  # orientation applied before the EXIF goes
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    if fmt == "JPEG":
        mode = "L" if upright.mode == "L" else "RGB"
    else:
        mode = "RGBA" if has_alpha else "RGB"
    clean = _without_metadata(upright, mode)
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        clean.save(out, "PNG")
    else:
        clean.save(out, "WEBP", quality=85)

    thumb = clean.copy()
    thumb.thumbnail(THUMBNAIL_BOX)
    if thumb.mode == "RGBA":  # JPEG has no transparency: on white
        flat = Image.new("RGB", thumb.size, "white")
        flat.paste(thumb, mask=thumb.getchannel("A"))
        thumb = flat
    thumb_out = io.BytesIO()
    thumb.convert("RGB").save(thumb_out, "JPEG", quality=80)
    return CleanPhoto(
        content=out.getvalue(),
        extension=extension,
        width=clean.width,
        height=clean.height,
        thumbnail=thumb_out.getvalue(),
    )
