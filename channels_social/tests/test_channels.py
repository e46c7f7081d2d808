from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from channels_social import channels
from channels_social.models import Platform, Post, SocialChannel
from humas.errors import Refused

GOOD = {
    Platform.FACEBOOK: ["https://www.facebook.com/humasntb", "https://m.facebook.com/profile.php?id=1000"],
    Platform.INSTAGRAM: ["https://www.instagram.com/humas.ntb", "https://instagram.com/humasntb/"],
    Platform.X: ["https://x.com/HumasNTB", "https://twitter.com/humas_ntb"],
    Platform.YOUTUBE: ["https://www.youtube.com/@humasntb", "https://youtube.com/channel/UC1234abcd"],
    Platform.TIKTOK: ["https://www.tiktok.com/@humasntb"],
    Platform.WHATSAPP: ["https://whatsapp.com/channel/0029VaABCDEF", "https://chat.whatsapp.com/AbCdEfGhIjKlMn",
                        "https://wa.me/6281234567890"],
    Platform.TELEGRAM: ["https://t.me/humasntb", "https://t.me/+AbCdEf123"],
    Platform.THREADS: ["https://www.threads.net/@humasntb"],
    Platform.WEBSITE: ["https://humas.ntbprov.go.id", "http://ppid.example.go.id/"],
}  # fmt: skip

BAD = [
    (Platform.INSTAGRAM, "https://www.facebook.com/humasntb"),  # another platform
    (Platform.FACEBOOK, "javascript:alert(1)"),
    (Platform.WEBSITE, "javascript:alert(1)"),
    (Platform.X, "http://x.com/humasntb"),  # not https
    (Platform.TIKTOK, "https://www.tiktok.com/humasntb"),  # no @
    (Platform.YOUTUBE, "https://www.youtube.com/watch?v=abc"),  # a video, not a channel
    (Platform.FACEBOOK, "https://www.facebook.com/sharer/sharer.php?u=x"),
    (Platform.WHATSAPP, "https://evil.example/chat.whatsapp.com/abc"),
    (Platform.TELEGRAM, "https://t.me.evil.example/humas"),
    (Platform.X, "https://user:pass@x.com/humas"),
    (Platform.INSTAGRAM, "instagram.com/humas"),
]


@pytest.mark.parametrize(("platform", "url"), [(p, u) for p, urls in GOOD.items() for u in urls])
def test_addresses_of_each_platform_are_accepted(platform, url):
    assert channels.check_url(platform, url) == url


@pytest.mark.parametrize(("platform", "url"), BAD)
def test_other_platforms_scripts_and_odd_addresses_are_refused_with_an_example(platform, url):
    with pytest.raises(ValidationError) as error:
        channels.check_url(platform, url)
    assert "https://" in error.value.messages[0]


@pytest.fixture
def channel(unit_tree):
    return SocialChannel.objects.create(
        unit=unit_tree["kanwil"], platform=Platform.INSTAGRAM, handle="@kanwil", url="https://instagram.com/kanwil",
        accepts_complaints=True,
    )  # fmt: skip


@pytest.mark.django_db
def test_channels_show_on_the_unit_contact_page_with_rel_me(client, channel):
    html = client.get("/kontak/kanwil-tengah/").content.decode()
    assert 'href="https://instagram.com/kanwil" rel="me noopener"' in html
    assert "<svg" in html and "@kanwil" in html


@pytest.mark.django_db
def test_the_footer_shows_the_root_units_channels(client, unit_tree):
    SocialChannel.objects.create(
        unit=unit_tree["root"], platform=Platform.X, handle="@pusat", url="https://x.com/pusat"
    )
    SocialChannel.objects.create(
        unit=unit_tree["root"],
        platform=Platform.TIKTOK,
        handle="@lama",
        url="https://tiktok.com/@lama",
        is_active=False,
    )
    html = client.get("/").content.decode()
    footer = html.split('class="site-footer"', 1)[1]
    assert "@pusat" in footer and "@lama" not in footer


