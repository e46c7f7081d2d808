"""The release e-mail to media partners: the templates are rendered once per release and language with
placeholders where each subscriber's fields go (their name and their two signed links), and each
subscriber's message is made from them in one of two ways:

- `message(...)`: the values filled into the rendered strings (the name HTML-escaped in the HTML part) and
  the message built with Django's `EmailMultiAlternatives`, sent with the backend's `send_messages` (any
  backend: SMTP, the `.eml` files of the embedded mode, an ESP through django-anymail, the tests' locmem);
- `Serialised`: over SMTP, the same message is built and serialised by Django and the e-mail package once
  per batch and language, with markers in the per-subscriber places (To, Message-ID, List-Unsubscribe, the
  name and links in both parts); each subscriber's bytes are that serialisation with the values put in
  place of the markers, handed to smtplib's `sendmail` on the backend's open connection. A subscriber whose
  values are not plain ASCII, or would make a line longer than RFC 5321's 998 octets, gets the first way;
  so does every subscriber when the serialisation did not keep each marker whole (e.g. quoted-printable).

Django writes the parts as 7bit/8bit text, or quoted-printable when a line would pass 998 octets: no line
that long is sent. `Composer` keeps the rendered templates per worker process across batches."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from releases.models import Release

from . import subscriptions

TEMPLATE = "emails/release_mail"
EMBARGO_TEMPLATE = "emails/release_embargo"
PREVIEW_PLACEHOLDER = "@@PREVIEW@@"  # the embargoed copy's personal preview link
# per-subscriber fields: the templates are rendered once per release and language with these in their place
PLACEHOLDERS = {"name": "@@NAME@@", "manage_url": "@@MANAGE@@", "unsubscribe_url": "@@UNSUBSCRIBE@@"}
LINE_LIMIT = 998  # RFC 5321 § 4.5.3.1.6, without the CRLF


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(release: Release, language: str, photo_url: str) -> Rendered:
    with translation.override(language):
        path = reverse("releases:detail", args=[release.slug])
        context = {
            "release": release,
            "photo_url": photo_url,
            "url": f"{settings.SITE_URL}{path}?utm_source=email&utm_medium=email&utm_campaign=mitra-media",
            **PLACEHOLDERS,
        }
        subject = " ".join(render_to_string(f"{TEMPLATE}.subject.txt", context).split())
        return Rendered(
            subject, render_to_string(f"{TEMPLATE}.txt", context), render_to_string(f"{TEMPLATE}.html", context)
        )


def fill(template: str, values: dict[str, str], *, html: bool) -> str:
    for key, placeholder in PLACEHOLDERS.items():
        template = template.replace(placeholder, escape(values[key]) if html else values[key])
    if "preview_url" in values:
        template = template.replace(
            PREVIEW_PLACEHOLDER, escape(values["preview_url"]) if html else values["preview_url"]
        )
    return template


def render_embargo(release: Release, language: str, photo_url: str) -> Rendered:
    """The embargoed copy: EMBARGO in the subject and the body, the release's text, a personal preview link
    (PREVIEW_PLACEHOLDER) instead of the public page, which does not exist yet."""
    from releases.publishing import embargo_text

    with translation.override(language):
        context = {
            "release": release,
            "photo_url": photo_url,
            "embargo": embargo_text(release),
            "preview_url": PREVIEW_PLACEHOLDER,
            **PLACEHOLDERS,
        }
        subject = " ".join(render_to_string(f"{EMBARGO_TEMPLATE}.subject.txt", context).split())
        return Rendered(
            subject,
            render_to_string(f"{EMBARGO_TEMPLATE}.txt", context),
            render_to_string(f"{EMBARGO_TEMPLATE}.html", context),
        )


def embargo_message(
    rendered: Rendered, *, release: Release, to: str, name: str, links: dict[str, str], preview_url: str,
    message_id: str, connection: Any = None,
) -> EmailMultiAlternatives:  # fmt: skip
    """One embargoed copy: the list's headers and X-Embargo-Until (the time it lifts, RFC 3339)."""
    values = {"name": name, **links, "preview_url": preview_url}
    email = _build(
        rendered, text=fill(rendered.text, values, html=False), html=fill(rendered.html, values, html=True),
        to=to, message_id=message_id, unsubscribe_url=links["unsubscribe_url"], reply_to=release.contact_email,
        connection=connection,
    )  # fmt: skip
    email.extra_headers["X-Embargo-Until"] = release.embargo_until.isoformat()
    return email


