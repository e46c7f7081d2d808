"""Matching news items against a unit's watchlist, Indonesian-aware: case does not count, words are compared
by their Sastrawi stem (the same stemmer the trending topics use, so "pelayanan" matches "layanan" and
"dilayani"), and a phrase matches only its words side by side in that order. An item with any matching
exclusion is not clipped."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from complaints.reporting.trends import STOP_WORDS, stem
from humas.models import Unit

from .models import WatchTerm

_TOKEN = re.compile(r"[a-z0-9]+")
BROAD_SHARE = 0.5  # a term found in half of the recent clippings or more is too broad
BROAD_MIN_SAMPLE = 10


def tokens(text: str) -> list[str]:
    """The text's words, lower-case and stemmed (abbreviations and numbers kept as they are)."""
    return [stem(word) if word.isalpha() and len(word) > 3 else word for word in _TOKEN.findall((text or "").lower())]


def _contains(haystack: list[str], needle: tuple[str, ...]) -> bool:
    if not needle:
        return False
    first, size = needle[0], len(needle)
    return any(
        haystack[i] == first and tuple(haystack[i : i + size]) == needle for i in range(len(haystack) - size + 1)
    )


@dataclass(frozen=True)
class Watchlist:
    terms: tuple[tuple[str, tuple[str, ...]], ...]  # (phrase as entered, its tokens)
    exclusions: tuple[tuple[str, tuple[str, ...]], ...]

    def match(self, text: str) -> list[str]:
        """The phrases the text contains (as entered), or [] when none does or an exclusion does."""
        found = tokens(text)
        if any(_contains(found, needle) for _phrase, needle in self.exclusions):
            return []
        return [phrase for phrase, needle in self.terms if _contains(found, needle)]


def build(terms: Iterable[WatchTerm]) -> Watchlist:
    include, exclude = [], []
    for term in terms:
        (exclude if term.is_exclusion else include).append((term.phrase, tuple(tokens(term.phrase))))
    return Watchlist(terms=tuple(include), exclusions=tuple(exclude))


def for_unit(unit_id: int) -> Watchlist:
    """The unit's terms and those of the units above it (the institution's name applies to all its offices)."""
    above = Unit.objects.ancestors_of(unit_id).values("pk")
    return build(WatchTerm.objects.filter(unit_id__in=above).order_by("phrase"))


def breadth_warning(phrase: str, sample: list[str]) -> str:
    """A warning when the phrase would match nearly everything: only stop-words or one- and two-letter words,
    or found in half of the `sample` texts (the unit's recent clippings) or more. Empty when it is fine."""
    words = _TOKEN.findall(phrase.lower())
    if not words or all(word in STOP_WORDS or len(word) < 3 for word in words):
        return _("This term is a common word: it will match almost every news item.")
    if len(sample) >= BROAD_MIN_SAMPLE:
        needle = tuple(tokens(phrase))
        hits = sum(1 for text in sample if _contains(tokens(text), needle))
        if hits >= BROAD_SHARE * len(sample):
            return _("This term appears in %(hits)s of the last %(total)s clippings: it may match too much.") % {
                "hits": hits,
                "total": len(sample),
            }
    return ""
