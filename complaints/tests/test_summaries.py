"""The summary tables (RecapCount, DueCount, HandlingTime) follow every service: random sequences of filings
and workflow actions (staff, reporter and the auto-close task, with the clock moving between them) leave them
equal to a full rebuild, and the dashboard and recap read from them equal the figures counted directly from
the report rows."""

from __future__ import annotations

import contextlib
import statistics
import threading
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from complaints.handling import sla, workflow
from complaints.models import (
    Channel,
    Complaint,
    DueCount,
    HandlingTime,
    Kind,
    MapCount,
    RecapCount,
    RejectReason,
)
from complaints.public import intake
from complaints.reporting import dashboard, recap, summaries
from conftest import make_staff
from humas import dates
from humas.errors import Refused
from humas.models import Unit

from .reports import utc

START = utc(2026, 10, 26, 2)  # Monday 26 Oct 2026, 09:00 WIB


def file(unit, *, kind=Kind.COMPLAINT, channel=Channel.WEB) -> Complaint:
    return intake.submit_complaint(
        data=intake.ComplaintInput(kind=kind, title="Laporan uji ringkasan", unit=unit, identity_mode="anonymous",
                                   description="Uraian laporan yang cukup panjang untuk lolos validasi.", consent=True,
                                   latitude=Decimal("-8.583456"), longitude=Decimal("116.116501")),
        files=[], channel=channel,
    )  # fmt: skip


def stored() -> dict:
    """Every summary row that counts something."""
    return {
        "recap": {
            (r.unit_id, r.grain, r.start, r.kind, r.status, r.channel): r.count
            for r in RecapCount.objects.all()
            if r.count
        },
        "due": {(r.unit_id, r.due_at): r.count for r in DueCount.objects.all() if r.count},
        "times": {
            (r.unit_id, r.month, r.metric, r.bucket): (r.count, r.on_time, r.rated, r.rating_sum)
            for r in HandlingTime.objects.all()
            if r.count or r.on_time or r.rated or r.rating_sum
        },
        # the coordinates' sums are floats: compared to the micro-degree
        "map": {
            (r.unit_id, r.category_id, r.cell_x, r.cell_y): (r.count, round(r.lat_sum, 6), round(r.lng_sum, 6))
            for r in MapCount.objects.all()
            if r.count
        },
    }


# --- the figures straight from the report rows, as the dashboard and the recap define them ----------------------


def exact_median(spans: list[timedelta]) -> timedelta | None:
    return statistics.median(spans) if spans else None


def direct_dashboard(units: list[Unit], now) -> dict:
    reports = list(Complaint.objects.filter(unit__in=units).select_related("unit", "category"))
    start, end = dashboard.month_bounds(now)
    figures = {
        "status": Counter(c.status for c in reports),
        "new_today": sum(dates.to_local(c.created_at, c.unit.time_zone).date()
                         == dates.to_local(now, c.unit.time_zone).date() for c in reports),
        "overdue": sum(sla.is_overdue(c, now) for c in reports),
        "due_soon": sum(sla.is_due_soon(c, now) for c in reports),
    }  # fmt: skip
    for name, done, due in (("verify", "verified_at", "verification_due_at"), ("resolve", "resolved_at",
                                                                                "resolution_due_at")):  # fmt: skip
        month = [c for c in reports if getattr(c, done) and start <= getattr(c, done) < end]
        spans = [getattr(c, done) - c.created_at for c in month]
        figures[name] = {
            "n": len(month),
            "on_time": sum(1 for c in month if getattr(c, due) and getattr(c, done) <= getattr(c, due)),
            # the documented precision: each span taken at its bucket's lower end
            "median": exact_median([timedelta(minutes=summaries.bucket(s)) for s in spans]),
            "exact_median": exact_median(spans),
        }
        if name == "resolve":
            ratings = [c.rating for c in month if c.rating is not None]
            figures["rated"] = len(ratings)
            figures["rating"] = round(sum(ratings) / len(ratings), 2) if ratings else None
    return figures


def assert_dashboard_matches(units: list[Unit], now) -> None:
    got = dashboard.summary(units, now=now)
    want = direct_dashboard(units, now)
    assert {s: n for s, _label, n in got.status_counts if n} == dict(want["status"])
    assert got.new_today == want["new_today"]
    assert (got.overdue, got.due_soon) == (want["overdue"], want["due_soon"])
    assert (got.verified_this_month, got.verified_on_time) == (want["verify"]["n"], want["verify"]["on_time"])
    assert (got.resolved_this_month, got.resolved_on_time) == (want["resolve"]["n"], want["resolve"]["on_time"])
    assert got.median_verify == want["verify"]["median"]
    assert got.median_resolve == want["resolve"]["median"]
    for median, exact in ((got.median_verify, want["verify"]["exact_median"]),
                          (got.median_resolve, want["resolve"]["exact_median"])):  # fmt: skip
        assert (median is None) == (exact is None)
        if exact is not None:
            assert abs(exact - median) < timedelta(hours=1)
    assert (got.rated, got.average_rating) == (want["rated"], want["rating"])


