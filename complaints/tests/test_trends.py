"""Trending topics: text processing, ranking on a hand-written corpus, unit scope, query counts, the partial."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from complaints.models import Complaint
from complaints.reporting import trends
from complaints.reporting.trends import Change, Topic

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)

# The last 7 days: street lights going out is the rising subject, potholes hold steady, rubbish piling up is
# new, queues are falling; a single report about illegal fees is no trend.
CURRENT = [
    ("Lampu jalan padam", "Lampu jalan di Gang Melati padam sejak tiga malam, gelap dan rawan."),
    ("Lampu jalan mati", "Sudah seminggu lampu jalan mati di perempatan Jl. Sudirman 12."),
    ("Lampu jalan padam lagi", "Lampu jalan sepanjang Jl. Pejanggik padam, pengendara kesulitan."),
    ("Penerangan: lampu jalan mati", "Mohon lampu jalan di kompleks Griya Asri diganti, mati total."),
    ("Lampu jalan padam di taman", "Taman kota gelap karena lampu jalan padam."),
    ("Lampu jalan rusak", "Tiang lampu jalan miring dan lampunya mati."),
    ("Lampu jalan tidak menyala", "Lampu jalan di dekat sekolah tidak menyala, anak-anak takut pulang."),
    ("Lampu jalan padam total", "Semua lampu jalan di Kelurahan Ampenan padam https://contoh.id/foto/123"),
    ("Jalan berlubang", "Jalan berlubang di depan pasar membahayakan motor."),
    ("Jalan berlubang besar", "Ada jalan berlubang dalam di Jl. Gajah Mada, mohon perbaikan."),
    ("Jalan berlubang belum diperbaiki", "Jalan berlubang dekat terminal belum diperbaiki."),
    ("Aspal jalan berlubang", "Jalan berlubang setelah hujan deras."),
    ("Jalan berlubang di tikungan", "Seorang pemotor jatuh karena jalan berlubang."),
    ("Antrean panjang di loket", "Antrean di loket pembuatan KTP mengular."),
    ("Antrean rekam KTP", "Mengantre dari subuh untuk rekam KTP."),
    ("Antrean lama sekali", "Antrean di kantor kecamatan tidak bergerak."),
    ("Antrean layanan", "Antrean pembayaran pajak kendaraan penuh."),
    ("Sampah menumpuk", "Sampah menumpuk di pinggir sungai."),
    ("Sampah menumpuk di pasar", "Sampah menumpuk dan berbau di pasar Cakranegara."),
    ("Sampah menumpuk berhari-hari", "Sampah menumpuk karena truk tidak datang."),
    ("Pungutan liar", "Ada pungutan liar saat mengurus surat pindah."),
]
# The 7 days before.
PREVIOUS = [
    ("Lampu jalan padam", "Lampu jalan padam di Gang Kenanga."),
    ("Lampu jalan mati", "Lampu jalan mati dekat masjid."),
    *[
        ("Jalan berlubang", f"Jalan berlubang di ruas {name}.")
        for name in ("Selaparang", "Majapahit", "Airlangga", "Udayana", "Langko")
    ],
    *[
        ("Antrean panjang", f"Antrean di loket {name} sangat panjang.")
        for name in ("KTP", "KK", "akta", "paspor", "pajak", "SIM", "BPJS", "nikah", "IMB", "SKCK")
    ],
]
# In another unit, in the same week: many reports of illegal fees, which must never reach kanwil's topics.
OTHER_UNIT = [("Pungutan liar", f"Pungutan liar lagi, Rp{n}.000.") for n in range(12)]

_codes = (f"T{n:063d}" for n in itertools.count())


def file_reports(unit, texts, *, days_ago: float, spread: float = 5.0) -> None:
    """Store reports filed between `days_ago` and `days_ago + spread` days before NOW (bulk, not one by one)."""
    made = Complaint.objects.bulk_create(
        Complaint(tracking_digest=next(_codes), unit=unit, title=title, description=description)
        for title, description in texts
    )
    step = spread / max(len(made), 1)
    for index, complaint in enumerate(made):
        complaint.created_at = NOW - timedelta(days=days_ago + index * step)
    Complaint.objects.bulk_update(made, ["created_at"])


@pytest.fixture
def corpus(unit_tree):
    file_reports(unit_tree["kanwil"], CURRENT[:15], days_ago=0.5)
    file_reports(unit_tree["satker"], CURRENT[15:], days_ago=0.5)  # below kanwil: in its officers' scope
    file_reports(unit_tree["kanwil"], PREVIOUS, days_ago=7.5)
    file_reports(unit_tree["other"], OTHER_UNIT, days_ago=1)
    return unit_tree


def kanwil_scope(unit_tree) -> set[int]:
    return {unit_tree["kanwil"].pk, unit_tree["satker"].pk}


# --- text ----------------------------------------------------------------------------------------------------


def test_stop_words_short_words_digits_and_urls_are_dropped():
    found = [surface for surface, _ in filter(None, trends.words(
        "Mohon dan tolong, di RT 05 ada yang sudah tidak beres: lihat https://contoh.id/a1 atau www.x.id ok"
    ))]  # fmt: skip
    assert found == ["beres"]


def test_stemming_merges_the_forms_of_a_word():
    stems = {trends.stem(word) for word in ("perbaikan", "diperbaiki", "memperbaiki")}
    assert stems == {"baik"}
    assert trends.stem("mengantre") == trends.stem("antrean") == "antre"


def test_phrases_join_only_words_that_stood_next_to_each_other():
    found = dict(trends.terms("Lampu jalan padam. Lampu di taman"))
    assert found["lampu jalan"] == "lampu jalan"
    assert found["jalan padam"] == "jalan padam"
    assert "padam lampu" not in found  # the full stop breaks the pair
    assert "lampu taman" not in found  # so does the stop-word "di"


def test_a_word_counts_once_per_report_and_the_label_is_its_commonest_form():
    topics = trends.rank(
        [
            ("Jembatan perlu perbaikan", "Perbaikan jembatan, perbaikan segera, perbaikan total."),
            ("Jembatan belum diperbaiki", "Jembatan lapuk."),
            ("Memperbaiki talud", "Dinas tak kunjung memperbaiki talud."),
        ],
        [],
    )
    by_term = {topic.term: topic for topic in topics}
    assert by_term["baik"].count == 3
    assert by_term["baik"].label == "perbaikan"
    assert by_term["jembatan"].count == 2


# --- ranking ---------------------------------------------------------------------------------------------------


def test_top_topics_of_the_fixture_corpus_and_their_direction():
    topics = trends.rank(CURRENT, PREVIOUS)
    assert [(t.term, t.label, t.count, t.previous, t.change) for t in topics[:4]] == [
        ("lampu jalan", "lampu jalan", 8, 2, Change.RISING),
        ("jalan lubang", "jalan berlubang", 5, 5, Change.STEADY),
        ("sampah tumpuk", "sampah menumpuk", 3, 0, Change.NEW),
        ("antre", "antrean", 4, 10, Change.FALLING),
    ]
    assert topics[0].ratio == 4.0 and topics[2].ratio is None and topics[3].ratio == 0.4
    assert len(topics) == 5
    terms = {t.term for t in topics}
    # "lampu" and "padam" are spoken for by "lampu jalan"; a lone report is no trend; stop-words never show
    assert not terms & {"lampu", "padam", "jalan padam", "jalan", "pungut", "liar", "mohon", "ada", "yang"}


def test_growth_lifts_a_topic_above_a_slightly_larger_steady_one():
    current = [("Banjir", "")] * 4 + [("Parkir liar", "")] * 5
    previous = [("Parkir liar", "")] * 5
    topics = trends.rank(current, previous)
    assert [t.term for t in topics[:2]] == ["banjir", "parkir liar"]


def test_ties_are_broken_the_same_way_every_time():
    current = [("Drainase", "Drainase tersumbat."), ("Drainase", "Drainase meluap."), ("Trotoar", "Trotoar."),
               ("Trotoar", "Trotoar rusak.")]  # fmt: skip
    first = trends.rank(current, [])
    assert first == trends.rank(list(reversed(current)), [])
    assert [t.term for t in first] == ["drainase", "trotoar"]


def test_change_labels():
    assert trends._change(5, 0) == (Change.NEW, None)
    assert trends._change(8, 2) == (Change.RISING, 4.0)
    assert trends._change(2, 10) == (Change.FALLING, 0.2)
    assert trends._change(6, 5) == (Change.STEADY, 1.2)
    assert trends._change(3, 1)[0] == Change.RISING
    assert trends._change(2, 1)[0] == Change.STEADY  # one report more is noise


# --- the selector ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_trending_reads_the_windows_from_the_database(corpus):
    topics = trends.trending(kanwil_scope(corpus), days=7, now=NOW)
    assert [(t.label, t.count, t.previous, t.change) for t in topics[:4]] == [
        ("lampu jalan", 8, 2, Change.RISING),
        ("jalan berlubang", 5, 5, Change.STEADY),
        ("sampah menumpuk", 3, 0, Change.NEW),
        ("antrean", 4, 10, Change.FALLING),
    ]
    month = {t.term: t for t in trends.trending(kanwil_scope(corpus), days=30, now=NOW)}
    # in the 30-day window both weeks count, and nothing came before them
    assert month["antre"].count == 14 and month["antre"].change == Change.NEW
    assert month["jalan lubang"].count == 10


@pytest.mark.django_db
def test_another_units_reports_are_never_counted(corpus):
    mine = trends.trending(kanwil_scope(corpus), days=7, now=NOW)
    assert all("pungut" not in t.term and "tugas" not in t.term for t in mine)
    theirs = trends.trending({corpus["other"].pk}, days=7, now=NOW)
    assert theirs[0].term == "pungut liar" and theirs[0].count == 12
    assert not {"lampu jalan", "antre"} & {t.term for t in theirs}
    assert trends.trending(frozenset(), days=7, now=NOW) == []
    everything = {t.term: t.count for t in trends.trending(None, days=7, now=NOW)}
    assert everything["pungut liar"] == 12 + 1 and everything["lampu jalan"] == 8


@pytest.mark.django_db
@pytest.mark.parametrize("copies", [1, 10])
def test_queries_do_not_grow_with_the_number_of_reports(unit_tree, copies, django_assert_max_num_queries):
    for _ in range(copies):
        file_reports(unit_tree["kanwil"], CURRENT, days_ago=0.5)
        file_reports(unit_tree["kanwil"], PREVIOUS, days_ago=7.5)
    assert Complaint.objects.count() == copies * (len(CURRENT) + len(PREVIOUS))
    with django_assert_max_num_queries(2):
        topics = trends.trending({unit_tree["kanwil"].pk}, days=7, now=NOW)
    assert topics[0].term == "lampu jalan" and topics[0].count == 8 * copies


@pytest.mark.django_db
def test_the_result_is_cached_per_scope_period_and_day(corpus, django_assert_num_queries):
    scope = kanwil_scope(corpus)
    first = trends.trending(scope, days=7, now=NOW)
    with django_assert_num_queries(0):
        assert trends.trending(scope, days=7, now=NOW + timedelta(minutes=5)) == first
    with django_assert_num_queries(2):
        trends.trending(scope, days=30, now=NOW)
    with django_assert_num_queries(2):
        trends.trending({corpus["other"].pk}, days=7, now=NOW)
    with django_assert_num_queries(2):
        trends.trending(scope, days=7, now=NOW + timedelta(days=1))


@pytest.mark.django_db
def test_dashboard_context_follows_the_users_dashboard_scope(corpus, officer, other_unit_officer, citizen):
    mine = trends.dashboard_context(officer, now=NOW)
    assert mine["trends_7"][0].term == "lampu jalan"
    assert {t.term for t in mine["trends_30"]} >= {"lampu jalan", "antre"}
    theirs = trends.dashboard_context(other_unit_officer, now=NOW)
    assert [t.term for t in theirs["trends_7"]] == ["pungut liar"]
    assert trends.dashboard_context(citizen, now=NOW) == {"trends_7": [], "trends_30": []}


# --- the partial -----------------------------------------------------------------------------------------------


def topic(label, **fields) -> Topic:
    values = {"term": label, "label": label, "count": 3, "previous": 1, "change": Change.RISING, "ratio": 3.0}
    return Topic(**{**values, **fields})


def test_queue_url_carries_the_label():
    assert trends.queue_url(topic("lampu jalan")) == "/staf/pengaduan/?q=lampu+jalan"
    assert topic("a&b=c").url == "/staf/pengaduan/?q=a%26b%3Dc"


def test_the_partial_links_each_topic_to_the_filtered_queue_and_marks_its_direction():
    context = {
        "trends_7": [topic("lampu jalan", count=8, previous=2), topic("antrean", change=Change.FALLING, previous=9),
                     topic("sampah", change=Change.NEW, previous=0, ratio=None)],
        "trends_30": [topic("jalan berlubang", change=Change.STEADY, count=10, previous=10)],
    }  # fmt: skip
    with translation.override("id"):
        html = render_to_string("complaints/_trends.html", context)
    assert '<a href="/staf/pengaduan/?q=lampu+jalan">lampu jalan</a>' in html
    assert '<a href="/staf/pengaduan/?q=jalan+berlubang">jalan berlubang</a>' in html
    assert "8 laporan" in html
    assert "naik" in html and "turun" in html and "baru" in html and "tetap" in html
    assert "(sebelumnya 2)" in html
    assert "7 hari terakhir" in html and "30 hari terakhir" in html
    assert "style=" not in html


def test_the_partial_escapes_labels():
    evil = topic('<script>alert("x")</script>')
    html = render_to_string("complaints/_trends.html", {"trends_7": [evil], "trends_30": []})
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="/staf/pengaduan/?q=%3Cscript%3Ealert%28%22x%22%29%3C%2Fscript%3E"' in html


def test_the_partial_has_an_empty_state():
    with translation.override("en"):
        html = render_to_string("complaints/_trends.html", {"trends_7": [], "trends_30": []})
    assert html.count("No topic recurs in this period yet.") == 2
    assert "<ol" not in html
