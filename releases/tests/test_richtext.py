"""The body's sanitiser on a hostile corpus: whatever the client sends, only the allow-list survives."""

from __future__ import annotations

import pytest

from releases.richtext import plain_text, sanitize

HOSTILE = [
    "<script>alert(1)</script><p>teks</p>",
    '<p onclick="alert(1)">teks</p>',
    "<img src=x onerror=alert(1)><p>teks</p>",
    '<a href="javascript:alert(1)">teks</a>',
    '<a href="JaVaScRiPt:alert(1)">teks</a>',
    '<a href="java&#x09;script:alert(1)">teks</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">teks</a>',
    '<a href="vbscript:msgbox(1)">teks</a>',
    '<iframe src="https://evil.example/"></iframe><p>teks</p>',
    '<object data="x.swf"></object><embed src="x.swf"><p>teks</p>',
    "<svg onload=alert(1)><script>alert(1)</script></svg><p>teks</p>",
    "<math><mtext><script>alert(1)</script></mtext></math><p>teks</p>",
    '<p style="background:url(javascript:alert(1))">teks</p>',
    "<style>body{display:none}</style><p>teks</p>",
    '<form action="https://evil.example"><input name=x><button>kirim</button></form><p>teks</p>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example"><p>teks</p>',
    '<base href="https://evil.example/"><p>teks</p>',
    "<p><!-- <script>alert(1)</script> -->teks</p>",
    "<scr<script>ipt>alert(1)</script><p>teks</p>",
    "<details open ontoggle=alert(1)><p>teks</p></details>",
    '<a href="https://contoh.go.id" target="_blank" onmouseover="alert(1)">teks</a>',
    '<p><span class="MsoNormal" style="mso-bidi-font-weight:bold">teks</span></p>',
]
FORBIDDEN = [
    "<script",
    "onerror",
    "onclick",
    "onload",
    "onmouseover",
    "ontoggle",
    "javascript:",
    "vbscript:",
    "data:text",
    "<iframe",
    "<object",
    "<embed",
    "<svg",
    "<math",
    "style=",
    "<style",
    "<form",
    "<input",
    "<meta",
    "<base",
    "<!--",
    "class=",
]


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_markup_is_stripped(html):
    cleaned = sanitize(html).lower()
    for needle in FORBIDDEN:
        assert needle not in cleaned, (needle, cleaned)
    assert "teks" in cleaned or "kirim" in cleaned or cleaned.count("<a") == 1


def test_the_writers_formatting_survives():
    html = (
        "<h2>Judul</h2><p><strong>tebal</strong> <em>miring</em> <u>garis</u></p>"
        '<ul><li>satu</li></ul><ol start="3"><li>tiga</li></ol><blockquote><p>kutipan</p></blockquote>'
        '<p><a href="https://www.lapor.go.id/">LAPOR!</a> <a href="mailto:humas@contoh.go.id">surel</a></p>'
    )
    cleaned = sanitize(html)
    for kept in [
        "<h2>Judul</h2>",
        "<strong>tebal</strong>",
        "<em>miring</em>",
        "<u>garis</u>",
        "<ul><li>satu",
        '<ol start="3">',
        "<blockquote>",
        'href="https://www.lapor.go.id/"',
        'href="mailto:',
    ]:
        assert kept in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_an_empty_editor_paragraph_is_an_empty_body():
    assert sanitize("<p></p>") == ""
    assert sanitize("<p><br></p>") == ""
    assert sanitize("") == ""


def test_plain_text_keeps_paragraphs_apart():
    assert plain_text("<p>satu</p><p>dua</p>") == "satu\ndua"


def test_no_break_spaces_between_words_become_spaces_so_lines_wrap():
    assert sanitize("<p>Posko&nbsp;bersama\xa0dibuka</p>") == "<p>Posko bersama dibuka</p>"
