"""Fetching one feed over HTTP, safely, and reading its items.

- Only http(s) addresses whose host resolves to public addresses: private, loopback, link-local, reserved
  and multicast networks and the portal's own host are refused (SSRF), at the start and at every redirect,
  which are followed by hand (at most MAX_REDIRECTS). Loopback is allowed only with MONITORING_ALLOW_LOOPBACK
  (the test suite's local servers). The check resolves the name before the request, so a DNS server that
  answers differently a moment later (rebinding) is not caught; the feeds are registered by staff, not by
  the public.
- Conditional GET (If-None-Match / If-Modified-Since), a clear User-Agent, a timeout to connect and between
  bytes (MONITORING_FETCH_TIMEOUT) and a total deadline of three times that, and a size cap
  (MONITORING_FETCH_MAX_BYTES) checked on the announced length and on the bytes read.
- XML is first parsed by defusedxml, which refuses entity declarations (billion laughs, external entities);
  feeds that are not well-formed XML then go to feedparser's lenient parser, which expands no DTD.
"""

from __future__ import annotations

import calendar
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import requests
import urllib3
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

MAX_REDIRECTS = 5
CHUNK = 64 * 1024
MAX_ITEMS = 200  # a feed's first items; portals keep 10 to 50


class FetchError(Exception):
    """The feed could not be had or read; `message` says why, for the staff page."""

    def __init__(self, message: str, *, refused: bool = False):
        super().__init__(message)
        self.message = message
        self.refused = refused


@dataclass
class FeedItem:
    link: str
    title: str
    summary: str
    published: datetime | None
    links: list[str] = field(default_factory=list)  # addresses inside the item's text (for coverage)


@dataclass
class Fetched:
    status: int  # 200, or 304 when unchanged
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""


def _own_hosts() -> set[str]:
    hosts = {h.lower().lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"}
    hosts.add((urlsplit(settings.SITE_URL).hostname or "").lower())
    return hosts - {""}


def check_address(url: str) -> None:
    """Raise FetchError(refused=True) unless `url` is http(s) on a host with only public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError(_("Only http and https addresses can be fetched."), refused=True)
    host = parts.hostname.lower().rstrip(".")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(_("The address has an invalid port."), refused=True) from None
    if host in _own_hosts() and not _is_loopback_name(host):
        raise FetchError(_("The portal does not fetch its own addresses."), refused=True)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(_("The host name %(host)s cannot be resolved.") % {"host": host}) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if address.is_loopback and settings.MONITORING_ALLOW_LOOPBACK:
            continue
        if not address.is_global or address.is_multicast:
            raise FetchError(
                _("The address points to a private, local or reserved network and is refused."), refused=True
            )


def _is_loopback_name(host: str) -> bool:
    return settings.MONITORING_ALLOW_LOOPBACK and host in {"127.0.0.1", "localhost", "::1"}


def fetch(url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
    """GET the feed with the rules above. Raises FetchError."""
    timeout = settings.MONITORING_FETCH_TIMEOUT
    deadline = time.monotonic() + 3 * timeout
    limit = settings.MONITORING_FETCH_MAX_BYTES
    headers = {
        "User-Agent": settings.MONITORING_USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment: the address checked is the one reached
        for _hop in range(MAX_REDIRECTS + 1):
            check_address(url)
            try:
                response = session.get(url, headers=headers, timeout=(timeout, timeout), stream=True,
                                       allow_redirects=False)  # fmt: skip
            except requests.Timeout:
                raise FetchError(_("The server did not answer in time.")) from None
            except requests.RequestException as exc:
                raise FetchError(_("Connection failed: %(error)s") % {"error": type(exc).__name__}) from None
            with response:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    if not location:
                        raise FetchError(_("A redirect without an address."))
                    url = urljoin(url, location)
                    continue
                if response.status_code == 304:
                    return Fetched(status=304, etag=etag, last_modified=last_modified)
                if response.status_code >= 400:
                    raise FetchError(_("The server answered %(status)s.") % {"status": response.status_code})
                announced = response.headers.get("Content-Length", "")
                if announced.isdigit() and int(announced) > limit:
                    raise FetchError(_("The feed is larger than %(limit)s bytes.") % {"limit": limit})
                body = bytearray()
                try:
                    # read1 returns what has arrived (up to CHUNK), so the deadline is checked between bytes
                    # even when a server drips them slower than the timeout can notice
                    while chunk := response.raw.read1(CHUNK, decode_content=True):
                        body += chunk
                        if len(body) > limit:
                            raise FetchError(_("The feed is larger than %(limit)s bytes.") % {"limit": limit})
                        if time.monotonic() > deadline:
                            raise FetchError(_("The server sent the feed too slowly."))
                except (urllib3.exceptions.HTTPError, OSError) as exc:
                    if isinstance(exc, urllib3.exceptions.TimeoutError | TimeoutError):
                        raise FetchError(_("The server did not answer in time.")) from None
                    raise FetchError(_("Connection failed: %(error)s") % {"error": type(exc).__name__}) from None
                return Fetched(
                    status=response.status_code,
                    body=bytes(body),
                    etag=response.headers.get("ETag", "")[:300],
                    last_modified=response.headers.get("Last-Modified", "")[:100],
                    content_type=response.headers.get("Content-Type", ""),
                )
    raise FetchError(_("Too many redirects."))


def _text(value: str, limit: int) -> str:
    return Truncator(" ".join(strip_tags(value or "").split())).chars(limit)


def _when(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return None


def _inner_links(entry) -> list[str]:
    from html.parser import HTMLParser

    found: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                found.extend(value for name, value in attrs if name == "href" and value)

    html = " ".join([entry.get("summary", "")] + [c.get("value", "") for c in entry.get("content", [])])
    Links().feed(html)
    found += [link.get("href", "") for link in entry.get("links", []) if link.get("href")]
    return found[:50]


def parse(body: bytes, *, content_type: str = "") -> list[FeedItem]:
    """The feed's items. Raises FetchError for entity declarations (XXE, billion laughs) and for a body
    neither XML nor a feed."""
    try:
        safe_fromstring(body)
    except DefusedXmlException:
        raise FetchError(_("The feed declares XML entities and is refused."), refused=True) from None
    except ParseError:
        pass  # not well-formed: feedparser's lenient parser may still read it (and expands no DTD)
    headers = {"content-type": content_type} if content_type else {}
    feed = feedparser.parse(body, response_headers=headers, sanitize_html=True, resolve_relative_uris=False)
    if not feed.entries and (feed.bozo or not feed.version):
        raise FetchError(_("This is not an RSS or Atom feed."))
    items = []
    for entry in feed.entries[:MAX_ITEMS]:
        link = (entry.get("link") or "").strip()
        title = _text(entry.get("title", ""), 300)
        if not link or not title or urlsplit(link).scheme not in {"http", "https"}:
            continue  # an item without a link (or a title) cannot be clipped
        summary = _text(entry.get("summary", "") or entry.get("description", ""), 2000)
        items.append(FeedItem(link=link, title=title, summary=summary, published=_when(entry),
                              links=_inner_links(entry)))  # fmt: skip
    return items
