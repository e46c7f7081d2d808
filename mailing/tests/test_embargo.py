"""Releases under embargo: at approval the confirmed journalists of verified outlets get the embargoed copy at
once (EMBARGO in subject, body and header, a personal preview link); when it lifts, the release publishes itself
and everyone else gets the ordinary e-mail, nobody twice. The preview page, its refusals and its log; moving,
withdrawing and lifting the embargo early; the bad input. Tasks run inline here against a real SMTP server; the
real Celery worker's run is in test_embargo_worker.py."""

from __future__ import annotations

import email
import email.policy
import re
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from humas import outbox
from humas.errors import Refused
from mailing import embargo, partners
from mailing.models import Delivery, DeliveryStatus, Dispatch, DispatchPhase, EmbargoView, MediaPartner, Subscriber
from mailing.models import SubscriberStatus as SS
from releases import publishing
from releases.models import Release, Status
from releases.tests.factories import draft
from tests.smtp_sink import Sink, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    """A real SMTP server the e-mail backend sends to (the fan-out's and the outbox's messages alike)."""
    server = Sink(free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 1
    yield server.recorder
    server.stop()


def people(admin):
    """Two journalists of a verified outlet, one of an outlet not verified, one without an outlet, and a
    pending and an other-unit journalist of the verified outlet."""
    verified = partners.verify(MediaPartner.objects.create(name="Harian Verifikasi"), by=admin)
    plain = MediaPartner.objects.create(name="Portal Biasa")

    def make(name, email_address, outlet=None, status=SS.CONFIRMED):
        return Subscriber.objects.create(name=name, email=email_address, outlet=outlet, status=status)

    return {
        "ani": make("Ani Wartawan", "ani@verif.example", verified),
        "budi": make("Budi Wartawan", "budi@verif.example", verified),
        "citra": make("Citra", "citra@biasa.example", plain),
        "dodi": make("Dodi", "dodi@lepas.example"),
        "pending": make("Eka", "eka@verif.example", verified, status=SS.PENDING),
    }


def in_review(unit, editor, until):
    release = draft(unit, editor, "Jembatan Baru Dibuka Senin", embargo_until=until)
    return publishing.submit(release, by=editor)


def received(recorder) -> Counter:
    return Counter(to for tos, _ in recorder.messages for to in tos)


def parsed(recorder, address):
    return [
        email.message_from_bytes(data, policy=email.policy.default) for tos, data in recorder.messages if address in tos
    ]


def since(recorder, start: int) -> dict[str, email.message.EmailMessage]:
    """The messages the sink received after the first `start`, by recipient (the outbox sends to it too)."""
    return {
        tos[0]: email.message_from_bytes(data, policy=email.policy.default) for tos, data in recorder.messages[start:]
    }


def text_of(message) -> str:
    return "".join(part.get_content() for part in message.walk() if part.get_content_type().startswith("text/"))


def preview_link(message) -> str:
    return re.search(r"https?://[^\s\"<>]+/mitra-media/embargo/[^\s\"<>/]+/", text_of(message)).group(0)


@pytest.fixture
def approved_under_embargo(sink, admin, editor, unit_tree, django_capture_on_commit_callbacks):
    who = people(admin)
    until = timezone.now() + timedelta(days=2)
    release = in_review(unit_tree["kanwil"], editor, until)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.approve(release, by=editor)
    release.refresh_from_db()
    return release, who


def test_verified_partners_get_one_embargoed_copy_and_nobody_gets_it_twice_when_it_lifts(
    sink,
    approved_under_embargo,
    django_capture_on_commit_callbacks,
):
    release, _who = approved_under_embargo
    assert release.status == Status.SCHEDULED and release.publish_at == release.embargo_until
    assert received(sink) == Counter({"ani@verif.example": 1, "budi@verif.example": 1})
    message = parsed(sink, "ani@verif.example")[0]
    assert message["Subject"].strip().startswith("EMBARGO hingga ") and "WITA" in message["Subject"]
    assert message["X-Embargo-Until"] == release.embargo_until.isoformat()
    body = text_of(message)
    assert body.count("EMBARGO hingga") >= 2 and "Ani Wartawan" in body
    assert f"/siaran-pers/{release.slug}/" not in body  # the public page does not exist yet
    assert Dispatch.objects.get(release=release).phase == DispatchPhase.EMBARGO

    # the embargo lifts: beat's tick publishes it, the ordinary fan-out skips those who had it
    with django_capture_on_commit_callbacks(execute=True):
        assert publishing.publish_due(now=release.embargo_until + timedelta(seconds=1)) == [release.pk]
    assert received(sink) == Counter({s.email: 1 for s in Subscriber.objects.filter(status=SS.CONFIRMED)})
    ordinary = parsed(sink, "citra@biasa.example")[0]
    assert "EMBARGO" not in ordinary["Subject"] and ordinary["X-Embargo-Until"] is None
    rows = Counter(Delivery.objects.filter(dispatch__release=release).values_list("embargoed", "status"))
    assert rows == Counter({(True, DeliveryStatus.SENT): 2, (False, DeliveryStatus.SENT): 2})
    # a second tick, a second hook: nothing more
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish_due(now=release.embargo_until + timedelta(minutes=5))
        publishing.run_published_hooks(release.pk)
    assert sum(received(sink).values()) == 4


def test_the_embargoed_release_is_in_no_public_list_feed_sitemap_or_api(client, approved_under_embargo):
    release, _who = approved_under_embargo
    for path in ("/siaran-pers/", "/siaran-pers/rss/", "/siaran-pers/atom/", "/siaran-pers/feed.json",
                 "/sitemap.xml", "/api/v1/releases/", "/"):  # fmt: skip
        response = client.get(path)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert release.title.encode() not in content and release.slug.encode() not in content, path
    assert client.get(f"/siaran-pers/{release.slug}/").status_code == 404
    assert client.get(f"/api/v1/releases/{release.slug}/").status_code == 404


def test_the_preview_names_the_recipient_logs_each_view_and_notices_a_forwarded_link(
    sink,
    approved_under_embargo,
):
    release, who = approved_under_embargo
    link = preview_link(parsed(sink, "ani@verif.example")[0])
    page = Client(REMOTE_ADDR="10.0.0.1").get(link)
    assert page.status_code == 200 and page["X-Robots-Tag"].startswith("noindex")
    html = page.content.decode()
    assert '<meta name="robots" content="noindex' in html
    assert "Ani Wartawan" in html and "Harian Verifikasi" in html and release.title in html
    assert "EMBARGO hingga" in html and "dibuka dari alamat lain" not in html
    Client(REMOTE_ADDR="10.0.0.1").get(link)
    forwarded = Client(REMOTE_ADDR="192.0.2.77").get(link).content.decode()
    assert "Ani Wartawan" in forwarded and "dibuka dari alamat lain" in forwarded
    views = list(EmbargoView.objects.filter(delivery__subscriber=who["ani"]).order_by("pk"))
    assert [v.new_address for v in views] == [False, False, True]
    assert len({v.ip_hash for v in views}) == 2 and all("192.0.2.77" not in v.ip_hash for v in views)
    assert not EmbargoView.objects.filter(delivery__subscriber=who["budi"]).exists()


def test_tampered_expired_unverified_withdrawn_and_lifted_links(
    sink,
    approved_under_embargo,
    admin,
    editor,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    release, who = approved_under_embargo
    link = preview_link(parsed(sink, "ani@verif.example")[0])
    client = Client()
    tampered = client.get(link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:])
    assert tampered.status_code == 400 and "tidak sah" in tampered.content.decode()
    assert client.get(link.replace("/embargo/", "/embargo/x")).status_code == 400

    delivery = Delivery.objects.get(subscriber=who["ani"], dispatch__release=release)
    signer_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: signer_time() - 15 * 86400)
    old = embargo.preview_url(delivery.pk, "id")
    monkeypatch.setattr(signing.time, "time", signer_time)
    expired = client.get(old)
    assert expired.status_code == 410 and "kedaluwarsa" in expired.content.decode()
    assert "Ani Wartawan" in expired.content.decode()  # names whom it was sent to
    assert EmbargoView.objects.filter(delivery=delivery, refused="expired").count() == 1

    partners.revoke(who["ani"].outlet, by=admin)
    unverified = client.get(link)
    assert unverified.status_code == 403 and "terverifikasi" in unverified.content.decode()
    partners.verify(who["ani"].outlet, by=admin)
    assert client.get(link).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(release, by=editor)  # lifted early
    lifted = client.get(link)
    assert lifted.status_code == 302 and lifted["Location"].endswith(f"/siaran-pers/{release.slug}/")


