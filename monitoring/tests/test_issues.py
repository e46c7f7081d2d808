"""The PRCC view: issues across clippings and complaints, checked against counts taken from the rows; the
page, its fragment, the dashboard slot and the API, with their access rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.reporting import trends
from monitoring import issues
from monitoring.models import Clipping, ComplaintTone

from .helpers import clip, complaints

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(unit_tree):
    """In the kanwil's scope over the last 24 hours: 'jalan rusak' in 4 clippings (2 negative, 1 neutral,
    1 positive, from two outlets) and 3 complaints (2 negative, 1 unscored); 'banjir' in 2 clippings; one
    irrelevant clipping; and in another unit 5 clippings about 'pungutan liar'."""
    now = timezone.now()
    kanwil, satker, other = unit_tree["kanwil"], unit_tree["satker"], unit_tree["other"]
    hour = timedelta(hours=1)
    for n, (tone, outlet) in enumerate(
        [("negative", "Lombok Post"), ("negative", "Lombok Post"), ("neutral", "Suara NTB"), ("positive", "Suara NTB")]
    ):
        clip(kanwil if n % 2 else satker, f"Jalan rusak di desa {n}", at=now - (n + 1) * hour, tone=tone, outlet=outlet)
    clip(kanwil, "Banjir melanda kota", at=now - hour, tone="negative")
    clip(kanwil, "Banjir surut", at=now - 2 * hour, tone="positive")
    clip(kanwil, "Jalan rusak lagi", at=now - hour, tone="negative", is_irrelevant=True)
    made = complaints(kanwil, [("Jalan rusak parah", "Jalan rusak di depan sekolah"), ("Jalan rusak", "berlubang"),
                               ("Jalan rusak lagi", "belum diperbaiki")], at=now - 3 * hour)  # fmt: skip
    ComplaintTone.objects.bulk_create([ComplaintTone(complaint=c, tone="negative", score=0.9) for c in made[:2]])
    for n in range(5):
        clip(other, f"Pungutan liar di loket {n}", at=now - hour, tone="negative")
    return now


def scope(unit_tree):
    return {unit_tree["kanwil"].pk, unit_tree["satker"].pk}


def test_the_figures_match_counts_taken_from_the_rows(unit_tree, news):
    found = issues.compute(scope(unit_tree), period="24h", now=news)
    road = next(i for i in found if i.label == "jalan rusak")
    since = news - timedelta(hours=24)
    rows = Clipping.objects.filter(
        unit__in=scope(unit_tree), is_irrelevant=False, published_at__gte=since, title__icontains="jalan rusak"
    )
    assert road.clippings == rows.count() == 4
    assert road.complaints == 3
    assert road.volume == road.clippings + road.complaints
    assert road.tones == {
        "positive": rows.filter(tone="positive").count(),
        "neutral": rows.filter(tone="neutral").count(),
        "negative": rows.filter(tone="negative").count() + 2,
        "unscored": 1,
    }
    assert road.outlets == [("Lombok Post", 2), ("Suara NTB", 2)]
    assert road.change == "new" and road.previous == 0
    assert [i.label for i in found][:1] == ["jalan rusak"]
    assert "pungutan liar" not in [i.label for i in found]  # another unit's news never counts here


def test_the_previous_period_gives_the_change(unit_tree, news):
    clip(unit_tree["kanwil"], "Jalan rusak kemarin", at=news - timedelta(hours=30), tone="negative")
    road = next(i for i in issues.compute(scope(unit_tree), period="24h", now=news) if i.label == "jalan rusak")
    assert (road.previous, road.change) == (1, "rising")


def test_the_bar_spans_the_whole_volume(unit_tree, news):
    road = issues.compute(scope(unit_tree), period="24h", now=news)[0]
    assert sum(width for _t, _c, _x, width in road.bar) == pytest.approx(100, abs=0.05)  # rounded to 0.01 each
    assert [tone for tone, *_rest in road.bar] == ["positive", "neutral", "negative", "unscored"]


def test_queries_do_not_grow_with_the_rows(unit_tree, news, django_assert_max_num_queries):
    for n in range(30):
        clip(unit_tree["kanwil"], f"Jalan rusak nomor {n}", at=news - timedelta(hours=2), tone="negative")
    with django_assert_max_num_queries(5):
        issues.compute(scope(unit_tree), period="7d", now=news)


def test_the_watched_names_themselves_are_never_an_issue(unit_tree, news):
    from monitoring.models import WatchTerm

    for n in range(6):
        clip(unit_tree["kanwil"], f"Kanwil Tengah resmikan gedung {n}", at=news - timedelta(hours=1), tone="neutral")
    assert "kanwil tengah" in [i.label for i in issues.compute(scope(unit_tree), period="24h", now=news)]
    WatchTerm.objects.create(unit=unit_tree["kanwil"], phrase="Kanwil Tengah")
    labels = [i.label for i in issues.compute(scope(unit_tree), period="24h", now=news)]
    assert not any("kanwil" in label or "tengah" in label for label in labels)
    assert "jalan rusak" in labels


def test_the_issues_page_shows_the_top_issues_with_their_tone(client, viewer, news):
    client.force_login(viewer)
    response = client.get("/staf/isu/?periode=24h")
    assert response.status_code == 200
    html = response.content.decode()
    assert "jalan rusak" in html and "pungutan" not in html
    assert 'class="tone-bar"' in html
    assert "/staf/isu/kliping/?q=jalan+rusak&amp;periode=24h" in html
    assert "/staf/pengaduan/?q=jalan+rusak" in html


def test_a_bad_period_or_another_units_slug_says_so_and_shows_the_defaults(client, viewer, news):
    client.force_login(viewer)
    response = client.get("/staf/isu/?periode=1y")
    assert response.status_code == 400
    assert "24 jam" in response.content.decode()  # the Indonesian message names the choices
    response = client.get("/staf/isu/?unit=kanwil-timur")
    assert response.status_code == 400
    assert "pungutan" not in response.content.decode()


def test_someone_without_a_role_gets_403_and_a_visitor_the_login(client, citizen):
    assert client.get("/staf/isu/").status_code == 302
    client.force_login(citizen)
    assert client.get("/staf/isu/").status_code == 403
    assert client.get("/staf/isu/angka/").status_code == 403


def test_the_fragment_is_the_figures_alone(client, viewer, news):
    client.force_login(viewer)
    response = client.get("/staf/isu/angka/?periode=24h")
    assert response.status_code == 200
    assert b"<html" not in response.content and b"jalan rusak" in response.content


def test_the_dashboard_shows_the_top_issues_of_the_last_24_hours(client, viewer, news):
    client.force_login(viewer)
    html = client.get("/staf/").content.decode()
    assert 'id="issues-title"' in html and "jalan rusak" in html


def test_the_api_gives_the_same_figures(client, viewer, unit_tree, news):
    client.force_login(viewer)
    body = client.get("/api/v1/staff/issues/?periode=24h").json()
    assert body["period"] == "24h" and body["unit"] is None
    page = issues.top_issues(scope(unit_tree), period="24h")
    assert [(i["label"], i["volume"], i["tone"]) for i in body["issues"]] == [
        (i.label, i.volume, i.tones) for i in page
    ]
    road = body["issues"][0]
    assert road["outlets"] == [{"name": "Lombok Post", "clippings": 2}, {"name": "Suara NTB", "clippings": 2}]
    assert road["clippings_url"].startswith("/staf/isu/kliping/?q=")


def test_the_api_narrows_to_a_unit_and_refuses_bad_input(client, viewer, unit_tree, news):
    client.force_login(viewer)
    body = client.get("/api/v1/staff/issues/?periode=24h&unit=satker-tengah").json()
    assert body["unit"] == "satker-tengah"
    road = next(i for i in body["issues"] if i["label"] == "jalan rusak")
    assert road["clippings"] == 2  # the satker's two, not the kanwil's
    response = client.get("/api/v1/staff/issues/?periode=kemarin&unit=kanwil-timur")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"periode", "unit"}


def test_the_api_refuses_the_public_and_roleless_accounts(client, citizen):
    assert client.get("/api/v1/staff/issues/").status_code in {401, 403}
    client.force_login(citizen)
    assert client.get("/api/v1/staff/issues/").status_code == 403


def test_complaint_topics_keep_their_members_for_the_join():
    found = trends.rank([("Jalan rusak", ""), ("Banjir", ""), ("Jalan rusak parah", "")], [], limit=1)
    assert found[0].members == (0, 2)
