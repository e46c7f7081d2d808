"""'Send a test e-mail to me' on the release's staff page: the release mail as media partners get it, to the
staff member's own address only, never a Delivery row."""

from __future__ import annotations

import email
import email.policy

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from humas.tests.test_outbox import dead_broker  # noqa: F401  (a fixture)
from mailing import dispatch
from mailing.models import Delivery, Dispatch
from releases.tests.factories import draft

pytestmark = pytest.mark.django_db


def url(release) -> str:
    return reverse("mailing:staff_send_test", args=[release.pk])


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_sends_the_draft_to_the_writer_only(client, writer, unit_tree, django_capture_on_commit_callbacks):
    release = draft(unit_tree["kanwil"], writer, title="Jalan Lingkar Dibuka Senin")
    client.force_login(writer)
    page = client.get(reverse("releases:staff_detail", args=[release.pk])).content.decode()
    assert url(release) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(release), follow=True)
    assert response.status_code == 200
    assert "writer_kanwil@example.test" in " ".join(said(response))
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["writer_kanwil@example.test"]
    assert sent.subject == "[UJI] Jalan Lingkar Dibuka Senin"
    parsed = email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.default)
    text = parsed.get_body(("plain",)).get_content()
    assert "writer_kanwil" in text and "Jalan Lingkar Dibuka Senin" in text
    assert "/mitra-media/berhenti/" not in text and "http://127.0.0.1:8000/mitra-media/" in text
    assert not Dispatch.objects.exists() and not Delivery.objects.exists()


def test_a_viewer_may_not_and_another_unit_gets_404(client, writer, viewer, other_unit_officer, unit_tree):
    release = draft(unit_tree["kanwil"], writer)
    client.force_login(viewer)
    assert client.post(url(release)).status_code == 403
    client.force_login(other_unit_officer)
    assert client.post(url(release)).status_code == 404
    assert client.get(url(release)).status_code in (404, 405)
    assert mail.outbox == []


def test_an_account_without_address_is_told_what_to_do(client, writer, unit_tree):
    release = draft(unit_tree["kanwil"], writer)
    writer.email = ""
    writer.save()
    client.force_login(writer)
    response = client.post(url(release), follow=True)
    assert any("tidak memiliki alamat e-mail" in m for m in said(response))
    assert mail.outbox == []


def test_test_mails_are_rate_limited_per_staff_member(client, writer, unit_tree, django_capture_on_commit_callbacks):
    release = draft(unit_tree["kanwil"], writer)
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(dispatch.TEST_POLICY.current_limit()):
            client.post(url(release))
        response = client.post(url(release), follow=True)
    assert len(mail.outbox) == dispatch.TEST_POLICY.current_limit()
    assert any("Tunggu sebentar" in m for m in said(response))


@pytest.mark.usefixtures("dead_broker")
def test_with_the_broker_down_the_request_still_answers_and_the_outage_is_logged_once(
    client,
    writer,
    unit_tree,
    django_capture_on_commit_callbacks,
    caplog,
):
    release = draft(unit_tree["kanwil"], writer, title="Jalan Lingkar Dibuka Senin")
    client.force_login(writer)
    with caplog.at_level("WARNING", logger="humas.outages"):
        for _n in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(url(release))
            assert response.status_code == 302  # not a 500 after the commit
    assert len(mail.outbox) == 0
    outages = [r.getMessage().split(" unreachable")[0] for r in caplog.records if r.name == "humas.outages"]
    assert outages == ["Celery broker (mailing)"]
