"""The PRCC view in a real browser at 360 px and 1280 px: the five issues with their tone bars, no sideways
scrolling, and a new negative clipping showing up without a reload."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import SCREENSHOT_DIR
from monitoring import issues
from monitoring.tests.helpers import clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBJECTS = ["Jalan rusak", "Antrean paspor", "Banjir", "Lampu jalan", "Sampah menumpuk", "Air bersih"]
PLACE_NAMES = (
    "Ampenan Cakranegara Sekarbela Mataram Selaparang Sandubaya Praya Kopang Jonggat Pujut Gerung Kediri Narmada "
    "Lingsar Gunungsari Batulayar Tanjung Gangga Kayangan Bayan Selong Masbagik Aikmel Sakra Keruak Jerowaru "
    "Labuhan Pringgabaya Sembalun Suela Sumbawa Dompu Bima Woha Sape Belo Alas Utan Moyo Empang"
)


def sign_in(page, username: str) -> None:
    page.goto("/staf/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill("s3cret-Passw0rd")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/staf/")


@pytest.fixture
def places():
    return iter(PLACE_NAMES.split())  # a new place for every clipping, so only the subjects recur


@pytest.fixture
def news(unit_tree, places):
    now = timezone.now()
    for rank, subject in enumerate(SUBJECTS):
        for n in range(len(SUBJECTS) - rank + 1):
            tone = ("negative", "neutral", "positive")[n % 3]
            clip(unit_tree["kanwil"], f"{subject} {next(places)}", at=now - timedelta(hours=n + 1), tone=tone,
                 outlet=("Lombok Post", "Suara NTB")[n % 2])  # fmt: skip
    return now


def test_the_issues_page_at_phone_and_desktop_width(page, viewer, unit_tree, news, places, settings, monkeypatch):
    settings.DASHBOARD_REFRESH_SECONDS = 1
    monkeypatch.setattr(issues, "CACHE_SECONDS", 1)
    sign_in(page, "viewer_kanwil")
    page.get_by_role("link", name="Pemantauan media").click()
    page.wait_for_url("**/staf/isu/")
    page.locator("select[name=periode]").select_option("24h")
    page.get_by_role("button", name="Tampilkan").click()
    cards = page.locator("[data-issue]")
    expect(cards).to_have_count(5)
    expect(cards.first.locator(".issue-title")).to_have_text("jalan rusak")
    segments = cards.first.locator("svg.tone-bar rect")
    assert segments.count() == 3
    widths = [float(segments.nth(i).get_attribute("width")) for i in range(3)]  # a decimal point, never a comma
    assert sum(widths) == pytest.approx(100, abs=0.05)
    assert segments.nth(2).evaluate("el => getComputedStyle(el).fill") == "rgb(161, 35, 27)"  # negative in red
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "issues-360.png"), full_page=True)

    # a burst of negative news about a new subject arrives while the page is open
    for _n in range(9):
        clip(unit_tree["kanwil"], f"Pungli {next(places)}", at=timezone.now() - timedelta(minutes=5), tone="negative")
    expect(cards.first.locator(".issue-title")).to_have_text("pungli", timeout=15_000)
    expect(cards.first.locator(".tone-key-negative")).to_have_text("9 negatif")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    expect(page.locator("[data-issue]")).to_have_count(5)
    boxes = [page.locator("[data-issue]").nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"]  # two columns side by side at desktop width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "issues-1280.png"), full_page=True)
