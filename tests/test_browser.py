"""What a person sees, in real Chromium: the home page on a phone and a desktop, and the language switch."""

from __future__ import annotations

import os

import pytest

from conftest import SCREENSHOT_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [360, 1280])
def test_home_page_reads_well_on_a_phone_and_a_desktop(page, unit_tree, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")
    assert page.locator("h1").inner_text() == "Biro Humas Pusat"
    nav = page.get_by_role("navigation", name="Menu utama")
    assert nav.get_by_role("link", name="Beranda").is_visible()
    assert nav.get_by_role("link", name="Kontak").is_visible()
    assert no_horizontal_scroll(page), "the page scrolls sideways"
    # the stylesheet loaded: the header is the portal's blue, not the browser default
    assert page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 79, 138)"
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, f"home-{width}.png"), full_page=True)


def test_language_switch_goes_to_english_and_back(page, unit_tree):
    page.goto("/kontak/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Kontak"
    page.get_by_role("navigation", name="Bahasa").get_by_role("link", name="EN").click()
    page.wait_for_url("**/en/kontak/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Contact"
    page.get_by_role("navigation", name="Language").get_by_role("link", name="ID").click()
    page.wait_for_url(lambda url: url.endswith("/kontak/") and "/en/" not in url)
    assert page.locator("h1").inner_text() == "Kontak"


def test_staff_sign_in_works_in_the_browser(page, officer):
    page.goto("/staf/")
    page.wait_for_url("**/staf/masuk/?next=/staf/")
    page.get_by_label("Nama pengguna").fill("officer_kanwil")
    page.get_by_label("Sandi").fill("salah sekali")
    page.get_by_role("button", name="Masuk").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Nama pengguna").input_value() == "officer_kanwil"
    page.get_by_label("Sandi").fill("s3cret-Passw0rd")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/staf/")
    assert page.locator("h1").inner_text() == "Konsol staf"
    assert no_horizontal_scroll(page)
