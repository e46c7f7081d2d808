"""axe-core in a real browser on every kind of staff page: no serious or critical violation, at the desktop
width leadership reads at (1280 px) and at phone width. axe-core comes from the PyPI package that bundles it
(axe-playwright-python, a test requirement); it is injected by the test and never served to users."""

from __future__ import annotations

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from conftest import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEVERE = {"serious", "critical"}


@pytest.fixture
def staff_pages(unit_tree):
    """A signed-in admin of the kanwil and one address of each kind of staff page, with data on them."""
    from channels_social.models import Platform, SocialChannel
    from complaints.handling import replies
    from complaints.public import intake
    from mailing.models import Subscriber, SubscriberStatus
    from releases.tests.factories import published

    admin = make_staff("admin_axe", "admin", unit_tree["kanwil"], first_name="Ayu")
    complaint = intake.submit_complaint(
        data=intake.ComplaintInput(
            kind="complaint", title="Lampu jalan padam", description="Tiga lampu jalan padam sejak dua minggu.",
            unit=unit_tree["satker"], identity_mode="anonymous", consent=True,
        ),
        files=[],
    )  # fmt: skip
    release = published(unit_tree["kanwil"], admin)
    subscriber = Subscriber.objects.create(name="Budi", email="budi@radio.example", status=SubscriberStatus.CONFIRMED)
    SocialChannel.objects.create(
        unit=unit_tree["kanwil"], platform=Platform.INSTAGRAM, handle="@kanwil", url="https://instagram.com/kanwil"
    )
    reply = replies.save_template(
        unit=unit_tree["kanwil"], purpose="rejection", name="Di luar kewenangan", by=admin,
        body="Yth. {nama_pelapor}, laporan {referensi} di luar kewenangan {unit}.",
    )  # fmt: skip
    return [
        "/staf/",
        "/staf/unit/",
        "/staf/unit/kanwil-tengah/",
        "/staf/unit/kanwil-tengah/ubah/",
        "/staf/pengaduan/",
        "/staf/pengaduan/baru/",
        f"/staf/pengaduan/{complaint.pk}/",
        "/staf/pengaduan/rekap/?periode=tahun",
        "/staf/pengaduan/templat/",
        "/staf/pengaduan/templat/baru/",
        f"/staf/pengaduan/templat/{reply.pk}/",
        "/staf/kepatuhan/?periode=tahun",
        "/staf/siaran-pers/",
        "/staf/siaran-pers/baru/",
        f"/staf/siaran-pers/{release.pk}/",
        f"/staf/siaran-pers/{release.pk}/distribusi/",
        "/staf/siaran-pers/laporan/",
        "/staf/mitra-media/",
        f"/staf/mitra-media/{subscriber.pk}/",
        "/staf/kanal/",
        "/staf/sandi/",
    ]


def severe_violations(page) -> list[str]:
    # judged as the page rests: a control fading to its disabled look must be judged faded, every time
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in SEVERE
    ]


@pytest.mark.parametrize("width", [1280, 360])
def test_every_staff_page_has_no_serious_or_critical_axe_violation(browser, live_server, staff_pages, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/staf/masuk/")
        assert severe_violations(page) == []
        page.get_by_label("Nama pengguna").fill("admin_axe")
        page.get_by_label("Sandi").fill("s3cret-Passw0rd")
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url("**/staf/")
        found = {}
        for path in staff_pages:
            response = page.goto(path)
            assert response.status == 200, path
            problems = severe_violations(page)
            if problems:
                found[path] = problems
        assert found == {}
    finally:
        context.close()


def test_the_recap_table_scrolls_by_keyboard_and_keeps_units_in_view(page, live_server, unit_tree):
    """At 1280 px the recap's scrolling table takes the keyboard focus (arrow keys scroll it), its unit column
    and header stay in view, a unit's kinds open from its row without JavaScript, and months are Indonesian."""
    from complaints.public import intake

    make_staff("viewer_axe", "viewer", unit_tree["kanwil"])
    for kind in ("complaint", "aspiration"):
        intake.submit_complaint(
            data=intake.ComplaintInput(
                kind=kind, title="Antrean panjang", description="Antrean layanan paspor panjang sekali.",
                unit=unit_tree["kanwil"], identity_mode="anonymous", consent=True,
            ),
            files=[],
        )  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 600})
    page.context.set_extra_http_headers({})
    page.goto("/staf/masuk/")
    page.get_by_label("Nama pengguna").fill("viewer_axe")
    page.get_by_label("Sandi").fill("s3cret-Passw0rd")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/staf/")
    page.goto("/staf/pengaduan/rekap/?periode=tahun")
    region = page.locator(".table-scroll").first
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('table-scroll')")
    # one row per unit with reports; the kinds are folded until the unit is opened
    kinds = page.locator("tr.recap-kind", has_text="Aspirasi")
    assert not kinds.first.is_visible()
    page.locator("summary", has_text="Kanwil Tengah").click()
    assert kinds.first.is_visible()
    # the zero rows (Satker Tengah has none) stay behind the toggle
    assert page.locator("table.recap-table th", has_text="Satker Tengah").count() == 0
    assert page.get_by_role("link", name="Tampilkan 1 unit tanpa laporan").is_visible()
    # sticky unit column: scrolled sideways, the unit's cell keeps its place
    page.set_viewport_size({"width": 700, "height": 600})
    cell = page.locator("tr.row-subtotal th").first
    before = cell.bounding_box()["x"]
    region.evaluate("el => el.scrollLeft = 400")
    assert region.evaluate("el => el.scrollLeft") > 0
    assert abs(cell.bounding_box()["x"] - before) < 1
    # Indonesian month names in the pickers, whatever the browser's language
    options = page.locator("select[name=bulan_0] option").all_inner_texts()
    assert "Januari" in options and "Desember" in options
    assert "Desember" in page.locator("select[name=dari_month] option").all_inner_texts()
