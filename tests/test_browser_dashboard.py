"""The monitoring dashboard updates itself in a real browser: a report filed while the page is open shows
up in the figures without a reload; the recap page draws its charts."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from conftest import SCREENSHOT_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/staf/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill("s3cret-Passw0rd")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/staf/")


def test_the_dashboard_refreshes_its_figures_without_a_reload(page, officer, unit_tree, settings):
    from complaints.public import intake

    settings.DASHBOARD_REFRESH_SECONDS = 1
    sign_in(page, "officer_kanwil")
    new_today = page.locator("[data-dashboard] [data-kpi=new_today]")
    assert new_today.inner_text() == "0"
    page.evaluate("document.querySelector('h1').dataset.marker = 'still the same page'")

    intake.submit_complaint(
        data=intake.ComplaintInput(
            kind="complaint", title="Lampu jalan padam", description="Tiga lampu jalan padam sejak dua minggu.",
            unit=unit_tree["satker"], identity_mode="anonymous", consent=True,
        ),
        files=[],
    )  # fmt: skip
    expect(new_today).to_have_text("1", timeout=10_000)  # polled by static/js/dashboard.js, no reload
    assert page.locator("[data-dashboard] [data-kpi=open]").inner_text() == "1"
    assert page.evaluate("document.querySelector('h1').dataset.marker") == "still the same page"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "dashboard-360.png"), full_page=True)


def test_the_recap_draws_its_charts(page, viewer, unit_tree):
    from complaints.public import intake

    intake.submit_complaint(
        data=intake.ComplaintInput(
            kind="aspiration", title="Usul layanan Sabtu", description="Mohon layanan terbatas pada hari Sabtu.",
            unit=unit_tree["kanwil"], identity_mode="anonymous", consent=True,
        ),
        files=[],
    )  # fmt: skip
    sign_in(page, "viewer_kanwil")
    page.get_by_role("link", name="Rekap").first.click()
    page.wait_for_url("**/staf/pengaduan/rekap/")
    assert page.locator("svg.chart-svg").count() == 2
    assert page.get_by_role("img", name="Laporan per unit menurut status").is_visible()
    assert page.get_by_role("img", name="Laporan baru per minggu").is_visible()
    assert page.locator("table.recap-table tfoot td.num").last.inner_text() == "1"
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "recap-360.png"), full_page=True)