def message(
    rendered: Rendered, *, to: str, name: str, links: dict[str, str], message_id: str, reply_to: str = "",
    connection: Any = None,
) -> EmailMultiAlternatives:  # fmt: skip
    """One subscriber's message, with the mailing list's headers (RFC 2369 / 8058 and a List-Id)."""
    values = {"name": name, **links}
    return _build(
        rendered, text=fill(rendered.text, values, html=False), html=fill(rendered.html, values, html=True),
        to=to, message_id=message_id, unsubscribe_url=links["unsubscribe_url"], reply_to=reply_to,
        connection=connection,
    )  # fmt: skip


def _build(
    rendered: Rendered, *, text: str, html: str, to: str, message_id: str, unsubscribe_url: str, reply_to: str,
    connection: Any = None,
) -> EmailMultiAlternatives:  # fmt: skip
    email = EmailMultiAlternatives(
        rendered.subject,
        text,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={"Message-ID": message_id, **subscriptions.list_headers_for(unsubscribe_url)},
        connection=connection,
    )
    email.attach_alternative(html, "text/html")
    return email


class Serialised:
    """The message of one batch and language serialised once by Django with markers where each subscriber's
    values go; `bytes_for` puts one subscriber's values in, or answers None when they need the ordinary build."""

    def __init__(self, rendered: Rendered, *, reply_to: str = ""):
        tag = secrets.token_hex(6)
        markers = {  # text and HTML markers differ: the HTML part takes the values escaped
            key: f"humas-{key.replace('_', '-')}-{tag}"
            for key in ("text_name", "text_manage", "text_leave", "html_name", "html_manage", "html_leave")
        }
        markers["to"] = f"humas-to-{tag}@placeholder.invalid"
        markers["message_id"] = f"<humas-id-{tag}@placeholder.invalid>"
        markers["list_unsubscribe"] = f"humas-list-unsubscribe-{tag}"
        text = fill(rendered.text, {"name": markers["text_name"], "manage_url": markers["text_manage"],
                                    "unsubscribe_url": markers["text_leave"]}, html=False)  # fmt: skip
        html = fill(rendered.html, {"name": markers["html_name"], "manage_url": markers["html_manage"],
                                    "unsubscribe_url": markers["html_leave"]}, html=False)  # fmt: skip
        email = _build(rendered, text=text, html=html, to=markers["to"], message_id=markers["message_id"],
                       unsubscribe_url=markers["list_unsubscribe"], reply_to=reply_to)  # fmt: skip
        mime = email.message()
        self.data = mime.as_bytes(linesep="\r\n")
        self.boundary = (mime.get_boundary() or "").encode()
        self.sender = sanitize_address(email.from_email, email.encoding or settings.DEFAULT_CHARSET)
        self.markers = {key: marker.encode() for key, marker in markers.items()}
        expected = {  # how often each marker must appear whole in the serialised bytes
            "to": 1, "message_id": 1, "list_unsubscribe": 1,
            "text_name": rendered.text.count(PLACEHOLDERS["name"]),
            "text_manage": rendered.text.count(PLACEHOLDERS["manage_url"]),
            "text_leave": rendered.text.count(PLACEHOLDERS["unsubscribe_url"]),
            "html_name": rendered.html.count(PLACEHOLDERS["name"]),
            "html_manage": rendered.html.count(PLACEHOLDERS["manage_url"]),
            "html_leave": rendered.html.count(PLACEHOLDERS["unsubscribe_url"]),
        }  # fmt: skip
        encodings = {part.get("Content-Transfer-Encoding") for part in mime.walk() if not part.is_multipart()}
        self.usable = encodings <= {"7bit", "8bit"} and all(
            self.data.count(self.markers[key]) == count for key, count in expected.items()
        )

    def bytes_for(self, *, to: str, name: str, links: dict[str, str], message_id: str) -> bytes | None:
        manage, leave = links["manage_url"], links["unsubscribe_url"]
        plain = (to, name, manage, leave, message_id)
        if not self.usable or not all(v.isascii() and "\r" not in v and "\n" not in v for v in plain):
            return None
        values = {
            "to": to, "message_id": message_id, "list_unsubscribe": leave,
            "text_name": name, "text_manage": manage, "text_leave": leave,
            "html_name": escape(name), "html_manage": escape(manage), "html_leave": escape(leave),
        }  # fmt: skip
        if self.boundary and any(self.boundary in value.encode() for value in values.values()):
            return None
        data = self.data
        for key, value in values.items():
            data = data.replace(self.markers[key], value.encode())
        if max(map(len, data.split(b"\r\n"))) > LINE_LIMIT:
            return None
        return data


