"""The PPID service end to end in real Chromium at 360 px: a requester files, the PPID extends and refuses,
the requester objects from the tracking page, the atasan PPID answers, and the requester is told by which
date the dispute may go to the Information Commission."""

from __future__ import annotations

import os

import pytest

from conftest import SCREENSHOT_DIR, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sign_in(browser, base_url: str, username: str):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID", base_url=base_url)
    staff = context.new_page()
    staff.set_default_timeout(15_000)
    staff.goto("/staf/masuk/")
    staff.get_by_label("Nama pengguna").fill(username)
    staff.get_by_label("Sandi").fill("s3cret-Passw0rd")
    staff.get_by_role("button", name="Masuk").click()
    staff.wait_for_url("**/staf/")
    return context, staff


def act(page, name: str, fill: dict[str, str], check: list[str] = (), select: dict[str, str] | None = None):
    """Open the step's <details> on the staff page, fill it by field names and send it."""
    form = page.locator(f"form[action$='/{name}/']")
    form.locator("xpath=ancestor::details").locator("summary").click()
    for field, value in fill.items():
        form.locator(f"[name={field}]").fill(value)
    for value in check:
        form.locator(f"input[value={value}]").check()
    for field, value in (select or {}).items():
        form.locator(f"select[name={field}]").select_option(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".message.success").count() == 1, page.locator("main").inner_text()


def test_file_extend_refuse_object_answer(page, live_server, unit_tree, settings):
    from information.models import InformationRequest, Objection

    settings.COMPLAINT_FORM_MIN_SECONDS = 0
    make_staff("ppid_kanwil", "ppid", unit_tree["kanwil"], first_name="Siti", last_name="Aminah")
    make_staff("atasan_kanwil", "atasan_ppid", unit_tree["kanwil"], first_name="Made", last_name="Wirawan")
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)

    # the requester files on a phone
    page.goto("/informasi/")
    page.locator("main a[href$='/informasi/permohonan/']").first.click()
    page.wait_for_url("**/informasi/permohonan/")
    page.locator("select[name=unit]").select_option("kanwil-tengah")
    page.locator("[name=information]").fill("Salinan laporan hasil audit internal tahun 2025.")
    page.locator("[name=purpose]").fill("Bahan pengawasan oleh lembaga swadaya masyarakat.")
    page.locator("input[name=obtain_method][value=electronic]").check()
    page.locator("input[name=delivery_method][value=email]").check()
    page.locator("[name=name]").fill("Budi Santoso")
    page.locator("[name=nik]").fill("5271011203900001")
    page.locator("[name=address]").fill("Jl. Pejanggik 10, Mataram")
    page.locator("[name=email]").fill("budi@example.test")
    page.locator("input[name=consent]").check()
    assert fits(page)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/informasi/permohonan/terkirim/*/")
    code = page.locator("[data-code]").inner_text().strip()
    info_request = InformationRequest.objects.get()
    assert code.startswith("INF-") and page.locator("[data-number]").inner_text() == info_request.number
    assert fits(page)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "information-receipt-360.png"), full_page=True)

    # the PPID extends, then refuses with a ground and the consequence test
    ppid_context, ppid = sign_in(page.context.browser, live_server.url, "ppid_kanwil")
    ppid.goto(f"/staf/informasi/{info_request.pk}/")
    act(ppid, "extend", {"reason": "Laporan audit masih dihimpun dari tiga bidang."})
    test = "Membuka temuan audit yang masih ditindaklanjuti menghambat penegakan hukum."
    act(ppid, "decide", {"decision_text": "Permohonan Saudara ditolak.", "consequence_test": test},
        check=["refused"], select={"exemption": "a"})  # fmt: skip
    info_request.refresh_from_db()
    assert info_request.status == "refused" and info_request.extended_at is not None
    assert fits(ppid)
    ppid.screenshot(path=os.path.join(SCREENSHOT_DIR, "information-staff-detail-360.png"), full_page=True)
    ppid.goto(f"/staf/informasi/{info_request.pk}/surat/keputusan/")
    assert "Siti Aminah" in ppid.locator(".letter-sign").inner_text()
    ppid.emulate_media(media="print")
    assert ppid.locator(".site-header").is_hidden()  # the notice prints as a letter, without the portal's frame
    ppid.screenshot(path=os.path.join(SCREENSHOT_DIR, "information-notice-print.png"), full_page=True)
    ppid_context.close()

    # the requester, in a fresh browser, opens the request with the code and objects
    requester = page.context.browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    tracking = requester.new_page()
    tracking.goto("/informasi/lacak/")
    tracking.locator("[name=code]").fill(code.lower())
    tracking.locator("form.form button[type=submit]").click()
    tracking.wait_for_url(f"**/informasi/lacak/{info_request.pk}/")
    assert "Pasal 17" in tracking.locator("[data-decision]").inner_text()
    tracking.locator("details summary").click()
    tracking.locator("input[name=grounds][value=refused_exemption]").check()
    tracking.locator("[name=reason]").fill("Temuan audit yang sudah selesai tidak menghambat penegakan hukum.")
    tracking.locator("form[action$='/keberatan/'] button[type=submit]").click()
    tracking.wait_for_url(f"**/informasi/lacak/{info_request.pk}/")
    assert tracking.locator("[data-objection]").count() == 1
    assert Objection.objects.get().status == "filed"
    assert fits(tracking)

    # the atasan PPID rejects the objection
    atasan_context, atasan = sign_in(page.context.browser, live_server.url, "atasan_kanwil")
    atasan.goto(f"/staf/informasi/{info_request.pk}/")
    act(atasan, "answer_objection", {"answer": "Uji konsekuensi PPID sudah tepat."}, check=["rejected"])
    atasan_context.close()

    # the requester learns the Commission's deadline
    tracking.reload()
    commission = tracking.locator("[data-commission]").inner_text()
    assert "Komisi Informasi" in commission
    assert fits(tracking)
    tracking.screenshot(path=os.path.join(SCREENSHOT_DIR, "information-tracking-360.png"), full_page=True)
    requester.close()
