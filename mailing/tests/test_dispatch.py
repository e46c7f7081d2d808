"""The fan-out against a real SMTP server (aiosmtpd on a local port), tasks run inline here; the real
Celery worker's tests are in test_dispatch_worker.py."""

from __future__ import annotations

import email
import email.policy
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mailing import deliveries, dispatch, release_mail
from mailing.models import Delivery, DeliveryStatus, Dispatch, DispatchState, Subscriber, SubscriberStatus
from releases import publishing
from releases.tests.factories import draft, published
from tests.smtp_sink import Sink, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    server = Sink(free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_TIMEOUT = 1
    yield server.recorder
    server.recorder.hang.clear()
    server.stop()


def subscribers(n: int, status=SubscriberStatus.CONFIRMED, prefix="j", **extra) -> list[Subscriber]:
    return Subscriber.objects.bulk_create(
        Subscriber(name=f"Jurnalis {i}", email=f"{prefix}{i}@media.example", status=status, **extra) for i in range(n)
    )


def recipients_of(recorder) -> list[str]:
    return sorted(to for tos, _ in recorder.messages for to in tos)


def test_publishing_sends_each_confirmed_matching_subscriber_exactly_one_correct_message(
    sink, editor, unit_tree, django_capture_on_commit_callbacks, settings
):
    settings.DISPATCH_BATCH_SIZE = 3
    confirmed = subscribers(7)
    subscribers(2, status=SubscriberStatus.PENDING, prefix="p")
    subscribers(2, status=SubscriberStatus.UNSUBSCRIBED, prefix="u")
    elsewhere = subscribers(1, prefix="other")[0]
    elsewhere.units.set([unit_tree["other"]])
    english = confirmed[0]
    Subscriber.objects.filter(pk=english.pk).update(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        release = published(unit_tree["kanwil"], editor)
    assert recipients_of(sink) == sorted(s.email for s in confirmed)
    item = Dispatch.objects.get(release=release)
    assert item.state == DispatchState.DONE and item.recipients == 7
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).exclude(message_id="").count() == 7
    stored = set(Delivery.objects.values_list("message_id", flat=True))
    assert {email.message_from_bytes(raw)["Message-ID"] for _tos, raw in sink.messages} == stored
    for tos, raw in sink.messages:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert message["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:8000/")
        assert "/mitra-media/berhenti/" in message["List-Unsubscribe"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"] == "<mitra-media.127.0.0.1>"
        assert message["Message-ID"]
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "utm_source=email" in text and "utm_source=email" in html
        assert "@@" not in text + html
        assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
        if tos == [english.email]:
            assert "Unsubscribe" in text
        else:
            assert "Berhenti berlangganan" in text
    # nothing runs twice: the send task again, the hook again, a re-publication
    sink.messages.clear()
    assert dispatch.send_batch(item.pk).sent == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.start(release.pk) is None
        publishing.withdraw(release, by=editor, reason="Salah data")
        publishing.restore(release, by=editor)
    assert sink.messages == []


def test_preferences_choose_the_releases(sink, editor, unit_tree, django_capture_on_commit_callbacks):
    from releases.models import Category

    news = Category.objects.create(name="Berita", slug="berita")
    other = Category.objects.create(name="Pengumuman", slug="pengumuman")
    wants_news, wants_other, wants_unit_above, wants_tag = subscribers(4)
    wants_news.categories.set([news])
    wants_other.categories.set([other])
    wants_unit_above.units.set([unit_tree["root"]])
    from releases.models import Tag

    wants_tag.tags.set([Tag.objects.create(name="tidak ada", slug="tidak-ada")])
    with django_capture_on_commit_callbacks(execute=True):
        published(unit_tree["kanwil"], editor, category=news)
    assert recipients_of(sink) == sorted([wants_news.email, wants_unit_above.email])


def prepared(editor, unit_tree, n: int, batch: int, settings) -> Dispatch:
    """A published release whose delivery rows are made, nothing sent yet."""
    settings.DISPATCH_BATCH_SIZE = batch
    subscribers(n)
    release = published(unit_tree["kanwil"], editor)  # on-commit hooks do not run inside the test's transaction
    item = Dispatch.objects.create(release=release)
    dispatch.coordinate(item.pk)
    return item


def test_a_550_fails_the_row_and_counts_a_bounce_a_451_is_retried_later(sink, editor, unit_tree, settings):
    item = prepared(editor, unit_tree, 3, 10, settings)
    sink.refuse = {"j0@media.example": "550 5.1.1 no such mailbox", "j1@media.example": "451 4.3.0 try later"}
    outcome = dispatch.send_batch(item.pk)
    assert (outcome.sent, outcome.failed, outcome.retried) == (1, 1, 1)
    rows = {d.subscriber.email: d for d in Delivery.objects.select_related("subscriber")}
    assert rows["j0@media.example"].status == DeliveryStatus.FAILED
    assert rows["j0@media.example"].last_error.startswith("550")
    assert rows["j0@media.example"].subscriber.bounce_count == 1
    retry = rows["j1@media.example"]
    assert retry.status == DeliveryStatus.PENDING and retry.next_attempt_at > timezone.now()
    assert dispatch.send_batch(item.pk).sent == 0  # not due yet
    sink.refuse = {}
    Delivery.objects.filter(pk=retry.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert dispatch.send_batch(item.pk).sent == 1
    assert recipients_of(sink) == ["j1@media.example", "j2@media.example"]
    item.refresh_from_db()
    assert item.state == DispatchState.DONE


def test_a_refused_sender_address_bounces_nobody_and_the_rows_wait(sink, editor, unit_tree, settings):
    """A 550 to MAIL FROM is about our own address (misconfigured), not the subscribers' mailboxes."""
    item = prepared(editor, unit_tree, 3, 10, settings)
    sink.refuse_sender = "550 5.7.1 sender address rejected"
    outcome = dispatch.send_batch(item.pk)
    assert (outcome.sent, outcome.failed, outcome.retried) == (0, 0, 3)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    assert all(row.last_error.startswith("550 5.7.1") for row in Delivery.objects.all())
    assert set(Subscriber.objects.values_list("bounce_count", "status")) == {(0, SubscriberStatus.CONFIRMED)}
    sink.refuse_sender = ""
    Delivery.objects.update(next_attempt_at=None)
    assert dispatch.send_batch(item.pk).sent == 3


def test_a_451_forever_ends_failed_after_the_bounded_attempts(sink, editor, unit_tree, settings):
    settings.DISPATCH_MAX_ATTEMPTS = 2
    item = prepared(editor, unit_tree, 1, 10, settings)
    sink.refuse = {"j0@media.example": "451 busy"}
    for _attempt in range(2):
        Delivery.objects.update(next_attempt_at=None)
        dispatch.send_batch(item.pk)
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 2)


def test_a_server_that_hangs_times_out_and_the_rows_wait_for_a_retry(sink, editor, unit_tree, settings):
    item = prepared(editor, unit_tree, 3, 10, settings)
    sink.hang.set()
    outcome = dispatch.send_batch(item.pk)  # EMAIL_TIMEOUT is 1 s: the worker is not stuck
    assert outcome.sent == 0 and outcome.retried == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    sink.hang.clear()
    Delivery.objects.update(next_attempt_at=None)
    assert dispatch.send_batch(item.pk).sent == 3


def test_rows_of_a_killed_worker_are_sent_after_their_lease_by_the_sweep(sink, editor, unit_tree, settings):
    item = prepared(editor, unit_tree, 4, 10, settings)
    Dispatch.objects.filter(pk=item.pk).update(state=DispatchState.SENDING)
    claimed = [row.pk for row in deliveries.claim(item.pk, 2, now=timezone.now())]  # a worker claimed two rows and died
    assert dispatch.send_batch(item.pk).sent == 2  # the others go out; the claimed ones are leased
    assert dispatch.sweep() == 0
    Delivery.objects.filter(pk__in=claimed).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert dispatch.sweep() == 1  # back to pending, a send task enqueued (runs inline here)
    assert len(recipients_of(sink)) == 4 == len(set(recipients_of(sink)))


def test_withdrawing_stops_the_pending_deliveries(sink, editor, unit_tree, settings):
    item = prepared(editor, unit_tree, 3, 10, settings)
    publishing.withdraw(item.release, by=editor, reason="Keliru")
    # cancelled by the withdrawal itself, before any send task runs
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}
    assert Dispatch.objects.get(pk=item.pk).state == DispatchState.STOPPED
    assert dispatch.send_batch(item.pk).sent == 0
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}
    item.refresh_from_db()
    assert item.state == DispatchState.STOPPED
    assert sink.messages == []


