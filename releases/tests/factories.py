"""Helpers for the releases tests: images made by Pillow, releases taken through the real services."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from releases import images, publishing


def jpeg_bytes(width: int = 480, height: int = 300, colour=(20, 90, 160), exif: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "KameraMerek"
        data[0x8825] = {1: "S", 2: (8.0, 35.0, 0.0), 3: "E", 4: (116.0, 7.0, 0.0)}
        kwargs["exif"] = data.tobytes()
    image.save(out, format="JPEG", quality=80, **kwargs)
    return out.getvalue()


def photo_upload(name: str = "foto.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def draft(unit, by, title: str = "Layanan Pengaduan Daring Dibuka", **data):
    defaults = {
        "title": title,
        "summary": "Warga kini dapat mengadu kapan saja.",
        "body": "<p>Isi siaran pers.</p>",
        "dateline": "MATARAM",
        "contact_name": "Bagian Humas",
        "contact_phone": "(0370) 555-0130",
        "contact_email": "humas@contoh.go.id",
    }
    tags = data.pop("tags", ["pelayanan publik"])
    return publishing.create_release(unit=unit, by=by, data={**defaults, **data}, tags=tags)


def published(unit, by, title: str = "Layanan Pengaduan Daring Dibuka", photos: int = 0, **data):
    """`by` must be an editor or admin of the unit (or a superuser)."""
    release = draft(unit, by, title, **data)
    for n in range(photos):
        images.add_photo(release, upload=photo_upload(f"f{n}.jpg"), by=by, caption=f"Teks foto {n}", credit="Humas")
    publishing.submit(release, by=by)
    publishing.approve(release, by=by)
    return publishing.publish(release, by=by)
