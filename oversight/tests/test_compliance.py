"""Unit compliance: the figures against counts taken straight from the rows (reports, releases, posts,
information requests), the "perlu perhatian" flag, the page with its charts and XLSX, the dashboard card, scope
(404), role (403), bad period input (400 in Indonesian) and a query count that does not grow with the data."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from channels_social.models import Platform, Post, SocialChannel
from complaints.models import Complaint, Status
from complaints.reporting import summaries
from complaints.reporting.recap import Period
from complaints.tests.reports import file_report, utc
from conftest import make_staff
from humas import dates
from humas.models import Unit
from information.models import InformationRequest
from information.models import Status as RequestStatus
from information.tests.conftest import file_request
from oversight.compliance import compliance_for
from releases.models import Release
from releases.models import Status as ReleaseStatus
from releases.tests.factories import published

pytestmark = pytest.mark.django_db

URL = "/staf/kepatuhan/"
NOVEMBER = Period.month(2026, 11)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rows(unit_tree):
    """Reports, releases and posts around November 2026 with hand-set times; the summaries rebuilt from them."""
    t = unit_tree
    editor = make_staff("editor_pusat", "editor", t["root"])
    hour = timedelta(hours=1)
    reports = []
    for unit, at, status, late in [
        (t["kanwil"], utc(2026, 11, 3, 3), Status.RESOLVED, False),
        (t["kanwil"], utc(2026, 11, 4, 3), Status.RESOLVED, True),
        (t["kanwil"], utc(2026, 11, 5, 3), Status.IN_PROGRESS, True),
        (t["kanwil"], utc(2026, 11, 6, 3), Status.NEW, True),  # overdue now
        (t["satker"], utc(2026, 11, 7, 3), Status.VERIFIED, False),
        (t["satker"], utc(2026, 10, 31, 16, 30), Status.NEW, False),  # 1 Nov 00:30 WITA: November there
        (t["other"], utc(2026, 11, 8, 3), Status.CLOSED, False),
        (t["kanwil"], utc(2026, 10, 20, 3), Status.CLOSED, False),  # October: outside
    ]:
        report = file_report(unit, at=at, status=status)
        changes = {"verification_due_at": at + 72 * hour, "response_due_at": at + 120 * hour,
                   "resolution_due_at": at + 300 * hour}  # fmt: skip
        if status != Status.NEW:
            changes["verified_at"] = at + (100 if late else 10) * hour
        if status in (Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED):
            changes["first_response_at"] = at + (130 if late else 20) * hour
        if status in (Status.RESOLVED, Status.CLOSED):
            changes["resolved_at"] = at + (400 if late else 50) * hour
            changes["rating"] = 2 if late else 5
        if status == Status.NEW and late:
            changes["verification_due_at"] = at + hour
        elif status == Status.NEW:
            changes["verification_due_at"] = timezone.now() + 240 * hour
        Complaint.objects.filter(pk=report.pk).update(**changes)
        reports.append(report)
    # releases: two for the kanwil in November (one withdrawn later), one in October, none for the satker
    for day, unit, status in [(10, t["kanwil"], None), (12, t["kanwil"], ReleaseStatus.WITHDRAWN),
                              (15, t["other"], None), (None, t["kanwil"], None)]:  # fmt: skip
        release = published(unit, editor, title=f"Siaran {unit.slug} {day}")
        moment = utc(2026, 11, day, 2) if day else utc(2026, 10, 5, 2)
        Release.objects.filter(pk=release.pk).update(published_at=moment, **({"status": status} if status else {}))
    channel = SocialChannel.objects.create(unit=t["satker"], platform=Platform.X, handle="@satker",
                                           url="https://x.com/satker")  # fmt: skip
    for n, moment in enumerate([utc(2026, 11, 2, 3), utc(2026, 11, 29, 3), utc(2026, 12, 1, 3)]):
        Post.objects.create(channel=channel, content=f"release:{n}", posted_at=moment, by=editor)
    summaries.rebuild()
    return reports


@pytest.fixture
def information_requests(unit_tree):
    """Information requests around November 2026 (counted by the day registered, in the site's zone, WIB)."""
    t = unit_tree
    day = timedelta(days=1)
    later = timezone.now() + 10 * day
    made = []
    for unit, registered, due, decided in [
        (t["kanwil"], utc(2026, 11, 3, 3), utc(2026, 11, 17, 9), utc(2026, 11, 10, 3)),  # on time
        (t["kanwil"], utc(2026, 11, 4, 3), utc(2026, 11, 18, 9), utc(2026, 11, 25, 3)),  # late
        (t["kanwil"], utc(2026, 11, 5, 3), utc(2026, 11, 19, 9), None),  # open past its due date
        (t["kanwil"], utc(2026, 10, 20, 3), utc(2026, 11, 3, 9), None),  # October: outside
        (t["kanwil"], utc(2026, 11, 30, 17, 30), utc(2026, 12, 14, 9), None),  # 1 Dec 00:30 WIB: outside
        (t["satker"], utc(2026, 10, 31, 17, 30), later, None),  # 1 Nov 00:30 WIB: open, not yet due
        (t["satker"], utc(2026, 11, 9, 3), utc(2026, 11, 23, 9), utc(2026, 11, 23, 9)),  # on the due moment
        (t["other"], utc(2026, 11, 8, 3), utc(2026, 11, 22, 9), None),  # open past its due date
    ]:
        request, _code = file_request(unit)
        status = RequestStatus.GRANTED if decided else RequestStatus.RECEIVED
        InformationRequest.objects.filter(pk=request.pk).update(
            registered_at=registered, due_at=due, decided_at=decided, status=status
        )
        made.append(request)
    return made


def expected(unit: Unit, period: Period) -> dict:
    """The figures of `unit` counted from the rows themselves."""
    first, after = dates.day_span(period.start, period.end, unit.time_zone)
    site_first, site_after = dates.day_span(period.start, period.end)
    reports = Complaint.objects.filter(unit=unit)
    releases = Release.objects.filter(unit=unit, status__in=["published", "withdrawn"],
                                      published_at__gte=first, published_at__lt=after)  # fmt: skip
    figures = {
        "releases": releases.count(),
        "posts": Post.objects.filter(channel__unit=unit, posted_at__gte=first, posted_at__lt=after).count(),
        "received": reports.filter(created_at__gte=first, created_at__lt=after).count(),
        "overdue": 0,
    }
    for name, done, due in (("verified", "verified_at", "verification_due_at"),
                            ("answered", "first_response_at", "response_due_at"),
                            ("resolved", "resolved_at", "resolution_due_at")):  # fmt: skip
        in_period = [r for r in reports if getattr(r, done) and site_first <= getattr(r, done) < site_after]
        figures[name] = (len(in_period), sum(1 for r in in_period if getattr(r, done) <= getattr(r, due)))
    resolved = [r for r in reports if r.resolved_at and site_first <= r.resolved_at < site_after and r.rating]
    figures["rating"] = round(sum(r.rating for r in resolved) / len(resolved), 2) if resolved else None
    now = timezone.now()
    for r in reports.filter(status__in=[Status.NEW]):
        figures["overdue"] += r.verification_due_at < now
    for r in reports.filter(status__in=[Status.VERIFIED, Status.IN_PROGRESS]):
        due = min(d for d in (r.resolution_due_at, None if r.first_response_at else r.response_due_at) if d)
        figures["overdue"] += due < now
    requests = InformationRequest.objects.filter(unit=unit, registered_at__gte=site_first,
                                                 registered_at__lt=site_after)  # fmt: skip
    answered = [r for r in requests if r.decided_at is not None]
    on_time = sum(1 for r in answered if r.decided_at <= r.due_at)
    figures["requests"] = (len(answered), on_time, len(answered) - on_time)
    figures["requests_overdue"] = sum(1 for r in requests if r.decided_at is None and r.due_at < now)
    return figures


def got(row) -> dict:
    return {
        "releases": row.releases, "posts": row.posts, "received": row.received, "overdue": row.overdue,
        "verified": (row.verified.count, row.verified.on_time), "answered": (row.answered.count, row.answered.on_time),
        "resolved": (row.resolved.count, row.resolved.on_time), "rating": row.average_rating,
        "requests": (row.requests.count, row.requests.on_time, row.requests_late),
        "requests_overdue": row.requests_overdue,
    }  # fmt: skip


def test_the_figures_match_counts_taken_straight_from_the_rows(rows, information_requests, unit_tree):
    units = list(Unit.objects.all())
    result = compliance_for(units, NOVEMBER)
    by_slug = {row.unit.slug: row for row in result.rows}
    for unit in units:
        assert got(by_slug[unit.slug]) == expected(unit, NOVEMBER), unit.slug
    kanwil = by_slug["kanwil-tengah"]
    assert got(kanwil) == {"releases": 2, "posts": 0, "received": 4, "overdue": 2, "verified": (3, 1),
                           "answered": (3, 1), "resolved": (2, 1), "rating": 3.5, "requests": (2, 1, 1),
                           "requests_overdue": 1}  # fmt: skip
    assert by_slug["satker-tengah"].received == 2 and by_slug["satker-tengah"].posts == 2
    assert (by_slug["satker-tengah"].requests.count, by_slug["satker-tengah"].requests.on_time) == (1, 1)
    assert by_slug["satker-tengah"].requests_overdue == 0  # its open request is not due yet
    assert result.total.received == sum(row.received for row in result.rows)
    assert result.total.releases == 3
    total = result.total
    assert (total.requests.count, total.requests.on_time, total.requests_late, total.requests_overdue) == (3, 2, 1, 2)


def test_units_without_a_release_or_with_overdue_reports_need_attention(rows, unit_tree):
    result = compliance_for(list(Unit.objects.all()), NOVEMBER)
    reasons = {row.unit.slug: row.reasons for row in result.rows}
    assert reasons["kanwil-tengah"] == ["2 laporan terlambat"]
    assert reasons["satker-tengah"] == ["tidak ada siaran pers pada periode ini", "1 laporan terlambat"]
    assert reasons["kanwil-timur"] == []
    assert {row.unit.slug for row in result.attention} == {"pusat", "kanwil-tengah", "satker-tengah", "satker-timur"}


def test_overdue_information_requests_need_attention_too(rows, information_requests, unit_tree):
    result = compliance_for(list(Unit.objects.all()), NOVEMBER)
    reasons = {row.unit.slug: row.reasons for row in result.rows}
    assert reasons["kanwil-timur"] == ["1 permohonan informasi terlambat"]  # in order without its request
    assert reasons["kanwil-tengah"] == ["2 laporan terlambat", "1 permohonan informasi terlambat"]
    assert reasons["satker-tengah"] == ["tidak ada siaran pers pada periode ini", "1 laporan terlambat"]
    assert "kanwil-timur" in {row.unit.slug for row in result.attention}
    # answered late, nothing left waiting: shown in the table, no flag
    InformationRequest.objects.filter(unit=unit_tree["other"]).update(decided_at=utc(2026, 11, 30, 3))
    again = {row.unit.slug: row for row in compliance_for(list(Unit.objects.all()), NOVEMBER).rows}
    assert again["kanwil-timur"].reasons == [] and again["kanwil-timur"].requests_late == 1


def test_the_page_shows_the_subtree_with_charts_and_flags(rows, information_requests, unit_tree, viewer):
    response = signed_in(viewer).get(URL, {"periode": "bulan", "bulan": "2026-11"})
    assert response.status_code == 200
    html = response.content.decode()
    assert [row.unit.slug for row in response.context["result"].rows] == ["kanwil-tengah", "satker-tengah"]
    assert "Kanwil Timur" not in html.split('<div class="staff-body">')[1].split("</main>")[0]
    assert html.count('<svg class="chart-svg"') == 2 and "perlu perhatian" in html
    assert "1/3 <span" in html  # verified on time out of verified
    assert "Permohonan informasi dijawab tepat waktu" in html
    flat = " ".join(html.split())
    assert '1/2 <span class="muted">(50%)</span> <br><span class="muted">1 terlambat</span>' in flat  # the kanwil
    assert '2/3 <span class="muted">(67%)</span> <br><span class="muted">1 terlambat</span>' in flat  # the total
    assert "style=" not in html and "<script>" not in html


def test_the_xlsx_holds_the_same_numbers(rows, information_requests, unit_tree, viewer):
    response = signed_in(viewer).get(URL, {"periode": "bulan", "bulan": "2026-11", "format": "xlsx"})
    assert response.status_code == 200
    assert 'filename="kepatuhan-unit-2026-11.xlsx"' in response["Content-Disposition"]
    values = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert values[0][0] == "Kepatuhan unit, November 2026"
    assert values[1][:4] == ("Unit kerja", "Siaran pers terbit", "Unggahan media sosial", "Laporan masuk")
    assert values[1][11:] == ("Terlambat saat ini", "Permohonan informasi dijawab",
                              "Permohonan informasi dijawab tepat waktu", "Permohonan informasi dijawab terlambat",
                              "Permohonan informasi terlambat saat ini", "Perlu perhatian")  # fmt: skip
    assert values[2] == ("Kanwil Tengah", 2, 0, 4, 3, 1, 3, 1, 2, 1, 3.5, 2, 2, 1, 1, 1,
                         "2 laporan terlambat; 1 permohonan informasi terlambat")  # fmt: skip
    assert values[3][12:16] == (1, 1, 0, 0)  # the satker: answered on its due moment, one open not yet due
    assert values[-1][0] == "Semua unit" and values[-1][3] == 6 and values[-1][12:16] == (3, 2, 1, 1)


def test_the_dashboard_names_the_units_needing_attention(rows, unit_tree, viewer):
    html = signed_in(viewer).get("/staf/").content.decode()
    assert "Kepatuhan unit bulan ini" in html and "/staf/kepatuhan/" in html
    assert "Satker Tengah</strong> — tidak ada siaran pers pada periode ini" in html


def test_another_unit_is_404_a_writer_403_and_a_bad_period_400(rows, unit_tree, viewer, writer):
    client = signed_in(viewer)
    assert client.get(URL, {"unit": "kanwil-timur"}).status_code == 404
    assert client.get(URL, {"unit": "kanwil-timur", "format": "xlsx"}).status_code == 404
    assert signed_in(writer).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302
    for query, message in [({"periode": "bulan", "bulan": "2026-13"}, "Isi bulan dengan format"),
                           ({"periode": "rentang"}, "Pilih bulan, triwulan atau tahun"),
                           ({"periode": "tahun", "tahun": "dua ribu"}, "Isi tahun")]:  # fmt: skip
        response = client.get(URL, query)
        assert response.status_code == 400 and message in response.content.decode()


def test_the_page_reads_a_fixed_number_of_queries(unit_tree, viewer, django_assert_max_num_queries):
    client = signed_in(viewer)
    query = {"periode": "tahun", "tahun": "2026"}
    client.get(URL, query)
    with django_assert_max_num_queries(20) as few:
        client.get(URL, query)
    for n in range(8):
        file_report(unit_tree["satker"], at=utc(2026, 3, n + 1, 3), status=Status.RESOLVED, rating=4)
        file_request(unit_tree["satker"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL, query)
