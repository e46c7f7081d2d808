"""Abuse-resistant public forms: IPv6 counted by /64, at most one stranger-triggered e-mail per address per 10
minutes (and a few a day), the password reset through the outbox in constant time with a SITE_URL link."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.test import Client

from complaints.models import Complaint
from complaints.tests.conftest import form_data
from humas import ratelimit
from humas.models import OutboxEmail

from .conftest import signed_in


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:10.0.0.1", "10.0.0.1", True),
        ("10.0.0.1", "10.0.0.2", False),
    ],
)
def test_ipv6_addresses_count_by_their_64(a, b, same):
    assert (ratelimit.bucket(a) == ratelimit.bucket(b)) is same


@pytest.mark.django_db
def test_rotating_addresses_inside_one_ipv6_network_does_not_escape_the_limit(unit_tree, settings):
    settings.COMPLAINT_SUBMIT_LIMIT = 2
    statuses = [
        Client()
        .post("/pengaduan/", form_data(reporter_email=f"w{n}@example.test"), REMOTE_ADDR=f"2001:db8:7::{n + 1}")
        .status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert Complaint.objects.count() == 2
    elsewhere = Client().post("/pengaduan/", form_data(), REMOTE_ADDR="2001:db8:8::1")
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_one_receipt_per_address_per_ten_minutes_whoever_files(unit_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            response = Client().post("/pengaduan/", form_data(), REMOTE_ADDR=f"10.0.0.{n + 1}")
            assert response.status_code == 302
    assert Complaint.objects.count() == 3  # every report is stored; only the mail is limited
    assert [m.to for m in mail.outbox] == [["budi@example.test"]]


@pytest.mark.django_db
def test_staff_intake_receipts_are_not_limited(unit_tree, officer, django_capture_on_commit_callbacks):
    client = signed_in(officer)
    data = {"channel": "phone", "kind": "complaint", "unit": "kanwil-tengah", "title": "Laporan lewat telepon",
            "description": "Warga menelepon soal jalan berlubang di depan sekolah dasar.", "identity_mode": "named",
            "reporter_name": "Ibu Sari", "reporter_email": "sari@example.test", "visibility": "rahasia",
            "consent": "on"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/staf/pengaduan/baru/", data).status_code == 302
        assert client.post("/staf/pengaduan/baru/", data).status_code == 302
    assert len(mail.outbox) == 2


def test_a_few_stranger_triggered_mails_a_day_at_most(settings, monkeypatch):
    settings.MAIL_RECIPIENT_DAILY_LIMIT = 2
    monkeypatch.setitem(ratelimit.POLICIES, "mail-recipient", ratelimit.Policy(100, 600))
    assert [ratelimit.allow_mail_to("Korban@Example.test") for _ in range(3)] == [True, True, False]
    assert ratelimit.allow_mail_to("lain@example.test")
    assert not ratelimit.allow_mail_to("")


@pytest.mark.django_db
def test_subscribing_twice_sends_one_confirmation(unit_tree, settings, django_capture_on_commit_callbacks):
    from mailing.tests.test_subscriptions import form_data as subscribe_data

    settings.SUBSCRIBE_FORM_MIN_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        first = Client().post("/mitra-media/", subscribe_data(), REMOTE_ADDR="10.0.0.1")
        second = Client().post("/mitra-media/", subscribe_data(), REMOTE_ADDR="10.0.0.2")
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_password_reset_goes_through_the_outbox_once_and_keeps_no_token(
    officer, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_MIN_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            response = Client().post("/staf/lupa-sandi/", {"email": "officer_kanwil@example.test"},
                                     REMOTE_ADDR=f"10.0.0.{n + 1}")  # fmt: skip
            assert response.status_code == 302
    row = OutboxEmail.objects.get()
    assert row.template == "emails/password_reset" and row.context == {"user_id": officer.pk}
    assert row.status == OutboxEmail.Status.SENT and len(mail.outbox) == 1
    assert settings.SITE_URL + "/staf/lupa-sandi/" in mail.outbox[0].body


@pytest.mark.django_db
def test_password_reset_is_rate_limited_per_address(officer, settings):
    settings.PASSWORD_RESET_MIN_SECONDS = 0
    settings.PASSWORD_RESET_LIMIT = 3
    statuses = [Client().post("/staf/lupa-sandi/", {"email": f"x{n}@example.test"}).status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_password_reset_answers_in_the_same_time_for_known_and_unknown_addresses(officer, settings):
    settings.PASSWORD_RESET_MIN_SECONDS = 0.3

    def timed(email: str, ip: str) -> float:
        started = time.monotonic()
        assert Client().post("/staf/lupa-sandi/", {"email": email}, REMOTE_ADDR=ip).status_code == 302
        return time.monotonic() - started

    known = timed("officer_kanwil@example.test", "10.0.0.1")
    unknown = timed("siapa@example.test", "10.0.0.2")
    assert known >= 0.3 and unknown >= 0.3
    assert abs(known - unknown) < 0.15
