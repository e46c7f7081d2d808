from __future__ import annotations

import pytest

from .feedserver import FeedServer


@pytest.fixture
def feeds():
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def watchlist(unit_tree):
    """The Kanwil Tengah's watchlist: its name and abbreviation, its head, a programme; one exclusion."""
    from monitoring.models import WatchTerm

    unit = unit_tree["kanwil"]
    for phrase in ("Kanwil Tengah", "KWT", "Budi Santoso", "pelayanan paspor"):
        WatchTerm.objects.create(unit=unit, phrase=phrase)
    WatchTerm.objects.create(unit=unit, phrase="lowongan kerja", is_exclusion=True)
    return unit
