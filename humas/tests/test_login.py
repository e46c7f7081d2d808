from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

PASSWORD = "s3cret-Passw0rd"


@pytest.mark.django_db
def test_signing_in_rotates_the_session_and_opens_the_console(client, officer):
    client.get("/staf/masuk/")
    client.cookies["sessionid"] = "x"  # a session key planted before login must not survive it
    session = client.session
    session["planted"] = "yes"
    session.save()
    before = session.session_key
    response = client.post("/staf/masuk/", {"username": "officer_kanwil", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/staf/"
    assert client.session.session_key != before
    assert client.get("/staf/").status_code == 200


@pytest.mark.django_db
def test_wrong_password_and_unknown_account_get_the_same_answer(client, officer):
    wrong = client.post("/staf/masuk/", {"username": "officer_kanwil", "password": "salah"})
    unknown = client.post("/staf/masuk/", {"username": "tidak_ada", "password": "salah"})
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    text = wrong.content.decode()
    assert "Nama pengguna atau kata sandi" in text or "nama pengguna atau kata sandi" in text
    assert 'value="officer_kanwil"' in text  # what was typed stays


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_from_that_address_only(client, officer):
    for _attempt in range(5):
        client.post("/staf/masuk/", {"username": "officer_kanwil", "password": "salah"}, REMOTE_ADDR="10.0.0.7")
    locked = client.post("/staf/masuk/", {"username": "officer_kanwil", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert locked.status_code == 429
    assert "15 menit" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # the owner, from their own address, is not locked out by someone guessing elsewhere
    ok = Client().post("/staf/masuk/", {"username": "officer_kanwil", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1")
    assert ok.status_code == 302


@pytest.mark.django_db
def test_failures_spread_over_many_addresses_lock_nobody_out(client, officer):
    for attempt in range(12):
        client.post(
            "/staf/masuk/", {"username": "officer_kanwil", "password": "salah"}, REMOTE_ADDR=f"10.0.0.{attempt}"
        )
    ok = Client().post("/staf/masuk/", {"username": "officer_kanwil", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1")
    assert ok.status_code == 302


@pytest.mark.django_db
def test_an_ipv6_network_counts_as_one_address(client, officer):
    for attempt in range(5):
        client.post("/staf/masuk/", {"username": f"tebak{attempt}", "password": "salah"},
                    REMOTE_ADDR=f"2001:db8:1:2::{attempt + 1}")  # fmt: skip
    same_network = client.post("/staf/masuk/", {"username": "officer_kanwil", "password": PASSWORD},
                               REMOTE_ADDR="2001:db8:1:2:ffff::9")  # fmt: skip
    assert same_network.status_code == 429


@pytest.mark.django_db
def test_repeated_failures_lock_the_address_across_accounts(client, officer):
    for attempt in range(5):
        client.post("/staf/masuk/", {"username": f"tebak{attempt}", "password": "salah"}, REMOTE_ADDR="10.9.9.9")
    locked = client.post("/staf/masuk/", {"username": "officer_kanwil", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert locked.status_code == 429
    elsewhere = client.post(
        "/staf/masuk/", {"username": "officer_kanwil", "password": PASSWORD}, REMOTE_ADDR="10.8.8.8"
    )
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_logout_needs_post_and_ends_the_session(client, officer):
    client.force_login(officer)
    assert client.get("/staf/keluar/").status_code == 405
    assert client.post("/staf/keluar/").status_code == 302
    assert client.get("/staf/").status_code == 302


@pytest.mark.django_db
def test_password_change_validates_and_keeps_the_user_signed_in(client, officer):
    client.force_login(officer)
    bad = client.post("/staf/sandi/", {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"})
    assert bad.status_code == 200 and bad.context["form"].errors
    good = client.post(
        "/staf/sandi/",
        {"old_password": PASSWORD, "new_password1": "Kopi-Tubruk-2026", "new_password2": "Kopi-Tubruk-2026"},
    )
    assert good.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Kopi-Tubruk-2026")
    assert client.get("/staf/").status_code == 200


@pytest.mark.django_db
def test_password_reset_mails_a_link_and_says_the_same_for_unknown_addresses(
    client, officer, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://humas.example.go.id"
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/staf/lupa-sandi/", {"email": "officer_kanwil@example.test"})
        unknown = client.post("/staf/lupa-sandi/", {"email": "siapa@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/staf/lupa-sandi/terkirim/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer_kanwil@example.test"]
    assert "Biro Humas Pusat" in message.subject  # the portal's name, not a bare domain
    assert message.alternatives and "Biro Humas Pusat" in message.alternatives[0][0]
    link = next(line for line in message.body.splitlines() if "/staf/lupa-sandi/" in line).strip()
    assert link.startswith("https://humas.example.go.id/staf/lupa-sandi/")
    path = link.removeprefix("https://humas.example.go.id")
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Teh-Manis-Hangat-9", "new_password2": "Teh-Manis-Hangat-9"},
    )
    assert done.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Teh-Manis-Hangat-9")