def assert_recap_matches(units: list[Unit], period: recap.Period) -> None:
    got = recap.recap_for(units, period)
    reports = [
        c
        for c in Complaint.objects.filter(unit__in=units).select_related("unit")
        if period.start <= dates.to_local(c.created_at, c.unit.time_zone).date() <= period.end
    ]
    cells = Counter((c.unit_id, c.kind, c.status) for c in reports)
    statuses = [s.value for s in recap.STATUS_ORDER]
    got_cells = {
        (row.unit.pk, row.kind, status): n
        for row in got.rows
        if row.kind
        for status, n in zip(statuses, row.counts, strict=True)
        if n
    }
    assert got_cells == dict(cells)
    assert got.total == len(reports)
    assert {value: n for value, _label, n in got.by_channel} == dict(Counter(c.channel for c in reports))
    weeks = Counter()
    for c in reports:
        day = dates.to_local(c.created_at, c.unit.time_zone).date()
        weeks[day - timedelta(days=day.weekday())] += 1
    assert {week: n for week, n in got.weekly if n} == dict(weeks)


# --- random sequences of actions ------------------------------------------------------------------------------------

step = st.tuples(
    st.integers(0, 99),  # which action: "file" or one of those the report's status allows (workflow.ACTIONS)
    st.integers(0, 3),  # which report (few, so that actions pile up on them)
    st.integers(0, 4),  # a choice: unit, kind, channel, rating
    st.one_of(st.integers(0, 90), st.integers(0, 6 * 24 * 60)),  # minutes the clock moves first
)


RARE = {"reject", "mark_duplicate", "close", "add_note", "add_information", "answer_request"}


def run(action: int, pks: list[int], pick: int, choice: int, units: list[Unit], boss, now) -> str:
    """File a report or take an action that the chosen report's status allows; returns what was done."""
    if not pks or action % 6 == 0:
        complaint = file(units[choice], kind=list(Kind)[choice % 3], channel=list(Channel)[choice])
        pks.append(complaint.pk)
        return "file"
    pk = pks[pick % len(pks)]
    status = Complaint.objects.values_list("status", flat=True).get(pk=pk)
    allowed = [name for name, a in workflow.ACTIONS.items() if status in a.sources]
    # the dead ends and the actions that change nothing counted come up less often, so reports get far
    possible = [name for name in allowed for _ in range(1 if name in RARE else 4)]
    name = possible[action % len(possible)]
    text = "Pesan untuk pelapor."
    calls = {
        "verify": lambda: workflow.verify(pk, by=boss),
        "reject": lambda: workflow.reject(pk, by=boss, reason=RejectReason.SPAM, message=text),
        "mark_duplicate": lambda: workflow.mark_duplicate(pk, by=boss, original=pks[choice % len(pks)]),
        "split_duplicate": lambda: workflow.split_duplicate(pk, by=boss),
        "forward": lambda: workflow.forward(pk, by=boss, to_unit=units[choice]),
        "assign": lambda: workflow.assign(pk, by=boss, officer=boss),
        "respond": lambda: workflow.add_response(pk, by=boss, message=text),
        "request_info": lambda: workflow.request_information(pk, by=boss, message=text),
        "resume": lambda: workflow.resume(pk, by=boss),
        "add_note": lambda: workflow.add_internal_note(pk, by=boss, note=text),
        "add_information": lambda: intake.add_information(Complaint.objects.get(pk=pk), message=text, files=[]),
        "answer_request": lambda: intake.add_information(Complaint.objects.get(pk=pk), message=text, files=[]),
        "resolve": lambda: workflow.resolve(pk, by=boss, message=text),
        "close": lambda: workflow.close(pk, by=boss),
        "reopen": lambda: workflow.reopen(pk, by=boss, message=text),
        "rate": lambda: workflow.rate(Complaint.objects.get(pk=pk), score=choice + 1),
        "object": lambda: workflow.object_to_resolution(Complaint.objects.get(pk=pk), reason=text),
        "auto_close": lambda: workflow.auto_close_due(now=now),
        "clarify": lambda: workflow.clarify(pk, message=text),
    }
    with contextlib.suppress(Refused):  # e.g. a duplicate of itself, forwarding to its own unit, too late
        calls[name]()
    return name


