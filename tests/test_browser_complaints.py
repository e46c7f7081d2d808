"""A citizen on a cheap phone (360 px): files a report with a photo, sees the receipt, tracks it by its code."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from conftest import SCREENSHOT_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def photo_path(tmp_path):
    path = tmp_path / "jalan-rusak.jpg"
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (90, 90, 80)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_a_citizen_files_with_a_photo_and_tracks_the_report(page, unit_tree, photo_path, settings):
    from complaints.models import Category, Complaint
    from complaints.public import intake

    settings.COMPLAINT_FORM_MIN_SECONDS = 0
    Category.objects.create(unit=unit_tree["kanwil"], name="Jalan rusak", description="Jalan berlubang")
    Category.objects.create(unit=unit_tree["other"], name="Pungli")
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Ajukan Pengaduan").click()
    page.wait_for_url("**/pengaduan/")
    page.get_by_label("Pengaduan", exact=True).check()
    page.get_by_label("Laporan ini ditujukan kepada unit mana?").select_option("kanwil-tengah")
    # only the chosen unit's categories stay visible
    assert page.locator("select[name=category] option", has_text="Pungli").is_hidden()
    page.get_by_label("Kategori").select_option(label="Jalan rusak")
    page.get_by_label("Judul").fill("Jalan berlubang di depan pasar Cakranegara")
    page.get_by_label("Apa yang terjadi?").fill(
        "Lubang besar di tengah jalan depan pasar sudah dua minggu; dua pengendara motor jatuh kemarin sore."
    )
    page.set_input_files("input[name=attachments]", str(photo_path))
    page.get_by_role("textbox", name="Nama Anda").fill("Budi Santoso")
    page.get_by_role("textbox", name="Email").fill("budi@example.test")
    page.locator("input[name=consent]").check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Kirim laporan").click()

    page.wait_for_url("**/pengaduan/terkirim/*/")
    code = page.locator("[data-code]").inner_text().strip()
    complaint = Complaint.objects.get()
    assert intake.find_by_code(code) == complaint
    assert complaint.attachments.count() == 1
    assert "WITA" in page.locator(".steps").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "complaint-receipt-360.png"), full_page=True)
    # shown once: reloading the receipt shows the report's reference, never the code again
    page.reload()
    assert code not in page.content() and complaint.display_reference in page.content()

    # a new browser, as on another day: only the code opens the report
    context = page.context.browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=page.url.split("/pengaduan")[0]
    )
    other = context.new_page()
    other.goto("/pengaduan/lacak/")
    other.get_by_label("Kode lacak").fill(code.lower())
    other.get_by_role("button", name="Tampilkan laporan saya").click()
    other.wait_for_url(f"**/pengaduan/lacak/{complaint.pk}/")
    assert other.locator("h1").inner_text() == "Jalan berlubang di depan pasar Cakranegara"
    assert other.locator(".timeline img").count() == 1
    # the thumbnail loads (through the view that checks the code): waited for, since it may still be on its way
    other.wait_for_function(
        "() => { const img = document.querySelector('.timeline img'); return img.complete && img.naturalWidth > 0 }",
        timeout=10_000,
    )
    other.screenshot(path=os.path.join(SCREENSHOT_DIR, "complaint-tracking-360.png"), full_page=True)
    context.close()