# Rendered templates are kept per worker process across batches (a dispatch of 100,000 is 1,000 batches of
# the same release); the key holds everything they are made from.
CACHE_SIZE = 32
_rendered: OrderedDict[tuple, Rendered] = OrderedDict()


def rendered_for(release: Release, language: str, photo_url: str, *, embargo: bool = False) -> Rendered:
    key = (release.pk, release.updated_at, language, photo_url, settings.SITE_URL, embargo)
    make = render_embargo if embargo else render
    value = _rendered.pop(key) if key in _rendered else make(release, language, photo_url)
    _rendered[key] = value
    while len(_rendered) > CACHE_SIZE:
        _rendered.popitem(last=False)
    return value


@dataclass
class Prepared:
    """One subscriber's message: bytes for smtplib's sendmail from `sender`, or a message for the backend."""

    to: str
    data: bytes | None = None
    sender: str = ""
    email: EmailMultiAlternatives | None = None


class Composer:
    """The messages of one send batch: the release rendered once per language, the links' addresses
    reversed once per language, each subscriber's values filled in; over Django's SMTP backend from a
    `Serialised` message per language, otherwise (or when the values do not fit it) built the ordinary way."""

    def __init__(self, release: Release, *, photo_url: str, connection: Any = None):
        self.release = release
        self.photo_url = photo_url
        self.smtp = isinstance(connection, SMTPBackend)
        self.links: dict[str, Callable[[int], dict[str, str]]] = {}
        self.serialised: dict[str, Serialised] = {}

    def compose(
        self, *, subscriber_id: int, name: str, email: str, language: str, message_id: str,
        embargo_delivery: int | None = None,
    ) -> Prepared:  # fmt: skip
        """`embargo_delivery`: the delivery's id when it is the embargoed copy (built the ordinary way, with
        its personal preview link signed for that delivery)."""
        if language not in self.links:
            self.links[language] = subscriptions.link_maker(language)
        links = self.links[language](subscriber_id)
        if embargo_delivery is not None:
            from . import embargo

            rendered = rendered_for(self.release, language, self.photo_url, embargo=True)
            return Prepared(to=email, email=embargo_message(
                rendered, release=self.release, to=email, name=name, links=links, message_id=message_id,
                preview_url=embargo.preview_url(embargo_delivery, language),
            ))  # fmt: skip
        rendered = rendered_for(self.release, language, self.photo_url)
        if self.smtp:
            if language not in self.serialised:
                self.serialised[language] = Serialised(rendered, reply_to=self.release.contact_email)
            serialised = self.serialised[language]
            data = serialised.bytes_for(to=email, name=name, links=links, message_id=message_id)
            if data is not None:
                return Prepared(to=email, data=data, sender=serialised.sender)
        ordinary = message(
            rendered, to=email, name=name, links=links, message_id=message_id, reply_to=self.release.contact_email
        )
        return Prepared(to=email, email=ordinary)

    def send(self, connection: Any, prepared: Prepared) -> None:
        """Over the backend's open connection; raises what smtplib (or the backend, e.g. an ESP's) raises."""
        if prepared.data is not None:
            connection.connection.sendmail(prepared.sender, [prepared.to], prepared.data)
        else:
            connection.send_messages([prepared.email])
