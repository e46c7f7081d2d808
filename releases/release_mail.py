"""The release e-mail to media partners: rendered from its templates with placeholders where each
subscriber's fields go (their name and their two signed links).

Two ways to turn that into one subscriber's message:

- `message(...)` builds it the ordinary way, with Django's `EmailMultiAlternatives` (any e-mail backend: the
  `.eml` files of the embedded mode, an ESP through django-anymail, the tests' locmem box);
- `FastMessage` serialises the message to bytes ONCE with markers in the per-subscriber places (Date, To,
  Message-ID, List-Unsubscribe, the name and links in both parts), and fills each subscriber in by byte
  substitution; the bytes go straight to an open SMTP connection (`send_bytes`: smtplib's `sendmail`
  without parsing the two addresses again for every message). Both parts are 7bit/8bit
  (Django never base64-encodes UTF-8 text), so the markers survive serialisation; a subscriber whose values
  would make a line longer than RFC 5321's 998 octets, whose address is not ASCII, or whose values could
  break the MIME structure gets the ordinary build instead. The tests check that both ways parse to the
  same headers and parts.

`Composer` does this for a send batch, keeping the rendered templates and serialised messages per worker
process across batches (keyed by everything they are made from).
"""

from __future__ import annotations

import email.policy
import functools
import re
import secrets
import smtplib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, make_msgid
from html import escape as html_escape
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from . import subscriptions
from .models import Release

TEMPLATE = "emails/release_mail"
# per-subscriber fields: the templates are rendered once per batch and language with these in their place
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
    return template


def message(
    rendered: Rendered, *, to: str, name: str, links: dict[str, str], message_id: str, reply_to: str = ""
) -> EmailMultiAlternatives:
    """One subscriber's message, built the ordinary way."""
    values = {"name": name, **links}
    return _email(rendered, to=to, message_id=message_id, unsubscribe_url=links["unsubscribe_url"],
                  reply_to=reply_to, text_values=values, html_values=values, escape_html=True)  # fmt: skip


def _email(
    rendered: Rendered, *, to: str, message_id: str, unsubscribe_url: str, reply_to: str,
    text_values: dict[str, str], html_values: dict[str, str], escape_html: bool, date: str = "",
) -> EmailMultiAlternatives:  # fmt: skip
    """The message both ways build: the ordinary one with a subscriber's values, FastMessage with markers
    (its own Date, and HTML values it escapes itself when it fills them in)."""
    email = EmailMultiAlternatives(
        rendered.subject,
        fill(rendered.text, text_values, html=False),
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={
            **({"Date": date} if date else {}),
            "Message-ID": message_id,
            **subscriptions.list_headers_for(unsubscribe_url),
        },
    )
    email.attach_alternative(fill(rendered.html, html_values, html=escape_html), "text/html")
    return email


# headers whose value differs per subscriber, as the e-mail package writes them (compat32, CRLF)
HEADER_POLICY = email.policy.compat32.clone(linesep="\r\n")
NO_SPLIT = re.compile(r"[^\x21-\x7e]|[;,]")  # what the header folder could split at, or must encode


@functools.lru_cache(maxsize=256)
def _fold_shape(name: str, length: int) -> tuple[bytes, bytes] | None:
    """How the e-mail package folds a `name` header whose value is `length` printable ASCII characters with
    nowhere to split (an address, a Message-ID, a <URL>): that depends on the length only, so it is worked
    out once per length with a stand-in and reused as (before the value, after it)."""
    stand_in = "x" * length
    folded = HEADER_POLICY.fold_binary(name, stand_in)
    if folded.count(stand_in.encode()) != 1:
        return None
    before, after = folded.split(stand_in.encode())
    return before, after


def header_line(name: str, value: str) -> bytes | None:
    if NO_SPLIT.search(value):
        return None
    shape = _fold_shape(name, len(value))
    return None if shape is None else shape[0] + value.encode() + shape[1]


def _date_line() -> bytes:
    """The Date header as Django writes it (never folded: 37 characters), made once a second."""
    key = (int(time.time()), settings.EMAIL_USE_LOCALTIME)
    if _date[0] != key:
        _date[:] = [key, f"Date: {formatdate(key[0], localtime=key[1])}\r\n".encode()]
    return _date[1]


_date: list[Any] = [None, b""]


