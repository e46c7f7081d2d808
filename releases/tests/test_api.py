"""/api/v1/releases/ (public) and /api/v1/staff/releases/ (same services, same access rules)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from releases.models import Release, Status

from .factories import draft, photo_upload, published


def api(user=None) -> APIClient:
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def test_public_list_and_detail(unit_tree, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        release = published(unit_tree["kanwil"], editor, "Layanan Pengaduan Daring Dibuka", photos=1)
    draft(unit_tree["kanwil"], editor, title="Draf belum terbit")
    data = api().get("/api/v1/releases/").json()
    assert data["count"] == 1 and data["results"][0]["slug"] == release.slug
    assert api().get("/api/v1/releases/?q=pengaduan").json()["count"] == 1
    assert api().get("/api/v1/releases/?unit=kanwil-timur").json()["count"] == 0
    one = api().get(f"/api/v1/releases/{release.slug}/").json()
    assert one["title"] == release.title and one["photos"][0]["renditions"]["medium.webp"].startswith("http")
    assert api().get("/api/v1/releases/draf-belum-terbit/").status_code == 404


def test_public_list_queries_stay_flat(unit_tree, editor, django_assert_max_num_queries):
    for n in range(10):
        published(unit_tree["kanwil"], editor, f"Rilis nomor {n}")
    with django_assert_max_num_queries(3):
        assert api().get("/api/v1/releases/").status_code == 200


def test_staff_take_a_release_through_the_workflow(unit_tree, writer, editor):
    w = api(writer)
    created = w.post(
        "/api/v1/staff/releases/",
        {"title": "Rilis lewat API", "body": "<p>ok</p><script>x</script>", "tags": ["api"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["body"] == "<p>ok</p>"
    upload = w.post(f"/api/v1/staff/releases/{pk}/photos/", {"image": photo_upload(), "caption": "Foto"})
    assert upload.status_code == 201 and upload.json()["caption"] == "Foto"
    bad = w.post(
        f"/api/v1/staff/releases/{pk}/photos/",
        {"image": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")},
    )
    assert bad.status_code == 400 and bad.json()["errors"]["image"]  # the API's one error shape
    assert w.post(f"/api/v1/staff/releases/{pk}/publish/").status_code == 403
    assert w.post(f"/api/v1/staff/releases/{pk}/submit/").json()["status"] == "in_review"
    e = api(editor)
    assert e.post(f"/api/v1/staff/releases/{pk}/approve/").json()["status"] == "approved"
    assert e.post(f"/api/v1/staff/releases/{pk}/publish/").json()["status"] == "published"
    again = e.post(f"/api/v1/staff/releases/{pk}/publish/")
    assert again.status_code == 409 and again.json()["detail"]
    withdraw = e.post(f"/api/v1/staff/releases/{pk}/withdraw/", {"comment": ""}, format="json")
    assert withdraw.status_code == 400
    assert e.patch(f"/api/v1/staff/releases/{pk}/", {"title": "Judul diperbaiki"}, format="json").status_code == 200
    assert Release.objects.get(pk=pk).title == "Judul diperbaiki"


def test_staff_endpoints_hide_other_units_and_refuse_wrong_roles(unit_tree, writer, viewer):
    from conftest import make_staff

    stranger = make_staff("penulis_timur", "writer", unit_tree["other"])
    release = draft(unit_tree["kanwil"], writer)
    s = api(stranger)
    assert s.get(f"/api/v1/staff/releases/{release.pk}/").status_code == 404
    assert s.patch(f"/api/v1/staff/releases/{release.pk}/", {"title": "Dibajak"}, format="json").status_code == 404
    assert s.post(f"/api/v1/staff/releases/{release.pk}/submit/").status_code == 404
    assert s.get("/api/v1/staff/releases/").json()["count"] == 0
    assert (
        api(viewer).patch(f"/api/v1/staff/releases/{release.pk}/", {"title": "x" * 10}, format="json").status_code
        == 403
    )
    assert api().get("/api/v1/staff/releases/").status_code == 403
    release.refresh_from_db()
    assert release.status == Status.DRAFT and release.title != "Dibajak"


@pytest.mark.parametrize("unit_slug", ["kanwil-timur", "tidak-ada"])
def test_a_writer_cannot_create_in_another_unit(unit_tree, writer, unit_slug):
    """As in the console's form: only the writer's own units are choices (another unit's is no choice)."""
    response = api(writer).post(
        "/api/v1/staff/releases/", {"title": "Bukan unit saya", "unit": unit_slug}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"]["unit"]
    assert not Release.objects.filter(title="Bukan unit saya").exists()


def test_scheduling_through_the_api_and_the_console_gives_the_same_instant(unit_tree, writer, editor):
    """A WITA unit's release scheduled at 09:00 local time is 01:00 UTC whichever door it came through."""
    from django.test import Client

    instants = []
    for door in ("api", "console"):
        release = draft(unit_tree["kanwil"], writer, title=f"Rilis terjadwal lewat {door}")  # kanwil: WITA
        for step in ("submit", "approve"):
            assert api(editor).post(f"/api/v1/staff/releases/{release.pk}/{step}/").status_code == 200
        if door == "api":
            response = api(editor).post(
                f"/api/v1/staff/releases/{release.pk}/schedule/", {"publish_at": "2026-12-08T09:00"}, format="json"
            )
            assert response.status_code == 200, response.content
        else:
            console = Client()
            console.force_login(editor)
            console.post(f"/staf/siaran-pers/{release.pk}/langkah/schedule/", {"publish_at": "2026-12-08T09:00"})
        release.refresh_from_db()
        assert release.status == Status.SCHEDULED
        instants.append(release.publish_at)
    assert instants[0] == instants[1]
    assert instants[0].isoformat() == "2026-12-08T01:00:00+00:00"


def test_an_explicit_offset_is_kept_and_a_bad_time_is_a_field_error(unit_tree, writer, editor):
    release = draft(unit_tree["kanwil"], writer)
    for step in ("submit", "approve"):
        api(editor).post(f"/api/v1/staff/releases/{release.pk}/{step}/")
    bad = api(editor).post(f"/api/v1/staff/releases/{release.pk}/schedule/", {"publish_at": "besok"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"]["publish_at"]
    ok = api(editor).post(
        f"/api/v1/staff/releases/{release.pk}/schedule/", {"publish_at": "2026-12-08T09:00+09:00"}, format="json"
    )
    assert ok.status_code == 200
    release.refresh_from_db()
    assert release.publish_at.isoformat() == "2026-12-08T00:00:00+00:00"


def test_a_patch_keeps_what_it_does_not_name(unit_tree, writer):
    created = api(writer).post(
        "/api/v1/staff/releases/",
        {"title": "Rilis dengan kategori", "summary": "Ringkasan tetap.", "tags": ["satu", "dua"],
         "contact_phone": "(0370) 555-0130"},
        format="json",
    )  # fmt: skip
    pk = created.json()["id"]
    assert (
        api(writer).patch(f"/api/v1/staff/releases/{pk}/", {"title": "Judul baru saja"}, format="json").status_code
        == 200
    )
    release = Release.objects.get(pk=pk)
    assert (release.title, release.summary, release.contact_phone) == (
        "Judul baru saja",
        "Ringkasan tetap.",
        "(0370) 555-0130",
    )
    assert sorted(t.slug for t in release.tags.all()) == ["dua", "satu"]
    bad = api(writer).patch(f"/api/v1/staff/releases/{pk}/", {"contact_phone": "nomor?"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"]["contact_phone"]


def test_the_schema_documents_the_release_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/releases/" in schema and "/api/v1/staff/releases/{id}/{action}/" in schema


def test_a_body_that_is_not_an_object_is_a_clear_400(unit_tree, writer):
    response = api(writer).post("/api/v1/staff/releases/", [{"title": "Rilis dalam daftar"}], format="json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
