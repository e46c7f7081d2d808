"""The embargo end to end under a real Celery worker on Redis, sending to a real SMTP server: at approval the
verified partners' journalists get one embargoed message each; when the embargo lifts (beat's tick, run here)
the release publishes itself and everyone else gets the ordinary one; nobody gets a second, even when the tasks
run again; the preview link works before and leads to the public page after."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mailing import partners, tasks
from mailing.models import Delivery, DeliveryStatus, Dispatch, DispatchPhase, DispatchState, MediaPartner
from mailing.models import SubscriberStatus as SS
from mailing.tests.test_dispatch import subscribers
from mailing.tests.test_dispatch_worker import received, sink, wait_until, workers  # noqa: F401  fixtures
from releases import publishing
from releases.models import Status
from releases.tests.factories import draft

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_verified_partners_get_it_under_embargo_and_nobody_gets_it_twice_when_it_lifts(
    sink,  # noqa: F811
    workers,  # noqa: F811
    admin,
    editor,
    unit_tree,
):
    workers(concurrency=2, DISPATCH_BATCH_SIZE="2")
    outlet = partners.verify(MediaPartner.objects.create(name="Kantor Berita Terverifikasi"), by=admin)
    verified = subscribers(3, prefix="v", outlet=outlet)
    others = subscribers(4, prefix="o")
    subscribers(2, status=SS.PENDING, prefix="p", outlet=outlet)
    until = timezone.now() + timedelta(seconds=8)
    release = publishing.submit(draft(unit_tree["kanwil"], editor, "Peresmian Bendungan", embargo_until=until),
                                by=editor)  # fmt: skip
    publishing.approve(release, by=editor)  # commits: the embargo hook enqueues the coordinator
    item = Dispatch.objects.get(release=release)
    assert wait_until(lambda: Delivery.objects.filter(dispatch=item, status=DeliveryStatus.SENT).count() == 3, 60)
    assert received(sink) == Counter({s.email: 1 for s in verified})
    messages = [email.message_from_bytes(data, policy=email.policy.default) for _tos, data in sink.recorder.messages]
    assert all(m["Subject"].strip().startswith("EMBARGO hingga") and m["X-Embargo-Until"] for m in messages)
    text = "".join(p.get_content() for p in messages[0].walk() if p.get_content_type() == "text/plain")
    link = re.search(r"https?://\S+/mitra-media/embargo/\S+/", text).group(0)
    page = Client().get(link)
    assert page.status_code == 200 and "Kantor Berita Terverifikasi" in page.content.decode()

    time.sleep(max(0.0, (until - timezone.now()).total_seconds()) + 0.5)
    assert publishing.publish_due() == [release.pk]  # beat's tick: the release publishes itself
    assert wait_until(
        lambda: Dispatch.objects.filter(pk=item.pk, phase=DispatchPhase.PUBLIC, state=DispatchState.DONE).exists()
    )
    assert received(sink) == Counter({s.email: 1 for s in [*verified, *others]})
    for _n in range(2):  # the tasks again: the claim finds nothing, the rows exist
        tasks.send_batch_task.apply_async(args=[item.pk])
        tasks.coordinate_dispatch_task.apply_async(args=[item.pk])
    publishing.run_published_hooks(release.pk)
    time.sleep(3)
    assert received(sink) == Counter({s.email: 1 for s in [*verified, *others]})
    release.refresh_from_db()
    assert release.status == Status.PUBLISHED
    assert Client().get(link)["Location"].endswith(f"/siaran-pers/{release.slug}/")
