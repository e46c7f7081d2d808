"""A reader on a phone shares a release: the WhatsApp button opens WhatsApp's share screen with the title and
a link that credits the visit to WhatsApp."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import SCREENSHOT_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_whatsapp_button_opens_the_share_screen_with_a_tagged_link(page, unit_tree, editor):
    from releases.tests.factories import published

    release = published(unit_tree["kanwil"], editor, "Pelabuhan Baru Mulai Beroperasi")
    opened: list[str] = []

    def capture(route):
        opened.append(route.request.url)
        route.fulfill(status=200, body="ok", content_type="text/plain")  # the machine has no internet

    page.context.route("https://wa.me/**", capture)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/siaran-pers/{release.slug}/")
    button = page.locator('a[data-share="whatsapp"]')
    assert button.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "release-share-360.png"), full_page=True)
    with page.context.expect_page() as popup:
        button.click()
    popup.value.wait_for_load_state()
    assert opened, "the WhatsApp share screen was not opened"
    url = urlsplit(opened[0])
    assert (url.scheme, url.netloc) == ("https", "wa.me")
    text = parse_qs(url.query)["text"][0]
    assert text.startswith("Pelabuhan Baru Mulai Beroperasi http")
    assert f"/siaran-pers/{release.slug}/?utm_source=whatsapp&utm_medium=social&utm_campaign={release.slug}" in text
