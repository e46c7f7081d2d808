"""Geometry for the compliance page's charts, drawn server-side as inline SVG (as complaints.reporting.charts
does for the recap): per unit, its share of steps done on time as three thin bars on a 0–100 % axis. Numbers
in, coordinates out; colours from classes in humas.css."""

from __future__ import annotations

from dataclasses import dataclass, field

from complaints.reporting.charts import CHART_WIDTH, LABEL_WIDTH, MARGIN

THIN = 9
INNER_GAP = 2
GROUP_GAP = 14


@dataclass
class Part:
    key: str
    label: str
    percent: float | None
    y: float
    width: float
    text_y: float
    text_x: float


@dataclass
class Group:
    label: str
    text_y: float
    parts: list[Part] = field(default_factory=list)


def percent_bars(rows: list[tuple[str, list[tuple[str, str, float | None]]]]) -> dict:
    """rows: (unit name, [(key, label, percent or None), ...]) → groups of bars in SVG coordinates."""
    plot_width = CHART_WIDTH - LABEL_WIDTH - MARGIN["right"] - 48
    groups = []
    y = float(MARGIN["top"])
    for label, parts in rows:
        height = len(parts) * (THIN + INNER_GAP)
        group = Group(label=label, text_y=round(y + height / 2 + 4, 2))
        for index, (key, part_label, percent) in enumerate(parts):
            top = y + index * (THIN + INNER_GAP)
            width = round(plot_width * (percent or 0) / 100, 2)
            group.parts.append(Part(key, part_label, percent, round(top, 2), width, round(top + THIN - 1, 2),
                                    round(LABEL_WIDTH + width + 4, 2)))  # fmt: skip
        groups.append(group)
        y += height + GROUP_GAP
    chart_height = y + 28
    ticks = [{"x": round(LABEL_WIDTH + plot_width * i / 4, 2), "value": 25 * i} for i in range(5)]
    return {
        "groups": groups,
        "width": CHART_WIDTH,
        "height": round(chart_height, 2),
        "ticks": ticks,
        "axis_y": round(chart_height - 24, 2),
        "tick_label_y": round(chart_height - 8, 2),
        "plot_left": LABEL_WIDTH,
    }
