"""In real Chromium on a 360 px phone: a journalist subscribes at /mitra-media/, opens the confirmation link
from the e-mail, changes what they receive on the preference page and leaves with the unsubscribe link."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from mailing.models import Subscriber, SubscriberStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_journalist_subscribes_confirms_changes_preferences_and_leaves_on_a_phone(page, unit_tree, settings):
    settings.SUBSCRIBE_FORM_MIN_SECONDS = 0
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto("/mitra-media/")
    page.get_by_role("heading", name="Siaran pers melalui email untuk mitra media").wait_for()
    assert no_sideways_scroll(page)
    page.get_by_label("Nama Anda").fill("Rina Wartawati")
    page.get_by_label("Email kantor").fill("rina@lombokpos.example")
    page.get_by_label("Media:", exact=True).fill("Lombok Pos")
    page.get_by_label("Kanwil Tengah", exact=True).check()
    page.get_by_label("Saya ingin menerima siaran pers").check()
    page.get_by_role("button", name="Berlangganan").click()
    page.get_by_role("heading", name="Periksa kotak surat Anda").wait_for()
    rina = Subscriber.objects.get(email="rina@lombokpos.example")
    assert rina.status == SubscriberStatus.PENDING
    assert [u.name for u in rina.units.all()] == ["Kanwil Tengah"]

    # the confirmation e-mail's link (the e-mail names the public SITE_URL; the test server is elsewhere)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rina@lombokpos.example"]
    link = re.search(r"https?://\S+/mitra-media/konfirmasi/\S+/", mail.outbox[0].body).group(0)
    page.goto(urlsplit(link).path)
    rina.refresh_from_db()
    assert rina.status == SubscriberStatus.PENDING  # opening the link confirms nothing: its button does
    page.get_by_role("button", name="Ya, kirimi saya siaran pers").click()
    page.get_by_role("heading", name="Langganan terkonfirmasi").wait_for()
    rina.refresh_from_db()
    assert rina.status == SubscriberStatus.CONFIRMED

    # the preference page: English e-mails from now on
    page.get_by_role("link", name="Ubah yang Anda terima").click()
    page.get_by_role("heading", name="Langganan siaran pers Anda").wait_for()
    assert no_sideways_scroll(page)
    page.get_by_label("Bahasa email").select_option("en")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Preferensi Anda telah disimpan.").wait_for()
    rina.refresh_from_db()
    assert rina.language == "en"

    # leaving: the page asks, the button unsubscribes
    page.get_by_role("link", name="Berhenti berlangganan").click()
    page.get_by_role("button", name="Ya, hentikan langganan saya").click()
    page.get_by_role("heading", name="Anda telah berhenti berlangganan.").wait_for()
    assert no_sideways_scroll(page)
    rina.refresh_from_db()
    assert rina.status == SubscriberStatus.UNSUBSCRIBED
    assert errors == []
