"""Unit compliance (kepatuhan unit): for a period and a subtree of units, per unit the releases it published,
the social posts it logged, the reports it received and how many it verified, first answered and resolved on
time, their average rating, and its overdue reports now; and the information requests registered in the period
(the PPID service): how many were answered, how many of those on time, and how many are still open past their
due date. A unit with no release, with overdue reports or with overdue information requests needs attention
("perlu perhatian"). Each app counts its own rows through its selector (releases.reporting,
channels_social.reporting, complaints.reporting.timeliness, which reads the summary tables, and
information.reporting), so the page costs the same few queries at a thousand reports or a million."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from channels_social import reporting as social_reporting
from complaints.models import Metric
from complaints.reporting import timeliness
from complaints.reporting.recap import Period
from humas.models import Unit
from information import reporting as information_reporting
from releases import reporting as release_reporting


@dataclass
class UnitCompliance:
    unit: Unit
    releases: int
    posts: int
    received: int
    verified: timeliness.Done
    answered: timeliness.Done
    resolved: timeliness.Done
    average_rating: float | None
    overdue: int
    requests: timeliness.Done  # information requests of the period answered, and of those answered on time
    requests_overdue: int  # information requests of the period still open past their due date
    depth: int = 0

    @property
    def requests_late(self) -> int:
        return self.requests.count - self.requests.on_time

    @property
    def reasons(self) -> list[str]:
        """Why the unit needs attention (empty: it does not)."""
        found = []
        if not self.releases:
            found.append(_("no release in the period"))
        if self.overdue:
            found.append(_("%(count)s overdue report(s)") % {"count": self.overdue})
        # An information request open past its due date counts like an overdue report: UU 14/2008 sets the
        # deadline (10 working days, 7 more when extended) and missing it is what an objection and a dispute at
        # the Information Commission are about. A request answered late is shown in the table but, like a
        # report resolved late, no longer flags the unit: only what is still waiting does.
        if self.requests_overdue:
            found.append(_("%(count)s overdue information request(s)") % {"count": self.requests_overdue})
        return found

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)


@dataclass
class Compliance:
    period: Period
    rows: list[UnitCompliance]
    total: UnitCompliance | None = None
    attention: list[UnitCompliance] = field(default_factory=list)


def compliance_for(units: list[Unit], period: Period, now: datetime | None = None) -> Compliance:
    """The figures of `units` (each on its own: pass a unit and its sub-units for a subtree), in tree order, with
    the sums over all of them."""
    units = [unit for unit in units if unit.is_active]
    releases = release_reporting.published_counts(units, period.start, period.end)
    posts = social_reporting.post_counts(units, period.start, period.end)
    handled = timeliness.for_units(units, period, now)
    requests = information_reporting.on_time_counts(units, period.start, period.end)
    rows = []
    for unit in units:
        figures = handled[unit.pk]
        rows.append(
            UnitCompliance(
                unit=unit,
                depth=getattr(unit, "depth", 0),
                releases=releases.get(unit.pk, 0),
                posts=posts.get(unit.pk, 0),
                received=figures.received,
                verified=figures.steps[Metric.VERIFY],
                answered=figures.steps[Metric.RESPOND],
                resolved=figures.steps[Metric.RESOLVE],
                average_rating=figures.average_rating,
                overdue=figures.overdue,
                requests=timeliness.Done(count=requests[unit.pk].answered, on_time=requests[unit.pk].on_time),
                requests_overdue=requests[unit.pk].overdue_open,
            )
        )
    rated = sum(handled[row.unit.pk].rated for row in rows)
    rating_sum = sum(handled[row.unit.pk].rating_sum for row in rows)

    def summed(name: str) -> timeliness.Done:
        steps = [getattr(row, name) for row in rows]
        return timeliness.Done(count=sum(s.count for s in steps), on_time=sum(s.on_time for s in steps))

    total = UnitCompliance(
        unit=Unit(name=_("All units")),
        releases=sum(row.releases for row in rows),
        posts=sum(row.posts for row in rows),
        received=sum(row.received for row in rows),
        verified=summed("verified"),
        answered=summed("answered"),
        resolved=summed("resolved"),
        average_rating=round(rating_sum / rated, 2) if rated else None,
        overdue=sum(row.overdue for row in rows),
        requests=summed("requests"),
        requests_overdue=sum(row.requests_overdue for row in rows),
    )
    return Compliance(period=period, rows=rows, total=total, attention=[r for r in rows if r.needs_attention])
