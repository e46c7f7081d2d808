"""The release e-mail: rendered once per release and language with placeholders, each subscriber's values
filled in, built with Django's EmailMultiAlternatives."""

from __future__ import annotations

import email
import email.policy
from email.utils import make_msgid

import pytest

from mailing import release_mail, subscriptions
from releases.models import Release
from releases.tests.factories import published

pytestmark = pytest.mark.django_db

LINE_LIMIT = 998  # RFC 5321 § 4.5.3.1.6, without the CRLF


def build(release: Release, *, language: str = "id", name: str = "Budi", to: str = "budi@media.example"):
    rendered = release_mail.render(release, language, "https://media.example.go.id/foto.jpg")
    links = subscriptions.links(42, language)
    message_id = make_msgid(domain="mitra-media.test")
    built = release_mail.message(
        rendered, to=to, name=name, links=links, message_id=message_id, reply_to=release.contact_email
    )
    data = built.message().as_bytes(linesep="\r\n")
    return email.message_from_bytes(data, policy=email.policy.default), data, links, message_id


CASES = [
    ("id", "Jurnalis Satu", "j1@media.example"),
    ("en", "Jurnalis Satu", "j1@media.example"),
    ("id", "Ni Luh Putu Ayu Suastini Wédhaswari", "ni.luh@bali.example"),
    ("id", "Tom <b>\"&' Jerry", "tom@media.example"),
    ("en", "Şükrü 日本", "s" * 60 + "@" + "d" * 60 + ".example"),
]


@pytest.mark.parametrize(("language", "name", "to"), CASES)
def test_each_subscriber_gets_their_name_links_and_the_list_headers(editor, unit_tree, language, name, to):
    release = published(unit_tree["kanwil"], editor)
    message, data, links, message_id = build(release, language=language, name=name, to=to)
    assert message["To"] == to
    assert message["Message-ID"] == message_id
    assert message["Reply-To"] == release.contact_email
    assert message["List-Unsubscribe"].strip() == f"<{links['unsubscribe_url']}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == subscriptions.list_id()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.count(name) == 1 and links["manage_url"] in text and links["unsubscribe_url"] in text
    assert "@@" not in text + html
    assert all(len(line) <= LINE_LIMIT for line in data.split(b"\r\n"))


def test_the_name_is_escaped_in_the_html_part_only(editor, unit_tree):
    release = published(unit_tree["kanwil"], editor)
    message, *_ = build(release, name="Tom <b>\"&' Jerry")
    assert "Tom <b>\"&' Jerry" in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Tom &lt;b&gt;&quot;&amp;&#x27; Jerry" in html and "<b>" not in html


@pytest.mark.parametrize("site", ["https://a.id", "https://humas." + "kabupaten-contoh-" * 20 + "go.id/portal"])
def test_long_names_addresses_and_links_never_make_a_line_over_998_octets(editor, unit_tree, settings, site):
    settings.SITE_URL = site
    release = published(unit_tree["kanwil"], editor, dateline="")
    longest = "a" * 64 + "@" + "d" * 180 + ".example"  # RFC 5321's longest local part, 254 octets in all
    for name, to in [("x" * 1200, "a@media.example"), ("Budi", longest), ("Budi " * 300, longest)]:
        message, data, *_ = build(release, name=name, to=to)
        assert all(len(line) <= LINE_LIMIT for line in data.split(b"\r\n"))
        assert message.get_body(("plain",)).get_content().count(name) == 1


def test_a_release_in_other_scripts_is_sent_as_utf8(editor, unit_tree):
    release = published(
        unit_tree["kanwil"], editor, title="Rapat Koordinasi — Ñusantara “Bersatu”", summary="Ringkasan · é ü ß"
    )
    message, *_ = build(release)
    assert message["Subject"].strip() == "Rapat Koordinasi — Ñusantara “Bersatu”"
    assert "Ringkasan · é ü ß" in message.get_body(("plain",)).get_content()


