"""The release e-mail's fast path (serialised once, each subscriber filled in as bytes) against the ordinary
build with Django's EmailMultiAlternatives: both must parse to the same headers and parts."""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
import smtplib
import time
from email.utils import make_msgid

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from releases import release_mail, subscriptions
from releases.models import Release

from .factories import published

pytestmark = pytest.mark.django_db

# Date and the multipart boundary are chosen when a message is generated; everything else must match
VARIABLE = {"date"}


def parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def shape(message) -> dict:
    headers = sorted((name.lower(), str(value)) for name, value in message.items() if name.lower() not in VARIABLE)
    headers = [(n, v.split("boundary=")[0]) if n == "content-type" else (n, v) for n, v in headers]
    parts = [
        (
            part.get_content_type(),
            part.get_content_charset(),
            part["Content-Transfer-Encoding"],
            part.get_content(),
        )
        for part in message.walk()
        if not part.is_multipart()
    ]
    return {"headers": headers, "parts": parts}


def both(release: Release, *, language: str, name: str, to: str, subscriber_id: int = 42):
    rendered = release_mail.render(release, language, "https://media.example.go.id/foto.jpg")
    links = subscriptions.links(subscriber_id, language)
    message_id = make_msgid(domain="mitra-media.test")
    ordinary = release_mail.message(
        rendered, to=to, name=name, links=links, message_id=message_id, reply_to=release.contact_email
    ).message().as_bytes(linesep="\r\n")  # fmt: skip
    fast = release_mail.FastMessage(rendered, reply_to=release.contact_email, eight_bit=not name.isascii())
    data = fast.bytes_for(to=to, name=name, links=links, message_id=message_id)
    return ordinary, data


CASES = [
    ("id", "Jurnalis Satu", "j1@media.example"),
    ("en", "Jurnalis Satu", "j1@media.example"),
    ("id", "Ni Luh Putu Ayu Suastini Wédhaswari", "ni.luh@bali.example"),  # not ASCII: 8-bit parts
    ("id", "Tom <b>\"&' Jerry", "tom@media.example"),  # HTML-escaped in the HTML part only
    ("en", "Şükrü 日本", "s" * 60 + "@" + "d" * 60 + ".example"),
]


@pytest.mark.parametrize(("language", "name", "to"), CASES)
def test_the_fast_bytes_parse_to_the_same_headers_and_parts_as_the_ordinary_build(
    editor, unit_tree, language, name, to
):
    release = published(unit_tree["kanwil"], editor)
    ordinary, fast = both(release, language=language, name=name, to=to)
    assert fast is not None
    assert shape(parse(fast)) == shape(parse(ordinary))
    message = parse(fast)
    assert list(message.keys()) == list(parse(ordinary).keys())  # same headers in the same order
    sent_at = email.utils.mktime_tz(email.utils.parsedate_tz(str(message["Date"])))
    assert abs(sent_at - time.time()) < 5  # the time of sending, not of the reused serialisation
    assert message["To"] == to
    assert message["List-Unsubscribe"].strip() == f"<{subscriptions.links(42, language)['unsubscribe_url']}>"
    assert message.get_body(("plain",)).get_content().count(name) == 1
    assert all(len(line) <= release_mail.LINE_LIMIT for line in fast.split(b"\r\n"))
    assert b"@@" not in fast and b"placeholder.invalid" not in fast


@pytest.mark.parametrize("site", ["https://a.id", "https://humas." + "kabupaten-contoh-" * 8 + "go.id/portal"])
def test_short_and_long_site_addresses_fold_the_headers_alike(editor, unit_tree, settings, site):
    settings.SITE_URL = site
    release = published(unit_tree["kanwil"], editor)
    ordinary, fast = both(release, language="id", name="Budi", to="budi@media.example", subscriber_id=7)
    assert shape(parse(fast)) == shape(parse(ordinary))
    assert all(len(line) <= release_mail.LINE_LIMIT for line in fast.split(b"\r\n"))


def test_a_release_in_other_scripts_stays_8bit_and_equal(editor, unit_tree):
    release = published(
        unit_tree["kanwil"], editor, title="Rapat Koordinasi — Ñusantara “Bersatu”", summary="Ringkasan · é ü ß"
    )
    ordinary, fast = both(release, language="id", name="Budi", to="budi@media.example")
    assert shape(parse(fast)) == shape(parse(ordinary))
    assert parse(fast).get_body(("plain",))["Content-Transfer-Encoding"] == "8bit"