def test_a_batch_being_sent_stops_soon_after_a_withdrawal(sink, editor, unit_tree, settings, monkeypatch):
    item = prepared(editor, unit_tree, 5, 10, settings)
    monkeypatch.setattr(dispatch, "STOP_CHECK_SECONDS", 0)
    send = release_mail.Composer.send

    def send_then_withdraw(self, connection, prepared):
        send(self, connection, prepared)
        if prepared.to == "j0@media.example":  # the editor withdraws while the batch is under way
            publishing.withdraw(item.release, by=editor, reason="Keliru")

    monkeypatch.setattr(release_mail.Composer, "send", send_then_withdraw)
    assert dispatch.send_batch(item.pk).sent == 1
    assert recipients_of(sink) == ["j0@media.example"]
    statuses = sorted(Delivery.objects.values_list("status", flat=True))
    assert statuses == [DeliveryStatus.CANCELLED] * 4 + [DeliveryStatus.SENT]


def test_queries_per_batch_do_not_grow_with_the_batch(sink, editor, unit_tree, settings):
    item = prepared(editor, unit_tree, 40, 10, settings)
    with CaptureQueriesContext(connection) as small:
        assert dispatch.send_batch(item.pk, size=5).sent == 5
    with CaptureQueriesContext(connection) as large:
        assert dispatch.send_batch(item.pk, size=30).sent == 30
    assert len(small) == len(large), [q["sql"] for q in large]


