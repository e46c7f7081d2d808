from __future__ import annotations

import pytest

from monitoring import links, watchlist
from monitoring.models import WatchTerm


def test_tracking_parameters_fragment_case_and_default_port_are_normalised_away():
    a = links.normalise("HTTPS://Kabar.Example:443/berita/1?utm_source=fb&id=7&fbclid=XYZ&utm_medium=x#top")
    b = links.normalise("https://kabar.example/berita/1?id=7")
    assert a == b == "https://kabar.example/berita/1?id=7"
    assert links.normalise("http://kabar.example") == "http://kabar.example/"
    assert links.normalise("http://kabar.example:8080/a?b=2&a=1") == "http://kabar.example:8080/a?a=1&b=2"


def build(*phrases, exclude=()):
    terms = [WatchTerm(phrase=p) for p in phrases] + [WatchTerm(phrase=p, is_exclusion=True) for p in exclude]
    return watchlist.build(terms)


def test_matching_ignores_case_and_compares_stems():
    terms = build("pelayanan paspor", "KWT")
    assert terms.match("Layanan Paspor dipercepat") == ["pelayanan paspor"]  # stem of pelayanan is layan
    assert terms.match("kwt membuka posko") == ["KWT"]
    assert terms.match("Paspor dan pelayanan publik") == []  # not side by side, not in order


def test_a_phrase_must_match_whole_words_in_order():
    terms = build("Kanwil Tengah")
    assert terms.match("Kepala Kanwil Tengah meresmikan") == ["Kanwil Tengah"]
    assert terms.match("Kanwil Tenggara meresmikan") == []
    assert terms.match("tengah kanwil") == []


def test_an_exclusion_drops_the_item_even_when_terms_match():
    terms = build("Kanwil Tengah", exclude=["lowongan kerja"])
    assert terms.match("Kanwil Tengah buka lowongan kerja") == []
    assert terms.match("Kanwil Tengah buka posko") == ["Kanwil Tengah"]


@pytest.mark.django_db
def test_a_unit_inherits_the_terms_of_the_units_above(unit_tree):
    WatchTerm.objects.create(unit=unit_tree["root"], phrase="Kementerian Contoh")
    WatchTerm.objects.create(unit=unit_tree["other"], phrase="Kanwil Timur")
    terms = watchlist.for_unit(unit_tree["satker"].pk)
    assert terms.match("Kementerian Contoh dan Kanwil Timur") == ["Kementerian Contoh"]


def test_a_term_that_matches_everything_is_warned():
    assert watchlist.breadth_warning("yang", [])
    assert watchlist.breadth_warning("di", [])
    assert watchlist.breadth_warning("Kanwil Tengah", []) == ""
    sample = [f"Berita daerah nomor {n}" for n in range(12)]
    assert watchlist.breadth_warning("daerah", sample)  # in every recent clipping
    assert watchlist.breadth_warning("Budi Santoso", sample) == ""
