"""Upload safety shared by every app: images are recognised by their content, capped in bytes and pixels,
opened with the decompression-bomb warning turned into an error, and re-encoded by Pillow so that EXIF,
GPS and XMP metadata are gone. Every refusal is a ValidationError with a message for the user."""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MB = 1024 * 1024


@dataclass(frozen=True)
class CleanImage:
    file: ContentFile
    format: str
    width: int
    height: int


def _read_capped(upload, max_bytes: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size).1f MB). The limit is %(limit)d MB.")
            % {"size": size / MB, "limit": max_bytes // MB},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            _("The file is too large. The limit is %(limit)d MB.") % {"limit": max_bytes // MB}, code="too_large"
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def clean_image(
    upload,
    *,
    max_bytes: int = 10 * MB,
    max_pixels: int = 40_000_000,
    max_side: int = 2560,
    formats: tuple[str, ...] = IMAGE_FORMATS,
    output_format: str | None = None,
) -> CleanImage:
    """Check and re-encode an uploaded image. Returns the clean file under a random name."""
    data = _read_capped(upload, max_bytes)
    allowed = ", ".join(EXTENSIONS[f].upper() for f in formats)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(formats))
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    _("The image is too large in pixels (%(w)d × %(h)d). Send a smaller photo.")
                    % {"w": width, "h": height},
                    code="too_many_pixels",
                )
            image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ValidationError(
                _("The image is too large in pixels. Send a smaller photo."), code="too_many_pixels"
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(
                _("This file is not an image we accept. Allowed: %(types)s.") % {"types": allowed},
                code="bad_type",
            ) from None
    source_format = image.format or "PNG"
    target = output_format or source_format
    image = ImageOps.exif_transpose(image)
    if target == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("P", "PA") else "RGB")
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    image.info = {}  # nothing of the original's metadata travels into the new file
    out = io.BytesIO()
    save_args: dict = {"format": target}
    if target == "JPEG":
        save_args.update(quality=85, optimize=True, progressive=True)
    elif target == "WEBP":
        save_args.update(quality=82, method=4)
    elif target == "PNG":
        save_args.update(optimize=True)
    image.save(out, **save_args)
    name = f"{secrets.token_urlsafe(12)}.{EXTENSIONS[target]}"
    return CleanImage(ContentFile(out.getvalue(), name=name), target, image.width, image.height)


def clean_pdf(upload, *, max_bytes: int = 20 * MB) -> ContentFile:
    """Accept a PDF by its content (the %PDF- signature at the start and an %%EOF marker), kept byte for
    byte; it is only ever served as a download. Returns it under a random name."""
    data = _read_capped(upload, max_bytes)
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("This file is not a PDF document we can accept."), code="bad_type")
    return ContentFile(data, name=f"{secrets.token_urlsafe(12)}.pdf")


def sniff(upload) -> str:
    """'image', 'pdf' or '' from the first bytes of the file, whatever its name or declared type says."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return ""


def safe_display_name(name: str, *, limit: int = 100) -> str:
    """A file name fit to show and to offer as a download name: no folders, no control characters."""
    import os
    import unicodedata

    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable() and ch not in '<>:"/\\|?*')
    base = base.lstrip(".") or "berkas"
    if len(base) > limit:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: limit - len(ext) - 1] + dot + ext) if dot and len(ext) <= 8 else base[:limit]
    return base
