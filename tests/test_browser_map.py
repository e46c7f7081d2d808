"""The public map and the complaint form's picker in Chromium at 360 px, against a local tile server (no
network): Leaflet and the tiles load only when a map is shown, the CSP lets exactly those tiles in, the list
beside the map shows the same reports, a pin dropped on the map reaches the unit of that area."""

from __future__ import annotations

import io
from decimal import Decimal
from http.server import BaseHTTPRequestHandler

import pytest
from PIL import Image

from tests.servers import serving

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_TILE = io.BytesIO()
Image.new("RGB", (256, 256), (222, 230, 214)).save(_TILE, format="PNG")
TILE = _TILE.getvalue()


@pytest.fixture
def tiles(settings):
    """A tile server on 127.0.0.1 that answers every /z/x/y.png with a plain tile and counts the requests."""
    from humas.settings import _map_policy

    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(TILE)))
            self.end_headers()
            self.wfile.write(TILE)

        def log_message(self, *args):
            pass

    with serving(Handler) as server:
        settings.MAP_TILE_URL = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
        settings.MAP_TILE_ATTRIBUTION = "Peta uji"
        settings.CONTENT_SECURITY_POLICY_MAP = _map_policy(settings.CONTENT_SECURITY_POLICY, settings.MAP_TILE_URL)
        yield seen


def watch(page, live_server):
    """Every request the page makes (URLs) and every CSP complaint in its console."""
    requests, violations = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    return requests, violations


def test_the_public_map_shows_the_reports_and_the_list_beside_it(page, live_server, unit_tree, tiles):
    from django.db import transaction

    from complaints.handling import workflow
    from complaints.models import EventKind, Status
    from complaints.public import intake
    from humas.tests.areas import mapped_tree

    mapped_tree(unit_tree)
    for index, (title, visibility) in enumerate(
        [("Lampu jalan padam di Jl. Udayana", "public"), ("Laporan rahasia sekali", "rahasia")]
    ):
        complaint = intake.submit_complaint(
            data=intake.ComplaintInput(
                kind="complaint", title=title, description="Uraian laporan yang cukup panjang untuk lolos.",
                unit=unit_tree["satker"], identity_mode="anonymous", visibility=visibility, consent=True,
                latitude=Decimal("-8.5833") + index, longitude=Decimal("116.1167"),
            ),
            files=[],
        )  # fmt: skip
        with transaction.atomic():
            workflow.move(workflow.locked(complaint), to_status=Status.VERIFIED, event_kind=EventKind.VERIFIED)
    requests, violations = watch(page, live_server)
    page.goto("/pengaduan/peta/?unit=satker-tengah")
    page.locator(".leaflet-tile-loaded").first.wait_for()
    page.locator(".map-report, .map-cluster").first.wait_for()
    assert page.locator(".map-list").get_by_text("Lampu jalan padam di Jl. Udayana").is_visible()
    assert page.get_by_text("Laporan rahasia sekali").count() == 0
    assert tiles, "no tile was fetched from the configured server"
    hosts = {url.split("/")[2] for url in requests if url.startswith("http")}
    assert hosts <= {live_server.url.split("/")[2], f"127.0.0.1:{settings_port(page)}"}, hosts
    assert not violations, violations
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # a cluster zooms in on a click, down to street level: one marker per report, its popup names it
    for _ in range(4):
        if page.locator("path.map-report").count():
            break
        page.locator(".map-cluster").first.click()
        page.wait_for_timeout(800)
    marker = page.locator("path.map-report").first
    marker.wait_for()
    marker.click(force=True)
    assert page.locator(".leaflet-popup-content").get_by_text("Lampu jalan padam di Jl. Udayana").is_visible()


def settings_port(page) -> str:
    from django.conf import settings

    return settings.MAP_TILE_URL.split("/")[2].split(":")[1]


