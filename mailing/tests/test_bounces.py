"""Bounces and complaints from outside a dispatch: `manage.py record_bounce` (plain SMTP) and an ESP's
tracking webhook through django-anymail."""

from __future__ import annotations

import base64
import json

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core.management import CommandError, call_command

from mailing.models import Subscriber, SubscriberStatus

pytestmark = pytest.mark.django_db

WEBHOOK = "/anymail/postmark/tracking/"


def person(email="budi@radio.example") -> Subscriber:
    return Subscriber.objects.create(name="Budi", email=email, status=SubscriberStatus.CONFIRMED)


def test_the_command_records_hard_soft_and_complaints(settings, capsys):
    settings.SUBSCRIBER_BOUNCE_LIMIT = 2
    budi, sari = person(), person("sari@tv.example")
    call_command("record_bounce", "BUDI@radio.example", "--soft")
    budi.refresh_from_db()
    assert (budi.status, budi.bounce_count) == (SubscriberStatus.CONFIRMED, 0) and budi.last_bounce_at
    call_command("record_bounce", "budi@radio.example")
    call_command("record_bounce", "budi@radio.example")
    budi.refresh_from_db()
    assert (budi.status, budi.bounce_count) == (SubscriberStatus.BOUNCED, 2)
    assert "status bounced" in capsys.readouterr().out
    call_command("record_bounce", "sari@tv.example", "--complaint")
    sari.refresh_from_db()
    assert sari.status == SubscriberStatus.COMPLAINED


def test_the_command_refuses_an_unknown_address_and_two_kinds_at_once():
    with pytest.raises(CommandError, match="No subscriber"):
        call_command("record_bounce", "nobody@example.test")
    person()
    with pytest.raises(CommandError):
        call_command("record_bounce", "budi@radio.example", "--soft", "--complaint")


def event(kind: str, recipient: str, reason: str | None = None) -> AnymailTrackingEvent:
    return AnymailTrackingEvent(event_type=kind, recipient=recipient, reject_reason=reason)


def test_the_tracking_signal_records_bounces_and_complaints(settings):
    settings.SUBSCRIBER_BOUNCE_LIMIT = 1
    budi, sari, rina = person(), person("sari@tv.example"), person("rina@koran.example")
    for kind, who, reason in [
        ("delivered", budi.email, None), ("opened", sari.email, None), ("deferred", rina.email, None),
    ]:  # fmt: skip
        tracking.send(sender=object, event=event(kind, who, reason), esp_name="Test")
    assert set(Subscriber.objects.values_list("status", flat=True)) == {SubscriberStatus.CONFIRMED}
    tracking.send(sender=object, event=event("bounced", "Budi@radio.example", "bounced"), esp_name="Test")
    tracking.send(sender=object, event=event("complained", sari.email, "spam"), esp_name="Test")
    tracking.send(sender=object, event=event("rejected", rina.email, "invalid"), esp_name="Test")
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses == {
        budi.email: SubscriberStatus.BOUNCED, sari.email: SubscriberStatus.COMPLAINED,
        rina.email: SubscriberStatus.BOUNCED,
    }  # fmt: skip


def auth(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def postmark(kind: str, email: str) -> str:
    return json.dumps({
        "RecordType": "Bounce" if kind != "SpamComplaint" else "SpamComplaint", "Type": kind, "TypeCode": 1,
        "ID": 42, "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483", "Email": email,
        "BouncedAt": "2026-11-20T16:33:54.9070259Z", "Description": "The server was unable to deliver",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist",
    })  # fmt: skip


def test_an_esp_webhook_with_the_secret_marks_the_subscriber(client):
    budi, sari = person(), person("sari@tv.example")
    response = client.post(
        WEBHOOK, postmark("HardBounce", budi.email), content_type="application/json",
        **auth("esp-test:webhook-secret"),
    )  # fmt: skip
    assert response.status_code == 200
    budi.refresh_from_db()
    assert budi.bounce_count == 1
    client.post(
        WEBHOOK, postmark("SpamComplaint", sari.email), content_type="application/json",
        **auth("esp-test:webhook-secret"),
    )  # fmt: skip
    sari.refresh_from_db()
    assert sari.status == SubscriberStatus.COMPLAINED


def test_an_esp_webhook_without_the_secret_changes_nothing(client):
    budi = person()
    for headers in ({}, auth("esp-test:wrong")):
        response = client.post(
            WEBHOOK, postmark("SpamComplaint", budi.email), content_type="application/json", **headers
        )
        assert response.status_code in (400, 401, 403)
    budi.refresh_from_db()
    assert (budi.status, budi.bounce_count) == (SubscriberStatus.CONFIRMED, 0)
