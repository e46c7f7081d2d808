"""The public newsroom: `selectors` read the published releases (lists, filters, search, one release),
`views` serve the list, a release page and photo downloads, `feeds` the RSS/Atom/JSON feeds, `seo` the
sitemaps and robots.txt; `cache` keeps whole pages under the newsroom's version and `counter` counts views.

The rest of the app calls `bump_version` (on commit of every public change) and the beat task calls
`flush_views`."""

from __future__ import annotations

from . import cache, counter, selectors
from .cache import bump_version
from .counter import flush_views

__all__ = ["bump_version", "cache", "counter", "flush_views", "selectors"]
