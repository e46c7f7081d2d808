"""The PRCC view's figures: the top issues of the last 24 hours, 7 or 30 days across clippings and complaints,
found the way the complaints' trending topics are (complaints.reporting.trends.rank: the same stemming,
phrases and ranking, over both kinds of text), each with its volume, its change against the period before,
its positive / neutral / negative split, its top outlets and links to its clippings and reports.

The watchlist's own words (the institution's names, its leaders) are left out of the ranking: every clipping
carries them. Five queries, whatever the number of rows (two for each period, one for the watchlist); the result
is cached for 30 seconds per scope and period (the page refreshes that often)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from complaints.reporting import trends

from . import watchlist
from .models import Clipping, ComplaintTone, Tone, WatchTerm

PERIODS = {"6h": timedelta(hours=6), "24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
PERIOD_LABELS = {"24h": _("Last 24 hours"), "7d": _("Last 7 days"), "30d": _("Last 30 days")}
DEFAULT_PERIOD = "7d"
CACHE_SECONDS = 30
TOP_OUTLETS = 3
CLIPPINGS_PATH = "/staf/isu/kliping/"
TONES = (Tone.POSITIVE, Tone.NEUTRAL, Tone.NEGATIVE)


@dataclass
class Issue:
    term: str
    label: str
    volume: int
    previous: int
    change: str
    ratio: float | None
    clippings: int
    complaints: int
    tones: dict[str, int]  # positive, neutral, negative, and "unscored" (tone not computed yet)
    outlets: list[tuple[str, int]] = field(default_factory=list)
    period: str = DEFAULT_PERIOD

    @property
    def clippings_url(self) -> str:
        return f"{CLIPPINGS_PATH}?{urlencode({'q': self.label, 'periode': self.period})}"

    @property
    def complaints_url(self) -> str:
        return f"{trends.QUEUE_PATH}?{urlencode({'q': self.label})}"

    @property
    def bar(self) -> list[tuple[str, int, float, float]]:
        """(tone, count, x, width) in percent of the volume, for the SVG bar."""
        out, x = [], 0.0
        for tone in (*TONES, "unscored"):
            count = self.tones.get(tone, 0)
            if count:
                width = 100 * count / self.volume
                out.append((tone, count, round(x, 2), round(width, 2)))
                x += width
        return out


@dataclass
class Doc:
    kind: str  # "clipping" or "complaint"
    title: str
    text: str
    tone: str
    outlet: str


def _clippings(unit_ids, start: datetime, end: datetime):
    rows = Clipping.objects.filter(published_at__gte=start, published_at__lt=end, is_irrelevant=False)
    return rows if unit_ids is None else rows.filter(unit_id__in=unit_ids)


def _complaints(unit_ids, start: datetime, end: datetime):
    rows = Complaint.objects.filter(created_at__gte=start, created_at__lt=end)
    return rows if unit_ids is None else rows.filter(unit_id__in=unit_ids)


def documents(unit_ids, start: datetime, end: datetime) -> list[Doc]:
    docs = [
        Doc("clipping", title, summary, tone or "unscored", outlet)
        for title, summary, tone, outlet in _clippings(unit_ids, start, end)
        .order_by()
        .values_list("title", "summary", "tone", "outlet")
    ]
    tone = Subquery(ComplaintTone.objects.filter(complaint_id=OuterRef("pk")).values("tone")[:1])
    docs += [
        Doc("complaint", title, description, tone or "unscored", "")
        for title, description, tone in _complaints(unit_ids, start, end)
        .annotate(tone=tone)
        .order_by()
        .values_list("title", "description", "tone")
    ]
    return docs


def _previous_texts(unit_ids, start: datetime, end: datetime) -> list[tuple[str, str]]:
    texts = list(_clippings(unit_ids, start, end).order_by().values_list("title", "summary"))
    return texts + list(_complaints(unit_ids, start, end).order_by().values_list("title", "description"))


def compute(unit_ids, *, period: str, now: datetime, limit: int = 5) -> list[Issue]:
    span = PERIODS[period]
    return between(unit_ids, start=now - span, end=now, limit=limit, period=period)


def own_words(unit_ids) -> frozenset[str]:
    """The stems of the watchlist's terms in scope (the institution's names, its leaders): every clipping
    carries them, so they are what is watched, never an issue."""
    terms = WatchTerm.objects.filter(is_exclusion=False)
    if unit_ids is not None:
        terms = terms.filter(unit_id__in=unit_ids)
    return frozenset(stem for phrase in terms.values_list("phrase", flat=True) for stem in watchlist.tokens(phrase))


def _without(own: frozenset[str], text: str) -> str:
    """The text with the watched words replaced by a full stop (which also keeps their neighbours apart)."""
    if not own:
        return text
    return " ".join("." if own.intersection(watchlist.tokens(word)) else word for word in (text or "").split())


def between(unit_ids, *, start: datetime, end: datetime, limit: int = 5, period: str = "") -> list[Issue]:
    """The top issues of [start, end), compared with the span of the same length just before."""
    docs = documents(unit_ids, start, end)
    own = own_words(unit_ids)
    previous = [
        (_without(own, a), _without(own, b)) for a, b in _previous_texts(unit_ids, start - (end - start), start)
    ]
    topics = trends.rank([(_without(own, d.title), _without(own, d.text)) for d in docs], previous, limit=limit)
    issues = []
    for topic in topics:
        members = [docs[i] for i in topic.members]
        tones = Counter(d.tone for d in members)
        outlets = Counter(d.outlet for d in members if d.kind == "clipping")
        issues.append(
            Issue(
                term=topic.term,
                label=topic.label,
                volume=topic.count,
                previous=topic.previous,
                change=topic.change,
                ratio=topic.ratio,
                clippings=sum(1 for d in members if d.kind == "clipping"),
                complaints=sum(1 for d in members if d.kind == "complaint"),
                tones={tone: tones.get(tone, 0) for tone in (*TONES, "unscored")},
                outlets=sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_OUTLETS],
                period=period or DEFAULT_PERIOD,
            )
        )
    return issues


def top_issues(unit_ids, *, period: str = DEFAULT_PERIOD, now: datetime | None = None, limit: int = 5) -> list[Issue]:
    """The top issues in the given units (None: all), cached for CACHE_SECONDS."""
    if unit_ids is not None and not unit_ids:
        return []
    if period not in PERIODS:
        raise ValueError(period)
    now = now or timezone.now()
    scope = "all" if unit_ids is None else ",".join(str(pk) for pk in sorted(unit_ids))
    digest = hashlib.sha256(scope.encode()).hexdigest()[:24]
    key = f"monitoring:issues:{digest}:{period}:{limit}:{int(now.timestamp() // CACHE_SECONDS)}"
    found = cache.get(key)
    if found is None:
        found = compute(unit_ids, period=period, now=now, limit=limit)
        cache.set(key, found, CACHE_SECONDS)
    return found
