"""The console pages, the public list and the report: they render, count what the rows hold, and scope."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from information.handling import workflow
from information.models import InformationRequest, ListItem, Status
from information.reporting.report import Period, build, on_time_counts
from information.tests.conftest import file_request

pytestmark = pytest.mark.django_db


def decide(info_request, ppid, outcome, **extra):
    workflow.decide(info_request, by=ppid, decision=workflow.Decision(
        outcome=outcome, decision_text="Teks.", signer_name="Siti", signer_position="PPID", **extra))  # fmt: skip


@pytest.fixture
def requests_in_every_state(unit_tree, ppid, atasan):
    made = [file_request(unit_tree["kanwil"])[0] for _ in range(6)]
    made.append(file_request(unit_tree["other"])[0])
    workflow.extend(made[1], by=ppid, reason="Arsip.")
    decide(made[2], ppid, "granted")
    decide(made[3], ppid, "refused", exemption="h", consequence_test="Data pribadi.")
    decide(made[4], ppid, "not_our_authority", forward_to="BPS Provinsi")
    decide(made[5], ppid, "partly_granted", exemption="a", consequence_test="Penyidikan.")
    workflow.file_objection(made[3], grounds=["refused_exemption"], reason="Keberatan.")
    workflow.answer_objection(made[3], by=atasan, upheld=True, answer="Dikabulkan.", signer_name="Made",
                              signer_position="Atasan PPID")  # fmt: skip
    workflow.record_dispute(made[3], by=ppid, filed_on=timezone.localdate())
    return made


def test_the_report_counts_match_counts_taken_straight_from_the_rows(unit_tree, requests_in_every_state):
    units = [unit_tree["kanwil"], unit_tree["other"]]
    report = build(units, Period(timezone.localdate().year))
    rows = InformationRequest.objects.all()
    assert report.total.received == rows.count() == 7
    for status in (Status.GRANTED, Status.REFUSED, Status.NOT_OUR_AUTHORITY, Status.PARTLY_GRANTED):
        assert report.total.outcomes.get(status, 0) == rows.filter(status=status).count()
    assert report.total.pending == rows.filter(status__in=["received", "extended"]).count() == 3
    assert report.total.extensions == rows.exclude(extended_at=None).count() == 1
    assert report.total.grounds == {"h": 1, "a": 1}
    assert (report.total.objections, report.total.upheld, report.total.disputes) == (1, 1, 1)
    assert report.rows[0].received == 6 and report.rows[1].received == 1
    counts_start = timezone.localdate().replace(month=1, day=1)
    counts = on_time_counts(units, counts_start, timezone.localdate())
    assert counts[unit_tree["kanwil"].pk].answered == 4 and counts[unit_tree["kanwil"].pk].on_time == 4
    from information.reporting import on_time_counts as selector

    assert selector(units, counts_start, timezone.localdate()) == counts


def test_the_staff_pages_render_and_the_report_downloads_as_xlsx(client, ppid, requests_in_every_state):
    client.force_login(ppid)
    assert client.get(reverse("information_staff:queue")).status_code == 200
    queue = client.get(reverse("information_staff:queue") + "?tampil=semua")
    assert len(queue.context["rows"]) == 6  # not the other unit's
    for item in requests_in_every_state[:6]:
        assert client.get(reverse("information_staff:detail", args=[item.pk])).status_code == 200
    page = client.get(reverse("information_reports:report"))
    assert page.status_code == 200 and b"<svg" in page.content
    xlsx = client.get(reverse("information_reports:report") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=3, column=2).value == 6  # the kanwil's row: received


def test_public_statistics_show_counts_without_personal_data(client, requests_in_every_state):
    page = client.get(reverse("information:statistics"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Budi" not in text and "5271011203900001" not in text
    assert page.context["report"].total.received == 7


def test_the_public_list_per_unit_and_its_maintenance(client, unit_tree, ppid, other_ppid):
    client.force_login(ppid)
    url = reverse("information_staff:item_new")
    base = {"unit": unit_tree["kanwil"].pk, "title": "Laporan keuangan 2025", "info_class": "berkala",
            "responsible": "Sekretariat", "form": "PDF", "is_active": "on"}  # fmt: skip
    bad = client.post(url, {**base, "info_class": "dikecualikan"})
    assert bad.status_code == 400 and "exemption" in bad.context["form"].errors
    other_unit = client.post(url, {**base, "unit": unit_tree["other"].pk})
    assert other_unit.status_code == 400
    assert client.post(url, base).status_code == 302
    item = ListItem.objects.get()
    public = client.get(reverse("information:unit_list", args=["kanwil-tengah"]))
    assert "Laporan keuangan 2025" in public.content.decode()
    form = client.get(reverse("information:form") + f"?item={item.pk}")
    assert form.context["form"].initial["list_item"] == item.pk
    client.force_login(other_ppid)
    assert client.get(reverse("information_staff:item_edit", args=[item.pk])).status_code == 404


def test_the_console_home_counts_the_ppids_open_and_overdue_requests(client, unit_tree, ppid, officer):
    from datetime import timedelta

    late = file_request(unit_tree["kanwil"])[0]
    InformationRequest.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))
    file_request(unit_tree["kanwil"])
    file_request(unit_tree["other"])  # another branch: not counted
    client.force_login(ppid)
    page = client.get(reverse("humas:staff_home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "data-information-home" in text
    assert "<strong data-overdue>1</strong>" in text
    client.force_login(officer)  # a complaint officer has no information role: no section
    assert "data-information-home" not in client.get(reverse("humas:staff_home")).content.decode()


def test_the_ppid_records_a_letter_and_sees_its_code_once(client, unit_tree, ppid, viewer):
    from information.tests.conftest import request_data

    client.force_login(ppid)
    data = {k: v for k, v in request_data(unit="satker-tengah").items() if k not in ("website", "started")}
    response = client.post(reverse("information_staff:intake"), {**data, "unit": "satker-timur"})
    assert response.status_code == 400  # not a unit of this PPID
    response = client.post(reverse("information_staff:intake"), data)
    assert response.status_code == 302
    info_request = InformationRequest.objects.get()
    assert info_request.channel == "staff" and info_request.events.get().actor == ppid
    receipt = client.get(response["Location"])
    assert receipt.context["code"].startswith("INF-")
    assert client.get(response["Location"]).context["code"] is None
    client.force_login(viewer)
    assert client.get(reverse("information_staff:intake")).status_code == 403


def test_the_public_list_and_statistics_read_a_fixed_number_of_queries(
    client, unit_tree, ppid, django_assert_max_num_queries
):
    for index in range(3):
        ListItem.objects.create(unit=unit_tree["kanwil"], title=f"Butir {index}", info_class="berkala",
                                responsible="Sekretariat", form="PDF")  # fmt: skip
        file_request(unit_tree["kanwil"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("information:unit_list", args=["kanwil-tengah"])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("information:index")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("information:statistics")).status_code == 200
    for index in range(20):
        ListItem.objects.create(unit=unit_tree["kanwil"], title=f"Lain {index}", info_class="setiap_saat",
                                responsible="Sekretariat", form="PDF")  # fmt: skip
        file_request(unit_tree["satker"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("information:unit_list", args=["kanwil-tengah"])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("information:statistics")).status_code == 200
