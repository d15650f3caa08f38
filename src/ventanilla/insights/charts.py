"""Bar charts as geometry for a server-rendered SVG (``insights/_chart.html``). Pure.

Each chart is shown beside a table of the same numbers: the table is what screen readers
and people who cannot read the chart use, so the SVG only names itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
HEIGHT = 240
TOP = 20
BOTTOM = 40  # room for the labels under the bars
LEFT = 10
GAP = 0.25  # of each slot, between bars


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # None: not shown (too few to publish, or not available)
    x: float
    y: float
    width: float
    height: float
    label_x: float
    note: str = ""  # beside the value in the table, or instead of it when there is none


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: float
    target_y: float | None
    maximum: Decimal


def bar_chart(
    *,
    title: str,
    points: Sequence[tuple[str, Decimal | None]],
    maximum: Decimal | None = None,
    target: Decimal | None = None,
    notes: Sequence[str] = (),
) -> BarChart:
    """Bars for ``points`` (label, value), scaled to ``maximum`` (the largest value if
    not given); ``target`` draws a line across at that value. ``notes``, one per point if
    given, are shown in the table beside (or instead of) each value."""
    values = [v for _label, v in points if v is not None]
    top = maximum if maximum is not None else max([*values, Decimal(0)])
    top = top or Decimal(1)
    plot = HEIGHT - TOP - BOTTOM
    baseline = float(HEIGHT - BOTTOM)
    slot = (WIDTH - 2 * LEFT) / max(len(points), 1)
    bars = []
    for index, (label, value) in enumerate(points):
        x = LEFT + index * slot + slot * GAP / 2
        height = float(min(value, top) / top) * plot if value is not None else 0.0
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(x, 1),
                y=round(baseline - height, 1),
                width=round(slot * (1 - GAP), 1),
                height=round(height, 1),
                label_x=round(LEFT + index * slot + slot / 2, 1),
                note=notes[index] if index < len(notes) else "",
            )
        )
    target_y = (
        round(baseline - float(min(target, top) / top) * plot, 1) if target is not None else None
    )
    return BarChart(
        title=title,
        bars=tuple(bars),
        width=WIDTH,
        height=HEIGHT,
        baseline=baseline,
        target_y=target_y,
        maximum=top,
    )