def test_values_that_do_not_fit_fall_back_to_the_ordinary_build(editor, unit_tree):
    release = published(unit_tree["kanwil"], editor, dateline="")  # no dash: the text part is 7bit
    rendered = release_mail.render(release, "id", "")
    links = subscriptions.links(1, "id")
    fast = release_mail.FastMessage(rendered)
    assert fast.usable and not fast.eight_bit
    fits = {"to": "a@media.example", "name": "Budi", "links": links, "message_id": "<x@y>"}
    assert fast.bytes_for(**fits) is not None
    assert fast.bytes_for(**{**fits, "to": "bü@media.example"}) is None  # needs SMTPUTF8: the ordinary way
    assert fast.bytes_for(**{**fits, "name": "Bü"}) is None  # 7bit parts cannot take it: the 8-bit variant can
    assert release_mail.FastMessage(rendered, eight_bit=True).bytes_for(**{**fits, "name": "Bü"}) is not None
    assert fast.bytes_for(**{**fits, "name": "x" * 1000}) is None  # a line over 998 octets: Django's QP
    assert fast.bytes_for(**{**fits, "name": "a\r\nBcc: x@evil.example"}) is None
    assert fast.bytes_for(**{**fits, "name": fast.boundary.decode()}) is None


@pytest.mark.parametrize("site", ["https://a.id", "https://humas." + "kabupaten-contoh-" * 20 + "go.id/portal"])
def test_the_line_check_agrees_with_splitting_the_whole_message(editor, unit_tree, settings, site):
    """`fits` knows each line's length from the shape worked out once; it must say what splitting says,
    at and around the limit, for a long name, a long address and long links."""
    settings.SITE_URL = site
    release = published(unit_tree["kanwil"], editor, dateline="")
    fast = release_mail.FastMessage(release_mail.render(release, "id", ""))
    assert fast.usable and fast.lines
    links = subscriptions.links(7, "id")
    seen = set()
    cases = [{"name": "x" * n} for n in range(700, 1000, 7)]
    cases += [{"to": "a" * n + "@media.example"} for n in range(900, 1100, 10)]
    cases += [{"links": {key: url + "?" + "q" * n for key, url in links.items()}} for n in range(500, 1000, 25)]
    for case in cases:
        args = {"to": "a@media.example", "name": "Budi", "links": links, "message_id": "<x@y>", **case}
        values = fast.values_for(**args)
        assert values is not None
        whole = fast.join(values)
        assert len(without_date(whole)) < len(whole)
        within = max(len(line) for line in whole.split(b"\r\n")) <= release_mail.LINE_LIMIT
        assert fast.fits(values) is within
        sent = fast.bytes_for(**args)  # its Date line may be of the next second
        assert (without_date(sent) == without_date(whole)) if within else (sent is None)
        seen.add(within)
    assert seen == {True, False}  # both sides of the limit were met


def without_date(data: bytes) -> bytes:
    return re.sub(rb"^Date: [^\r]*\r\n", b"", data, count=1, flags=re.MULTILINE)


_ATEXT = "abcxyzABCXYZ0189!#$%&'*+/=?^_`{|}~-"


@given(
    st.lists(st.text(alphabet=_ATEXT, min_size=1, max_size=8), min_size=1, max_size=3),
    st.lists(st.text(alphabet=_ATEXT, min_size=1, max_size=8), min_size=1, max_size=3),
)
@hypothesis_settings(max_examples=300, deadline=None)
def test_a_plain_address_is_quoted_as_smtplib_quotes_it(local, domain):
    address = ".".join(local) + "@" + ".".join(domain)
    assert release_mail.quoted(address) == smtplib.quoteaddr(address)


@pytest.mark.parametrize(
    "address", ['"jo smith"@media.example', "Jo <jo@media.example>", "jo@[127.0.0.1]", "not an address", ""]
)
def test_any_other_address_goes_through_smtplib(address):
    assert release_mail.quoted(address) == smtplib.quoteaddr(address)
