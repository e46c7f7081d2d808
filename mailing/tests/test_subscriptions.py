from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import translation

from humas.errors import Refused
from humas.forms import new_stamp
from mailing import subscriptions
from mailing.models import Subscriber, SubscriberStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _human_speed(settings):
    settings.SUBSCRIBE_FORM_MIN_SECONDS = 0


def form_data(**extra):
    return {
        "name": "Rina Wartawati",
        "email": "Rina@Lombokpos.example",
        "outlet": "Lombok Pos",
        "language": "id",
        "consent": "on",
        "started": new_stamp(),
        **extra,
    }


def confirm_link(message) -> str:
    return re.search(r"http://\S+/mitra-media/konfirmasi/\S+/", message.body).group(0)


def test_it_subscribes_pending_and_mails_a_confirmation_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mailing:subscribe"), form_data())
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.email == "Rina@lombokpos.example"
    assert subscriber.outlet.name == "Lombok Pos"
    assert subscriber.consent_ip == "127.0.0.1"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["Rina@lombokpos.example"]
    link = confirm_link(mail.outbox[0]).replace("http://127.0.0.1:8000", "")
    # following the link (as a mail scanner does) confirms nothing: its page has a button
    page = client.get(link)
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
    response = client.post(link)
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED and subscriber.consent_at is not None


def test_the_same_address_in_other_case_is_one_row_and_the_answer_tells_nothing(
    client, django_capture_on_commit_callbacks
):
    client.post(reverse("mailing:subscribe"), form_data())
    Subscriber.objects.update(status=SubscriberStatus.CONFIRMED, name="Rina")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("mailing:subscribe"), form_data(email="RINA@LOMBOKPOS.EXAMPLE", name="Orang Lain"))
        new = client.post(reverse("mailing:subscribe"), form_data(email="baru@lombokpos.example"))
    assert again.status_code == new.status_code == 302 and again["Location"] == new["Location"]
    assert Subscriber.objects.count() == 2
    kept = Subscriber.objects.get(email__iexact="rina@lombokpos.example")
    assert (kept.status, kept.name) == (SubscriberStatus.CONFIRMED, "Rina")  # a stranger changed nothing
    assert [m.to for m in mail.outbox] == [["baru@lombokpos.example"]]


@pytest.mark.parametrize(
    "extra, problem",
    [
        ({"email": "not-an-address"}, "Enter a valid email address"),
        ({"email": "x@mailinator.com"}, "throw-away addresses"),
        ({"website": "http://spam.example"}, "hidden"),
        ({"started": "forged"}, "open too long"),
        ({"consent": ""}, "This field is required"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(client, extra, problem):
    with translation.override("en"):
        response = client.post(reverse("mailing:subscribe"), form_data(**extra))
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert not Subscriber.objects.exists()


def test_too_many_subscriptions_from_one_address_are_throttled(client, settings):
    settings.SUBSCRIBE_LIMIT = 2
    for n in range(2):
        client.post(reverse("mailing:subscribe"), form_data(email=f"a{n}@example.org"))
    response = client.post(reverse("mailing:subscribe"), form_data(email="a9@example.org"))
    assert response.status_code == 429
    assert Subscriber.objects.count() == 2


def subscriber(**extra) -> Subscriber:
    fields = {"name": "Budi", "email": "budi@radio.example", "status": SubscriberStatus.CONFIRMED, **extra}
    return Subscriber.objects.create(**fields)


def test_tampered_and_expired_confirmation_links_are_refused(client, settings):
    pending = subscriber(status=SubscriberStatus.PENDING)
    token = subscriptions.confirm_token(pending)
    for method in (client.get, client.post):
        response = method(reverse("mailing:subscriber_confirm", args=[token[:-2] + "xx"]))
        assert response.status_code == 400
    settings.SUBSCRIBE_CONFIRM_DAYS = 0
    for method in (client.get, client.post):
        response = method(reverse("mailing:subscriber_confirm", args=[token]))
        assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.PENDING


def test_get_asks_and_post_unsubscribes():
    person = subscriber()
    client = Client(enforce_csrf_checks=True)
    url = reverse("mailing:subscriber_unsubscribe", args=[subscriptions.unsubscribe_token(person.pk)])
    assert client.get(url).status_code == 200
    person.refresh_from_db()
    assert person.status == SubscriberStatus.CONFIRMED  # a link scanner's GET changes nothing
    assert client.post(url).status_code == 200
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED and person.unsubscribed_at


def test_one_click_post_works_without_csrf_but_not_with_a_wrong_token():
    person = subscriber()
    client = Client(enforce_csrf_checks=True)
    wrong = reverse("mailing:subscriber_unsubscribe", args=[subscriptions.manage_token(person.pk)])
    assert client.post(wrong, {"List-Unsubscribe": "One-Click"}).status_code == 400
    person.refresh_from_db()
    assert person.status == SubscriberStatus.CONFIRMED
    url = reverse("mailing:subscriber_unsubscribe", args=[subscriptions.unsubscribe_token(person.pk)])
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED


def test_preferences_are_changed_through_the_signed_link(client, unit_tree):
    person = subscriber()
    url = reverse("mailing:subscriber_manage", args=[subscriptions.manage_token(person.pk)])
    assert client.get(url).status_code == 200
    response = client.post(url, {"units": [unit_tree["kanwil"].pk], "language": "en"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "en"
    assert list(person.units.all()) == [unit_tree["kanwil"]]
    assert client.get(url[:-3] + "zz/").status_code == 400


def test_bounces_and_complaints_stop_an_address(settings):
    settings.SUBSCRIBER_BOUNCE_LIMIT = 2
    person = subscriber()
    subscriptions.record_bounce(email="BUDI@radio.example")
    person.refresh_from_db()
    assert (person.status, person.bounce_count) == (SubscriberStatus.CONFIRMED, 1)
    subscriptions.record_bounce(email="budi@radio.example")
    person.refresh_from_db()
    assert person.status == SubscriberStatus.BOUNCED
    other = subscriber(email="c@tv.example")
    subscriptions.record_bounce(email="c@tv.example", complaint=True)
    other.refresh_from_db()
    assert other.status == SubscriberStatus.COMPLAINED


def test_the_links_carry_djangos_signed_tokens_in_the_format_of_links_already_sent():
    person = subscriber(email="links@media.example")
    links = subscriptions.links(person.pk, "id")
    manage = links["manage_url"].rstrip("/").rsplit("/", 1)[-1]
    leave = links["unsubscribe_url"].rstrip("/").rsplit("/", 1)[-1]
    # the salts of the time the list lived in releases: e-mails sent before the move keep working
    assert manage == signing.Signer(salt="releases.subscriber-manage").sign(str(person.pk))
    assert leave == signing.Signer(salt="releases.subscriber-unsubscribe").sign(str(person.pk))
    assert subscriptions.subscriber_for_manage(manage) == person
    assert subscriptions.subscriber_for_unsubscribe(leave) == person
    with pytest.raises(Refused):
        subscriptions.subscriber_for_manage(leave)  # one link's token does not open the other page
