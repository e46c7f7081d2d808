from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Category


@pytest.fixture(autouse=True)
def _no_form_delay(settings):
    settings.COMPLAINT_FORM_MIN_SECONDS = 0


@pytest.fixture
def categories(unit_tree):
    return {
        "jalan": Category.objects.create(unit=unit_tree["kanwil"], name="Jalan rusak", resolution_days=60),
        "layanan": Category.objects.create(unit=unit_tree["satker"], name="Pelayanan", resolution_days=14),
        "pungli": Category.objects.create(unit=unit_tree["other"], name="Pungli", resolution_days=5),
    }


def image_bytes(fmt="JPEG", size=(120, 90), color=(20, 120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def photo(name="foto.jpg", data=None, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else image_bytes(), content_type=content_type)


PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def form_data(**overrides) -> dict:
    from complaints.public.forms import new_stamp

    data = {
        "kind": "complaint",
        "unit": "kanwil-tengah",
        "category": "",
        "title": "Jalan berlubang di depan pasar",
        "description": "Lubang besar di Jl. Pejanggik depan pasar sudah dua minggu dan membahayakan pengendara motor.",
        "incident_date": "2026-11-01",
        "location": "Jl. Pejanggik, Mataram",
        "identity_mode": "named",
        "reporter_name": "Budi Santoso",
        "reporter_email": "budi@example.test",
        "reporter_phone": "0812-3456-7890",
        "visibility": "public",
        "consent": "on",
        "website": "",
        "started": new_stamp(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
