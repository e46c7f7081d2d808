"""In real Chromium at 360 px: an editor links a release to a report from the release's page and the reporter
later reads the clarification on their tracking page; a journalist opens the embargoed preview from the link
in their e-mail; staff verify an outlet. Every page works without sideways scrolling and without errors."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from complaints.handling import clarifications
from complaints.tests.test_workflow import file
from conftest import make_staff
from mailing import embargo, partners
from mailing.models import Delivery, MediaPartner, Subscriber, SubscriberStatus
from releases import publishing
from releases.tests.factories import draft
from tests.test_browser import no_horizontal_scroll
from tests.test_browser_releases import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => { window.__csp = (window.__csp || [])"
        ".concat([e.violatedDirective]); });"
    )
    return errors


def test_an_editor_links_a_clarification_and_the_reporter_reads_it_on_a_phone(page, unit_tree):
    errors = watch(page)
    editor = make_staff("redaktur", "editor", unit_tree["kanwil"])
    report = file(unit_tree["kanwil"], title="Lampu jalan padam di Jl. Udayana")
    release = publishing.approve(
        publishing.submit(draft(unit_tree["kanwil"], editor, "Klarifikasi Lampu Jalan Udayana"), by=editor),
        by=editor,
    )
    sign_in(page, "redaktur")
    page.goto(f"/staf/siaran-pers/{release.pk}/")
    page.get_by_role("link", name="Tautkan laporan").click()
    page.get_by_role("searchbox", name="Cari").fill("lampu")
    page.get_by_role("button", name="Cari").click()
    page.get_by_label(report.title).check()
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Tautkan laporan yang dipilih").click()
    assert page.get_by_text("1 laporan ditautkan.").is_visible()
    assert no_horizontal_scroll(page)
    page.goto(f"/staf/siaran-pers/{release.pk}/")
    page.get_by_role("button", name="Terbitkan sekarang").click()
    page.wait_for_load_state()
    clarifications.notify_published(release.pk)  # the task's work, if the worker of this test run was slow
    page.context.clear_cookies()

    # the reporter tracks the report with their code
    page.goto("/pengaduan/lacak/")
    page.get_by_label("Kode lacak").fill(report.issued_code)
    page.get_by_role("button", name="Tampilkan laporan saya").click()
    assert page.get_by_role("heading", name="Klarifikasi dari humas").is_visible()
    assert page.get_by_role("link", name="Klarifikasi Lampu Jalan Udayana").first.is_visible()
    assert no_horizontal_scroll(page)
    assert not errors and not page.evaluate("window.__csp || []")


def test_a_journalist_opens_the_embargoed_preview_and_staff_verify_an_outlet_on_a_phone(page, unit_tree):
    errors = watch(page)
    admin = make_staff("admin_humas", "admin", unit_tree["kanwil"])
    outlet = partners.verify(MediaPartner.objects.create(name="Harian Nusantara Tengah"), by=admin)
    ani = Subscriber.objects.create(name="Ani", email="ani@nusantara.example", outlet=outlet,
                                    status=SubscriberStatus.CONFIRMED)  # fmt: skip
    release = draft(unit_tree["kanwil"], admin, "Jembatan Baru Diresmikan",
                    embargo_until=timezone.now() + timedelta(days=2))  # fmt: skip
    publishing.approve(publishing.submit(release, by=admin), by=admin)
    delivery = Delivery.objects.get(subscriber=ani, dispatch__release=release)
    page.goto(urlsplit(embargo.preview_url(delivery.pk, "id")).path)  # the link of the e-mail, on this server
    assert page.get_by_text("EMBARGO hingga").first.is_visible()
    assert page.get_by_text("Harian Nusantara Tengah").first.is_visible()
    assert page.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")
    assert no_horizontal_scroll(page)

    MediaPartner.objects.create(name="Radio Suara Tengah")
    sign_in(page, "admin_humas")
    page.goto("/staf/mitra-media/outlet/")
    page.get_by_role("listitem").filter(has_text="Radio Suara Tengah").get_by_role("button", name="Verifikasi").click()
    assert page.get_by_text("Radio Suara Tengah terverifikasi.").is_visible()
    assert MediaPartner.objects.get(name="Radio Suara Tengah").verified_by.username == "admin_humas"
    assert no_horizontal_scroll(page)
    assert not errors and not page.evaluate("window.__csp || []")
