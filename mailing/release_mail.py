"""The release e-mail to media partners: the templates are rendered once per release and language with
placeholders where each subscriber's fields go (their name and their two signed links); each subscriber's
message is those strings with the values filled in (the name HTML-escaped in the HTML part), built with
Django's `EmailMultiAlternatives` and sent through the batch's one open connection of the e-mail backend.

Django writes the parts as 7bit/8bit text, or quoted-printable when a line would pass RFC 5321's 998
octets, and folds long headers: no line that long is sent. `Composer` keeps the rendered templates per
worker process across batches (keyed by everything they are made from)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from releases.models import Release

from . import subscriptions

TEMPLATE = "emails/release_mail"
# per-subscriber fields: the templates are rendered once per release and language with these in their place
PLACEHOLDERS = {"name": "@@NAME@@", "manage_url": "@@MANAGE@@", "unsubscribe_url": "@@UNSUBSCRIBE@@"}


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
    return template


def message(
    rendered: Rendered, *, to: str, name: str, links: dict[str, str], message_id: str, reply_to: str = "",
    connection: Any = None,
) -> EmailMultiAlternatives:  # fmt: skip
    """One subscriber's message, with the mailing list's headers (RFC 2369 / 8058 and a List-Id)."""
    values = {"name": name, **links}
    email = EmailMultiAlternatives(
        rendered.subject,
        fill(rendered.text, values, html=False),
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={"Message-ID": message_id, **subscriptions.list_headers_for(links["unsubscribe_url"])},
        connection=connection,
    )
    email.attach_alternative(fill(rendered.html, values, html=True), "text/html")
    return email


# Rendered templates are kept per worker process across batches (a dispatch of 100,000 is 1,000 batches of
# the same release); the key holds everything they are made from.
CACHE_SIZE = 32
_rendered: OrderedDict[tuple, Rendered] = OrderedDict()


def rendered_for(release: Release, language: str, photo_url: str) -> Rendered:
    key = (release.pk, release.updated_at, language, photo_url, settings.SITE_URL)
    value = _rendered.pop(key) if key in _rendered else render(release, language, photo_url)
    _rendered[key] = value
    while len(_rendered) > CACHE_SIZE:
        _rendered.popitem(last=False)
    return value


class Composer:
    """The messages of one send batch: the release rendered once per language, the links' addresses
    reversed once per language, each subscriber's values filled in."""

    def __init__(self, release: Release, *, photo_url: str):
        self.release = release
        self.photo_url = photo_url
        self.links: dict[str, Callable[[int], dict[str, str]]] = {}

    def compose(
        self, *, subscriber_id: int, name: str, email: str, language: str, message_id: str
    ) -> EmailMultiAlternatives:
        if language not in self.links:
            self.links[language] = subscriptions.link_maker(language)
        rendered = rendered_for(self.release, language, self.photo_url)
        return message(
            rendered, to=email, name=name, links=self.links[language](subscriber_id), message_id=message_id,
            reply_to=self.release.contact_email,
        )  # fmt: skip

    def send(self, connection: Any, prepared: EmailMultiAlternatives) -> None:
        """Over the backend's open connection; raises what smtplib (or the backend, e.g. an ESP's) raises."""
        connection.send_messages([prepared])
