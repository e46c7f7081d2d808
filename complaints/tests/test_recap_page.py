"""The recap (rekapitulasi): exact numbers against hand-counted fixtures (also across the WIB/WITA/WIT day
boundary), the period filter and its bad input, scope and roles, charts, CSV and XLSX exports, and query
counts that do not grow with the number of reports."""

from __future__ import annotations

import csv
import io
from datetime import date
from unittest import mock

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import Complaint, Kind, RecapCount, Status
from complaints.reporting import recap, summaries
from complaints.reporting.recap import Period, recap_for
from humas.models import Unit

from .reports import file_report, utc

URL = "/staf/pengaduan/rekap/"
NOVEMBER = {"periode": "bulan", "bulan": "2026-11"}
STATUSES = [s.value for s in Status]
HEADER = ["Unit kerja", "Jenis", "Baru", "Terverifikasi", "Ditolak", "Sedang ditindaklanjuti", "Menunggu pelapor"]
HEADER += ["Selesai", "Ditutup", "Jumlah"]


@pytest.fixture
def reports(unit_tree):
    t = unit_tree
    return {
        # 03:00 UTC is 10:00 WIB, 11:00 WITA, 12:00 WIT: the same calendar day everywhere
        1: file_report(t["kanwil"], at=utc(2026, 11, 5, 3), status=Status.NEW),
        2: file_report(t["kanwil"], at=utc(2026, 11, 10, 3), status=Status.VERIFIED),
        3: file_report(t["kanwil"], at=utc(2026, 11, 10, 3), kind=Kind.ASPIRATION, status=Status.IN_PROGRESS),
        4: file_report(t["satker"], at=utc(2026, 11, 20, 3), kind=Kind.INFORMATION_REQUEST, status=Status.RESOLVED),
        5: file_report(t["satker"], at=utc(2026, 11, 21, 3), status=Status.REJECTED),
        # 31 Oct 16:30 UTC = 1 Nov 00:30 WITA (November for the WITA kanwil) = 31 Oct 23:30 WIB (October)
        6: file_report(t["kanwil"], at=utc(2026, 10, 31, 16, 30), status=Status.NEW),
        9: file_report(t["root"], at=utc(2026, 10, 31, 16, 30), status=Status.NEW),
        # 30 Nov 16:30 UTC = 1 Dec 00:30 WITA: December for the kanwil
        7: file_report(t["kanwil"], at=utc(2026, 11, 30, 16, 30), status=Status.NEW),
        # another unit's report: never in the kanwil's recap
        8: file_report(t["other"], at=utc(2026, 11, 15, 3), status=Status.CLOSED),
        # 30 Nov 15:30 UTC = 1 Dec 00:30 WIT
        10: file_report(t["other_satker"], at=utc(2026, 11, 30, 15, 30), status=Status.WAITING_REPORTER),
    }


def body(response) -> str:
    """The staff page's own content (the site header and footer name other units and the portal)."""
    html = response.content.decode()
    return html[html.index('<div class="staff-body">') : html.index("</main>")]


def table(result: recap.Recap) -> dict:
    """{(unit slug, kind or None): {status: count, ..., "total": n}} without the all-zero kind rows."""
    out = {}
    for row in result.rows:
        if row.total or row.kind is None:
            counts = {s: n for s, n in zip(STATUSES, row.counts, strict=True) if n}
            out[(row.unit.slug, row.kind)] = {**counts, "total": row.total}
    return out


def units(*slugs):
    return list(Unit.objects.filter(slug__in=slugs))


KANWIL_NOVEMBER = {
    ("kanwil-tengah", "complaint"): {"new": 2, "verified": 1, "total": 3},
    ("kanwil-tengah", "aspiration"): {"in_progress": 1, "total": 1},
    ("kanwil-tengah", None): {"new": 2, "verified": 1, "in_progress": 1, "total": 4},
    ("satker-tengah", "complaint"): {"rejected": 1, "total": 1},
    ("satker-tengah", "information_request"): {"resolved": 1, "total": 1},
    ("satker-tengah", None): {"rejected": 1, "resolved": 1, "total": 2},
}