def test_staff_see_the_progress_and_failures_other_units_get_404(
    client, sink, editor, other_unit_officer, unit_tree, settings, django_capture_on_commit_callbacks
):
    item = prepared(editor, unit_tree, 2, 10, settings)
    sink.refuse = {"j0@media.example": "550 no such user"}
    dispatch.send_batch(item.pk)
    url = reverse("mailing:staff_dispatch", args=[item.release.pk])
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert 'data-count="sent">1<' in page and 'data-count="failed">1<' in page
    assert "550 no such user" in page
    sink.refuse = {}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mailing:staff_resend_failed", args=[item.release.pk]))
    assert response.status_code == 302
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2
    client.force_login(other_unit_officer)
    assert client.get(url).status_code == 404


def test_a_release_without_dispatch_says_so(client, editor, unit_tree):
    release = draft(unit_tree["kanwil"], editor)
    client.force_login(editor)
    response = client.get(reverse("mailing:staff_dispatch", args=[release.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-no-dispatch" in page
    assert "data-dispatch-counts" not in page and "<progress" not in page


def test_the_global_rate_limit_spaces_the_messages(sink, editor, unit_tree, settings):
    settings.DISPATCH_RATE_PER_SECOND = 2
    item = prepared(editor, unit_tree, 5, 10, settings)
    started = time.monotonic()
    assert dispatch.send_batch(item.pk).sent == 5
    assert time.monotonic() - started >= 1.0  # 5 messages at 2 a second need at least two second boundaries
