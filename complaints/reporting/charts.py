"""Geometry for the recap's charts, drawn server-side as inline SVG by the templates: a horizontal bar per
unit stacked by status, and a line of new reports per week. Plain numbers in, coordinates out; colours come
from classes in humas.css (the CSP allows no inline styles)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from humas import dates

BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 200
CHART_WIDTH = 720
LINE_HEIGHT = 240
MARGIN = {"top": 16, "right": 24, "bottom": 44, "left": 48}


@dataclass
class Segment:
    status: str
    label: str
    count: int
    x: float
    width: float


@dataclass
class Bar:
    label: str
    total: int
    y: float
    text_y: float
    segments: list[Segment] = field(default_factory=list)
    end_x: float = 0


def nice_max(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1), for a readable axis."""
    value = max(value, 1)
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def stacked_bars(rows: list[tuple[str, list[tuple[str, str, int]]]]) -> dict:
    """rows: (unit name, [(status, status label, count), ...]) → bars with segments in SVG coordinates."""
    top = max((sum(c for _, _, c in parts) for _, parts in rows), default=0)
    scale_max = nice_max(top)
    plot_width = CHART_WIDTH - LABEL_WIDTH - MARGIN["right"] - 40
    bars = []
    for index, (label, parts) in enumerate(rows):
        y = MARGIN["top"] + index * (BAR_HEIGHT + BAR_GAP)
        bar = Bar(label=label, total=sum(c for _, _, c in parts), y=y, text_y=y + BAR_HEIGHT * 0.7)
        x = float(LABEL_WIDTH)
        for status, status_label, count in parts:
            if not count:
                continue
            width = plot_width * count / scale_max
            bar.segments.append(Segment(status, status_label, count, round(x, 2), round(width, 2)))
            x += width
        bar.end_x = round(x + 6, 2)
        bars.append(bar)
    height = MARGIN["top"] + len(rows) * (BAR_HEIGHT + BAR_GAP) + 28
    ticks = [{"x": round(LABEL_WIDTH + plot_width * i / 4, 2), "value": scale_max * i // 4} for i in range(5)]
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": height,
        "ticks": ticks,
        "axis_y": height - 24,
        "tick_label_y": height - 8,
        "plot_left": LABEL_WIDTH,
    }


def weekly_line(points: list[tuple[date, int]]) -> dict:
    """points: (Monday of the week, new reports) → a polyline with labelled dots and axes."""
    left, right, top, bottom = MARGIN["left"], MARGIN["right"], MARGIN["top"], MARGIN["bottom"]
    plot_w = CHART_WIDTH - left - right
    plot_h = LINE_HEIGHT - top - bottom
    scale_max = nice_max(max((n for _, n in points), default=0))
    step = plot_w / (len(points) - 1) if len(points) > 1 else 0
    label_every = max(1, (len(points) + 7) // 8)  # at most ~8 date labels under the axis
    dots = []
    for index, (week, count) in enumerate(points):
        x = left + (step * index if len(points) > 1 else plot_w / 2)
        y = top + plot_h - plot_h * count / scale_max
        dots.append(
            {
                "x": round(x, 2),
                "y": round(y, 2),
                "count": count,
                "week": week,
                "label": dates.format_date(week, weekday=False),
                "short": f"{week.day}/{week.month}",
                "show_label": index % label_every == 0,
            }
        )
    gridlines = [{"y": round(top + plot_h - plot_h * i / 4, 2), "value": scale_max * i // 4} for i in range(5)]
    return {
        "dots": dots,
        "polyline": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "width": CHART_WIDTH,
        "height": LINE_HEIGHT,
        "left": left,
        "right": CHART_WIDTH - right,
        "baseline": top + plot_h,
        "gridlines": gridlines,
        "label_y": top + plot_h + 18,
    }
