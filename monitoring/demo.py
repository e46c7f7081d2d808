"""Demo media monitoring for `manage.py seed_demo`, without any network: two fictional outlets whose feeds are
fixture files (monitoring/demo_feeds/), read by the same parser and stored by the same service as a fetched
feed, and a third feed made here that carries the newest demo release (by a link and by a rewrite of it),
so that the release shows coverage. The items' dates are moved to the hours before the seeding, so the issues
of the last 24 hours show them. The demo sources point at `.example` addresses, which never resolve: if a
worker ever fetches them, they fail like any unreachable feed. Idempotent: a second run adds nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from releases.models import Release, Status

from . import clippings, fetching, tones
from .models import Clipping, FetchStatus, Source, WatchTerm

FEEDS = Path(__file__).resolve().parent / "demo_feeds"
UNIT = "kanwil-nusa-tengah"
TERMS = {
    "humas-pusat": ["Kementerian Contoh"],
    UNIT: ["Kanwil Nusa Tengah", "Kantor Wilayah Provinsi Nusa Tengah", "Endang Susilowati", "layanan pengaduan"],
}
EXCLUSIONS = {UNIT: ["lowongan kerja"]}
SOURCES = [
    # file, outlet, name, address (never fetched by the demo)
    ("kabar-nusa.xml", "Kabar Nusa", "Berita daerah", "https://kabarnusa.example/daerah/rss"),
    ("portal-tengah.xml", "Portal Tengah", "Semua berita", "https://portaltengah.example/atom"),
]


def _coverage_feed(release: Release) -> bytes:
    url = f"{settings.SITE_URL}/siaran-pers/{release.slug}/"
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Suara Nusa</title>
<link>https://suaranusa.example/</link><description>Berita (fiktif)</description>
<item><title>{release.title} — Kanwil Nusa Tengah</title><link>https://suaranusa.example/berita/rilis-1</link>
<description><![CDATA[{release.summary} Kanwil Nusa Tengah menyampaikannya dalam siaran pers.]]></description></item>
<item><title>Kanwil Nusa Tengah umumkan langkah baru</title><link>https://suaranusa.example/berita/rilis-2</link>
<description><![CDATA[Selengkapnya di <a href="{url}">siaran pers</a>.]]></description></item>
</channel></rss>""".encode()


@transaction.atomic
def seed(*, stdout, units: dict) -> None:
    unit = units.get(UNIT)
    if unit is None:
        return
    for slug, phrases in TERMS.items():
        for phrase in phrases:
            if slug in units:
                WatchTerm.objects.get_or_create(unit=units[slug], phrase=phrase, is_exclusion=False)
    for slug, phrases in EXCLUSIONS.items():
        for phrase in phrases:
            WatchTerm.objects.get_or_create(unit=units[slug], phrase=phrase, is_exclusion=True)
    if Clipping.objects.filter(unit=unit).exists():
        stdout.write("Demo clippings exist already; left as they are.")
        return
    now = timezone.now()
    feeds = [(name, outlet, address, (FEEDS / name).read_bytes()) for name, outlet, _n, address in SOURCES]
    release = Release.objects.filter(status=Status.PUBLISHED, unit=unit).order_by("-published_at").first()
    if release is None:
        release = Release.objects.filter(status=Status.PUBLISHED).order_by("-published_at").first()
    if release is not None:
        feeds.append(("suara-nusa", "Suara Nusa", "https://suaranusa.example/rss", _coverage_feed(release)))
    added = 0
    for name, outlet, address, body in feeds:
        source, _created = Source.objects.get_or_create(
            unit=unit, url=address, defaults={"name": name.removesuffix(".xml"), "outlet": outlet}
        )
        items = fetching.parse(body)
        for hours, item in enumerate(items, start=1):
            item.published = (release.published_at + timedelta(hours=hours)) if name == "suara-nusa" and release \
                else now - timedelta(hours=2 * hours)  # fmt: skip
        new = clippings.ingest(source, items, now=now)
        added += len(new)
        Source.objects.filter(pk=source.pk).update(
            last_fetch_at=now, last_status=FetchStatus.OK, last_items=len(items), new_clippings=len(new),
            next_fetch_at=now + timedelta(minutes=source.interval_minutes),
        )  # fmt: skip
    scored = tones.sweep(now)
    stdout.write(f"Media monitoring: {added} clippings from {len(feeds)} demo feeds, {scored} complaints toned.")
