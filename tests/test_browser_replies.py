"""An officer answers from a reply template in a real browser with JavaScript switched off: picks the
template, presses "Pakai templat", edits the filled text and sends it."""

from __future__ import annotations

import pytest
from django.db import transaction

from conftest import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_answers_from_a_template_without_javascript(browser, live_server, unit_tree):
    from complaints.handling import replies
    from complaints.models import ComplaintEvent, EventKind, Status
    from complaints.tests.test_workflow import file, put_in

    make_staff("petugas_satker", "officer", unit_tree["satker"])
    report = file(unit_tree["satker"], reporter_name="Budi")
    with transaction.atomic():
        put_in(report, Status.IN_PROGRESS)
    replies.save_template(unit=unit_tree["kanwil"], purpose="response", name="Tanggapan awal", by=None,
                          body="Yth. {nama_pelapor}, laporan {referensi} sedang ditangani {unit}.")  # fmt: skip
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID", base_url=live_server.url,
                                  java_script_enabled=False)  # fmt: skip
    page = context.new_page()
    try:
        page.goto("/staf/masuk/")
        page.get_by_label("Nama pengguna").fill("petugas_satker")
        page.get_by_label("Sandi").fill("s3cret-Passw0rd")
        page.get_by_role("button", name="Masuk").click()
        page.goto(f"/staf/pengaduan/{report.pk}/")
        answer = page.locator("details.action", has=page.locator("summary", has_text="Tanggapi pelapor")).first
        answer.locator("summary").click()
        answer.get_by_label("Templat balasan").select_option(label="Tanggapan awal (Kanwil Tengah)")
        answer.get_by_role("button", name="Pakai templat").click()
        message = page.locator("details.action[open] textarea[name=message]")
        assert message.input_value() == f"Yth. Budi, laporan {report.display_reference} sedang ditangani Satker Tengah."
        message.fill(message.input_value() + " Petugas kami datang besok pagi.")
        page.locator("details.action[open]").get_by_role("button", name="Tanggapi pelapor", exact=True).click()
        event = ComplaintEvent.objects.get(complaint=report, kind=EventKind.RESPONSE)
        assert event.public_message.endswith("sedang ditangani Satker Tengah. Petugas kami datang besok pagi.")
    finally:
        context.close()


def test_with_javascript_the_template_fills_the_message_without_a_round_trip(page, unit_tree):
    from complaints.handling import replies
    from complaints.models import Status
    from complaints.tests.test_workflow import file, put_in

    make_staff("petugas_satker", "officer", unit_tree["satker"])
    report = file(unit_tree["satker"], identity_mode="anonim", reporter_name="Rahasia Sekali")
    with transaction.atomic():
        put_in(report, Status.IN_PROGRESS)
    replies.save_template(unit=unit_tree["satker"], purpose="response", name="Tanggapan <awal>", by=None,
                          body="Yth. {nama_pelapor},\nlaporan {referensi} & tindak lanjutnya.")  # fmt: skip
    page.goto("/staf/masuk/")
    page.get_by_label("Nama pengguna").fill("petugas_satker")
    page.get_by_label("Sandi").fill("s3cret-Passw0rd")
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"/staf/pengaduan/{report.pk}/")
    page.evaluate("document.body.dataset.marker = 'same page'")
    answer = page.locator("details.action", has=page.locator("summary", has_text="Tanggapi pelapor")).first
    answer.locator("summary").click()
    message = answer.locator("textarea[name=message]")
    message.fill("Terima kasih.")
    answer.get_by_label("Templat balasan").select_option(label="Tanggapan <awal>")
    answer.get_by_role("button", name="Pakai templat").click()
    expected = f"Terima kasih.\n\nYth. Bapak/Ibu Pelapor,\nlaporan {report.display_reference} & tindak lanjutnya."
    assert message.input_value() == expected
    assert page.evaluate("document.body.dataset.marker") == "same page"  # no round trip
    assert "Rahasia" not in page.content()