def test_the_table_equals_the_hand_count_in_each_units_own_calendar(reports):
    result = recap_for(units("kanwil-tengah", "satker-tengah"), Period.month(2026, 11))
    assert table(result) == KANWIL_NOVEMBER
    assert result.total == 6
    assert dict(zip(STATUSES, result.totals, strict=True)) == {
        "new": 2, "verified": 1, "rejected": 1, "in_progress": 1, "waiting_reporter": 0, "resolved": 1, "closed": 0,
    }  # fmt: skip
    # the same instant (31 Oct 16:30 UTC) is October in WIB
    october = recap_for(units("pusat", "kanwil-tengah"), Period.month(2026, 10))
    assert table(october) == {
        ("pusat", "complaint"): {"new": 1, "total": 1},
        ("pusat", None): {"new": 1, "total": 1},
        ("kanwil-tengah", None): {"total": 0},
    }
    december = recap_for(units("kanwil-tengah", "satker-timur"), Period.month(2026, 12))
    assert table(december)[("kanwil-tengah", None)] == {"new": 1, "total": 1}
    assert table(december)[("satker-timur", None)] == {"waiting_reporter": 1, "total": 1}


def test_the_table_is_the_same_after_a_full_rebuild(reports):
    before = table(recap_for(list(Unit.objects.all()), Period.year(2026)))
    summaries.rebuild()
    assert table(recap_for(list(Unit.objects.all()), Period.year(2026))) == before
    assert sum(row["total"] for key, row in before.items() if key[1] is None) == Complaint.objects.count() == 10


def test_weekly_points_start_on_monday_and_count_only_days_in_the_period(reports):
    result = recap_for(units("kanwil-tengah", "satker-tengah"), Period.month(2026, 11))
    assert result.weekly == [
        (date(2026, 10, 26), 1),  # report 6 on Sunday 1 Nov (WITA)
        (date(2026, 11, 2), 1),
        (date(2026, 11, 9), 2),
        (date(2026, 11, 16), 2),
        (date(2026, 11, 23), 0),
        (date(2026, 11, 30), 0),  # report 7 is 1 Dec in WITA
    ]


def test_quarter_year_and_range_periods(reports):
    kanwil = units("kanwil-tengah")
    assert recap_for(kanwil, Period.quarter(2026, 4)).total == 5
    assert recap_for(kanwil, Period.year(2026)).total == 5
    assert recap_for(kanwil, Period.quarter(2026, 3)).total == 0
    assert recap_for(kanwil, Period.between(date(2026, 11, 1), date(2026, 11, 5))).total == 2


def test_page_shows_the_admins_units_only(client, admin, reports):
    client.force_login(admin)
    response = client.get(URL, NOVEMBER)
    assert response.status_code == 200
    assert table(response.context["recap"]) == KANWIL_NOVEMBER
    html = body(response)
    assert "Kanwil Tengah" in html and "Satker Tengah" in html
    assert "Kanwil Timur" not in html and "Biro Humas Pusat" not in html


def test_unit_filter_narrows_to_the_unit_and_below(client, admin, reports):
    client.force_login(admin)
    response = client.get(URL, {**NOVEMBER, "unit": "satker-tengah"})
    assert response.status_code == 200
    assert [u.slug for u in response.context["recap"].units] == ["satker-tengah"]
    assert response.context["recap"].total == 2


@pytest.mark.parametrize("slug", ["kanwil-timur", "pusat", "no-such-unit"])
def test_another_units_slug_is_404(client, admin, reports, slug):
    client.force_login(admin)
    assert client.get(URL, {**NOVEMBER, "unit": slug}).status_code == 404
    assert client.get(URL, {**NOVEMBER, "unit": slug, "format": "xlsx"}).status_code == 404


def test_default_period_is_this_month(client, viewer, unit_tree):
    from django.utils import timezone

    client.force_login(viewer)
    response = client.get(URL)
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["recap"].period == Period.month(today.year, today.month)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"dari": "2026-13-45", "sampai": "2026-11-30"}, "Masukkan tanggal yang benar"),
        ({"periode": "rentang", "dari": "2026-11-30", "sampai": "2026-11-01"}, "Hari terakhir"),
        ({"periode": "rentang", "dari": "2020-01-01", "sampai": "2026-01-01"}, "tiga tahun"),
        ({"periode": "rentang", "dari": "2026-11-01"}, "Isi hari pertama dan hari terakhir"),
        ({"periode": "bulan", "bulan": "2026-13"}, "Isi bulan dengan format"),
        ({"periode": "tahun", "tahun": "dua ribu"}, "Isi tahun"),
        ({"periode": "triwulan", "triwulan": "7"}, "triwulan"),
        ({"periode": "minggu"}, "Pilih bulan, triwulan, tahun"),
    ],
)
def test_bad_period_input_is_a_400_with_an_indonesian_message(client, admin, unit_tree, query, message):
    client.force_login(admin)
    for extra in ({}, {"format": "csv"}):
        response = client.get(URL, {**query, **extra})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "recap" not in response.context