def test_withdrawing_the_embargo_stops_it_and_tells_the_recipients(
    sink,
    approved_under_embargo,
    editor,
    django_capture_on_commit_callbacks,
):
    release, _who = approved_under_embargo
    link = preview_link(parsed(sink, "ani@verif.example")[0])
    start = len(sink.messages)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.unschedule(release, by=editor)
    outbox.sweep()
    notices = since(sink, start)
    assert set(notices) == {"ani@verif.example", "budi@verif.example"}
    assert "dibatalkan" in notices["ani@verif.example"]["Subject"]
    release.refresh_from_db()
    assert release.status == Status.APPROVED and release.embargo_until is None
    withdrawn = Client().get(link)
    assert withdrawn.status_code == 410 and "ditarik" in withdrawn.content.decode()
    # published later without an embargo: everyone gets the ordinary e-mail once
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(release, by=editor)
    releases_sent = Counter(tos[0] for tos, data in sink.messages[start:] if b"dibatalkan" not in data)
    assert releases_sent == Counter({s.email: 1 for s in Subscriber.objects.filter(status=SS.CONFIRMED)})


def test_moving_the_embargo_tells_each_recipient_once_and_moves_the_publication(
    sink,
    approved_under_embargo,
    editor,
    django_capture_on_commit_callbacks,
):
    release, _who = approved_under_embargo
    later = release.embargo_until + timedelta(days=1)
    start = len(sink.messages)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.schedule(release, by=editor, publish_at=later)
    outbox.sweep()
    outbox.sweep()
    assert len(sink.messages) == start + 2
    notices = since(sink, start)
    assert sorted(notices) == ["ani@verif.example", "budi@verif.example"]
    assert all("EMBARGO hingga" in text_of(m) and "digeser" in m["Subject"] for m in notices.values())
    release.refresh_from_db()
    assert release.embargo_until == later == release.publish_at
    assert publishing.publish_due(now=later - timedelta(minutes=1)) == []


