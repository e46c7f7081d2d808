"""The staff console: a writer and an editor take a release from draft to published without the admin;
the wrong role gets 403, another unit's staff 404, and nothing changes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from releases.models import Release, ReleasePhoto, Status

from .factories import draft, jpeg_bytes, photo_upload


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


FORM = {
    "unit": "",
    "title": "Rapat Koordinasi Penanganan Banjir",
    "summary": "Posko bersama dibuka.",
    "body": '<p>Isi <strong>penting</strong>.</p><p><img src=x onerror="alert(1)"></p><script>alert(1)</script>',
    "language": "id",
    "dateline": "MATARAM",
    "tags_text": "kebencanaan, banjir",
    "writer_name": "",
    "editor_name": "",
    "photographer_name": "",
    "contact_name": "Bagian Humas",
    "contact_phone": "(0370) 555-0130",
    "contact_email": "humas@contoh.go.id",
}


def test_a_writer_and_an_editor_take_a_release_from_draft_to_published(unit_tree, writer, editor, client):
    w = login(writer)
    assert w.get("/staf/siaran-pers/").status_code == 200
    page = w.get("/staf/siaran-pers/baru/")
    assert page.status_code == 200
    assert "script-src 'self' 'sha256-" in page["Content-Security-Policy"]  # only the editor's import map
    response = w.post("/staf/siaran-pers/baru/", {**FORM, "unit": unit_tree["kanwil"].pk})
    release = Release.objects.get(title=FORM["title"])
    assert response.status_code == 302 and response["Location"] == f"/staf/siaran-pers/{release.pk}/"
    assert (
        "onerror" not in release.body and "<script" not in release.body and "<strong>penting</strong>" in release.body
    )
    assert sorted(t.slug for t in release.tags.all()) == ["banjir", "kebencanaan"]
    upload = SimpleUploadedFile("banjir.jpg", jpeg_bytes(), content_type="image/jpeg")
    w.post(f"/staf/siaran-pers/{release.pk}/foto/", {"image": upload, "caption": "Posko banjir", "credit": "Humas"})
    assert ReleasePhoto.objects.get(release=release).caption == "Posko banjir"
    # a writer cannot publish: 403, nothing changes
    assert w.post(f"/staf/siaran-pers/{release.pk}/langkah/publish/").status_code == 403
    assert w.post(f"/staf/siaran-pers/{release.pk}/langkah/submit/").status_code == 302
    assert Release.objects.get(pk=release.pk).status == Status.IN_REVIEW
    assert w.post(f"/staf/siaran-pers/{release.pk}/langkah/approve/").status_code == 403
    assert w.get(f"/staf/siaran-pers/{release.pk}/ubah/").status_code == 403  # submitted: the editor's now
    e = login(editor)
    detail = e.get(f"/staf/siaran-pers/{release.pk}/").content.decode()
    assert "Setujui" in detail and "Kembalikan ke penulis" in detail
    e.post(f"/staf/siaran-pers/{release.pk}/langkah/approve/")
    e.post(f"/staf/siaran-pers/{release.pk}/langkah/publish/")
    release.refresh_from_db()
    assert release.status == Status.PUBLISHED and release.published_at
    assert client.get(f"/siaran-pers/{release.slug}/").status_code == 200


def test_an_editor_returns_a_release_with_comments_the_writer_then_sees(unit_tree, writer, editor):
    release = draft(unit_tree["kanwil"], writer)
    login(writer).post(f"/staf/siaran-pers/{release.pk}/langkah/submit/")
    e = login(editor)
    e.post(f"/staf/siaran-pers/{release.pk}/langkah/return/", {"comment": ""})
    assert Release.objects.get(pk=release.pk).status == Status.IN_REVIEW  # the comment is required
    e.post(f"/staf/siaran-pers/{release.pk}/langkah/return/", {"comment": "Tambahkan data korban."})
    assert Release.objects.get(pk=release.pk).status == Status.DRAFT
    assert "Tambahkan data korban." in login(writer).get(f"/staf/siaran-pers/{release.pk}/ubah/").content.decode()


def test_scheduling_reads_the_time_in_the_units_zone(unit_tree, editor):
    release = draft(unit_tree["kanwil"], editor)  # kanwil is WITA (UTC+8)
    e = login(editor)
    e.post(f"/staf/siaran-pers/{release.pk}/langkah/submit/")
    e.post(f"/staf/siaran-pers/{release.pk}/langkah/approve/")
    e.post(f"/staf/siaran-pers/{release.pk}/langkah/schedule/", {"publish_at": "2030-01-02T09:00"})
    release.refresh_from_db()
    assert release.status == Status.SCHEDULED
    assert release.publish_at.isoformat() == "2030-01-02T01:00:00+00:00"


def test_the_schedule_is_picked_with_indonesian_month_names_and_a_bad_pick_is_kept(unit_tree, editor):
    release = draft(unit_tree["kanwil"], editor)
    e = login(editor)
    e.post(f"/staf/siaran-pers/{release.pk}/langkah/submit/")
    e.post(f"/staf/siaran-pers/{release.pk}/langkah/approve/")
    page = e.get(f"/staf/siaran-pers/{release.pk}/").content.decode()
    assert "datetime-local" not in page and 'name="publish_at_month"' in page and ">Januari</option>" in page
    year = timezone.localdate().year + 1
    picked = {"publish_at_day": "2", "publish_at_month": "1", "publish_at_year": str(year)}
    refused = e.post(f"/staf/siaran-pers/{release.pk}/langkah/schedule/", {**picked, "publish_at_time": ""})
    html = refused.content.decode()
    assert refused.status_code == 400 and "Periksa tanggal dan jam terbit" in html
    assert '<option value="1" selected>Januari</option>' in html and f'<option value="{year}" selected>' in html
    assert Release.objects.get(pk=release.pk).status == Status.APPROVED
    e.post(f"/staf/siaran-pers/{release.pk}/langkah/schedule/", {**picked, "publish_at_time": "09.00"})
    release.refresh_from_db()
    assert release.status == Status.SCHEDULED
    assert release.publish_at.isoformat() == f"{year}-01-02T01:00:00+00:00"  # 09.00 WITA


@pytest.mark.parametrize(
    "path",
    ["/staf/siaran-pers/{pk}/", "/staf/siaran-pers/{pk}/ubah/", "/staf/siaran-pers/{pk}/pratinjau/"],
)
def test_another_units_release_is_not_found(unit_tree, writer, path):
    from conftest import make_staff

    stranger = make_staff("penulis_timur", "writer", unit_tree["other"])
    release = draft(unit_tree["kanwil"], writer)
    assert login(stranger).get(path.format(pk=release.pk)).status_code == 404


def test_another_units_staff_cannot_act_or_upload(unit_tree, writer, editor):
    from conftest import make_staff

    stranger = make_staff("redaktur_timur", "editor", unit_tree["other"])
    release = draft(unit_tree["kanwil"], writer)
    s = login(stranger)
    assert s.post(f"/staf/siaran-pers/{release.pk}/langkah/submit/").status_code == 404
    assert s.post(f"/staf/siaran-pers/{release.pk}/foto/", {"image": photo_upload()}).status_code == 404
    assert s.post(f"/staf/siaran-pers/{release.pk}/ubah/", {**FORM, "unit": unit_tree["other"].pk}).status_code == 404
    assert Release.objects.get(pk=release.pk).status == Status.DRAFT and not release.photos.exists()


def test_roles_without_releases_are_refused(unit_tree, officer, viewer, writer):
    assert login(officer).get("/staf/siaran-pers/").status_code == 403
    release = draft(unit_tree["kanwil"], writer)
    v = login(viewer)
    assert v.get(f"/staf/siaran-pers/{release.pk}/").status_code == 200
    assert v.get(f"/staf/siaran-pers/{release.pk}/ubah/").status_code == 403
    assert v.get("/staf/siaran-pers/baru/").status_code == 403


def test_bad_photos_are_refused_with_a_message_and_nothing_stored(unit_tree, writer):
    release = draft(unit_tree["kanwil"], writer)
    w = login(writer)
    svg = SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml")
    response = w.post(f"/staf/siaran-pers/{release.pk}/foto/", {"image": svg}, follow=True)
    assert "bukan jenis gambar yang kami terima" in response.content.decode()
    assert not release.photos.exists()


def test_live_preview_renders_sanitised_text(unit_tree, writer):
    w = login(writer)
    response = w.post(
        "/staf/siaran-pers/pratinjau-langsung/",
        {"title": "Judul", "body": '<p>Halo</p><iframe src="https://evil.example"></iframe>', "dateline": "kupang"},
    )
    html = response.content.decode()
    assert "KUPANG –</strong> Halo</p>" in html and "iframe" not in html


def test_history_shows_a_readable_diff(unit_tree, writer):
    release = draft(unit_tree["kanwil"], writer, body="<p>Kalimat lama.</p>")
    w = login(writer)
    w.post(
        f"/staf/siaran-pers/{release.pk}/ubah/",
        {**FORM, "unit": unit_tree["kanwil"].pk, "title": release.title, "body": "<p>Kalimat baru.</p>"},
    )
    newest = release.revisions.order_by("-created_at", "-pk").first()
    html = w.get(f"/staf/siaran-pers/{release.pk}/revisi/{newest.pk}/").content.decode()
    assert "<del>Kalimat lama.</del>" in html and "<ins>Kalimat baru.</ins>" in html


def test_photos_can_be_put_in_order(unit_tree, writer):
    release = draft(unit_tree["kanwil"], writer)
    w = login(writer)
    for name in ("a", "b"):
        w.post(f"/staf/siaran-pers/{release.pk}/foto/", {"image": photo_upload(f"{name}.jpg"), "caption": name})
    a, b = release.photos.order_by("order")
    w.post(f"/staf/siaran-pers/{release.pk}/foto/urutan/", {f"order-{a.pk}": "2", f"order-{b.pk}": "1"})
    assert list(release.photos.order_by("order").values_list("caption", flat=True)) == ["b", "a"]


def test_the_staff_list_by_status(unit_tree, writer, editor):
    mine = draft(unit_tree["kanwil"], writer, title="Draf milik penulis")
    review = draft(unit_tree["kanwil"], editor, title="Sedang menunggu redaktur")
    login(editor).post(f"/staf/siaran-pers/{review.pk}/langkah/submit/")
    html = login(writer).get("/staf/siaran-pers/").content.decode()
    assert mine.title in html and review.title not in html
    editor_html = login(editor).get("/staf/siaran-pers/").content.decode()  # editors start at the review queue
    assert review.title in editor_html and mine.title not in editor_html
    assert 'href="/staf/siaran-pers/"' in editor_html  # the staff menu item


def test_staff_list_queries_stay_flat(unit_tree, editor, django_assert_max_num_queries):
    for n in range(15):
        draft(unit_tree["kanwil"], editor, title=f"Draf nomor {n}")
    e = login(editor)
    with django_assert_max_num_queries(10):
        assert e.get("/staf/siaran-pers/?tab=drafts").status_code == 200


def test_the_preview_shows_a_draft_as_the_public_page_will(unit_tree, writer, client):
    release = draft(unit_tree["kanwil"], writer, body="<p>Isi draf.</p>")
    html = login(writer).get(f"/staf/siaran-pers/{release.pk}/pratinjau/").content.decode()
    assert "Pratinjau" in html and "Isi draf." in html and 'content="noindex"' in html
    assert client.get(f"/siaran-pers/{release.slug}/").status_code == 404


def test_junk_query_parameters_share_one_cached_list(client, unit_tree, editor):
    from django.conf import settings

    from humas import redis_client

    for n in range(3):
        client.get(f"/siaran-pers/?utm_source=x{n}", HTTP_USER_AGENT="Mozilla/5.0")
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    assert len(list(redis_client.client().scan_iter(f"{prefix}:*:releases:*:page:*"))) == 1
