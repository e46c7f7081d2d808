"""The optional geocoder: off by default (no endpoint, nothing asked); configured, the point's place name comes
from the Nominatim-compatible server (a local stub here), cached; a server that fails gives no name, never a 500."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.servers import serving


@pytest.fixture
def geocoder(settings):
    asked: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = urlsplit(self.path)
            asked.append({"path": parts.path, **{k: v[0] for k, v in parse_qs(parts.query).items()}})
            if asked[-1].get("lat", "").startswith("-8.6"):
                self.send_response(500)
                self.end_headers()
                return
            body = json.dumps({"display_name": "Jalan Pejanggik, Cakranegara, Kota Mataram, Nusa Tenggara Barat"})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    with serving(Handler) as server:
        settings.MAP_GEOCODER_URL = f"http://127.0.0.1:{server.server_port}/"
        yield asked


@pytest.mark.django_db
def test_without_a_geocoder_there_is_no_place_endpoint_and_the_form_does_not_offer_it(client, unit_tree):
    assert client.get("/pengaduan/peta/tempat/", {"lat": "-8.58", "lon": "116.11"}).status_code == 404
    assert "data-place-url" not in client.get("/pengaduan/").content.decode()


@pytest.mark.django_db
def test_the_place_name_comes_from_the_geocoder_and_is_cached(client, unit_tree, geocoder):
    assert 'data-place-url="/pengaduan/peta/tempat/"' in client.get("/pengaduan/").content.decode()
    response = client.get("/pengaduan/peta/tempat/", {"lat": "-8.583456", "lon": "116.116501"})
    assert response.json() == {"name": "Jalan Pejanggik, Cakranegara, Kota Mataram, Nusa Tenggara Barat"}
    assert geocoder == [{"path": "/reverse", "format": "jsonv2", "lat": "-8.583456", "lon": "116.116501",
                         "zoom": "18", "accept-language": "id"}]  # fmt: skip
    client.get("/pengaduan/peta/tempat/", {"lat": "-8.58346", "lon": "116.11651"})  # within ~10 m: cached
    assert len(geocoder) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("lat", "lon", "status"), [("x", "116.1", 400), ("48.8", "2.3", 400), ("-8.61", "116.1", 200)])
def test_bad_points_and_a_failing_geocoder_give_no_name(client, unit_tree, geocoder, lat, lon, status):
    response = client.get("/pengaduan/peta/tempat/", {"lat": lat, "lon": lon})
    assert response.status_code == status and response.json() == {"name": ""}
