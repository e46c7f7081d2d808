from __future__ import annotations

import pytest

from conftest import make_staff


@pytest.fixture(autouse=True)
def _no_form_delay(settings):
    settings.COMPLAINT_FORM_MIN_SECONDS = 0


@pytest.fixture
def ppid(unit_tree):
    return make_staff("ppid_kanwil", "ppid", unit_tree["kanwil"], first_name="Siti", last_name="Aminah")


@pytest.fixture
def atasan(unit_tree):
    return make_staff("atasan_kanwil", "atasan_ppid", unit_tree["kanwil"], first_name="Made", last_name="Wirawan")


@pytest.fixture
def other_ppid(unit_tree):
    return make_staff("ppid_timur", "ppid", unit_tree["other"])


def request_data(**overrides) -> dict:
    from humas.forms import new_stamp

    data = {
        "unit": "kanwil-tengah",
        "requester_kind": "person",
        "name": "Budi Santoso",
        "nik": "5271011203900001",
        "organisation": "",
        "address": "Jl. Pejanggik 10, Mataram",
        "phone": "0812-3456-7890",
        "email": "budi@example.test",
        "information": "Salinan realisasi anggaran kantor wilayah tahun 2025 per program.",
        "purpose": "Bahan penelitian skripsi tentang transparansi anggaran daerah.",
        "obtain_method": "electronic",
        "delivery_method": "email",
        "consent": "on",
        "website": "",
        "started": new_stamp(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def file_request(unit, **overrides):
    """A request through the intake service; returns (request, code)."""
    from information.models import ObtainMethod
    from information.public.intake import RequestInput, submit_request

    fields = {
        "unit": unit, "requester_kind": "person", "name": "Budi Santoso", "nik": "5271011203900001",
        "address": "Jl. Pejanggik 10, Mataram", "email": "budi@example.test",
        "information": "Salinan realisasi anggaran 2025", "purpose": "Penelitian",
        "obtain_method": ObtainMethod.ELECTRONIC, "delivery_method": "email", "consent": True,
    }  # fmt: skip
    fields.update(overrides)
    return submit_request(data=RequestInput(**fields))
