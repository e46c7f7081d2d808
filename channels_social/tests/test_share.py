from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from channels_social import share

URL = "https://humas.example.go.id/siaran-pers/jembatan-baru/"


def test_every_share_link_carries_its_own_utm_source_and_nothing_personal():
    links = {
        link.platform: link
        for link in share.share_links(url=URL, title="Jembatan & Jalan <baru>", campaign="jembatan-baru")
    }
    assert set(links) == set(share.SHARE_PLATFORMS)
    for platform, link in links.items():
        text = unquote(link.href)
        assert f"utm_source={platform}" in text
        assert "utm_medium=social" in text and "utm_campaign=jembatan-baru" in text
        assert "@" not in text.split("?", 1)[-1].replace("mailto:?", "")  # no e-mail or name in the parameters
    wa = urlsplit(links["whatsapp"].href)
    assert wa.netloc == "wa.me"
    shared = parse_qs(wa.query)["text"][0]
    assert shared.startswith("Jembatan & Jalan <baru> https://humas.example.go.id/")
    # the title is escaped inside the link, not able to break out of it
    assert "&" not in links["x"].href.split("text=", 1)[1].split("&url=")[0]
    assert links["copy"].href.startswith(URL + "?utm_source=copy")


def test_utm_replaces_old_utm_and_keeps_other_parameters():
    tagged = share.with_utm(URL + "?a=1&utm_source=old", source="x", campaign="c")
    assert parse_qs(urlsplit(tagged).query) == {"a": ["1"], "utm_source": ["x"], "utm_medium": ["social"],
                                                 "utm_campaign": ["c"]}  # fmt: skip


def test_a_long_title_is_cut_at_a_word_boundary_never_inside_an_emoji():
    title = "Kunjungan kerja " + "👨‍👩‍👧‍👦 " * 80 + "penutup"
    caption = share.captions(title=title, summary="", url=URL, campaign="k", tags=[])["x"]
    assert len(caption) <= 280
    head = caption.rsplit(" https://", 1)[0]
    assert head.endswith("…")
    assert "‍…" not in head and not head[:-1].endswith("‍")  # no dangling zero-width joiner
    body = head[:-1].rstrip()
    assert body.endswith("👨‍👩‍👧‍👦")


def test_one_very_long_word_is_cut_between_whole_characters():
    word = "🇮🇩" * 200
    cut = share.shorten(word, 51)
    assert len(cut) <= 51 and cut.endswith("…")
    assert len(cut[:-1]) % 2 == 0  # flags are pairs of regional indicators: none split


def test_instagram_gets_hashtags_from_tags_and_link_in_bio():
    caption = share.captions(title="Judul", summary="Ringkas.", url=URL, campaign="k",
                             tags=["Pelayanan Publik", "NTB", "pelayanan publik"])["instagram"]  # fmt: skip
    assert caption.endswith("#PelayananPublik #NTB")  # the same tag twice gives one hashtag
    assert caption.count("#PelayananPublik") == 1
    assert "https://" not in caption


titles = st.text(min_size=1, max_size=600)
words = st.lists(st.text(min_size=1, max_size=60), max_size=50)


@settings(max_examples=150, deadline=None)
@given(title=titles, summary=st.text(max_size=3000), tags=words)
def test_every_caption_stays_within_its_platforms_limit(title, summary, tags):
    captions = share.captions(title=title, summary=summary, url=URL, campaign="kampanye", tags=tags)
    for platform, text in captions.items():
        assert len(text) <= share.LIMITS[platform], platform
    assert captions["x"].endswith(share.with_utm(URL, source="x", campaign="kampanye"))
    assert captions["whatsapp"].startswith("*")