class FastMessage:
    """The message serialised once with markers; `bytes_for` fills one subscriber in, or answers None when
    that subscriber needs the ordinary build."""

    def __init__(self, rendered: Rendered, *, reply_to: str = "", eight_bit: bool = False):
        tag = secrets.token_hex(6)
        # an 8-bit variant for subscribers whose name is not ASCII: the marker makes the parts 8bit, as
        # the ordinary build of such a subscriber's message would be
        wide = "\u00b7" if eight_bit else ""
        body = {
            "text_name": f"@@T-NAME-{tag}{wide}@@",
            "html_name": f"@@H-NAME-{tag}{wide}@@",
            "text_manage": f"@@T-MANAGE-{tag}@@",
            "html_manage": f"@@H-MANAGE-{tag}@@",
            "text_unsubscribe": f"@@T-UNSUB-{tag}@@",
            "html_unsubscribe": f"@@H-UNSUB-{tag}@@",
        }
        headers = {  # whole header lines are replaced: the real value may be folded where the marker is not
            "Date": f"humas-date-{tag}",
            "To": f"humas-to-{tag}@placeholder.invalid",
            "Message-ID": f"<humas-id-{tag}@placeholder.invalid>",
            "List-Unsubscribe": f"<humas-unsubscribe-{tag}>",
        }
        b = body
        text = {"name": b["text_name"], "manage_url": b["text_manage"], "unsubscribe_url": b["text_unsubscribe"]}
        html = {"name": b["html_name"], "manage_url": b["html_manage"], "unsubscribe_url": b["html_unsubscribe"]}
        email = _email(
            rendered, to=headers["To"], message_id=headers["Message-ID"], unsubscribe_url=f"humas-unsubscribe-{tag}",
            reply_to=reply_to, text_values=text, html_values=html, escape_html=False,
            date=headers["Date"],  # the time of sending, not of this serialisation (it is reused)
        )  # fmt: skip
        mime = email.message()
        encodings = [part.get("Content-Transfer-Encoding") for part in mime.walk() if not part.is_multipart()]
        self.usable = all(encoding in ("7bit", "8bit") for encoding in encodings)
        self.eight_bit = all(encoding == "8bit" for encoding in encodings)
        data = mime.as_bytes(linesep="\r\n")
        self.boundary = (mime.get_boundary() or "").encode()  # chosen while serialising
        by_marker = {value.encode(): key for key, value in body.items()}
        by_marker.update({f"{name}: {value}\r\n".encode(): name for name, value in headers.items()})
        pieces = re.split(b"(" + b"|".join(re.escape(marker) for marker in by_marker) + b")", data)
        # alternating literal bytes and marker keys: literal, key, literal, key, …, literal
        self.literals = pieces[0::2]
        self.keys = [by_marker[piece] for piece in pieces[1::2]]
        self.usable = self.usable and sorted(self.keys) == sorted(by_marker.values())
        self.lines = self._lines_with_values(set(headers))

    def _lines_with_values(self, header_keys: set[str]) -> list[tuple[int, tuple[str, ...]]]:
        """(octets of literal text, keys of the values on it) for each line that holds a body value, so that a
        subscriber's line lengths are known without splitting the whole message. A line without values that is
        already too long, or a header marker that does not take whole lines, makes the message unusable."""
        lines: list[tuple[int, tuple[str, ...]]] = []
        length, on_line = 0, []

        def end_line() -> None:
            if on_line:
                lines.append((length, tuple(on_line)))
            elif length > LINE_LIMIT:
                self.usable = False

        for index, literal in enumerate(self.literals):
            first, *rest = literal.split(b"\r\n")
            length += len(first)
            for part in rest:
                end_line()
                length, on_line = len(part), []
            if index < len(self.keys):
                key = self.keys[index]
                if key not in header_keys:
                    on_line.append(key)
                elif length or on_line:  # a header's line(s) replace whole lines, ending with their CRLF
                    self.usable = False
        end_line()
        return lines

    def bytes_for(self, *, to: str, name: str, links: dict[str, str], message_id: str) -> bytes | None:
        values = self.values_for(to=to, name=name, links=links, message_id=message_id)
        if values is None or not self.fits(values):
            return None
        return self.join(values)

    def values_for(self, *, to: str, name: str, links: dict[str, str], message_id: str) -> dict[str, bytes] | None:
        """What goes in place of each marker, or None when a value cannot go in by substitution."""
        if not self.usable or not (self.eight_bit or name.isascii()):
            return None
        manage, unsubscribe = links["manage_url"], links["unsubscribe_url"]
        values = {
            "Date": _date_line(),
            "To": header_line("To", to),
            "Message-ID": header_line("Message-ID", message_id),
            "List-Unsubscribe": header_line("List-Unsubscribe", f"<{unsubscribe}>"),
            "text_name": name.encode(),
            "html_name": html_escape(name).encode(),  # what django.utils.html.escape gives, minus its lazy wrapper
            "text_manage": manage.encode(),
            "html_manage": html_escape(manage).encode(),
            "text_unsubscribe": unsubscribe.encode(),
            "html_unsubscribe": html_escape(unsubscribe).encode(),
        }
        if (
            None in values.values()  # a header the e-mail package would fold or encode otherwise
            or not manage.isascii()
            or b"\r" in values["text_name"]
            or b"\n" in values["text_name"]
            or (self.boundary and any(self.boundary in value for value in values.values()))
        ):
            return None
        return values

    def fits(self, values: dict[str, bytes]) -> bool:
        """Whether every line of the message with these values is within RFC 5321's limit."""
        for name in ("To", "Message-ID", "List-Unsubscribe"):  # whole (folded) header lines; Date is short
            value = values[name]
            if len(value) > LINE_LIMIT and max(map(len, value.split(b"\r\n"))) > LINE_LIMIT:
                return False
        return all(literal + sum(len(values[key]) for key in keys) <= LINE_LIMIT for literal, keys in self.lines)

    def join(self, values: dict[str, bytes]) -> bytes:
        out = [self.literals[0]]
        for key, literal in zip(self.keys, self.literals[1:], strict=True):
            out.append(values[key])
            out.append(literal)
        return b"".join(out)


