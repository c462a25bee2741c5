"""Geometry of the impact bar chart, computed in Python so that the page draws it as SVG without JavaScript.

Pure functions: they take the monthly figures and return coordinates in the SVG's viewBox units; the
template (templates/offers/includes/impact_chart.html) only draws and localises them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

STEP_MULTIPLES = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: Decimal
    series: str  # "waste" or "co2e"


@dataclass(frozen=True)
class Tick:
    y: float
    value: Decimal


@dataclass(frozen=True)
class MonthLabel:
    x: float
    month: date
    shown: bool  # long series label every few months so that the labels never overlap


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[MonthLabel]

    @property
    def tick_x(self) -> float:
        return self.left - 8

    @property
    def month_y(self) -> float:
        return self.bottom + 18

    @property
    def year_y(self) -> float:
        return self.bottom + 34


def nice_step(maximum: Decimal, *, ticks: int = 4) -> Decimal:
    """A round step (1, 2, 2.5 or 5 × a power of ten) so that about ``ticks`` steps cover ``maximum``."""
    if maximum <= 0:
        return Decimal(1)
    raw = maximum / ticks
    magnitude = Decimal(1).scaleb(raw.adjusted())
    return next(multiple * magnitude for multiple in STEP_MULTIPLES if multiple * magnitude >= raw)


def bar_chart(
    points: Sequence[tuple[date, Decimal, Decimal]],
    *,
    width: int = 560,
    height: int = 320,
    margin_left: int = 52,
    margin_bottom: int = 40,
    margin_top: int = 28,
    margin_right: int = 8,
) -> Chart:
    """Grouped bars (kg diverted, then kg CO2e avoided) per month, with a y axis from 0 to a round maximum."""
    left, top = float(margin_left), float(margin_top)
    right, bottom = float(width - margin_right), float(height - margin_bottom)
    maximum = max((max(waste, co2e) for _month, waste, co2e in points), default=Decimal(0))
    step = nice_step(maximum)
    steps = max(1, int((maximum / step).to_integral_value(rounding=ROUND_CEILING)))
    top_value = step * steps
    plot_height = bottom - top

    def y_of(value: Decimal) -> float:
        return round(bottom - float(value / top_value) * plot_height, 2)

    ticks = [Tick(y=y_of(step * index), value=step * index) for index in range(steps + 1)]
    slot = (right - left) / max(len(points), 1)
    bar_width = round(slot * 0.36, 2)
    every = max(1, -(-len(points) // 12))  # at most 12 month labels
    bars, labels = [], []
    for index, (month, waste, co2e) in enumerate(points):
        start = left + slot * index
        centre = start + slot / 2
        for offset, value, series in ((-bar_width, waste, "waste"), (0.0, co2e, "co2e")):
            y = y_of(value)
            bars.append(
                Bar(
                    x=round(centre + offset, 2),
                    y=y,
                    width=bar_width,
                    height=round(bottom - y, 2),
                    value=value,
                    series=series,
                )
            )
        labels.append(MonthLabel(x=round(centre, 2), month=month, shown=(len(points) - 1 - index) % every == 0))
    return Chart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        bars=bars,
        ticks=ticks,
        labels=labels,
    )
