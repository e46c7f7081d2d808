"""The demo seeding shows media monitoring without any network: clippings of every tone from the fixture
feeds, issues in the last 24 hours, a release with coverage; a second run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from monitoring import issues
from monitoring.models import Clipping, ComplaintTone, Coverage, Source

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # seeds the whole demo


def test_the_demo_has_clippings_of_every_tone_issues_and_coverage(settings):
    settings.MONITORING_ALLOW_LOOPBACK = False  # nothing is fetched
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Media monitoring:" in out.getvalue()
    assert set(Clipping.objects.values_list("tone", flat=True)) == {"positive", "neutral", "negative"}
    assert not Clipping.objects.filter(url__contains="utm_").exists()
    assert not Clipping.objects.filter(title__icontains="lowongan").exists()  # the exclusion
    assert not Clipping.objects.filter(title__icontains="cabai").exists()  # no term
    assert Coverage.objects.filter(method="link").exists() and Coverage.objects.filter(method="similar").exists()
    assert set(Source.objects.values_list("last_status", flat=True)) == {"ok"}
    assert ComplaintTone.objects.exists()
    top = issues.compute(None, period="24h", now=Clipping.objects.latest("published_at").published_at)
    assert "antrean paspor" in [i.label for i in top]
    count = Clipping.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Clipping.objects.count() == count