def test_lifting_early_tells_the_recipients_and_sends_the_rest(
    sink,
    approved_under_embargo,
    editor,
    django_capture_on_commit_callbacks,
):
    release, _who = approved_under_embargo
    start = len(sink.messages)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(release, by=editor)
    outbox.sweep()
    new = [(tos[0], email.message_from_bytes(data, policy=email.policy.default)) for tos, data in sink.messages[start:]]
    notices = sorted(to for to, m in new if "Embargo dicabut" in m["Subject"])
    releases_sent = sorted(to for to, m in new if "Embargo dicabut" not in m["Subject"])
    assert notices == ["ani@verif.example", "budi@verif.example"]
    assert all(f"/siaran-pers/{release.slug}/" in text_of(m) for to, m in new)
    assert releases_sent == ["citra@biasa.example", "dodi@lepas.example"]


def test_an_embargo_in_the_past_or_before_the_schedule_is_refused(unit_tree, editor):
    with pytest.raises(Refused) as past:
        draft(unit_tree["kanwil"], editor, embargo_until=timezone.now() - timedelta(minutes=1))
    assert past.value.code == "embargo_past" and "sudah lewat" in past.value.message
    # an embargo that has passed while the release waited for review is refused at approval
    release = in_review(unit_tree["kanwil"], editor, timezone.now() + timedelta(hours=1))
    Release.objects.filter(pk=release.pk).update(embargo_until=timezone.now() - timedelta(minutes=5))
    with pytest.raises(Refused):
        publishing.approve(release, by=editor)
    assert Release.objects.get(pk=release.pk).status == Status.IN_REVIEW
    # a release scheduled without an embargo: an embargo lifting before that publication is refused
    scheduled = publishing.approve(publishing.submit(draft(unit_tree["kanwil"], editor, "Rilis Terjadwal"), by=editor),
                                   by=editor)  # fmt: skip
    publishing.schedule(scheduled, by=editor, publish_at=timezone.now() + timedelta(days=3))
    with pytest.raises(Refused) as before:
        publishing.update_release(scheduled, by=editor, data={"embargo_until": timezone.now() + timedelta(days=1)})
    assert before.value.code == "embargo_before_schedule"