def test_the_templates_are_rendered_once_per_release_and_language(editor, unit_tree, monkeypatch):
    release = published(unit_tree["kanwil"], editor)
    calls = []
    render = release_mail.render
    monkeypatch.setattr(release_mail, "render", lambda *args: calls.append(args[1]) or render(*args))
    monkeypatch.setattr(release_mail, "_rendered", type(release_mail._rendered)())
    composer = release_mail.Composer(release, photo_url="")
    for n in range(5):
        for language in ("id", "en"):
            composer.compose(subscriber_id=n, name=f"J{n}", email=f"j{n}@m.example", language=language,
                             message_id=f"<{n}@x>")  # fmt: skip
    assert sorted(calls) == ["en", "id"]


# --- the serialised-once path over SMTP ------------------------------------------------------------------


def shape(message) -> dict:
    """Headers and parts, without what is chosen when a message is generated (Date, the boundary) and where
    a long header is folded (the serialised message folded its short marker: the value is the same)."""
    headers = sorted((n.lower(), str(v).strip()) for n, v in message.items() if n.lower() != "date")
    headers = [(n, v.split("boundary=")[0]) if n == "content-type" else (n, v) for n, v in headers]
    parts = [
        (part.get_content_type(), part.get_content_charset(), part["Content-Transfer-Encoding"], part.get_content())
        for part in message.walk()
        if not part.is_multipart()
    ]
    return {"headers": headers, "parts": parts}


def parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


@pytest.mark.parametrize(
    ("language", "name", "to"),
    [("id", "Jurnalis Satu", "j1@media.example"), ("en", "Tom <b>\"&' Jerry", "tom@media.example"),
     ("id", "Budi", "a" * 64 + "@" + "d" * 180 + ".example")],
)  # fmt: skip
def test_the_serialised_message_with_a_subscribers_values_parses_as_the_ordinary_build(
    editor, unit_tree, language, name, to
):
    release = published(unit_tree["kanwil"], editor)
    rendered = release_mail.render(release, language, "https://media.example.go.id/foto.jpg")
    links = subscriptions.links(42, language)
    serialised = release_mail.Serialised(rendered, reply_to=release.contact_email)
    assert serialised.usable
    data = serialised.bytes_for(to=to, name=name, links=links, message_id="<a.42@mitra-media.test>")
    ordinary = release_mail.message(
        rendered, to=to, name=name, links=links, message_id="<a.42@mitra-media.test>", reply_to=release.contact_email
    ).message().as_bytes(linesep="\r\n")  # fmt: skip
    assert shape(parse(data)) == shape(parse(ordinary))
    assert list(parse(data).keys()) == list(parse(ordinary).keys())
    assert b"humas-" not in data and b"placeholder.invalid" not in data
    assert all(len(line) <= LINE_LIMIT for line in data.split(b"\r\n"))


def test_values_the_serialised_message_cannot_take_get_the_ordinary_build(editor, unit_tree):
    release = published(unit_tree["kanwil"], editor, dateline="")
    serialised = release_mail.Serialised(release_mail.render(release, "id", ""))
    fits = {"to": "a@media.example", "name": "Budi", "links": subscriptions.links(1, "id"), "message_id": "<x@y>"}
    assert serialised.bytes_for(**fits) is not None
    assert serialised.bytes_for(**{**fits, "to": "bü@media.example"}) is None  # needs SMTPUTF8 or encoding
    assert serialised.bytes_for(**{**fits, "name": "Bü"}) is None  # a 7bit part cannot take it
    assert serialised.bytes_for(**{**fits, "name": "x" * 1000}) is None  # a line over 998 octets: Django's QP
    assert serialised.bytes_for(**{**fits, "name": "a\r\nBcc: x@evil.example"}) is None
    assert serialised.bytes_for(**{**fits, "name": serialised.boundary.decode()}) is None


def test_a_body_django_writes_as_quoted_printable_is_never_filled_in():
    text = "Halo @@NAME@@,\n" + "panjang" * 200 + "\n@@MANAGE@@ @@UNSUBSCRIBE@@\n"  # a line of 1,400 octets
    rendered = release_mail.Rendered("Subjek", text, "<p>@@NAME@@ @@MANAGE@@ @@UNSUBSCRIBE@@</p>")
    serialised = release_mail.Serialised(rendered)
    assert not serialised.usable
    fits = {"to": "a@media.example", "name": "Budi", "links": subscriptions.links(1, "id"), "message_id": "<x@y>"}
    assert serialised.bytes_for(**fits) is None