def test_the_picker_loads_the_map_on_a_click_and_the_pin_reaches_the_unit_of_its_area(
    page, live_server, unit_tree, tiles, settings
):
    from complaints.models import Complaint
    from humas.tests.areas import mapped_tree

    settings.COMPLAINT_FORM_MIN_SECONDS = 0
    mapped_tree(unit_tree)
    requests, violations = watch(page, live_server)
    page.goto("/pengaduan/")
    assert not tiles and not any("leaflet" in url for url in requests)  # nothing of a map before it is shown
    page.get_by_label("Laporan ini ditujukan kepada unit mana?").select_option("satker-tengah")
    page.get_by_role("button", name="Pilih titik di peta").click()
    page.locator("[data-picker-map] .leaflet-tile-loaded").first.wait_for()
    assert tiles and any("leaflet.js" in url for url in requests)
    box = page.locator("[data-picker-map]").bounding_box()  # centred on satker's area, the unit chosen
    # inside satker's area, south of its lake
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.75)
    page.locator(".map-pin").wait_for()
    page.get_by_label("Laporan ini ditujukan kepada unit mana?").select_option("")  # no unit: the area decides
    latitude = float(page.locator("input[name=latitude]").input_value())
    longitude = float(page.locator("input[name=longitude]").input_value())
    assert -8.6 <= latitude <= -8.5 and 116.1 <= longitude <= 116.2
    assert "Titik dipilih" in page.locator("[data-picker-note]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_label("Judul").fill("Lampu jalan padam di depan sekolah")
    page.get_by_label("Apa yang terjadi?").fill("Lampu jalan di depan sekolah padam sejak seminggu, jalan gelap.")
    page.get_by_label("Sepenuhnya anonim", exact=False).check()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_url("**/pengaduan/terkirim/*/")
    complaint = Complaint.objects.get()
    assert complaint.unit.slug == "satker-tengah"
    assert abs(float(complaint.latitude) - latitude) < 1e-6
    assert not violations, violations


def test_use_my_location_asks_the_browser_only_on_the_click_and_the_geocoder_names_it(
    page, live_server, unit_tree, tiles, settings
):
    class Names(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"display_name": "Jalan Udayana, Kota Mataram"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with serving(Names) as names:
        settings.MAP_GEOCODER_URL = f"http://127.0.0.1:{names.server_port}"
        page.context.grant_permissions(["geolocation"])
        page.context.set_geolocation({"latitude": -8.5812, "longitude": 116.1034})
        page.goto("/pengaduan/")
        page.get_by_role("button", name="Pilih titik di peta").click()
        page.get_by_role("button", name="Gunakan lokasi saya").click()
        page.locator(".map-pin").wait_for()
        assert page.locator("input[name=latitude]").input_value() == "-8.581200"
        assert page.locator("input[name=longitude]").input_value() == "116.103400"
        # the place name, asked by the portal (the browser talks to no one else)
        page.wait_for_function("document.querySelector('input[name=location]').value !== ''")
        assert page.locator("input[name=location]").input_value() == "Jalan Udayana, Kota Mataram"


def test_staff_see_the_queue_on_a_map_and_a_units_area(page, live_server, unit_tree, officer, admin, tiles):
    from complaints.public import intake
    from humas.tests.areas import mapped_tree

    mapped_tree(unit_tree)
    intake.submit_complaint(
        data=intake.ComplaintInput(
            kind="complaint", title="Lampu jalan padam di depan sekolah", unit=unit_tree["kanwil"],
            description="Tiga lampu jalan padam sejak dua minggu, anak-anak pulang les dalam gelap.",
            identity_mode="anonymous", consent=True, latitude=Decimal("-8.583456"), longitude=Decimal("116.116501"),
        ),
        files=[],
    )  # fmt: skip
    _requests, violations = watch(page, live_server)
    page.goto("/staf/masuk/")
    page.get_by_label("Nama pengguna").fill("officer_kanwil")
    page.get_by_label("Sandi").fill("s3cret-Passw0rd")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/staf/")
    page.goto("/staf/pengaduan/")
    page.get_by_role("link", name="Tampilkan di peta").click()
    page.wait_for_url("**/staf/pengaduan/peta/")
    page.locator("path.map-report").first.wait_for()
    page.locator("path.map-report").first.click(force=True)
    link = page.locator(".leaflet-popup-content a", has_text="Lampu jalan padam di depan sekolah")
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/staf/pengaduan/*/")
    page.context.clear_cookies()
    page.goto("/staf/masuk/")
    page.get_by_label("Nama pengguna").fill("admin_kanwil")
    page.get_by_label("Sandi").fill("s3cret-Passw0rd")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/staf/")
    page.goto("/staf/unit/kanwil-tengah/wilayah/")
    page.locator("[data-map=area] path.leaflet-interactive").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not violations, violations
