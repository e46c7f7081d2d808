"""Trending topics: the words and two-word phrases that recur in the reports of the last 7 or 30 days,
compared with the period of the same length just before.

Text is lower-cased, cleared of URLs, e-mail addresses, digits and punctuation, split into words; Indonesian
stop-words (Sastrawi's list plus complaint boilerplate) and words under three letters are dropped and the
rest stemmed with Sastrawi, so "perbaikan", "diperbaiki" and "memperbaiki" count as one topic. A phrase is
two content words that stand next to each other in the text (a stop-word or punctuation breaks the pair).

Choosing topics: a word is replaced by a phrase when phrases account for most of its reports ("lampu" by
"lampu jalan"); phrases that never do so are not topics. Candidates are ranked by how many reports in the
window contain them, with a bonus for growth over the previous window; a candidate whose reports are mostly
those of a higher-ranked topic sharing a word with it is skipped, so one subject fills one place.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.utils import timezone
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

from complaints.models import Complaint
from humas import access

QUEUE_PATH = "/staf/pengaduan/"
CACHE_SECONDS = 10 * 60
MIN_WORD_LENGTH = 3
MIN_COUNT = 2  # a topic must recur: one report is not a trend
PHRASE_SHARE = 0.6  # phrases covering this share of a word's reports speak for the word
OVERLAP_SHARE = 2 / 3  # a candidate sharing this share of reports with a chosen topic is the same subject
GROWTH_BONUS = 0.5  # each report more than in the previous window adds this much to the rank
RISE_FACTOR = 1.25  # at least 25 % more reports (and at least MIN_CHANGE more) is rising
MIN_CHANGE = 2

# Words every complaint uses that say nothing about its subject.
COMPLAINT_STOP_WORDS = frozenset(
    """
    aduan adukan bapak ibu mas mbak tolong mohon terima kasih yth hormat dengan laporan lapor melaporkan
    dilaporkan keluhan mengeluh mengeluhkan pengaduan mengadu mengadukan warga masyarakat pihak sudah belum
    sangat sekali gak nggak ngga enggak tidak tdk yg dgn utk krn sdh blm dan atau kami kita saya mereka
    instansi kantor bagaimana kenapa mengapa tindak lanjut tindaklanjuti segera minggu bulan tahun hari jam
    pagi siang sore malam kemarin besok tanggal nomor mulai sejak
    """.split()  # noqa: SIM905 — a word list reads better as prose than as 70 quoted lines
)
STOP_WORDS = frozenset(StopWordRemoverFactory().get_stop_words()) | COMPLAINT_STOP_WORDS

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+")
_WORD_OR_BREAK = re.compile(r"[a-z]+(?:-[a-z]+)*|[^a-z\s]+")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


class Change:
    RISING = "rising"
    FALLING = "falling"
    STEADY = "steady"
    NEW = "new"


@dataclass(frozen=True)
class Topic:
    term: str  # a stem, or two stems joined by a space
    label: str  # the surface form seen most often
    count: int  # reports in the window containing it
    previous: int  # reports in the previous window of the same length containing it
    change: str  # a Change value
    ratio: float | None  # count / previous, None when it is new
    # positions in `current` of the texts that contain it (for callers that join their own figures, such as
    # monitoring's issues with their tone and outlets)
    members: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @property
    def url(self) -> str:
        return queue_url(self)


def queue_url(topic: Topic) -> str:
    """The staff queue filtered by the topic's words."""
    return f"{QUEUE_PATH}?{urlencode({'q': topic.label})}"


# --- text --------------------------------------------------------------------------------------------------


@functools.cache
def _stemmer():
    return StemmerFactory().create_stemmer()


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Sastrawi's stem of one lower-case word (slow: cached per word)."""
    return _stemmer().stem(word) or word


def words(text: str) -> list[tuple[str, str] | None]:
    """The text as (surface word, stem) pairs, with None where a stop-word, a short word, a number or
    punctuation stood, so that phrases never join words that were not next to each other."""
    text = _URL.sub(" . ", (text or "").lower())
    out: list[tuple[str, str] | None] = []
    for token in _WORD_OR_BREAK.findall(text):
        if not _WORD.fullmatch(token) or len(token) < MIN_WORD_LENGTH or token in STOP_WORDS:
            if out and out[-1] is not None:
                out.append(None)
            continue
        out.append((token, stem(token)))
    return out


def terms(text: str) -> Iterator[tuple[str, str]]:
    """(term, surface) for every word and every phrase of two neighbouring words in the text."""
    previous = None
    for item in words(text):
        if item is None:
            previous = None
            continue
        surface, root = item
        yield root, surface
        if previous is not None and previous[1] != root:
            yield f"{previous[1]} {root}", f"{previous[0]} {surface}"
        previous = item


# --- counting ----------------------------------------------------------------------------------------------


@dataclass
class _Window:
    reports: dict[str, set[int]]  # term -> indexes of the reports that contain it
    surfaces: dict[str, Counter]  # term -> how often each surface form produced it


def _count(texts: Iterable[tuple[str, str]]) -> _Window:
    reports: dict[str, set[int]] = defaultdict(set)
    surfaces: dict[str, Counter] = defaultdict(Counter)
    for index, (title, description) in enumerate(texts):
        for text in (title, description):
            for term, surface in terms(text):
                reports[term].add(index)
                surfaces[term][surface] += 1
    return _Window(reports=reports, surfaces=surfaces)


