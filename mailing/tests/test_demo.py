"""The demo seeding e-mails only its newest releases to the demo media partners (it once wrote an .eml file
for every demo release to every partner)."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command

from mailing.demo import DEMO_PARTNERS, MAILED_DEMO_RELEASES
from mailing.models import Delivery, Dispatch, DispatchState
from releases.models import Release, Status

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # seeds the whole demo: ~25 s


def test_seeding_mails_only_the_newest_demo_releases_and_again_nothing(settings, django_capture_on_commit_callbacks):
    settings.DISPATCH_BATCH_SIZE = 100
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    release_mails = [m for m in mail.outbox if "List-Id" in m.message() and "X-Embargo-Until" not in m.extra_headers]
    embargoed = [m for m in mail.outbox if "X-Embargo-Until" in m.extra_headers]  # the demo's release under embargo
    assert len(embargoed) == len(DEMO_PARTNERS) and all(m.subject.startswith("EMBARGO") for m in embargoed)
    published = Release.objects.filter(status=Status.PUBLISHED).order_by("-published_at")
    assert published.count() > MAILED_DEMO_RELEASES
    newest = {r.title for r in published[:MAILED_DEMO_RELEASES]}
    assert len(release_mails) == MAILED_DEMO_RELEASES * len(DEMO_PARTNERS)
    assert {m.subject for m in release_mails} == newest
    assert Delivery.objects.filter(status="sent").count() == len(release_mails) + len(embargoed)
    skipped = Dispatch.objects.exclude(release__title__in=newest)
    assert skipped.exists() and not skipped.exclude(state=DispatchState.DONE).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())  # idempotent: nothing is published or mailed again
    assert not [m for m in mail.outbox if "List-Id" in m.message()]