def test_the_pickers_name_months_in_indonesian_and_send_their_parts(client, viewer, reports):
    client.force_login(viewer)
    html = client.get(URL, NOVEMBER).content.decode()
    assert 'type="month"' not in html and 'type="date"' not in html
    assert '<option value="11" selected>November</option>' in html and ">Desember</option>" in html
    assert ">Agustus</option>" in html and ">August<" not in html
    by_parts = client.get(URL, {"periode": "bulan", "bulan_0": "11", "bulan_1": "2026"})
    assert table(by_parts.context["recap"]) == KANWIL_NOVEMBER
    ranged = client.get(URL, {"dari_day": "1", "dari_month": "11", "dari_year": "2026", "sampai_day": "5",
                              "sampai_month": "11", "sampai_year": "2026"})  # fmt: skip
    assert ranged.context["recap"].period == Period.between(date(2026, 11, 1), date(2026, 11, 5))


def test_an_impossible_picked_day_is_refused_keeping_what_was_picked(client, viewer, unit_tree):
    client.force_login(viewer)
    response = client.get(URL, {"periode": "rentang", "dari_day": "31", "dari_month": "2", "dari_year": "2026",
                                "sampai_day": "5", "sampai_month": "3", "sampai_year": "2026"})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400 and "Masukkan tanggal yang benar" in html
    assert '<option value="31" selected>31</option>' in html and '<option value="2" selected>Februari</option>' in html


def test_units_are_rows_with_their_kinds_folded_and_all_zero_units_behind_a_toggle(client, viewer, reports):
    client.force_login(viewer)
    html = body(client.get(URL, {"periode": "bulan", "bulan": "2026-12"}))  # December: the kanwil only
    assert "<summary>Kanwil Tengah</summary>" in html and 'class="recap-kind"' in html
    assert "Satker Tengah" not in html[html.index("<table") : html.index("</table>")]
    assert "Tampilkan 1 unit tanpa laporan" in html and "kosong=1" in html
    shown = body(client.get(URL, {"periode": "bulan", "bulan": "2026-12", "kosong": "1"}))
    assert "<summary>Satker Tengah</summary>" in shown and "Sembunyikan unit tanpa laporan" in shown
    assert 'role="region"' in shown and 'tabindex="0"' in shown


def test_roles_without_the_dashboard_get_403_and_strangers_the_login(client, writer, citizen):
    assert client.get(URL).status_code == 302
    client.force_login(writer)
    assert client.get(URL).status_code == 403
    client.force_login(citizen)
    assert client.get(URL).status_code == 403


def test_other_units_officer_sees_only_their_units(client, other_unit_officer, reports):
    client.force_login(other_unit_officer)
    response = client.get(URL, NOVEMBER)
    assert [u.slug for u in response.context["recap"].units] == ["kanwil-timur", "satker-timur"]
    assert response.context["recap"].total == 1
    assert "Kanwil Tengah" not in body(response)


def test_charts_are_inline_svg_with_titles_and_no_inline_styles_or_scripts(client, admin, reports):
    client.force_login(admin)
    html = client.get(URL, NOVEMBER).content.decode()
    assert html.count('<svg class="chart-svg"') == 2
    assert 'role="img"' in html and '<title id="bars-title">' in html and '<title id="line-title">' in html
    assert 'class="chart-fill chart-status-verified"' in html
    assert "style=" not in html and "<style" not in html
    assert "<script>" not in html
    # coordinates stay machine-readable in Indonesian (no decimal comma inside the SVG)
    svg = html[html.index('<svg class="chart-svg"') :]
    assert 'width="' in svg and ',5"' not in svg.split("</svg>")[0].replace("points=", "")


def test_the_staff_menu_links_the_recap_for_dashboard_roles_only(client, viewer, writer, unit_tree):
    client.force_login(viewer)
    assert f'href="{URL}"' in client.get("/staf/").content.decode()
    client.force_login(writer)
    assert f'href="{URL}"' not in client.get("/staf/").content.decode()


