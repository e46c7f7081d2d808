"""A release on the social channels: share buttons with utm links, reach per channel, the posting checklist,
captions on the staff page, the monthly content report and its XLSX, the distribution log in the API."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.test import Client
from openpyxl import load_workbook

from channels_social.models import Platform, Post, SocialChannel
from conftest import make_staff
from releases import newsroom
from releases.models import ReleaseReach
from releases.social import reach, sharing

from .factories import published

HUMAN = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"}


@pytest.fixture
def release(unit_tree, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return published(unit_tree["kanwil"], editor, "Jembatan Baru Diresmikan & Dibuka", tags=["Infrastruktur"])


@pytest.fixture
def unit_channels(unit_tree):
    return [
        SocialChannel.objects.create(unit=unit_tree["kanwil"], platform=Platform.INSTAGRAM, handle="@kanwil",
                                     url="https://instagram.com/kanwil"),
        SocialChannel.objects.create(unit=unit_tree["root"], platform=Platform.X, handle="@pusat",
                                     url="https://x.com/pusat"),
        SocialChannel.objects.create(unit=unit_tree["other"], platform=Platform.FACEBOOK, handle="timur",
                                     url="https://facebook.com/timur"),
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_public_page_offers_share_links_carrying_utm_and_the_escaped_title(client, release):
    html = client.get(f"/siaran-pers/{release.slug}/", **HUMAN).content.decode()
    assert 'data-share="whatsapp"' in html and 'data-share="facebook"' in html and 'data-share="x"' in html
    links = {link.platform: link.href for link in sharing.share_links(release)}
    wa = parse_qs(urlsplit(links["whatsapp"]).query)["text"][0]
    assert wa.startswith("Jembatan Baru Diresmikan & Dibuka http")
    assert f"utm_source=whatsapp&utm_medium=social&utm_campaign={release.slug}" in wa
    assert "Jembatan Baru Diresmikan &amp; Dibuka" in html  # escaped in the page, never raw
    assert "utm_source=copy" in unquote(html)


@pytest.mark.django_db
def test_reads_are_credited_to_the_channel_that_brought_them(client, release):
    url = f"/siaran-pers/{release.slug}/"
    for query in ["?utm_source=whatsapp", "?utm_source=whatsapp&utm_medium=social", "?utm_source=facebook", "",
                  "?utm_source=budi@example.test", "?utm_source=WHATSAPP"]:  # fmt: skip
        assert client.get(url + query, **HUMAN).status_code == 200
    client.get(url + "?utm_source=x", HTTP_USER_AGENT="facebookexternalhit/1.1")  # a link preview is no reader
    newsroom.flush_views()
    by_source = {source: views for source, _label, views in reach.reach_by_source(release)}
    assert by_source == {"whatsapp": 3, "facebook": 1, "direct": 1, "other": 1}
    assert not ReleaseReach.objects.filter(source__contains="@").exists()  # no personal data kept
    release.refresh_from_db()
    assert release.view_count == 6


@pytest.mark.django_db
def test_the_staff_page_has_captions_and_the_checklist_of_the_units_channels(release, editor, unit_channels):
    client = Client()
    client.force_login(editor)
    page = client.get(f"/staf/siaran-pers/{release.pk}/")
    html = page.content.decode()
    assert set(page.context["captions"]) == {"x", "instagram", "whatsapp", "facebook", "telegram"}
    assert "#Infrastruktur" in page.context["captions"]["instagram"]
    assert [row.channel.handle for row in page.context["checklist"]] == ["@kanwil", "@pusat"]  # not another branch
    assert "timur" not in html.split('id="distribution"', 1)[1]


@pytest.mark.django_db
def test_staff_log_posts_and_another_units_staff_get_404(release, writer, unit_channels, unit_tree):
    client = Client()
    client.force_login(writer)
    response = client.post(f"/staf/siaran-pers/{release.pk}/kanal/",
                           {"channel": unit_channels[0].pk, "post_url": "https://www.instagram.com/p/abc"})  # fmt: skip
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.content, post.channel, post.by) == (f"release:{release.pk}", unit_channels[0], writer)
    # a channel of another branch is not this release's
    assert client.post(f"/staf/siaran-pers/{release.pk}/kanal/", {"channel": unit_channels[2].pk}).status_code == 404
    stranger = Client()
    stranger.force_login(make_staff("writer_timur", "writer", unit_tree["other"]))
    assert stranger.post(f"/staf/siaran-pers/{release.pk}/kanal/", {"channel": unit_channels[0].pk}).status_code == 404
    assert Post.objects.count() == 1
    listing = client.get("/staf/siaran-pers/?tab=published")
    assert listing.context["posted"][release.pk] == ["instagram"]


@pytest.mark.django_db
def test_the_distribution_log_through_the_api(release, editor, unit_channels, other_unit_officer):
    client = Client()
    client.force_login(editor)
    before = client.get(f"/api/v1/staff/releases/{release.pk}/posts/").json()
    assert [(row["handle"], row["posted"]) for row in before] == [("@kanwil", False), ("@pusat", False)]
    after = client.post(f"/api/v1/staff/releases/{release.pk}/posts/", {"channel": unit_channels[1].pk},
                        content_type="application/json")  # fmt: skip
    assert after.status_code == 201 and [row["posted"] for row in after.json()] == [False, True]
    outsider = Client()
    outsider.force_login(other_unit_officer)
    assert outsider.get(f"/api/v1/staff/releases/{release.pk}/posts/").status_code == 404


@pytest.mark.django_db
def test_the_monthly_report_adds_up_a_fixture(release, editor, unit_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        other = published(unit_tree["satker"], editor, "Rilis kedua")
        far = published(unit_tree["other"], make_staff("ed_timur", "editor", unit_tree["other"]), "Rilis timur")
    reach.add_reach({
        (release.pk, date(2026, 10, 3), "whatsapp"): 7, (release.pk, date(2026, 10, 30), "facebook"): 2,
        (other.pk, date(2026, 10, 4), "whatsapp"): 4, (other.pk, date(2026, 11, 1), "whatsapp"): 100,
        (far.pk, date(2026, 10, 5), "x"): 50,
    })  # fmt: skip
    reach.add_reach({(release.pk, date(2026, 10, 3), "whatsapp"): 1})
    client = Client()
    client.force_login(editor)
    page = client.get("/staf/siaran-pers/laporan/?bulan=2026-10")
    report = page.context["report"]
    assert [(r.title, v) for r, v in report.top] == [("Jembatan Baru Diresmikan & Dibuka", 10), ("Rilis kedua", 4)]
    assert [(s, v) for s, _label, v in report.by_source] == [("whatsapp", 12), ("facebook", 2)]
    assert report.total == 14
    assert "<svg" in page.content.decode()
    only_satker = client.get("/staf/siaran-pers/laporan/?bulan=2026-10&unit=satker-tengah").context["report"]
    assert only_satker.total == 4
    assert client.get("/staf/siaran-pers/laporan/?bulan=2026-10&unit=kanwil-timur").status_code == 404
    assert client.get("/staf/siaran-pers/laporan/?bulan=oktober").status_code == 400
    # the month picker names months in Indonesian and sends its parts
    picked = client.get("/staf/siaran-pers/laporan/?bulan_0=10&bulan_1=2026")
    assert picked.context["report"].month == page.context["report"].month
    assert '<option value="10" selected>Oktober</option>' in picked.content.decode()
    book = load_workbook(io.BytesIO(client.get("/staf/siaran-pers/laporan/?bulan=2026-10&format=xlsx").content))
    rows = list(book["Rilis teratas"].iter_rows(values_only=True))
    assert rows[1] == ("Judul", "Unit", "Tanggal terbit", "Dibaca")
    assert [(r[0], r[3]) for r in rows[2:]] == [("Jembatan Baru Diresmikan & Dibuka", 10), ("Rilis kedua", 4)]
    channels = list(book["Per kanal"].iter_rows(values_only=True))
    assert channels[-1] == ("Jumlah", 14)


@pytest.mark.django_db
def test_the_release_page_queries_do_not_grow_with_the_number_of_channels(
    client, release, unit_tree, django_assert_max_num_queries
):
    for i in range(30):
        SocialChannel.objects.create(unit=unit_tree["root"], platform=Platform.WEBSITE, handle=f"situs {i}",
                                     url=f"https://situs{i}.example.go.id")  # fmt: skip
    assert client.get("/kontak/").status_code == 200  # warm the shared site chrome (see test_newsroom)
    with django_assert_max_num_queries(6):
        assert client.get(f"/siaran-pers/{release.slug}/", **HUMAN).status_code == 200
