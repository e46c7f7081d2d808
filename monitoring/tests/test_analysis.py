"""The monthly media analysis: figures against the rows, the page with its SVG charts, the printable page,
the XLSX export and bad input."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from monitoring import analysis, coverage
from monitoring.models import ComplaintTone
from releases.tests.factories import published

from .helpers import clip, complaints

pytestmark = pytest.mark.django_db
MID = datetime(2026, 11, 15, 3, 0, tzinfo=UTC)


@pytest.fixture
def month(unit_tree, editor):
    kanwil, other = unit_tree["kanwil"], unit_tree["other"]
    for n, (outlet, tone) in enumerate(
        [
            ("Lombok Post", "negative"),
            ("Lombok Post", "positive"),
            ("Suara NTB", "neutral"),
            ("Suara NTB", "negative"),
            ("Radar", ""),
        ]
    ):
        clip(kanwil, f"Jalan rusak di desa {n}", at=MID + timedelta(hours=n), tone=tone, outlet=outlet)
    clip(kanwil, "Bulan lalu", at=MID - timedelta(days=30), tone="negative")
    clip(kanwil, "Tidak relevan", at=MID, tone="negative", is_irrelevant=True)
    clip(other, "Unit lain", at=MID, tone="negative", outlet="Lombok Post")
    made = complaints(kanwil, [("Jalan rusak", "parah"), ("Jalan rusak", "lagi")], at=MID)
    ComplaintTone.objects.create(complaint=made[0], tone="negative", score=0.9)
    release = published(kanwil, editor, title="Perbaikan jalan desa dimulai pekan ini")
    type(release).objects.filter(pk=release.pk).update(published_at=MID - timedelta(days=1))
    coverage.Coverage.objects.create(
        release=release, clipping=clip(kanwil, "Perbaikan jalan desa", at=MID, tone="positive", outlet="Radar"),
        method="similar", similarity=0.8,
    )  # fmt: skip
    return {"kanwil": kanwil.pk, "satker": unit_tree["satker"].pk, "release": release}


def test_the_figures_match_the_rows(month):
    result = analysis.analyse({month["kanwil"], month["satker"]}, date(2026, 11, 1))
    assert result.outlets[0] == ("Lombok Post", {"negative": 1, "positive": 1})
    assert dict(result.outlets) == {
        "Lombok Post": {"negative": 1, "positive": 1}, "Suara NTB": {"neutral": 1, "negative": 1},
        "Radar": {"": 1, "positive": 1},
    }  # fmt: skip
    assert result.clippings == 6
    assert result.media_tones == {"positive": 2, "neutral": 1, "negative": 2}
    assert (result.complaints, result.complaint_tones) == (2, {"positive": 0, "neutral": 0, "negative": 1})
    assert [(r.release.pk, r.count, r.outlets) for r in result.releases] == [(month["release"].pk, 1, ["Radar"])]
    assert result.top_issues[0].label == "jalan rusak"
    assert result.label == "November 2026"


def test_the_page_draws_the_charts_and_offers_print_and_xlsx(client, viewer, month):
    client.force_login(viewer)
    response = client.get("/staf/isu/analisis/?bulan=2026-11")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="chart-svg"') == 2 and "chart-tone-negative" in html
    assert "Lombok Post" in html and "Unit lain" not in html
    assert "format=xlsx" in html and "cetak=1" in html and "style=" not in html
    printable = client.get("/staf/isu/analisis/?bulan=2026-11&cetak=1").content.decode()
    assert "staff-menu" not in printable and "Lombok Post" in printable


def test_the_xlsx_holds_the_same_figures(client, viewer, month):
    client.force_login(viewer)
    response = client.get("/staf/isu/analisis/?bulan=2026-11&format=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="analisis-media-2026-11.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Media", "Isu", "Pemberitaan", "Sentimen"]
    outlets = list(book["Media"].iter_rows(min_row=3, values_only=True))
    assert ("Lombok Post", 1, 0, 1, 2) in outlets
    sentiment = list(book["Sentimen"].iter_rows(min_row=3, values_only=True))
    assert sentiment == [("Berita", 2, 1, 2), ("Pengaduan", 0, 0, 1)]


def test_the_month_is_picked_with_indonesian_names(client, viewer, month):
    client.force_login(viewer)
    response = client.get("/staf/isu/analisis/", {"bulan_0": "11", "bulan_1": "2026"})
    html = response.content.decode()
    assert response.status_code == 200 and "Lombok Post" in html and 'type="month"' not in html
    assert '<option value="11" selected>November</option>' in html and "bulan=2026-11" in html


def test_a_bad_month_says_so_and_shows_this_month(client, viewer, month):
    client.force_login(viewer)
    response = client.get("/staf/isu/analisis/?bulan=2026-13")
    assert response.status_code == 400
    assert "bulan ini untuk semua unit Anda" in response.content.decode()
    assert client.get("/staf/isu/analisis/?unit=kanwil-timur").status_code == 400


def test_someone_without_a_role_gets_403(client, citizen):
    client.force_login(citizen)
    assert client.get("/staf/isu/analisis/").status_code == 403
