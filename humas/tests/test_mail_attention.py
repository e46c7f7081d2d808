"""Mail that could not be sent is waited for (exponential back-off up to a cap), never dropped silently: once
it exhausted its attempts it shows on /healthz and on the staff console, and the admin's action or
`manage.py requeue_mail` sends it again, once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from humas import outbox
from humas.models import OutboxEmail
from mailing import dispatch
from mailing.models import Delivery, DeliveryStatus
from mailing.tests.test_dispatch import prepared, recipients_of, sink  # noqa: F401 (fixture)
from tests.servers import closed_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain_template(tmp_path, settings):
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "plain_test.subject.txt").write_text("Halo")
    (tmp_path / "emails" / "plain_test.txt").write_text("Isi pesan")
    (tmp_path / "emails" / "plain_test.html").write_text("")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 1


def failing_message(key: str) -> int:
    return OutboxEmail.objects.create(key=key, to=f"{key}@example.test", template="emails/plain_test").pk


def test_the_backoff_doubles_and_stops_growing_at_the_cap():
    waits = [outbox.backoff(n, base=60, cap=3600) for n in range(1, 12)]
    assert 60 <= waits[0] <= 75 and 120 <= waits[1] <= 150
    assert all(3600 <= wait <= 4500 for wait in waits[6:])  # capped (plus at most a quarter of jitter)


def test_an_smtp_server_down_is_waited_for_with_growing_capped_waits_then_the_row_fails(
    plain_template, smtp_down, settings
):
    settings.OUTBOX_MAX_ATTEMPTS, settings.OUTBOX_BACKOFF_BASE, settings.OUTBOX_BACKOFF_CAP = 6, 60, 300
    pk = failing_message("down")
    waits = []
    for _attempt in range(5):
        before = timezone.now()
        assert outbox.deliver(pk) is False
        row = OutboxEmail.objects.get(pk=pk)
        assert row.status == OutboxEmail.Status.PENDING and "ConnectionRefusedError" in row.last_error
        waits.append((row.next_attempt_at - before).total_seconds())
    assert waits[0] < waits[1] < waits[2] and all(300 <= wait <= 376 for wait in waits[3:])
    assert outbox.sweep(now=timezone.now()) == 0  # not due: nothing is tried before its wait is over
    assert OutboxEmail.objects.get(pk=pk).attempts == 5
    assert outbox.deliver(pk) is False
    assert OutboxEmail.objects.get(pk=pk).status == OutboxEmail.Status.FAILED
    assert outbox.needing_attention()["outbox"] == 1


def test_the_defaults_wait_for_an_smtp_server_down_for_days(settings):
    total = sum(
        min(settings.OUTBOX_BACKOFF_CAP, settings.OUTBOX_BACKOFF_BASE * 2 ** (n - 1))
        for n in range(1, settings.OUTBOX_MAX_ATTEMPTS)
    )
    assert total >= 3 * 24 * 3600


def test_healthz_counts_the_failed_mail_and_says_degraded_without_failing(client, plain_template, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the real broker answers
    assert client.get("/healthz").json()["checks"]["mail"] == {"status": "ok", "needing_attention": 0}
    for n in range(2):
        OutboxEmail.objects.filter(pk=failing_message(f"gave-up-{n}")).update(status=OutboxEmail.Status.FAILED)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["mail"] == {"status": "attention", "needing_attention": 2}


def test_the_console_shows_the_notice_to_staff_who_may_send_again_only(client, superuser, officer, plain_template):
    OutboxEmail.objects.filter(pk=failing_message("gave-up")).update(status=OutboxEmail.Status.FAILED)
    client.force_login(officer)
    assert b"data-mail-attention" not in client.get(reverse("humas:staff_home")).content
    client.force_login(superuser)
    page = client.get(reverse("humas:staff_home")).content.decode()
    assert "data-mail-attention" in page and "Surel yang perlu ditindaklanjuti" in page
    assert reverse("admin:humas_outboxemail_changelist") + "?status__exact=failed" in page
    OutboxEmail.objects.update(status=OutboxEmail.Status.SENT)
    assert b"data-mail-attention" not in client.get(reverse("humas:staff_home")).content


def test_the_admin_action_sends_the_failed_messages_again_once_each(client, superuser, plain_template):
    failed = [failing_message(f"f{n}") for n in range(2)]
    OutboxEmail.objects.filter(pk__in=failed).update(status=OutboxEmail.Status.FAILED, attempts=24, last_error="x")
    sent_already = failing_message("sent")
    OutboxEmail.objects.filter(pk=sent_already).update(status=OutboxEmail.Status.SENT)
    client.force_login(superuser)
    url = reverse("admin:humas_outboxemail_changelist")
    for _twice in range(2):  # a double click: the second finds nothing failed
        response = client.post(url, {"action": "send_again", "_selected_action": [*failed, sent_already]})
        assert response.status_code == 302
    outbox.sweep()  # beat's next run
    assert sorted(to for m in mail.outbox for to in m.to) == ["f0@example.test", "f1@example.test"]
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxEmail.Status.SENT}


def test_the_admin_action_is_not_offered_to_staff_without_the_permission(client, plain_template, django_user_model):
    staff = django_user_model.objects.create_user("pembaca", password="s3cret-Passw0rd", is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_outboxemail"))
    pk = failing_message("f")
    OutboxEmail.objects.filter(pk=pk).update(status=OutboxEmail.Status.FAILED)
    client.force_login(staff)
    url = reverse("admin:humas_outboxemail_changelist")
    assert b"send_again" not in client.get(url).content
    client.post(url, {"action": "send_again", "_selected_action": [pk]})
    assert OutboxEmail.objects.get(pk=pk).status == OutboxEmail.Status.FAILED and mail.outbox == []


def test_requeue_mail_sends_the_outbox_and_the_deliveries_that_gave_up_exactly_once(
    sink,  # noqa: F811
    editor,
    unit_tree,
    settings,
    plain_template,
):
    settings.DISPATCH_MAX_ATTEMPTS = 2
    item = prepared(editor, unit_tree, 3, 10, settings)
    sink.refuse = {"j0@media.example": "451 busy", "j1@media.example": "550 no such user"}
    for _attempt in range(2):
        Delivery.objects.update(next_attempt_at=None)
        dispatch.send_batch(item.pk)
    statuses = dict(Delivery.objects.values_list("subscriber__email", "status"))
    assert statuses == {"j0@media.example": "failed", "j1@media.example": "failed", "j2@media.example": "sent"}
    pk = failing_message("receipt")
    OutboxEmail.objects.filter(pk=pk).update(status=OutboxEmail.Status.FAILED, attempts=24)
    # the bounced address is not mail needing attention: its subscriber is stopped, not waiting
    assert outbox.needing_attention() == {"outbox": 1, "deliveries": 1}

    sink.refuse = {}
    out = StringIO()
    call_command("requeue_mail", "--dry-run", stdout=out)
    assert "deliveries: 1 needing attention" in out.getvalue()
    assert OutboxEmail.objects.get(pk=pk).status == OutboxEmail.Status.FAILED
    call_command("requeue_mail", stdout=out)
    call_command("requeue_mail", stdout=out)  # run twice: nothing goes twice
    assert "outbox: 1 requeued" in out.getvalue() and "outbox: 0 requeued" in out.getvalue()
    outbox.sweep()  # beat's next runs (on-commit callbacks do not run inside the test's transaction)
    dispatch.sweep()
    assert recipients_of(sink).count("j0@media.example") == 1
    assert "j1@media.example" not in recipients_of(sink)
    assert recipients_of(sink).count("receipt@example.test") == 1
    assert Delivery.objects.get(subscriber__email="j0@media.example").status == DeliveryStatus.SENT
    assert outbox.needing_attention() == {"outbox": 0, "deliveries": 0}


def test_deliveries_back_off_up_to_their_cap(settings):
    settings.DISPATCH_BACKOFF_CAP = 600
    assert 600 <= dispatch._backoff(20) <= 750
    assert dispatch._backoff(1) < dispatch._backoff(3)
    assert timedelta(seconds=dispatch._backoff(2)) < timedelta(seconds=600)
