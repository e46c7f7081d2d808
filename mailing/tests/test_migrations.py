"""Upgrading a database made when the mailing list lived in releases: the models move to the mailing app's
state, their tables and rows stay, and their content types (hence permissions) follow them."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from mailing.models import Delivery, DeliveryStatus, Dispatch, Subscriber, SubscriberEvent, SubscriberStatus

OLD = [("releases", "0004_delivery_dispatch_index"), ("mailing", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.slow  # migrates the test database back and forth
@pytest.mark.django_db(transaction=True)
def test_an_upgrade_keeps_the_subscribers_and_deliveries_and_moves_the_content_types(unit_tree):
    old = migrate(OLD)
    assert ContentType.objects.filter(app_label="releases", model="subscriber").exists()
    subscriber_type = ContentType.objects.get(app_label="releases", model="subscriber").pk
    OldSubscriber = old.get_model("releases", "Subscriber")
    OldRelease = old.get_model("releases", "Release")
    unit = old.get_model("humas", "Unit").objects.get(pk=unit_tree["kanwil"].pk)
    person = OldSubscriber.objects.create(
        name="Rina", email="rina@media.example", status="confirmed", consent_at=timezone.now()
    )
    person.units.add(unit)
    release = OldRelease.objects.create(
        unit=unit, title="Siaran lama", slug="siaran-lama", status="published", published_at=timezone.now()
    )
    item = old.get_model("releases", "Dispatch").objects.create(release=release, state="done", recipients=1)
    old.get_model("releases", "Delivery").objects.create(
        dispatch=item, subscriber=person, status="sent", message_id="<x@y>"
    )

    migrate(latest())

    moved = Subscriber.objects.get(email="rina@media.example")
    assert moved.pk == person.pk and moved.status == SubscriberStatus.CONFIRMED
    assert list(moved.units.values_list("pk", flat=True)) == [unit.pk]
    delivery = Delivery.objects.get(subscriber=moved)
    assert delivery.status == DeliveryStatus.SENT and delivery.message_id == "<x@y>"
    assert Dispatch.objects.get(pk=item.pk).release_id == release.pk
    # the constraints came along: one delivery per (dispatch, subscriber), one subscriber per address
    assert Delivery.objects.bulk_create([Delivery(dispatch_id=item.pk, subscriber=moved)], ignore_conflicts=True)
    assert Delivery.objects.filter(subscriber=moved).count() == 1
    assert ContentType.objects.get(app_label="mailing", model="subscriber").pk == subscriber_type
    assert not ContentType.objects.filter(app_label="releases", model__in=["subscriber", "delivery"]).exists()
    SubscriberEvent.objects.create(subscriber=moved, kind="confirmed")  # the new table is there
