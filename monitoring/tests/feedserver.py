"""A local HTTP server for the monitoring tests, serving good, slow, huge, malformed and hostile feeds."""

from __future__ import annotations

import threading
import time
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.utils import timezone

from tests.servers import free_port

ETAG = '"feed-v1"'


def rss(items: list[dict], *, title: str = "Kabar Daerah") -> bytes:
    parts = []
    for item in items:
        date = f"<pubDate>{format_datetime(item['date'])}</pubDate>" if item.get("date") else ""
        link = f"<link>{item['link']}</link>" if item.get("link") else ""
        parts.append(
            f"<item><title>{item['title']}</title>{link}<description><![CDATA[{item.get('summary', '')}]]>"
            f"</description>{date}<guid>{item.get('link') or item['title']}</guid></item>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://kabar.example/</link><description>Berita</description>{''.join(parts)}</channel></rss>"
    ).encode()


def atom(items: list[dict]) -> bytes:
    entries = "".join(
        f'<entry><title>{i["title"]}</title><link href="{i["link"]}"/><id>{i["link"]}</id>'
        f"<updated>{i['date'].isoformat()}</updated><summary>{i.get('summary', '')}</summary></entry>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Portal</title>'
        f"<id>urn:x</id><updated>{timezone.now().isoformat()}</updated>{entries}</feed>"
    ).encode()


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>Kanwil Tengah &xxe;</title>
<link>https://evil.example/a</link><description>&xxe;</description></item></channel></rss>"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>x</title><item><title>Kanwil Tengah &lol9;</title>
<link>https://evil.example/b</link></item></channel></rss>"""


class FeedServer:
    """routes: path → bytes, or a callable(handler) that writes the answer itself. `hits` counts requests and
    `headers` keeps the last request's headers per path."""

    def __init__(self):
        self.routes: dict[str, object] = {}
        self.hits: dict[str, int] = {}
        self.headers: dict[str, dict] = {}
        self.port = free_port()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                server.headers[path] = dict(self.headers)
                route = server.routes.get(path)
                try:
                    if route is None:
                        self.send_error(404)
                    elif callable(route):
                        route(self)
                    else:
                        self.send_response(200)
                        self.send_header("Content-Type", "application/rss+xml")
                        self.send_header("Content-Length", str(len(route)))
                        self.end_headers()
                        self.wfile.write(route)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- hostile and awkward answers ---------------------------------------------------------------------------


def conditional(body: bytes):
    def answer(handler):
        if handler.headers.get("If-None-Match") == ETAG:
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("ETag", ETAG)
        handler.send_header("Last-Modified", "Sun, 06 Dec 2026 01:00:00 GMT")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def slow(handler):
    time.sleep(4)
    handler.send_response(200)
    handler.end_headers()


def dripping(handler):
    """Headers at once, then a byte every 0.3 s: each read is in time, the whole never is."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    for _n in range(60):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.3)


def huge(handler):
    """50 MB without a Content-Length."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    chunk = b"<!-- " + b"x" * (1024 * 1024 - 9) + b" -->"
    handler.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
    for _n in range(50):
        handler.wfile.write(chunk)


def announced_huge(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", str(50 * 1024 * 1024))
    handler.end_headers()
    handler.wfile.write(b"<rss>")


def redirect_to(location: str):
    def answer(handler):
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.end_headers()

    return answer


def status(code: int):
    def answer(handler):
        handler.send_error(code)

    return answer