def test_the_form_refuses_a_past_embargo_in_indonesian_and_keeps_what_was_typed(client, unit_tree, editor):
    client.force_login(editor)
    response = client.post("/staf/siaran-pers/baru/", {
        "unit": unit_tree["kanwil"].pk, "title": "Judul Rilis yang Saya Ketik", "summary": "Ringkasan saya",
        "body": "<p>Isi</p>", "language": "id", "embargo_until": "2020-01-06T09:00",
    })  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Waktu embargo sudah lewat" in html and "Judul Rilis yang Saya Ketik" in html and "Ringkasan saya" in html
    assert not Release.objects.exists()


def test_the_form_reads_the_embargo_in_the_units_zone(client, unit_tree, editor):
    client.force_login(editor)
    response = client.post("/staf/siaran-pers/baru/", {
        "unit": unit_tree["kanwil"].pk, "title": "Rilis dengan Embargo", "summary": "", "body": "<p>Isi</p>",
        "language": "id", "embargo_until": "2030-12-09T09:00",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    release = Release.objects.get()
    assert release.embargo_until.isoformat() == "2030-12-09T01:00:00+00:00"  # 09.00 WITA
    assert publishing.embargo_text(release) == "EMBARGO hingga Senin, 9 Desember 2030 09.00 WITA"


def test_staff_verify_and_revoke_an_outlet_and_who_may(client, unit_tree, editor, writer):
    outlet = MediaPartner.objects.create(name="Radio Kota")
    client.force_login(writer)
    assert client.get("/staf/mitra-media/outlet/").status_code == 403
    assert client.post(f"/staf/mitra-media/outlet/{outlet.pk}/verifikasi/").status_code == 403
    client.force_login(editor)
    assert "Radio Kota" in client.get("/staf/mitra-media/outlet/").content.decode()
    client.post(f"/staf/mitra-media/outlet/{outlet.pk}/verifikasi/")
    outlet.refresh_from_db()
    assert outlet.verified and outlet.verified_by == editor and outlet.verified_at is not None
    page = client.get("/staf/mitra-media/outlet/").content.decode()
    assert "Terverifikasi" in page and "editor_kanwil" in page
    client.post(f"/staf/mitra-media/outlet/{outlet.pk}/cabut/")
    outlet.refresh_from_db()
    assert not outlet.verified and outlet.revoked_by == editor and outlet.verified_by == editor
    again = client.post(f"/staf/mitra-media/outlet/{outlet.pk}/cabut/", follow=True)
    assert "belum terverifikasi" in again.content.decode()
    assert client.post(f"/staf/mitra-media/outlet/{outlet.pk}/hapus/").status_code == 404


def test_saving_the_form_of_a_release_under_embargo_moves_nothing_and_nobody_is_told(
    client, sink, approved_under_embargo, editor, django_capture_on_commit_callbacks
):
    release, _who = approved_under_embargo
    Release.objects.filter(pk=release.pk).update(embargo_until=release.embargo_until.replace(second=42))
    release.refresh_from_db()
    client.force_login(editor)
    form = client.get(f"/staf/siaran-pers/{release.pk}/ubah/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    shown = form["embargo_until"].value()
    assert shown == timezone.localtime(release.embargo_until, ZoneInfo("Asia/Makassar")).replace(
        tzinfo=None, microsecond=0
    )
    data.update(unit=release.unit_id, title="Jembatan Baru Dibuka Senin Pagi", category="", tags_text="jembatan",
                embargo_until=shown.strftime("%Y-%m-%dT%H:%M"))  # fmt: skip
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    start = len(sink.messages)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staf/siaran-pers/{release.pk}/ubah/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    release.refresh_from_db()
    assert release.title.endswith("Pagi") and release.embargo_until.second == 42
    assert len(sink.messages) == start
