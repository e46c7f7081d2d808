"""Demo data: one registered client app (its key printed once, as the console shows it)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from open311 import clients
from open311.models import Client

DEMO_APP = "Aplikasi Kota (demo)"


def seed(*, stdout, units) -> None:
    if Client.objects.filter(name=DEMO_APP).exists():
        return
    by = get_user_model().objects.filter(username="admin").first()  # the demo's humas admin of the main unit
    if by is None:
        return
    _client, key = clients.issue_client(name=DEMO_APP, contact="dev@kota.example.id", by=by)
    if settings.DEBUG:  # a credential, shown like the demo passwords
        stdout.write(f"Open311: demo client app '{DEMO_APP}', api_key {key} (POST /open311/v2/requests.json)")
