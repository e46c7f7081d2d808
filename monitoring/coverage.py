"""Coverage of releases: a clipping that links to a release's page, or whose title and lead are close enough
to those of a release published in the seven days before it, is recorded as coverage of that release.

Closeness is the cosine of the two sets of stemmed content words (stop-words dropped):
|A ∩ B| / √(|A|·|B|). The threshold was measured on labelled pairs (monitoring/tests/test_coverage.py:
news stories rewritten from a release against other stories about the same institution and place): the
rewrites scored 0.73–0.91 and the other stories 0.00–0.24. SIMILARITY_THRESHOLD sits just above the other
stories rather than in the middle of the gap, because real outlets paraphrase more than those rewrites.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings

from complaints.reporting.trends import STOP_WORDS
from releases.models import Release, Status

from .models import Clipping, Coverage, CoverageMethod
from .watchlist import tokens

SIMILARITY_THRESHOLD = 0.3
WINDOW = timedelta(days=7)
LEAD_CHARS = 400
_RELEASE_PATH = re.compile(r"^/(?:[a-z]{2}/)?siaran-pers/([-\w]+)/?$")


def content_words(text: str) -> set[str]:
    return {word for word in tokens(text) if len(word) > 2 and word not in STOP_WORDS and not word.isdigit()}


def similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def release_slug(url: str) -> str | None:
    """The slug when `url` is a release page of this portal."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() != (urlsplit(settings.SITE_URL).hostname or "").lower():
        return None
    match = _RELEASE_PATH.match(parts.path)
    return match[1] if match else None


def detect(clipping: Clipping, *, links: Iterable[str] = ()) -> list[Coverage]:
    """Record the releases this clipping carries (call inside the clipping's transaction)."""
    found: dict[int, tuple[str, float | None]] = {}
    slugs = {slug for slug in (release_slug(u) for u in [clipping.url, *links]) if slug}
    if slugs:
        for release_id in Release.objects.visible().filter(slug__in=slugs).values_list("pk", flat=True):
            found[release_id] = (CoverageMethod.LINK, None)
    words = content_words(f"{clipping.title} {clipping.summary[:LEAD_CHARS]}")
    recent = Release.objects.filter(
        status=Status.PUBLISHED,
        published_at__gte=clipping.published_at - WINDOW,
        published_at__lte=clipping.published_at + timedelta(hours=1),  # feeds' clocks drift
    ).values_list("pk", "title", "summary")
    for release_id, title, summary in recent:
        if release_id in found:
            continue
        score = similarity(words, content_words(f"{title} {summary[:LEAD_CHARS]}"))
        if score >= SIMILARITY_THRESHOLD:
            found[release_id] = (CoverageMethod.SIMILAR, round(score, 3))
    rows = [
        Coverage(release_id=release_id, clipping=clipping, method=method, similarity=score)
        for release_id, (method, score) in found.items()
    ]
    Coverage.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def for_release(release_id: int) -> list[Coverage]:
    """The relevant clippings that carried the release, newest first."""
    return list(
        Coverage.objects.filter(release_id=release_id, clipping__is_irrelevant=False)
        .select_related("clipping")
        .order_by("-clipping__published_at")
    )
