from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from humas.models import Unit


def png_bytes(size=(64, 64), color=(10, 80, 140)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.django_db
class TestPublicPages:
    def test_home_shows_the_root_unit_as_the_site_and_lists_units(self, client, unit_tree):
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Biro Humas Pusat</title>" in html
        assert "Kanwil Tengah" in html and "Satker Timur" in html
        assert 'lang="id"' in html and "Beranda" in html and "Kontak" in html

    def test_home_works_before_any_unit_exists(self, client, db):
        response = client.get("/")
        assert response.status_code == 200
        assert "Portal Humas" in response.content.decode()

    def test_english_lives_under_en(self, client, unit_tree):
        response = client.get("/en/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'lang="en"' in html and ">Home<" in html and ">Contact<" in html
        assert 'href="/"' in html  # the switch back to Indonesian
        assert 'hreflang="id"' in html

    def test_hreflang_links_are_absolute_and_name_every_language_and_the_default(self, client, unit_tree, settings):
        settings.SITE_URL = "https://humas.example.go.id"
        for path in ("/kontak/?x=1", "/en/kontak/?x=1"):
            html = client.get(path).content.decode()
            # the page's own path only: a cached page never carries a visitor's query string (issue 15)
            assert '<link rel="alternate" hreflang="id" href="https://humas.example.go.id/kontak/">' in html
            assert '<link rel="alternate" hreflang="en" href="https://humas.example.go.id/en/kontak/">' in html
            assert '<link rel="alternate" hreflang="x-default" href="https://humas.example.go.id/kontak/">' in html
            assert "x=1" not in html.split("</head>")[0]
            assert 'hreflang="id" href="/' not in html.split("</head>")[0]

    def test_home_needs_few_queries(self, client, unit_tree, django_assert_max_num_queries):
        with django_assert_max_num_queries(4):
            client.get("/")

    def test_contact_page_lists_each_active_units_details(self, client, unit_tree):
        kanwil = unit_tree["kanwil"]
        kanwil.address, kanwil.phone, kanwil.email = "Jl. Udayana 8, Mataram", "(0370) 123456", "humas@kanwil.test"
        kanwil.save()
        unit_tree["other"].is_active = False
        unit_tree["other"].save()
        html = client.get("/kontak/").content.decode()
        assert "Jl. Udayana 8, Mataram" in html and "tel:(0370)123456" in html and "mailto:humas@kanwil.test" in html
        assert "Kanwil Timur" not in html

    def test_unit_contact_page_shows_its_zone_and_sub_units(self, client, unit_tree):
        response = client.get("/kontak/kanwil-tengah/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "WITA" in html and "Satker Tengah" in html

    def test_unknown_or_inactive_unit_is_404(self, client, unit_tree):
        assert client.get("/kontak/tidak-ada/").status_code == 404
        unit_tree["satker"].is_active = False
        unit_tree["satker"].save()
        assert client.get("/kontak/satker-tengah/").status_code == 404


@pytest.mark.django_db
class TestStaffConsole:
    def test_console_asks_anonymous_visitors_to_sign_in(self, client, unit_tree):
        response = client.get("/staf/")
        assert response.status_code == 302
        assert response["Location"].startswith("/staf/masuk/?next=/staf/")

    def test_console_refuses_accounts_without_a_role(self, client, citizen):
        client.force_login(citizen)
        assert client.get("/staf/").status_code == 403

    def test_console_home_lists_the_users_roles(self, client, officer):
        client.force_login(officer)
        html = client.get("/staf/").content.decode()
        assert "Kanwil Tengah" in html and "Petugas pengaduan" in html

    def test_unit_list_holds_only_the_users_scope(self, client, officer):
        client.force_login(officer)
        html = client.get("/staf/unit/").content.decode()
        assert 'href="/staf/unit/satker-tengah/"' in html
        assert 'href="/staf/unit/kanwil-timur/"' not in html and 'href="/staf/unit/pusat/"' not in html

    def test_another_units_page_is_404(self, client, other_unit_officer, unit_tree):
        client.force_login(other_unit_officer)
        assert client.get("/staf/unit/kanwil-tengah/").status_code == 404
        assert client.get("/staf/unit/kanwil-tengah/ubah/").status_code == 404
        assert client.get("/staf/unit/kanwil-timur/").status_code == 200

    def test_editing_a_unit_needs_the_admin_role(self, client, writer):
        client.force_login(writer)
        assert client.get("/staf/unit/kanwil-tengah/").status_code == 200
        assert client.get("/staf/unit/kanwil-tengah/ubah/").status_code == 403
        response = client.post("/staf/unit/kanwil-tengah/ubah/", {"address": "diubah", "email": "", "phone": ""})
        assert response.status_code == 403
        assert Unit.objects.get(slug="kanwil-tengah").address == ""

    def test_admin_edits_contact_details_and_logo(self, client, admin, unit_tree):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(admin)
        logo = SimpleUploadedFile("logo.png", png_bytes((2000, 1000)), content_type="image/png")
        response = client.post(
            "/staf/unit/satker-tengah/ubah/",
            {"address": "Jl. Baru 1", "email": "satker@example.test", "phone": "(0370) 555 01", "logo_upload": logo},
        )
        assert response.status_code == 302
        unit = Unit.objects.get(slug="satker-tengah")
        assert (unit.address, unit.email, unit.phone) == ("Jl. Baru 1", "satker@example.test", "(0370) 555 01")
        assert unit.logo.name.endswith(".png") and "logo" not in unit.logo.name.rsplit("/", 1)[-1]
        with Image.open(unit.logo.path) as stored:
            assert stored.size == (1024, 512)

    def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(self, client, admin, unit_tree):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(admin)
        fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", content_type="image/png")
        response = client.post(
            "/staf/unit/kanwil-tengah/ubah/",
            {"address": "Jl. Tetap Ada 7", "email": "bukan-email", "phone": "abc", "logo_upload": fake},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Jl. Tetap Ada 7" in html and 'value="bukan-email"' in html
        assert "Masukkan alamat email dengan format yang benar." in html
        assert Unit.objects.get(slug="kanwil-tengah").address == ""
        # a valid form with a non-image logo: the logo is refused, nothing is saved
        response = client.post(
            "/staf/unit/kanwil-tengah/ubah/",
            {"address": "Jl. Tetap Ada 7", "email": "", "phone": "", "logo_upload": fake},
        )
        assert response.status_code == 400
        assert "Jl. Tetap Ada 7" in response.content.decode()
        assert Unit.objects.get(slug="kanwil-tengah").address == ""

    def test_unit_page_shows_members_only_to_admins(self, client, admin, writer):
        client.force_login(admin)
        assert "writer_kanwil" in client.get("/staf/unit/kanwil-tengah/").content.decode()
        client.force_login(writer)
        assert "admin_kanwil" not in client.get("/staf/unit/kanwil-tengah/").content.decode()


@pytest.mark.django_db
def test_api_lists_active_units_publicly(client, unit_tree):
    unit_tree["other_satker"].is_active = False
    unit_tree["other_satker"].save()
    response = client.get(reverse("api:unit-list"))
    assert response.status_code == 200
    slugs = [u["slug"] for u in response.json()["results"]]
    assert slugs == ["pusat", "kanwil-tengah", "kanwil-timur", "satker-tengah"]
    detail = client.get("/api/v1/units/kanwil-tengah/").json()
    assert detail["parent"] == "pusat" and detail["time_zone_abbreviation"] == "WITA"
    assert client.get("/api/v1/units/satker-timur/").status_code == 404


@pytest.mark.django_db
def test_api_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/units/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
