"""Clarification releases: the small, named interface between `releases` and `complaints`, which never
import each other. When many citizens report the same matter, humas answers the public with one press release
and links it to those reports; when it is published, each reporter is told.

- `releases` provides the reader of a release as plain data (`provide_release`) and, after a release's first
  publication, calls `published(release_id)`;
- `complaints` keeps the links and tells the reporters: it registers its handler with `on_published`, reads a
  release with `release(release_id)`, and offers its door for linking from outside (`provide_linker`,
  `link_topic`: every open report of a topic, e.g. from the releases' demo data).

Both register from their AppConfig.ready(); humas imports neither.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReleaseInfo:
    """What complaints may know of a release: plain values, no model."""

    id: int
    unit_id: int
    title: str
    summary: str
    url: str  # the public page's absolute address
    status: str
    status_label: str
    published: bool  # public now (published and not withdrawn)


_reader: list[Callable[[int], ReleaseInfo | None]] = []
_handlers: list[Callable[[int], object]] = []
_linker: list[Callable[..., int]] = []


def provide_release(reader: Callable[[int], ReleaseInfo | None]) -> None:
    """Releases' reader of one release (the last registration wins: an AppConfig.ready() may run again)."""
    _reader[:] = [reader]


def release(release_id: int) -> ReleaseInfo | None:
    """The release as plain data, or None when there is none (or no app provides releases)."""
    return _reader[0](release_id) if _reader else None


def on_published(handler: Callable[[int], object]) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def published(release_id: int) -> None:
    """A release was published for the first time (called on commit): every handler hears of it; a failing
    handler is logged and does not stop the others."""
    for handler in _handlers:
        try:
            handler(release_id)
        except Exception:
            logger.exception("clarification handler %r failed for release %s", handler, release_id)


def provide_linker(linker: Callable[..., int]) -> None:
    """Complaints' `link_topic(*, by, release_id, label) -> int` (the last registration wins)."""
    _linker[:] = [linker]


def link_topic(*, by, release_id: int, label: str) -> int:
    """Link every open report of a topic (in `by`'s units) to the release; how many links are new. Raises
    what complaints' service raises (humas.errors.Refused). 0 when no app keeps complaints."""
    return _linker[0](by=by, release_id=release_id, label=label) if _linker else 0
