"""Production settings: `check --deploy` is clean, gunicorn serves with DEBUG off, and every response
carries the security headers."""

from __future__ import annotations

import subprocess
import sys
import urllib.request

import pytest

from tests.servers import ROOT, collect_static, gunicorn, production_env, stop


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_values(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_pages_and_static_files_with_debug_off(tmp_path):
    from django.db import connection

    test_db = connection.settings_dict["NAME"]  # the served pages read the test database
    env = production_env(tmp_path, PROXY_COUNT="1", DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{test_db}")
    collect_static(env)
    server, port = gunicorn(env)
    try:
        base = f"http://127.0.0.1:{port}"

        def get(path: str, https: bool = True):
            headers = {"Host": "humas.example.go.id"}
            if https:
                headers["X-Forwarded-Proto"] = "https"
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 — http://127.0.0.1 only
            opener = urllib.request.build_opener(NoRedirect)
            try:
                return opener.open(request, timeout=10)
            except urllib.error.HTTPError as exc:
                return exc

        plain = get("/", https=False)
        if plain.status == 500:
            server.terminate()
            pytest.fail(server.stdout.read().decode(errors="replace")[-3000:])
        assert plain.status == 301 and plain.headers["Location"].startswith("https://humas.example.go.id/")
        home = get("/")
        html = home.read().decode()
        assert home.status == 200
        assert "Strict-Transport-Security" in home.headers
        css_path = html.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        assert css_path.startswith("/static/css/humas.") and css_path != "/static/css/humas.css"  # hashed
        css = get(css_path)
        assert css.status == 200 and "max-age" in css.headers["Cache-Control"]
    finally:
        stop(server)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/en/", "/kontak/", "/staf/masuk/", "/healthz", "/api/v1/", "/tidak-ada/", "/pengaduan/"]
)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_pages_carry_no_inline_script_or_style(client, unit_tree):
    """The CSP forbids inline code; make sure the templates do not need it."""
    pages = ["/", "/en/", "/kontak/", "/kontak/kanwil-tengah/", "/staf/masuk/", "/staf/lupa-sandi/", "/pengaduan/",
             "/pengaduan/lacak/", "/pengaduan/publik/"]  # fmt: skip
    for path in pages:
        html = client.get(path).content.decode()
        assert "<script>" not in html and "<style" not in html and " style=" not in html, path
        assert " onclick=" not in html


@pytest.mark.django_db
def test_public_pages_stay_within_100_kb_on_first_load_without_photos(client, unit_tree):
    """DESIGN's budget: the page, its stylesheet and its scripts together, photos apart."""
    import re

    static = ROOT / "static"
    for path in ["/", "/kontak/", "/staf/masuk/", "/pengaduan/", "/pengaduan/lacak/", "/pengaduan/publik/",
                 "/siaran-pers/"]:  # fmt: skip
        html = client.get(path).content.decode()
        assets = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
        assert "css/humas.css" in assets, path
        size = len(html.encode()) + sum(
            (static / asset).stat().st_size for asset in assets if (static / asset).exists()
        )
        assert size < 100_000, (path, size)


def test_the_stylesheet_has_balanced_blocks():
    """A lost closing brace silently moves every later rule into the block before it (e.g. print-only)."""
    css = (ROOT / "static" / "css" / "humas.css").read_text()
    depth = 0
    for line_number, line in enumerate(css.splitlines(), 1):
        if line.startswith("/* ---"):
            assert depth == 0, f"section header at line {line_number} sits inside an unclosed block"
        depth += line.count("{") - line.count("}")
        assert depth >= 0, line_number
    assert depth == 0