@pytest.mark.django_db
def test_the_public_api_lists_active_channels_per_unit(client, channel, unit_tree):
    SocialChannel.objects.create(
        unit=unit_tree["other"], platform=Platform.X, handle="@timur", url="https://x.com/timur"
    )
    everything = client.get("/api/v1/channels/").json()
    assert {c["handle"] for c in everything} == {"@kanwil", "@timur"}
    one = client.get("/api/v1/channels/?unit=kanwil-tengah").json()
    assert one == [{"unit": "kanwil-tengah", "platform": "instagram", "handle": "@kanwil",
                    "url": "https://instagram.com/kanwil", "accepts_complaints": True, "order": 0}]  # fmt: skip


@pytest.mark.django_db
class TestConsole:
    def test_an_admin_adds_a_channel_and_a_bad_address_is_explained(self, admin, unit_tree):
        client = Client()
        client.force_login(admin)
        data = {"unit": unit_tree["kanwil"].pk, "platform": "instagram", "handle": "@k", "order": 0}
        bad = client.post("/staf/kanal/", {**data, "url": "https://www.facebook.com/k"})
        assert bad.status_code == 400 and "Instagram" in bad.content.decode()
        assert 'value="@k"' in bad.content.decode()
        good = client.post("/staf/kanal/", {**data, "url": "https://www.instagram.com/k", "is_active": "on"})
        assert good.status_code == 302
        assert SocialChannel.objects.get().url == "https://www.instagram.com/k"

    def test_a_writer_may_not_manage_channels_and_another_unit_cannot_touch_them(
        self, writer, other_unit_officer, channel
    ):
        from conftest import make_staff

        writer_client = Client()
        writer_client.force_login(writer)
        assert writer_client.get("/staf/kanal/").status_code == 403
        other_admin = make_staff("admin_timur", "admin", channel.unit.parent.children.get(slug="kanwil-timur"))
        other = Client()
        other.force_login(other_admin)
        assert other.post(f"/staf/kanal/{channel.pk}/tampil/").status_code == 404
        channel.refresh_from_db()
        assert channel.is_active
        # and the unit field only offers the admin's own units
        form = other.get("/staf/kanal/").context["form"]
        assert list(form.fields["unit"].queryset.values_list("slug", flat=True)) == ["kanwil-timur", "satker-timur"]


@pytest.mark.django_db
def test_logging_a_post_needs_the_units_scope(unit_tree, writer, other_unit_officer, channel):
    post = channels.log_post(content="release:1", unit_id=unit_tree["kanwil"].pk, channel=channel, by=writer,
                             post_url="https://www.instagram.com/p/abc")  # fmt: skip
    again = channels.log_post(content="release:1", unit_id=unit_tree["kanwil"].pk, channel=channel, by=writer)
    assert post.pk == again.pk and Post.objects.count() == 1
    with pytest.raises(Refused) as refused:
        channels.log_post(content="release:1", unit_id=unit_tree["kanwil"].pk, channel=channel, by=other_unit_officer)
    assert refused.value.status == 404
    with pytest.raises(Refused):
        channels.log_post(content="release:2", unit_id=unit_tree["kanwil"].pk, channel=channel, by=writer,
                          post_url="javascript:alert(1)")  # fmt: skip


@pytest.mark.django_db
def test_staff_intake_records_which_account_a_complaint_came_through(unit_tree, officer, channel):
    from complaints.models import Complaint

    client = Client()
    client.force_login(officer)
    data = {
        "channel": "social_media", "kind": "complaint", "unit": "kanwil-tengah", "title": "Aduan lewat DM Instagram",
        "description": "Warga mengirim pesan langsung tentang jalan rusak di dekat pasar.",
        "identity_mode": "anonymous", "visibility": "rahasia", "consent": "on",
    }  # fmt: skip
    missing = client.post("/staf/pengaduan/baru/", data)
    assert missing.status_code == 400 and "social_channel" in missing.context["form"].errors
    done = client.post("/staf/pengaduan/baru/", {**data, "social_channel": channel.pk})
    assert done.status_code == 302
    assert Complaint.objects.get().social_channel == channel
