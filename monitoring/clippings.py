"""Clippings: storing the matching items of a fetched feed once, adding one by hand, marking one irrelevant
and correcting its tone. Each function is one transaction."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from humas.errors import Refused

from . import coverage, links, sentiment, watchlist
from .fetching import FeedItem
from .models import Clipping, Source, Tone

DUPLICATE_WINDOW = timedelta(days=3)


def fingerprint(title: str) -> str:
    """The same headline under another address (syndication, AMP, a mobile page) has the same fingerprint."""
    return hashlib.sha256(" ".join(watchlist.tokens(title)).encode()).hexdigest()


def find_duplicate(*, url: str, title: str, published: datetime) -> Clipping | None:
    same = Clipping.objects.filter(url=url).first()
    if same:
        return same
    return Clipping.objects.filter(
        fingerprint=fingerprint(title),
        published_at__gte=published - DUPLICATE_WINDOW,
        published_at__lte=published + DUPLICATE_WINDOW,
    ).first()


def _tone_text(title: str, summary: str) -> str:
    return f"{title}. {summary}"


@transaction.atomic
def ingest(source: Source, items: list[FeedItem], *, now: datetime | None = None) -> list[Clipping]:
    """Store the items that match the source's unit's watchlist and are not yet clipped; their tone is
    computed here (this runs in the fetch task) and their coverage of releases recorded. Returns the new
    clippings."""
    now = now or timezone.now()
    terms = watchlist.for_unit(source.unit_id)
    fresh: list[tuple[Clipping, FeedItem]] = []
    for item in items:
        matched = terms.match(f"{item.title} {item.summary}")
        if not matched:
            continue
        url = links.normalise(item.link)
        published = min(item.published or now, now)
        if find_duplicate(url=url, title=item.title, published=published):
            continue
        clipping = Clipping(
            unit_id=source.unit_id, source=source, outlet=source.outlet, title=item.title, summary=item.summary,
            url=url, fingerprint=fingerprint(item.title), published_at=published, matched_terms=matched,
        )  # fmt: skip
        try:
            with transaction.atomic():
                clipping.save()
        except IntegrityError:  # another worker stored the same address a moment ago
            continue
        fresh.append((clipping, item))
    if fresh:
        tones = sentiment.classify([_tone_text(c.title, c.summary) for c, _item in fresh])
        for (clipping, item), (tone, score) in zip(fresh, tones, strict=True):
            clipping.tone, clipping.tone_score = tone, score
            clipping.save(update_fields=["tone", "tone_score"])
            coverage.detect(clipping, links=item.links)
    return [clipping for clipping, _item in fresh]


@transaction.atomic
def add_by_hand(
    *, unit_id: int, url: str, title: str, outlet: str, summary: str, published_at: datetime, by
) -> Clipping:
    """A clipping from a print scan or a site without a feed. Its tone is computed by a task on commit."""
    url = links.normalise(url)
    duplicate = find_duplicate(url=url, title=title, published=published_at)
    if duplicate:
        raise Refused(_("This news item is already clipped: “%(title)s”.") % {"title": duplicate.title})
    clipping = Clipping.objects.create(
        unit_id=unit_id, outlet=outlet, title=title, summary=summary, url=url, fingerprint=fingerprint(title),
        published_at=published_at, added_by=by,
        matched_terms=watchlist.for_unit(unit_id).match(f"{title} {summary}"),
    )  # fmt: skip
    coverage.detect(clipping)
    from .tasks import classify_clipping_task

    transaction.on_commit(lambda: classify_clipping_task.delay(clipping.pk))
    return clipping


def classify(clipping_id: int) -> str:
    """Compute the tone of a clipping that has none yet (idempotent; a staff correction is never replaced)."""
    with transaction.atomic():
        clipping = Clipping.objects.select_for_update().filter(pk=clipping_id).first()
        if clipping is None or clipping.tone:
            return clipping.tone if clipping else ""
        ((tone, score),) = sentiment.classify([_tone_text(clipping.title, clipping.summary)])
        clipping.tone, clipping.tone_score = tone, score
        clipping.save(update_fields=["tone", "tone_score", "updated_at"])
        return tone


@transaction.atomic
def set_relevance(clipping: Clipping, *, irrelevant: bool, by) -> None:
    clipping.is_irrelevant = irrelevant
    clipping.save(update_fields=["is_irrelevant", "updated_at"])


@transaction.atomic
def correct_tone(clipping: Clipping, *, tone: str, by) -> None:
    """A staff member's tone; kept as a training example for `manage.py train_sentiment`."""
    if tone not in Tone.values:
        raise Refused(_("Choose positive, neutral or negative."))
    clipping.tone, clipping.tone_score, clipping.tone_corrected_by = tone, 1.0, by
    clipping.save(update_fields=["tone", "tone_score", "tone_corrected_by", "updated_at"])
