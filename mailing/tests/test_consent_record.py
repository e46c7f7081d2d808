"""Every consent-relevant step writes one SubscriberEvent in its own transaction (evidence of consent under
UU 27/2022): who or what channel, when, without the client's address in clear; staff read it on the
subscriber's page and in the admin, where nobody can change it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from humas.forms import new_stamp
from mailing import subscriptions
from mailing.models import EventKind, Subscriber, SubscriberEvent, SubscriberStatus

pytestmark = pytest.mark.django_db


def kinds(person: Subscriber) -> list[str]:
    return list(person.events.order_by("at", "pk").values_list("kind", flat=True))


def test_a_journalists_whole_journey_is_recorded_step_by_step(client, settings, unit_tree):
    settings.SUBSCRIBE_FORM_MIN_SECONDS = 0
    data = {"name": "Rina", "email": "rina@lombokpos.example", "outlet": "Lombok Pos", "language": "id",
            "consent": "on", "started": new_stamp()}  # fmt: skip
    client.post(reverse("mailing:subscribe"), data)
    person = Subscriber.objects.get()
    first = person.events.get()
    assert first.kind == EventKind.SUBSCRIBED and first.channel == "web" and first.by is None
    assert first.ip_hash and "127.0.0.1" not in first.ip_hash  # a keyed hash, not the address
    assert first.details["outlet"] == "Lombok Pos" and first.details["language"] == "id"
    client.post(reverse("mailing:subscriber_confirm", args=[subscriptions.confirm_token(person)]))
    client.post(reverse("mailing:subscriber_confirm", args=[subscriptions.confirm_token(person)]))  # again: no event
    manage = reverse("mailing:subscriber_manage", args=[subscriptions.manage_token(person.pk)])
    client.post(manage, {"units": [unit_tree["kanwil"].pk], "language": "en"})
    leave = reverse("mailing:subscriber_unsubscribe", args=[subscriptions.unsubscribe_token(person.pk)])
    Client().post(leave, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    Client().post(leave, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert kinds(person) == ["subscribed", "confirmed", "preferences", "unsubscribed"]
    preferences = person.events.get(kind=EventKind.PREFERENCES)
    assert preferences.details["units"] == [unit_tree["kanwil"].pk] and preferences.details["language"] == "en"
    assert person.events.get(kind=EventKind.UNSUBSCRIBED).channel == "one-click"
    assert len({event.ip_hash for event in person.events.all()}) == 1  # the same address hashes alike


def test_bounces_and_complaints_are_recorded_with_their_source(settings):
    settings.SUBSCRIBER_BOUNCE_LIMIT = 2
    person = Subscriber.objects.create(name="Budi", email="budi@radio.example", status=SubscriberStatus.CONFIRMED)
    subscriptions.record_bounce(email="budi@radio.example", permanent=False, channel="webhook", detail="mailgun")
    subscriptions.record_bounce(email="budi@radio.example", channel="dispatch", detail="550 no such user")
    subscriptions.record_bounce(email="BUDI@radio.example", channel="command")
    subscriptions.record_bounce(email="budi@radio.example", complaint=True, channel="command")
    events = list(person.events.order_by("at", "pk"))
    assert [e.kind for e in events] == ["bounced", "bounced", "bounced", "complained"]
    assert [e.channel for e in events] == ["webhook", "dispatch", "command", "command"]
    assert events[0].details == {"permanent": False, "bounce_count": 0, "detail": "mailgun"}
    assert events[2].details["status"] == ["confirmed", "bounced"]  # the second hard bounce stopped it
    assert events[3].details["status"] == ["bounced", "complained"]


def test_an_event_is_written_in_the_services_transaction_or_not_at_all(settings):
    person = Subscriber.objects.create(name="Budi", email="budi@radio.example", status=SubscriberStatus.CONFIRMED)
    with pytest.raises(RuntimeError), transaction.atomic():
        subscriptions.unsubscribe(person)
        raise RuntimeError("the request failed after the service")
    assert not SubscriberEvent.objects.exists()
    person.refresh_from_db()
    assert person.status == SubscriberStatus.CONFIRMED


def test_an_import_records_who_imported_from_which_line_and_what_they_stated(client, admin):
    client.force_login(admin)
    upload = SimpleUploadedFile("kontak.csv", b"name,email\nRina,rina@media.example\nBudi,budi@media.example\n")
    client.post(reverse("mailing:staff_subscribers"), {"file": upload, "prior_consent": "on"})
    event = Subscriber.objects.get(email="budi@media.example").events.get()
    assert event.kind == EventKind.IMPORTED and event.by == admin and event.channel == "import"
    assert event.details == {"prior_consent": True, "file": "kontak.csv", "line": 3}
    assert not mail.outbox  # prior consent: confirmed at once, no confirmation e-mail


def test_staff_read_the_record_on_the_subscribers_page_and_others_may_not(client, editor, writer):
    person = Subscriber.objects.create(name="Budi", email="budi@radio.example", status=SubscriberStatus.CONFIRMED)
    subscriptions.unsubscribe(person, channel="web")
    url = reverse("mailing:staff_subscriber", args=[person.pk])
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert 'data-event="unsubscribed"' in page
    assert re.search(
        rf'href="[^"]*/staf/mitra-media/{person.pk}/"',
        client.get(reverse("mailing:staff_subscribers")).content.decode(),
    )
    client.force_login(writer)
    assert client.get(url).status_code == 403


def test_the_admin_shows_the_record_and_changes_nothing(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@contoh.go.id", "x")
    person = Subscriber.objects.create(name="Budi", email="budi@radio.example", status=SubscriberStatus.CONFIRMED)
    event = subscriptions.record_event(person, EventKind.CONFIRMED, channel="email-link")
    client.force_login(root)
    assert client.get(reverse("admin:mailing_subscriberevent_changelist")).status_code == 200
    change = reverse("admin:mailing_subscriberevent_change", args=[event.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"kind": "unsubscribed"}).status_code == 403
    assert client.get(reverse("admin:mailing_subscriberevent_add")).status_code == 403
    assert client.get(reverse("admin:mailing_subscriber_change", args=[person.pk])).status_code == 200
    event.refresh_from_db()
    assert event.kind == EventKind.CONFIRMED