# Rendered templates and serialised messages are kept per worker process across batches (a dispatch of
# 100,000 is 1,000 batches of the same release); the key holds everything they are made from.
CACHE_SIZE = 32
_cache: OrderedDict[tuple, Any] = OrderedDict()


def _cached(key: tuple, make: Callable[[], Any]) -> Any:
    value = _cache.pop(key) if key in _cache else make()
    _cache[key] = value
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return value


class Composer:
    """Each subscriber's message of one batch: the release rendered once per language; over Django's SMTP
    backend the bytes come from a FastMessage per language (and 7/8-bit variant), otherwise (files, locmem,
    an ESP) or when a subscriber's values do not fit it, the ordinary EmailMultiAlternatives."""

    def __init__(self, release: Release, *, photo_url: str, backend: Any):
        self.release = release
        self.photo_url = photo_url
        self.host = subscriptions.list_id().strip("<>")
        self.raw = isinstance(backend, SMTPBackend)
        self.sender = sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)
        self.quoted_sender = smtplib.quoteaddr(self.sender)
        self.rendered: dict[str, Rendered] = {}
        self.links: dict[str, Callable[[int], dict[str, str]]] = {}
        self.fast: dict[tuple[str, bool], FastMessage] = {}

    def compose(
        self, *, subscriber_id: int, name: str, email: str, language: str
    ) -> tuple[str, bytes | EmailMultiAlternatives]:
        """(Message-ID, the message as bytes for sendmail, or as an EmailMessage for the backend)."""
        if language not in self.rendered:
            release = self.release
            key = (release.pk, release.updated_at, language, self.photo_url, settings.SITE_URL)
            self.rendered[language] = _cached(("rendered", *key), lambda: render(release, language, self.photo_url))
            self.links[language] = subscriptions.link_maker(language)
        links = self.links[language](subscriber_id)
        message_id = make_msgid(domain=self.host)
        if self.raw:
            wide = not name.isascii()
            fast = self.fast.get((language, wide))
            if fast is None:
                release, rendered = self.release, self.rendered[language]
                key = (release.pk, release.updated_at, language, self.photo_url, settings.SITE_URL, wide)
                key += (release.contact_email, settings.DEFAULT_FROM_EMAIL, settings.EMAIL_USE_LOCALTIME)
                fast = self.fast[language, wide] = _cached(
                    ("fast", *key), lambda: FastMessage(rendered, reply_to=release.contact_email, eight_bit=wide)
                )
            data = fast.bytes_for(to=email, name=name, links=links, message_id=message_id)
            if data is not None:
                return message_id, data
        ordinary = message(
            self.rendered[language], to=email, name=name, links=links, message_id=message_id,
            reply_to=self.release.contact_email,
        )  # fmt: skip
        return message_id, ordinary

    def send(self, backend: Any, to: str, prepared: bytes | EmailMultiAlternatives) -> None:
        """Over the backend's open connection; raises what smtplib (or the backend) raises."""
        if isinstance(prepared, bytes):
            send_bytes(backend.connection, self.sender, self.quoted_sender, to, prepared)
        else:
            backend.send_messages([prepared])


# an address made only of dot-atoms (RFC 5322), as the subscription form stores them: its quoted form is
# itself in angle brackets, which smtplib would find by parsing it for every message
_DOT_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_PLAIN_ADDRESS = re.compile(rf"{_DOT_ATOM}@{_DOT_ATOM}")


def quoted(address: str) -> str:
    """smtplib.quoteaddr(address), without parsing a plain address."""
    return f"<{address}>" if _PLAIN_ADDRESS.fullmatch(address) else smtplib.quoteaddr(address)


def send_bytes(smtp: smtplib.SMTP, sender: str, quoted_sender: str, to: str, data: bytes) -> None:
    """smtplib's sendmail(sender, [to], data) — the same commands, answers and exceptions — with the sender's
    address quoted once per batch and a plain recipient's without parsing (a profile of the fan-out found
    smtplib parsing the two addresses of every message to cost a quarter of the worker's time)."""
    smtp.ehlo_or_helo_if_needed()
    size = f" size={len(data)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    smtp.putcmd("mail", f"FROM:{quoted_sender}{size}")
    code, answer = smtp.getreply()
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    smtp.putcmd("rcpt", f"TO:{quoted(to)}")
    code, answer = smtp.getreply()
    if code not in (250, 251):
        _abandon(smtp, code)
        raise smtplib.SMTPRecipientsRefused({to: (code, answer)})
    code, answer = smtp.data(data)
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, answer)


def _abandon(smtp: smtplib.SMTP, code: int) -> None:
    """After a refusal, as sendmail does: a 421 (the server is closing) closes, anything else resets."""
    if code == 421:
        smtp.close()
    else:
        smtp._rset()