# --- exports ------------------------------------------------------------------------------------------------


def test_csv_export_parses_back_to_the_same_table(client, admin, reports):
    client.force_login(admin)
    response = client.get(URL, {**NOVEMBER, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="rekap-pengaduan-2026-11.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    assert rows[1] == ["Kanwil Tengah", "Pengaduan", "2", "1", "0", "0", "0", "0", "0", "3"]
    assert rows[4] == ["Kanwil Tengah", "Semua jenis", "2", "1", "0", "1", "0", "0", "0", "4"]
    assert rows[-1] == ["Semua unit", "Semua jenis", "2", "1", "1", "1", "0", "1", "0", "6"]
    assert len(rows) == 1 + 2 * 4 + 1


def test_xlsx_export_opens_back_with_a_title_row_and_indonesian_headers(client, admin, reports):
    client.force_login(admin)
    response = client.get("/en" + URL, {**NOVEMBER, "format": "xlsx"})  # English page, Indonesian file
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Rekapitulasi laporan, November 2026. Unit: Kanwil Tengah, Satker Tengah"
    assert values[1] == HEADER
    assert values[2] == ["Kanwil Tengah", "Pengaduan", 2, 1, 0, 0, 0, 0, 0, 3]
    assert values[-1] == ["Semua unit", "Semua jenis", 2, 1, 1, 1, 0, 1, 0, 6]
    assert len(values) == 2 + 8 + 1


def test_exports_keep_a_formula_like_unit_name_as_text(client, superuser, unit_tree):
    Unit.objects.filter(slug="kanwil-timur").update(name='=HYPERLINK("http://x")')
    client.force_login(superuser)
    sheet = load_workbook(io.BytesIO(client.get(URL, {**NOVEMBER, "format": "xlsx"}).content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '\'=HYPERLINK("http://x")']
    assert cells and all(c.data_type == "s" for c in cells)  # text, never a formula (humas.spreadsheets)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    text = client.get(URL, {**NOVEMBER, "format": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


# --- query counts ---------------------------------------------------------------------------------------------


def _bulk(unit, n: int, start: int) -> None:
    """n more reports spread over November in every status, stored in bulk, then the counts rebuilt."""
    statuses = list(Status)
    Complaint.objects.bulk_create(
        Complaint(
            tracking_digest=f"{start + i:064d}", unit=unit, kind=list(Kind)[i % 3], status=statuses[i % len(statuses)],
            title="t", description="d", identity_mode="anonymous",
        )
        for i in range(n)
    )  # fmt: skip
    summaries.rebuild()


@pytest.mark.parametrize("fmt", ["", "csv", "xlsx"])
def test_query_count_does_not_grow_with_the_number_of_reports(
    client, admin, unit_tree, django_assert_max_num_queries, fmt
):
    client.force_login(admin)
    query = {"format": fmt} if fmt else {}
    for size, start in ((5, 0), (300, 1000)):
        _bulk(unit_tree["kanwil"], size, start)
        _bulk(unit_tree["satker"], size, start + 100_000)
        assert RecapCount.objects.exists()
        with django_assert_max_num_queries(9):
            response = client.get(URL, query)
        assert response.status_code == 200


def test_the_recap_breaks_reports_down_by_channel(reports, unit_tree, admin, client):
    from complaints.models import Channel
    from complaints.public import intake

    with mock.patch.object(timezone, "now", return_value=utc(2026, 11, 12, 3)):
        for channel in (Channel.PHONE, Channel.PHONE, Channel.SOCIAL_MEDIA):
            intake.submit_complaint(
                data=intake.ComplaintInput(kind="complaint", title="Laporan lewat kanal lain", unit=unit_tree["kanwil"],
                                           description="Uraian laporan yang cukup panjang untuk lolos validasi.",
                                           identity_mode="anonymous", consent=True),
                files=[], channel=channel,
            )  # fmt: skip
    result = recap_for(units("kanwil-tengah", "satker-tengah"), Period.month(2026, 11))
    assert [(value, count) for value, _label, count in result.by_channel] == [
        ("web", 6),
        ("phone", 2),
        ("social_media", 1),
    ]
    client.force_login(admin)
    page = body(client.get(URL, NOVEMBER))
    assert "Telepon" in page and "Media sosial" in page
