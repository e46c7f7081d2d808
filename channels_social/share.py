"""Share links and ready captions for a piece of content (a press release): plain values in, text out, so
this app needs to import none of the apps whose content it shares. Every link carries
utm_source=<platform>&utm_medium=social&utm_campaign=<slug> and nothing about the person sharing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

SHARE_PLATFORMS = ("whatsapp", "facebook", "x", "telegram", "line", "email", "copy")
LIMITS = {"x": 280, "instagram": 2200, "whatsapp": 1000, "facebook": 2000, "telegram": 4096}
MAX_HASHTAGS = 30
MAX_TITLE_CHARS = 300
MAX_TAGS_CHARS = 600


def with_utm(url: str, *, source: str, campaign: str, medium: str = "social") -> str:
    """The URL with utm_source/medium/campaign set (replacing any already there)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    query += [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


@dataclass(frozen=True)
class ShareLink:
    platform: str
    label: str
    href: str


def share_links(*, url: str, title: str, campaign: str) -> list[ShareLink]:
    """One link per platform; each opens the platform's own share screen (no script of theirs on our page)."""

    def tagged(source: str) -> str:
        return with_utm(url, source=source, campaign=campaign)

    q = quote
    return [
        ShareLink("whatsapp", "WhatsApp", f"https://wa.me/?text={q(title + ' ' + tagged('whatsapp'))}"),
        ShareLink("facebook", "Facebook", f"https://www.facebook.com/sharer/sharer.php?u={q(tagged('facebook'))}"),
        ShareLink("x", "X", f"https://x.com/intent/tweet?text={q(title)}&url={q(tagged('x'))}"),
        ShareLink("telegram", "Telegram", f"https://t.me/share/url?url={q(tagged('telegram'))}&text={q(title)}"),
        ShareLink("line", "LINE", f"https://social-plugins.line.me/lineit/share?url={q(tagged('line'))}"),
        ShareLink("email", _("E-mail"), f"mailto:?subject={q(title)}&body={q(tagged('email'))}"),
        ShareLink("copy", _("Copy link"), tagged("copy")),
    ]


# --- captions -------------------------------------------------------------------------------------------------

_JOINERS = {"\u200d"}  # zero-width joiner glues emoji into one picture


def _is_extender(ch: str) -> bool:
    """Characters that belong to the picture before them: variation selectors, skin tones, combining marks."""
    code = ord(ch)
    return (
        0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or unicodedata.category(ch) in ("Mn", "Me")
        or ch in _JOINERS
    )


def _safe_cut(text: str, end: int) -> int:
    """Move `end` back until it does not split an emoji sequence or a combining mark from its base."""
    while 0 < end < len(text):
        before, at = text[end - 1], text[end]
        regional_pair = 0x1F1E6 <= ord(at) <= 0x1F1FF and 0x1F1E6 <= ord(before) <= 0x1F1FF
        if _is_extender(at) or before in _JOINERS or regional_pair:
            end -= 1
            continue
        break
    return end


def shorten(text: str, limit: int, *, ellipsis: str = "…") -> str:
    """`text` if it fits, else cut at a word boundary (never inside an emoji) with an ellipsis, within `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return ""
    room = limit - len(ellipsis)
    cut = text.rfind(" ", 0, room + 1)
    if cut <= 0:  # one long word: cut inside it, but between whole characters
        cut = _safe_cut(text, room)
    return text[:cut].rstrip(" ,.;:-–—") + ellipsis


def hashtag(tag: str) -> str:
    """'Pelayanan Publik' → '#PelayananPublik' (letters and digits only)."""
    words = re.findall(r"\w+", tag, flags=re.UNICODE)
    joined = "".join(w[:1].upper() + w[1:] for w in words if w)
    return f"#{joined}" if joined else ""


def captions(*, title: str, summary: str, url: str, campaign: str, tags: list[str]) -> dict[str, str]:
    """Ready text per platform, each within its limit."""

    def link(source):
        return with_utm(url, source=source, campaign=campaign)

    title = " ".join(title.split())
    summary = " ".join(summary.split())
    tags_line = " ".join(dict.fromkeys(h for h in (hashtag(t) for t in tags) if h))
    tags_line = " ".join(tags_line.split()[:MAX_HASHTAGS])
    if len(tags_line) > MAX_TAGS_CHARS:  # drop whole hashtags, never half of one
        tags_line = tags_line[: tags_line.rfind(" ", 0, MAX_TAGS_CHARS + 1)].rstrip() if " " in tags_line else ""
    title = shorten(title, MAX_TITLE_CHARS)

    def body(head: str, tail: str, limit: int) -> str:
        """head, the summary shortened to what room is left, and tail (a link, hashtags), within `limit`."""
        room = limit - len(head) - len(tail) - 4
        middle = shorten(summary, room) if summary and room > 20 else ""
        return "\n\n".join(part for part in (head, middle, tail) if part)

    x_link = link("x")
    x_text = f"{shorten(title, LIMITS['x'] - len(x_link) - 1)} {x_link}"
    instagram_tail = _("Link in bio.") + (f"\n\n{tags_line}" if tags_line else "")
    return {
        "x": x_text,
        "instagram": body(title, instagram_tail, LIMITS["instagram"]),
        "whatsapp": body(f"*{title}*", link("whatsapp"), LIMITS["whatsapp"]),
        "facebook": body(title, link("facebook") + (f"\n\n{tags_line}" if tags_line else ""), LIMITS["facebook"]),
        "telegram": body(title, link("telegram"), LIMITS["telegram"]),
    }
