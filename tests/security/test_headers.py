"""The security headers hold on every page type, public and staff, and no page needs inline code: a CSP with
`script-src 'self'` (no 'unsafe-inline', no 'unsafe-eval') and no inline <script>, event handler or style."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.test import Client

from mailing import subscriptions
from mailing.models import Subscriber

from .conftest import file_report, signed_in

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.I | re.S)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def assert_strict(response, path: str) -> None:
    csp = response["Content-Security-Policy"]
    directives = dict([*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip())
    script_sources = directives["script-src"].split()
    # 'self', plus at most the hashes of data blocks a page declares (the release editor's import map)
    assert script_sources[0] == "'self'" and all(s.startswith("'sha256-") for s in script_sources[1:]), (path, csp)
    assert "unsafe" not in csp and directives["object-src"] == "'none'", (path, csp)
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'self'", (path, csp)
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["X-Frame-Options"] == "DENY", path
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", path
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
    assert "camera=()" in response["Permissions-Policy"], path
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        for attributes, body in INLINE_SCRIPT.findall(html):
            if 'type="application/ld+json"' in attributes or 'type="application/json"' in attributes:
                continue  # data blocks (structured data for search engines, json_script): never executed
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert 'type="importmap"' in attributes and f"'sha256-{digest}'" in script_sources, (path, attributes)
        assert not EVENT_HANDLER.search(html), (path, EVENT_HANDLER.search(html).group(0))
        assert not STYLE_ATTRIBUTE.search(html), (path, STYLE_ATTRIBUTE.search(html).group(0))


@pytest.fixture
def release(unit_tree, editor, django_capture_on_commit_callbacks):
    from releases.tests.factories import published

    with django_capture_on_commit_callbacks(execute=True):
        return published(unit_tree["kanwil"], editor, "Jembatan Baru Diresmikan", tags=["Infrastruktur"])


@pytest.mark.django_db
def test_every_public_page_type_is_strict(unit_tree, release, client):
    from complaints.tests.conftest import form_data

    subscriber = Subscriber.objects.create(name="Wartawan", email="w@example.test")
    paths = [
        "/", "/en/", "/kontak/", "/kontak/kanwil-tengah/", "/pengaduan/", "/pengaduan/lacak/", "/pengaduan/publik/",
        "/siaran-pers/", f"/siaran-pers/{release.slug}/", "/siaran-pers/rss/", "/siaran-pers/atom/",
        "/siaran-pers/feed.json", "/mitra-media/", "/mitra-media/terkirim/",
        f"/mitra-media/preferensi/{subscriptions.manage_token(subscriber.pk)}/", "/sitemap.xml",
        "/robots.txt", "/healthz", "/api/v1/", "/api/schema/", "/api/v1/complaints/ADU-0000-0000-0000/",
        "/tidak-ada/", "/staf/masuk/", "/staf/lupa-sandi/", "/en/pengaduan/",
    ]  # fmt: skip
    for path in paths:
        assert_strict(client.get(path), path)
    # the reporter's pages: the form with errors, the receipt, the tracking page
    reporter = Client()
    assert_strict(reporter.post("/pengaduan/", {"title": ""}), "/pengaduan/ (errors)")
    filed = reporter.post("/pengaduan/", form_data())
    assert filed.status_code == 302
    assert_strict(reporter.get(filed["Location"]), "receipt")
    pk = filed["Location"].rstrip("/").rsplit("/", 1)[1]
    assert_strict(reporter.get(f"/pengaduan/lacak/{pk}/"), "tracking page")


@pytest.mark.django_db
def test_every_staff_page_type_is_strict(unit_tree, release, superuser):
    report = file_report(unit_tree["kanwil"])
    subscriber = Subscriber.objects.create(name="Wartawan", email="w@example.test")
    client = signed_in(superuser)
    paths = [
        "/staf/", "/staf/unit/", "/staf/unit/kanwil-tengah/", "/staf/unit/kanwil-tengah/ubah/", "/staf/sandi/",
        "/staf/pengaduan/", "/staf/pengaduan/?status=new&q=jalan", f"/staf/pengaduan/{report.pk}/",
        "/staf/pengaduan/baru/", "/staf/pengaduan/rekap/", "/staf/pengaduan/dasbor/", "/staf/siaran-pers/",
        "/staf/siaran-pers/baru/", f"/staf/siaran-pers/{release.pk}/", f"/staf/siaran-pers/{release.pk}/ubah/",
        f"/staf/siaran-pers/{release.pk}/pratinjau/", "/staf/siaran-pers/laporan/", "/staf/mitra-media/",
        f"/staf/mitra-media/{subscriber.pk}/", f"/staf/siaran-pers/{release.pk}/distribusi/", "/staf/kanal/",
        "/api/v1/staff/complaints/", "/admin/", "/admin/complaints/complaint/",
        f"/admin/complaints/complaint/{report.pk}/change/",
    ]  # fmt: skip
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 302), (path, response.status_code)
        if path.startswith("/admin/"):
            # Django's admin has its own inline scripts and styles under our CSP; only the headers are ours
            assert "script-src 'self'" in response["Content-Security-Policy"], path
            assert response["X-Frame-Options"] == "DENY", path
            continue
        assert_strict(response, path)


@pytest.mark.django_db
def test_attachments_are_sandboxed_and_never_cached(unit_tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from complaints.tests.conftest import PDF, form_data, photo

    reporter = Client()
    pdf = SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf")
    filed = reporter.post("/pengaduan/", {**form_data(), "attachments": [photo(), pdf]})
    assert filed.status_code == 302
    from complaints.models import Attachment

    for item in Attachment.objects.all():
        response = reporter.get(f"/pengaduan/lampiran/{item.pk}/")
        assert response.status_code == 200
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        if item.kind == "pdf":
            assert response["Content-Disposition"].startswith("attachment")