def _candidates(window: _Window) -> list[str]:
    """The recurring words, except those that phrases speak for, which give way to those phrases."""
    recurring = {term: ids for term, ids in window.reports.items() if len(ids) >= MIN_COUNT}
    phrases_of: dict[str, list[str]] = defaultdict(list)
    for term in recurring:
        if " " in term:
            for part in term.split(" "):
                phrases_of[part].append(term)
    chosen: set[str] = set()
    for term, ids in recurring.items():
        if " " in term:
            continue
        phrases = phrases_of.get(term, [])
        collocations = [phrase for phrase in phrases if _is_collocation(phrase, recurring)]
        covered = set().union(*(recurring[phrase] for phrase in phrases))
        if collocations and len(covered) >= PHRASE_SHARE * len(ids):
            chosen.update(collocations)
        else:
            chosen.add(term)
    return sorted(chosen)


def _is_collocation(phrase: str, recurring: dict[str, set[int]]) -> bool:
    """True when the phrase holds most of the reports of one of its words."""
    count = len(recurring[phrase])
    return any(count >= PHRASE_SHARE * len(recurring.get(part, ())) for part in phrase.split(" "))


def _change(count: int, previous: int) -> tuple[str, float | None]:
    if previous == 0:
        return Change.NEW, None
    ratio = round(count / previous, 2)
    if count - previous >= MIN_CHANGE and count >= RISE_FACTOR * previous:
        return Change.RISING, ratio
    if previous - count >= MIN_CHANGE and previous >= RISE_FACTOR * count:
        return Change.FALLING, ratio
    return Change.STEADY, ratio


def _label(surfaces: Counter) -> str:
    return min(surfaces.items(), key=lambda item: (-item[1], item[0]))[0]


def rank(current: Iterable[tuple[str, str]], previous: Iterable[tuple[str, str]], *, limit: int = 5) -> list[Topic]:
    """The top topics of the (title, description) pairs of `current`, compared with `previous`."""
    now = _count(current)
    before = _count(previous)

    def score(term: str) -> tuple:
        count, prior = len(now.reports[term]), len(before.reports.get(term, ()))
        return (-(count + GROWTH_BONUS * max(count - prior, 0)), -count, -term.count(" "), term)

    topics: list[Topic] = []
    taken: list[tuple[set[str], set[int]]] = []
    for term in sorted(_candidates(now), key=score):
        ids, parts = now.reports[term], set(term.split(" "))
        if any(
            parts & other_parts and len(ids & other_ids) >= OVERLAP_SHARE * min(len(ids), len(other_ids))
            for other_parts, other_ids in taken
        ):
            continue
        count, prior = len(ids), len(before.reports.get(term, ()))
        change, ratio = _change(count, prior)
        topics.append(
            Topic(
                term=term,
                label=_label(now.surfaces[term]),
                count=count,
                previous=prior,
                change=change,
                ratio=ratio,
                members=tuple(sorted(ids)),
            )
        )
        taken.append((parts, ids))
        if len(topics) == limit:
            break
    return topics


# --- selectors ---------------------------------------------------------------------------------------------


def _texts(unit_ids: Iterable[int] | None, start: datetime, end: datetime) -> Iterator[tuple[str, str]]:
    complaints = Complaint.objects.filter(created_at__gte=start, created_at__lt=end)
    if unit_ids is not None:
        complaints = complaints.filter(unit_id__in=unit_ids)
    return complaints.order_by().values_list("title", "description").iterator(chunk_size=2000)


VERSION_KEY = "complaints:trends:version"


def forget() -> None:
    """Drop every cached result (e.g. after an import): the next look-ups recompute."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _cache_key(unit_ids: Iterable[int] | None, days: int, day, limit: int) -> str:
    scope = "all" if unit_ids is None else ",".join(str(pk) for pk in sorted(unit_ids))
    digest = hashlib.sha256(scope.encode()).hexdigest()[:24]
    version = cache.get(VERSION_KEY, 1)
    return f"complaints:trends:v{version}:{digest}:{days}:{day.isoformat()}:{limit}"


def trending(
    unit_ids: set[int] | frozenset[int] | None, *, days: int, now: datetime | None = None, limit: int = 5
) -> list[Topic]:
    """The top `limit` topics of the reports filed in the last `days` days in the given units (None: all
    units), each compared with the `days` before. Two queries, whatever the number of reports; the result
    is cached for ten minutes per scope, period and day."""
    if unit_ids is not None and not unit_ids:
        return []
    now = now or timezone.now()
    key = _cache_key(unit_ids, days, timezone.localdate(now), limit)
    topics = cache.get(key)
    if topics is None:
        start, prior_start = now - timedelta(days=days), now - timedelta(days=2 * days)
        topics = rank(_texts(unit_ids, start, now), _texts(unit_ids, prior_start, start), limit=limit)
        cache.set(key, topics, CACHE_SECONDS)
    return topics


def dashboard_context(user: Any, now: datetime | None = None) -> dict[str, list[Topic]]:
    """`trends_7` and `trends_30` for the units whose dashboard the user may see."""
    unit_ids = access.unit_ids_for(user, "dashboard.view")
    return {
        "trends_7": trending(unit_ids, days=7, now=now),
        "trends_30": trending(unit_ids, days=30, now=now),
    }


def render_trends(request, **context) -> str:
    """The "staff_home" slot, below the dashboard: trending topics of the user's units."""
    from django.template.loader import render_to_string

    if not access.has_any(request.user, "dashboard.view"):
        return ""
    return render_to_string("complaints/_trends.html", dashboard_context(request.user), request=request)
