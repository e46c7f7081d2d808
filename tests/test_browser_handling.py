"""An officer works a report in real Chromium: signs in, verifies, answers, resolves; the reporter's tracking
page then shows every public step, and none of the internal ones."""

from __future__ import annotations

import os

import pytest

from conftest import SCREENSHOT_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_verifies_answers_and_resolves_and_the_reporter_sees_it(page, unit_tree, officer):
    from complaints.public import intake

    complaint = intake.submit_complaint(
        data=intake.ComplaintInput(
            kind="complaint", title="Lampu jalan padam di depan sekolah", unit=unit_tree["kanwil"],
            description="Tiga lampu jalan padam sejak dua minggu, anak-anak pulang les dalam gelap.",
            reporter_name="Budi", reporter_email="budi@example.test", consent=True,
        ),
        files=[],
    )  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/staf/masuk/")
    page.get_by_label("Nama pengguna").fill("officer_kanwil")
    page.get_by_label("Sandi").fill("s3cret-Passw0rd")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/staf/")
    page.get_by_role("navigation", name="Menu staf").get_by_role("link", name="Pengaduan").click()
    page.get_by_role("link", name=complaint.title).click()
    page.wait_for_url(f"**/staf/pengaduan/{complaint.pk}/")

    def act(label: str, text: str | None = None):
        section = page.locator("details.action", has=page.get_by_text(label, exact=True).first).first
        section.locator("summary").click()
        if text is not None:
            section.locator("textarea").first.fill(text)
        section.get_by_role("button", name=label).click()
        page.wait_for_load_state()
        assert page.locator(".message.success").count() == 1, page.content()

    act("Verifikasi", "Laporan Anda kami terima dan verifikasi.")
    act("Catatan internal", "CATATAN-INTERNAL: cek dengan PLN")
    act("Tanggapi pelapor", "Petugas sudah meninjau lokasi hari ini.")
    act("Selesaikan", "Lampu sudah diganti dan menyala kembali.")
    assert "Selesai" in page.locator(".status").first.inner_text()
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "staff-detail-1280.png"), full_page=True)

    reporter = page.context.browser.new_context(viewport={"width": 360, "height": 740},
                                                base_url=page.url.split("/staf/")[0])  # fmt: skip
    tracking = reporter.new_page()
    tracking.goto("/pengaduan/lacak/")
    tracking.get_by_label("Kode lacak").fill(complaint.issued_code)
    tracking.get_by_role("button", name="Tampilkan laporan saya").click()
    text = tracking.locator(".timeline").inner_text()
    assert "Laporan Anda kami terima dan verifikasi." in text
    assert "Petugas sudah meninjau lokasi hari ini." in text
    assert "Lampu sudah diganti dan menyala kembali." in text
    assert "CATATAN-INTERNAL" not in tracking.content()
    assert tracking.get_by_role("button", name="Nilai dan tutup").is_visible()
    tracking.screenshot(path=os.path.join(SCREENSHOT_DIR, "tracking-resolved-360.png"), full_page=True)
    reporter.close()
