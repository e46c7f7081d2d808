"""The monitoring dashboard on /staf/ and its polling fragment: hand-computed figures, each unit's own
"today", scope and roles, the live-update hooks, and query counts that do not grow with the reports."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from complaints.models import Complaint, Kind, Status
from complaints.reporting import dashboard, summaries
from humas.models import Unit

from .reports import file_report, utc

FRAGMENT = "/staf/pengaduan/dasbor/"
NOW = utc(2026, 11, 20, 5)  # Friday 20 Nov 2026, 12:00 WIB, 13:00 WITA


@pytest.fixture
def reports(unit_tree):
    t = unit_tree
    made = {
        # filed today, its verification deadline passed an hour ago
        "a": file_report(t["kanwil"], at=NOW - timedelta(hours=1)),
        # due in two hours
        "b": file_report(t["kanwil"], at=utc(2026, 11, 18, 3)),
        # verified after 1 day (on time), resolved after 8 days (on time), rated 4
        "c": file_report(t["kanwil"], at=utc(2026, 11, 2, 3), status=Status.CLOSED, rating=4),
        # verified after 7 days (late), resolved after 15 days (late), rated 2
        "d": file_report(t["satker"], at=utc(2026, 10, 28, 3), status=Status.CLOSED, rating=2),
        # filed yesterday, due next week
        "e": file_report(t["satker"], at=utc(2026, 11, 19, 3), kind=Kind.ASPIRATION),
        # 19 Nov 16:30 UTC = 20 Nov 00:30 WITA: "today" for the WITA kanwil
        "h": file_report(t["kanwil"], at=utc(2026, 11, 19, 16, 30)),
        # another unit: overdue, new today, verified this month — never in the kanwil's figures
        "x": file_report(t["other"], at=NOW - timedelta(hours=2), status=Status.VERIFIED),
    }
    set_times = Complaint.objects.filter
    set_times(pk=made["a"].pk).update(verification_due_at=NOW - timedelta(hours=1))
    set_times(pk=made["b"].pk).update(verification_due_at=NOW + timedelta(hours=2))
    set_times(pk=made["e"].pk).update(verification_due_at=NOW + timedelta(days=4))
    set_times(pk=made["h"].pk).update(verification_due_at=NOW + timedelta(days=4))
    set_times(pk=made["x"].pk).update(
        verified_at=NOW - timedelta(hours=1), verification_due_at=NOW + timedelta(days=1),
        resolution_due_at=NOW - timedelta(hours=1),
    )  # fmt: skip
    set_times(pk=made["c"].pk).update(
        verified_at=utc(2026, 11, 3, 3), verification_due_at=utc(2026, 11, 5, 16),
        resolved_at=utc(2026, 11, 10, 3), resolution_due_at=utc(2026, 11, 30, 16),
    )  # fmt: skip
    set_times(pk=made["d"].pk).update(
        verified_at=utc(2026, 11, 4, 3), verification_due_at=utc(2026, 10, 31, 16),
        resolved_at=utc(2026, 11, 12, 3), resolution_due_at=utc(2026, 11, 11, 16),
    )  # fmt: skip
    summaries.rebuild()  # the times above were set in the database directly, past the services
    return made


def kanwil_units():
    return list(Unit.objects.filter(slug__in=["kanwil-tengah", "satker-tengah"]))


def test_figures_equal_the_hand_count(reports):
    s = dashboard.summary(kanwil_units(), now=NOW)
    assert {status: n for status, _label, n in s.status_counts} == {
        "new": 4, "verified": 0, "rejected": 0, "in_progress": 0, "waiting_reporter": 0, "resolved": 0, "closed": 2,
    }  # fmt: skip
    assert s.open_total == 4
    assert s.new_today == 2  # a (12:00 WITA) and h (00:30 WITA); e was yesterday
    assert (s.overdue, s.due_soon) == (1, 1)
    assert (s.verified_this_month, s.verified_on_time, s.verify_on_time_percent) == (2, 1, 50.0)
    assert s.median_verify == timedelta(days=4)  # median of 1 and 7 days
    assert (s.resolved_this_month, s.resolved_on_time, s.resolve_on_time_percent) == (2, 1, 50.0)
    assert s.median_resolve == timedelta(days=11, hours=12)  # median of 8 and 15 days
    assert (s.rated, s.average_rating) == (2, 3.0)


def test_new_today_follows_each_units_calendar(reports):
    # at 16:00 UTC on 19 Nov it is already 20 Nov in WIT (01:00) but still 19 Nov in WITA (00:00 is 16:00 UTC)
    timur = list(Unit.objects.filter(slug="kanwil-timur"))
    assert dashboard.summary(timur, now=utc(2026, 11, 20, 1)).new_today == 1
    assert dashboard.summary(timur, now=utc(2026, 11, 20, 15, 30)).new_today == 0  # 21 Nov 00:30 WIT


def test_empty_scope_shows_dashes_not_errors(unit_tree):
    s = dashboard.summary(kanwil_units(), now=NOW)
    assert s.open_total == s.new_today == s.overdue == 0
    assert s.median_verify is None and s.verify_on_time_percent is None and s.average_rating is None
    assert s.median_verify_text == ""


def test_spans_read_as_days_hours_minutes():
    assert dashboard.format_span(timedelta(days=2, hours=4, minutes=5)) == "2 hari 4 jam"
    assert dashboard.format_span(timedelta(hours=5, minutes=12)) == "5 jam 12 menit"
    assert dashboard.format_span(timedelta(minutes=40)) == "40 menit"


def test_staff_home_shows_the_dashboard_with_its_live_update_hooks(client, viewer, reports):
    client.force_login(viewer)
    response = client.get("/staf/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pemantauan pengaduan" in html
    assert f'data-dashboard-url="{FRAGMENT}"' in html and 'data-refresh-seconds="30"' in html
    assert '<script src="/static/js/dashboard.js" defer></script>' in html
    assert 'data-kpi="open">4<' in html and 'data-kpi="overdue">' in html
    assert "style=" not in html


def test_medians_of_an_hour_or_more_read_as_approximate(client, officer, reports):
    client.force_login(officer)
    with mock.patch.object(timezone, "now", return_value=NOW):
        html = client.get(FRAGMENT).content.decode()
    # read from hour buckets: exact here (whole days), shown as "about" since it may be off by up to an hour
    assert 'data-kpi="median_verify"><span title="dibulatkan ke bawah per jam">≈</span> 4 hari 0 jam<' in html
    assert 'data-kpi="median_resolve"><span title="dibulatkan ke bawah per jam">≈</span> 11 hari 12 jam<' in html


def test_fragment_returns_the_figures_only(client, officer, reports):
    client.force_login(officer)
    response = client.get(FRAGMENT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'data-kpi="open">4<' in html
    assert "no-cache" in response["Cache-Control"]


def test_unit_filter_narrows_the_figures_and_the_polling_url(client, admin, reports):
    client.force_login(admin)
    assert 'data-kpi="open">1<' in client.get(FRAGMENT, {"unit": "satker-tengah"}).content.decode()
    html = client.get("/staf/", {"unit": "satker-tengah"}).content.decode()
    assert f'data-dashboard-url="{FRAGMENT}?unit=satker-tengah"' in html
    assert 'data-kpi="open">1<' in html


def test_another_units_figures_never_show(client, admin, other_unit_officer, reports):
    client.force_login(admin)
    assert client.get(FRAGMENT, {"unit": "kanwil-timur"}).status_code == 404
    html = client.get("/staf/", {"unit": "kanwil-timur"}).content.decode()
    assert "Unit itu bukan unit Anda" in html and 'data-kpi="open">4<' in html
    client.force_login(other_unit_officer)
    html = client.get(FRAGMENT).content.decode()
    assert 'data-kpi="open">1<' in html and 'data-status="verified">1<' in html and 'data-status="new">0<' in html


def test_roles_without_the_dashboard_see_none(client, writer, citizen, unit_tree):
    assert client.get(FRAGMENT).status_code == 302
    client.force_login(writer)
    assert client.get(FRAGMENT).status_code == 403
    html = client.get("/staf/").content.decode()
    assert "data-dashboard-url" not in html and "dashboard.js" not in html
    client.force_login(citizen)
    assert client.get(FRAGMENT).status_code == 403


def test_superuser_sees_every_unit(client, superuser, reports):
    client.force_login(superuser)
    html = client.get(FRAGMENT).content.decode()
    assert 'data-kpi="open">5<' in html and 'data-status="verified">1<' in html


def _bulk(units, n: int, start: int) -> None:
    statuses = list(Status)
    Complaint.objects.bulk_create(
        Complaint(
            tracking_digest=f"{start + i:064d}", unit=units[i % len(units)], kind=list(Kind)[i % 3],
            status=statuses[i % len(statuses)], title="t", description="d", identity_mode="anonymous",
            verification_due_at=NOW, resolution_due_at=NOW, rating=(i % 5) + 1 if i % 7 == 6 else None,
        )
        for i in range(n)
    )  # fmt: skip
    summaries.rebuild()


# /staf/ also shows the trending topics: two queries per window (7 and 30 days) when not cached, media
# monitoring's top issues of the last 24 hours (its slot: five queries when not cached), the PPID's card (one)
# and the units' compliance card (oversight): releases, posts, reports received, handling times, overdue deadlines,
# information requests on time
@pytest.mark.parametrize(("url", "most"), [("/staf/", 31), (FRAGMENT, 12)])
def test_query_count_does_not_grow_with_the_number_of_reports(
    client, admin, unit_tree, url, most, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints.reporting import trends

    client.force_login(admin)
    units = [unit_tree["kanwil"], unit_tree["satker"]]
    counts = []
    for size, start in ((5, 0), (400, 10_000)):
        _bulk(units, size, start)
        trends.forget()  # count the topics' queries at both sizes
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(most):
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[1] <= counts[0], counts
