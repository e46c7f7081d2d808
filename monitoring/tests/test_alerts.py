"""Alerts through the outbox: an e-mail to each humas admin when an issue's negative volume in the last 6
hours reaches the threshold (once per admin, issue and day), and the daily digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from conftest import make_staff
from humas.models import OutboxEmail
from monitoring import alerts

from .helpers import clip, complaints

pytestmark = pytest.mark.django_db


@pytest.fixture
def spike(unit_tree):
    now = timezone.now()
    for title in ("Banjir di Ampenan", "Banjir melanda Cakranegara", "Sungai meluap, banjir masuk kota",
                  "Lagi-lagi banjir di Sekarbela"):  # fmt: skip
        clip(unit_tree["kanwil"], title, at=now - timedelta(hours=1), tone="negative")
    clip(unit_tree["kanwil"], "Banjir surut cepat", at=now - timedelta(hours=2), tone="positive")
    clip(unit_tree["kanwil"], "Banjir bulan lalu", at=now - timedelta(hours=8), tone="negative")  # outside 6 h
    return now


def test_a_negative_spike_emails_each_admin_once(unit_tree, spike, settings):
    settings.MONITORING_NEGATIVE_ALERT_THRESHOLD = 4
    admin = make_staff("admin_kanwil", "admin", unit_tree["kanwil"])
    make_staff("admin_timur", "admin", unit_tree["other"])  # another unit: its news is not this spike
    make_staff("editor_kanwil", "editor", unit_tree["kanwil"])  # not an admin
    assert alerts.check_spikes(spike) == 1
    assert alerts.check_spikes(spike + timedelta(minutes=10)) == 1  # the same key: nothing new is stored
    message = OutboxEmail.objects.get()
    assert message.to == admin.email and message.template == alerts.SPIKE_TEMPLATE
    assert message.context["negative"] == 4 and message.context["issue"] == "banjir"
    assert len(mail.outbox) == 0  # sent by the outbox's sweep, not here (the test runs inside a transaction)


def test_below_the_threshold_nothing_is_sent(unit_tree, spike, settings):
    settings.MONITORING_NEGATIVE_ALERT_THRESHOLD = 5
    make_staff("admin_kanwil", "admin", unit_tree["kanwil"])
    assert alerts.check_spikes(spike) == 0
    assert not OutboxEmail.objects.exists()


def test_negative_complaints_count_toward_the_spike(unit_tree, spike, settings):
    from monitoring import tones

    settings.MONITORING_NEGATIVE_ALERT_THRESHOLD = 5
    make_staff("admin_kanwil", "admin", unit_tree["kanwil"])
    complaints(unit_tree["satker"], [("Banjir", "Rumah kami kebanjiran, kami sangat kecewa tidak ada bantuan")],
               at=spike - timedelta(hours=1))  # fmt: skip
    tones.sweep(spike)
    assert alerts.check_spikes(spike) == 1


def test_the_spike_message_renders_in_indonesian(unit_tree, spike, settings):
    from humas import outbox

    settings.MONITORING_NEGATIVE_ALERT_THRESHOLD = 4
    make_staff("admin_kanwil", "admin", unit_tree["kanwil"])
    alerts.check_spikes(spike)
    email = outbox.render_message(OutboxEmail.objects.get())
    assert "Lonjakan berita negatif: banjir" in email.subject
    assert "/staf/isu/kliping/?q=banjir" in email.body


def test_the_daily_digest_lists_new_negative_clippings_and_rising_issues(unit_tree, spike):
    from humas import outbox

    make_staff("admin_kanwil", "admin", unit_tree["kanwil"])
    assert alerts.send_digests(spike) == 1
    assert alerts.send_digests(spike) == 1  # the same day: the same key, one message
    message = OutboxEmail.objects.get()
    assert len(message.context["negative"]) == 5
    assert [i["label"] for i in message.context["rising"]] == ["banjir"]
    email = outbox.render_message(message)
    assert "5 kliping negatif baru" in email.subject and "Banjir melanda Cakranegara" in email.body


def test_no_digest_without_news(unit_tree):
    make_staff("admin_kanwil", "admin", unit_tree["kanwil"])
    assert alerts.send_digests(timezone.now()) == 0
