"""Coverage of releases: by a link to the release's page, or by a title and lead close enough to a release
published in the seven days before. SIMILARITY_THRESHOLD is measured here on labelled pairs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring import coverage, sources
from monitoring.models import Coverage
from releases.tests.factories import published

from . import feedserver as fs

RELEASE = (
    "Kanwil Tengah Luncurkan Layanan Paspor Simpatik di Pulau Terluar",
    "Kantor Wilayah Tengah meluncurkan layanan paspor simpatik keliling untuk warga pulau terluar mulai Senin, "
    "dengan petugas yang datang langsung ke kantor desa.",
)
# news stories rewritten from the release by outlets (covered) ...
REWRITES = [
    (
        "Layanan Paspor Simpatik Kini Jangkau Warga Pulau Terluar",
        "Warga pulau terluar kini bisa membuat paspor tanpa menyeberang: Kanwil Tengah meluncurkan layanan keliling.",
    ),
    (
        "Kanwil Tengah Hadirkan Paspor Keliling ke Desa-desa Pulau Terluar",
        "Petugas datang langsung ke kantor desa mulai Senin untuk layanan paspor simpatik.",
    ),
    (
        "Petugas Paspor Datangi Kantor Desa di Pulau Terluar",
        "Layanan paspor simpatik keliling diluncurkan Kantor Wilayah Tengah bagi warga pulau terluar.",
    ),
]
# ... and other stories about the same institution (not covered)
UNRELATED = [
    ("Kanwil Tengah Gelar Rapat Kerja Tahunan",
     "Rapat kerja membahas anggaran dan target kinerja tahun depan bersama seluruh kepala satuan kerja."),
    ("Antrean Panjang di Kantor Imigrasi Dikeluhkan Warga",
     "Warga mengeluhkan antrean panjang dan sistem daring yang sering gangguan di kantor imigrasi kota."),
    ("Kepala Kanwil Tengah Terima Penghargaan Zona Integritas",
     "Penghargaan wilayah bebas korupsi diserahkan menteri dalam upacara di Jakarta."),
    ("Harga Tiket Kapal ke Pulau Terluar Naik Jelang Libur",
     "Penumpang kapal ke pulau terluar mengeluhkan kenaikan harga tiket jelang libur akhir tahun."),
]  # fmt: skip


def score(title: str, lead: str) -> float:
    words = coverage.content_words
    return coverage.similarity(words(f"{title} {lead}"), words(f"{RELEASE[0]} {RELEASE[1]}"))


def test_the_threshold_separates_rewrites_from_other_stories():
    rewrites = sorted(score(*pair) for pair in REWRITES)
    others = sorted(score(*pair) for pair in UNRELATED)
    assert max(others) < coverage.SIMILARITY_THRESHOLD <= min(rewrites), (others, rewrites)


@pytest.mark.django_db
def test_fetched_clippings_become_coverage_by_link_or_similarity(feeds, watchlist, editor, settings):
    settings.SITE_URL = "https://humas.example.go.id"
    release = published(watchlist, editor, title=RELEASE[0], summary=RELEASE[1])
    other = published(watchlist, editor, title="Rapat koordinasi kehumasan triwulan", summary="Rapat rutin.")
    now = timezone.now()
    feeds.routes["/a"] = fs.rss([
        {"title": REWRITES[0][0], "link": "https://kabar.example/1", "summary": REWRITES[0][1], "date": now},
        {"title": "Kanwil Tengah bagikan rilis", "link": "https://kabar.example/2", "date": now,
         "summary": f'Selengkapnya <a href="https://humas.example.go.id/siaran-pers/{other.slug}/">di sini</a>.'},
        {"title": UNRELATED[0][0], "link": "https://kabar.example/3", "summary": UNRELATED[0][1], "date": now},
    ])  # fmt: skip
    feed = sources.register(unit_id=watchlist.pk, name="a", outlet="Kabar Tengah", url=feeds.url("/a"))
    sources.fetch_source(feed.pk, now=timezone.now())
    found = {(c.release_id, c.clipping.url, c.method) for c in Coverage.objects.select_related("clipping")}
    assert found == {
        (release.pk, "https://kabar.example/1", "similar"),
        (other.pk, "https://kabar.example/2", "link"),
    }
    listed = coverage.for_release(release.pk)
    assert [row.clipping.outlet for row in listed] == ["Kabar Tengah"]


@pytest.mark.django_db
def test_a_release_older_than_seven_days_is_not_matched_by_similarity(watchlist, editor):
    from .helpers import clip

    release = published(watchlist, editor, title=RELEASE[0], summary=RELEASE[1])
    late = clip(watchlist, REWRITES[0][0], summary=REWRITES[0][1], at=release.published_at + timedelta(days=8))
    assert coverage.detect(late) == []
    soon = clip(watchlist, REWRITES[1][0], summary=REWRITES[1][1], at=release.published_at + timedelta(days=2))
    assert [row.release_id for row in coverage.detect(soon)] == [release.pk]


@pytest.mark.django_db
def test_the_release_page_lists_the_outlets_with_their_tone(client, editor, watchlist):
    from .helpers import clip

    release = published(watchlist, editor, title=RELEASE[0], summary=RELEASE[1])
    item = clip(watchlist, REWRITES[0][0], summary=REWRITES[0][1], at=release.published_at + timedelta(hours=3),
                tone="positive", outlet="Lombok Post")  # fmt: skip
    coverage.detect(item)
    client.force_login(editor)
    html = client.get(f"/staf/siaran-pers/{release.pk}/").content.decode()
    assert 'id="coverage-title"' in html and "Lombok Post" in html and "Positif" in html
    assert "Pemberitaan media:" in html  # beside the reads by channel
