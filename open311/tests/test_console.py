from __future__ import annotations

import re

import pytest

from conftest import make_staff
from open311 import clients
from open311.models import Client

URL = "/staf/open311/"


@pytest.fixture
def humas_admin(unit_tree):
    return make_staff("admin_pusat", "admin", unit_tree["root"])


@pytest.mark.django_db
class TestClientConsole:
    def test_a_humas_admin_registers_an_app_and_sees_its_key_once(self, client, humas_admin):
        client.force_login(humas_admin)
        response = client.post(URL, {"name": "Aplikasi Kota", "contact": "dev@kota.test"})
        assert response.status_code == 200
        key = re.search(r"<code class=\"secret\" data-copy>([^<]+)</code>", response.content.decode()).group(1)
        registered = Client.objects.get()
        assert registered.key_digest == clients.key_digest(key) and key not in registered.key_digest
        assert clients.client_for_key(key) == registered
        page = client.get(URL).content.decode()
        assert key not in page  # shown only once
        assert "Aplikasi lain" in page and "<code>http://testserver/open311/v2/</code>" in page
        assert "Aplikasi klien Open311" in client.get("/staf/").content.decode()  # the console's menu

    def test_a_revoked_key_stops_working(self, client, humas_admin):
        registered, key = clients.issue_client(name="App", contact="a@b.test", by=humas_admin)
        client.force_login(humas_admin)
        assert client.post(f"{URL}{registered.pk}/cabut/").status_code == 302
        assert not clients.client_for_key(key).is_active

    def test_bad_input_keeps_what_was_typed(self, client, humas_admin):
        client.force_login(humas_admin)
        response = client.post(URL, {"name": "Aplikasi Kota", "contact": "bukan-email"})
        assert response.status_code == 400 and 'value="Aplikasi Kota"' in response.content.decode()
        assert not Client.objects.exists()

    def test_other_roles_may_not(self, client, officer, admin):
        client.force_login(officer)
        assert client.get(URL).status_code == 403
        client.force_login(admin)  # an admin of a unit below the main one
        assert client.post(URL, {"name": "x", "contact": "a@b.test"}).status_code == 403
        assert not Client.objects.exists()
        client.logout()
        assert client.get(URL).status_code == 302
