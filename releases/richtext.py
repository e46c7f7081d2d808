"""The release body's HTML: an allow-list sanitiser (nh3) applied on every save, whatever the client sent,
and the editor widget (django-prose-editor, its assets served by us) limited to the same tags."""

from __future__ import annotations

import re

import nh3
from django.utils.html import strip_tags
from django_prose_editor.widgets import ProseEditorWidget

# What a writer used to Word needs, no more: the editor offers exactly these, the sanitiser keeps exactly these.
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "a", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
    # the content of these is dropped, not kept as text
    clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"},
)
_LONE_NBSP = re.compile(r"(?<=[^\s;>])(?:&nbsp;|\xa0)(?=[^\s&<])")
_EMPTY = re.compile(r"^(\s|<p>(\s|&nbsp;|<br\s*/?>)*</p>)*$")


def sanitize(html: str) -> str:
    """Keep the allow-listed tags and attributes, drop every script, handler, style and unsafe URL."""
    cleaned = _cleaner.clean(html or "").strip()
    # browsers and Word put no-break spaces between ordinary words; they stop lines from wrapping on phones
    cleaned = _LONE_NBSP.sub(" ", cleaned)
    return "" if _EMPTY.match(cleaned) else cleaned


def plain_text(html: str) -> str:
    """The body as text (search, JSON Feed's content_text, diffs)."""
    text = re.sub(r"</(p|h[2-4]|li|blockquote)>|<br\s*/?>", "\n", html or "")
    return re.sub(r"\n{3,}", "\n\n", strip_tags(text)).strip()


EDITOR_CONFIG = {
    "types": ["Bold", "Italic", "Underline", "Heading", "BulletList", "OrderedList", "Blockquote", "Link",
              "HorizontalRule"],
    "headingLevels": [2, 3, 4],
    "history": True,
    "html": False,
    "typographic": True,
}  # fmt: skip


class BodyEditorWidget(ProseEditorWidget):
    """A textarea that becomes a WYSIWYG editor when JavaScript runs (the "default" preset, restricted to
    the allow-list). Without JavaScript the writer edits the HTML in the textarea; the sanitiser applies alike."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 18, **(attrs or {})}, config=EDITOR_CONFIG, preset="default")


def with_dateline(body: str, dateline: str) -> str:
    """Open the first paragraph with the dateline, the way Indonesian releases are set ("MATARAM – …")."""
    if not dateline:
        return body
    from django.utils.html import format_html

    mark = format_html('<strong class="dateline">{} –</strong> ', dateline.upper())
    if body.startswith("<p>"):
        return f"<p>{mark}{body[3:]}"
    return f"<p>{mark}</p>{body}"