@pytest.fixture
def boss(unit_tree):
    """A humas admin of the root unit: may act on every unit's reports."""
    return make_staff("admin_pusat", "admin", unit_tree["root"])


@pytest.mark.slow  # a hundred random sequences of actions
@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no "explain": it replays hundreds of sequences
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(step, min_size=8, max_size=40))
def test_random_actions_keep_the_summaries_equal_to_a_rebuild_and_to_the_reports(unit_tree, boss, steps):
    units = [unit_tree[name] for name in ("root", "kanwil", "satker", "other", "other_satker")]
    clock = [START]
    savepoint = transaction.savepoint()
    try:
        with mock.patch.object(timezone, "now", side_effect=lambda: clock[0]):
            pks: list[int] = []
            for action, pick, choice, minutes in steps:
                clock[0] += timedelta(minutes=minutes)
                run(action, pks, pick, choice, units, boss, clock[0])
            now = clock[0]
            incremental = stored()
            assert_dashboard_matches(units, now)
            assert_dashboard_matches(units[1:3], now + timedelta(days=3))
            assert_recap_matches(units, recap.Period.month(now.year, now.month))
            assert_recap_matches(units, recap.Period.between(START.date() + timedelta(days=3), now.date()))
            summaries.rebuild()
            assert stored() == incremental
    finally:
        transaction.savepoint_rollback(savepoint)


# --- the pieces ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "minutes"),
    [
        (timedelta(seconds=59), 0),
        (timedelta(minutes=59, seconds=59), 59),
        (timedelta(hours=1), 60),
        (timedelta(hours=1, minutes=59), 60),
        (timedelta(days=4, hours=3, minutes=10), (4 * 24 + 3) * 60),
        (-timedelta(minutes=2, seconds=30), -2),
    ],
)
def test_buckets_are_minutes_under_an_hour_and_hours_above(span, minutes):
    assert summaries.bucket(span) == minutes


def test_the_median_of_buckets_is_the_middle_value_or_the_mean_of_the_two_middle_ones():
    assert dashboard.median_of([]) is None
    assert dashboard.median_of([(60, 0)]) is None
    assert dashboard.median_of([(24 * 60, 1), (7 * 24 * 60, 1)]) == timedelta(days=4)
    assert dashboard.median_of([(5, 2), (120, 1)]) == timedelta(minutes=5)
    assert dashboard.median_of([(120, 1), (5, 1), (60, 2)]) == timedelta(minutes=60)


@pytest.mark.django_db
def test_counts_follow_filing_status_changes_and_forwarding(unit_tree, boss):
    kanwil, other = unit_tree["kanwil"], unit_tree["other"]
    with mock.patch.object(timezone, "now", return_value=START):
        made = [file(kanwil) for _ in range(3)]
        workflow.verify(made[0].pk, by=boss)
        workflow.reject(made[1].pk, by=boss, reason=RejectReason.SPAM, message="Bukan laporan.")
        workflow.forward(made[0].pk, by=boss, to_unit=other)
    month = {
        (row.unit_id, row.status): row.count
        for row in RecapCount.objects.filter(grain="m", channel="").exclude(kind="")
        if row.count
    }
    assert month == {(kanwil.pk, "new"): 1, (kanwil.pk, "rejected"): 1, (other.pk, "verified"): 1}
    # the new report is due for verification, the verified one for its first answer (5 days after filing)
    due = {(row.unit_id, row.due_at): row.count for row in DueCount.objects.all() if row.count}
    new, forwarded = Complaint.objects.get(pk=made[2].pk), Complaint.objects.get(pk=made[0].pk)
    assert due == {(kanwil.pk, new.verification_due_at): 1, (other.pk, forwarded.response_due_at): 1}
    incremental = stored()
    summaries.rebuild()
    assert stored() == incremental


@pytest.mark.django_db
def test_a_change_outside_a_locked_report_is_refused_loudly(unit_tree):
    complaint = file(unit_tree["kanwil"])
    with pytest.raises(RuntimeError):
        summaries.record_change(Complaint.objects.get(pk=complaint.pk))


@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_lose_no_count(unit_tree):
    """Two connections file reports for the same unit and day at once: the upserts add, never overwrite."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers")
    kanwil = Unit.objects.get(pk=unit_tree["kanwil"].pk)
    errors = []

    def worker():
        try:
            for _ in range(8):
                file(kanwil)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    total = RecapCount.objects.filter(unit=kanwil, grain="m", kind="", status="", channel="web").get().count
    assert total == Complaint.objects.filter(unit=kanwil).count() == 24
