"""The monthly media analysis of a set of units: clippings by outlet and tone, the month's top issues, the
coverage of each release published that month, and the tone of the complaints beside the media's; drawn as
SVG charts by the template (geometry from complaints.reporting.charts, as the recap's) and exported as XLSX."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from complaints.models import Complaint
from complaints.reporting import charts
from humas import dates
from humas.spreadsheets import safe_cell
from releases.models import Release, Status

from . import issues
from .models import Clipping, ComplaintTone, Coverage, Tone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TONES = (Tone.POSITIVE, Tone.NEUTRAL, Tone.NEGATIVE)
MAX_OUTLETS = 15


@dataclass
class ReleaseCoverage:
    release: Release
    outlets: list[str]
    tones: dict[str, int]

    @property
    def count(self) -> int:
        return sum(self.tones.values())


@dataclass
class Analysis:
    month: date
    start: datetime
    end: datetime
    outlets: list[tuple[str, dict[str, int]]]  # (outlet, {tone: count}) by volume
    clippings: int
    media_tones: dict[str, int]
    complaint_tones: dict[str, int]
    complaints: int
    top_issues: list[issues.Issue]
    releases: list[ReleaseCoverage] = field(default_factory=list)

    @property
    def label(self) -> str:
        """'Desember 2026' (the day dropped from the Indonesian date)."""
        return dates.format_date(self.month, weekday=False).split(" ", 1)[1]

    @property
    def outlet_chart(self) -> dict:
        labels = dict(Tone.choices)
        labels[""] = _("not scored yet")
        rows = [(name, [(t, str(labels[t]), counts.get(t, 0)) for t in (*TONES, "")]) for name, counts in self.outlets]
        return charts.stacked_bars(rows)

    @property
    def sentiment_chart(self) -> dict:
        labels = dict(Tone.choices)
        rows = [
            (_("News"), [(t, str(labels[t]), self.media_tones.get(t, 0)) for t in TONES]),
            (_("Complaints"), [(t, str(labels[t]), self.complaint_tones.get(t, 0)) for t in TONES]),
        ]
        return charts.stacked_bars(rows)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(month.year, month.month, 1))
    following = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
    return start, timezone.make_aware(datetime(following.year, following.month, 1))


def analyse(unit_ids, month: date) -> Analysis:
    """Six queries, whatever the number of clippings (plus the issues' four)."""
    start, end = month_bounds(month)
    clippings = Clipping.objects.filter(published_at__gte=start, published_at__lt=end, is_irrelevant=False)
    complaints = Complaint.objects.filter(created_at__gte=start, created_at__lt=end)
    releases = Release.objects.filter(status__in=[Status.PUBLISHED, Status.WITHDRAWN], published_at__gte=start,
                                      published_at__lt=end)  # fmt: skip
    if unit_ids is not None:
        clippings = clippings.filter(unit_id__in=unit_ids)
        complaints = complaints.filter(unit_id__in=unit_ids)
        releases = releases.filter(unit_id__in=unit_ids)

    by_outlet: dict[str, Counter] = defaultdict(Counter)
    for row in clippings.values("outlet", "tone").annotate(n=Count("pk")).order_by():
        by_outlet[row["outlet"]][row["tone"]] += row["n"]
    outlets = sorted(by_outlet.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    media = Counter()
    for counts in by_outlet.values():
        media.update(counts)

    scored = ComplaintTone.objects.filter(complaint__in=complaints).values("tone").annotate(n=Count("pk")).order_by()
    complaint_tones = {row["tone"]: row["n"] for row in scored}

    listed = list(releases.select_related("unit").order_by("published_at"))
    found: dict[int, tuple[set[str], Counter]] = {r.pk: (set(), Counter()) for r in listed}
    rows = Coverage.objects.filter(release_id__in=found, clipping__is_irrelevant=False).values_list(
        "release_id", "clipping__outlet", "clipping__tone"
    )
    for release_id, outlet, tone in rows:
        found[release_id][0].add(outlet)
        found[release_id][1][tone or "unscored"] += 1

    return Analysis(
        month=month, start=start, end=end,
        outlets=[(name, dict(counts)) for name, counts in outlets[:MAX_OUTLETS]],
        clippings=sum(media.values()),
        media_tones={t: media.get(t, 0) for t in TONES},
        complaint_tones={t: complaint_tones.get(t, 0) for t in TONES},
        complaints=complaints.count(),
        top_issues=issues.between(unit_ids, start=start, end=end),
        releases=[ReleaseCoverage(r, sorted(found[r.pk][0]), dict(found[r.pk][1])) for r in listed],
    )  # fmt: skip


def xlsx(analysis: Analysis, *, title: str) -> HttpResponse:
    """The analysis as a workbook with one sheet per table, Indonesian headers whatever the page's language."""
    with translation.override("id"):
        book = Workbook()
        bold = Font(bold=True)
        tone_names = [str(label) for _value, label in Tone.choices]

        def sheet(name: str, header: list[str], rows: list[list], first: bool = False):
            ws = book.active if first else book.create_sheet()
            ws.title = name
            ws.append([title])
            ws.cell(row=1, column=1).font = Font(bold=True, size=13)
            ws.append(header)
            for cell in ws[2]:
                cell.font = bold
            for row in rows:
                ws.append([safe_cell(v) if isinstance(v, str) else v for v in row])
            ws.column_dimensions["A"].width = 40

        sheet(
            _("Outlets"),
            [_("Outlet"), *tone_names, _("Total")],
            [[name, *(c.get(t, 0) for t in TONES), sum(c.values())] for name, c in analysis.outlets],
            first=True,
        )
        sheet(
            _("Issues"),
            [_("Issue"), _("Mentions"), _("Previously"), _("News"), _("Complaints"), *tone_names],
            [
                [i.label, i.volume, i.previous, i.clippings, i.complaints, *(i.tones[t] for t in TONES)]
                for i in analysis.top_issues
            ],
        )
        sheet(
            _("Coverage"),
            [_("Release"), _("Published"), _("News items"), _("Outlets"), *tone_names],
            [
                [
                    r.release.title,
                    dates.to_local(r.release.published_at, r.release.unit.time_zone).replace(tzinfo=None),
                    r.count,
                    ", ".join(r.outlets),
                    *(r.tones.get(t, 0) for t in TONES),
                ]
                for r in analysis.releases
            ],
        )
        sheet(_("Sentiment"), [_("Source"), *tone_names],
              [[_("News"), *(analysis.media_tones[t] for t in TONES)],
               [_("Complaints"), *(analysis.complaint_tones[t] for t in TONES)]])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="analisis-media-{analysis.month:%Y-%m}.xlsx"'
    return response
