"""In real Chromium: a writer drafts a release with a photo in the rich-text editor, the editor approves
and publishes it, and the public page shows it on a 360 px phone with the photo and its caption."""

from __future__ import annotations

import os

import pytest

from conftest import SCREENSHOT_DIR, make_staff
from releases.tests.factories import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/staf/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill("s3cret-Passw0rd")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/staf/")


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_writer_drafts_editor_publishes_public_page_on_a_phone(page, unit_tree):
    make_staff("penulis", "writer", unit_tree["satker"])
    make_staff("redaktur", "editor", unit_tree["satker"])
    page.set_viewport_size({"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => { window.__csp = (window.__csp || [])"
        ".concat([e.violatedDirective + ' ' + e.sourceFile]); });"
    )

    # the writer drafts in the WYSIWYG editor
    sign_in(page, "penulis")
    page.get_by_role("navigation", name="Menu staf").get_by_role("link", name="Siaran Pers").click()
    page.get_by_role("link", name="Tulis siaran pers baru").click()
    page.get_by_label("Judul").fill("Posko Banjir Dibuka di Kota Tengah")
    page.get_by_label("Ringkasan (teras berita)").fill("Warga terdampak dapat melapor ke posko 24 jam.")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    # nothing to undo yet, and assistive technology hears it (the editor only fades the button)
    page.locator('.prose-menubar__button[title="undo"][aria-disabled="true"]').wait_for()
    editor.click()
    page.keyboard.type("Posko bersama dibuka sejak Senin pagi.")
    page.locator('.prose-menubar__button[title="undo"][aria-disabled="false"]').wait_for()
    page.get_by_label("Tempat (dateline)").fill("Kota Tengah")
    page.locator("[data-preview-body]").get_by_text("Posko bersama dibuka").wait_for()  # live preview follows
    assert page.evaluate("window.__csp || []") == []  # the editor runs under the strict CSP
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("heading", name="Posko Banjir Dibuka di Kota Tengah").wait_for()

    # … adds a photo with its caption and credit, then submits
    page.locator("input[type=file][name=image]").set_input_files(
        {"name": "posko.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(1200, 800)}
    )
    page.get_by_label("Keterangan foto").last.fill("Petugas mendata warga di posko banjir.")
    page.get_by_label("Kredit foto").last.fill("Humas/Dedi")
    page.get_by_role("button", name="Unggah foto").click()
    page.get_by_text("Foto telah ditambahkan.").wait_for()
    assert page.get_by_role("button", name="Terbitkan sekarang").count() == 0  # writers cannot publish
    page.get_by_role("button", name="Ajukan untuk diperiksa").click()
    page.get_by_text("Menunggu pemeriksaan").first.wait_for()
    sign_out(page)

    # the editor approves and publishes
    sign_in(page, "redaktur")
    page.goto("/staf/siaran-pers/")
    page.get_by_role("link", name="Posko Banjir Dibuka di Kota Tengah").click()
    page.get_by_role("button", name="Setujui").click()
    page.get_by_role("button", name="Terbitkan sekarang").click()
    page.get_by_text("Selesai: Terbitkan sekarang.").wait_for()
    sign_out(page)

    # the public page on a phone
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/siaran-pers/")
    page.get_by_role("link", name="Posko Banjir Dibuka di Kota Tengah").first.click()
    assert page.locator("h1").inner_text() == "Posko Banjir Dibuka di Kota Tengah"
    photo = page.locator(".release-photo-featured img")
    photo.scroll_into_view_if_needed()
    assert photo.is_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0"), "the photo did not load"
    assert "/renditions/" in photo.evaluate("img => img.currentSrc")  # a rendition, not the original
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    caption = page.locator(".release-photo-featured figcaption")
    assert "Petugas mendata warga di posko banjir." in caption.inner_text()
    assert "Humas/Dedi" in caption.inner_text()
    assert "KOTA TENGAH –" in page.locator(".release-body").inner_text()
    assert errors == []
    assert page.evaluate("window.__csp || []") == []
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "release-360.png"), full_page=True)


def test_an_editor_schedules_on_a_phone_with_month_names_in_indonesian_whatever_the_browser(
    browser, live_server, unit_tree
):
    """The browser speaks English; the pickers still say Januari and read 09.00 the Indonesian way."""
    from django.utils import timezone

    from releases.models import Release, Status
    from releases.tests.factories import draft

    editor = make_staff("redaktur", "editor", unit_tree["kanwil"])  # kanwil is WITA
    release = draft(unit_tree["kanwil"], editor, "Jadwal Layanan Akhir Tahun")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "redaktur")
    page.goto(f"/staf/siaran-pers/{release.pk}/")
    page.get_by_role("button", name="Ajukan untuk diperiksa").click()
    page.get_by_role("button", name="Setujui").click()
    year = str(timezone.localdate().year + 1)
    months = page.locator("select[name=publish_at_month] option").all_inner_texts()
    assert "Januari" in months and "Desember" in months and "January" not in months
    page.locator("select[name=publish_at_day]").select_option("2")
    page.locator("select[name=publish_at_month]").select_option(label="Januari")
    page.locator("select[name=publish_at_year]").select_option(year)
    page.get_by_label("Jam", exact=True).fill("09.00")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    page.get_by_role("button", name="Jadwalkan").click()
    page.get_by_text("Selesai: Jadwalkan.").wait_for()
    release.refresh_from_db()
    assert release.status == Status.SCHEDULED
    assert release.publish_at.isoformat() == f"{year}-01-02T01:00:00+00:00"
    assert Release.objects.filter(status=Status.SCHEDULED).count() == 1
    context.close()
