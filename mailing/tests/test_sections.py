"""What the mailing list puts into releases' pages through the slots (releases does not import mailing): the
newsroom's invitation, and on a release's staff page the dispatch button, the test e-mail form and the count
of media partners e-mailed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mailing.models import Delivery, DeliveryStatus, Dispatch, DispatchState, Subscriber, SubscriberStatus
from releases.tests.factories import draft, published

pytestmark = pytest.mark.django_db


def test_a_published_releases_staff_page_links_its_dispatch_and_counts_the_partners_e_mailed(
    client, editor, viewer, unit_tree
):
    release = published(unit_tree["kanwil"], editor)
    people = Subscriber.objects.bulk_create(
        Subscriber(name=f"J{n}", email=f"j{n}@media.example", status=SubscriberStatus.CONFIRMED) for n in range(3)
    )
    item = Dispatch.objects.create(release=release, state=DispatchState.DONE)
    Delivery.objects.bulk_create(
        [
            Delivery(dispatch=item, subscriber=p, status=s)
            for p, s in zip(people, ["sent", "sent", "failed"], strict=True)
        ]
    )
    dispatch_url = reverse("mailing:staff_dispatch", args=[release.pk])
    client.force_login(editor)
    page = client.get(reverse("releases:staff_detail", args=[release.pk])).content.decode()
    assert page.count(f'href="{dispatch_url}"') == 2  # the button and the count in the distribution card
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2
    assert "2 mitra media" in page or "2 media partners" in page
    assert reverse("mailing:staff_send_test", args=[release.pk]) in page
    client.force_login(viewer)
    page = client.get(reverse("releases:staff_detail", args=[release.pk])).content.decode()
    assert reverse("mailing:staff_send_test", args=[release.pk]) not in page  # may not write: no test e-mail


def test_a_draft_has_no_dispatch_button(client, writer, unit_tree):
    release = draft(unit_tree["kanwil"], writer)
    client.force_login(writer)
    page = client.get(reverse("releases:staff_detail", args=[release.pk])).content.decode()
    assert reverse("mailing:staff_dispatch", args=[release.pk]) not in page


def test_the_newsroom_invites_journalists_to_subscribe(client):
    assert f'href="{reverse("mailing:subscribe")}"' in client.get(reverse("releases:list")).content.decode()
